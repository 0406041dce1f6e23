#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The mailboxes of a module with a mail server, as TAP (suite "mailbox"):
# exim hands local mail to Dovecot's delivery agent, Dovecot serves it over
# the protocols chosen and enforces the quota.
#
# The helper applies to the real system as pkexec would run it (as root,
# PKEXEC_UID set, no --root): the files, exim's configuration, and the
# services step, which starts, restarts and stops the real Dovecot through
# its init script. Each setting of « Activer le serveur de courrier » with a
# quota of 1 MB, then messages delivered by the real exim (sendmail -odf) to
# a test user, fetched with Python's imaplib and poplib on 127.0.0.1:
#
#   - imap, pop, pop-imap: Dovecot runs (restarted when its fragment
#     changed), the protocol's port is open and the other's closed, the
#     message is in the user's Maildir and fetched over each protocol;
#   - the quota: GETQUOTAROOT says 1024 KB, a message that would exceed it
#     is refused with Dovecot's « Quota exceeded » and not stored;
#   - the user's mbox from before (/var/mail/USER) stays readable, over
#     IMAP under the folder mbox/;
#   - none: Dovecot stopped, both ports closed, exim delivers as Debian does
#     (mbox), which the next mode reads under mbox/;
#   - the split configuration (conf.d files) and the non-split one (blocks
#     in the template) each survive update-exim4.conf, dpkg-reconfigure
#     exim4-config and exim4-config's postinst configure;
#   - a module without a mail server leaves the template as it was.
#
# Needs root, exim4, dovecot-imapd, dovecot-pop3d (and a certificate for
# Dovecot: build-aux/dev makes the snakeoil one). Saves every file it may
# change (the files apply writes, debconf's database, the runlevel links the
# services step changes, /etc/dovecot/local.conf) and puts them back
# exactly; stops the Dovecot it started, by PID. Environment:
# MESSAGERIE_HELPER.

set -u

srcdir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
helper=${MESSAGERIE_HELPER:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root: applies to the real /etc and runs Dovecot"
  exit 0
fi

# shellcheck source=tests/lib-tap.sh
. "$srcdir/tests/lib-tap.sh"
# shellcheck source=tests/lib-system.sh
. "$srcdir/tests/lib-system.sh"

at_exit () {
  stop_pid "$(dovecot_pid)"
  system_restore || echo "# restoring the saved files FAILED: they are in $work/saved.tar" >&2
  if [ -n "$user_created" ]; then userdel "$local_user" 2>/dev/null; fi
}
make_work messagerie-mailbox
chmod 0755 "$work"

# shellcheck source=tests/lib-exim-root.sh
. "$srcdir/tests/lib-exim-root.sh"
# shellcheck source=tests/lib-services.sh
. "$srcdir/tests/lib-services.sh"

modes=(imap pop pop-imap none)
# Per mode: apply, Dovecot's state, the ports, the message; IMAP modes: the
# quota, the message over it, the old mbox. Then split and non-split, each
# apply and 3 Debian tools; amon; the user and the files.
plan=$(( 4 * 4 + 2 * 3 + 2 * (2 + 3) + 2 + 2 ))
echo "1..$plan"

missing=
[ -x "$exim" ] || missing+="exim4 not found (package exim4-daemon-heavy)"$'\n'
[ -x /usr/lib/dovecot/dovecot-lda ] || missing+="/usr/lib/dovecot/dovecot-lda missing (package dovecot-core)"$'\n'
[ -x /usr/lib/dovecot/imap ] || missing+="Dovecot's IMAP server missing (package dovecot-imapd)"$'\n'
[ -x /usr/lib/dovecot/pop3 ] || missing+="Dovecot's POP3 server missing (package dovecot-pop3d)"$'\n'
[ -x /etc/init.d/dovecot ] || missing+="/etc/init.d/dovecot missing (package dovecot-core)"$'\n'
[ -e /etc/dovecot/private/dovecot.pem ] || missing+="Dovecot has no certificate (build-aux/dev makes the snakeoil one)"$'\n'
[ -x /var/lib/dpkg/info/exim4-config.postinst ] || missing+="exim4-config's postinst missing"$'\n'
[ -n "$helper" ] && [ -x "$helper" ] || missing+="MESSAGERIE_HELPER is not set to the built helper ('$helper')"$'\n'
if dovecot_pid >/dev/null; then missing+="a Dovecot already runs (PID $(dovecot_pid)): stop it first"$'\n'; fi
if [ -n "$missing" ]; then
  printf '%s' "$missing" | diag
  bail "this machine cannot run the mailbox tests"
fi
exim4_version=$(dpkg-query -W -f '${Version}' exim4-config)

debconf_db=(/var/cache/debconf/{config,templates,passwords}.dat{,-old})
system_save "${system_apply_paths[@]}" "${debconf_db[@]}" /etc/dovecot/local.conf \
  /etc/sympa/sympa/sympa.conf /etc/rc{0,1,2,3,4,5,6,S}.d "/var/mail/$local_user" ||
  bail "could not save the real files: nothing applied"
template_sum=$(sha256sum </etc/exim4/exim4.conf.template)

make_mail_user || bail "the test user $local_user could not be made"

# Dovecot on the loopback address only, as a test's own local settings.
echo "listen = 127.0.0.1" >/etc/dovecot/local.conf

# The mail of the mbox years, before Messagerie hands delivery to Dovecot.
printf 'From someone@example.org Thu Dec  3 10:00:00 2026\nSubject: from the mbox years\n\nAn old message.\n\n' \
  >"/var/mail/$local_user"
chown "$local_user:mail" "/var/mail/$local_user"
chmod 0660 "/var/mail/$local_user"

# ---------------------------------------------------------------------------
# Steps

# apply NAME KEY=VALUE...: one case, the helper as pkexec runs it.
apply () { apply_system "$@"; }

# deliver SUBJECT [SIZE]: from the user to the user.
deliver () { send "$local_user@$mail_domain" "$local_user@$mail_domain" "$@"; }

port_open () { "$python" "$client" port "$1" >/dev/null 2>&1; }

# ports MODE: one case, the protocols' ports open or closed as MODE says.
ports () {
  local mode=$1 want_imap=closed want_pop=closed got_imap=closed got_pop=closed
  case $mode in imap|pop-imap) want_imap=open ;; esac
  case $mode in pop|pop-imap) want_pop=open ;; esac
  port_open 143 && got_imap=open
  port_open 110 && got_pop=open
  check "$mode: IMAP (143) $want_imap, POP3 (110) $want_pop" \
    test "$got_imap $got_pop" = "$want_imap $want_pop"
}

