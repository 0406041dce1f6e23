/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Settings to exim's files: messagerie_render() turns the settings and the
 * files as they are into their new contents, and masks passwd.client for
 * display. A pure function: nothing is read or written here. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-render.h"
#include "messagerie-render-private.h"
#include "messagerie-core-private.h"
#include "messagerie-render-acl.h"
#include "messagerie-render-services.h"
#include "messagerie-rules.h"
#include "messagerie-secret.h"

/* What Messagerie writes into a file shared with the administrator sits
 * between these two lines; everything outside them is kept as it was. */
#define BLOCK_BEGIN "# BEGIN Messagerie: written by the Messagerie application, edit it there"
#define BLOCK_END   "# END Messagerie"

/* A line of the administrator's that defines a macro or sets a main option
 * Messagerie now manages is commented out with this prefix rather than
 * deleted: exim refuses a macro defined twice and an option set twice, and
 * nothing written by hand is lost. */
#define DISABLED_PREFIX "# (replaced by Messagerie) "

G_DEFINE_QUARK (messagerie-render-error-quark, messagerie_render_error)

/* Header rewriting is Debian's own (HIDE_MAILNAME, from dc_hide_mailname),
 * which defines REMOTE_SMTP_HEADERS_REWRITE and REMOTE_SMTP_RETURN_PATH:
 * a definition of either in the macros file would make the generated
 * configuration invalid as soon as Debian's tools turn it on. */
static const char *const managed_macros[] = {
  "MESSAGE_SIZE_LIMIT",
  "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS",
  "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS",
  "REMOTE_SMTP_SMARTHOST_PROTOCOL",
  "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS",
  "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS",
  "REMOTE_SMTP_HEADERS_REWRITE",
  "REMOTE_SMTP_RETURN_PATH",
  "MAIN_ACL_CHECK_DATA",
  "qualify_recipient",
  "acl_not_smtp",
  NULL
};

static const char *const inputs[] = {
  MESSAGERIE_PATH_SETTINGS,
  MESSAGERIE_PATH_UPDATE_CONF,
  MESSAGERIE_PATH_LOCALMACROS,
  MESSAGERIE_PATH_SPLIT_MACROS,
  MESSAGERIE_PATH_PASSWD_CLIENT,
  MESSAGERIE_PATH_MAILNAME,
  MESSAGERIE_PATH_EMAIL_ADDRESSES,
  MESSAGERIE_PATH_ALIASES,
  MESSAGERIE_PATH_DOVECOT,
  MESSAGERIE_PATH_PASSWORD_INDEX,
  MESSAGERIE_PATH_TEMPLATE,
  MESSAGERIE_PATH_SPLIT_ROUTER,
  MESSAGERIE_PATH_SPLIT_TRANSPORT,
  MESSAGERIE_PATH_SYMPA_CONF,
  NULL
};

const char *const *
messagerie_render_inputs (void)
{
  return inputs;
}

void
messagerie_rendered_file_free (MessagerieRenderedFile *file)
{
  if (file == NULL)
    return;

  /* passwd.client carries the relay password. */
  messagerie_secret_free (file->contents);
  g_free (file->path);
  g_free (file->group);
  g_free (file);
}

/* The gateway and login passwd.client holds a password for (render_passwd_client
 * has refused to go on without one), for the application to read. */
static char *
render_password_index (MessagerieSettings *settings)
{
  GString *out = g_string_new ("# Written by Messagerie: the SMTP gateway and login for which\n"
                               "# " MESSAGERIE_PATH_PASSWD_CLIENT " holds a password (the password\n"
                               "# itself is only there). No secret is kept here.\n");
  const char *host;
  const char *user;

  if (messagerie_settings_get_relay_login (settings, &host, &user))
    {
      g_autoptr(GKeyFile) index = g_key_file_new ();
      g_autofree char *data = NULL;

      g_key_file_set_string (index, "relay-password", "host", host);
      g_key_file_set_string (index, "relay-password", "user", user);
      data = g_key_file_to_data (index, NULL, NULL);
      g_string_append (out, data);
    }

  return g_string_free (out, FALSE);
}

