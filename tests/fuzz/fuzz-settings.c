/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target: a settings file as the helper reads it on standard
 * input, then what apply does with it before touching a file: the rules,
 * and the rendering over an empty system (every file missing, or
 * Dovecot's and Sympa's folders and a template). A crash,
 * a sanitizer report, or a GLib warning or critical (made fatal) is a
 * finding. */

#include <stdint.h>
#include <string.h>

#include "messagerie-core.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A GError set twice, a g_return_if_fail: bugs, not noise. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
render (MessagerieSettings *settings,
        gboolean            dovecot)
{
  g_autoptr(GHashTable) existing = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  /* Dovecot and Sympa installed or not: no file, only their folders and
   * the lines of Debian's template Messagerie's blocks go by, so that the
   * values reach the routes written there. */
  if (dovecot)
    {
      g_hash_table_insert (existing, (gpointer) MESSAGERIE_PATH_DOVECOT_DIR, (gpointer) "");
      g_hash_table_insert (existing, (gpointer) MESSAGERIE_PATH_SYMPA_DIR, (gpointer) "");
      g_hash_table_insert (existing, (gpointer) MESSAGERIE_PATH_TEMPLATE,
                           (gpointer) "begin routers\nreal_local:\n  driver = accept\n"
                                      "begin transports\nmail_spool:\n  driver = appendfile\n");
    }
  files = messagerie_render (settings, existing, &error);
  if (files == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);

  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);
      g_autofree char *shown = messagerie_render_masked (file);

      g_assert_true (file->contents == NULL || g_utf8_validate (file->contents, -1, NULL));
      g_assert_true (shown != NULL || file->contents == NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(MessagerieSettings) again = NULL;

  /* Fixed, so that a case replays the same on every machine. */
  messagerie_settings_set_system (settings, "scribe", "scribe.monetab.lan");

  if (!messagerie_settings_load_data (settings, (const char *) data, size, &error))
    {
      g_assert_nonnull (error);
      return 0;
    }

  findings = messagerie_validate (settings);
  render (settings, size % 2 == 1);

  /* A password, for the passwd.client the rendering refused without. */
  if (messagerie_settings_get_password (settings) == NULL)
    {
      messagerie_settings_set_password (settings, "fuzz-password");
      render (settings, size % 2 == 0);
    }

  /* What the application sends the helper reads back the same. */
  input = messagerie_settings_to_input (settings);
  again = messagerie_settings_new ();
  messagerie_settings_set_system (again, "scribe", "scribe.monetab.lan");
  if (!messagerie_findings_have_error (findings))
    {
      g_assert_true (messagerie_settings_load_data (again, g_bytes_get_data (input, NULL),
                                                    g_bytes_get_size (input), NULL));
      g_assert_true (messagerie_settings_equal (settings, again));
    }

  return 0;
}
