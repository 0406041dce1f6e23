#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The services of a module with a mail server doing their job, as TAP
# (suite "services"): for now the anti-spam.
#
# `messagerie-helper --root / apply` writes the real /etc (saved first and
# restored exactly), a real spamd runs on 127.0.0.1:783 (this script's own,
# with a site configuration of its own: no network test, no Bayes, and a
# test rule worth 7 points), and messages come in over SMTP: the real exim
# reading SMTP on its standard input (exim4 -bs, which runs the same ACLs
# as its daemon), then delivered by exim into the mailbox of a test user.
#
#   - Debian's exim4-daemon-light (the real binary, from its package) has no
#     content scanning: apply refuses the anti-spam there, E13;
#   - GTUBE is refused at SMTP time with a 550 in French and in English;
#   - a message the test rule makes score about 7 is delivered with
#     X-Spam-Flag: YES and its X-Spam-Score, a forged X-Spam-Flag it came
#     with removed; with spam_flag_score=9.0 it is not flagged;
#   - a clean message is delivered with its X-Spam-Score, unflagged;
#   - mail for a domain that is not local is not scanned;
#   - the anti-spam off: GTUBE is accepted, nothing is scanned.
#
# The settings are the Scribe demo's, with the mail server on (IMAP): on a
# machine with Dovecot, the messages land in the user's Maildir.
#
# Needs root, exim4-daemon-heavy, spamd. Environment: MESSAGERIE_HELPER.

set -u

srcdir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
helper=${MESSAGERIE_HELPER:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root: applies to the real /etc and runs spamd"
  exit 0
fi

# shellcheck source=tests/lib-tap.sh
. "$srcdir/tests/lib-tap.sh"
# shellcheck source=tests/lib-system.sh
. "$srcdir/tests/lib-system.sh"

local_user=messagerie-eleve
user_created=
spamd_pid=
gtube='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
marker=messagerie-spam-test-marker

at_exit () {
  stop_pid "$spamd_pid"
  system_restore || echo "# restoring the saved files FAILED: they are in $work/saved.tar" >&2
  if [ -n "$user_created" ]; then userdel "$local_user" 2>/dev/null; fi
}
make_work messagerie-services
chmod 0755 "$work"

# shellcheck source=tests/lib-exim-root.sh
. "$srcdir/tests/lib-exim-root.sh"

plan=15
echo "1..$plan"

missing=
[ -x "$exim" ] && "$exim" -C /dev/null -bV 2>/dev/null | grep -q '^Support for:.* Content_Scanning' ||
  missing+="exim has no content scanning (package exim4-daemon-heavy)"$'\n'
command -v spamd >/dev/null || missing+="spamd not found (package spamd)"$'\n'
[ -n "$helper" ] && [ -x "$helper" ] || missing+="MESSAGERIE_HELPER is not set to the built helper ('$helper')"$'\n'
if [ -n "$missing" ]; then
  printf '%s' "$missing" | diag
  bail "this machine cannot run the services tests"
fi

system_save "${system_apply_paths[@]}" "/var/mail/$local_user" || bail "could not save the real files: nothing applied"

if ! id "$local_user" >/dev/null 2>&1; then
  mkdir -p "$work/home"
  useradd -M -d "$work/home" -s /usr/sbin/nologin "$local_user" || bail "useradd $local_user"
  user_created=1
  chown "$local_user:" "$work/home"
fi

# ---------------------------------------------------------------------------
# spamd, with a site configuration of its own: Debian's plugin loading,
# no network test and no Bayes (stable scores), and the test rule.

mkdir -p "$work/sa"
cp /etc/spamassassin/*.pre "$work/sa/"
cat >"$work/sa/local.cf" <<EOF
skip_rbl_checks 1
dns_available no
use_bayes 0
use_auto_whitelist 0
body MESSAGERIE_TEST_RULE /$marker/
score MESSAGERIE_TEST_RULE 7.0
describe MESSAGERIE_TEST_RULE Messagerie's test rule
EOF
if (exec 3<>/dev/tcp/127.0.0.1/783) 2>/dev/null; then
  bail "something already listens on 127.0.0.1:783 (a system spamd?): stop it first"
fi
spamd --listen=127.0.0.1:783 --siteconfigpath="$work/sa" --max-children=1 \
  --nouser-config -u nobody --syslog=stderr >"$work/spamd.log" 2>&1 </dev/null &
spamd_pid=$!
for _ in $(seq 300); do
  (exec 3<>/dev/tcp/127.0.0.1/783) 2>/dev/null && break
  running "$spamd_pid" || break
  sleep 0.1
done
(exec 3<>/dev/tcp/127.0.0.1/783) 2>/dev/null || { diag "$work/spamd.log"; bail "spamd did not start"; }

# ---------------------------------------------------------------------------
# Steps

# apply NAME KEY=VALUE...: one case, the Scribe settings with the edits.
apply () {
  local name=$1 rc=0 code
  shift
  helper_input module=scribe relay_enabled=false "mail_domain=$mail_domain" \
    "root_sender=$root_sender" "root_recipient=$root_recipient" "$@" >"$work/settings"
  "$helper" --root / apply <"$work/settings" >"$work/apply.out" 2>"$work/apply.err" || rc=$?
  code=$(result_code "$work/apply.out")
  if [ "$rc" -eq 0 ] && [ "$code" = ok ]; then
    ok "$name: apply: ok"
  else
    not_ok "$name: apply ends with ok"
    { echo "exit $rc"; cat "$work/apply.out" "$work/apply.err"; } | diag
  fi
}

# smtp RECIPIENT BODY [HEADER]: the message over SMTP (exim4 -bs, queued
# only); prints exim's last reply to DATA's end, and sets message_id.
smtp () {
  local out
  out=$(printf 'EHLO client.test\r\nMAIL FROM:<someone@example.org>\r\nRCPT TO:<%s>\r\nDATA\r\nSubject: services test\r\n%s\r\n\r\n%s\r\n.\r\nQUIT\r\n' \
          "$1" "${3:-X-Mailer: test}" "$2" | LC_ALL=C "$exim" -odq -bs 2>&1)
  printf '%s\n' "$out" >"$work/smtp.log"
  # The reply to the final dot: the last reply before QUIT's 221.
  reply=$(printf '%s\n' "$out" | tr -d '\r' | grep -E '^[0-9]{3}[ -]' | sed -n '/^354/,$p' | sed '1d' | grep -v '^221' | tr '\n' ' ')
  message_id=$(printf '%s\n' "$reply" | sed -n 's/.*250 OK id=\([^ ]*\).*/\1/p')
}

