# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034
#
# A private session, as TESTING.md sets one up for libsecret against a real
# gnome-keyring: a throwaway HOME, a session bus that starts nothing by
# itself, a keyring daemon stopped by PID. Sourced by tests/test-keyring.sh,
# tests/test-window-keyring.sh and build-aux/screenshots.
#
#   write_bus_config FILE [SERVICEDIR]
#                                  a session bus configuration like the
#                                  standard one, but reading no service
#                                  directory (or only SERVICEDIR)
#   start_keyring [PASSWORD]       (on the session bus) gnome-keyring-daemon,
#                                  secrets only, unlocking (or creating) the
#                                  login keyring with PASSWORD if given; its
#                                  PID in keyring_pid; non-zero when it does
#                                  not appear on the bus within 10 s
#   stop_keyring                   stops it (stop_pid, tests/lib-tap.sh)
#   store_password PASSWORD        PASSWORD in the keyring, as the window keeps
#                                  the demo gateway's (smtp.ac-test.fr, scribe)
#   lock_keyring                   locks the login keyring over D-Bus

keyring_pid=

write_bus_config () {
  local file=$1 servicedir=${2:-}
  {
    echo '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"'
    echo ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">'
    echo '<busconfig>'
    echo '  <type>session</type>'
    echo '  <keep_umask/>'
    echo "  <listen>unix:tmpdir=${TMPDIR:-/tmp}</listen>"
    echo '  <auth>EXTERNAL</auth>'
    [ -z "$servicedir" ] || echo "  <servicedir>$servicedir</servicedir>"
    echo '  <policy context="default">'
    echo '    <allow send_destination="*" eavesdrop="true"/>'
    echo '    <allow eavesdrop="true"/>'
    echo '    <allow own="*"/>'
    echo '  </policy>'
    echo '</busconfig>'
  } >"$file"
}

start_keyring () {
  if [ $# -gt 0 ]; then
    printf %s "$1" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
  else
    gnome-keyring-daemon --foreground --components=secrets </dev/null >/dev/null &
  fi
  keyring_pid=$!
  gdbus wait --session --timeout 10 org.freedesktop.secrets
}

stop_keyring () {
  stop_pid "$keyring_pid"
  keyring_pid=
}

store_password () {
  printf %s "$1" |
    secret-tool store --label="Messagerie test" xdg:schema fr.eole.Messagerie.Relay \
      relay-host smtp.ac-test.fr relay-user scribe
}

lock_keyring () {
  gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
    --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" \
    >/dev/null
}
