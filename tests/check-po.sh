#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the French translation against the sources, as TAP (one case per
# check, so that the test harness counts them):
#   1. the template regenerates with xgettext from po/POTFILES.in;
#   2. every source file with translatable strings is listed in POTFILES.in;
#   3. po/fr.po has an entry for every msgid of the template;
#   4. msgfmt --check accepts po/fr.po and counts no untranslated and no fuzzy
#      string;
#   5. the translations keep the format directives the sources expect
#      (msgfmt --check on fr.po merged into the fresh template, whose
#      c-format flags come from the code rather than from the translator);
#   6. French typography (tests/check-typography.py): the apostrophe ’, a
#      narrow no-break space before « : ; ? ! » and inside « », times as
#      « 8 h 51 », « Relais ».
#
# Usage: tests/check-po.sh [SOURCE_ROOT]   (default: this script's ../)
# Needs xgettext, msgcmp, msgmerge and msgfmt (package gettext), and
# /usr/bin/python3.

set -u

tests=$(dirname "$(readlink -f "$0")")
srcdir=${1:-$tests/..}
# shellcheck source=tests/lib-tap.sh
. "$tests/lib-tap.sh"

plan=6
echo "1..$plan"
cd "$srcdir" || bail "no source directory $srcdir"

pofile=po/fr.po
potfiles=po/POTFILES.in
make_work check-po

# The keywords and flags of meson's i18n 'glib' preset (po/meson.build), so
# the template is the one `ninja messagerie-pot` would write.
# .ui (GtkBuilder), .policy (polkit) and other XML files are recognised by
# xgettext itself through the ITS rules installed in /usr/share/gettext/its.
# shellcheck disable=SC2054
xgettext_args=(
  --from-code=UTF-8 --add-comments --package-name=messagerie
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format
  --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format
  --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format
  --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format
  --flag=g_log:3:c-format --flag=g_print:1:c-format --flag=g_printerr:1:c-format
  --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format
  --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format
  --flag=g_prefix_error:2:c-format
)

pot=$work/messagerie.pot