static void
add_file (GPtrArray  *files,
          const char *path,
          char       *contents,
          guint       mode,
          const char *group)
{
  MessagerieRenderedFile *file = g_new0 (MessagerieRenderedFile, 1);

  file->path = g_strdup (path);
  file->contents = contents;
  file->mode = mode;
  file->group = g_strdup (group);
  g_ptr_array_add (files, file);
}

char **
messagerie_render_split_lines (const char *contents)
{
  g_auto(GStrv) lines = NULL;
  guint n;

  if (contents == NULL || *contents == '\0')
    return g_new0 (char *, 1);

  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  if (n > 0 && *lines[n - 1] == '\0')
    g_clear_pointer (&lines[n - 1], g_free);

  return g_steal_pointer (&lines);
}

/* Removes the block Messagerie wrote before, if any. */
static GPtrArray *
lines_outside_block (const char *contents)
{
  g_auto(GStrv) lines = messagerie_render_split_lines (contents);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);
  gboolean inside = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "# BEGIN Messagerie"))
        inside = TRUE;
      else if (inside && g_str_has_prefix (lines[i], BLOCK_END))
        inside = FALSE;
      else if (!inside)
        g_ptr_array_add (kept, g_strdup (lines[i]));
    }

  return kept;
}

/* The part of a "key: value" or "key value" line before the separator, as
 * lsearch files (aliases, email-addresses, passwd.client) read it. */
static char *
lsearch_key (const char *line)
{
  const char *p = line;
  const char *end;

  if (*p == '"')
    {
      end = strchr (p + 1, '"');
      return end ? g_strndup (p + 1, end - p - 1) : NULL;
    }

  end = p + strcspn (p, ": \t");
  if (end == p)
    return NULL;
  return g_strndup (p, end - p);
}

/* @contents with every entry for @key (and the continuation lines under it)
 * replaced by one "key: value" line in the place of the first, or appended. */
static char *
replace_lsearch_entry (const char *contents,
                       const char *key,
                       const char *value)
{
  g_auto(GStrv) lines = messagerie_render_split_lines (contents);
  GString *out = g_string_new (NULL);
  gboolean written = FALSE;
  gboolean skipping = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      g_autofree char *line_key = NULL;

      if (skipping && (*line == ' ' || *line == '\t') && *line != '\0')
        continue;
      skipping = FALSE;

      if (*line != '#' && *line != ' ' && *line != '\t')
        line_key = lsearch_key (line);

      if (line_key != NULL && g_ascii_strcasecmp (line_key, key) == 0)
        {
          skipping = TRUE;
          if (written)
            continue;
          g_string_append_printf (out, "%s: %s\n", key, value);
          written = TRUE;
          continue;
        }

      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }

  if (!written)
    g_string_append_printf (out, "%s: %s\n", key, value);

  return g_string_free (out, FALSE);
}

char *
messagerie_render_debconf_value (const char *contents,
                                 const char *key)
{
  g_auto(GStrv) lines = messagerie_render_split_lines (contents);
  char *value = NULL;

  for (guint i = 0; lines[i]; i++)
    {
      const char *p = lines[i];
      gsize len;

      while (*p == ' ' || *p == '\t')
        p++;
      if (!g_str_has_prefix (p, key) || p[strlen (key)] != '=')
        continue;

      p += strlen (key) + 1;
      len = strlen (p);
      while (len > 0 && g_ascii_isspace (p[len - 1]))
        len--;
      if (len >= 2 && (p[0] == '\'' || p[0] == '"') && p[len - 1] == p[0])
        {
          p++;
          len -= 2;
        }
      g_free (value);
      value = g_strndup (p, len);
    }

  return value;
}

static char *
smarthost_value (MessagerieSettings *settings)
{
  const char *host = messagerie_settings_get (settings, "relay_host");
  const char *port = messagerie_settings_get_relay_port (settings);

  /* In exim's colon-separated lists a colon is doubled, and an IPv6
   * address needs brackets to be told from its port. */
  if (strchr (host, ':') != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (host, ":", -1);
      g_autofree char *doubled = g_strjoinv ("::", parts);

      return g_strdup_printf ("[%s]::%s", doubled, port);
    }

  return g_strdup_printf ("%s::%s", host, port);
}

