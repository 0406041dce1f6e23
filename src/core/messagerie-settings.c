/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-secret.h"
#include "messagerie-settings.h"

struct _MessagerieSettings
{
  GObject     parent_instance;

  /* The file as read, comments and unknown keys included. */
  GKeyFile   *keyfile;
  /* Values given by the file or set since: key name → string. */
  GHashTable *values;
  /* Fallbacks computed on demand, dropped on every change. */
  GHashTable *computed;

  char       *password;
  char       *host_name;
  char       *fqdn;
};

G_DEFINE_FINAL_TYPE (MessagerieSettings, messagerie_settings, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (messagerie-settings-error-quark, messagerie_settings_error)

static const char *const mail_server_choices[] = { "none", "pop", "imap", "pop-imap", NULL };
static const char *const relay_tls_choices[] = { "no", "port-25", "port-465", "port-587", "custom", NULL };

static const MessagerieKey keys[] = {
  { "general", "machine_name", MESSAGERIE_KEY_STRING, NULL, NULL },
  { "general", "dns_domain", MESSAGERIE_KEY_STRING, NULL, NULL },
  { "general", "containers", MESSAGERIE_KEY_LIST, "", NULL },
  { "general", "module", MESSAGERIE_KEY_STRING, "other", NULL },
  { "general", "webmail", MESSAGERIE_KEY_STRING, "none", NULL },
  { "general", "apache_upload_max_mb", MESSAGERIE_KEY_STRING, "", NULL },
  { "messagerie", "antispam", MESSAGERIE_KEY_BOOLEAN, "true", NULL },
  { "messagerie", "spam_flag_score", MESSAGERIE_KEY_STRING, "5.0", NULL },
  { "messagerie", "spam_reject_score", MESSAGERIE_KEY_STRING, "12.0", NULL },
  { "messagerie", "mail_server", MESSAGERIE_KEY_ENUM, "imap", mail_server_choices },
  { "messagerie", "mailing_lists", MESSAGERIE_KEY_BOOLEAN, "false", NULL },
  { "messagerie", "mail_domain", MESSAGERIE_KEY_STRING, NULL, NULL },
  { "messagerie", "root_sender", MESSAGERIE_KEY_STRING, "", NULL },
  { "messagerie", "root_sender_name", MESSAGERIE_KEY_STRING, "", NULL },
  { "messagerie", "root_recipient", MESSAGERIE_KEY_STRING, "", NULL },
  { "messagerie", "max_message_size_mb", MESSAGERIE_KEY_INTEGER, "10", NULL },
  { "messagerie", "mailbox_quota_mb", MESSAGERIE_KEY_INTEGER, "20", NULL },
  { "messagerie", "rewrite_headers", MESSAGERIE_KEY_BOOLEAN, "false", NULL },
  { "messagerie", "relay_enabled", MESSAGERIE_KEY_BOOLEAN, "true", NULL },
  { "messagerie", "relay_host", MESSAGERIE_KEY_STRING, "", NULL },
  { "messagerie", "relay_tls", MESSAGERIE_KEY_ENUM, "no", relay_tls_choices },
  { "messagerie", "relay_port", MESSAGERIE_KEY_STRING, "", NULL },
  { "messagerie", "relay_custom_implicit_tls", MESSAGERIE_KEY_BOOLEAN, "false", NULL },
  { "messagerie", "relay_tls_verify", MESSAGERIE_KEY_BOOLEAN, "true", NULL },
  { "messagerie", "relay_auth", MESSAGERIE_KEY_BOOLEAN, "false", NULL },
  { "messagerie", "relay_user", MESSAGERIE_KEY_STRING, "", NULL },
};

const MessagerieKey *
messagerie_settings_keys (guint *n_keys)
{
  *n_keys = G_N_ELEMENTS (keys);
  return keys;
}

const MessagerieKey *
messagerie_settings_lookup_key (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_str_equal (keys[i].name, name))
      return &keys[i];
  return NULL;
}

gboolean
messagerie_parse_uint (const char *text,
                       guint64     max,
                       guint64    *value)
{
  guint64 result = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 20)
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      result = result * 10 + (guint64) (*p - '0');
      if (result > max)
        return FALSE;
    }

  if (value)
    *value = result;
  return TRUE;
}

/* A spam score as SpamAssassin writes it, 5 or 5.0 (one decimal at most),
 * in tenths as exim's $spam_score_int counts them. */
