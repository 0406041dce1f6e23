/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The lines the helper's verbs print for the application
 * (doc/helper-protocol.md). */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "messagerie-protocol.h"

/* A field never carries a TAB, a newline or another control character:
 * the reader splits on them. Flushed at once, so the application shows
 * each step as it starts. */
void
messagerie_protocol_emit (const char *first,
                          ...)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *field;
  va_list args;

  va_start (args, first);
  for (field = first; field != NULL; field = va_arg (args, const char *))
    {
      if (line->len > 0)
        g_string_append_c (line, '\t');
      for (const char *p = field; *p; p++)
        g_string_append_c (line, ((guchar) *p < 0x20 || *p == 0x7f) ? ' ' : *p);
    }
  va_end (args);

  g_string_append_c (line, '\n');
  fwrite (line->str, 1, line->len, stdout);
  fflush (stdout);
}

static char *test_stop;

void
messagerie_protocol_set_test_stop (const char *point)
{
  g_free (test_stop);
  test_stop = g_strdup (point);
}

void
messagerie_protocol_test_point (const char *point)
{
  if (test_stop != NULL && g_str_equal (point, test_stop))
    {
      fflush (stdout);
      raise (SIGSTOP);
    }
}

void
messagerie_protocol_step (const char *id,
                          const char *message)
{
  g_autofree char *point = g_strconcat ("step:", id, NULL);

  messagerie_protocol_emit ("step", id, message, NULL);
  messagerie_protocol_test_point (point);
}

void
messagerie_protocol_finding (const MessagerieFinding *finding)
{
  messagerie_protocol_emit (messagerie_severity_to_string (finding->severity),
                            finding->key, finding->rule, finding->message, NULL);
}

void
messagerie_protocol_print_error (const char *message)
{
  g_autofree char *one_line = g_strdup (message);

  g_strdelimit (one_line, "\r\n", ' ');
  fprintf (stderr, _("Error: %s\n"), one_line);
}

int
messagerie_protocol_result_code (const char *code,
                                 int         exit_code,
                                 const char *message)
{
  messagerie_protocol_emit ("result", code, message, NULL);

  /* Someone running the helper by hand reads standard error, like for the
   * other verbs. */
  if (exit_code != MESSAGERIE_EXIT_OK)
    messagerie_protocol_print_error (message);

  return exit_code;
}

int
messagerie_protocol_result (MessagerieResult  result,
                            const char       *message)
{
  static const struct {
    const char *name;
    int         code;
  } results[] = {
    [MESSAGERIE_RESULT_OK]        = { "ok",        MESSAGERIE_EXIT_OK },
    [MESSAGERIE_RESULT_UNCHANGED] = { "unchanged", MESSAGERIE_EXIT_OK },
    [MESSAGERIE_RESULT_INVALID]   = { "invalid",   MESSAGERIE_EXIT_INVALID },
    [MESSAGERIE_RESULT_USAGE]     = { "usage",     MESSAGERIE_EXIT_USAGE },
    [MESSAGERIE_RESULT_INPUT]     = { "input",     MESSAGERIE_EXIT_BAD_INPUT },
    [MESSAGERIE_RESULT_REFUSED]   = { "refused",   MESSAGERIE_EXIT_REFUSED },
    [MESSAGERIE_RESULT_FAILED]    = { "failed",    MESSAGERIE_EXIT_FAILED },
    [MESSAGERIE_RESULT_BUSY]      = { "busy",      MESSAGERIE_EXIT_BUSY },
  };

  return messagerie_protocol_result_code (results[result].name, results[result].code, message);
}

void
messagerie_protocol_notice (const char *key,
                            const char *message)
{
  messagerie_protocol_emit ("warning", key ? key : "-", "-", message, NULL);
}

void
messagerie_protocol_failed (const char *step,
                            const char *key,
                            const char *message)
{
  messagerie_protocol_emit ("failed", step, key ? key : "-", message, NULL);
}

void
messagerie_protocol_restored (const char *path)
{
  messagerie_protocol_emit ("restored", path, NULL);
}

int
messagerie_protocol_fail_step (const char *step,
                               const char *key,
                               const char *message)
{
  messagerie_protocol_failed (step, key, message);
  return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, message);
}
