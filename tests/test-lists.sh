#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The mailing lists of a module with a mail server, as TAP (suite
# "lists"): « Activer le serveur de listes de diffusion Sympa » on, exim
# routes the lists of the mail domain to Sympa, whose domain is the mail
# domain, and Sympa delivers to the subscribers; off, no route and no daemon.
#
# The helper applies to the real system as pkexec runs it (its services
# step starts and stops Sympa's five daemons through the init script), then
# a list is made with Sympa's own command line (sympa create, sympa add, as
# the sympa user), a message to it goes in through the real exim (sendmail
# -odf) and its copy reaches the subscriber, a local user: in the Maildir
# through Dovecot with the mail server on, in /var/mail with it off.
#
# Then every service on (the anti-spam too: the system's spamd, started by
# the services step, scans the list's mail received over SMTP), and every
# service off: no route, every daemon stopped and disabled.
#
# Needs root, exim4-daemon-heavy, spamd, sympa (installed with
# build-aux/prepare-machine's preseed) and Dovecot. Saves every file it may change (apply's, Sympa's configuration,
# lists, database and spools, the runlevel links) and puts them back
# exactly; stops every daemon it started, by PID. Environment:
# MESSAGERIE_HELPER.

set -u

srcdir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
helper=${MESSAGERIE_HELPER:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root: applies to the real /etc and runs Sympa"
  exit 0
fi

# shellcheck source=tests/lib-tap.sh
. "$srcdir/tests/lib-tap.sh"
# shellcheck source=tests/lib-system.sh
. "$srcdir/tests/lib-system.sh"

sympa_daemons=(sympa_msg task_manager bulk bounced archived)
list=messagerie-test

# The PIDs of Sympa's daemons that run, one per line.
sympa_pids () {
  local d
  for d in "${sympa_daemons[@]}"; do pid_running "/run/sympa/$d.pid"; done
}

at_exit () {
  local pid
  for pid in $(sympa_pids) $(dovecot_pid) $(pid_running /run/spamd.pid); do stop_pid "$pid"; done
  system_restore || echo "# restoring the saved files FAILED: they are in $work/saved.tar" >&2
  if [ -n "$user_created" ]; then userdel "$local_user" 2>/dev/null; fi
}
make_work messagerie-lists
chmod 0755 "$work"

# shellcheck source=tests/lib-exim-root.sh
. "$srcdir/tests/lib-exim-root.sh"
# shellcheck source=tests/lib-services.sh
. "$srcdir/tests/lib-services.sh"

# Lists on with the mail server (apply, Sympa's domain, daemons, route,
# list made, message delivered), again after dpkg-reconfigure; with the
# mail server off (apply, message in mbox); every service on (apply,
# daemons, what the Services page reads, a message over SMTP scanned and
# delivered); every service off (apply, route, daemons, what the page
# reads); the end.
plan=$(( 6 + 1 + 2 + 4 + 4 + 2 ))
echo "1..$plan"

missing=
[ -x "$exim" ] || missing+="exim4 not found (package exim4-daemon-heavy)"$'\n'
[ -x /usr/lib/sympa/bin/sympa ] || missing+="Sympa's command line missing (package sympa)"$'\n'
[ -x /etc/init.d/sympa ] || missing+="/etc/init.d/sympa missing (package sympa)"$'\n'
[ -f /etc/sympa/sympa/sympa.conf ] || missing+="/etc/sympa/sympa/sympa.conf missing (package sympa)"$'\n'
[ -x /etc/init.d/dovecot ] || missing+="/etc/init.d/dovecot missing (package dovecot-core)"$'\n'
[ -n "$helper" ] && [ -x "$helper" ] || missing+="MESSAGERIE_HELPER is not set to the built helper ('$helper')"$'\n'
if [ -n "$(sympa_pids)" ]; then missing+="Sympa already runs: stop it first"$'\n'; fi
if pid_running /run/spamd.pid >/dev/null; then missing+="spamd already runs: stop it first"$'\n'; fi
[ -x /etc/init.d/spamd ] || missing+="/etc/init.d/spamd missing (package spamd)"$'\n'
if dovecot_pid >/dev/null; then missing+="a Dovecot already runs: stop it first"$'\n'; fi
if [ -n "$missing" ]; then
  printf '%s' "$missing" | diag
  bail "this machine cannot run the lists tests"
fi

debconf_db=(/var/cache/debconf/{config,templates,passwords}.dat{,-old})
system_save "${system_apply_paths[@]}" "${debconf_db[@]}" /etc/dovecot/local.conf \
  /etc/sympa /etc/mail/sympa /var/lib/sympa /var/spool/sympa /var/lib/dbconfig-common/sqlite3/sympa \
  /etc/rc{0,1,2,3,4,5,6,S}.d "/var/mail/$local_user" ||
  bail "could not save the real files: nothing applied"

make_mail_user || bail "the test user $local_user could not be made"
echo "listen = 127.0.0.1" >/etc/dovecot/local.conf

# ---------------------------------------------------------------------------
# Steps

# sympa_cmd ARGS...: Sympa's command line, as the sympa user.
sympa_cmd () { runuser -u sympa -- /usr/lib/sympa/bin/sympa "$@"; }

# make_list: the list, its owner the listmaster, the local user subscribed.
make_list () {
  cat >"$work/list.xml" <<EOF
<?xml version="1.0" ?>
<list>
  <listname>$list</listname>
  <type>discussion_list</type>
  <subject>Liste de test de Messagerie</subject>
  <description>A list of tests/test-lists.sh.</description>
  <status>open</status>
  <language>fr</language>
  <topics>computing</topics>
  <owner multiple="1"><email>listmaster@$mail_domain</email></owner>
</list>
EOF
  chmod 0644 "$work/list.xml"
  sympa_cmd create --input_file="$work/list.xml" "$mail_domain" >"$work/create.log" 2>&1 &&
    echo "$local_user@$mail_domain" | sympa_cmd add --quiet "$list@$mail_domain" >>"$work/create.log" 2>&1
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, or SECONDS pass.
wait_for () {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.5
  done
}

# list_route: the last router exim names for the list's address and the
# pipe it ends in ("-" for none). A redirect to a pipe shows as
# "ADDRESS -> |COMMAND" after the router's debug line.
list_route () {
  LC_ALL=C "$exim" -bt "$list@$mail_domain" 2>&1 | awk '
    /^R: / { router = $2 }
    / -> \|/ { sub(/.* -> /, ""); pipe = $0 }
    END { printf "%s %s\n", (router != "" ? router : "-"), (pipe != "" ? pipe : "-") }'
}
to_sympa="messagerie_sympa | /usr/lib/sympa/bin/queue $list@$mail_domain"

port_open () { "$python" "$client" port "$1" >/dev/null 2>&1; }

in_mbox () { grep -qF "Subject: $1" "/var/mail/$local_user" 2>/dev/null; }

# list_message NAME CHECK: a subscriber's message to the list reaches the
# subscriber (CHECK in_maildir or in_mbox), through Sympa (List-Id).
list_message () {
  local name=$1 found=$2 token
  token="to the list ($name) $RANDOM"
  send "$local_user@$mail_domain" "$list@$mail_domain" "$token"
  if wait_for 60 "$found" "$token" &&
     { grep -rlF "Subject: $token" "$maildir" "/var/mail/$local_user" 2>/dev/null |
         xargs -r grep -qi "^List-Id: .*$list\\.$mail_domain"; }; then
    ok "$name: a message to $list@$mail_domain reaches its subscriber through Sympa (List-Id)"
  else
    not_ok "$name: a message to $list@$mail_domain reaches its subscriber through Sympa"
    { cat "$work/send.log"; tail -n 8 "$mainlog"; ls -R /var/spool/sympa | head -n 40; } | diag
  fi
}

# ---------------------------------------------------------------------------

apply_system "lists on" mailing_lists=true mail_server=imap
check "lists on: Sympa's domain is the mail domain (sympa.conf)" \
  grep -qxP "domain\\t$mail_domain" /etc/sympa/sympa/sympa.conf
pids=$(sympa_pids | wc -l)
check "lists on: Sympa's ${#sympa_daemons[@]} daemons run ($pids)" test "$pids" -eq "${#sympa_daemons[@]}"

if make_list && grep -q "^$list: \"| /usr/lib/sympa/bin/queue $list@$mail_domain\"" /etc/mail/sympa/aliases; then
  ok "lists on: sympa create and sympa add make the list and its aliases"
else
  not_ok "lists on: sympa create and sympa add make the list and its aliases"
  { cat "$work/create.log"; cat /etc/mail/sympa/aliases; } | diag
fi
got=$(list_route)
check "lists on: exim routes $list@$mail_domain to Sympa ($got)" test "$got" = "$to_sympa"
list_message "lists on, mail server on" in_maildir

DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true dpkg-reconfigure exim4-config >"$work/debian.log" 2>&1
got=$(list_route)
check "lists on: after dpkg-reconfigure exim4-config, still routed to Sympa ($got)" test "$got" = "$to_sympa"

apply_system "lists on, mail server off" mailing_lists=true mail_server=none
list_message "lists on, mail server off" in_mbox

# Every service on: the anti-spam scans the list's mail, received over
# SMTP (exim4 -bs runs the daemon's ACLs), before Sympa distributes it.
apply_system "all on" antispam=true mailing_lists=true mail_server=pop-imap
wait_for 60 port_open 783
check "all on: spamd, Dovecot and Sympa's daemons run" \
  test -n "$(pid_running /run/spamd.pid)" -a -n "$(dovecot_pid)" -a "$(sympa_pids | wc -l)" -eq "${#sympa_daemons[@]}"
# What the page « Services » says of the machine: the core's reading, on
# the real daemons.
states=$("$MESSAGERIE_SERVICE_STATES" pop-imap | tr '\n' ';')
check "all on: the Services page reads each service installed and running ($states)" \
  test "$states" = "antispam installed running;mail_server installed running;mailing_lists installed running;"
token="over SMTP to the list $RANDOM"
printf 'EHLO client.test\r\nMAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\nFrom: %s\r\nSubject: %s\r\n\r\nHello list.\r\n.\r\nQUIT\r\n' \
  "$local_user@$mail_domain" "$list@$mail_domain" "$local_user@$mail_domain" "$token" |
  LC_ALL=C "$exim" -odi -bs >"$work/smtp.log" 2>&1
if wait_for 60 in_maildir "$token" &&
   grep -rlF "Subject: $token" "$maildir" | xargs -r grep -q '^X-Spam-Score: '; then
  ok "all on: a message to the list over SMTP is scanned (X-Spam-Score) and reaches the subscriber"
else
  not_ok "all on: a message to the list over SMTP is scanned and reaches the subscriber"
  { cat "$work/smtp.log"; tail -n 8 "$mainlog"; } | diag
fi

apply_system "all off" antispam=false mailing_lists=false mail_server=none
got=$(list_route)
check "all off: exim no longer routes $list@$mail_domain to Sympa ($got)" \
  test "${got%% *}" != messagerie_sympa
check "all off: spamd, Dovecot and Sympa are stopped and disabled (runlevel 2: $(ls /etc/rc2.d | grep -E 'spamd|dovecot|sympa' | tr '\n' ' '))" \
  test -z "$(sympa_pids)$(dovecot_pid)$(pid_running /run/spamd.pid)" \
    -a -n "$(ls /etc/rc2.d | grep -x 'K[0-9]*sympa')" -a -n "$(ls /etc/rc2.d | grep -x 'K[0-9]*dovecot')" \
    -a -n "$(ls /etc/rc2.d | grep -x 'K[0-9]*spamd')"
states=$("$MESSAGERIE_SERVICE_STATES" none | tr '\n' ';')
check "all off: the Services page reads each service installed and stopped ($states)" \
  test "$states" = "antispam installed stopped;mail_server installed stopped;mailing_lists installed stopped;"

# ---------------------------------------------------------------------------

userdel "$local_user" 2>/dev/null && user_created=
check "the test user $local_user is removed" test -z "$user_created"
system_restored_case

[ "$failed" -eq 0 ]