gboolean
messagerie_parse_score (const char *text,
                        guint       max_tenths,
                        guint      *tenths)
{
  const char *dot;
  guint64 whole;
  guint result;

  if (text == NULL)
    return FALSE;
  dot = strchr (text, '.');
  if (dot == NULL)
    {
      if (!messagerie_parse_uint (text, max_tenths / 10, &whole))
        return FALSE;
      result = (guint) whole * 10;
    }
  else
    {
      g_autofree char *integral = g_strndup (text, dot - text);

      if (!messagerie_parse_uint (integral, max_tenths / 10, &whole) ||
          !g_ascii_isdigit (dot[1]) || dot[2] != '\0')
        return FALSE;
      result = (guint) whole * 10 + (guint) (dot[1] - '0');
    }
  if (result > max_tenths)
    return FALSE;
  if (tenths)
    *tenths = result;
  return TRUE;
}

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
    if (is_control_char (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* The short name of the host, and its domain from /etc/hosts when the host
 * name itself has none: no DNS query, so loading never blocks. */
static void
read_system_names (char **host_name,
                   char **fqdn)
{
  const char *host = g_get_host_name ();
  g_autofree char *short_name = g_strndup (host, strcspn (host, "."));
  g_autofree char *hosts = NULL;

  *host_name = g_strdup (short_name);
  *fqdn = NULL;

  if (strchr (host, '.') != NULL)
    {
      *fqdn = g_strdup (host);
      return;
    }

  if (!g_file_get_contents ("/etc/hosts", &hosts, NULL, NULL))
    return;

  for (char *line = strtok (hosts, "\n"); line && !*fqdn; line = strtok (NULL, "\n"))
    {
      g_auto(GStrv) fields = NULL;
      gboolean has_host = FALSE;

      line[strcspn (line, "#")] = '\0';
      fields = g_strsplit_set (line, " \t", -1);
      for (guint i = 1; fields[i]; i++)
        if (g_ascii_strcasecmp (fields[i], short_name) == 0)
          has_host = TRUE;
      if (!has_host)
        continue;
      for (guint i = 1; fields[i] && !*fqdn; i++)
        if (g_ascii_strncasecmp (fields[i], short_name, strlen (short_name)) == 0 &&
            fields[i][strlen (short_name)] == '.')
          *fqdn = g_strdup (fields[i]);
    }
}

static void
messagerie_settings_finalize (GObject *object)
{
  MessagerieSettings *self = (MessagerieSettings *)object;

  g_clear_pointer (&self->keyfile, g_key_file_unref);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->computed, g_hash_table_unref);
  messagerie_settings_set_password (self, NULL);
  g_clear_pointer (&self->host_name, g_free);
  g_clear_pointer (&self->fqdn, g_free);

  G_OBJECT_CLASS (messagerie_settings_parent_class)->finalize (object);
}

static void
messagerie_settings_class_init (MessagerieSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = messagerie_settings_finalize;

  /**
   * MessagerieSettings::changed:
   * @key: the name of the key whose value changed
   *
   * Emitted with the key name as detail when a value changes, and with
   * the detail "*" when everything may have changed (a load).
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
messagerie_settings_init (MessagerieSettings *self)
{
  self->keyfile = g_key_file_new ();
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->computed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  read_system_names (&self->host_name, &self->fqdn);
}

MessagerieSettings *
messagerie_settings_new (void)
{
  return g_object_new (MESSAGERIE_TYPE_SETTINGS, NULL);
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

static void
emit_changed (MessagerieSettings *self,
              const char         *key)
{
  g_signal_emit (self, signals[CHANGED], g_quark_from_string (key), key);
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

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      char *value;

      if (!g_key_file_has_key (self->keyfile, keys[i].group, keys[i].name, NULL))
        continue;

      /* Every escape was checked above: GKeyFile decodes the value
       * whole, and a decoded control character is for the rules. */
      value = g_key_file_get_string (self->keyfile, keys[i].group, keys[i].name, NULL);
      g_hash_table_insert (self->values, g_strdup (keys[i].name), value);
    }

  emit_changed (self, "*");
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
  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), NULL);

  /* Every [messagerie] key is written, so the file says what is in force;
   * [general] belongs to another tab and only keeps what it had. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
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

MessagerieSettings *
messagerie_settings_copy (MessagerieSettings *self)
{
  g_autofree char *data = NULL;
  MessagerieSettings *copy;
  gsize length;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), NULL);

  data = g_key_file_to_data (self->keyfile, &length, NULL);
  copy = messagerie_settings_new ();
  messagerie_settings_set_system (copy, self->host_name, self->fqdn);
  messagerie_settings_load_data (copy, data, length, NULL);

  /* Values set since the load are not in the key file yet. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, self->values);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_replace (copy->values, g_strdup (key), g_strdup (value));
  }
  messagerie_settings_set_password (copy, self->password);

  return copy;
}

void
messagerie_settings_set_system (MessagerieSettings *self,
                                const char         *host_name,
                                const char         *fqdn)
{
  g_return_if_fail (MESSAGERIE_IS_SETTINGS (self));

  g_free (self->host_name);
  self->host_name = host_name ? g_strndup (host_name, strcspn (host_name, ".")) : g_strdup ("");
  g_free (self->fqdn);
  self->fqdn = g_strdup (fqdn);
  g_hash_table_remove_all (self->computed);
  emit_changed (self, "*");
}

static char *
messagerie_settings_default_mail_domain (MessagerieSettings *self)
{
  const char *machine = messagerie_settings_get (self, "machine_name");
  const char *domain = messagerie_settings_get (self, "dns_domain");

  g_autofree char *name = NULL;

  if (*domain == '\0')
    return g_ascii_strdown (machine, -1);

  name = g_strdup_printf ("i-%s.%s", machine, domain);
  return g_ascii_strdown (name, -1);
}

static char *
compute_fallback (MessagerieSettings  *self,
                  const MessagerieKey *key)
{
  if (key->fallback != NULL)
    return g_strdup (key->fallback);

  if (g_str_equal (key->name, "machine_name"))
    return g_strdup (self->host_name ? self->host_name : "");

  if (g_str_equal (key->name, "dns_domain"))
    {
      const char *dot = self->fqdn ? strchr (self->fqdn, '.') : NULL;

      return g_strdup (dot ? dot + 1 : "");
    }

  if (g_str_equal (key->name, "mail_domain"))
    return messagerie_settings_default_mail_domain (self);

  g_return_val_if_reached (g_strdup (""));
}

const char *
messagerie_settings_get (MessagerieSettings *self,
                         const char         *key)
{
  const MessagerieKey *info;
  const char *value;
  char *fallback;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if ((value = g_hash_table_lookup (self->values, key)))
    return value;
  if ((value = g_hash_table_lookup (self->computed, key)))
    return value;

  info = messagerie_settings_lookup_key (key);
  g_return_val_if_fail (info != NULL, NULL);

  fallback = compute_fallback (self, info);
  g_hash_table_insert (self->computed, g_strdup (key), fallback);
  return fallback;
}

void
messagerie_settings_set (MessagerieSettings *self,
                         const char         *key,
                         const char         *value)
{
  g_return_if_fail (MESSAGERIE_IS_SETTINGS (self));
  g_return_if_fail (messagerie_settings_lookup_key (key) != NULL);
  g_return_if_fail (value != NULL);

  if (g_strcmp0 (messagerie_settings_get (self, key), value) == 0 &&
      g_hash_table_contains (self->values, key))
    return;

  g_hash_table_replace (self->values, g_strdup (key), g_strdup (value));
  /* Defaults depend on other keys (the mail domain on the machine name). */
  g_hash_table_remove_all (self->computed);
  emit_changed (self, key);
}

