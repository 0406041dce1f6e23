#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Where each message goes, on every module, as TAP (suite "flow").
#
# The real system, as an administrator has it: `messagerie-helper --root /
# apply` writes the real /etc (no pkexec: the helper's own transaction,
# without the reload, which this test does not need since it runs exim in
# the foreground), then real users send real messages with Debian's
# /usr/sbin/sendmail -odf, and tests/smtp-server.py, a real SMTP gateway on
# 127.0.0.2 (STARTTLS, SMTPS or clear text, with or without AUTH), records
# what it receives.
#
# The matrix: module {scribe, amonecole: mail server; amon: none} × relay
# {on: sent for real; off: routed, exim4 -bt, since nothing outside is
# reachable} × sender {root, backup, www-data} × recipient {root,
# postmaster, a local user, an external address, a local user at the mail
# domain}. Each message delivered to the gateway is checked there: the
# envelope sender, the From: header (root's display name for root), the
# envelope recipient, the TLS and the login the settings ask for. Each one
# delivered locally is found in the user's mailbox (its Maildir, through
# Dovecot's delivery agent, on a module with a mail server when Dovecot is
# installed; /var/mail otherwise).
#
# Then, on each module, Debian's own tools over Messagerie's files:
# `dpkg-reconfigure exim4-config` and exim4-config's postinst `configure`
# (what every upgrade runs) exit 0, the matrix passes on what they leave,
# Messagerie's next apply takes over and the matrix passes again, and one
# more apply of the same settings changes nothing. Last, the routing of
# Messagerie against a fresh `dpkg-reconfigure` given the same answers
# (README: "Who sends, to whom, where it goes" lists every difference,
# which this test checks is there, and only those).
#
# Needs root. Changes the real /etc/exim4, /etc/mailname, /etc/aliases,
# /etc/email-addresses, /etc/messagerie, /var/lib/exim4, debconf's database
# and a test user's mailbox: saves them first and puts them back exactly
# (the last case compares contents, modes, owners and times), even when it
# fails or is interrupted. Creates the user messagerie-eleve and removes it.
# Stops every process it starts, by PID. Run it on a test machine, not on a
# mail server in use. Environment: MESSAGERIE_HELPER (the built helper).

set -u

