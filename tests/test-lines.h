/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Line-wise looks at rendered configuration files, shared by the tests. */

#include <glib.h>

/* How many lines of @text are exactly @line (@prefix: start with it). */
static inline guint
test_count_lines (const char *text,
                  const char *line,
                  gboolean    prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i]; i++)
    if (prefix ? g_str_has_prefix (lines[i], line) : g_str_equal (lines[i], line))
      count++;
  return count;
}

#define assert_has_line(text, line) \
  G_STMT_START { \
    if (test_count_lines ((text), (line), FALSE) == 0) \
      g_error ("line “%s” not found in:\n%s", (line), (text)); \
  } G_STMT_END

#define assert_no_line(text, line) \
  G_STMT_START { \
    if (test_count_lines ((text), (line), FALSE) != 0) \
      g_error ("line “%s” unexpectedly found in:\n%s", (line), (text)); \
  } G_STMT_END