# debian_tools NAME: update-exim4.conf, dpkg-reconfigure and the upgrade's
# postinst, each one case: exits 0 and a local user's mail still goes to
# Dovecot, and is delivered there.
debian_tools () {
  local name=$1 tool rc got token
  for tool in update-exim4.conf "dpkg-reconfigure exim4-config" \
              "/var/lib/dpkg/info/exim4-config.postinst configure $exim4_version"; do
    rc=0
    # shellcheck disable=SC2086  # the words of the command
    DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true $tool >"$work/debian.log" 2>&1 || rc=$?
    got=$(route "$local_user@$mail_domain")
    token="after $(basename "${tool%% *}") $name $RANDOM"
    deliver "$token"
    if [ "$rc" -eq 0 ] && [ "$got" = "local_user messagerie_dovecot" ] && in_maildir "$token"; then
      ok "$name: after ${tool%% $exim4_version}, local mail still goes to Dovecot ($got)"
    else
      not_ok "$name: after ${tool%% $exim4_version} (exit $rc), local mail still goes to Dovecot"
      { cat "$work/debian.log"; echo "route: $got"; tail -n 3 "$mainlog"; } | diag
    fi
  done
}

# ---------------------------------------------------------------------------

previous_pid=
for mode in "${modes[@]}"; do
  apply "$mode" "mail_server=$mode"
  pid=$(dovecot_pid)
  if [ "$mode" = none ]; then
    # update-rc.d disable turns the start links into stop links.
    check "none: Dovecot is stopped and disabled (runlevel 2: $(ls /etc/rc2.d | grep dovecot))" \
      test -z "$pid" -a -n "$(ls /etc/rc2.d | grep -x 'K[0-9]*dovecot')"
  elif [ -n "$pid" ] && [ "$pid" != "$previous_pid" ]; then
    ok "$mode: Dovecot runs (PID $pid${previous_pid:+, restarted: it was $previous_pid})"
  else
    not_ok "$mode: Dovecot runs, restarted on its new fragment (PID '$pid', before '$previous_pid')"
    cat "$work/apply.out" | diag
  fi
  previous_pid=$pid
  ports "$mode"

  token="$mode message $RANDOM"
  deliver "$token"
  case $mode in
    none)
      if grep -qF "Subject: $token" "/var/mail/$local_user" && ! in_maildir "$token"; then
        ok "none: exim delivers into /var/mail/$local_user, as Debian does"
      else
        not_ok "none: exim delivers into /var/mail/$local_user"; { cat "$work/send.log"; tail -n 3 "$mainlog"; } | diag
      fi
      none_token=$token
      ;;
    *)
      problems=()
      in_maildir "$token" || problems+=("not in $maildir")
      if [ "$mode" != pop ]; then
        out=$("$python" "$client" imap "$local_user" "$user_password" "$token") || problems+=("IMAP: $out")
      fi
      if [ "$mode" != imap ]; then
        out=$("$python" "$client" pop "$local_user" "$user_password" "$token") || problems+=("POP3: $out")
      fi
      if [ "${#problems[@]}" -eq 0 ]; then
        ok "$mode: delivered by exim into the Maildir, fetched over ${mode/-/ and }"
      else
        not_ok "$mode: delivered into the Maildir and fetched"
        { printf '%s\n' "${problems[@]}"; cat "$work/send.log"; tail -n 3 "$mainlog"; } | diag
      fi
      ;;
  esac

  if [ "$mode" = imap ] || [ "$mode" = pop-imap ]; then
    got=$("$python" "$client" quota "$local_user" "$user_password")
    check "$mode: GETQUOTAROOT INBOX says the limit is 1024 KB (used, limit: $got)" \
      test "${got#* }" = 1024

    big="$mode over quota $RANDOM"
    before=$(grep -c . "$mainlog")
    deliver "$big" 1200000
    if ! find "$maildir" -type f -size +1000k | grep -q . &&
       tail -n "+$before" "$mainlog" | grep -q 'messagerie_dovecot transport output: Quota exceeded' &&
       tail -n "+$before" "$mainlog" | grep -q "\*\* $local_user@$mail_domain R=local_user T=messagerie_dovecot"; then
      ok "$mode: a message over the quota is refused with Dovecot's « Quota exceeded », not stored"
    else
      not_ok "$mode: a message over the quota is refused, not stored"
      { find "$maildir" -type f -size +1000k; tail -n "+$before" "$mainlog"; } | diag
    fi

    rc=0
    out=$("$python" "$client" imap "$local_user" "$user_password" "from the mbox years" mbox/INBOX) || rc=$?
    check "$mode: the mbox of before is read over IMAP under mbox/ ($out)" test "$rc" -eq 0
  fi
