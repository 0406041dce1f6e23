/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include "messagerie-core-private.h"
#include "messagerie-render.h"
#include "test-util.h"

static const char scribe_conf[] =
  "[general]\n"
  "machine_name=scribe\n"
  "dns_domain=monetab.lan\n"
  "containers=scribe;web;\n"
  "module=scribe\n"
  "[messagerie]\n"
  "mail_domain=monetab.ac-test.fr\n"
  "root_sender=admin@monetab.ac-test.fr\n"
  "root_recipient=root-mail@monetab.ac-test.fr\n"
  "relay_enabled=true\n"
  "relay_host=smtp.ac-test.fr\n"
  "relay_tls=port-587\n"
  "relay_auth=true\n"
  "relay_user=scribe\n";

static const char debian_update_conf[] =
  "# /etc/exim4/update-exim4.conf.conf\n"
  "#\n"
  "# This is a Debian specific file\n"
  "\n"
  "dc_eximconfig_configtype='local'\n"
  "dc_other_hostnames='scribe'\n"
  "dc_local_interfaces='127.0.0.1 ; ::1'\n"
  "dc_readhost=''\n"
  "dc_relay_domains=''\n"
  "dc_minimaldns='false'\n"
  "dc_relay_nets=''\n"
  "dc_smarthost=''\n"
  "CFILEMODE='644'\n"
  "dc_use_split_config='false'\n"
  "dc_hide_mailname=''\n"
  "dc_mailname_in_oh='true'\n"
  "dc_localdelivery='mail_spool'\n"
  "dc_custom_by_admin='kept'\n";

static const char debian_aliases[] =
  "# /etc/aliases\n"
  "mailer-daemon: postmaster\n"
  "postmaster: root\n"
  "nobody: root\n"
  "root: old@example.org,\n"
  "  second@example.org\n"
  "webmaster: root\n";

static const char admin_macros[] =
  "# my own macros\n"
  "MAIN_TLS_ENABLE = yes\n"
  "MESSAGE_SIZE_LIMIT = 5M\n";

static const char admin_passwd[] =
  "# see exim4_passwd_client(5)\n"
  "other.gateway.fr:someone:theirs\n"
  "*:old:catch-all\n"
  "smtp.ac-test.fr:old:previous-pass\n";

typedef struct {
  MessagerieSettings *settings;
  GHashTable         *existing;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->settings = messagerie_settings_new_from_data (scribe_conf, strlen (scribe_conf), &error);
  g_assert_no_error (error);
  messagerie_settings_set_password (fixture->settings, "pa:ss^word");

  fixture->existing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_UPDATE_CONF, g_strdup (debian_update_conf));
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_ALIASES, g_strdup (debian_aliases));
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_LOCALMACROS, g_strdup (admin_macros));
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_PASSWD_CLIENT, g_strdup (admin_passwd));
  /* Dovecot installed: its folder, no file of Messagerie's yet. */
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_DOVECOT_DIR, g_strdup (""));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->existing, g_hash_table_unref);
}

static GPtrArray *
render (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *files = messagerie_render (fixture->settings, fixture->existing, &error);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  return files;
}

static const char *
contents (GPtrArray  *files,
          const char *path)
{
  MessagerieRenderedFile *file = messagerie_rendered_files_find (files, path);

  if (file == NULL)
    g_error ("%s was not rendered", path);
  return file->contents;
}

static void
test_file_set (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) files = render (fixture);
  g_autoptr(GPtrArray) sender_only = NULL;

  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SETTINGS));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_UPDATE_CONF));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_LOCALMACROS));
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SPLIT_MACROS));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_MAILNAME));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_EMAIL_ADDRESSES));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_ALIASES));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_DOVECOT));

  g_assert_cmpuint (messagerie_rendered_files_find (files, MESSAGERIE_PATH_PASSWD_CLIENT)->mode, ==, 0640);
  g_assert_cmpstr (messagerie_rendered_files_find (files, MESSAGERIE_PATH_PASSWD_CLIENT)->group, ==, "Debian-exim");
  g_assert_cmpuint (messagerie_rendered_files_find (files, MESSAGERIE_PATH_MAILNAME)->mode, ==, 0644);
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_MAILNAME)->group);

  g_assert_cmpstr (contents (files, MESSAGERIE_PATH_MAILNAME), ==, "monetab.ac-test.fr\n");
  g_assert_null (strstr (contents (files, MESSAGERIE_PATH_SETTINGS), "pa:ss"));

  /* Without a mail server there is no Dovecot to configure. */
  messagerie_settings_set (fixture->settings, "module", "amon");
  sender_only = render (fixture);
  g_assert_null (messagerie_rendered_files_find (sender_only, MESSAGERIE_PATH_DOVECOT));
}