static char *
render_update_conf (MessagerieSettings *settings,
                    const char         *existing)
{
  gboolean relay = messagerie_settings_get_boolean (settings, "relay_enabled");
  gboolean mail_server = messagerie_settings_has_mail_server (settings);
  const char *domain = messagerie_settings_get (settings, "mail_domain");
  g_autofree char *smarthost = relay ? smarthost_value (settings) : g_strdup ("");
  g_autoptr(GPtrArray) managed = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = NULL;
  g_autofree gboolean *done = NULL;
  GString *out = g_string_new (NULL);

  g_ptr_array_add (managed, g_strdup_printf ("dc_eximconfig_configtype='%s'",
                                             !relay ? "internet" :
                                             mail_server ? "smarthost" : "satellite"));
  g_ptr_array_add (managed, g_strdup_printf ("dc_smarthost='%s'", smarthost));
  if (mail_server)
    g_ptr_array_add (managed, g_strdup_printf ("dc_other_hostnames='%s'", domain));
  else
    {
      /* Without a mail server, the mail domain is served elsewhere: mail
       * for it goes there, not to local mailboxes. Debian puts the mail
       * name among the other destinations when it is installed, and an
       * earlier module with a mail server did too. */
      g_autofree char *others = messagerie_render_debconf_value (existing, "dc_other_hostnames");

      if (others != NULL)
        {
          g_auto(GStrv) names = g_strsplit (others, ":", -1);
          g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
          g_auto(GStrv) list = NULL;
          g_autofree char *joined = NULL;

          for (guint i = 0; names[i]; i++)
            if (g_ascii_strcasecmp (g_strstrip (names[i]), domain) != 0 && *names[i] != '\0')
              g_strv_builder_add (kept, names[i]);
          list = g_strv_builder_end (kept);
          joined = g_strjoinv (":", list);
          g_ptr_array_add (managed, g_strdup_printf ("dc_other_hostnames='%s'", joined));
        }
    }
  /* The domain local users' mail goes to on a satellite (Debian's hub_user
   * router: user@DCreadhost, never "user@"), and the one header rewriting
   * puts on local addresses: always the mail domain, as Debian's own
   * configuration script makes it. */
  g_ptr_array_add (managed, g_strdup_printf ("dc_readhost='%s'", domain));
  g_ptr_array_add (managed, g_strdup_printf ("dc_hide_mailname='%s'",
                                             messagerie_settings_get_boolean (settings, "rewrite_headers")
                                             ? "true" : "false"));

  if (existing == NULL)
    existing =
      "# /etc/exim4/update-exim4.conf.conf\n"
      "#\n"
      "# Written by Messagerie; see update-exim4.conf.conf(5).\n"
      "\n"
      "dc_local_interfaces='127.0.0.1 ; ::1'\n"
      "dc_relay_domains=''\n"
      "dc_minimaldns='false'\n"
      "dc_relay_nets=''\n"
      "CFILEMODE='644'\n"
      "dc_use_split_config='false'\n"
      "dc_mailname_in_oh='true'\n"
      "dc_localdelivery='mail_spool'\n";

  lines = messagerie_render_split_lines (existing);
  done = g_new0 (gboolean, managed->len);

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      gboolean replaced = FALSE;

      for (guint m = 0; m < managed->len; m++)
        {
          const char *assignment = g_ptr_array_index (managed, m);
          gsize key_len = strchr (assignment, '=') - assignment + 1;

          if (strncmp (line, assignment, key_len) == 0)
            {
              if (!done[m])
                {
                  g_string_append_printf (out, "%s\n", assignment);
                  done[m] = TRUE;
                }
              replaced = TRUE;
              break;
            }
        }

      if (!replaced)
        g_string_append_printf (out, "%s\n", line);
    }

  for (guint m = 0; m < managed->len; m++)
    if (!done[m])
      g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (managed, m));

  return g_string_free (out, FALSE);
}

static gboolean
line_sets_managed_name (const char *line)
{
  const char *p = line;

  while (*p == ' ' || *p == '\t')
    p++;

  for (guint i = 0; managed_macros[i]; i++)
    {
      gsize len = strlen (managed_macros[i]);
      const char *q = p + len;

      if (strncmp (p, managed_macros[i], len) != 0)
        continue;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q == '=')
        return TRUE;
    }

  return FALSE;
}

