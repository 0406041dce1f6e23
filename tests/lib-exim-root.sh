# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The variables set here are the sourcing script's to use, and it sets
# srcdir, work and password: shellcheck cannot see either side.
# shellcheck disable=SC2034,SC2154
#
# Sourced by the TAP scripts that run the real exim against the test SMTP
# gateway (tests/test-delivery.sh, tests/test-probe.sh): a test root that
# `messagerie-helper --root ROOT apply` configures and the real exim runs,
# the gateway (tests/smtp-server.py) started and stopped by PID, and what
# exim's shared state needs after a test.
#
# The caller sources tests/lib-tap.sh (diag, stop_pid) and sets srcdir (the
# source tree) and work (its temporary folder) before sourcing this file.

python=/usr/bin/python3
server_script=$srcdir/tests/smtp-server.py
demo_conf=$srcdir/data/demo/scribe/etc/messagerie/messagerie.conf
mainlog=/var/log/exim4/mainlog
exim=$(command -v exim4 || echo /usr/sbin/exim4)
gateway=smtp.messagerie.test
gateway_address=127.0.0.2

# The settings both scripts send.
mail_domain=monetab.ac-test.fr
primary_hostname=scribe.monetab.lan
relay_user=scribe-relais@$mail_domain
# A colon (the user/password separator of passwd.client), a caret (doubled
# by Debian's authenticators), a space and a non-ASCII letter: the gateway
# compares the bytes.
relay_password='s3cr^et:pâss word'
root_sender=serveur.scribe@$mail_domain
root_recipient=admin.externe@example.org

# exim_root_missing: one line per prerequisite this machine lacks to run
# exim on a test root against the gateway; nothing when all are there.
exim_root_missing () {
  [ -x "$exim" ] || echo "exim4 not found (package exim4-daemon-heavy)"
  command -v update-exim4.conf >/dev/null || [ -x /usr/sbin/update-exim4.conf ] ||
    echo "update-exim4.conf not found (package exim4-config)"
  [ -f /etc/exim4/exim4.conf.template ] || echo "/etc/exim4/exim4.conf.template missing (package exim4-config)"
  [ -e /etc/exim4/exim4.conf.localmacros ] ||
    echo "/etc/exim4/exim4.conf.localmacros missing: update-exim4.conf -d only reads CONFDIR's macros when it exists (build-aux/dev creates it)"
  gateway_missing
}

# gateway_missing: the same for the gateway alone.
gateway_missing () {
  "$python" -c 'import aiosmtpd' 2>/dev/null || echo "$python cannot import aiosmtpd (package python3-aiosmtpd)"
  command -v openssl >/dev/null || echo "openssl not found (package openssl)"
  [ "$(getent ahostsv4 "$gateway" | awk 'NR == 1 { print $1 }')" = "$gateway_address" ] ||
    echo "$gateway does not resolve to $gateway_address (build-aux/dev adds it to /etc/hosts)"
}

# ---------------------------------------------------------------------------
# The gateway

server_pid=
server_port=
server_failed=

