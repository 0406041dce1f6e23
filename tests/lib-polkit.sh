# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034
#
# A system D-Bus and polkitd, as TESTING.md starts them where there is no
# systemd: each only when none answers, stopped by PID. Sourced, after
# tests/lib-tap.sh (stop_pid), by tests/test-polkit.sh and build-aux/dev
# (its package step's pkaction).
#
#   start_polkitd LOGDIR   the bus and polkitd, started when missing (their
#                          output in LOGDIR/dbus.log and LOGDIR/polkitd.log);
#                          non-zero, saying why on standard output, when
#                          either does not answer
#   stop_polkitd           stops what start_polkitd started, polkitd first
#
# system_bus_pid and polkitd_pid are the PIDs started here (empty when one
# was already there).

system_bus_pid=
polkitd_pid=

system_bus_answers () {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null 2>&1
}

polkitd_answers () {
  gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner org.freedesktop.PolicyKit1 2>/dev/null | grep -q true
}

start_polkitd () {
  local log=$1 i
  if ! system_bus_answers; then
    # A bus that died leaves its PID file, which stops a new one.
    rm -f /run/dbus/pid /run/dbus/system_bus_socket
    mkdir -p /run/dbus
    system_bus_pid=$(dbus-daemon --system --fork --print-pid 2>"$log/dbus.log" | head -n 1)
    for i in $(seq 50); do system_bus_answers && break; sleep 0.1; done
    if ! system_bus_answers; then
      echo "the system bus does not answer"
      cat "$log/dbus.log"
      return 1
    fi
  fi
  if ! polkitd_answers; then
    /usr/lib/polkit-1/polkitd --no-debug >"$log/polkitd.log" 2>&1 </dev/null &
    polkitd_pid=$!
    gdbus wait --system --timeout 10 org.freedesktop.PolicyKit1 >/dev/null 2>&1
    if ! polkitd_answers; then
      echo "polkitd did not come up on the system bus"
      cat "$log/polkitd.log"
      return 1
    fi
  fi
}

stop_polkitd () {
  stop_pid "$polkitd_pid"
  polkitd_pid=
  if [ -n "$system_bus_pid" ]; then
    stop_pid "$system_bus_pid"
    rm -f /run/dbus/pid /run/dbus/system_bus_socket
    system_bus_pid=
  fi
}
