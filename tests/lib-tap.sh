# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The variables set here are the sourcing script's to read (n, failed,
# skipped, work), and it may set plan: shellcheck cannot see either side.
# shellcheck disable=SC2034,SC2154,SC2119
#
# Sourced by the TAP scripts of tests/ (and by build-aux/dev for its
# package step): the cases, their diagnostics, a temporary folder removed
# at exit, and stopping a process by its PID.
#
#   ok NAME | not_ok NAME | skip NAME REASON     one case ("ok N - NAME # SKIP
#                                                REASON" for a skip: counted as
#                                                skipped, never as passed)
#   check NAME COMMAND...                        one case from COMMAND's status
#   diag [FILE...]                               FILEs or standard input as TAP
#                                                comments, on standard error
#   bail REASON                                  the cases of $plan not run yet
#                                                fail (with plan empty: one case
#                                                fails and the plan follows); exit 1
#   make_work NAME                               $work, a new temporary folder,
#                                                removed at exit after the
#                                                script's at_exit (if defined);
#                                                MESSAGERIE_KEEP_TMP=1 keeps it
#   stop_pid PID                                 TERM, KILL after 5 s, reaped
#   result_code FILE                             the CODE of the helper's last
#                                                line "result<TAB>CODE<TAB>…"

n=0
failed=0
skipped=0
# Put before each case line (build-aux/dev indents its package step).
tap_indent=

ok () { n=$((n + 1)); echo "${tap_indent}ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "${tap_indent}not ok $n - $1"; }
skip () { n=$((n + 1)); skipped=$((skipped + 1)); echo "${tap_indent}ok $n - $1 # SKIP $2"; }
# meson test --print-errorlogs shows the standard error of a failed TAP test.
# shellcheck disable=SC2120  # FILE arguments are optional
diag () { sed 's/^/# /' "$@" >&2; }

check () {
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}

bail () {
  echo "$1" | diag
  if [ -n "${plan:-}" ]; then
    while [ "$n" -lt "$plan" ]; do not_ok "not run: $1"; done
  else
    not_ok "$1"
    echo "1..$n"
  fi
  exit 1
}

# running PID: the process exists and is not a zombie (a daemon that forked
# away from us is reaped by whoever adopted it, maybe never).
running () {
  kill -0 "$1" 2>/dev/null && [ "$(cut -d ' ' -f 3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}

stop_pid () {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    running "$pid" || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

make_work () {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
  trap remove_work EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

remove_work () {
  # A second signal must not cut the cleanup short.
  trap '' INT TERM
  if declare -F at_exit >/dev/null; then at_exit; fi
  if [ -n "${MESSAGERIE_KEEP_TMP:-}" ]; then
    echo "# kept $work" >&2
  else
    rm -rf -- "$work"
  fi
}

result_code () {
  tail -n 1 "$1" 2>/dev/null | awk -F '\t' '$1 == "result" { print $2 }'
}
