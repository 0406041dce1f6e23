#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The window's keyring cases (test-window's /window/keyring/...), in a
# session of their own: run from the suite ui, under the display of
# build-aux/dev's xvfb-run.
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

if [ "${1:-}" != --session ]; then
  if [ -z "${DISPLAY:-}" ]; then
    echo "1..0 # SKIP needs a display (run under xvfb-run, as build-aux/dev does)"
    exit 0
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/messagerie-window-keyring.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/home" "$tmp/run"
  chmod 700 "$tmp/run"
  cat >"$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  if [ "$mode" = no-bus ]; then
    # A session bus address whose socket does not exist: what a session
    # whose bus died looks like (without any address, GLib would
    # autolaunch one through X11 with dbus-launch).
    HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/run \
      DBUS_SESSION_BUS_ADDRESS=unix:path=$tmp/no-bus-here \
      "$0" "$mode" "$program" --session
  else
    HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/run XDG_DATA_HOME=$tmp/home/.local/share \
      dbus-run-session --config-file="$tmp/bus.conf" -- "$0" "$mode" "$program" --session
  fi
  exit $?
fi

daemon=
start_daemon () {
  "$@" >/dev/null 2>&1 &
  daemon=$!
  trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null' EXIT
  if ! gdbus wait --session --timeout 10 org.freedesktop.secrets; then
    echo "1..1"
    echo "not ok 1 - gnome-keyring-daemon did not come up on the private bus"
    exit 1
  fi
}

store_demo_password () {
  printf %s demo-keyring |
    secret-tool store --label="Messagerie test" xdg:schema fr.eole.Messagerie.Relay \
      relay-host smtp.ac-test.fr relay-user scribe
}

case $mode in
  working)
    start_daemon sh -c 'printf %s test-password | exec gnome-keyring-daemon --foreground --unlock --components=secrets'
    store_demo_password
    ;;
  never-unlocked)
    # No login password: no keyring to store into, no display prompt
    # reaches anyone (the bus has no prompter).
    start_daemon gnome-keyring-daemon --foreground --components=secrets
    ;;
  locked)
    start_daemon sh -c 'printf %s test-password | exec gnome-keyring-daemon --foreground --unlock --components=secrets'
    store_demo_password
    gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
      --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" \
      >/dev/null
    ;;
esac

# With MESSAGERIE_TEST_KEYRING set, the program registers only the cases of
# that mode (several -p options would print several TAP plans).
MESSAGERIE_TEST_KEYRING=$mode "$program" --tap
