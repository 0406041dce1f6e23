#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the built polkit policy (data/fr.eole.messagerie.policy), as TAP:
#   1. xmllint --noout: well-formed XML;
#   2. valid against polkit's DTD (/usr/share/polkit-1/policyconfig-1.dtd,
#      package polkitd; skipped when it is not installed);
#   3. the action fr.eole.messagerie.apply names the installed helper in its
#      org.freedesktop.policykit.exec.path annotation, an absolute path;
#   4. its defaults are allow_any auth_admin, allow_inactive auth_admin,
#      allow_active auth_admin_keep;
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
action=fr.eole.messagerie.apply
dtd=/usr/share/polkit-1/policyconfig-1.dtd

# shellcheck source=tests/lib-tap.sh
. "$(dirname "$(readlink -f "$0")")/lib-tap.sh"

if ! command -v xmllint >/dev/null; then
  echo "1..0 # SKIP xmllint not found (package libxml2-utils)"
  exit 0
fi

# xmllint --xpath prints nothing and exits 10 when nothing matches.
xpath () { xmllint --nonet --xpath "$1" "$policy" 2>/dev/null; }
act="/policyconfig/action[@id='$action']"

echo "1..5"

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

path=$(xpath "string($act/annotate[@key='org.freedesktop.policykit.exec.path'])")
if [ "$path" = "$expected_path" ] && [ "${path#/}" != "$path" ]; then
  ok "$action: exec.path is the installed helper, $path"
else
  not_ok "$action: exec.path is the installed helper"
  echo "exec.path is '$path', expected '$expected_path' (absolute)" | diag
fi

defaults="$(xpath "string($act/defaults/allow_any)") $(xpath "string($act/defaults/allow_inactive)") $(xpath "string($act/defaults/allow_active)")"
if [ "$defaults" = "auth_admin auth_admin auth_admin_keep" ]; then
  ok "$action: defaults any/inactive/active are $defaults"
else
  not_ok "$action: defaults any/inactive/active are auth_admin auth_admin auth_admin_keep"
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

[ "$failed" -eq 0 ]
