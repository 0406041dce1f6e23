/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The settings model: the key table (type, default, when a key is in use,
 * the least mode that shows it), the values and their computed defaults,
 * the password, and the changed signal. The file is messagerie-settings-file.c. */

#include <string.h>

#include "messagerie-secret.h"
#include "messagerie-settings-private.h"

G_DEFINE_FINAL_TYPE (MessagerieSettings, messagerie_settings, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (messagerie-settings-error-quark, messagerie_settings_error)

static const char *const mail_server_choices[] = { "none", "pop", "imap", "pop-imap", NULL };
static const char *const relay_tls_choices[] = { "no", "port-25", "port-465", "port-587", "custom", NULL };

/* The rules of when a key is in use: the rows of the keys not in use are
 * hidden, their values neither judged by the rules nor written to exim's
 * files. */

static gboolean
in_use_with_mail_server (MessagerieSettings *self)
{
  return messagerie_settings_has_mail_server (self);
}

static gboolean
in_use_with_antispam (MessagerieSettings *self)
{
  return messagerie_settings_has_mail_server (self) &&
         messagerie_settings_get_boolean (self, "antispam");
}

static gboolean
in_use_with_relay (MessagerieSettings *self)
{
  return messagerie_settings_get_boolean (self, "relay_enabled");
}

static gboolean
relay_tls_is (MessagerieSettings *self,
              const char         *choice)
{
  return g_str_equal (messagerie_settings_get (self, "relay_tls"), choice);
}

static gboolean
in_use_with_tls (MessagerieSettings *self)
{
  return in_use_with_relay (self) && !relay_tls_is (self, "no");
}

static gboolean
in_use_with_custom_port (MessagerieSettings *self)
{
  return in_use_with_relay (self) && relay_tls_is (self, "custom");
}

static gboolean
in_use_with_login (MessagerieSettings *self)
{
  return in_use_with_relay (self) && messagerie_settings_get_boolean (self, "relay_auth");
}

#define BASIC  MESSAGERIE_MODE_BASIC
#define NORMAL MESSAGERIE_MODE_NORMAL
#define EXPERT MESSAGERIE_MODE_EXPERT

static const MessagerieKey keys[] = {
  { "general", "machine_name", MESSAGERIE_KEY_STRING, NULL, NULL, BASIC, NULL },
  { "general", "dns_domain", MESSAGERIE_KEY_STRING, NULL, NULL, BASIC, NULL },
  { "general", "containers", MESSAGERIE_KEY_LIST, "", NULL, BASIC, NULL },
  { "general", "module", MESSAGERIE_KEY_STRING, "other", NULL, BASIC, NULL },
  { "general", "webmail", MESSAGERIE_KEY_STRING, "none", NULL, BASIC, NULL },
  { "general", "apache_upload_max_mb", MESSAGERIE_KEY_STRING, "", NULL, BASIC, NULL },
  { "messagerie", "antispam", MESSAGERIE_KEY_BOOLEAN, "true", NULL, BASIC, in_use_with_mail_server },
  { "messagerie", "spam_flag_score", MESSAGERIE_KEY_STRING, "5.0", NULL, EXPERT, in_use_with_antispam },
  { "messagerie", "spam_reject_score", MESSAGERIE_KEY_STRING, "12.0", NULL, EXPERT, in_use_with_antispam },
  { "messagerie", "mail_server", MESSAGERIE_KEY_ENUM, "imap", mail_server_choices, BASIC, in_use_with_mail_server },
  { "messagerie", "mailing_lists", MESSAGERIE_KEY_BOOLEAN, "false", NULL, BASIC, in_use_with_mail_server },
  { "messagerie", "mail_domain", MESSAGERIE_KEY_STRING, NULL, NULL, BASIC, NULL },
  { "messagerie", "root_sender", MESSAGERIE_KEY_STRING, "", NULL, BASIC, NULL },
  { "messagerie", "root_sender_name", MESSAGERIE_KEY_STRING, "", NULL, NORMAL, NULL },
  { "messagerie", "root_recipient", MESSAGERIE_KEY_STRING, "", NULL, BASIC, NULL },
  { "messagerie", "max_message_size_mb", MESSAGERIE_KEY_INTEGER, "10", NULL, NORMAL, NULL },
  { "messagerie", "mailbox_quota_mb", MESSAGERIE_KEY_INTEGER, "20", NULL, BASIC, in_use_with_mail_server },
  { "messagerie", "rewrite_headers", MESSAGERIE_KEY_BOOLEAN, "false", NULL, EXPERT, NULL },
  { "messagerie", "relay_enabled", MESSAGERIE_KEY_BOOLEAN, "true", NULL, BASIC, NULL },
  { "messagerie", "relay_host", MESSAGERIE_KEY_STRING, "", NULL, BASIC, in_use_with_relay },
  { "messagerie", "relay_tls", MESSAGERIE_KEY_ENUM, "no", relay_tls_choices, BASIC, in_use_with_relay },
  { "messagerie", "relay_port", MESSAGERIE_KEY_STRING, "", NULL, BASIC, in_use_with_custom_port },
  { "messagerie", "relay_custom_implicit_tls", MESSAGERIE_KEY_BOOLEAN, "false", NULL, EXPERT, in_use_with_custom_port },
  { "messagerie", "relay_tls_verify", MESSAGERIE_KEY_BOOLEAN, "true", NULL, EXPERT, in_use_with_tls },
  { "messagerie", "relay_auth", MESSAGERIE_KEY_BOOLEAN, "false", NULL, BASIC, in_use_with_relay },
  { "messagerie", "relay_user", MESSAGERIE_KEY_STRING, "", NULL, BASIC, in_use_with_login },
};

/* The relay password: a row and a rule like a key's, but never in the
 * file, so not in keys[]. */
static const MessagerieKey password_key =
  { "secret", "password", MESSAGERIE_KEY_STRING, NULL, NULL, BASIC, in_use_with_login };

#undef BASIC
#undef NORMAL
#undef EXPERT

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

/* A key of the table, or the password. */
static const MessagerieKey *
lookup_row_key (const char *name)
{
  return g_str_equal (name, password_key.name) ? &password_key
                                                : messagerie_settings_lookup_key (name);
}

MessagerieMode
messagerie_settings_key_mode (const char *key)
{
  const MessagerieKey *info;

  g_return_val_if_fail (key != NULL, MESSAGERIE_MODE_BASIC);

  info = lookup_row_key (key);
  return info ? info->mode : MESSAGERIE_MODE_BASIC;
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

void
messagerie_settings_emit_changed (MessagerieSettings *self,
                                  const char         *key)
{
  g_signal_emit (self, signals[CHANGED], g_quark_from_string (key), key);
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
  messagerie_settings_emit_changed (self, "*");
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
  messagerie_settings_emit_changed (self, key);
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

/* Whether the value of @key takes effect given the others (the key
 * table's rule); "password" is the relay password, a key not in the table
 * always is. */
gboolean
messagerie_settings_in_use (MessagerieSettings *self,
                            const char         *key)
{
  const MessagerieKey *info;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  info = lookup_row_key (key);
  return info == NULL || info->in_use == NULL || info->in_use (self);
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
