#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the built polkit policy (data/fr.eole.messagerie.policy), as TAP:
#   1. xmllint --noout: well-formed XML;
#   2. valid against polkit's DTD (/usr/share/polkit-1/policyconfig-1.dtd,
#      package polkitd; skipped when it is not installed);
#   then, for the action fr.eole.messagerie.apply (applying, changing the
#   queue) and fr.eole.messagerie.monitor (reading, the helper's first
#   argument "monitor", its org.freedesktop.policykit.exec.argv1):
#   3. it names the installed helper in its org.freedesktop.policykit.exec.path
#      annotation, an absolute path, and the first argument;
#   4. its defaults: apply any/inactive auth_admin, active auth_admin_keep;
#      monitor auth_admin_keep for all three;
#   5. its description and message are translated into French (the merge of
#      po/fr.po worked).
#
# Usage: tests/check-policy.sh POLICY EXPECTED_HELPER_PATH
# Needs xmllint (package libxml2-utils).

# diag reads standard input here; its FILE arguments are optional.
# shellcheck disable=SC2119
set -u

policy=$1
expected_path=$2
dtd=/usr/share/polkit-1/policyconfig-1.dtd

# shellcheck source=tests/lib-tap.sh
. "$(dirname "$(readlink -f "$0")")/lib-tap.sh"

if ! command -v xmllint >/dev/null; then
  echo "1..0 # SKIP xmllint not found (package libxml2-utils)"
  exit 0
fi

# xmllint --xpath prints nothing and exits 10 when nothing matches.
xpath () { xmllint --nonet --xpath "$1" "$policy" 2>/dev/null; }

echo "1..8"

if out=$(xmllint --noout --nonet "$policy" 2>&1); then
  ok "xmllint --noout accepts $policy"
else
  not_ok "xmllint --noout accepts $policy"
  printf '%s\n' "$out" | diag
fi

if [ ! -f "$dtd" ]; then
  skip "valid against polkit's DTD" "$dtd not installed (package polkitd)"
elif out=$(xmllint --noout --nonet --dtdvalid "$dtd" "$policy" 2>&1); then
  ok "valid against $dtd"
else
  not_ok "valid against $dtd"
  printf '%s\n' "$out" | diag
fi

# check_action ID DEFAULTS ARGV1: its exec.path, defaults, first argument
# (empty: none) and French strings.
check_action () {
  local action=$1 expected_defaults=$2 expected_argv1=$3 act path defaults argv1 description_fr message_fr
  act="/policyconfig/action[@id='$action']"

  path=$(xpath "string($act/annotate[@key='org.freedesktop.policykit.exec.path'])")
  argv1=$(xpath "string($act/annotate[@key='org.freedesktop.policykit.exec.argv1'])")
  if [ "$path" = "$expected_path" ] && [ "${path#/}" != "$path" ] && [ "$argv1" = "$expected_argv1" ]; then
    ok "$action: exec.path is the installed helper, $path${argv1:+, argv1 $argv1}"
  else
    not_ok "$action: exec.path is the installed helper${expected_argv1:+, argv1 $expected_argv1}"
    echo "exec.path is '$path', expected '$expected_path' (absolute); argv1 '$argv1'" | diag
  fi

  defaults="$(xpath "string($act/defaults/allow_any)") $(xpath "string($act/defaults/allow_inactive)") $(xpath "string($act/defaults/allow_active)")"
  if [ "$defaults" = "$expected_defaults" ]; then
    ok "$action: defaults any/inactive/active are $defaults"
  else
    not_ok "$action: defaults any/inactive/active are $expected_defaults"
    echo "got: $defaults" | diag
  fi

  description_fr=$(xpath "string($act/description[@xml:lang='fr'])")
  message_fr=$(xpath "string($act/message[@xml:lang='fr'])")
  if [ -n "$description_fr" ] && [ -n "$message_fr" ]; then
    ok "$action: description and message in French: « $message_fr »"
  else
    not_ok "$action: description and message in French"
    echo "description fr: '$description_fr', message fr: '$message_fr' (is po/fr.po merged?)" | diag
  fi
}

# Applying and changing the queue; reading, with "monitor" first.
check_action fr.eole.messagerie.apply "auth_admin auth_admin auth_admin_keep" ""
check_action fr.eole.messagerie.monitor "auth_admin_keep auth_admin_keep auth_admin_keep" monitor

[ "$failed" -eq 0 ]
