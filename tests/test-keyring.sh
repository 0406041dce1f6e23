#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The keyring module (src/app/messagerie-keyring.c) against a real gnome-keyring
# and in every way the keyring can be missing, as one TAP stream (suite
# "keyring"). Each mode needs its own session, so this script runs
# `test-keyring MODE --tap` once per mode, in the environment it prepares,
# and renumbers the cases:
#
#   working         gnome-keyring unlocked at start (as PAM does at login)
#   no-bus          no session bus at all, no display to autolaunch one
#   no-service      a session bus without any .service file
#   broken-service  a session bus whose org.freedesktop.secrets service
#                   fails to start (Exec=/bin/false)
#   never-unlocked  gnome-keyring started without a login password
#   activated       gnome-keyring started by D-Bus activation, through the
#                   .service file of the gnome-keyring package
#   locked          gnome-keyring unlocked, a password stored, then the
#                   keyring locked over D-Bus
#   refused-seed,   a password stored; then the same keyring with its daemon
#   refused         started again with a wrong login password
#
# Every session has a throwaway HOME and XDG_RUNTIME_DIR under one temporary
# folder, no DISPLAY (gnome-keyring can show no prompt) and, but for
# "activated", a bus without the system's service directories, so that
# nothing else is started on it. The script stops every gnome-keyring-daemon
# it started, by PID, and its last case checks that no process of the test
# (a process whose HOME is in the temporary folder) is left running.
#
# Usage: tests/test-keyring.sh TEST-KEYRING   (the built tests/test-keyring)
# Needs dbus-run-session and dbus-daemon (package dbus), gdbus
# (libglib2.0-bin) and gnome-keyring-daemon (gnome-keyring).
# MESSAGERIE_KEEP_TMP=1 keeps the temporary folder.

set -u

self=$(readlink -f "${BASH_SOURCE[0]}")
keyring_password=test-password
secrets_service_file=/usr/share/dbus-1/services/org.freedesktop.secrets.service

# shellcheck source=tests/lib-tap.sh
. "$(dirname "$self")/lib-tap.sh"
# shellcheck source=tests/lib-session.sh
. "$(dirname "$self")/lib-session.sh"

# ---------------------------------------------------------------------------
# Inside one session (the script runs itself under dbus-run-session):
#   test-keyring.sh --session MODE PROGRAM PID_FILE

# The daemon the bus started by itself: not our child, found by its name.
stop_activated_daemon () {
  local reply pid
  reply=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets 2>/dev/null) ||
    return 0
  pid=$(printf '%s\n' "$reply" | sed -n 's/^(uint32 \([0-9][0-9]*\),)$/\1/p')
  [ -n "$pid" ] || return 0
  echo "$pid" >>"$pid_file"
  stop_pid "$pid"
}

run_session () {
  local mode=$1 program=$2 status
  pid_file=$3

  case $mode in
    working | locked | refused-seed) start_keyring "$keyring_password" ;;
    refused) start_keyring "wrong-$keyring_password" ;;
    never-unlocked) start_keyring ;;
    *) true ;;
  esac
  status=$?
  [ -z "$keyring_pid" ] || echo "$keyring_pid" >>"$pid_file"
  if [ "$status" -ne 0 ]; then
    echo "not ok 1 - $mode: gnome-keyring-daemon did not appear on the bus within 10 s"
    stop_keyring
    return 1
  fi

  "$program" "$mode" --tap
  status=$?
  [ "$mode" != activated ] || stop_activated_daemon
  stop_keyring
  return "$status"
}

if [ "${1:-}" = --session ]; then
  shift
  run_session "$@"
  exit
fi

# ---------------------------------------------------------------------------
# The TAP stream

program=$(readlink -f "${1:-}")
if [ -z "${1:-}" ] || [ ! -x "$program" ]; then
  echo "Usage: $0 TEST-KEYRING (the built tests/test-keyring)" >&2
  exit 2
fi
for command in dbus-run-session dbus-daemon gdbus gnome-keyring-daemon timeout; do
  if ! command -v "$command" >/dev/null; then
    echo "1..0 # SKIP no $command (install dbus, libglib2.0-bin, gnome-keyring)"
    exit 0
  fi
done

make_work test-keyring
pid_file=$work/pids
: >"$pid_file"