/* Dovecot not installed (no /etc/dovecot): its fragment is not written,
 * which would make the folders of a package that is not there. */
static void
test_dovecot_not_installed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;

  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_DOVECOT_DIR);
  files = render (fixture);
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_DOVECOT));
  g_assert_nonnull (messagerie_rendered_files_find (files, MESSAGERIE_PATH_ALIASES));
}

/* What render prints: every password of passwd.client masked where it
 * would be written, the administrator's included; other files as they are. */
static void
test_masked (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *passwd = NULL;
  g_autofree char *aliases = NULL;

  g_hash_table_replace (fixture->existing, MESSAGERIE_PATH_PASSWD_CLIENT,
                        g_strdup ("# comment kept\n"
                                  "other.gateway.fr:someone:theirs:with:colons\n"
                                  "\"2001:db8::1\":v6user:v6pass\n"
                                  "spaced.example : bob : bobpass\n"
                                  "lonelypassword\n"
                                  "\n"));
  files = render (fixture);
  passwd = messagerie_render_masked (messagerie_rendered_files_find (files, MESSAGERIE_PATH_PASSWD_CLIENT));
  aliases = messagerie_render_masked (messagerie_rendered_files_find (files, MESSAGERIE_PATH_ALIASES));

  assert_has_line (passwd, "smtp.ac-test.fr:scribe:" MESSAGERIE_RENDER_PASSWORD_MASK);
  assert_has_line (passwd, "*:scribe:" MESSAGERIE_RENDER_PASSWORD_MASK);
  assert_has_line (passwd, "other.gateway.fr:someone:" MESSAGERIE_RENDER_PASSWORD_MASK);
  assert_has_line (passwd, "\"2001:db8::1\":v6user:" MESSAGERIE_RENDER_PASSWORD_MASK);
  assert_has_line (passwd, "spaced.example : bob :" MESSAGERIE_RENDER_PASSWORD_MASK);
  assert_has_line (passwd, MESSAGERIE_RENDER_PASSWORD_MASK);
  assert_has_line (passwd, "# comment kept");
  for (const char *const *secret = (const char *const[]) { "pa:ss", "theirs", "v6pass", "bobpass",
                                                           "lonely", NULL }; *secret; secret++)
    g_assert_null (strstr (passwd, *secret));
  g_assert_cmpstr (aliases, ==, contents (files, MESSAGERIE_PATH_ALIASES));
}

static void
test_update_conf (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct {
    const char *module;
    const char *relay;
    const char *host;
    const char *tls;
    const char *port;
    const char *configtype;
    const char *smarthost;
  } cases[] = {
    { "scribe", "true", "smtp.ac-test.fr", "port-587", "", "smarthost", "smtp.ac-test.fr::587" },
    { "scribe", "true", "smtp.ac-test.fr", "port-25", "", "smarthost", "smtp.ac-test.fr::25" },
    { "scribe", "true", "192.0.2.25", "port-465", "", "smarthost", "192.0.2.25::465" },
    { "scribe", "true", "192.0.2.25", "no", "", "smarthost", "192.0.2.25::25" },
    { "amon", "true", "2001:db8::25", "port-587", "", "satellite", "[2001::db8::::25]::587" },
    { "amon", "true", "2001:db8::25", "custom", "2525", "satellite", "[2001::db8::::25]::2525" },
    { "amon", "false", "smtp.ac-test.fr", "port-587", "", "internet", "" },
    { "amonecole", "false", "", "no", "", "internet", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) files = NULL;
      g_autofree char *configtype = g_strdup_printf ("dc_eximconfig_configtype='%s'", cases[i].configtype);
      g_autofree char *smarthost = g_strdup_printf ("dc_smarthost='%s'", cases[i].smarthost);
      const char *text;

      messagerie_settings_set (fixture->settings, "module", cases[i].module);
      messagerie_settings_set (fixture->settings, "relay_enabled", cases[i].relay);
      messagerie_settings_set (fixture->settings, "relay_host", cases[i].host);
      messagerie_settings_set (fixture->settings, "relay_tls", cases[i].tls);
      messagerie_settings_set (fixture->settings, "relay_port", cases[i].port);
      files = render (fixture);
      text = contents (files, MESSAGERIE_PATH_UPDATE_CONF);

      assert_has_line (text, configtype);
      assert_has_line (text, smarthost);
      g_assert_cmpuint (test_count_lines (text, "dc_smarthost=", TRUE), ==, 1);
      g_assert_cmpuint (test_count_lines (text, "dc_eximconfig_configtype=", TRUE), ==, 1);

      /* Only a mail server receives mail for the domain. */
      if (g_str_equal (cases[i].module, "amon"))
        assert_has_line (text, "dc_other_hostnames='scribe'");
      else
        assert_has_line (text, "dc_other_hostnames='monetab.ac-test.fr'");

      /* What Messagerie does not manage stays, comments included. */
      assert_has_line (text, "dc_local_interfaces='127.0.0.1 ; ::1'");
      assert_has_line (text, "dc_custom_by_admin='kept'");
      assert_has_line (text, "# This is a Debian specific file");
    }
}