static char *
render_macros (MessagerieSettings *settings,
               const char         *existing)
{
  const char *tls = messagerie_settings_get (settings, "relay_tls");
  gboolean relay = messagerie_settings_get_boolean (settings, "relay_enabled");
  gboolean auth = relay && messagerie_settings_get_boolean (settings, "relay_auth");
  gboolean implicit = messagerie_settings_get_relay_implicit_tls (settings);
  guint64 size = 0;
  g_autoptr(GPtrArray) kept = lines_outside_block (existing);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < kept->len; i++)
    {
      const char *line = g_ptr_array_index (kept, i);

      if (line_sets_managed_name (line))
        g_string_append_printf (out, DISABLED_PREFIX "%s\n", line);
      else
        g_string_append_printf (out, "%s\n", line);
    }

  g_string_append (out, BLOCK_BEGIN "\n");

  if (messagerie_settings_get_uint (settings, "max_message_size_mb", &size))
    g_string_append_printf (out, "MESSAGE_SIZE_LIMIT = %" G_GUINT64_FORMAT "M\n", size);

  if (relay)
    {
      if (g_str_equal (tls, "no"))
        {
          g_string_append (out, "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS = *\n");
          /* Without it exim never sends the password over a clear
           * connection, and says nothing. */
          if (auth)
            g_string_append (out, "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS = 1\n");
        }
      else
        {
          /* Never fall back silently to clear text. */
          g_string_append (out, "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *\n");
          if (implicit)
            g_string_append (out, "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps\n");
          /* Debian verifies every smarthost by default; emptying the list
           * lets a self-signed internal gateway through. */
          if (!messagerie_settings_get_boolean (settings, "relay_tls_verify"))
            g_string_append (out, "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS =\n");
        }
    }

  /* Without the mail server, the mail domain (exim's qualify domain,
   * /etc/mailname) is served elsewhere and is not a local domain here: an
   * unqualified recipient (root, postmaster, a local user) becomes
   * NAME@localhost, a local domain, so that /etc/aliases applies and root's
   * mail reaches root_recipient. Senders keep the mail domain. */
  if (!messagerie_settings_has_mail_server (settings))
    g_string_append (out, "qualify_recipient = localhost\n");
  else if (messagerie_settings_get_boolean (settings, "antispam"))
    messagerie_render_spam_acl (settings, out);

  messagerie_render_sender_name_acl (settings, out);

  g_string_append (out, BLOCK_END "\n");

  return g_string_free (out, FALSE);
}

/* The password of the entry for @host in passwd.client, or of its "*" line. */
static char *
existing_password (const char *contents,
                   const char *host)
{
  g_autoptr(MessagerieSecretLines) lines = messagerie_render_split_lines (contents);
  char *found = NULL;

  for (guint pass = 0; pass < 2 && found == NULL; pass++)
    for (guint i = 0; lines[i] && found == NULL; i++)
      {
        g_autofree char *key = NULL;
        const char *data;
        const char *colon;

        if (*lines[i] == '#' || *lines[i] == '\0')
          continue;
        key = lsearch_key (lines[i]);
        if (key == NULL)
          continue;
        if (pass == 0 ? g_ascii_strcasecmp (key, host) != 0 : !g_str_equal (key, "*"))
          continue;

        data = lines[i] + strlen (key) + (*lines[i] == '"' ? 2 : 0);
        while (*data == ' ' || *data == '\t')
          data++;
        if (*data == ':')
          data++;
        while (*data == ' ' || *data == '\t')
          data++;
        colon = strchr (data, ':');
        if (colon != NULL)
          found = g_strdup (colon + 1);
      }

  return found;
}