gboolean
messagerie_settings_get_boolean (MessagerieSettings *self,
                                 const char         *key)
{
  return g_strcmp0 (messagerie_settings_get (self, key), "true") == 0;
}

gboolean
messagerie_settings_get_uint (MessagerieSettings *self,
                              const char         *key,
                              guint64            *value)
{
  return messagerie_parse_uint (messagerie_settings_get (self, key), G_MAXUINT32, value);
}

char **
messagerie_settings_get_containers (MessagerieSettings *self)
{
  g_auto(GStrv) parts = g_strsplit (messagerie_settings_get (self, "containers"), ";", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i])
        g_strv_builder_add (builder, parts[i]);
    }

  return g_strv_builder_end (builder);
}

gboolean
messagerie_settings_has_mail_server (MessagerieSettings *self)
{
  const char *module = messagerie_settings_get (self, "module");

  return g_str_equal (module, "scribe") || g_str_equal (module, "amonecole");
}

/* Whether the value of @key takes effect given the others: the rows of the
 * keys not in use are hidden, their values are neither judged by the rules
 * nor written to exim's files. "password" is the relay password. */
gboolean
messagerie_settings_in_use (MessagerieSettings *self,
                            const char         *key)
{
  gboolean relay = messagerie_settings_get_boolean (self, "relay_enabled");
  const char *tls = messagerie_settings_get (self, "relay_tls");

  if (g_str_equal (key, "antispam") || g_str_equal (key, "mail_server") ||
      g_str_equal (key, "mailing_lists") || g_str_equal (key, "mailbox_quota_mb"))
    return messagerie_settings_has_mail_server (self);

  if (g_str_has_prefix (key, "spam_"))
    return messagerie_settings_has_mail_server (self) &&
           messagerie_settings_get_boolean (self, "antispam");

  if (g_str_equal (key, "relay_port") || g_str_equal (key, "relay_custom_implicit_tls"))
    return relay && g_str_equal (tls, "custom");

  if (g_str_equal (key, "relay_tls_verify"))
    return relay && !g_str_equal (tls, "no");

  if (g_str_equal (key, "relay_user") || g_str_equal (key, "password"))
    return relay && messagerie_settings_get_boolean (self, "relay_auth");

  if (g_str_has_prefix (key, "relay_") && !g_str_equal (key, "relay_enabled"))
    return relay;

  return TRUE;
}