/* Without a mail server, the mail domain is no local domain: an earlier
 * module's, or Debian's install's, entry for it goes; the others stay. */
static void
test_update_conf_other_hostnames (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *existing = g_strdup_printf ("%sdc_other_hostnames='scribe: MonEtab.ac-test.fr:web'\n",
                                               debian_update_conf);

  g_hash_table_insert (fixture->existing, (gpointer) MESSAGERIE_PATH_UPDATE_CONF, g_steal_pointer (&existing));
  messagerie_settings_set (fixture->settings, "module", "amon");
  files = render (fixture);
  assert_has_line (contents (files, MESSAGERIE_PATH_UPDATE_CONF), "dc_other_hostnames='scribe:web'");
  g_assert_cmpuint (test_count_lines (contents (files, MESSAGERIE_PATH_UPDATE_CONF),
                                      "dc_other_hostnames=", TRUE), ==, 1);
}

static void
test_update_conf_created (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  const char *text;

  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_UPDATE_CONF);
  messagerie_settings_set (fixture->settings, "rewrite_headers", "true");
  files = render (fixture);
  text = contents (files, MESSAGERIE_PATH_UPDATE_CONF);

  assert_has_line (text, "dc_eximconfig_configtype='smarthost'");
  assert_has_line (text, "dc_readhost='monetab.ac-test.fr'");
  assert_has_line (text, "dc_hide_mailname='true'");
  assert_has_line (text, "dc_use_split_config='false'");
  assert_has_line (text, "dc_localdelivery='mail_spool'");
}

static void
test_macros (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct {
    const char *tls;
    const char *implicit;
    const char *verify;
    const char *auth;
    const char *present[4];
    const char *absent[4];
  } cases[] = {
    { "no", "false", "true", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS = *", "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS = 1" },
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *", "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps" } },
    { "no", "false", "true", "false",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS = *" },
      { "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS = 1", "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *" } },
    { "port-25", "false", "true", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *" },
      { "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps", "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS = 1",
        "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS =" } },
    { "port-465", "false", "true", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *", "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps" },
      { "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS = *" } },
    { "port-587", "false", "false", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *", "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS =" },
      { "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps" } },
    { "custom", "false", "true", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *" },
      { "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps" } },
    { "custom", "true", "true", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *", "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps" },
      { "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS = *" } },
    /* The implicit-TLS switch means nothing outside the custom port. */
    { "port-587", "true", "true", "true",
      { "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *" },
      { "REMOTE_SMTP_SMARTHOST_PROTOCOL = smtps" } },
  };

  messagerie_settings_set (fixture->settings, "relay_port", "2525");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) files = NULL;
      const char *text;

      messagerie_settings_set (fixture->settings, "relay_tls", cases[i].tls);
      messagerie_settings_set (fixture->settings, "relay_custom_implicit_tls", cases[i].implicit);
      messagerie_settings_set (fixture->settings, "relay_tls_verify", cases[i].verify);
      messagerie_settings_set (fixture->settings, "relay_auth", cases[i].auth);
      files = render (fixture);
      text = contents (files, MESSAGERIE_PATH_LOCALMACROS);

      for (guint j = 0; j < G_N_ELEMENTS (cases[i].present) && cases[i].present[j]; j++)
        assert_has_line (text, cases[i].present[j]);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].absent) && cases[i].absent[j]; j++)
        assert_no_line (text, cases[i].absent[j]);

      /* The administrator's macros stay; the one Messagerie now manages
       * is commented out, never defined twice. */
      assert_has_line (text, "# my own macros");
      assert_has_line (text, "MAIN_TLS_ENABLE = yes");
      assert_has_line (text, "# (replaced by Messagerie) MESSAGE_SIZE_LIMIT = 5M");
      assert_has_line (text, "MESSAGE_SIZE_LIMIT = 10M");
      g_assert_cmpuint (test_count_lines (text, "MESSAGE_SIZE_LIMIT", TRUE), ==, 1);
    }

  /* Relaying off: nothing about the gateway. */
  {
    g_autoptr(GPtrArray) files = NULL;
    const char *text;

    messagerie_settings_set (fixture->settings, "relay_enabled", "false");
    files = render (fixture);
    text = contents (files, MESSAGERIE_PATH_LOCALMACROS);
    g_assert_null (strstr (text, "REMOTE_SMTP_SMARTHOST"));
    g_assert_null (strstr (text, "AUTH_CLIENT"));
  }
}