done

# The split configuration: Messagerie's files under conf.d.
sed -i "s/^dc_use_split_config=.*/dc_use_split_config='true'/" /etc/exim4/update-exim4.conf.conf
apply "split" mail_server=imap
if [ -f /etc/exim4/conf.d/router/250_messagerie ] && [ -f /etc/exim4/conf.d/transport/30_messagerie ] &&
   [ "$(sha256sum </etc/exim4/exim4.conf.template)" = "$template_sum" ] &&
   "$python" "$client" imap "$local_user" "$user_password" "$none_token" mbox/INBOX >/dev/null; then
  ok "split: the route is in conf.d, the template is Debian's, the mail of « none » is read under mbox/"
else
  not_ok "split: the route is in conf.d, the template is Debian's, the mail of « none » read under mbox/"
  ls -l /etc/exim4/conf.d/router /etc/exim4/conf.d/transport | diag
fi
debian_tools split

sed -i "s/^dc_use_split_config=.*/dc_use_split_config='false'/" /etc/exim4/update-exim4.conf.conf
apply "non-split" mail_server=imap
if [ ! -e /etc/exim4/conf.d/router/250_messagerie ] && [ ! -e /etc/exim4/conf.d/transport/30_messagerie ] &&
   [ "$(grep -c '^# BEGIN Messagerie' /etc/exim4/exim4.conf.template)" -eq 2 ]; then
  ok "non-split: conf.d's files are gone, the template has Messagerie's two blocks"
else
  not_ok "non-split: conf.d's files are gone, the template has Messagerie's two blocks"
  grep -n 'Messagerie' /etc/exim4/exim4.conf.template | diag
fi
debian_tools non-split

# A module without a mail server: Debian's template again, Dovecot's
# fragment left as it was.
fragment_sum=$(sha256sum </etc/dovecot/conf.d/99-messagerie.conf)
apply "amon" module=amon
check "amon: the template is Debian's again, byte for byte, Dovecot's fragment untouched" \
  test "$(sha256sum </etc/exim4/exim4.conf.template) $(sha256sum </etc/dovecot/conf.d/99-messagerie.conf)" = "$template_sum $fragment_sum"

# ---------------------------------------------------------------------------

stop_pid "$(dovecot_pid)"
check "Dovecot is stopped" test -z "$(dovecot_pid)"
userdel "$local_user" 2>/dev/null && user_created=
system_restored_case

[ "$failed" -eq 0 ]
