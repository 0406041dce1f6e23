# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The variables set here are the sourcing script's to use, and it sets
# srcdir, work, helper and the lib-exim-root.sh settings: shellcheck cannot
# see either side.
# shellcheck disable=SC2034,SC2154
#
# Sourced by the TAP scripts that drive the services' real daemons through
# the helper (tests/test-mailbox.sh, tests/test-lists.sh), after
# tests/lib-tap.sh and tests/lib-exim-root.sh.
#
#   apply_system NAME KEY=VALUE...   one case: the helper applies the Scribe
#                                    settings with these edits as pkexec runs
#                                    it (root, PKEXEC_UID, no --root), its
#                                    services step included
#   pid_running PIDFILE              the PID PIDFILE names, when it runs
#   dovecot_pid                      the PID of the running Dovecot
#   make_mail_user                   the test user $local_user, with the
#                                    password $user_password and its home
#                                    (its Maildir: $maildir) under $work
#   send FROM TO SUBJECT [SIZE]      a message delivered now (sendmail -odf);
#                                    SIZE bytes of base64 in its body
#   in_maildir SUBJECT               the message is in $maildir
#   route ADDRESS                    "ROUTER TRANSPORT" of exim's route

local_user=messagerie-eleve
user_password=Eleve-test-1
user_created=
maildir=
client=$srcdir/tests/mail-client.py

# Apply's settings besides the edits: no relay, nothing on.
apply_base=(module=scribe relay_enabled=false antispam=false mailing_lists=false mailbox_quota_mb=1)

apply_system () {
  local name=$1 rc=0 code
  shift
  helper_input "${apply_base[@]}" "mail_domain=$mail_domain" "root_sender=$root_sender" \
    "root_recipient=$root_recipient" "$@" >"$work/settings"
  PKEXEC_UID=0 "$helper" apply <"$work/settings" >"$work/apply.out" 2>"$work/apply.err" || rc=$?
  code=$(result_code "$work/apply.out")
  if [ "$rc" -eq 0 ] && [ "$code" = ok ]; then
    ok "$name: apply: ok"
  else
    not_ok "$name: apply ends with ok"
    { echo "exit $rc"; cat "$work/apply.out" "$work/apply.err"; } | diag
  fi
}

pid_running () {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  running "$pid" && echo "$pid"
}

dovecot_pid () { pid_running /run/dovecot/master.pid; }

make_mail_user () {
  if ! id "$local_user" >/dev/null 2>&1; then
    mkdir -p "$work/home"
    useradd -M -d "$work/home" -s /usr/sbin/nologin "$local_user" || return 1
    user_created=1
    chown "$local_user:" "$work/home"
  fi
  echo "$local_user:$user_password" | chpasswd || return 1
  maildir=$(getent passwd "$local_user" | cut -d: -f6)/Maildir
}

send () {
  {
    printf 'From: %s\nTo: %s\nSubject: %s\n\n' "$1" "$2" "$3"
    if [ -n "${4:-}" ]; then head -c "$4" /dev/urandom | base64; else echo "A message of $(basename "$0")."; fi
  } | /usr/sbin/sendmail -odf -oi -f "$1" "$2" >"$work/send.log" 2>&1
}

in_maildir () { grep -rlqF "Subject: $1" "$maildir/new" "$maildir/cur" 2>/dev/null; }

route () {
  LC_ALL=C "$exim" -bt "$1" 2>&1 | sed -n 's/^ *router = \([^,]*\), transport = \(.*\)$/\1 \2/p' | head -n 1
}
