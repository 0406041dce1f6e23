#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the installed data files with the tools the system itself trusts,
# as TAP (suite "data"), one mode per meson test:
#
#   check-data.sh desktop FILE     desktop-file-validate (desktop-file-utils);
#                                  the French Comment and Keywords are merged
#   check-data.sh metainfo FILE SHOTS
#                                  appstreamcli validate --no-net (appstream),
#                                  appstream-util validate --nonet (strict)
#                                  (appstream-util); the French summary is merged;
#                                  every screenshot it names is in the folder
#                                  SHOTS, a PNG of the size it declares
#   check-data.sh schemas DIR      glib-compile-schemas --strict --dry-run
#                                  (libglib2.0-bin)
#   check-data.sh man PAGE...      each page through man --warnings (man-db,
#                                  groff-base), as lintian reads it: no warning
#   check-data.sh recover UNIT INIT
#                                  the boot's recovery: the systemd unit and the
#                                  init script run messagerie-helper recover
#                                  before exim, only when a journal is there
#                                  (tests/test-apply.c runs the init script)
#
# A tool that is not installed skips its case, naming the package.

# diag reads standard input here; its FILE arguments are optional.
# shellcheck disable=SC2119
set -u

mode=${1:-}
shift || true

# shellcheck source=tests/lib-tap.sh
. "$(dirname "$(readlink -f "$0")")/lib-tap.sh"
make_work check-data

# run NAME COMMAND...: one case, passed when COMMAND exits 0; its output
# goes to the diagnostics either way (hints and notes included).
run () {
  local name=$1
  shift
  if ! command -v "$1" >/dev/null; then
    skip "$name" "$1 is not installed"
    return
  fi
  if "$@" >"$work/out" 2>&1; then
    ok "$name"
  else
    not_ok "$name"
  fi
  diag <"$work/out"
}

# has_line NAME FILE LINE: one case, passed when FILE holds LINE exactly
# (after leading blanks).
has_line () {
  if sed 's/^[[:space:]]*//' "$2" | grep -qxF -- "$3"; then
    ok "$1"
  else
    not_ok "$1"
    echo "no line '$3' in $2" | diag
  fi
}

case $mode in
  desktop)
    file=$1
    echo "1..3"
    run "desktop-file-validate $(basename "$file")" desktop-file-validate "$file"
    has_line "the French comment is merged" "$file" \
      "Comment[fr]=Configurer la messagerie du serveur"
    has_line "the French keywords are merged" "$file" \
      "Keywords[fr]=messagerie;courriel;courrier;mail;e-mail;exim;smtp;relais;passerelle;serveur;"
    ;;
  metainfo)
    file=$1 shots=$2
    echo "1..4"
    run "appstreamcli validate --no-net $(basename "$file")" \
      appstreamcli validate --no-net --no-color "$file"
    run "appstream-util validate --nonet $(basename "$file")" \
      appstream-util validate --nonet "$file"
    has_line "the French summary is merged" "$file" \
      '<summary xml:lang="fr">Configurer la messagerie du serveur</summary>'
    if /usr/bin/python3 - "$file" "$shots" >"$work/out" 2>&1 <<'EOF'
import os
import struct
import sys
import xml.etree.ElementTree as ET

metainfo, shots = sys.argv[1], sys.argv[2]
images = ET.parse(metainfo).getroot().findall('./screenshots/screenshot/image')
bad = 0 if images else 1
for image in images:
    path = os.path.join(shots, os.path.basename(image.text.strip()))
    try:
        with open(path, 'rb') as f:
            head = f.read(24)
    except OSError as e:
        print(f'{image.text.strip()}: {e.strerror}: {path}')
        bad = 1
        continue
    size = struct.unpack('>II', head[16:24]) if head[:8] == b'\x89PNG\r\n\x1a\n' else None
    want = (int(image.get('width', 0)), int(image.get('height', 0)))
    print(f'{path}: {size}, declared {want}')
    if size != want:
        bad = 1
sys.exit(bad)
EOF
    then
      ok "every screenshot is shipped in $(basename "$shots")/ at its declared size"
    else
      not_ok "every screenshot is shipped in $(basename "$shots")/ at its declared size"
    fi
    diag <"$work/out"
    ;;
  schemas)
    dir=$1
    echo "1..1"
    run "glib-compile-schemas --strict --dry-run $dir" \
      glib-compile-schemas --strict --dry-run "$dir"
    ;;
  man)
    echo "1..$#"
    for page in "$@"; do
      name="man --warnings: $(basename "$page") has no warning"
      if ! command -v man >/dev/null; then
        skip "$name" "man is not installed"
        continue
      fi
      # lintian's own invocation: groff's warnings on standard error, the
      # page itself thrown away.
      LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
        man --warnings -E UTF-8 -l -Tutf8 -Z "$page" >/dev/null 2>"$work/warnings"
      status=$?
      if [ "$status" -eq 0 ] && [ ! -s "$work/warnings" ]; then
        ok "$name"
      else
        not_ok "$name"
        echo "man exited with $status" | diag
        diag <"$work/warnings"
      fi
    done
    ;;
  recover)
    unit=$1
    init=$2
    echo "1..9"
    has_line "the unit is a oneshot" "$unit" "Type=oneshot"
    has_line "the unit runs before exim" "$unit" "Before=exim4.service"
    has_line "the unit runs only when a journal is there" "$unit" \
      "ConditionPathExists=/var/lib/messagerie/transaction"
    has_line "the unit runs recover" "$unit" "ExecStart=/usr/libexec/messagerie-helper recover"
    has_line "the unit is started at boot" "$unit" "WantedBy=multi-user.target"
    has_line "the init script starts before exim" "$init" "# X-Start-Before:    exim4"
    # The lines as written, unexpanded.
    # shellcheck disable=SC2016
    has_line "the init script runs the installed helper" "$init" \
      'HELPER=${MESSAGERIE_TEST_HELPER:-/usr/libexec/messagerie-helper}'
    # shellcheck disable=SC2016
    has_line "the init script looks for the journal" "$init" \
      'JOURNAL=$ROOT/var/lib/messagerie/transaction'
    run "the init script is valid POSIX sh" sh -n "$init"
    ;;
  *)
    echo "usage: check-data.sh desktop FILE | metainfo FILE | schemas DIR | man PAGE... | recover UNIT INIT" >&2
    exit 2
    ;;
esac

[ "$failed" -eq 0 ]