static void
test_split_config (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *split = NULL;
  g_autofree char *value = NULL;
  char *p;

  split = g_strdup (debian_update_conf);
  p = strstr (split, "dc_use_split_config='false'");
  memcpy (p, "dc_use_split_config='true' ", strlen ("dc_use_split_config='false'"));
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_UPDATE_CONF, g_strdup (split));

  value = messagerie_render_debconf_value (split, "dc_use_split_config");
  g_assert_cmpstr (value, ==, "true");

  files = render (fixture);
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_LOCALMACROS));
  assert_has_line (contents (files, MESSAGERIE_PATH_SPLIT_MACROS), "MESSAGE_SIZE_LIMIT = 10M");
}

static void
test_passwd_client (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) files = render (fixture);
  const char *text = contents (files, MESSAGERIE_PATH_PASSWD_CLIENT);

  /* exim takes the first match: the exact gateway first, the catch-all
   * last, so that it hides none of the administrator's lines. */
  g_assert_true (g_str_has_prefix (text, "# BEGIN Messagerie"));
  assert_has_line (text, "smtp.ac-test.fr:scribe:pa:ss^word");
  g_assert_true (g_str_has_suffix (text, "\n*:scribe:pa:ss^word\n# END Messagerie\n"));
  g_assert_true (strstr (text, "other.gateway.fr") < strstr (text, "*:scribe"));
  assert_has_line (text, "other.gateway.fr:someone:theirs");
  assert_has_line (text, "# see exim4_passwd_client(5)");
  assert_no_line (text, "*:old:catch-all");
  assert_no_line (text, "smtp.ac-test.fr:old:previous-pass");
}

static void
test_passwd_client_keeps_password (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) ipv6 = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;

  /* No password sent: the one on the server for this host stays. */
  messagerie_settings_set_password (fixture->settings, NULL);
  files = render (fixture);
  text = contents (files, MESSAGERIE_PATH_PASSWD_CLIENT);
  assert_has_line (text, "smtp.ac-test.fr:scribe:previous-pass");
  assert_has_line (text, "*:scribe:previous-pass");

  /* Rendering its own output again changes nothing. */
  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_PASSWD_CLIENT, g_strdup (text));
  again = render (fixture);
  g_assert_cmpstr (contents (again, MESSAGERIE_PATH_PASSWD_CLIENT), ==, text);

  /* A new gateway falls back on Messagerie's catch-all line. */
  messagerie_settings_set (fixture->settings, "relay_host", "2001:db8::25");
  ipv6 = render (fixture);
  assert_has_line (contents (ipv6, MESSAGERIE_PATH_PASSWD_CLIENT), "\"2001:db8::25\":scribe:previous-pass");

  /* Nothing anywhere: the helper must be told, not write an empty password. */
  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_PASSWD_CLIENT);
  g_assert_null (messagerie_render (fixture->settings, fixture->existing, &error));
  g_assert_error (error, MESSAGERIE_RENDER_ERROR, MESSAGERIE_RENDER_ERROR_NO_PASSWORD);
}