/* This server's full name, <machine_name>.<dns_domain>, or the machine name
 * alone without a DNS domain: the name exim introduces itself with and
 * puts in the headers of its messages. */
char *
messagerie_settings_dup_server_name (MessagerieSettings *self)
{
  const char *machine = messagerie_settings_get (self, "machine_name");
  const char *dns = messagerie_settings_get (self, "dns_domain");

  if (*machine == '\0' || *dns == '\0')
    return g_strdup (machine);
  return g_strdup_printf ("%s.%s", machine, dns);
}

/* Whether the mail domain is the server's name: when it is not, rewriting
 * the headers may be needed to keep them consistent with the envelope
 * (the seed's second « Attention »). */
gboolean
messagerie_settings_domain_is_host_name (MessagerieSettings *self)
{
  g_autofree char *host = messagerie_settings_dup_server_name (self);

  return g_ascii_strcasecmp (messagerie_settings_get (self, "mail_domain"), host) == 0;
}

gboolean
messagerie_settings_equal (MessagerieSettings *self,
                           MessagerieSettings *other)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!g_str_equal (messagerie_settings_get (self, keys[i].name),
                      messagerie_settings_get (other, keys[i].name)))
      return FALSE;

  return g_strcmp0 (self->password, other->password) == 0;
}

void
messagerie_settings_normalize (MessagerieSettings *self)
{
  g_autofree char *domain = g_ascii_strdown (messagerie_settings_get (self, "mail_domain"), -1);

  messagerie_settings_set (self, "mail_domain", domain);
}

const char *
messagerie_settings_get_password (MessagerieSettings *self)
{
  return self->password;
}

void
messagerie_settings_set_password (MessagerieSettings *self,
                                  const char         *password)
{
  messagerie_secret_free (self->password);
  self->password = g_strdup (password);
}

/* The gateway and login a password belongs to: TRUE when mail goes through
 * a gateway that wants a login, and both are filled in. @host and @user
 * (either may be NULL) point into the settings, valid until they change;
 * NULL on FALSE. */
gboolean
messagerie_settings_get_relay_login (MessagerieSettings  *self,
                                     const char         **host,
                                     const char         **user)
{
  const char *relay_host = NULL;
  const char *relay_user = NULL;
  gboolean login;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), FALSE);

  if (messagerie_settings_get_boolean (self, "relay_enabled") &&
      messagerie_settings_get_boolean (self, "relay_auth"))
    {
      relay_host = messagerie_settings_get (self, "relay_host");
      relay_user = messagerie_settings_get (self, "relay_user");
    }
  login = relay_host != NULL && *relay_host != '\0' && *relay_user != '\0';

  if (host != NULL)
    *host = login ? relay_host : NULL;
  if (user != NULL)
    *user = login ? relay_user : NULL;
  return login;
}

/* The gateway's port as exim is told it (messagerie-render.c) and the
 * connection test uses it: the port of the TLS choice, or relay_port as it
 * is for a custom one. */
const char *
messagerie_settings_get_relay_port (MessagerieSettings *self)
{
  const char *tls = messagerie_settings_get (self, "relay_tls");

  if (g_str_equal (tls, "custom"))
    return messagerie_settings_get (self, "relay_port");
  if (g_str_equal (tls, "port-465"))
    return "465";
  if (g_str_equal (tls, "port-587"))
    return "587";
  return "25";
}

/* Whether TLS starts with the connection (SMTPS) rather than through
 * STARTTLS: port 465, or a custom port with its switch on. */
gboolean
messagerie_settings_get_relay_implicit_tls (MessagerieSettings *self)
{
  const char *tls = messagerie_settings_get (self, "relay_tls");

  return g_str_equal (tls, "port-465") ||
         (g_str_equal (tls, "custom") &&
          messagerie_settings_get_boolean (self, "relay_custom_implicit_tls"));
}