srcdir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
helper=${MESSAGERIE_HELPER:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root: applies to the real /etc and sends mail as system users"
  exit 0
fi

# shellcheck source=tests/lib-tap.sh
. "$srcdir/tests/lib-tap.sh"
# shellcheck source=tests/lib-system.sh
. "$srcdir/tests/lib-system.sh"

local_user=messagerie-eleve
local_user_gecos='Élève Test'
user_created=

at_exit () {
  server_stop
  system_restore || echo "# restoring the saved files FAILED: they are in $work/saved.tar" >&2
  if [ -n "$user_created" ]; then userdel "$local_user" 2>/dev/null; fi
}
make_work messagerie-flow
# exim reads the gateway's certificate as Debian-exim.
chmod 0755 "$work"

# shellcheck source=tests/lib-exim-root.sh
. "$srcdir/tests/lib-exim-root.sh"

modules=(amon scribe amonecole)
senders=(root backup www-data)
recipients=(root postmaster "$local_user" "$root_recipient" "$local_user@$mail_domain")
root_sender_name='Serveur — Collège Éole'

# The relay each module's settings ask for: three ways of TLS and login.
declare -A m_tls=([scribe]=custom [amonecole]=custom [amon]=no)
declare -A m_implicit=([scribe]=false [amonecole]=true [amon]=false)
declare -A m_mode=([scribe]=starttls [amonecole]=smtps [amon]=plain)
declare -A m_tls_seen=([scribe]=starttls [amonecole]=implicit [amon]=none)
declare -A m_auth=([scribe]=true [amonecole]=true [amon]=false)
declare -A m_rewrite=([scribe]=false [amonecole]=true [amon]=false)
declare -A m_configtype=([scribe]=smarthost [amonecole]=smarthost [amon]=satellite)

# Cases: per module, 2 matrices of relay on before Debian's tools (15
# messages), 3 after (dpkg-reconfigure, the upgrade, Messagerie again),
# relay off (5 routes), the Debian steps and applies, the comparison.
matrix=$(( ${#senders[@]} * ${#recipients[@]} ))
compare_addresses=6
per_module=$(( 1 + matrix + 2 + matrix + 1 + matrix + 2 + 1 + ${#recipients[@]} + compare_addresses + 1 + compare_addresses ))
plan=$(( ${#modules[@]} * per_module + 2 ))
echo "1..$plan"

# ---------------------------------------------------------------------------
# Prerequisites: when one is missing, every case fails and says which.

missing=$(gateway_missing)
[ -x /usr/sbin/sendmail ] || missing+=${missing:+$'\n'}"/usr/sbin/sendmail missing (package exim4-daemon-heavy)"
command -v dpkg-reconfigure >/dev/null || missing+=${missing:+$'\n'}"dpkg-reconfigure missing (package debconf)"
[ -x /var/lib/dpkg/info/exim4-config.postinst ] || missing+=${missing:+$'\n'}"exim4-config's postinst missing"
[ -n "$helper" ] && [ -x "$helper" ] || missing+=${missing:+$'\n'}"MESSAGERIE_HELPER is not set to the built helper ('$helper')"
if [ -n "$missing" ]; then
  printf '%s\n' "$missing" | diag
  bail "this machine cannot run the flow tests"
fi
exim4_version=$(dpkg-query -W -f '${Version}' exim4-config)

# ---------------------------------------------------------------------------
# The real files, saved; the local user; the gateway's certificate.

debconf_db=(/var/cache/debconf/{config,templates,passwords}.dat{,-old})
system_save "${system_apply_paths[@]}" "${debconf_db[@]}" "/var/mail/$local_user" ||
  bail "could not save the real files: nothing applied"

if ! id "$local_user" >/dev/null 2>&1; then
  # exim delivers into /var/mail as the user, from its home.
  mkdir -p "$work/home"
  useradd -M -d "$work/home" -s /usr/sbin/nologin -c "$local_user_gecos" "$local_user" || bail "useradd $local_user"
  user_created=1
  chown "$local_user:" "$work/home"
fi

if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
       -keyout "$work/key.pem" -out "$work/cert.pem" -subj "/CN=$gateway" \
       -addext "subjectAltName=DNS:$gateway,IP:$gateway_address" >"$work/openssl.log" 2>&1; then
  diag "$work/openssl.log"
  bail "openssl makes the gateway's certificate"
fi
chmod 0644 "$work/cert.pem"

# An administrator's line in the macros, which apply keeps: exim trusts
# the test gateway's certificate (every TLS case verifies it).
echo "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_CERTIFICATES = $work/cert.pem" >>/etc/exim4/exim4.conf.localmacros

# ---------------------------------------------------------------------------
# Steps

# settings MODULE RELAY [PORT]: the module's settings, on standard output.
settings () {
  local m=$1 relay=$2 port=${3:-}
  helper_input "module=$m" "relay_enabled=$relay" "relay_host=$gateway" \
    "relay_tls=${m_tls[$m]}" "relay_port=$port" "relay_custom_implicit_tls=${m_implicit[$m]}" \
    relay_tls_verify=true "relay_auth=${m_auth[$m]}" "relay_user=$relay_user" \
    "mail_domain=$mail_domain" "root_sender=$root_sender" "root_sender_name=$root_sender_name" \
    "root_recipient=$root_recipient" "rewrite_headers=${m_rewrite[$m]}"
}

# apply NAME MODULE RELAY [PORT]: one case, the helper applying to /.
apply () {
  local name=$1 rc=0 code
  settings "$2" "$3" "${4:-}" >"$work/settings"
  "$helper" --root / apply <"$work/settings" >"$work/apply.out" 2>"$work/apply.err" || rc=$?
  code=$(result_code "$work/apply.out")
  apply_code=$code
  if [ "$rc" -eq 0 ] && { [ "$code" = ok ] || [ "$code" = unchanged ]; }; then
    ok "$name: messagerie-helper --root / apply: $code"
  else
    not_ok "$name: messagerie-helper --root / apply ends with ok"
    { echo "exit $rc"; cat "$work/apply.out" "$work/apply.err"; } | diag
  fi
}

# start_gateway MODULE: the gateway the module relays to, on
# $gateway_port (0: a free port, then in $server_port).
start_gateway () {
  local m=$1 auth=()
  [ "${m_auth[$m]}" = true ] && auth=(--user "$relay_user" --password "$relay_password")
  gateway_out=$work/$m/received.$RANDOM
  mkdir -p "$gateway_out"
  server_start "$m/gateway" "$server_script" --port "$gateway_port" --mode "${m_mode[$m]}" \
    --cert "$work/cert.pem" --key "$work/key.pem" "${auth[@]}" --outdir "$gateway_out"
}

# route ADDRESS: where exim sends ADDRESS, one line: the final address, the
# router, the transport and the host ("-" for none). Debian's routers print
# "R: ROUTER for ADDRESS" lines; the last one names the router that
# decided when -bt itself does not (an address it cannot deliver).
route () {
  LC_ALL=C exim4 -bt "$1" 2>&1 | awk '
    /^R: / { last = $2; next }
    /^T: / { next }
    address == "" { address = $1 }
    /router = / { sub(/,$/, "", $3); router = $3; transport = $6 }
    /^ +host / { host = $2 }
    END { printf "%s %s %s %s\n", address, (router != "" ? router : last), (transport != "" ? transport : "-"), (host != "" ? host : "-") }'
}

# The gateway's records, one line per message: subject, envelope sender,
# recipients, TLS, login, From: address, From: name.
gateway_index () {
  "$python" - "$1" <<'EOF'
import email, email.policy, glob, json, sys
for path in sorted(glob.glob(sys.argv[1] + '/msg-*.json')):
    r = json.load(open(path, encoding='utf-8'))
    m = email.message_from_string(r['data'], policy=email.policy.default)
    f = m['From'].addresses[0] if m['From'] and len(m['From'].addresses) == 1 else None
    print('\t'.join([str(m['Subject']), r['mail_from'], ','.join(r['rcpt_tos']), r['tls'],
                     r['login'] or '-', f.addr_spec if f else '-', f.display_name if f else '-']))
EOF
}

# expect_destination MODULE RECIPIENT: "gateway ADDRESS" or "local".
expect_destination () {
  local m=$1 r=$2
  case $r in
    root|postmaster) echo "gateway $root_recipient" ;;
    "$root_recipient") echo "gateway $r" ;;
    *) if [ "$m" = amon ]; then echo "gateway $local_user@$mail_domain"; else echo local; fi ;;
  esac
}

# send_matrix NAME MODULE: every sender to every recipient, for real; one
# case per message.
send_matrix () {
  local name=$1 m=$2 s r token rc out expected sender_address line
  local -a sent=()
  rm -f /var/spool/exim4/db/retry*
  if ! start_gateway "$m"; then
    for s in "${senders[@]}"; do for r in "${recipients[@]}"; do
      not_ok "$name: $s to $r (no gateway: $server_failed)"
    done; done
    return
  fi
  for s in "${senders[@]}"; do
    for r in "${recipients[@]}"; do
      token="flow-$m-$s-$r-$RANDOM"
      rc=0
      if [ "$s" = root ]; then
        out=$(printf 'To: %s\nSubject: %s\n\nA message of tests/test-flow.sh.\n' "$r" "$token" |
                /usr/sbin/sendmail -odf -oi -t 2>&1) || rc=$?
      else
        out=$(printf 'To: %s\nSubject: %s\n\nA message of tests/test-flow.sh.\n' "$r" "$token" |
                runuser -u "$s" -- /usr/sbin/sendmail -odf -oi -t 2>&1) || rc=$?
      fi
      sent+=("$s|$r|$token|$rc|$out")
    done
  done
  server_stop
  gateway_index "$gateway_out" >"$work/index" 2>"$work/index.err" || diag "$work/index.err"

  for entry in "${sent[@]}"; do
    IFS='|' read -r s r token rc out <<<"$entry"
    expected=$(expect_destination "$m" "$r")
    if [ "$s" = root ]; then sender_address=$root_sender; else sender_address=$s@$mail_domain; fi
    what="$name: $s to $r → ${expected/gateway /the gateway, for }"
    if [ "$expected" = local ]; then
      if [ "$rc" -eq 0 ] && in_mailbox "$m" "$token" && ! grep -qF "$token" "$work/index"; then
        ok "$what (mailbox of $local_user, $(mailbox_of "$m"))"
      else
        not_ok "$what (mailbox of $local_user, $(mailbox_of "$m"))"
        { echo "sendmail: exit $rc $out"; grep -F "$token" "$work/index"
          echo "mainlog:"; tail -n 5 "$mainlog"; } | diag
        remove_from_queue /var/lib/exim4/config.autogenerated "$(exim_id_of_subject "$token")"
      fi
      continue
    fi
    line=$(awk -F '\t' -v t="$token" '$1 == t' "$work/index")
    IFS=$'\t' read -r _ g_from g_rcpt g_tls g_login g_from_addr g_from_name <<<"$line"
    local problems=()
    [ "$rc" -eq 0 ] || problems+=("sendmail exit $rc: $out")
    [ -n "$line" ] || problems+=("the gateway did not receive it")
    if [ -n "$line" ]; then
      [ "$(grep -cF "$token" "$work/index")" -eq 1 ] || problems+=("received more than once")
      [ "$g_rcpt" = "${expected#gateway }" ] || problems+=("envelope recipient $g_rcpt")
      [ "$g_from" = "$sender_address" ] || problems+=("envelope sender $g_from, expected $sender_address")
      [ "$g_from_addr" = "$sender_address" ] || problems+=("From: address $g_from_addr")
      if [ "$s" = root ] && [ "$g_from_name" != "$root_sender_name" ]; then
        problems+=("From: name « $g_from_name », expected « $root_sender_name »")
      fi
      [ "$g_tls" = "${m_tls_seen[$m]}" ] || problems+=("TLS $g_tls, expected ${m_tls_seen[$m]}")
      if [ "${m_auth[$m]}" = true ]; then
        [ "$g_login" = "$relay_user" ] || problems+=("login $g_login, expected $relay_user")
      else
        [ "$g_login" = - ] || problems+=("login $g_login, expected none")
      fi
    fi
    if [ "${#problems[@]}" -eq 0 ]; then
      ok "$what (from $g_from, TLS $g_tls, login $g_login)"
    else
      not_ok "$what"
      { printf '%s\n' "${problems[@]}"; echo "mainlog:"; tail -n 5 "$mainlog"
        echo "gateway log:"; tail -n 20 "$work/$m/gateway.log"; } | diag
      remove_from_queue /var/lib/exim4/config.autogenerated "$(exim_id_of_subject "$token")"
    fi
  done
}

# mailbox_of MODULE: where exim delivers a local user's mail: Dovecot's
# delivery agent into the user's Maildir on a module with a mail server
# when Dovecot is installed (the demo's mail_server is imap), else
# Debian's mbox.
mailbox_of () {
  if [ "$1" != amon ] && [ -x /usr/lib/dovecot/dovecot-lda ] && [ -d /etc/dovecot ]; then
    echo Maildir
  else
    echo mbox
  fi
}

# in_mailbox MODULE TOKEN: the message whose subject carries TOKEN is in
# the local user's mailbox.
in_mailbox () {
  if [ "$(mailbox_of "$1")" = Maildir ]; then
    grep -rlqF "Subject: $2" "$work/home/Maildir/new" "$work/home/Maildir/cur" 2>/dev/null
  else
    grep -qF "Subject: $2" "/var/mail/$local_user" 2>/dev/null
  fi
}

# The exim id of the message whose subject carries $1 (sendmail -t leaves
# no Message-ID of ours): its "<=" line names the sender, not the subject,
# so the id comes from the queue's headers.
exim_id_of_subject () {
  grep -lF "Subject: $1" /var/spool/exim4/input/*-H 2>/dev/null | head -n 1 | sed 's|.*/||; s|-H$||'
}

# route_matrix NAME MODULE: relay off, each recipient routed.
route_matrix () {
  local name=$1 m=$2 r got address router expected
  for r in "${recipients[@]}"; do
    got=$(route "$r")
    read -r address router _ <<<"$got"
    # Without a mail server the mail domain is another server's, and
    # unqualified recipients become NAME@localhost.
    case $m/$r in
      */root|*/postmaster|*/"$root_recipient") expected="$root_recipient dnslookup" ;;
      amon/"$local_user") expected="$local_user@localhost local_user" ;;
      */"$local_user") expected="$local_user@$mail_domain local_user" ;;
      amon/*) expected="$r dnslookup" ;;
      *) expected="$r local_user" ;;
    esac
    if [ "$address $router" = "$expected" ]; then
      ok "$name: $r is routed to $address by $router"
    else
      not_ok "$name: $r is routed to ${expected% *} by ${expected#* }"
      { echo "route: $got"; LC_ALL=C exim4 -bt "$r" 2>&1; } | diag
    fi
  done
}

# debian_tool NAME COMMAND...: one case, COMMAND exits 0 and leaves a
# configuration exim accepts.
debian_tool () {
  local name=$1 rc=0
  shift
  DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true "$@" >"$work/debian.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && exim4 -bV >/dev/null 2>>"$work/debian.log"; then
    ok "$name: exits 0, exim accepts the configuration"
  else
    not_ok "$name: exits 0, exim accepts the configuration (exit $rc)"
    { cat "$work/debian.log"; echo "update-exim4.conf.conf:"; grep -v '^#' /etc/exim4/update-exim4.conf.conf; } | diag
  fi
}

# What Debian's dpkg-reconfigure makes of the same answers, on a machine
# where neither update-exim4.conf.conf nor /etc/mailname tells it anything
# (it reads both over debconf's answers), and /etc/aliases is Debian's
# own, with the root line from the postmaster question.
debian_fresh () {
  local m=$1 relay=$2 port=$3 type hide other
  if [ "$relay" = false ]; then type='internet site; mail is sent and received directly using SMTP'
  elif [ "$m" = amon ]; then type='mail sent by smarthost; no local mail'
  else type='mail sent by smarthost; received via SMTP or fetchmail'; fi
  hide=${m_rewrite[$m]}
  # Debian's default "other destinations": the host's name, then the mail
  # name it adds once.
  other="$(hostname --fqdn):$mail_domain"
  [ "$m" = amon ] || other=$mail_domain
  debconf-set-selections <<EOF
exim4-config exim4/dc_eximconfig_configtype select $type
exim4-config exim4/mailname string $mail_domain
exim4-config exim4/dc_other_hostnames string $other
exim4-config exim4/dc_local_interfaces string 127.0.0.1 ; ::1
exim4-config exim4/dc_readhost string $mail_domain
exim4-config exim4/hide_mailname boolean $hide
exim4-config exim4/dc_smarthost string $gateway::$port
exim4-config exim4/dc_relay_domains string
exim4-config exim4/dc_relay_nets string
exim4-config exim4/dc_minimaldns boolean false
exim4-config exim4/use_split_config boolean false
exim4-config exim4/dc_localdelivery select mbox format in /var/mail/
exim4-config exim4/dc_postmaster string $root_recipient
EOF
  mkdir -p "$work/moved"
  mv /etc/exim4/update-exim4.conf.conf /etc/mailname /etc/aliases "$work/moved/"
  DEBIAN_FRONTEND=noninteractive dpkg-reconfigure exim4-config >"$work/debian-fresh.log" 2>&1
}

# destination ROUTE: where a route ends, the router left out when a
# transport takes the message (two routers can lead to one transport).
destination () {
  local address router transport host
  read -r address router transport host <<<"$1"
  if [ "$transport" = - ]; then echo "$address $router (no transport)"; else echo "$address $transport $host"; fi
}

# compare NAME MODULE RELAY PORT: Messagerie's routes, then a fresh
# Debian's for the same answers; equal, but for the listed differences.
compare () {
  local name=$1 m=$2 relay=$3 port=$4 a key ours theirs
  local -A messagerie_routes=()
  local addresses=(root postmaster "$local_user" "$root_recipient" "$local_user@$mail_domain" "contact@$mail_domain")
  for a in "${addresses[@]}"; do messagerie_routes[$a]=$(destination "$(route "$a")"); done
  debian_fresh "$m" "$relay" "$port" || diag "$work/debian-fresh.log"
  for a in "${addresses[@]}"; do
    ours=${messagerie_routes[$a]}
    theirs=$(destination "$(route "$a")")
    key=$m/$relay/${a/$local_user@$mail_domain/user@domain}
    key=${key/contact@$mail_domain/other@domain}
    key=${key/$local_user/user}
    key=${key/$root_recipient/external}
    if [ -n "${differences[$key]:-}" ]; then
      if [ "$ours" != "$theirs" ]; then
        ok "$name: $a differs from Debian as the README says (${differences[$key]}): ours $ours; Debian's $theirs"
      else
        not_ok "$name: $a differs from Debian as the README says (${differences[$key]})"
        echo "both: $ours" | diag
      fi
    elif [ "$ours" = "$theirs" ]; then
      ok "$name: $a goes where Debian sends it: $ours"
    else
      not_ok "$name: $a goes where Debian sends it"
      { echo "Messagerie: $ours"; echo "Debian:     $theirs"; } | diag
    fi
  done
}

# The differences from Debian for the same answers (README, "Who sends, to
# whom, where it goes"). A module without a mail server does not serve
# the mail domain: Debian, with the mail name among its local domains,
# keeps an address there that is no local user, and does not deliver it.
declare -A differences=(
  [amon/true/other@domain]="the gateway, where Debian finds no local user"
  [amon/false/other@domain]="the mail domain's own server, where Debian finds no local user"
  [amon/false/user@domain]="the mail domain's own server, where Debian delivers locally"
)

# ---------------------------------------------------------------------------

for m in "${modules[@]}"; do
  start=$SECONDS
  mkdir -p "$work/$m"
  echo "# module $m: ${m_configtype[$m]}, TLS ${m_mode[$m]}, login ${m_auth[$m]}, rewrite_headers ${m_rewrite[$m]}" >&2

  # The port of the gateway: 25, or a free one the system chooses, which
  # the module's settings then name.
  gateway_port=25
  custom_port=
  if [ "${m_tls[$m]}" = custom ]; then
    gateway_port=0
    if start_gateway "$m"; then gateway_port=$server_port; fi
    server_stop
    custom_port=$gateway_port
  fi

  apply "$m" "$m" true "$custom_port"
  send_matrix "$m" "$m"

  debian_tool "$m: DEBIAN_FRONTEND=noninteractive dpkg-reconfigure exim4-config" dpkg-reconfigure exim4-config
  debian_tool "$m: exim4-config's postinst configure (the upgrade)" \
    /var/lib/dpkg/info/exim4-config.postinst configure "$exim4_version"
  send_matrix "$m after Debian's tools" "$m"

  apply "$m: after Debian's tools" "$m" true "$custom_port"
  send_matrix "$m after Messagerie again" "$m"
  apply "$m: once more" "$m" true "$custom_port"
  check "$m: the same settings applied again change nothing (result '$apply_code')" test "$apply_code" = unchanged

  apply "$m: relay off" "$m" false
  route_matrix "$m, relay off" "$m"

  compare "$m, relay off" "$m" false "$custom_port"
  apply "$m: relay on, for the comparison" "$m" true "$custom_port"
  compare "$m, relay on" "$m" true "$gateway_port"
  echo "# module $m: $((SECONDS - start)) s" >&2
done

# ---------------------------------------------------------------------------
# Everything back as it was

userdel "$local_user" 2>/dev/null && user_created=
check "the test user $local_user is removed" test -z "$user_created"
system_restored_case

[ "$failed" -eq 0 ]