# Session buses on which nothing is started but what the script starts.
write_bus_config "$work/bus-bare.conf"
mkdir -p "$work/services"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/false\n' \
  >"$work/services/org.freedesktop.secrets.service"
write_bus_config "$work/bus-broken.conf" "$work/services"

# run_mode MODE HOME_NAME COMMAND...: runs COMMAND, which runs the program
# for MODE with HOME and XDG_RUNTIME_DIR of their own, and passes its cases
# on, renumbered.
run_mode () {
  local mode=$1 home=$work/home-$2 runtime=$work/run-$1 out=$work/$1.out status line
  local mode_cases=0 mode_failed=0
  shift 2
  mkdir -m 700 "$runtime"
  [ -d "$home" ] || mkdir -m 700 "$home"

  echo "# mode $mode"
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u DBUS_STARTER_ADDRESS \
      -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u GNOME_KEYRING_CONTROL \
      -u SSH_AUTH_SOCK -u LANGUAGE \
      HOME="$home" XDG_RUNTIME_DIR="$runtime" \
      timeout -k 5 120 "$@" >"$out" 2> >(sed "s/^/# $mode: /" >&2)
  status=$?

  while IFS= read -r line; do
    if [[ $line =~ ^(not\ ok|ok)\ [0-9]+(.*)$ ]]; then
      n=$((n + 1))
      mode_cases=$((mode_cases + 1))
      echo "${BASH_REMATCH[1]} $n${BASH_REMATCH[2]}"
      if [ "${BASH_REMATCH[1]}" = "not ok" ] && [[ ! ${BASH_REMATCH[2]} =~ \#\ *TODO ]]; then
        mode_failed=$((mode_failed + 1))
      fi
    elif [[ $line =~ ^1\.\.[0-9]+ ]]; then
      continue
    elif [[ $line == \#* ]]; then
      echo "$line"
    else
      # "Bail out!" would end the whole stream: only this mode ended.
      echo "# $line"
    fi
  done <"$out"

  failed=$((failed + mode_failed))
  if [ "$status" -eq 124 ]; then
    not_ok "$mode: timed out"
  elif [ "$status" -ne 0 ] && [ "$mode_failed" -eq 0 ]; then
    not_ok "$mode: the program exited with status $status"
  elif [ "$mode_cases" -eq 0 ]; then
    not_ok "$mode: no case ran"
  fi
}

# in_session MODE [HOME_NAME [BUS_CONFIG]]: run_mode for MODE in a session
# bus of its own (by default the bare one; "" for the standard bus).
in_session () {
  local mode=$1 home=${2:-$1} conf=${3-$work/bus-bare.conf}
  run_mode "$mode" "$home" dbus-run-session ${conf:+"--config-file=$conf"} -- \
    "$BASH" "$self" --session "$mode" "$program" "$pid_file"
}

in_session working
run_mode no-bus no-bus "$program" no-bus --tap
in_session no-service
in_session broken-service broken-service "$work/bus-broken.conf"
in_session never-unlocked
if [ -f "$secrets_service_file" ]; then
  # The standard session bus: its service directories, the system's.
  in_session activated activated ""
else
  skip activated "no $secrets_service_file"
fi
in_session locked
in_session refused-seed refused
in_session refused

# Nothing of the test left running: the daemons it started (by PID), and
# any process whose HOME is one of its throwaway ones (a daemon the bus
# started, a prompter). A process may take a moment to exit.
leftovers () {
  local pid proc
  while read -r pid; do
    [ -z "$pid" ] || ! running "$pid" || echo "$pid"
  done <"$pid_file"
  for proc in /proc/[0-9]*; do
    if { tr '\0' '\n' <"$proc/environ"; } 2>/dev/null | grep -q "^HOME=$work/" &&
       running "${proc#/proc/}"; then
      echo "${proc#/proc/}"
    fi
  done
}

left=
for _ in $(seq 50); do
  left=$(leftovers | sort -un)
  [ -n "$left" ] || break
  sleep 0.1
done
if [ -z "$left" ]; then
  ok "no keyring daemon or other process of the test is left running ($(grep -c . "$pid_file") daemons stopped)"
else
  not_ok "no keyring daemon or other process of the test is left running"
  for pid in $left; do
    echo "# left running, stopped now: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    kill -KILL "$pid" 2>/dev/null
  done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
