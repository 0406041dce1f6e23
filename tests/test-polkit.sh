#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The helper through the real polkit and pkexec, as TAP (suite "polkit").
#
# It sets up what an installed Messagerie has: the built policy in
# /usr/share/polkit-1/actions and the built helper at the exact path its
# org.freedesktop.policykit.exec.path names (pkexec runs nothing else under
# the action), a system D-Bus and polkitd (started only when none answers;
# stopped at the end only when started here), two users and a polkit rule
# that authorizes one and refuses the other (there is no logind here, so
# no session is ever active and only rules or allow_any decide).
#
# Then, as those users:
#   - messagerie-ok: pkexec HELPER apply < SETTINGS applies for real: exit 0,
#     "result<TAB>ok", and the real /etc/mailname, /etc/exim4/passwd.client
#     and /etc/messagerie/messagerie.conf hold what was sent on standard
#     input (which pkexec passes on);
#   - messagerie-no: pkexec exits 127 (not authorized), nothing changes;
#   - messagerie-ok running the helper without pkexec: exit 4 (refused),
#     nothing changes;
#   - messagerie-ok: pkexec HELPER apply --root DIR: exit 4 (no path is
#     accepted from pkexec's caller), nothing changes;
#   - messagerie-ok: pkexec HELPER monitor status|queue exit 0 under the
#     action fr.eole.messagerie.monitor, which pkexec picks by the first
#     argument (the rule allows each command under its own action only, so
#     that this is proven); messagerie-no gets 127 for monitor status,
#     monitor deliveries and queue-delete.
#
# Apply without --root writes the real system: this test saves every file
# apply may touch first (/etc/exim4, /etc/mailname, /etc/aliases,
# /etc/email-addresses, /etc/messagerie, /etc/dovecot/conf.d/99-messagerie.conf,
# /var/lib/exim4, /var/backups/messagerie, /var/lib/messagerie) and puts
# them back exactly (contents, modes, owners, times; what did not exist is
# removed) — checked as the last case — then removes the users, the rule,
# the policy and the helper it installed (putting back any that were there).
#
# Needs root, polkitd, pkexec, dbus, exim4. Environment: MESSAGERIE_HELPER
# (the built helper) and MESSAGERIE_POLICY (the built .policy), required.

set -u

helper_built=${MESSAGERIE_HELPER:-}
policy_built=${MESSAGERIE_POLICY:-}
srcdir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
action=fr.eole.messagerie.apply
monitor_action=fr.eole.messagerie.monitor
policy_installed=/usr/share/polkit-1/actions/fr.eole.messagerie.policy
rules_file=/etc/polkit-1/rules.d/50-messagerie-test.rules
user_ok=messagerie-ok
user_no=messagerie-no
python=/usr/bin/python3

if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root: installs a polkit policy, a rule, test users, and applies to the real /etc"
  exit 0
fi

# shellcheck source=tests/lib-tap.sh
. "$srcdir/tests/lib-tap.sh"
# shellcheck source=tests/lib-polkit.sh
. "$srcdir/tests/lib-polkit.sh"
# shellcheck source=tests/lib-system.sh
. "$srcdir/tests/lib-system.sh"

plan=14
echo "1..$plan"

# ---------------------------------------------------------------------------
# Cleanup: everything this script changed, in reverse order. Each step runs
# once, whether the script ends normally or not.

installed=()      # "path" of files installed here, with a backup in $work/installed/ when one was there
created_tops=()   # directories created here to install them
users_created=()