static void
test_passwd_client_auth_off (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) first = render (fixture);
  g_autoptr(GPtrArray) off = NULL;
  g_autoptr(GPtrArray) none = NULL;
  const char *text;

  g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_PASSWD_CLIENT,
                       g_strdup (contents (first, MESSAGERIE_PATH_PASSWD_CLIENT)));
  messagerie_settings_set (fixture->settings, "relay_auth", "false");
  off = render (fixture);
  text = contents (off, MESSAGERIE_PATH_PASSWD_CLIENT);

  /* The password leaves the server with the authentication. */
  g_assert_null (strstr (text, "pa:ss^word"));
  g_assert_null (strstr (text, "Messagerie"));
  assert_has_line (text, "other.gateway.fr:someone:theirs");

  /* And no file is created for nothing. */
  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_PASSWD_CLIENT);
  none = render (fixture);
  g_assert_null (messagerie_rendered_files_find (none, MESSAGERIE_PATH_PASSWD_CLIENT));
}

static void
test_aliases_and_addresses (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) files = render (fixture);
  const char *aliases = contents (files, MESSAGERIE_PATH_ALIASES);
  const char *addresses = contents (files, MESSAGERIE_PATH_EMAIL_ADDRESSES);

  g_assert_cmpstr (aliases, ==,
                   "# /etc/aliases\n"
                   "mailer-daemon: postmaster\n"
                   "postmaster: root\n"
                   "nobody: root\n"
                   "root: root-mail@monetab.ac-test.fr\n"
                   "webmaster: root\n");
  g_assert_cmpstr (addresses, ==, "root: admin@monetab.ac-test.fr\n");

  /* A second render on its own output is stable. */
  {
    g_autoptr(GPtrArray) again = NULL;

    g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_ALIASES, g_strdup (aliases));
    g_hash_table_insert (fixture->existing, MESSAGERIE_PATH_EMAIL_ADDRESSES,
                         g_strdup ("# comment\nwww-data: web@monetab.ac-test.fr\nROOT: upper@x.fr\n"));
    again = render (fixture);
    g_assert_cmpstr (contents (again, MESSAGERIE_PATH_ALIASES), ==, aliases);
    g_assert_cmpstr (contents (again, MESSAGERIE_PATH_EMAIL_ADDRESSES), ==,
                     "# comment\nwww-data: web@monetab.ac-test.fr\nroot: admin@monetab.ac-test.fr\n");
  }
}