static gboolean
render_passwd_client (MessagerieSettings  *settings,
                      const char          *existing,
                      char               **result,
                      GError             **error)
{
  gboolean auth = messagerie_settings_get_boolean (settings, "relay_enabled") &&
                  messagerie_settings_get_boolean (settings, "relay_auth");
  const char *host = messagerie_settings_get (settings, "relay_host");
  const char *user = messagerie_settings_get (settings, "relay_user");
  g_autofree char *password = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  GString *out;

  *result = NULL;

  if (!auth && existing == NULL)
    return TRUE;

  if (auth)
    {
      if (messagerie_settings_get_password (settings) != NULL)
        password = g_strdup (messagerie_settings_get_password (settings));
      else if (existing != NULL)
        password = existing_password (existing, host);

      if (password == NULL)
        {
          g_set_error_literal (error, MESSAGERIE_RENDER_ERROR, MESSAGERIE_RENDER_ERROR_NO_PASSWORD,
                               _("The SMTP gateway requires authentication but no password is "
                                 "stored on the server: type the gateway password."));
          return FALSE;
        }
    }

  out = g_string_new (NULL);
  kept = lines_outside_block (existing);

  /* exim takes the first line that matches: the exact gateway goes first,
   * the administrator's lines for other hosts next, and the catch-all line
   * (for a name reverse DNS gives the gateway) last, so that it shadows
   * none of them. */
  if (auth)
    {
      g_string_append (out, BLOCK_BEGIN "\n");
      /* A key with colons (an IPv6 address) must be quoted for lsearch. */
      if (strchr (host, ':') != NULL)
        g_string_append_printf (out, "\"%s\":%s:%s\n", host, user, password);
      else
        g_string_append_printf (out, "%s:%s:%s\n", host, user, password);
      g_string_append (out, BLOCK_END "\n");
    }

  for (guint i = 0; i < kept->len; i++)
    {
      char *line = g_ptr_array_index (kept, i);
      g_autofree char *key = NULL;

      /* The entries Messagerie manages replace the ones for the same host
       * and the catch-all one. */
      if (*line != '#' && (key = lsearch_key (line)) != NULL &&
          (g_str_equal (key, "*") || g_ascii_strcasecmp (key, host) == 0))
        {
          explicit_bzero (line, strlen (line));
          continue;
        }

      g_string_append_printf (out, "%s\n", line);
      explicit_bzero (line, strlen (line));
    }

  if (auth)
    {
      g_string_append (out, BLOCK_BEGIN "\n");
      g_string_append_printf (out, "*:%s:%s\n", user, password);
      g_string_append (out, BLOCK_END "\n");
      explicit_bzero (password, strlen (password));
    }

  *result = g_string_free (out, FALSE);
  return TRUE;
}

GPtrArray *
messagerie_render (MessagerieSettings  *settings,
                   GHashTable          *existing,
                   GError             **error)
{
  g_autoptr(MessagerieSettings) normalized = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *split = NULL;
  g_autofree char *passwd = NULL;
  const char *update_conf;
  const char *macros_path;
  const char *domain;
  gsize length;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (existing != NULL, NULL);

  normalized = messagerie_settings_copy (settings);
  messagerie_settings_normalize (normalized);
  settings = normalized;
  domain = messagerie_settings_get (settings, "mail_domain");

  files = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_rendered_file_free);

  if (!render_passwd_client (settings,
                             g_hash_table_lookup (existing, MESSAGERIE_PATH_PASSWD_CLIENT),
                             &passwd, error))
    return NULL;

  add_file (files, MESSAGERIE_PATH_SETTINGS,
            messagerie_settings_to_data (settings, &length), 0644, NULL);

  update_conf = g_hash_table_lookup (existing, MESSAGERIE_PATH_UPDATE_CONF);
  add_file (files, MESSAGERIE_PATH_UPDATE_CONF,
            render_update_conf (settings, update_conf), 0644, NULL);

  split = messagerie_render_debconf_value (update_conf, "dc_use_split_config");
  macros_path = g_strcmp0 (split, "true") == 0 ? MESSAGERIE_PATH_SPLIT_MACROS
                                              : MESSAGERIE_PATH_LOCALMACROS;
  add_file (files, macros_path,
            render_macros (settings, g_hash_table_lookup (existing, macros_path)),
            0644, NULL);

  if (passwd != NULL)
    add_file (files, MESSAGERIE_PATH_PASSWD_CLIENT, g_steal_pointer (&passwd),
              0640, "Debian-exim");
  add_file (files, MESSAGERIE_PATH_PASSWORD_INDEX, render_password_index (settings), 0644, NULL);

  add_file (files, MESSAGERIE_PATH_MAILNAME, g_strdup_printf ("%s\n", domain), 0644, NULL);

  add_file (files, MESSAGERIE_PATH_EMAIL_ADDRESSES,
            replace_lsearch_entry (g_hash_table_lookup (existing, MESSAGERIE_PATH_EMAIL_ADDRESSES),
                                   "root", messagerie_settings_get (settings, "root_sender")),
            0644, NULL);

  add_file (files, MESSAGERIE_PATH_ALIASES,
            replace_lsearch_entry (g_hash_table_lookup (existing, MESSAGERIE_PATH_ALIASES),
                                   "root", messagerie_settings_get (settings, "root_recipient")),
            0644, NULL);

  if (!messagerie_render_services (settings, existing, g_strcmp0 (split, "true") == 0, files, error))
    return NULL;

  return g_steal_pointer (&files);
}

