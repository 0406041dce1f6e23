/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The settings file: what it may hold (size, text, no password outside
 * [secret], escapes GKeyFile decodes), reading it into the model, and
 * writing it back, or as the helper's standard input. */

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-core-private.h"
#include "messagerie-secret.h"
#include "messagerie-settings-private.h"

/* C0, DEL and C1, and the Unicode line and paragraph separators, which
 * some readers take for line breaks. */
static gboolean
is_control_char (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029;
}

gboolean
messagerie_has_control_char (const char *text)
{
  if (text == NULL)
    return FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      guchar c = (guchar) *p;

      /* ASCII, nearly every character, without decoding it (the rules run
       * on each keystroke): its control characters are C0 and DEL. */
      if (c < 0x80)
        {
          if (c < 0x20 || c == 0x7f)
            return TRUE;
        }
      else if (is_control_char (g_utf8_get_char (p)))
        return TRUE;
    }
  return FALSE;
}

MessagerieSettings *
messagerie_settings_new_from_data (const char  *data,
                                   gsize        length,
                                   GError     **error)
{
  g_autoptr(MessagerieSettings) self = messagerie_settings_new ();

  if (!messagerie_settings_load_data (self, data, length, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Whether a group or key name looks like it holds a password. The settings
 * file is world-readable (0644): a password put there by mistake, in any
 * spelling, must be refused rather than kept with the unknown keys. Any
 * name containing "pass" (password, passwd, relay_pass, mot_de_passe),
 * "pwd" or "secret", ignoring case, or with "mdp" or "pw" as a word. A
 * harmless name caught by it (bypass_…) only has to be renamed. */
gboolean
messagerie_settings_name_is_secret (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_auto(GStrv) words = NULL;

  if (strstr (lower, "pass") != NULL || strstr (lower, "pwd") != NULL ||
      strstr (lower, "secret") != NULL)
    return TRUE;

  words = g_strsplit_set (lower, "_-. [];@", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_equal (words[i], "mdp") || g_str_equal (words[i], "pw"))
      return TRUE;
  return FALSE;
}

static gboolean
is_known_key (const char *group,
              const char *name)
{
  const MessagerieKey *key = messagerie_settings_lookup_key (name);

  return (key != NULL && g_str_equal (key->group, group)) ||
         (g_str_equal (group, "secret") && g_str_equal (name, "password"));
}

/* Whether GKeyFile decodes @raw cleanly: its escapes are \s \n \t \r and
 * \\, and anything else (a backslash at the end, \q) makes it return a
 * partly decoded string; GLib 2.74 even sets its GError twice on "x\q\". */
static gboolean
has_valid_escapes (const char *raw)
{
  for (const char *p = raw; *p; p++)
    {
      if (*p != '\\')
        continue;
      p++;
      if (*p == '\0' || strchr ("sntr\\", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Control characters in what the rules never see: comments, group names,
 * unknown keys (kept and written back as they are). Known keys are left to
 * the rules, which name the row at fault. A tab, and the carriage return
 * of a CRLF line end, are GKeyFile's whitespace. */
static gboolean
check_raw_lines (const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autoptr(MessagerieSecretText) text = g_strndup (data, length);
  g_autoptr(MessagerieSecretLines) lines = g_strsplit (text, "\n", -1);
  g_autofree char *group = g_strdup ("");

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gsize len;
      g_autofree char *key = NULL;
      gboolean control = FALSE;

      while (*line == ' ' || *line == '\t')
        line++;
      len = strlen (line);
      if (len > 0 && line[len - 1] == '\r')
        len--;

      for (const char *p = line; p < line + len; p = g_utf8_next_char (p))
        if (*p != '\t' && is_control_char (g_utf8_get_char (p)))
          control = TRUE;

      if (*line == '[')
        {
          const char *end = strchr (line, ']');

          g_free (group);
          group = g_strndup (line + 1, end ? (gsize) (end - line - 1) : len - 1);
        }
      else if (*line != '#' && *line != '\0' && strchr (line, '=') != NULL)
        {
          key = g_strstrip (g_strndup (line, strchr (line, '=') - line));
          if (is_known_key (group, key))
            continue;
          /* Here as well as in check_keyfile: GKeyFile drops the
           * translations (password[fr]) of other locales from its keys,
           * and keeps them in the file it writes when the locale is. */
          if (!g_str_equal (group, "secret") && messagerie_settings_name_is_secret (key))
            {
              g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_SECRET,
                           _("The setting “%s” in [%s] looks like a password: a password is sent "
                             "only as “password” in the group [secret], and is never written to "
                             "the settings file."), key, group);
              return FALSE;
            }
        }

      if (!control)
        continue;

      if (key != NULL && !messagerie_has_control_char (key))
        g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_CONTROL,
                     _("The setting “%s” in [%s] contains a control character."), key, group);
      else
        g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_CONTROL,
                     _("Line %u of the settings contains a control character."), i + 1);
      return FALSE;
    }

  return TRUE;
}

/* @data without the earlier lines of a known key given more than once in
 * its group (a group may also appear twice): GKeyFile returns the last
 * value but writes every line back, so the value validated would not be
 * the only one written. The last wins, as GKeyFile reads it, and it is
 * then the only line. Unknown keys are kept as they are. */
static MessagerieSecretText *
drop_repeated_keys (const char *data,
                    gsize       length)
{
  g_autoptr(MessagerieSecretText) text = g_strndup (data, length);
  g_autoptr(MessagerieSecretLines) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char **ids = g_new0 (char *, g_strv_length (lines) + 1);
  g_autofree char *group = g_strdup ("");
  /* Sized for all of @data: it never grows, so it leaves no copy behind
   * in memory it frees. */
  GString *out = g_string_sized_new (length);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; lines[i] != NULL; i++)
      {
        const char *line = lines[i];

        if (pass == 0)
          {
            while (*line == ' ' || *line == '\t')
              line++;
            if (*line == '[')
              {
                const char *end = strchr (line, ']');

                g_free (group);
                group = end ? g_strndup (line + 1, end - line - 1) : g_strdup (line + 1);
              }
            else if (*line != '#' && strchr (line, '=') != NULL)
              {
                g_autofree char *key = g_strstrip (g_strndup (line, strchr (line, '=') - line));

                if (is_known_key (group, key))
                  {
                    ids[i] = g_strdup_printf ("%s\n%s", group, key);
                    g_hash_table_insert (last, g_strdup (ids[i]), GUINT_TO_POINTER (i));
                  }
              }
            continue;
          }

        if (ids[i] == NULL || GPOINTER_TO_UINT (g_hash_table_lookup (last, ids[i])) == i)
          {
            if (i > 0)
              g_string_append_c (out, '\n');
            g_string_append (out, lines[i]);
          }
        g_free (ids[i]);
      }

  return g_string_free (out, FALSE);
}

/* What GKeyFile accepts but Messagerie must not: misplaced passwords and
 * escapes it cannot decode. */
static gboolean
check_keyfile (GKeyFile  *keyfile,
               GError   **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      const char *group = groups[g];
      gboolean secret = g_str_equal (group, "secret");
      g_auto(GStrv) names = g_key_file_get_keys (keyfile, group, NULL, NULL);

      if (!secret && messagerie_settings_name_is_secret (group))
        {
          g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_SECRET,
                       _("The group [%s] looks like it holds a password: a password is sent "
                         "only as “password” in the group [secret], and is never written to the "
                         "settings file."), group);
          return FALSE;
        }

      for (guint k = 0; names != NULL && names[k] != NULL; k++)
        {
          const char *name = names[k];

          if (secret ? !g_str_equal (name, "password") : messagerie_settings_name_is_secret (name))
            {
              g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_SECRET,
                           _("The setting “%s” in [%s] looks like a password: a password is sent "
                             "only as “password” in the group [secret], and is never written to "
                             "the settings file."), name, group);
              return FALSE;
            }

          if (is_known_key (group, name))
            {
              g_autoptr(MessagerieSecretText) raw = g_key_file_get_value (keyfile, group, name, NULL);

              if (raw != NULL && !has_valid_escapes (raw))
                {
                  g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_ESCAPE,
                               _("The setting “%s” has a backslash that is not a valid escape: "
                                 "write \\\\ for a backslash, \\s, \\n, \\t or \\r for a space, "
                                 "a line break, a tab or a carriage return."), name);
                  return FALSE;
                }
            }
        }
    }

  return TRUE;
}

