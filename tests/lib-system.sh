# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The variables set here are the sourcing script's to read, and it sets
# work: shellcheck cannot see either side.
# shellcheck disable=SC2034,SC2154
#
# Sourced by the TAP scripts that change the real system (tests/test-polkit.sh,
# tests/test-flow.sh): they save every file they may touch first and put it
# back exactly afterwards (contents, modes, owners, times; what did not exist
# is removed), even when they fail or are interrupted.
#
#   system_save PATH...      saves PATHs (files or folders, existing or not)
#                            under $work, and what they hold; non-zero when
#                            it could not
#   system_restore           puts them back (once; later calls do nothing)
#                            and has a running exim reload its configuration
#   system_fingerprint       what the saved paths hold now, one line per
#                            entry (type, mode, owner, size, time, checksum)
#   system_restored_case     one TAP case: system_restore, then the saved
#                            paths hold exactly what they held when saved
#   missing_top PATH         the top-most ancestor of PATH that does not
#                            exist (PATH itself when its parent exists; empty
#                            when PATH exists)
#
# The caller sources tests/lib-tap.sh first (diag) and has made $work.

# What Messagerie's apply may write (SPEC §5, doc/helper-protocol.md).
system_apply_paths=(
  /etc/exim4
  /etc/mailname
  /etc/aliases
  /etc/email-addresses
  /etc/messagerie
  /etc/dovecot/conf.d/99-messagerie.conf
  /var/lib/exim4
  /var/backups/messagerie
  /var/lib/messagerie
)

system_saved_paths=()
system_snapshot_taken=
system_restored=

missing_top () {
  local p=$1 top=
  while [ -n "$p" ] && [ "$p" != / ] && [ ! -e "$p" ] && [ ! -L "$p" ]; do
    top=$p
    p=$(dirname "$p")
  done
  echo "$top"
}

system_fingerprint () {
  local p
  for p in "${system_saved_paths[@]}"; do
    if [ -e "$p" ] || [ -L "$p" ]; then
      find "$p" -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort
      find "$p" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    else
      echo "absent $p"
    fi
  done
}

system_save () {
  local p
  system_saved_paths=("$@")
  : >"$work/saved.list"
  for p in "${system_saved_paths[@]}"; do
    if [ -e "$p" ] || [ -L "$p" ]; then
      echo "${p#/}" >>"$work/saved.list"
    else
      missing_top "$p" >"$work/missing.$(echo "$p" | tr / _)"
    fi
  done
  if [ -s "$work/saved.list" ]; then
    tar -C / -cpf "$work/saved.tar" --numeric-owner --xattrs --acls -T "$work/saved.list" 2>"$work/tar.log" ||
      { diag "$work/tar.log"; return 1; }
    # Every path in the archive, absolute, without the folders' trailing "/".
    tar -tf "$work/saved.tar" | sed -e 's|/$||' -e 's|^|/|' >"$work/saved.entries" || return 1
  fi
  system_snapshot_taken=1
  system_fingerprint >"$work/system.before"
  echo "# saved: $(tr '\n' ' ' <"$work/saved.list")" >&2
}

system_restored_case () {
  if system_restore && system_fingerprint >"$work/system.after" &&
     cmp -s "$work/system.before" "$work/system.after"; then
    ok "the real files are restored exactly (contents, modes, owners, times)"
  else
    not_ok "the real files are restored exactly"
    diff "$work/system.before" "$work/system.after" | head -n 40 | diag
  fi
}

# Puts the saved files back in place rather than removing the folders
# first, so that /etc/exim4 never disappears, even for an instant: what
# the test created is removed, then the archive is extracted over the rest
# (tar sets the folders' times last).
system_restore () {
  local p top entry status=0
  [ -n "$system_snapshot_taken" ] && [ -z "$system_restored" ] || return 0
  system_restored=1
  for p in "${system_saved_paths[@]}"; do
    if [ -f "$work/missing.$(echo "$p" | tr / _)" ]; then
      top=$(cat "$work/missing.$(echo "$p" | tr / _)")
      [ -z "$top" ] || rm -rf -- "$top"
    elif [ -d "$p" ] && [ ! -L "$p" ]; then
      find "$p" -mindepth 1 -depth -print0 |
        while IFS= read -r -d '' entry; do
          grep -qxF "$entry" "$work/saved.entries" || rm -rf -- "$entry"
        done
    fi
  done
  if [ -s "$work/saved.list" ]; then
    tar -C / -xpf "$work/saved.tar" --numeric-owner --xattrs --acls --same-owner || status=1
  fi
  # A running exim must drop the configuration of the test.
  if [ -f /run/exim4/exim.pid ] && kill -0 "$(cat /run/exim4/exim.pid)" 2>/dev/null; then
    kill -HUP "$(cat /run/exim4/exim.pid)"
  fi
  return $status
}
