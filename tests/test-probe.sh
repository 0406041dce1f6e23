#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The connection test and the test message against real servers, as TAP
# (suite "probe").
#
# `messagerie-helper probe`, once per case, against a real server on
# 127.0.0.2: tests/smtp-server.py (aiosmtpd: plain, STARTTLS, implicit TLS,
# with or without AUTH) with certificates made here by openssl (a test
# authority, trusted through MESSAGERIE_PROBE_CA_FILE, signs one for the
# gateway's name, one for another name and one that expired in 2020; a
# self-signed one is trusted by nobody), or tests/raw-server.py (a server
# that never answers, one that answers garbage). Every result code is
# produced by a real exchange: ok for each TLS choice with and without
# AUTH, then resolve, connect, timeout, tls, certificate (three ways, and
# ok once verification is off), starttls-missing, auth-missing,
# auth-failed and protocol; and invalid settings. Each case checks the
# exit status (0 only for ok, 5 for a failed test), the result line, the
# details (server name, TLS version, login method, certificate name,
# server reply) and that the password appears nowhere in the output.
#
# Then `messagerie-helper --root ROOT test-mail` on a test root that
# `apply` configured (tests/lib-exim-root.sh), with the real exim: with the
# gateway down (the failure is reported, the message leaves the queue),
# up (the gateway's reply is reported, and it received the message even
# though exim had marked it as failing a moment before), refusing the
# recipient (the refusal is reported with the gateway's 550 text, and
# neither the message nor its bounce stays in the queue).
#
# Root is needed for relay_tls=no (port 25) and for exim: those cases are
# skipped otherwise. Needs python3-aiosmtpd, openssl, glib-networking,
# "127.0.0.2 smtp.messagerie.test" in /etc/hosts (build-aux/dev), and for
# test-mail what tests/test-delivery.sh needs. Port 25 of 127.0.0.2 must be
# free. Writes nothing under /etc; test-mail shares exim's spool and log.
#
# Environment: MESSAGERIE_HELPER (the built helper, required),
# MESSAGERIE_KEEP_TMP=1 keeps the temporary directory.

set -u
# The helper's messages in English, whatever the caller's language.
export LC_ALL=C.UTF-8
unset LANGUAGE

srcdir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
helper=${MESSAGERIE_HELPER:-}

# ---------------------------------------------------------------------------
# TAP helpers (tests/lib-tap.sh); the plan comes last.

# shellcheck source=tests/lib-tap.sh
. "$srcdir/tests/lib-tap.sh"
# Seconds since $1 (date +%s.%N), to the hundredth.
since () { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }
# Every line of the protocol (doc/helper-protocol.md), and nothing else.
protocol_line=$'^(step\t[a-z]+\t.+|detail\t[a-z]+\t.+|result\t[a-z-]+\t.+|error\t[a-z_]+\t[A-Z0-9]+\t.+)$'

# ---------------------------------------------------------------------------
# Processes and files, cleaned up on exit

make_work messagerie-probe
at_exit () { server_stop; }
# shellcheck source=tests/lib-exim-root.sh
. "$srcdir/tests/lib-exim-root.sh"
raw_script=$srcdir/tests/raw-server.py

root=false
[ "$(id -u)" -eq 0 ] && root=true

missing=$(gateway_missing)
[ -n "$helper" ] && [ -x "$helper" ] || missing+=${missing:+$'\n'}"MESSAGERIE_HELPER is not set to the built helper ('$helper')"
compgen -G '/usr/lib/*/gio/modules/libgiognutls.so' >/dev/null ||
  missing+=${missing:+$'\n'}"GIO has no TLS backend (package glib-networking)"
if [ -n "$missing" ]; then
  printf '%s\n' "$missing" | diag
  bail "this machine cannot run the connection tests"
fi

# ---------------------------------------------------------------------------
# Certificates: a test authority signs the good one, one for another name
# and one that expired; the self-signed one is its own issuer. `openssl ca`
# sets any dates (OpenSSL 3.0's `req -x509` cannot make an expired one).

