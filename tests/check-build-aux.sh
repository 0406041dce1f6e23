#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The scripts build-aux/dev test runs outside meson, read without being run
# (they install packages and change the machine; TAP, suite data): each
# parses (bash -n), and each package debian/tests/control's Depends names
# is in build-aux/packages (for an alternative, one of its names), so that
# the package step of build-aux/dev test finds them installed.
#
#   check-build-aux.sh SOURCE_ROOT
set -u

root=$1
# shellcheck source=tests/lib-tap.sh
. "$root/tests/lib-tap.sh"

scripts=(build-aux/dev build-aux/prepare-machine build-aux/check-package build-aux/bench
         debian/tests/installed debian/tests/remove tests/run-ui.sh)

# The names of build-aux/packages, one a line.
listed=$(sed 's/#.*//' "$root/build-aux/packages" | tr -s ' \t' '\n' | grep .)

# Each Depends item of debian/tests/control, one a line ("a | b" kept
# whole), without versions, architectures, profiles and the package
# itself (@).
test_depends () {
  awk '/^Depends:/ { on = 1; sub(/^Depends:/, "") }
       /^[A-Za-z-]+:/ && !/^Depends:/ { on = 0 }
       /^#/ { next }
       on { print }' "$root/debian/tests/control" |
    tr ',' '\n' | sed -E 's/\([^)]*\)|\[[^]]*\]|<[^>]*>//g; s/^[[:space:]]+|[[:space:]]+$//g' |
    grep -v -e '^$' -e '^@$' | sort -u
}

# listed_one ITEM: one of the alternatives of ITEM is in build-aux/packages.
listed_one () {
  local alt
  for alt in ${1//|/ }; do
    grep -qxF "$alt" <<<"$listed" && return 0
  done
  echo "neither of \"$1\" is in build-aux/packages" | diag
  return 1
}

mapfile -t depends < <(test_depends)
echo "1..$((${#scripts[@]} + 1 + ${#depends[@]}))"
for s in "${scripts[@]}"; do
  check "$s parses" bash -n "$root/$s"
done
check "debian/tests/control names test packages" [ "${#depends[@]}" -gt 0 ]
for d in "${depends[@]}"; do
  check "debian/tests/control's $d is in build-aux/packages" listed_one "$d"
done
[ "$failed" -eq 0 ]
