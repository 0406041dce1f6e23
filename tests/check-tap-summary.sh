#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# build-aux/tap-summary, the counter of build-aux/dev's final line, on
# fixtures whose counts are known (TAP, suite data):
#   tests/data/tap-summary/testlog.json  a meson test log with every kind of
#       case line (ok, SKIP, not ok, TODO either way, nested, a comment),
#       a crash outside the cases, a test skipped whole, a timeout:
#       5 passed, 5 failed, 4 skipped
#   tests/data/tap-summary/stream.tap    one TAP stream, as the fuzz and
#       package steps print: 2 passed, 1 failed, 1 skipped
#
#   check-tap-summary.sh SOURCE_ROOT
set -u

root=$1
tests=$root/tests
# shellcheck source=tests/lib-tap.sh
. "$tests/lib-tap.sh"

summary=$root/build-aux/tap-summary
data=$tests/data/tap-summary
make_work messagerie-tap-summary

# totals_are NAME WANT COMMAND...: one case, passed when the last line
# COMMAND prints is WANT.
totals_are () {
  local name=$1 want=$2 got
  shift 2
  got=$("$@" 2>&1 | tail -n 1)
  if [ "$got" = "$want" ]; then
    ok "$name"
  else
    not_ok "$name"
    echo "totals \"$got\", expected \"$want\"" | diag
  fi
}

echo "1..9"
totals_are "the meson test log: 5 passed, 5 failed, 4 skipped" "5 5 4" \
  "$summary" "$data/testlog.json"
mkdir -p "$work/_build/meson-logs"
cp "$data/testlog.json" "$work/_build/meson-logs/"
totals_are "a build folder is read as its meson-logs/testlog.json" "5 5 4" \
  "$summary" "$work/_build"
out=$("$summary" --label fixture "$data/testlog.json")
check "each test has its line, the crash and the unreported cases named" \
  grep -qxF "  fixture  messagerie:fixture / crash       FAIL     1 passed, 1 failed, 0 skipped (the program failed outside its cases) (2 of 3 planned cases not run)" <<<"$out"
totals_are "meson failing with no failed case counts one failure" "0 1 0" \
  "$summary" --status 1 "$work/no-such-build"
totals_are "meson failing with failed cases adds none" "5 5 4" \
  "$summary" --status 1 "$data/testlog.json"
totals_are "a TAP stream: 2 passed, 1 failed, 1 skipped" "2 1 1" \
  "$summary" --tap "$data/stream.tap"
totals_are "a TAP stream on standard input" "2 1 1" \
  "$summary" --tap <"$data/stream.tap"
totals_are "a program failing outside its cases counts one failure" "0 1 0" \
  "$summary" --tap --status 2 /dev/null
totals_are "a program failing after a failed case adds none" "2 1 1" \
  "$summary" --tap --status 1 "$data/stream.tap"
[ "$failed" -eq 0 ]