# Prints the entries at the given line numbers ($2...) of the PO file $1
# (msgcmp and msgfmt report "FILE:LINE: ...").
show_entries () {
  local file=$1
  shift
  # The entry is the block of non-empty lines around the reported line; its
  # msgstr lines are left out.
  awk -v lines="$*" '
    function flush() {
      for (i = first; i < NR; i++) if (i in want) { printf "%s", block; print ""; break }
      block = ""; first = 0
    }
    BEGIN { split(lines, l, " "); for (i in l) want[l[i]] = 1 }
    /^[[:space:]]*$/ { flush(); next }
    { if (!first) first = NR; if ($0 !~ /^msgstr/ && !($0 ~ /^"/ && in_msgstr)) block = block $0 "\n"
      if ($0 ~ /^msgstr/) in_msgstr = 1; else if ($0 !~ /^"/) in_msgstr = 0 }
    END { NR++; flush() }
  ' "$file"
}

# 1. Regenerate the template.
if xgettext "${xgettext_args[@]}" -D . -f "$potfiles" -o "$pot" >"$work/xgettext.log" 2>&1 \
   && [ -s "$pot" ]; then
  ok "xgettext regenerates the template from $potfiles ($(grep -c '^msgid ' "$pot") entries with the header)"
  diag "$work/xgettext.log"
else
  not_ok "xgettext regenerates the template from $potfiles"
  diag "$work/xgettext.log"
  # Without a template the other checks cannot run.
  : >"$pot"
fi

# 2. Files with translatable strings that POTFILES.in does not list: their
# strings would never reach the translators.
listed=$work/listed
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$potfiles" | sed 's/[[:space:]]*$//' | sort -u >"$listed"
candidates=$work/candidates
{
  find src -type f \( -name '*.c' -o -name '*.h' \) -print0 2>/dev/null |
    xargs -0 -r grep -lE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_)[[:space:]]*\([[:space:]]*"|g_d?n?gettext[[:space:]]*\([^;]*"|g_dpgettext2?[[:space:]]*\([^;]*"'
  find src data -type f \( -name '*.ui' -o -name '*.ui.in' -o -name '*.policy' -o -name '*.policy.in' \
                             -o -name '*.gschema.xml' -o -name '*.metainfo.xml.in' \) -print0 2>/dev/null |
    xargs -0 -r grep -lE 'translatable="yes"|<(description|message|summary)>'
  find data -type f -name '*.desktop.in' -print0 2>/dev/null |
    xargs -0 -r grep -lE '^(Name|GenericName|Comment|Keywords)='
} | sed 's|^\./||' | sort -u >"$candidates"
unlisted=$(comm -23 "$candidates" "$listed")
if [ -z "$unlisted" ]; then
  ok "every source file with translatable strings is listed in $potfiles"
else
  not_ok "every source file with translatable strings is listed in $potfiles"
  echo "Not listed in $potfiles:" | diag
  printf '%s\n' "$unlisted" | sed 's/^/  /' | diag
fi

# 3. Every msgid of the template has an entry in the translation. Untranslated
# and fuzzy entries count as present here (check 4 reports them): this check
# fails only on a msgid the translation does not have at all.
if [ ! -f "$pofile" ] || [ ! -s "$pot" ]; then
  not_ok "$pofile has every msgid of the sources"
  echo "no $pofile, or no template to compare it with" | diag
elif msgcmp --use-untranslated --use-fuzzy "$pofile" "$pot" >"$work/msgcmp.log" 2>&1; then
  ok "$pofile has every msgid of the sources"
else
  not_ok "$pofile has every msgid of the sources"
  missing=$(sed -n 's|^.*messagerie\.pot:\([0-9][0-9]*\): this message is used but not defined.*$|\1|p' "$work/msgcmp.log")
  if [ -n "$missing" ]; then
    echo "Missing from $pofile (run 'ninja -C BUILDDIR messagerie-update-po', then translate):" | diag
    # shellcheck disable=SC2086
    show_entries "$pot" $missing | diag
  fi
  grep -v 'this message is used but not defined' "$work/msgcmp.log" | diag
fi

# 4. msgfmt --check --statistics: syntax, header, format strings, and no
# untranslated or fuzzy string.
if [ ! -f "$pofile" ]; then
  not_ok "$pofile is complete: no untranslated, no fuzzy string"
elif msgfmt --check --statistics -o /dev/null "$pofile" >"$work/msgfmt.log" 2>&1 \
     && ! grep -qE 'untranslated|fuzzy' "$work/msgfmt.log"; then
  ok "$pofile is complete: $(tail -n 1 "$work/msgfmt.log")"
else
  not_ok "$pofile is complete: no untranslated, no fuzzy string"
  diag "$work/msgfmt.log"
  if grep -qE 'untranslated|fuzzy' "$work/msgfmt.log"; then
    echo "Untranslated or fuzzy entries:" | diag
    { msgattrib --only-fuzzy --no-obsolete "$pofile"
      msgattrib --untranslated --no-obsolete "$pofile"
    } 2>/dev/null | grep -E '^(#:|msgctxt|msgid)' | grep -v '^msgid ""$' | diag
  fi
fi

# 5. The translations against the format flags of the sources.
if [ -f "$pofile" ] && [ -s "$pot" ] \
   && msgmerge --quiet --no-fuzzy-matching -o "$work/merged.po" "$pofile" "$pot" >"$work/msgmerge.log" 2>&1 \
   && msgfmt --check -o /dev/null "$work/merged.po" >>"$work/msgmerge.log" 2>&1; then
  ok "$pofile keeps the format directives of the sources"
else
  not_ok "$pofile keeps the format directives of the sources"
  diag "$work/msgmerge.log"
  bad=$(sed -n 's|^.*merged\.po:\([0-9][0-9]*\):.*$|\1|p' "$work/msgmerge.log" | sort -un)
  # shellcheck disable=SC2086
  [ -z "$bad" ] || show_entries "$work/merged.po" $bad | diag
fi

# 6. French typography.
if [ -f "$pofile" ] && /usr/bin/python3 "$tests/check-typography.py" "$pofile" >"$work/typography.log" 2>&1; then
  ok "$pofile follows French typography (’, narrow no-break spaces, « 8 h 51 »)"
else
  not_ok "$pofile follows French typography (’, narrow no-break spaces, « 8 h 51 »)"
  diag "$work/typography.log"
fi

[ "$failed" -eq 0 ]