static void
test_sender_name (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *rewrite;
    const char *expect;   /* the phrase, as exim will decode it */
  } cases[] = {
    { "Serveur Scribe", "false", "\"Serveur Scribe\"" },
    { "Le \"Serveur\" \\ CONFDIR $primary_hostname", "true",
      "\"Le \\\"Serveur\\\" \\\\ CONFDIR $primary_hostname\"" },
    { "Serveur Éole", "false", "=?UTF-8?B?U2VydmV1ciDDiW9sZQ==?=" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) files = NULL;
      g_autoptr(GString) acl = g_string_new (NULL);
      g_autoptr(GString) phrase = g_string_new (NULL);
      g_autofree char *expanded = NULL;
      g_auto(GStrv) lines = NULL;
      const char *line = NULL;
      const char *macros;
      const char *p;

      messagerie_settings_set (fixture->settings, "root_sender_name", cases[i].name);
      messagerie_settings_set (fixture->settings, "rewrite_headers", cases[i].rewrite);
      files = render (fixture);
      macros = contents (files, MESSAGERIE_PATH_LOCALMACROS);
      lines = g_strsplit (macros, "\n", -1);
      for (guint j = 0; lines[j]; j++)
        if (g_str_has_prefix (lines[j], "acl_not_smtp = \""))
          line = lines[j] + strlen ("acl_not_smtp = ");
      g_assert_nonnull (line);
      g_assert_true (g_str_has_suffix (line, "\""));

      /* No upper-case letter: no macro name can be formed in the line. */
      for (p = line; *p; p++)
        g_assert_false (g_ascii_isupper (*p));

      /* Undo exim's three decoders: the quoted string, the expansion of
       * the option (a backslash escapes the next character), and the
       * expansion of add_header (\xHH). */
      for (p = line + 1; p[1] != '\0'; p++)
        {
          if (*p == '\\' && p[1] == 'n')
            g_string_append_c (acl, '\n'), p++;
          else if (*p == '\\')
            g_string_append_c (acl, *++p);
          else
            g_string_append_c (acl, *p);
        }
      {
        GString *once = g_string_new (NULL);

        for (p = acl->str; *p; p++)
          {
            if (*p == '\\' && p[1] != '\0')
              p++;
            g_string_append_c (once, *p);
          }
        expanded = g_string_free (once, FALSE);
      }
      p = strstr (expanded, "add_header = \\x46rom: ");
      g_assert_nonnull (p);
      for (p += strlen ("add_header = \\x46rom: "); *p && !g_str_has_prefix (p, " \\x3c"); p++)
        {
          if (g_str_has_prefix (p, "\\x"))
            {
              char hex[3] = { p[2], p[3], 0 };

              g_string_append_c (phrase, (char) strtol (hex, NULL, 16));
              p += 3;
            }
          else
            g_string_append_c (phrase, *p);
        }
      g_assert_cmpstr (phrase->str, ==, cases[i].expect);

      /* The From: of the messages from root_sender only. */
      g_assert_nonnull (strstr (expanded, "warn condition = ${if eqi{${address:$h_from:}}{admin\\x40monetab\\x2eac\\x2dtest\\x2efr}}"));

      /* Header rewriting is Debian's HIDE_MAILNAME, which defines these. */
      g_assert_null (strstr (macros, "REMOTE_SMTP_HEADERS_REWRITE"));
      g_assert_null (strstr (macros, "REMOTE_SMTP_RETURN_PATH"));
      assert_has_line (contents (files, MESSAGERIE_PATH_UPDATE_CONF),
                       g_str_equal (cases[i].rewrite, "true") ? "dc_hide_mailname='true'"
                                                              : "dc_hide_mailname='false'");
      assert_has_line (contents (files, MESSAGERIE_PATH_UPDATE_CONF), "dc_readhost='monetab.ac-test.fr'");
    }

  /* A long non-ASCII name is cut into encoded words of at most 75 characters. */
  {
    g_autoptr(GPtrArray) files = NULL;

    messagerie_settings_set (fixture->settings, "root_sender_name",
                             "Éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé");
    files = render (fixture);
    g_assert_nonnull (strstr (contents (files, MESSAGERIE_PATH_LOCALMACROS), "\\\\\\\\x3f\\\\\\\\x3d \\\\\\\\x3d\\\\\\\\x3f"));
  }

  /* No name: no ACL at all. */
  {
    g_autoptr(GPtrArray) files = NULL;

    messagerie_settings_set (fixture->settings, "root_sender_name", "");
    files = render (fixture);
    g_assert_null (strstr (contents (files, MESSAGERIE_PATH_LOCALMACROS), "acl_not_smtp"));
  }
}

/* The anti-spam is exim's DATA ACL, in a macro: Debian's own first, its
 * thresholds in tenths, nothing on a module without a mail server or with
 * the anti-spam off; no upper-case letter for a macro name to start. */
static void
test_antispam (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) on = NULL;
  g_autoptr(GPtrArray) off = NULL;
  g_autoptr(GPtrArray) amon = NULL;
  g_auto(GStrv) lines = NULL;
  const char *line = NULL;

  messagerie_settings_set (fixture->settings, "spam_flag_score", "6.5");
  messagerie_settings_set (fixture->settings, "spam_reject_score", "15");
  on = render (fixture);
  lines = g_strsplit (contents (on, MESSAGERIE_PATH_LOCALMACROS), "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "MAIN_ACL_CHECK_DATA = \""))
      line = lines[i] + strlen ("MAIN_ACL_CHECK_DATA = ");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "\"require acl = acl_check_data\\n"));
  g_assert_nonnull (strstr (line, "{\\\\$acl_m_messagerie_spam}{65}}"));
  g_assert_nonnull (strstr (line, "{\\\\$acl_m_messagerie_spam}{150}}"));
  for (const char *p = line; *p; p++)
    g_assert_false (g_ascii_isupper (*p));

  messagerie_settings_set (fixture->settings, "antispam", "false");
  off = render (fixture);
  g_assert_null (strstr (contents (off, MESSAGERIE_PATH_LOCALMACROS), "MAIN_ACL_CHECK_DATA"));

  messagerie_settings_set (fixture->settings, "antispam", "true");
  messagerie_settings_set (fixture->settings, "module", "amon");
  amon = render (fixture);
  g_assert_null (strstr (contents (amon, MESSAGERIE_PATH_LOCALMACROS), "MAIN_ACL_CHECK_DATA"));
}

