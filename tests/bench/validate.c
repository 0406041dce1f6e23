/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The benchmark's validation measure (build-aux/bench), in process over the
 * core:
 *
 *   bench-validate SETTINGS_FILE [ITERATIONS]
 *     messagerie_validate on the settings of SETTINGS_FILE, ITERATIONS
 *     times (default 200000): prints the µs of one call (CPU time, as
 *     everything this program prints).
 *   bench-validate --grow SETTINGS_FILE KIB [ITERATIONS]
 *     the settings file read from memory and validated, with the list
 *     "containers" grown so that the input is about KIB KiB (the core takes at most 64): prints the µs of one load and
 *     validation (the helper's `validate` does both on its input). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messagerie-core.h"

/* The CPU time of the process, in µs: the load of a shared machine moves
 * it far less than the wall time. */
static gint64
cpu_now (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static double
per_call_us (gint64 start,
             guint  iterations)
{
  return (double) (cpu_now () - start) / iterations;
}

static int
validate_only (const char *path,
               guint       iterations)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_autoptr(GError) error = NULL;
  guint findings = 0;
  gint64 start;

  if (!messagerie_settings_load_file (settings, path, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Warm: the first call sets up the rules' tables. */
  g_ptr_array_unref (messagerie_validate (settings));

  start = cpu_now ();
  for (guint i = 0; i < iterations; i++)
    {
      GPtrArray *result = messagerie_validate (settings);

      findings += result->len;
      g_ptr_array_unref (result);
    }
  printf ("%.3f\n", per_call_us (start, iterations));
  return findings == G_MAXUINT;
}

/* The file with its containers= line replaced by one of about @kib KiB. */
static char *
grown_input (const char *path,
             guint       kib)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &data, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "containers="))
        {
          gsize end;

          g_string_append (out, "containers=");
          end = out->len + (gsize) kib * 1024 - 1024;
          for (guint n = 0; out->len < end; n++)
            g_string_append_printf (out, "container%u;", n);
        }
      else
        g_string_append (out, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static int
grow (const char *path,
      guint       kib,
      guint       iterations)
{
  g_autofree char *input = grown_input (path, kib);
  gsize length = strlen (input);
  gint64 start;

  start = cpu_now ();
  for (guint i = 0; i < iterations; i++)
    {
      g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
      g_autoptr(GError) error = NULL;

      if (!messagerie_settings_load_data (settings, input, length, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_ptr_array_unref (messagerie_validate (settings));
    }
  printf ("%.3f %zu\n", per_call_us (start, iterations), length);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 4 && strcmp (argv[1], "--grow") == 0)
    return grow (argv[2], (guint) atoi (argv[3]), argc > 4 ? (guint) atoi (argv[4]) : 200);
  if (argc >= 2 && argv[1][0] != '-')
    return validate_only (argv[1], argc > 2 ? (guint) atoi (argv[2]) : 200000);

  g_printerr ("usage: bench-validate SETTINGS_FILE [ITERATIONS]\n"
              "       bench-validate --grow SETTINGS_FILE KIB [ITERATIONS]\n");
  return 2;
}
