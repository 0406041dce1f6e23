#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fuzzes each target of tests/fuzz for a bounded time with libFuzzer, under
# AddressSanitizer and UndefinedBehaviorSanitizer, in a clang build of its
# own (_build-fuzz):
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]    default: 60 s, every target
#
# Prints TAP, one case per target, whose line ends with libFuzzer's final
# figures ("#N DONE cov: … exec/s: …"); a crash fails its case and is left
# in _build-fuzz/fuzz-crashes/TARGET/ (make it a file of
# tests/fuzz/corpus/TARGET/ once fixed, so that the suite core replays it).
# The corpus libFuzzer grows is kept in _build-fuzz/fuzz-corpus/TARGET/,
# seeded from tests/fuzz/corpus/TARGET/, so that a later run starts from it.
#
# Environment: MESSAGERIE_FUZZ_BUILDDIR (default _build-fuzz).

set -Eeuo pipefail

repo_root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$repo_root"
# shellcheck source=tests/lib-tap.sh
. "$repo_root/tests/lib-tap.sh"

seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
  ''|*[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(settings smtp report)
builddir=${MESSAGERIE_FUZZ_BUILDDIR:-_build-fuzz}

if [ ! -f "$builddir/build.ninja" ]; then
  # b_lundef=false: the sanitizers' runtime resolves symbols at run time.
  CC=clang meson setup "$builddir" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false >"$builddir.setup.log" 2>&1 ||
    { diag "$builddir.setup.log"; bail "meson setup of the fuzzing build failed"; }
  rm -f "$builddir.setup.log"
fi
ninja -C "$builddir" "${targets[@]/#/tests/fuzz/fuzz-}" >&2 ||
  bail "the fuzz targets do not build"

# Any report stops the run at once, with its stack; leaks count.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$target
  corpus=$builddir/fuzz-corpus/$target
  crashes=$builddir/fuzz-crashes/$target
  log=$builddir/fuzz-logs/$target.log
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"

  # 64 KiB and one byte: the helper's whole input, and past it. One job,
  # one process: the machines are shared.
  rc=0
  "$builddir/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -max_len=65537 \
    -dict="tests/fuzz/$target.dict" -artifact_prefix="$crashes/" -print_final_stats=1 \
    "$corpus" "$seeds" >"$log" 2>&1 || rc=$?

  figures=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | tr -s ' \t' ' ' || true)
  found=$(find "$crashes" -type f | head -n 1)
  if [ "$rc" -eq 0 ] && [ -z "$found" ] && [ -n "$figures" ]; then
    ok "fuzz $target for $seconds s: $figures"
  else
    tail -n 60 "$log" | diag
    not_ok "fuzz $target for $seconds s: exit $rc${found:+, crash in $found}"
  fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