static void
test_dovecot (Fixture       *fixture,
              gconstpointer  data)
{
  static const struct {
    const char *server;
    const char *quota;
    const char *protocols;
  } cases[] = {
    { "none", "20", "protocols = none" },
    { "pop", "0", "protocols = pop3" },
    { "imap", "20", "protocols = imap" },
    { "pop-imap", "1048576", "protocols = imap pop3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) files = NULL;
      g_autofree char *rule = g_strdup_printf ("  quota_rule = *:storage=%sM", cases[i].quota);
      const char *text;

      messagerie_settings_set (fixture->settings, "mail_server", cases[i].server);
      messagerie_settings_set (fixture->settings, "mailbox_quota_mb", cases[i].quota);
      files = render (fixture);
      text = contents (files, MESSAGERIE_PATH_DOVECOT);
      assert_has_line (text, cases[i].protocols);
      if (g_str_equal (cases[i].quota, "0"))
        g_assert_null (strstr (text, "quota"));
      else
        assert_has_line (text, rule);
    }
}

static void
test_idempotent (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;

  messagerie_settings_set (fixture->settings, "root_sender_name", "Serveur Éole");
  messagerie_settings_set (fixture->settings, "rewrite_headers", "true");
  first = render (fixture);

  for (guint i = 0; i < first->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (first, i);

      g_hash_table_insert (fixture->existing, file->path, g_strdup (file->contents));
    }

  second = render (fixture);
  g_assert_cmpuint (first->len, ==, second->len);
  for (guint i = 0; i < first->len; i++)
    {
      MessagerieRenderedFile *a = g_ptr_array_index (first, i);
      MessagerieRenderedFile *b = g_ptr_array_index (second, i);

      g_assert_cmpstr (a->path, ==, b->path);
      g_assert_cmpstr (a->contents, ==, b->contents);
    }
}

static void
test_password_index (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) files = render (fixture);
  g_autoptr(GPtrArray) off = NULL;
  const char *index = contents (files, MESSAGERIE_PATH_PASSWORD_INDEX);

  /* Readable by anyone, and no secret in it. */
  g_assert_cmpuint (messagerie_rendered_files_find (files, MESSAGERIE_PATH_PASSWORD_INDEX)->mode, ==, 0644);
  g_assert_null (strstr (index, "pa:ss"));
  g_assert_true (messagerie_render_index_has_password (index, "smtp.ac-test.fr", "scribe"));
  g_assert_false (messagerie_render_index_has_password (index, "smtp.ac-test.fr", "other"));
  g_assert_false (messagerie_render_index_has_password (index, "other.gateway.fr", "scribe"));
  g_assert_false (messagerie_render_index_has_password (NULL, "smtp.ac-test.fr", "scribe"));
  g_assert_false (messagerie_render_index_has_password ("not [a key file", "a", "b"));

  /* Authentication off: the server holds no password for the gateway. */
  messagerie_settings_set (fixture->settings, "relay_auth", "false");
  off = render (fixture);
  index = contents (off, MESSAGERIE_PATH_PASSWORD_INDEX);
  g_assert_false (messagerie_render_index_has_password (index, "smtp.ac-test.fr", "scribe"));
  g_assert_null (strstr (index, "[relay-password]"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/render/file-set", test_file_set);
  ADD ("/render/update-conf", test_update_conf);
  ADD ("/render/update-conf-created", test_update_conf_created);
  ADD ("/render/update-conf-other-hostnames", test_update_conf_other_hostnames);
  ADD ("/render/macros", test_macros);
  ADD ("/render/split-config", test_split_config);
  ADD ("/render/passwd-client", test_passwd_client);
  ADD ("/render/passwd-client-keeps-password", test_passwd_client_keeps_password);
  ADD ("/render/passwd-client-auth-off", test_passwd_client_auth_off);
  ADD ("/render/aliases-and-addresses", test_aliases_and_addresses);
  ADD ("/render/sender-name", test_sender_name);
  ADD ("/render/antispam", test_antispam);
  ADD ("/render/dovecot", test_dovecot);
  ADD ("/render/dovecot-not-installed", test_dovecot_not_installed);
  ADD ("/render/masked", test_masked);
  ADD ("/render/idempotent", test_idempotent);
  ADD ("/render/password-index", test_password_index);

#undef ADD

  return g_test_run ();
}