# server_start NAME SCRIPT ARGS...: starts SCRIPT (tests/smtp-server.py or
# another server that prints "ready HOST PORT") on $gateway_address with
# ARGS, its output in $work/NAME.ready and $work/NAME.log; sets server_pid
# and server_port. Non-zero, with diagnostics, when it did not come up;
# server_failed then says so (and is empty after a start that worked).
server_start () {
  local name=$1 script=$2 line i
  shift 2
  server_failed=
  mkdir -p "$(dirname "$work/$name")"
  # The child truncates it, maybe after the first read below: a line left
  # by an earlier server of the same name must not be taken for its own.
  rm -f "$work/$name.ready"
  "$python" "$script" --host "$gateway_address" "$@" \
    >"$work/$name.ready" 2>"$work/$name.log" </dev/null &
  server_pid=$!
  for i in $(seq 100); do
    if read -r line 2>/dev/null <"$work/$name.ready" && [ "${line%% *}" = ready ]; then
      server_port=${line##* }
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  server_failed="$(basename "$script") did not start ($*)"
  echo "$server_failed:" | diag
  diag "$work/$name.log"
  server_stop
  return 1
}

server_stop () {
  stop_pid "$server_pid"
  server_pid=
}

# ---------------------------------------------------------------------------
# The test root

# make_root ROOT MAIL_DOMAIN PRIMARY_HOSTNAME [TRUSTED_CERT]: the test root,
# a copy of this machine's files, under $work.
#
# Four lines of the administrator's go into its exim4.conf.localmacros
# (apply keeps them), because update-exim4.conf -d and the generated
# configuration still read some files from the real /etc:
# - CONFDIR: the generated configuration reads CONFDIR/passwd.client,
#   CONFDIR defaulting to /etc/exim4 whatever -d said;
# - ETC_MAILNAME: update-exim4.conf takes it from the real /etc/mailname,
#   not from -d; root's address is root@ETC_MAILNAME, which must be the
#   mail domain (a local domain) for root's alias to apply, as it is once
#   the real /etc/mailname is written;
# - MAIN_HARDCODE_PRIMARY_HOSTNAME: without it exim asks DNS for the host
#   name's IPv6 address at every start (tests/test-exim.c);
# - REMOTE_SMTP_SMARTHOST_TLS_VERIFY_CERTIFICATES: trust the test
#   gateway's certificate or authority (when a case verifies it).
#
# /etc/aliases and /etc/email-addresses are written as paths in Debian's
# template (router system_aliases, the rewrite rules), with no macro to
# move them. The template is a file of the root's copy of /etc/exim4 that
# update-exim4.conf -d reads, and Debian documents editing it
# (README.Debian: "edit exim4.conf.template"): the test root's copy reads
# ROOT/etc/aliases and ROOT/etc/email-addresses instead. The generated
# configuration is still made by apply, from the root's files only.
make_root () {
  local root=$1 mail_domain=$2 primary_hostname=$3 trusted=${4:-} dir f
  mkdir -p "$root/etc" "$root/var/lib/exim4"
  # exim's delivery runs as Debian-exim and reads under ROOT.
  for dir in "$root/etc" "$root/var" "$root/var/lib" "$root/var/lib/exim4"; do chmod 0755 "$dir"; done
  dir=$root
  while [ "$dir" != "$work" ] && [ "$dir" != / ]; do
    chmod 0755 "$dir"
    dir=$(dirname "$dir")
  done
  chmod 0755 "$work"
  cp -a /etc/exim4 "$root/etc/exim4"
  for f in aliases email-addresses mailname; do
    if [ -e "/etc/$f" ]; then cp -a "/etc/$f" "$root/etc/$f"; fi
  done
  [ -e "$root/etc/aliases" ] || printf 'postmaster: root\n' >"$root/etc/aliases"
  sed -i -e "s|lsearch{/etc/aliases}|lsearch{$root/etc/aliases}|g" \
         -e "s|lsearch{/etc/email-addresses}|lsearch{$root/etc/email-addresses}|g" \
         "$root/etc/exim4/exim4.conf.template"
  {
    echo "# Test lines ($(basename "$0")), as an administrator's: kept by apply."
    echo "CONFDIR = $root/etc/exim4"
    echo "ETC_MAILNAME = $mail_domain"
    echo "MAIN_HARDCODE_PRIMARY_HOSTNAME = $primary_hostname"
    if [ -n "$trusted" ]; then
      echo "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_CERTIFICATES = $trusted"
    fi
  } >>"$root/etc/exim4/exim4.conf.localmacros"
}

# helper_input KEY=VALUE...: what the helper reads on standard input, on
# standard output: the demo Scribe settings with these values (each KEY a
# line of the demo file, or added to [messagerie]), then the password
# ($password if set, by default $relay_password) in a [secret] group.
helper_input () {
  local edits=() pair
  for pair in "$@"; do
    if grep -q "^${pair%%=*}=" "$demo_conf"; then
      edits+=(-e "s|^${pair%%=*}=.*|$pair|")
    else
      edits+=(-e "/^\[messagerie\]\$/a $pair")
    fi
  done
  sed "${edits[@]}" "$demo_conf"
  printf '\n[secret]\npassword=%s\n' "${password-$relay_password}"
}

# ---------------------------------------------------------------------------
# exim's shared state

# The exim id of the message whose Message-ID is $1, from the main log.
exim_id_of () {
  awk -v want="id=$1" '$4 == "<=" { for (i = 5; i <= NF; i++) if ($i == want) { print $3; exit } }' "$mainlog" 2>/dev/null
}

# queued ID: the message ID and its bounces, those still in exim's queue.
queued () {
  local bounce
  [ -n "$1" ] || return 0
  for bounce in $1 $(awk -v r="R=$1" '$4 == "<=" && $5 == "<>" && $6 == r { print $3 }' "$mainlog"); do
    [ ! -e "/var/spool/exim4/input/$bounce-H" ] || echo "$bounce"
  done
}

# remove_from_queue CONF ID: a message the test sent and a bounce of it
# must not stay in the machine's queue when a delivery failed (the
# machine's own exim would retry them with its own configuration).
remove_from_queue () {
  local conf=$1 id
  for id in $(queued "$2"); do
    echo "removing $id from the queue" | diag
    "$exim" -C "$conf" -Mrm "$id" >/dev/null 2>&1
  done
}

# record QUERY RECORD: what the gateway recorded (tests/smtp-server.py's
# JSON), one field per line; QUERY is an expression over "r" (the record)
# and "msg" (the message, parsed with the email package).
record () {
  "$python" - "$2" "$1" <<'EOF'
import email, email.policy, json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
msg = email.message_from_string(r['data'], policy=email.policy.default)
value = eval(sys.argv[2])
print(value if value is not None else '')
EOF
}
