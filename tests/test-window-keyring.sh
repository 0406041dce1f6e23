#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The window's keyring cases (test-window's /window/keyring/...), in a
# session of their own: run from the suite ui, under the display of
# tests/run-ui.sh.
#
#   test-window-keyring.sh working TEST-WINDOW
#       a private session bus with a real gnome-keyring, unlocked as at
#       login, holding "demo-keyring" for smtp.ac-test.fr and scribe
#   test-window-keyring.sh none TEST-WINDOW
#       a private session bus on which no Secret Service exists
#   test-window-keyring.sh no-bus TEST-WINDOW
#       a session bus address with nothing behind it
#   test-window-keyring.sh never-unlocked TEST-WINDOW
#       gnome-keyring started without a login password (no default keyring)
#   test-window-keyring.sh locked TEST-WINDOW
#       the demo's password stored, then the keyring locked
#
# The bus reads no service directory, so nothing else is started on it; the
# keyring lives in a throwaway HOME; its daemon is stopped by PID.
set -u

mode=$1
program=$2
shift 2
tests=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=tests/lib-tap.sh
. "$tests/lib-tap.sh"
# shellcheck source=tests/lib-session.sh
. "$tests/lib-session.sh"

if [ "${1:-}" != --session ]; then
  if [ -z "${DISPLAY:-}" ]; then
    echo "1..0 # SKIP needs a display (run through tests/run-ui.sh, as meson test does)"
    exit 0
  fi
  make_work messagerie-window-keyring
  mkdir -m 700 "$work/home" "$work/run"
  write_bus_config "$work/bus.conf"
  if [ "$mode" = no-bus ]; then
    # A session bus address whose socket does not exist: what a session
    # whose bus died looks like (without any address, GLib would
    # autolaunch one through X11 with dbus-launch).
    HOME=$work/home XDG_RUNTIME_DIR=$work/run \
      DBUS_SESSION_BUS_ADDRESS=unix:path=$work/no-bus-here \
      "$0" "$mode" "$program" --session
  else
    HOME=$work/home XDG_RUNTIME_DIR=$work/run XDG_DATA_HOME=$work/home/.local/share \
      dbus-run-session --config-file="$work/bus.conf" -- "$0" "$mode" "$program" --session
  fi
  exit
fi

# set_up STEP COMMAND...: a step of the session's setup; when it fails, the
# mode's only case fails.
set_up () {
  local step=$1
  shift
  "$@" && return 0
  echo "1..1"
  not_ok "$mode: $step"
  exit 1
}

at_exit () { stop_keyring; }
trap at_exit EXIT

case $mode in
  working)
    set_up "gnome-keyring-daemon comes up on the private bus" start_keyring test-password
    set_up "secret-tool stores the demo password" store_password demo-keyring
    ;;
  never-unlocked)
    # No login password: no keyring to store into, no display prompt
    # reaches anyone (the bus has no prompter).
    set_up "gnome-keyring-daemon comes up on the private bus" start_keyring
    ;;
  locked)
    set_up "gnome-keyring-daemon comes up on the private bus" start_keyring test-password
    set_up "secret-tool stores the demo password" store_password demo-keyring
    set_up "the login keyring is locked" lock_keyring
    ;;
esac

# With MESSAGERIE_TEST_KEYRING set, the program registers only the cases of
# that mode (several -p options would print several TAP plans).
MESSAGERIE_TEST_KEYRING=$mode "$program" --tap