at_exit () {
  local i entry
  system_restore || echo "# restoring the saved files FAILED: they are in $work/saved.tar" >&2
  rm -f "$rules_file"
  for ((i = ${#installed[@]} - 1; i >= 0; i--)); do
    entry=${installed[i]}
    if [ -e "$work/installed/$(echo "$entry" | tr / _)" ]; then
      cp -a "$work/installed/$(echo "$entry" | tr / _)" "$entry"
    else
      rm -f "$entry"
    fi
  done
  for ((i = ${#created_tops[@]} - 1; i >= 0; i--)); do
    rm -rf -- "${created_tops[i]}"
  done
  for entry in "${users_created[@]}"; do
    userdel "$entry" 2>/dev/null
  done
  stop_polkitd
}
make_work messagerie-polkit
chmod 0755 "$work"

# install_file SOURCE DEST MODE: puts SOURCE at DEST, keeping what was
# there for the cleanup.
install_file () {
  local src=$1 dest=$2 mode=$3 top
  mkdir -p "$work/installed"
  if [ -e "$dest" ]; then
    cp -a "$dest" "$work/installed/$(echo "$dest" | tr / _)"
  else
    top=$(missing_top "$(dirname "$dest")")
    [ -z "$top" ] || created_tops+=("$top")
  fi
  installed+=("$dest")
  install -D -m "$mode" -o root -g root "$src" "$dest"
}

# ---------------------------------------------------------------------------
# Prerequisites

missing=()
for prog in pkexec pkaction pkcheck dbus-daemon dbus-send gdbus runuser useradd userdel tar; do
  command -v "$prog" >/dev/null || missing+=("$prog not found")
done
[ -x /usr/lib/polkit-1/polkitd ] || missing+=("/usr/lib/polkit-1/polkitd not found (package polkitd)")
[ -u "$(command -v pkexec 2>/dev/null || echo /usr/bin/pkexec)" ] || missing+=("pkexec is not setuid root")
[ -n "$helper_built" ] && [ -x "$helper_built" ] || missing+=("MESSAGERIE_HELPER is not the built helper ('$helper_built')")
[ -n "$policy_built" ] && [ -f "$policy_built" ] || missing+=("MESSAGERIE_POLICY is not the built policy ('$policy_built')")
[ "${#missing[@]}" -eq 0 ] || bail "$(printf '%s; ' "${missing[@]}")"

# The exec.path the built policy names: where pkexec will look for the helper.
exec_path=$("$python" - "$policy_built" "$action" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for a in root.iter('action'):
    if a.get('id') == sys.argv[2]:
        for an in a.iter('annotate'):
            if an.get('key') == 'org.freedesktop.policykit.exec.path':
                print(an.text.strip())
EOF
)
case $exec_path in
  /*) ;;
  *) bail "the built policy names no absolute exec.path for $action ('$exec_path')" ;;
esac
echo "# exec.path of the built policy: $exec_path" >&2

# ---------------------------------------------------------------------------
# System bus and polkitd (TESTING.md: no systemd here)

# tests/lib-polkit.sh: each started only when none answers, stopped at exit.
if ! start_polkitd "$work" >"$work/polkit-start.log"; then
  diag "$work/polkit-start.log"
  bail "$(head -n 1 "$work/polkit-start.log")"
fi
echo "# started: system bus ${system_bus_pid:-(none, one answered)}, polkitd ${polkitd_pid:-(none, one answered)}" >&2

# ---------------------------------------------------------------------------
# The policy and the helper, where an installation puts them

install_file "$policy_built" "$policy_installed" 0644
install_file "$helper_built" "$exec_path" 0755

# 1. polkit reads the action (within about a second of the file appearing).
for i in $(seq 100); do
  pkaction --action-id "$action" --verbose >"$work/pkaction" 2>&1 && break
  sleep 0.1
done
# "  annotation:        org.freedesktop.policykit.exec.path -> PATH"
seen_path=$(sed -n 's/^ *annotation: *org\.freedesktop\.policykit\.exec\.path -> //p' "$work/pkaction")
if [ "$seen_path" = "$exec_path" ] && [ -x "$seen_path" ] && cmp -s "$seen_path" "$helper_built"; then
  ok "pkaction shows $action, exec.path $seen_path: the installed helper"
else
  not_ok "pkaction shows $action with exec.path = the installed helper $exec_path"
  diag "$work/pkaction"
fi

# ---------------------------------------------------------------------------
# Users and the rule

for u in "$user_ok" "$user_no"; do
  if ! id -u "$u" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$u" ||
      bail "useradd $u failed"
  fi
  # Created here or left by an interrupted run: removed at the end.
  users_created+=("$u")
done

mkdir -p "$(dirname "$rules_file")"
cat >"$rules_file" <<EOF
// Test rule of Messagerie (tests/test-polkit.sh), removed when it ends.
polkit.addRule(function(action, subject) {
    // Each command under its own action only, so that a success proves
    // which action pkexec picked: "monitor …" under $monitor_action, the
    // rest under $action.
    var reading = / monitor /.test(action.lookup("command_line") + " ");
    if ((action.id == "$action" && reading) || (action.id == "$monitor_action" && !reading))
        return polkit.Result.NO;
    if (action.id == "$action" || action.id == "$monitor_action") {
        if (subject.user == "$user_ok")
            return polkit.Result.YES;
        if (subject.user == "$user_no")
            return polkit.Result.NO;
    }
});
EOF
chmod 0644 "$rules_file"

# 2. polkit applies the rule (it reloads rules.d within about a second).
# The inner shell's own PID ($$ in single quotes on purpose) is the process
# pkcheck asks about.
# shellcheck disable=SC2016
pkcheck_as () {
  runuser -u "$1" -- /bin/sh -c 'exec pkcheck --action-id "$1" --process $$' sh "$action" >"$work/pkcheck.$1" 2>&1
}
for i in $(seq 100); do
  pkcheck_as "$user_ok" && break
  sleep 0.1
done
if pkcheck_as "$user_ok" && ! pkcheck_as "$user_no"; then
  ok "polkit authorizes $user_ok and refuses $user_no for $action (rule $rules_file)"
else
  not_ok "polkit authorizes $user_ok and refuses $user_no for $action"
  for u in "$user_ok" "$user_no"; do echo "pkcheck as $u:"; cat "$work/pkcheck.$u"; done | diag
fi

# ---------------------------------------------------------------------------
# The real files, saved

system_save "${system_apply_paths[@]}" || bail "could not save the real files: nothing applied"

# ---------------------------------------------------------------------------
# The settings sent: the Amon demo (no mail server, so no services are
# touched) with a gateway, authentication, and values to find on disk.

token=polkit-$$-$RANDOM
mail_domain=polkit-test.messagerie.test
relay_user=$token@$mail_domain
relay_password="pw-$token:^x"
sed -e "s|^mail_domain=.*|mail_domain=$mail_domain|" \
    -e "s|^root_sender=.*|root_sender=root-sender@$mail_domain|" \
    -e "s|^root_recipient=.*|root_recipient=admin@example.org|" \
    -e "s|^relay_host=.*|relay_host=smtp.messagerie.test|" \
    -e "s|^relay_tls=.*|relay_tls=port-587|" \
    -e "s|^relay_auth=.*|relay_auth=true|" \
    -e "s|^relay_user=.*|relay_user=$relay_user|" \
    -e "s|^demo_note=.*|demo_note=$token|" \
    "$srcdir/data/demo/amon/etc/messagerie/messagerie.conf" >"$work/settings.conf"
{ cat "$work/settings.conf"; printf '\n[secret]\npassword=%s\n' "$relay_password"; } >"$work/settings"
chmod 0644 "$work/settings"

# run_as USER OUT COMMAND...: runs COMMAND as USER with the settings on
# standard input (runuser keeps it; pkexec passes it to the helper); sets rc.
run_as () {
  local user=$1 out=$2
  shift 2
  rc=0
  (cd / && runuser -u "$user" -- "$@" <"$work/settings" >"$out" 2>"$out.err") || rc=$?
}

show_run () {
  echo "exit $rc; standard output:"
  cat "$1"
  echo "standard error:"
  cat "$1.err"
}

# 3–4. Authorized: applied for real.
run_as "$user_ok" "$work/ok.out" pkexec --disable-internal-agent "$exec_path" apply
if [ "$rc" -eq 0 ] && [ "$(result_code "$work/ok.out")" = ok ]; then
  ok "$user_ok: pkexec $exec_path apply exits 0: $(tail -n 1 "$work/ok.out" | cut -f 2-)"
else
  not_ok "$user_ok: pkexec $exec_path apply exits 0 with result ok"
  show_run "$work/ok.out" | diag
fi

written=()
[ "$(head -n 1 /etc/mailname 2>/dev/null)" = "$mail_domain" ] || written+=("/etc/mailname is '$(head -n 1 /etc/mailname 2>/dev/null)', expected '$mail_domain'")
grep -qxF "demo_note=$token" /etc/messagerie/messagerie.conf 2>/dev/null ||
  written+=("/etc/messagerie/messagerie.conf does not have demo_note=$token")
grep -qxF "smtp.messagerie.test:$relay_user:$relay_password" /etc/exim4/passwd.client 2>/dev/null ||
  written+=("/etc/exim4/passwd.client has no line for smtp.messagerie.test with the user and the password sent")
grep -q "smtp.messagerie.test::587" /var/lib/exim4/config.autogenerated 2>/dev/null ||
  written+=("/var/lib/exim4/config.autogenerated does not route to smtp.messagerie.test::587")
if [ "${#written[@]}" -eq 0 ]; then
  ok "$user_ok: the real /etc/mailname, messagerie.conf, passwd.client and exim's configuration hold what was sent on standard input"
else
  not_ok "$user_ok: the real files hold what was sent on standard input"
  printf '%s\n' "${written[@]}" | diag
fi

system_fingerprint >"$work/after-ok"

# unchanged WHAT: a case that must leave the real files as they are.
unchanged () {
  system_fingerprint >"$work/now"
  if cmp -s "$work/after-ok" "$work/now"; then
    return 0
  fi
  echo "$1 changed the real files:" | diag
  diff "$work/after-ok" "$work/now" | head -n 40 | diag
  return 1
}

# 5. Refused by polkit.
run_as "$user_no" "$work/no.out" pkexec --disable-internal-agent "$exec_path" apply
if [ "$rc" -eq 127 ] && unchanged "$user_no's pkexec"; then
  ok "$user_no: pkexec exits 127 (not authorized), nothing changed"
else
  not_ok "$user_no: pkexec exits 127 (not authorized) and nothing changes"
  show_run "$work/no.out" | diag
fi

# 6. The helper without pkexec, as an ordinary user.
run_as "$user_ok" "$work/direct.out" "$exec_path" apply
if [ "$rc" -eq 4 ] && [ "$(result_code "$work/direct.out")" = refused ] && unchanged "the helper run directly"; then
  ok "$user_ok: the helper run without pkexec exits 4, result refused, nothing changed"
else
  not_ok "$user_ok: the helper run without pkexec exits 4 (refused) and nothing changes"
  show_run "$work/direct.out" | diag
fi

# 7–8. No path from pkexec's caller, before the verb or after it.
other_root=$work/not-a-root
for shown in "--root DIR apply" "apply --root DIR"; do
  read -ra words <<<"${shown/DIR/$other_root}"
  run_as "$user_ok" "$work/root.out" pkexec --disable-internal-agent "$exec_path" "${words[@]}"
  if [ "$rc" -eq 4 ] && [ ! -e "$other_root" ] && unchanged "pkexec with $shown"; then
    ok "$user_ok: pkexec $exec_path $shown exits 4 (refused), nothing written"
  else
    not_ok "$user_ok: pkexec $exec_path $shown exits 4 (refused) and writes nothing"
    show_run "$work/root.out" | diag
    [ ! -e "$other_root" ] || echo "$other_root was created" | diag
  fi
done

# 9–13. Reading through the action monitor (pkexec picks it by the first
# argument "monitor"), changing the queue through apply; a refused user gets
# 127 for every verb. The queue may be empty: only its listing is asked.
run_as "$user_ok" "$work/status.out" pkexec --disable-internal-agent "$exec_path" monitor status
if [ "$rc" -eq 0 ] && [ "$(result_code "$work/status.out")" = ok ] &&
   grep -q "^status	exim	" "$work/status.out"; then
  ok "$user_ok: pkexec $exec_path monitor status exits 0 under $monitor_action"
else
  not_ok "$user_ok: pkexec $exec_path monitor status exits 0"
  show_run "$work/status.out" | diag
fi
run_as "$user_ok" "$work/queue.out" pkexec --disable-internal-agent "$exec_path" monitor queue
check "$user_ok: pkexec $exec_path monitor queue exits 0: $(tail -n 1 "$work/queue.out" | cut -f 2-)" \
  test "$rc" -eq 0 -a "$(result_code "$work/queue.out")" = ok
for verb in "monitor status" "monitor deliveries" "queue-delete 1xZ0AA-000000-00"; do
  read -ra words <<<"$verb"
  run_as "$user_no" "$work/refused.out" pkexec --disable-internal-agent "$exec_path" "${words[@]}"
  if [ "$rc" -eq 127 ]; then
    ok "$user_no: pkexec $exec_path $verb exits 127 (not authorized)"
  else
    not_ok "$user_no: pkexec $exec_path $verb exits 127 (not authorized)"
    show_run "$work/refused.out" | diag
  fi
done

# 14. Everything put back as it was.
system_restored_case

[ "$failed" -eq 0 ]