gboolean
messagerie_settings_load_data (MessagerieSettings  *self,
                               const char          *data,
                               gsize                length,
                               GError             **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MessagerieSecretText) password = NULL;
  g_autoptr(MessagerieSecretText) deduplicated = NULL;
  const MessagerieKey *keys;
  guint n_keys;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length > MESSAGERIE_SETTINGS_MAX_INPUT)
    {
      g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_TOO_LARGE,
                   _("The settings are larger than %d KiB."),
                   MESSAGERIE_SETTINGS_MAX_INPUT / 1024);
      return FALSE;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_NUL,
                           _("The settings contain a NUL byte."));
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_NOT_UTF8,
                           _("The settings are not valid UTF-8 text."));
      return FALSE;
    }
  deduplicated = drop_repeated_keys (data, length);
  if (!g_key_file_load_from_data (keyfile, deduplicated, -1,
                                  G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_PARSE,
                   _("The settings are not a valid key file: %s"), local_error->message);
      return FALSE;
    }
  if (!check_keyfile (keyfile, error) || !check_raw_lines (data, length, error))
    return FALSE;

  /* The password only ever travels on standard input: keep it out of the
   * key file so that no save can write it. Its escapes are valid, checked
   * above: GKeyFile decodes it whole. */
  password = g_key_file_get_string (keyfile, "secret", "password", NULL);
  if (password != NULL)
    messagerie_settings_set_password (self, password);
  g_key_file_remove_group (keyfile, "secret", NULL);

  g_key_file_unref (self->keyfile);
  self->keyfile = g_steal_pointer (&keyfile);
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->computed);

  keys = messagerie_settings_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      char *value;

      if (!g_key_file_has_key (self->keyfile, keys[i].group, keys[i].name, NULL))
        continue;

      /* Every escape was checked above: GKeyFile decodes the value
       * whole, and a decoded control character is for the rules. */
      value = g_key_file_get_string (self->keyfile, keys[i].group, keys[i].name, NULL);
      g_hash_table_insert (self->values, g_strdup (keys[i].name), value);
    }

  messagerie_settings_emit_changed (self, "*");
  return TRUE;
}