# deliver: delivers message_id now (into the local mailbox: the Maildir
# through Dovecot's delivery agent when Dovecot is installed, as the Scribe
# settings have the mail server on, else /var/mail); the message as
# delivered, headers and body, in $work/delivered.
deliver () {
  : >"/var/mail/$local_user"
  chown "$local_user:mail" "/var/mail/$local_user"
  rm -f "$work/home/Maildir/new"/*
  "$exim" -M "$message_id" >"$work/deliver.log" 2>&1
  if [ -n "$(ls -A "$work/home/Maildir/new" 2>/dev/null)" ]; then
    cat "$work/home/Maildir/new"/* >"$work/delivered" 2>/dev/null
  else
    cp "/var/mail/$local_user" "$work/delivered"
  fi
  [ -s "$work/delivered" ] || echo "nothing was delivered" >>"$work/deliver.log"
  # A delivery that failed must not stay in the machine's queue.
  "$exim" -Mrm "$message_id" >/dev/null 2>&1 || true
}

headers_of () { sed '/^$/q' "$1"; }

# ---------------------------------------------------------------------------

# 1. The light daemon, the real one from its package, refuses the anti-spam.
if (cd "$work" && apt-get download exim4-daemon-light >"$work/download.log" 2>&1) &&
   dpkg-deb -x "$work"/exim4-daemon-light_*.deb "$work/light" 2>>"$work/download.log"; then
  helper_input module=scribe relay_enabled=false antispam=true "mail_domain=$mail_domain" \
    "root_sender=$root_sender" "root_recipient=$root_recipient" >"$work/settings"
  rc=0
  MESSAGERIE_HELPER_TEST_EXIM=$work/light/usr/sbin/exim4 "$helper" --root / apply \
    <"$work/settings" >"$work/apply.out" 2>"$work/apply.err" || rc=$?
  if [ "$rc" -eq 1 ] && [ "$(result_code "$work/apply.out")" = invalid ] &&
     grep -qP '^error\tantispam\tE13\t.*exim4-daemon-heavy' "$work/apply.out" &&
     system_fingerprint | cmp -s - "$work/system.before"; then
    ok "exim4-daemon-light: apply refuses the anti-spam (E13, naming exim4-daemon-heavy), nothing changed"
  else
    not_ok "exim4-daemon-light: apply refuses the anti-spam (E13), nothing changed (exit $rc)"
    diag "$work/apply.out" "$work/apply.err"
  fi
else
  not_ok "exim4-daemon-light's binary, from its package"
  diag "$work/download.log"
fi

apply "anti-spam on" antispam=true
smtp "$local_user@$mail_domain" "$gtube"
case $reply in
  *550*"refuse comme indesirable"*"refused as spam"*) ok "GTUBE is refused at SMTP time: $reply" ;;
  *) not_ok "GTUBE is refused at SMTP time with a 550 in French and English"; diag "$work/smtp.log" ;;
esac

smtp "$local_user@$mail_domain" "A message with the $marker in its body." "X-Spam-Flag: NO, trust me"
if [ -n "$message_id" ]; then
  ok "the test rule's message is accepted ($message_id)"
  deliver
  score=$(headers_of "$work/delivered" | sed -n 's/^X-Spam-Score: //p')
  if headers_of "$work/delivered" | grep -qx 'X-Spam-Flag: YES' &&
     [ "$(headers_of "$work/delivered" | grep -ci '^X-Spam-Flag:')" -eq 1 ] &&
     awk -v s="$score" 'BEGIN { exit !(s >= 6 && s < 12) }'; then
    ok "it is delivered with X-Spam-Flag: YES and X-Spam-Score: $score, the forged flag removed"
  else
    not_ok "it is delivered with X-Spam-Flag: YES, its score, and no forged flag"
    { cat "$work/deliver.log"; headers_of "$work/delivered"; } | diag
  fi
else
  not_ok "the test rule's message is accepted"; diag "$work/smtp.log"
  skip "its delivery" "not accepted"
fi

smtp "$local_user@$mail_domain" "Hello, the meeting is at ten tomorrow."
if [ -n "$message_id" ]; then
  deliver
  score=$(headers_of "$work/delivered" | sed -n 's/^X-Spam-Score: //p')
  if [ -n "$score" ] && ! headers_of "$work/delivered" | grep -qi '^X-Spam-Flag:' &&
     grep -q 'meeting is at ten' "$work/delivered"; then
    ok "a clean message is delivered unflagged, X-Spam-Score: $score"
  else
    not_ok "a clean message is delivered unflagged, with its score"
    { cat "$work/deliver.log"; headers_of "$work/delivered"; } | diag
  fi
else
  not_ok "a clean message is accepted"; diag "$work/smtp.log"
fi

# Mail that only passes through is not scanned. It is not delivered.
smtp "someone@elsewhere.example" "A message with the $marker in its body, for elsewhere."
if [ -n "$message_id" ] && ! grep -qi 'X-Spam-' "/var/spool/exim4/input/$message_id-H"; then
  ok "mail for a domain that is not local is not scanned"
else
  not_ok "mail for a domain that is not local is not scanned"
  { cat "$work/smtp.log"; [ -z "$message_id" ] || cat "/var/spool/exim4/input/$message_id-H"; } | diag
fi
[ -z "$message_id" ] || "$exim" -Mrm "$message_id" >/dev/null 2>&1

apply "flag from 9" antispam=true spam_flag_score=9.0
smtp "$local_user@$mail_domain" "A message with the $marker in its body."
if [ -n "$message_id" ]; then
  deliver
  if ! headers_of "$work/delivered" | grep -qi '^X-Spam-Flag:' &&
     headers_of "$work/delivered" | grep -q '^X-Spam-Score: '; then
    ok "with spam_flag_score=9.0 the same message is not flagged"
  else
    not_ok "with spam_flag_score=9.0 the same message is not flagged"
    headers_of "$work/delivered" | diag
  fi
else
  not_ok "with spam_flag_score=9.0 the message is accepted"; diag "$work/smtp.log"
fi

apply "anti-spam off" antispam=false
smtp "$local_user@$mail_domain" "$gtube"
if [ -n "$message_id" ]; then
  deliver
  if grep -qF "$gtube" "$work/delivered" && ! headers_of "$work/delivered" | grep -qi '^X-Spam-'; then
    ok "anti-spam off: GTUBE is accepted and delivered, unscanned"
  else
    not_ok "anti-spam off: nothing is scanned"; headers_of "$work/delivered" | diag
  fi
else
  not_ok "anti-spam off: GTUBE is accepted"; diag "$work/smtp.log"
fi
if ! grep -q 'MAIN_ACL_CHECK_DATA' /etc/exim4/exim4.conf.localmacros &&
   [ "$("$exim" -bP acl_smtp_data)" = "acl_smtp_data = acl_check_data" ]; then
  ok "anti-spam off: exim's DATA ACL is Debian's own"
else
  not_ok "anti-spam off: exim's DATA ACL is Debian's own"; "$exim" -bP acl_smtp_data | diag
fi

# ---------------------------------------------------------------------------

userdel "$local_user" 2>/dev/null && user_created=
check "the test user $local_user is removed" test -z "$user_created"
stop_pid "$spamd_pid"
check "spamd is stopped" test -z "$(running "$spamd_pid" && echo running)"
spamd_pid=
system_restored_case

[ "$failed" -eq 0 ]