make_certificates () {
  local dir=$work/pki name cn
  mkdir -p "$dir"
  cat >"$dir/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $dir
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
EOF
  : >"$dir/index.txt"
  echo 01 >"$dir/serial"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$dir/ca.key" -out "$work/ca.pem" \
    -subj "/CN=Messagerie test authority" || return 1
  for name in good:$gateway other:other.messagerie.test expired:$gateway; do
    cn=${name#*:}
    name=${name%%:*}
    openssl req -newkey rsa:2048 -nodes -keyout "$work/$name.key" -out "$dir/$name.csr" \
      -subj "/CN=$cn" -addext "subjectAltName=DNS:$cn" || return 1
    if [ "$name" = expired ]; then
      set -- -startdate 20200101000000Z -enddate 20200102000000Z
    else
      set -- -days 2
    fi
    openssl ca -batch -notext -config "$dir/ca.cnf" -cert "$work/ca.pem" -keyfile "$dir/ca.key" \
      -in "$dir/$name.csr" -out "$work/$name.pem" "$@" || return 1
  done
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$work/self.key" -out "$work/self.pem" \
    -subj "/CN=$gateway" -addext "subjectAltName=DNS:$gateway" || return 1
  chmod 0644 "$work"/*.pem
}

if ! make_certificates >"$work/openssl.log" 2>&1; then
  diag "$work/openssl.log"
  bail "openssl makes the test certificates"
fi

# ---------------------------------------------------------------------------
# Probe cases

# gateway NAME MODE [CERT|none] [ARGS...]: tests/smtp-server.py for the
# case, with the certificate CERT.pem (none for plain).
gateway () {
  local name=$1 mode=$2 cert=${3:-none}
  local tls=(--cert "$work/$cert.pem" --key "$work/$cert.key")
  shift 3 2>/dev/null || shift $#
  [ "$cert" = none ] && tls=()
  server_start "$name/server" "$server_script" --mode "$mode" "${tls[@]}" \
    --outdir "$work/$name/received" "$@"
}

# probe NAME KEY=VALUE... [-- PROBE-OPTIONS...]: the relay settings (the
# demo's, with a gateway on $gateway, STARTTLS on the port of the server
# last started, verified, no AUTH, then these values) and the password,
# into `messagerie-helper probe`; sets rc and elapsed (seconds).
probe () {
  local name=$1 start
  local settings=(relay_enabled=true "relay_host=$gateway" relay_tls=custom
                  "relay_port=${server_port:-25}" relay_custom_implicit_tls=false
                  relay_tls_verify=true relay_auth=false "relay_user=$relay_user")
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do settings+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  mkdir -p "$work/$name"
  helper_input "${settings[@]}" >"$work/$name/settings"
  start=$(date +%s.%N)
  rc=0
  MESSAGERIE_PROBE_CA_FILE=$work/ca.pem "$helper" probe "$@" \
    <"$work/$name/settings" >"$work/$name/out" 2>"$work/$name/err" || rc=$?
  elapsed=$(since "$start")
}

# detail NAME KEY: the value of that detail line.
detail () {
  awk -F '\t' -v k="$2" '$1 == "detail" && $2 == k { print $3 }' "$work/$1/out"
}

# report NAME_OK NAME_NOT_OK FILE...: one case, passed when the array
# problems is empty; otherwise the problems, the exit status rc and the
# FILEs that exist are shown.
report () {
  local name_ok=$1 name_not_ok=$2 f
  shift 2
  if [ "${#problems[@]}" -eq 0 ]; then
    ok "$name_ok"
  else
    not_ok "$name_not_ok"
    { printf '%s\n' "${problems[@]}" "exit $rc"
      for f in "$@"; do [ ! -e "$f" ] || { echo "${f#"$work"/}:"; cat "$f"; }; done
    } | diag
  fi
}

# verdict NAME CODE DESCRIPTION [CHECK...]: one TAP case. Always checked:
# the exit status (0 for ok, 1 for invalid, 5 for another code), the last line
# "result<TAB>CODE<TAB>…", every line of the protocol, no password. Each
# CHECK is "message~TEXT" (the result's message contains TEXT),
# "KEY=VALUE" (the detail KEY is VALUE), "KEY~REGEX" (it matches) or
# "!KEY" (no such detail).
verdict () {
  local name=$1 code=$2 what=$3 want_rc=5 message problems=() check key value
  shift 3
  [ "$code" = ok ] && want_rc=0
  [ "$code" = invalid ] && want_rc=1
  message=$(tail -n 1 "$work/$name/out" | cut -f 3-)
  # A server that did not start: another may have answered in its place.
  [ -z "$server_failed" ] || problems+=("$server_failed")
  server_failed=
  [ "$rc" -eq "$want_rc" ] || problems+=("exit status $rc, not $want_rc")
  [ "$(result_code "$work/$name/out")" = "$code" ] || problems+=("last line is not result/$code")
  grep -qvE "$protocol_line" "$work/$name/out" && problems+=("a line outside the protocol")
  if grep -qF -- "$relay_password" "$work/$name/out" "$work/$name/err"; then
    problems+=("the password is in the output")
  fi
  for check in "$@"; do
    case $check in
      message~*)
        [[ $message == *"${check#message~}"* ]] || problems+=("the message lacks '${check#message~}'") ;;
      !*)
        [ -z "$(detail "$name" "${check#!}")" ] || problems+=("a detail ${check#!}") ;;
      *=*)
        key=${check%%=*} value=$(detail "$name" "$key")
        [ "$value" = "${check#*=}" ] || problems+=("detail $key is '$value', not '${check#*=}'") ;;
      *~*)
        key=${check%%~*} value=$(detail "$name" "$key")
        [[ $value =~ ${check#*~} ]] || problems+=("detail $key is '$value', which does not match '${check#*~}'") ;;
    esac
  done
  report "$name: $what: $code ($elapsed s) — $message" "$name: $what: $code" \
    "$work/$name/out" "$work/$name/err" "$work/$name/server.log"
}

tls_version='^TLS 1\.[23]$'

# The six successes: each TLS choice, with and without AUTH.

if $root; then
  gateway plain-noauth plain none --port 25
  probe plain-noauth relay_tls=no relay_port=; server_stop
  verdict plain-noauth ok "TLS « non » (port 25), no AUTH" "server=$gateway" '!tls' '!mechanism' \
    'message~without TLS'

  gateway plain-auth plain none --port 25 --user "$relay_user" --password "$relay_password"
  probe plain-auth relay_tls=no relay_port= relay_auth=true; server_stop
  verdict plain-auth ok "TLS « non » (port 25), AUTH" "server=$gateway" '!tls' mechanism=PLAIN
else
  skip "plain-noauth: TLS « non » (port 25), no AUTH" "needs root to listen on port 25"
  skip "plain-auth: TLS « non » (port 25), AUTH" "needs root to listen on port 25"
fi

gateway starttls-noauth starttls good
probe starttls-noauth; server_stop
verdict starttls-noauth ok "STARTTLS, no AUTH" "server=$gateway" "tls~$tls_version" \
  "certificate=$gateway" '!mechanism'

gateway starttls-auth starttls good --user "$relay_user" --password "$relay_password"
probe starttls-auth relay_auth=true; server_stop
verdict starttls-auth ok "STARTTLS, AUTH" "server=$gateway" "tls~$tls_version" mechanism=PLAIN \
  'message~accepted the login (PLAIN)'

gateway smtps-noauth smtps good
probe smtps-noauth relay_custom_implicit_tls=true; server_stop
verdict smtps-noauth ok "implicit TLS, no AUTH" "server=$gateway" "tls~$tls_version" '!mechanism'

gateway smtps-auth-login smtps good --user "$relay_user" --password "$relay_password" \
  --auth-mechanisms LOGIN
probe smtps-auth-login relay_custom_implicit_tls=true relay_auth=true; server_stop
verdict smtps-auth-login ok "implicit TLS, AUTH LOGIN only" "server=$gateway" "tls~$tls_version" \
  mechanism=LOGIN

# Each failure, for real.

server_port=
probe resolve relay_host=nonexistent.invalid
verdict resolve resolve "a name that does not resolve" 'message~nonexistent.invalid' '!server'
# One sentence of Messagerie's, not the resolver's own words after it.
if grep -q "Error resolving" "$work/resolve/out"; then
  not_ok "resolve: the message repeats the resolver's error"; diag "$work/resolve/out"
else
  ok "resolve: the message is one sentence, without the resolver's error"
fi

# A port nothing listens on: the system's choice, closed again at once.
server_port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("'"$gateway_address"'", 0)); print(s.getsockname()[1])')
probe connect relay_host=$gateway_address
verdict connect connect "a closed port on $gateway_address" 'message~refused the connection'

server_start timeout/server "$raw_script" --mode silent
probe timeout -- --timeout 2; server_stop
verdict timeout timeout "a server that never answers (--timeout 2)" 'message~no greeting within 2 s'
if awk -v e="$elapsed" 'BEGIN { exit !(e >= 2 && e < 8) }'; then
  ok "timeout: the probe gave up after 2 s (took $elapsed s)"
else
  not_ok "timeout: the probe gave up after 2 s (took $elapsed s)"
fi

# Each reply 1.5 s after its command: in time for a limit per reply, which
# let such a server stretch one test to the sum of them. --timeout is the
# whole test's.
server_start deadline/server "$raw_script" --mode drip --interval 1.5
probe deadline -- --timeout 2; server_stop
verdict deadline timeout "a server answering each reply just in time (--timeout 2)" 'message~2 s in all'
if awk -v e="$elapsed" 'BEGIN { exit !(e >= 2 && e < 3) }'; then
  ok "deadline: the whole probe took at most --timeout 2 (took $elapsed s)"
else
  not_ok "deadline: the whole probe took at most --timeout 2 (took $elapsed s)"
fi

gateway tls plain
probe tls relay_custom_implicit_tls=true; server_stop
verdict tls tls "implicit TLS against a server without TLS" 'message~TLS handshake'

gateway certificate-self-signed smtps self
probe certificate-self-signed relay_custom_implicit_tls=true; server_stop
verdict certificate-self-signed certificate "a self-signed certificate, verified" \
  "certificate=$gateway" 'message~not trusted'

gateway certificate-other-name smtps other
probe certificate-other-name relay_custom_implicit_tls=true; server_stop
verdict certificate-other-name certificate "a certificate for another name" \
  certificate=other.messagerie.test 'message~for another name: other.messagerie.test, not smtp.messagerie.test'

gateway certificate-expired starttls expired
probe certificate-expired; server_stop
verdict certificate-expired certificate "an expired certificate" "certificate=$gateway" \
  'message~expired on 2020-01-02'

gateway self-signed-unverified smtps self --user "$relay_user" --password "$relay_password"
probe self-signed-unverified relay_custom_implicit_tls=true relay_tls_verify=false relay_auth=true; server_stop
verdict self-signed-unverified ok "a self-signed certificate, verification off" \
  "tls~$tls_version" mechanism=PLAIN 'message~certificate not verified'

gateway starttls-missing plain
probe starttls-missing; server_stop
verdict starttls-missing starttls-missing "STARTTLS asked of a server without it" 'message~port 465'

gateway auth-missing smtps good
probe auth-missing relay_custom_implicit_tls=true relay_auth=true; server_stop
verdict auth-missing auth-missing "AUTH asked of a server without it" '!mechanism' \
  'message~does not offer authentication'

gateway auth-failed starttls good --user "$relay_user" --password "$relay_password"
password='wrong password' probe auth-failed relay_auth=true; server_stop
verdict auth-failed auth-failed "a wrong password" mechanism=PLAIN 'reply~^535 ' \
  'message~535 5.7.8 Authentication credentials invalid'

# Authentication on, the password only on the server (none given): the
# name, TLS, the certificate and the login methods are tested; neither the
# login nor the envelope is tried, and the message says so.
gateway login-untested starttls good --user "$relay_user" --password "$relay_password"
password= probe login-untested relay_auth=true "root_sender=$root_sender" \
  "root_recipient=$root_recipient"; server_stop
verdict login-untested ok "AUTH on, the password only on the server" "tls~$tls_version" \
  "certificate=$gateway" '!mechanism' 'message~was not tried'
if [ -s "$work/login-untested/server.log" ] &&
   ! grep -qE "AUTH (PLAIN|LOGIN) as" "$work/login-untested/server.log" &&
   ! grep -q "MAIL FROM:<" "$work/login-untested/server.log"; then
  ok "login-untested: the gateway saw no login and no MAIL FROM"
else
  not_ok "login-untested: the gateway saw no login and no MAIL FROM"
  diag "$work/login-untested/server.log"
fi

# The envelope of root's mail, tried after the login and reset: no message.
gateway sender-refused starttls good --user "$relay_user" --password "$relay_password" \
  --reject-sender "$root_sender"
probe sender-refused relay_auth=true "root_sender=$root_sender" "root_recipient=$root_recipient"; server_stop
verdict sender-refused sender-refused "a gateway that refuses root's sender" key=root_sender \
  'reply~^553 5\.7\.1 ' "message~$root_sender" 'message~own domain'

gateway recipient-refused starttls good --reject-recipient "$root_recipient"
probe recipient-refused "root_sender=$root_sender" "root_recipient=$root_recipient"; server_stop
verdict recipient-refused recipient-refused "a gateway that refuses root's recipient" \
  key=root_recipient 'reply~^550 5\.1\.1 ' "message~$root_recipient"

gateway envelope-accepted starttls good --user "$relay_user" --password "$relay_password"
probe envelope-accepted relay_auth=true "root_sender=$root_sender" "root_recipient=$root_recipient"; server_stop
verdict envelope-accepted ok "root's envelope accepted, then reset" mechanism=PLAIN '!key'
if grep -q "MAIL FROM:<$root_sender>" "$work/envelope-accepted/server.log" &&
   grep -q "RCPT TO:<$root_recipient>" "$work/envelope-accepted/server.log" &&
   grep -q "RSET" "$work/envelope-accepted/server.log" && ! grep -q "DATA" "$work/envelope-accepted/server.log" &&
   [ -z "$(ls "$work/envelope-accepted/received" 2>/dev/null)" ]; then
  ok "envelope-accepted: the gateway saw MAIL FROM, RCPT TO and RSET, no DATA, no message"
else
  not_ok "envelope-accepted: the gateway saw MAIL FROM, RCPT TO and RSET, no DATA, no message"
  diag "$work/envelope-accepted/server.log"
fi

# « Détecter »: each TLS choice tried on its standard port, the first that
# reaches the gateway proposed (needs the ports of 127.0.0.2 below 1024).
if $root; then
  # detect NAME MODE PORT EXPECTED ATTEMPTS: a server of MODE on PORT only.
  detect () {
    local name=$1 mode=$2 port=$3 expected=$4 attempts=$5 cert=good seen
    [ "$mode" = plain ] && cert=none
    gateway "$name" "$mode" "$cert" --port "$port"
    mkdir -p "$work/$name"
    helper_input relay_enabled=true "relay_host=$gateway" relay_tls=no relay_auth=false \
      "root_sender=$root_sender" "root_recipient=$root_recipient" >"$work/$name/settings"
    rc=0
    MESSAGERIE_PROBE_CA_FILE=$work/ca.pem "$helper" detect --timeout 5 \
      <"$work/$name/settings" >"$work/$name/out" 2>"$work/$name/err" || rc=$?
    server_stop
    seen=$(awk -F '\t' '$1 == "attempt" { printf "%s=%s ", $2, $3 }' "$work/$name/out")
    if [ "$rc" -eq 0 ] && [ "$(detail "$name" proposal)" = "$expected" ] && [ "$seen" = "$attempts" ]; then
      ok "$name: detect proposes $expected ($seen)"
    else
      not_ok "$name: detect proposes $expected"
      { echo "exit $rc; attempts: $seen; expected: $attempts"; cat "$work/$name/out" "$work/$name/err"; } | diag
    fi
  }
  detect detect-smtps smtps 465 port-465 "port-465=ok port-587=connect port-25=connect no=connect "
  detect detect-starttls starttls 587 port-587 "port-465=connect port-587=ok port-25=connect no=connect "
  detect detect-plain plain 25 no "port-465=connect port-587=connect port-25=starttls-missing no=ok "
  if grep -qP '^attempt\tport-465\tok\tTLS 1\.[23]\t'"$gateway"'\t' "$work/detect-smtps/out"; then
    ok "detect-smtps: the attempt says the TLS version and the certificate's name"
  else
    not_ok "detect-smtps: the attempt says the TLS version and the certificate's name"; diag "$work/detect-smtps/out"
  fi
else
  for c in smtps starttls plain tls-details; do skip "detect-$c" "needs root to listen on ports 25, 465, 587"; done
fi

server_start protocol/server "$raw_script" --mode garbage
probe protocol; server_stop
verdict protocol protocol "a server that answers no SMTP" 'message~hello, this is no SMTP server'

server_port=25
probe invalid relay_host=
verdict invalid invalid "no gateway: nothing is tested" 'message~nothing was tested'
if grep -q $'^error\trelay_host\tE6\t' "$work/invalid/out"; then
  ok "invalid: the error line names relay_host"
else
  not_ok "invalid: the error line names relay_host"
  diag "$work/invalid/out"
fi

# ---------------------------------------------------------------------------
# test-mail

rc=0
"$helper" test-mail >"$work/test-mail-refused.out" 2>"$work/test-mail-refused.err" </dev/null || rc=$?
if [ "$rc" -eq 4 ] && [ "$(tail -n 1 "$work/test-mail-refused.out" | cut -f 1,2)" = "$(printf 'result\trefused')" ]; then
  ok "test-mail: refused (exit 4) without pkexec and without --root"
else
  not_ok "test-mail: refused (exit 4) without pkexec and without --root"
  { echo "exit $rc"; cat "$work/test-mail-refused.out" "$work/test-mail-refused.err"; } | diag
fi

if ! $root; then
  for _ in 1 2 3 4 5; do skip "test-mail (not run)" "needs root to run exim as a deliverer"; done
  echo "1..$n"
  [ "$failed" -eq 0 ]
  exit
fi
# As root, what the delivery test needs: missing, the cases fail.
missing=$(exim_root_missing)
if [ -n "$missing" ]; then
  printf '%s\n' "$missing" | diag
  bail "test-mail: this machine cannot run exim on a test root"
fi

mail_root=$work/mail/root
conf=$mail_root/var/lib/exim4/config.autogenerated

# test_mail NAME: `messagerie-helper --root ROOT test-mail`, its output in
# $work/NAME; sets rc.
test_mail () {
  local start
  mkdir -p "$work/$1"
  start=$(date +%s.%N)
  rc=0
  "$helper" --root "$mail_root" test-mail >"$work/$1/out" 2>"$work/$1/err" </dev/null || rc=$?
  elapsed=$(since "$start")
}

# The gateway: STARTTLS on a port of its choice, AUTH, the certificate
# verified by exim through the test authority; started again on that port
# by each case that needs it.
gateway mail starttls good --user "$relay_user" --password "$relay_password" ||
  bail "test-mail: the gateway starts"
mail_port=$server_port
make_root "$mail_root" "$mail_domain" "$primary_hostname" "$work/ca.pem"
helper_input relay_enabled=true "relay_host=$gateway" relay_tls=custom "relay_port=$mail_port" \
  relay_custom_implicit_tls=false relay_tls_verify=true relay_auth=true "relay_user=$relay_user" \
  "mail_domain=$mail_domain" "root_sender=$root_sender" "root_recipient=$root_recipient" \
  >"$work/mail/settings"
rc=0
"$helper" --root "$mail_root" apply <"$work/mail/settings" >"$work/mail/apply.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && [ -f "$conf" ]; then
  ok "test-mail: apply configures the test root (gateway on port $mail_port)"
else
  not_ok "test-mail: apply configures the test root"
  { echo "exit $rc"; cat "$work/mail/apply.out"; } | diag
fi

# 1. The gateway down: exim cannot connect; the message does not stay.
server_stop
test_mail down
problems=()
[ "$rc" -eq 5 ] || problems+=("exit $rc, not 5")
[ "$(result_code "$work/down/out")" = failed ] || problems+=("not result/failed")
grep -q 'Connection refused' "$work/down/out" || problems+=("no 'Connection refused'")
left=$(queued "$(detail down id)")
[ -z "$left" ] || problems+=("left in the queue: $left")
report "test-mail: the gateway down is reported ($(tail -n 1 "$work/down/out" | cut -f 3))" \
  "test-mail: the gateway down is reported" "$work/down/out" "$work/down/err"
remove_from_queue "$conf" "$(detail down id)"

# 2. The gateway up again: delivered now, although exim's retry data says
# it failed a moment ago; the gateway's reply is reported.
gateway delivered starttls good --port "$mail_port" --user "$relay_user" --password "$relay_password"
test_mail delivered
server_stop
problems=()
received=("$work/delivered/received"/msg-*.json)
[ -e "${received[0]}" ] || received=()
[ "$rc" -eq 0 ] || problems+=("exit $rc, not 0")
[ "$(result_code "$work/delivered/out")" = ok ] || problems+=("not result/ok")
[[ $(detail delivered reply) == "250 OK queued as test-1" ]] || problems+=("reply '$(detail delivered reply)'")
[[ $(tail -n 1 "$work/delivered/out" | cut -f 3) == *"250 OK queued as test-1"* ]] || problems+=("the message lacks the reply")
if [ "${#received[@]}" -ne 1 ]; then
  problems+=("the gateway received ${#received[@]} message(s)")
else
  [ "$(record 'r["rcpt_tos"]' "${received[0]}")" = "['$root_recipient']" ] || problems+=("not for $root_recipient")
  [ "$(record 'r["login"]' "${received[0]}")" = "$relay_user" ] || problems+=("not after AUTH as $relay_user")
  [ "$(record 'r["tls"]' "${received[0]}")" = starttls ] || problems+=("not over STARTTLS")
  [ "$(record 'msg["Subject"]' "${received[0]}")" = "Test message from Messagerie on $primary_hostname" ] ||
    problems+=("Subject: $(record 'msg["Subject"]' "${received[0]}")")
fi
report "test-mail: delivered to the gateway, which said « $(detail delivered reply) » ($elapsed s)" \
  "test-mail: delivered to the gateway, its reply reported" \
  "$work/delivered/out" "$work/delivered/err" "$work/delivered/server.log"

# 3. A gateway that refuses the recipient: the refusal is reported with
# its text; neither the message nor its bounce stays in the queue.
gateway refused starttls good --port "$mail_port" --user "$relay_user" --password "$relay_password" \
  --reject-recipient "$root_recipient"
test_mail refused
server_stop
problems=()
[ "$rc" -eq 5 ] || problems+=("exit $rc, not 5")
[ "$(result_code "$work/refused/out")" = failed ] || problems+=("not result/failed")
[[ $(tail -n 1 "$work/refused/out" | cut -f 3) == *"550 5.1.1 <$root_recipient>: recipient refused by the test gateway"* ]] ||
  problems+=("the message lacks the gateway's refusal")
[ -z "$(ls "$work/refused/received")" ] || problems+=("the gateway received a message")
left=$(queued "$(detail refused id)")
[ -z "$left" ] || problems+=("left in the queue: $left")
report "test-mail: the refusal is reported ($(tail -n 1 "$work/refused/out" | cut -f 3))" \
  "test-mail: the refusal is reported" "$work/refused/out" "$work/refused/err" "$work/refused/server.log"
remove_from_queue "$conf" "$(detail refused id)"

# 4. Nothing of the test-mail runs' in the protocol but its lines (grep
# finds no other line: status 1; 2 is an error).
grep -vhE "$protocol_line" "$work/down/out" "$work/delivered/out" "$work/refused/out" >"$work/off-protocol" 2>&1
if [ $? -eq 1 ]; then
  ok "test-mail: every line follows the protocol"
else
  not_ok "test-mail: every line follows the protocol"
  diag "$work/off-protocol"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
