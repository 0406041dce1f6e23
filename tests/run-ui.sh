#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs one test of the suite ui (tests/meson.build) in a display and a
# session of its own, so that a plain `meson test` runs it right:
#
#   run-ui.sh PROGRAM [ARGUMENTS...]
#
# An Xvfb (1280x900x24, as TESTING.md's xvfb-run line), a private session
# bus (dbus-run-session: nothing autolaunches a dbus-launch that outlives
# the test) and a throwaway HOME and XDG_RUNTIME_DIR (a Secret Service the
# bus activates for the window keeps its keyrings there, never in the real
# ones), GTK on X11 even from a Wayland desktop. The test's status is PROGRAM's. Xvfb picks its display itself
# (-displayfd): `xvfb-run -a` looks for a free number and then starts the
# server, and two tests that meson starts at the same instant can pick the
# same one (the second then fails, about once in twenty pairs here). Xvfb
# is stopped by its PID, the folder removed, at exit.
set -u

tests=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=tests/lib-tap.sh
. "$tests/lib-tap.sh"

if ! command -v Xvfb >/dev/null || ! command -v dbus-run-session >/dev/null; then
  echo "1..0 # SKIP needs Xvfb (package xvfb) and dbus-run-session (package dbus)"
  exit 0
fi

xvfb_pid=
# shellcheck disable=SC2317  # called by remove_work (tests/lib-tap.sh)
at_exit () { stop_pid "$xvfb_pid"; }
make_work messagerie-ui
mkdir -m 700 "$work/home" "$work/run"

# Xvfb writes its display number to the file once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$work/display" \
  >"$work/xvfb.log" 2>&1 </dev/null &
xvfb_pid=$!
display=
for _ in $(seq 100); do
  display=$(head -n 1 "$work/display" 2>/dev/null)
  [ -n "$display" ] && break
  running "$xvfb_pid" || break
  sleep 0.1
done
if [ -z "$display" ]; then
  echo "Xvfb did not start" | diag
  diag "$work/xvfb.log"
  exit 1
fi

# Nothing of the desktop the test may be started from: its Wayland
# display, its XDG folders (they default under the throwaway HOME).
# The bus and what it starts (at-spi's registry says it runs on its
# standard output) write to standard error: standard output is the test's,
# TAP only.
rc=0
{ env -u WAYLAND_DISPLAY -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME \
    HOME="$work/home" XDG_RUNTIME_DIR="$work/run" DISPLAY=":$display" GDK_BACKEND=x11 \
    dbus-run-session -- sh -c 'exec "$@" >&3 3>&-' sh "$@" >&2 || rc=$?; } 3>&1
exit "$rc"