char *
messagerie_render_passwd_client_interim (const char *contents)
{
  g_autoptr(GPtrArray) kept = lines_outside_block (contents);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < kept->len; i++)
    {
      char *line = g_ptr_array_index (kept, i);
      g_autofree char *key = *line != '#' ? lsearch_key (line) : NULL;

      /* nwildlsearch: a key starting with "*" or "^" is a pattern, which
       * might match either gateway. */
      if (key == NULL || (key[0] != '*' && key[0] != '^'))
        g_string_append_printf (out, "%s\n", line);
      explicit_bzero (line, strlen (line));
    }

  return g_string_free (out, FALSE);
}

/* One line of passwd.client ("host:user:password", the host maybe in
 * double quotes) with its password replaced by the mask; a line that is not
 * of that form is masked from its key on, or whole. */
static void
append_masked_passwd_line (GString    *out,
                           const char *line)
{
  g_autofree char *key = NULL;
  const char *p = line;
  const char *colon;

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '#' || *p == '\0')
    {
      g_string_append (out, line);
      return;
    }

  /* A line that is a key alone may be a password typed on a line of its
   * own: nothing of it is shown. */
  key = lsearch_key (p);
  if (key == NULL || p[strlen (key) + (*p == '"' ? 2 : 0)] == '\0')
    {
      g_string_append (out, MESSAGERIE_RENDER_PASSWORD_MASK);
      return;
    }

  p += strlen (key) + (*p == '"' ? 2 : 0);
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == ':')
    p++;
  colon = strchr (p, ':');
  if (colon != NULL)
    p = colon + 1;
  g_string_append_len (out, line, p - line);
  g_string_append (out, MESSAGERIE_RENDER_PASSWORD_MASK);
}

char *
messagerie_render_masked (const MessagerieRenderedFile *file)
{
  g_autoptr(MessagerieSecretLines) lines = NULL;
  GString *out;

  g_return_val_if_fail (file != NULL, NULL);

  if (file->contents == NULL ||
      (!g_str_equal (file->path, MESSAGERIE_PATH_PASSWD_CLIENT) &&
       !g_str_equal (file->path, MESSAGERIE_PATH_SYMPA_CONF)))
    return g_strdup (file->contents);

  lines = messagerie_render_split_lines (file->contents);
  out = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* sympa.conf may hold the password of Sympa's database. */
      if (g_str_equal (file->path, MESSAGERIE_PATH_SYMPA_CONF))
        {
          if (g_str_has_prefix (lines[i], "db_passwd"))
            g_string_append (out, "db_passwd " MESSAGERIE_RENDER_PASSWORD_MASK);
          else
            g_string_append (out, lines[i]);
        }
      else
        append_masked_passwd_line (out, lines[i]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

gboolean
messagerie_render_index_has_password (const char *contents,
                                      const char *host,
                                      const char *user)
{
  g_autoptr(GKeyFile) index = g_key_file_new ();
  g_autofree char *indexed_host = NULL;
  g_autofree char *indexed_user = NULL;

  g_return_val_if_fail (host != NULL && user != NULL, FALSE);

  if (contents == NULL || !g_key_file_load_from_data (index, contents, -1, G_KEY_FILE_NONE, NULL))
    return FALSE;

  indexed_host = g_key_file_get_string (index, "relay-password", "host", NULL);
  indexed_user = g_key_file_get_string (index, "relay-password", "user", NULL);

  return g_strcmp0 (indexed_host, host) == 0 && g_strcmp0 (indexed_user, user) == 0;
}

MessagerieRenderedFile *
messagerie_rendered_files_find (GPtrArray  *files,
                                const char *path)
{
  g_return_val_if_fail (files != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);

      if (g_str_equal (file->path, path))
        return file;
    }
  return NULL;
}