gboolean
messagerie_settings_load_file (MessagerieSettings  *self,
                               const char          *path,
                               GError             **error)
{
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;

  return messagerie_settings_load_data (self, data, length, error);
}

char *
messagerie_settings_to_data (MessagerieSettings *self,
                             gsize              *length)
{
  const MessagerieKey *keys;
  guint n_keys;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), NULL);

  /* Every [messagerie] key is written, so the file says what is in force;
   * [general] belongs to another tab and only keeps what it had. */
  keys = messagerie_settings_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *value = g_hash_table_lookup (self->values, keys[i].name);

      if (value == NULL && g_str_equal (keys[i].group, "messagerie"))
        value = messagerie_settings_get (self, keys[i].name);
      if (value != NULL)
        g_key_file_set_string (self->keyfile, keys[i].group, keys[i].name, value);
    }

  return g_key_file_to_data (self->keyfile, length, NULL);
}

/* The settings as messagerie-helper reads them on standard input: the file,
 * and the password in a [secret] group only when there is one. The bytes
 * wipe themselves when freed. */
GBytes *
messagerie_settings_to_input (MessagerieSettings *self)
{
  g_autofree char *data = NULL;
  g_autoptr(GKeyFile) secret = NULL;
  char *group;
  char *input;
  gsize data_length;
  gsize group_length;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), NULL);

  data = messagerie_settings_to_data (self, &data_length);
  if (self->password == NULL)
    {
      char *text = g_steal_pointer (&data);

      return g_bytes_new_with_free_func (text, data_length,
                                         (GDestroyNotify) messagerie_secret_free, text);
    }

  /* GKeyFile escapes what a value cannot hold as it is (a line break,
   * leading spaces, a backslash), the way load_data unescapes it. Its own
   * copies are freed without being wiped: GKeyFile offers no way to. */
  secret = g_key_file_new ();
  g_key_file_set_string (secret, "secret", "password", self->password);
  group = g_key_file_to_data (secret, &group_length, NULL);

  /* One buffer of the final size: a growing string would leave copies of
   * the password behind in the memory it frees. */
  input = g_malloc (data_length + 1 + group_length + 1);
  memcpy (input, data, data_length);
  input[data_length] = '\n';
  memcpy (input + data_length + 1, group, group_length + 1);
  messagerie_secret_free (group);

  return g_bytes_new_with_free_func (input, data_length + 1 + group_length,
                                     (GDestroyNotify) messagerie_secret_free, input);
}

gboolean
messagerie_settings_save_file (MessagerieSettings  *self,
                               const char          *path,
                               GError             **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  gsize length;

  data = messagerie_settings_to_data (self, &length);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
