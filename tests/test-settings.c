/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib/gstdio.h>

#include "messagerie-core-private.h"
#include "messagerie-settings.h"
#include "test-util.h"

static const char scribe_conf[] =
  "# Settings of the mail tab\n"
  "[general]\n"
  "machine_name=scribe\n"
  "dns_domain=monetab.lan\n"
  "containers=scribe;web;\n"
  "module=scribe\n"
  "\n"
  "# Written by the administrator\n"
  "[messagerie]\n"
  "# the school's public domain\n"
  "mail_domain=monetab.ac-test.fr\n"
  "root_sender=admin@monetab.ac-test.fr\n"
  "future_option=kept as is\n"
  "\n"
  "[someone-else]\n"
  "# another tool's group\n"
  "answer=42\n";

static MessagerieSettings *
load (const char *data)
{
  g_autoptr(GError) error = NULL;
  MessagerieSettings *settings = messagerie_settings_new ();

  messagerie_settings_set_system (settings, "host", "host.example.lan");
  messagerie_settings_load_data (settings, data, strlen (data), &error);
  g_assert_no_error (error);
  return settings;
}

static void
test_defaults_and_fallbacks (void)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_auto(GStrv) containers = NULL;

  messagerie_settings_set_system (settings, "scribe.monetab.lan", "scribe.monetab.lan");

  /* [general] falls back to the system… */
  g_assert_cmpstr (messagerie_settings_get (settings, "machine_name"), ==, "scribe");
  g_assert_cmpstr (messagerie_settings_get (settings, "dns_domain"), ==, "monetab.lan");
  g_assert_cmpstr (messagerie_settings_get (settings, "module"), ==, "other");
  g_assert_cmpstr (messagerie_settings_get (settings, "webmail"), ==, "none");
  containers = messagerie_settings_get_containers (settings);
  g_assert_cmpuint (g_strv_length (containers), ==, 0);
  g_assert_false (messagerie_settings_has_mail_server (settings));

  /* …and the mail domain to the private one. */
  g_assert_cmpstr (messagerie_settings_get (settings, "mail_domain"), ==, "i-scribe.monetab.lan");
  g_assert_cmpstr (messagerie_settings_get (settings, "max_message_size_mb"), ==, "10");
  g_assert_cmpstr (messagerie_settings_get (settings, "mailbox_quota_mb"), ==, "20");
  g_assert_cmpstr (messagerie_settings_get (settings, "relay_tls"), ==, "no");
  g_assert_true (messagerie_settings_get_boolean (settings, "relay_enabled"));
  g_assert_true (messagerie_settings_get_boolean (settings, "relay_tls_verify"));
  g_assert_false (messagerie_settings_get_boolean (settings, "relay_auth"));

  /* A host without a domain gives an empty DNS domain, not a guess. */
  messagerie_settings_set_system (settings, "lonely", NULL);
  g_assert_cmpstr (messagerie_settings_get (settings, "machine_name"), ==, "lonely");
  g_assert_cmpstr (messagerie_settings_get (settings, "dns_domain"), ==, "");
}

static void
test_file_wins_over_system (void)
{
  g_autoptr(MessagerieSettings) settings =
    load ("[general]\nmachine_name=Amon\ndns_domain=college.lan\n");
  g_auto(GStrv) containers = NULL;

  g_assert_cmpstr (messagerie_settings_get (settings, "machine_name"), ==, "Amon");
  g_assert_cmpstr (messagerie_settings_get (settings, "mail_domain"), ==, "i-amon.college.lan");

  /* The default follows the machine name until a domain is chosen. */
  messagerie_settings_set (settings, "machine_name", "scribe");
  g_assert_cmpstr (messagerie_settings_get (settings, "mail_domain"), ==, "i-scribe.college.lan");
  messagerie_settings_set (settings, "mail_domain", "ecole.ac-test.fr");
  messagerie_settings_set (settings, "machine_name", "other");
  g_assert_cmpstr (messagerie_settings_get (settings, "mail_domain"), ==, "ecole.ac-test.fr");

  messagerie_settings_set (settings, "containers", " scribe ;;web;");
  containers = messagerie_settings_get_containers (settings);
  g_assert_cmpuint (g_strv_length (containers), ==, 2);
  g_assert_cmpstr (containers[0], ==, "scribe");
  g_assert_cmpstr (containers[1], ==, "web");
}

static void
test_round_trip (void)
{
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);
  g_autoptr(MessagerieSettings) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (messagerie_settings_has_mail_server (settings));
  messagerie_settings_set (settings, "relay_host", "smtp.ac-test.fr");

  data = messagerie_settings_to_data (settings, &length);
  g_assert_cmpuint (strlen (data), ==, length);

  /* Comments, unknown keys and groups survive. */
  g_assert_nonnull (strstr (data, "# Settings of the mail tab\n"));
  g_assert_nonnull (strstr (data, "# the school's public domain\nmail_domain=monetab.ac-test.fr\n"));
  g_assert_nonnull (strstr (data, "future_option=kept as is\n"));
  g_assert_nonnull (strstr (data, "[someone-else]\n# another tool's group\nanswer=42\n"));

  /* Every key of the tab is written; [general] keeps only what it had. */
  g_assert_nonnull (strstr (data, "relay_host=smtp.ac-test.fr\n"));
  g_assert_nonnull (strstr (data, "max_message_size_mb=10\n"));
  g_assert_null (strstr (data, "webmail="));

  again = messagerie_settings_new_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_true (messagerie_settings_equal (settings, again));
  g_assert_cmpstr (messagerie_settings_get (again, "relay_host"), ==, "smtp.ac-test.fr");
}

static void
test_save_file (void)
{
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);
  g_autoptr(MessagerieSettings) reread = messagerie_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("messagerie-settings-XXXXXX", &error);
  g_autofree char *path = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  path = g_build_filename (dir, "etc", "messagerie", "messagerie.conf", NULL);
  messagerie_settings_set_password (settings, "s3cret-do-not-save");

  g_assert_true (messagerie_settings_save_file (settings, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);

  g_assert_true (messagerie_settings_load_file (reread, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (messagerie_settings_get (reread, "root_sender"), ==, "admin@monetab.ac-test.fr");
  g_assert_null (messagerie_settings_get_password (reread));

  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_null (strstr (contents, "s3cret"));
  }

  g_remove (path);
  {
    g_autofree char *messagerie_dir = g_path_get_dirname (path);
    g_autofree char *etc_dir = g_path_get_dirname (messagerie_dir);

    g_rmdir (messagerie_dir);
    g_rmdir (etc_dir);
    g_rmdir (dir);
  }
}

static void
test_secret_group (void)
{
  g_autoptr(MessagerieSettings) settings =
    load ("[messagerie]\nrelay_auth=true\n[secret]\npassword=p@ss:w^rd\\twith tab\n");
  g_autofree char *data = NULL;

  /* GKeyFile escapes are decoded, so the rules see a real tab. */
  g_assert_cmpstr (messagerie_settings_get_password (settings), ==, "p@ss:w^rd\twith tab");

  data = messagerie_settings_to_data (settings, NULL);
  g_assert_null (strstr (data, "secret"));
  g_assert_null (strstr (data, "p@ss"));

  messagerie_settings_set_password (settings, NULL);
  g_assert_null (messagerie_settings_get_password (settings));
}

/* What the helper reads on standard input loads back into the same
 * settings and the same password, whatever the password holds. */
static void
test_to_input (void)
{
  const char *const passwords[] = {
    "plain",
    "with=equals=signs",
    "  leading and trailing spaces  ",
    "\tleading tab, inner\ttab",
    "back\\slash\\",
    "\\n not a line break",
    /* Refused by E9, but carried as it is: the rules judge it. */
    "line\nbreak\r\n",
    "# not a comment ; [secret] not a group",
    "non-ASCII: é ü € 日本",
    "",
  };
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);

  messagerie_settings_set (settings, "relay_user", "scribe");

  /* No password: the file alone, no [secret] group. */
  {
    g_autoptr(GBytes) input = messagerie_settings_to_input (settings);
    g_autoptr(MessagerieSettings) loaded = messagerie_settings_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    gsize length;

    data = messagerie_settings_to_data (settings, &length);
    g_assert_cmpmem (g_bytes_get_data (input, NULL), g_bytes_get_size (input), data, length);
    g_assert_true (messagerie_settings_load_data (loaded, g_bytes_get_data (input, NULL),
                                                  g_bytes_get_size (input), &error));
    g_assert_no_error (error);
    g_assert_null (messagerie_settings_get_password (loaded));
    g_assert_true (messagerie_settings_equal (settings, loaded));
  }

  for (guint i = 0; i < G_N_ELEMENTS (passwords); i++)
    {
      g_autoptr(GBytes) input = NULL;
      g_autoptr(MessagerieSettings) loaded = messagerie_settings_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      messagerie_settings_set_password (settings, passwords[i]);
      input = messagerie_settings_to_input (settings);
      text = g_strndup (g_bytes_get_data (input, NULL), g_bytes_get_size (input));
      g_assert_cmpuint (strlen (text), ==, g_bytes_get_size (input));
      g_assert_true (g_str_has_suffix (text, "\n"));
      g_assert_nonnull (strstr (text, "\n\n[secret]\npassword="));

      g_assert_true (messagerie_settings_load_data (loaded, text, strlen (text), &error));
      g_assert_no_error (error);
      g_assert_cmpstr (messagerie_settings_get_password (loaded), ==, passwords[i]);
      g_assert_true (messagerie_settings_equal (settings, loaded));
      /* Written again, it keeps nothing of the password. */
      {
        g_autofree char *data = messagerie_settings_to_data (loaded, NULL);

        g_assert_null (strstr (data, "[secret]"));
      }
    }
}

static void
test_relay_login (void)
{
  static const struct {
    const char *relay;
    const char *auth;
    const char *host;
    const char *user;
    gboolean    login;
  } cases[] = {
    { "true", "true", "smtp.ac-test.fr", "scribe", TRUE },
    { "true", "false", "smtp.ac-test.fr", "scribe", FALSE },
    { "false", "true", "smtp.ac-test.fr", "scribe", FALSE },
    { "true", "true", "", "scribe", FALSE },
    { "true", "true", "smtp.ac-test.fr", "", FALSE },
    /* Anything but "true" is off. */
    { "yes", "true", "smtp.ac-test.fr", "scribe", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MessagerieSettings) settings = load (scribe_conf);
      const char *host = "unset";
      const char *user = "unset";

      messagerie_settings_set (settings, "relay_enabled", cases[i].relay);
      messagerie_settings_set (settings, "relay_auth", cases[i].auth);
      messagerie_settings_set (settings, "relay_host", cases[i].host);
      messagerie_settings_set (settings, "relay_user", cases[i].user);

      g_assert_cmpint (messagerie_settings_get_relay_login (settings, &host, &user), ==, cases[i].login);
      g_assert_cmpint (messagerie_settings_get_relay_login (settings, NULL, NULL), ==, cases[i].login);
      if (cases[i].login)
        {
          g_assert_cmpstr (host, ==, cases[i].host);
          g_assert_cmpstr (user, ==, cases[i].user);
        }
      else
        {
          g_assert_null (host);
          g_assert_null (user);
        }
    }

  /* Nothing set: relaying is on by default, authentication off. */
  {
    g_autoptr(MessagerieSettings) settings = load ("");

    g_assert_false (messagerie_settings_get_relay_login (settings, NULL, NULL));
    messagerie_settings_set (settings, "relay_auth", "true");
    g_assert_false (messagerie_settings_get_relay_login (settings, NULL, NULL));
  }
}

static void
test_relay_port (void)
{
  static const struct {
    const char *tls;
    const char *implicit_switch;
    const char *port;
    gboolean    implicit;
  } cases[] = {
    { "no", "true", "25", FALSE },
    { "port-25", "true", "25", FALSE },
    { "port-465", "false", "465", TRUE },
    { "port-587", "true", "587", FALSE },
    { "custom", "false", "2525", FALSE },
    { "custom", "true", "2525", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MessagerieSettings) settings = load (scribe_conf);

      /* The custom port and the switch only count for a custom choice. */
      messagerie_settings_set (settings, "relay_port", "2525");
      messagerie_settings_set (settings, "relay_tls", cases[i].tls);
      messagerie_settings_set (settings, "relay_custom_implicit_tls", cases[i].implicit_switch);
      g_assert_cmpstr (messagerie_settings_get_relay_port (settings), ==, cases[i].port);
      g_assert_cmpint (messagerie_settings_get_relay_implicit_tls (settings), ==, cases[i].implicit);
    }
}

static void
test_escapes_reach_the_rules (void)
{
  g_autoptr(MessagerieSettings) settings =
    load ("[messagerie]\nroot_sender_name=Line\\nInjected: yes\nrelay_user=\\sback\\\\slash\\t\n"
          "root_recipient=raw\x1b[2Jescape\n");

  /* A decoded newline is what the rules must catch. */
  g_assert_cmpstr (messagerie_settings_get (settings, "root_sender_name"), ==, "Line\nInjected: yes");
  g_assert_true (messagerie_has_control_char (messagerie_settings_get (settings, "root_sender_name")));
  g_assert_cmpstr (messagerie_settings_get (settings, "relay_user"), ==, " back\\slash\t");
  /* So is a raw one in a known key: the rules name its row. */
  g_assert_cmpstr (messagerie_settings_get (settings, "root_recipient"), ==, "raw\x1b[2Jescape");
}

/* A known key given twice: GKeyFile returns the last and writes both, so
 * the value validated was not the only one written. The last wins, and is
 * the only line written. */
static void
test_repeated_keys (void)
{
  g_autoptr(MessagerieSettings) settings =
    load ("[messagerie]\nmail_domain=bad..domain\nroot_sender=a@b.fr\nmail_domain=good.ac-test.fr\n"
          "[general]\nmachine_name=one\n[messagerie]\nroot_sender=admin@good.ac-test.fr\n"
          "[general]\nmachine_name=two\n[someone-else]\nanswer=1\nanswer=2\n");
  g_autofree char *data = messagerie_settings_to_data (settings, NULL);

  g_assert_cmpstr (messagerie_settings_get (settings, "mail_domain"), ==, "good.ac-test.fr");
  g_assert_cmpstr (messagerie_settings_get (settings, "root_sender"), ==, "admin@good.ac-test.fr");
  g_assert_cmpstr (messagerie_settings_get (settings, "machine_name"), ==, "two");
  g_assert_cmpuint (test_count_lines (data, "mail_domain=", TRUE), ==, 1);
  g_assert_cmpuint (test_count_lines (data, "root_sender=", TRUE), ==, 1);
  g_assert_cmpuint (test_count_lines (data, "machine_name=", TRUE), ==, 1);
  g_assert_null (strstr (data, "bad..domain"));
  /* Unknown keys are another tool's: kept as they are. */
  g_assert_nonnull (strstr (data, "answer=1\nanswer=2\n"));
}

/* What GKeyFile accepts but must not reach the world-readable settings
 * file, or must not change a value silently: each an input error that
 * names the key or group. */
static void
test_hostile_input (void)
{
  static const struct {
    const char *data;
    int         code;
    const char *names;
  } cases[] = {
    /* A password anywhere but [secret]'s "password". */
    { "[Secret]\npassword=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "[Secret]" },
    { "[SECRET]\npassword=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "[SECRET]" },
    { "[messagerie]\npassword=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“password”" },
    { "[messagerie]\nPassword=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“Password”" },
    { "[messagerie]\nrelay_password=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“relay_password”" },
    { "[messagerie]\nrelay_pass=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“relay_pass”" },
    { "[messagerie]\npass=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“pass”" },
    { "[messagerie]\nrelay_passwd=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“relay_passwd”" },
    { "[messagerie]\nmot_de_passe=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“mot_de_passe”" },
    { "[messagerie]\nrelay_mdp=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“relay_mdp”" },
    { "[messagerie]\nsmtp_pwd=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“smtp_pwd”" },
    { "[general]\nclient_secret=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“client_secret”" },
    { "[messagerie]\npassword[fr]=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“password[fr]”" },
    { "[other-tool]\nPW=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“PW”" },
    { "[relay-passwords]\nsmtp=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "[relay-passwords]" },
    { "[secret]\nPassword=hunter2\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“Password”" },
    { "[secret]\npassword=hunter2\nuser=scribe\n", MESSAGERIE_SETTINGS_ERROR_SECRET, "“user”" },
    /* Escapes GKeyFile cannot decode whole. */
    { "[messagerie]\nrelay_host=ab\\\n", MESSAGERIE_SETTINGS_ERROR_ESCAPE, "“relay_host”" },
    { "[secret]\npassword=secret\\\n", MESSAGERIE_SETTINGS_ERROR_ESCAPE, "“password”" },
    { "[messagerie]\nroot_sender_name=x\\q\\\n", MESSAGERIE_SETTINGS_ERROR_ESCAPE, "“root_sender_name”" },
    { "[general]\ncontainers=a\\;b;\n", MESSAGERIE_SETTINGS_ERROR_ESCAPE, "“containers”" },
    /* A raw control character where no rule looks: kept as it is, it
     * would reach the file. */
    { "[someone-else]\nanswer=4\x1b[2J2\n", MESSAGERIE_SETTINGS_ERROR_CONTROL, "“answer”" },
    { "[messagerie]\nfuture_option=a\x7f\n", MESSAGERIE_SETTINGS_ERROR_CONTROL, "“future_option”" },
    { "# a comment \xe2\x80\xa8 with a line separator\n[messagerie]\n",
      MESSAGERIE_SETTINGS_ERROR_CONTROL, "Line 1" },
    { "[messagerie]\n# C1 \xc2\x9b\n", MESSAGERIE_SETTINGS_ERROR_CONTROL, "Line 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
      g_autoptr(GError) error = NULL;

      if (messagerie_settings_load_data (settings, cases[i].data, strlen (cases[i].data), &error))
        g_error ("case %u accepted: %s", i, cases[i].data);
      g_assert_error (error, MESSAGERIE_SETTINGS_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].names) == NULL)
        g_error ("“%s” does not name %s", error->message, cases[i].names);
      g_assert_null (strstr (error->message, "hunter2"));
    }

  /* Still accepted: unknown keys and groups with harmless names, tabs and
   * CRLF line ends, the escapes GKeyFile knows. */
  {
    g_autoptr(MessagerieSettings) settings =
      load ("# comment\twith a tab\r\n[someone-else]\r\nanswer=4\t2\r\n"
            "[messagerie]\nrelay_user=a\\\\b\\sc\nfuture_option=x\n");
    g_autofree char *data = messagerie_settings_to_data (settings, NULL);

    g_assert_cmpstr (messagerie_settings_get (settings, "relay_user"), ==, "a\\b c");
    g_assert_nonnull (strstr (data, "future_option=x\n"));
    g_assert_nonnull (strstr (data, "[someone-else]"));
  }
}

static void
test_bad_input (void)
{
  static const struct {
    const char *data;
    gsize       length;
    int         code;
  } cases[] = {
    { "[messagerie]\nmail_domain=a\0b.fr\n", 32, MESSAGERIE_SETTINGS_ERROR_NUL },
    { "[messagerie]\nmail_domain=\xff\xfe.fr\n", 31, MESSAGERIE_SETTINGS_ERROR_NOT_UTF8 },
    { "this is not a key file\n", 23, MESSAGERIE_SETTINGS_ERROR_PARSE },
    { "[messagerie\nmail_domain=x\n", 26, MESSAGERIE_SETTINGS_ERROR_PARSE },
  };
  g_autofree char *large = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (messagerie_settings_load_data (settings, cases[i].data, cases[i].length, &error));
      g_assert_error (error, MESSAGERIE_SETTINGS_ERROR, cases[i].code);
    }

  /* 64 KiB is accepted, one byte more is not. */
  large = g_malloc (MESSAGERIE_SETTINGS_MAX_INPUT + 1);
  memset (large, '#', MESSAGERIE_SETTINGS_MAX_INPUT + 1);
  large[MESSAGERIE_SETTINGS_MAX_INPUT - 1] = '\n';
  {
    g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (messagerie_settings_load_data (settings, large, MESSAGERIE_SETTINGS_MAX_INPUT, &error));
    g_assert_no_error (error);
    g_assert_false (messagerie_settings_load_data (settings, large, MESSAGERIE_SETTINGS_MAX_INPUT + 1, &error));
    g_assert_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_TOO_LARGE);
  }
}

static void
count_changes (MessagerieSettings *settings,
               const char         *key,
               GPtrArray          *seen)
{
  g_ptr_array_add (seen, g_strdup (key));
}

static void
test_changed_signal (void)
{
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (settings, "changed::relay_host", G_CALLBACK (count_changes), seen);

  messagerie_settings_set (settings, "relay_host", "smtp.ac-test.fr");
  messagerie_settings_set (settings, "relay_host", "smtp.ac-test.fr");
  messagerie_settings_set (settings, "relay_user", "someone");
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "relay_host");
}

static void
test_profiles_and_normalize (void)
{
  static const struct {
    const char *module;
    gboolean    mail_server;
  } modules[] = {
    { "scribe", TRUE }, { "amonecole", TRUE }, { "amon", FALSE },
    { "eolebase", FALSE }, { "Scribe", FALSE }, { "", FALSE },
  };
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);
  guint64 value = 0;

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      messagerie_settings_set (settings, "module", modules[i].module);
      g_assert_cmpint (messagerie_settings_has_mail_server (settings), ==, modules[i].mail_server);
    }

  messagerie_settings_set (settings, "mail_domain", "MonEtab.AC-Test.FR");
  messagerie_settings_normalize (settings);
  g_assert_cmpstr (messagerie_settings_get (settings, "mail_domain"), ==, "monetab.ac-test.fr");

  g_assert_true (messagerie_parse_uint ("2048", 2048, &value));
  g_assert_cmpuint (value, ==, 2048);
  g_assert_false (messagerie_parse_uint ("2049", 2048, NULL));
  g_assert_false (messagerie_parse_uint ("-1", 2048, NULL));
  g_assert_false (messagerie_parse_uint (" 1", 2048, NULL));
  g_assert_false (messagerie_parse_uint ("1.5", 2048, NULL));
  g_assert_false (messagerie_parse_uint ("", 2048, NULL));
  g_assert_false (messagerie_parse_uint ("99999999999999999999999", G_MAXUINT64, NULL));
}

static void
test_copy_and_equal (void)
{
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);
  g_autoptr(MessagerieSettings) copy = NULL;

  messagerie_settings_set (settings, "relay_user", "scribe");
  messagerie_settings_set_password (settings, "secret");
  copy = messagerie_settings_copy (settings);
  g_assert_true (messagerie_settings_equal (settings, copy));

  messagerie_settings_set (copy, "relay_user", "other");
  g_assert_false (messagerie_settings_equal (settings, copy));
  messagerie_settings_set (copy, "relay_user", "scribe");
  g_assert_true (messagerie_settings_equal (settings, copy));
  messagerie_settings_set_password (copy, "changed");
  g_assert_false (messagerie_settings_equal (settings, copy));
}

static void
test_in_use (void)
{
  static const struct {
    const char *module;
    const char *relay;
    const char *tls;
    const char *auth;
    const char *in_use;      /* keys that must be in use, space-separated */
    const char *not_in_use;
  } cases[] = {
    { "scribe", "true", "custom", "true",
      "antispam mail_server mailing_lists mailbox_quota_mb relay_host relay_tls relay_port "
      "relay_custom_implicit_tls relay_tls_verify relay_auth relay_user password mail_domain", "" },
    { "amon", "true", "port-587", "false",
      "relay_host relay_tls relay_tls_verify relay_auth relay_enabled root_sender",
      "antispam mail_server mailing_lists mailbox_quota_mb relay_port relay_custom_implicit_tls "
      "relay_user password" },
    { "scribe", "true", "no", "true",
      "relay_host relay_user password", "relay_tls_verify relay_port" },
    { "scribe", "false", "custom", "true",
      "relay_enabled mail_domain max_message_size_mb rewrite_headers",
      "relay_host relay_tls relay_port relay_tls_verify relay_auth relay_user password" },
    /* An invalid switch is off. */
    { "scribe", "yes", "port-25", "true", "relay_enabled", "relay_host relay_user" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MessagerieSettings) settings = load ("");
      g_auto(GStrv) in_use = g_strsplit (cases[i].in_use, " ", -1);
      g_auto(GStrv) not_in_use = g_strsplit (cases[i].not_in_use, " ", -1);

      messagerie_settings_set (settings, "module", cases[i].module);
      messagerie_settings_set (settings, "relay_enabled", cases[i].relay);
      messagerie_settings_set (settings, "relay_tls", cases[i].tls);
      messagerie_settings_set (settings, "relay_auth", cases[i].auth);

      for (guint j = 0; in_use[j]; j++)
        if (*in_use[j] && !messagerie_settings_in_use (settings, in_use[j]))
          g_error ("case %u: %s should be in use", i, in_use[j]);
      for (guint j = 0; not_in_use[j]; j++)
        if (*not_in_use[j] && messagerie_settings_in_use (settings, not_in_use[j]))
          g_error ("case %u: %s should not be in use", i, not_in_use[j]);
    }
}

/* The key table: for every key (and the password), the least mode whose
 * window shows it, and when it is in use. Every key of the table must be
 * here, so that a new key gets its mode and rule on purpose. */
static void
test_key_table (void)
{
  /* What each in-use rule is given: w = no mail server (amon), m = a mail
   * server with the anti-spam off, s = with it on, r = relaying off,
   * n = relaying without TLS or login, t = STARTTLS on 587, c = a custom
   * port, l = a login. */
  static const char *const contexts = "wmsrntcl";
  static const struct {
    const char     *key;
    MessagerieMode  mode;
    const char     *in_use;   /* the contexts above in which it is */
  } cases[] = {
    { "machine_name", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "dns_domain", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "containers", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "module", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "webmail", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "apache_upload_max_mb", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "antispam", MESSAGERIE_MODE_BASIC, "msrntcl" },
    { "spam_flag_score", MESSAGERIE_MODE_EXPERT, "srntcl" },
    { "spam_reject_score", MESSAGERIE_MODE_EXPERT, "srntcl" },
    { "mail_server", MESSAGERIE_MODE_BASIC, "msrntcl" },
    { "mailing_lists", MESSAGERIE_MODE_BASIC, "msrntcl" },
    { "mail_domain", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "root_sender", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "root_sender_name", MESSAGERIE_MODE_NORMAL, "wmsrntcl" },
    { "root_recipient", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "max_message_size_mb", MESSAGERIE_MODE_NORMAL, "wmsrntcl" },
    { "mailbox_quota_mb", MESSAGERIE_MODE_BASIC, "msrntcl" },
    { "rewrite_headers", MESSAGERIE_MODE_EXPERT, "wmsrntcl" },
    { "relay_enabled", MESSAGERIE_MODE_BASIC, "wmsrntcl" },
    { "relay_host", MESSAGERIE_MODE_BASIC, "wmsntcl" },
    { "relay_tls", MESSAGERIE_MODE_BASIC, "wmsntcl" },
    { "relay_port", MESSAGERIE_MODE_BASIC, "c" },
    { "relay_custom_implicit_tls", MESSAGERIE_MODE_EXPERT, "c" },
    { "relay_tls_verify", MESSAGERIE_MODE_EXPERT, "wmstcl" },
    { "relay_auth", MESSAGERIE_MODE_BASIC, "wmsntcl" },
    { "relay_user", MESSAGERIE_MODE_BASIC, "l" },
    { "password", MESSAGERIE_MODE_BASIC, "l" },
  };
  g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func (g_object_unref);
  const MessagerieKey *keys;
  guint n_keys;

  for (const char *c = contexts; *c; c++)
    {
      MessagerieSettings *context = load ("");
      /* Every context but w and r relays over STARTTLS on 587 and logs in
       * only where it says so. */
      const char *module = *c == 'w' ? "amon" : "scribe";
      const char *tls = *c == 'n' ? "no" : *c == 'c' ? "custom" : "port-587";

      messagerie_settings_set (context, "module", module);
      messagerie_settings_set (context, "antispam", *c == 'm' ? "false" : "true");
      messagerie_settings_set (context, "relay_enabled", *c == 'r' ? "false" : "true");
      messagerie_settings_set (context, "relay_tls", *c == 'r' ? "port-465" : tls);
      messagerie_settings_set (context, "relay_auth", *c == 'l' || *c == 'r' ? "true" : "false");
      g_ptr_array_add (settings, context);
    }

  keys = messagerie_settings_keys (&n_keys);
  g_assert_cmpuint (n_keys + 1, ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < n_keys; i++)
    {
      guint j;

      for (j = 0; j < G_N_ELEMENTS (cases); j++)
        if (g_str_equal (cases[j].key, keys[i].name))
          break;
      if (j == G_N_ELEMENTS (cases))
        g_error ("the key %s has no case", keys[i].name);
      g_assert_cmpint (keys[i].mode, ==, cases[j].mode);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (messagerie_settings_key_mode (cases[i].key) != cases[i].mode)
        g_error ("%s: mode %d, not %d", cases[i].key,
                 messagerie_settings_key_mode (cases[i].key), cases[i].mode);

      for (guint c = 0; contexts[c]; c++)
        {
          gboolean expected = strchr (cases[i].in_use, contexts[c]) != NULL;

          if (messagerie_settings_in_use (g_ptr_array_index (settings, c), cases[i].key) != expected)
            g_error ("%s should %sbe in use in context %c", cases[i].key,
                     expected ? "" : "not ", contexts[c]);
        }
    }

  /* Not in the table: shown in every mode, always in use. */
  g_assert_cmpint (messagerie_settings_key_mode ("unknown"), ==, MESSAGERIE_MODE_BASIC);
  g_assert_true (messagerie_settings_in_use (g_ptr_array_index (settings, 0), "unknown"));
}

static void
test_domain_is_host_name (void)
{
  g_autoptr(MessagerieSettings) settings = load (scribe_conf);

  {
    g_autofree char *name = messagerie_settings_dup_server_name (settings);

    g_assert_cmpstr (name, ==, "scribe.monetab.lan");
  }
  g_assert_false (messagerie_settings_domain_is_host_name (settings));
  messagerie_settings_set (settings, "mail_domain", "Scribe.MonEtab.lan");
  g_assert_true (messagerie_settings_domain_is_host_name (settings));
  messagerie_settings_set (settings, "mail_domain", "scribe.monetab.lan.fr");
  g_assert_false (messagerie_settings_domain_is_host_name (settings));

  /* Without a DNS domain the host name is the machine name alone. */
  messagerie_settings_set (settings, "dns_domain", "");
  messagerie_settings_set (settings, "mail_domain", "scribe");
  g_assert_true (messagerie_settings_domain_is_host_name (settings));
  {
    g_autofree char *name = messagerie_settings_dup_server_name (settings);

    g_assert_cmpstr (name, ==, "scribe");
  }

  /* Nor is a DNS domain without a machine name a name. */
  messagerie_settings_set (settings, "dns_domain", "monetab.lan");
  messagerie_settings_set (settings, "machine_name", "");
  {
    g_autofree char *name = messagerie_settings_dup_server_name (settings);

    g_assert_cmpstr (name, ==, "");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/defaults-and-fallbacks", test_defaults_and_fallbacks);
  g_test_add_func ("/settings/file-wins-over-system", test_file_wins_over_system);
  g_test_add_func ("/settings/round-trip", test_round_trip);
  g_test_add_func ("/settings/save-file", test_save_file);
  g_test_add_func ("/settings/secret-group", test_secret_group);
  g_test_add_func ("/settings/to-input", test_to_input);
  g_test_add_func ("/settings/relay-login", test_relay_login);
  g_test_add_func ("/settings/relay-port", test_relay_port);
  g_test_add_func ("/settings/escapes-reach-the-rules", test_escapes_reach_the_rules);
  g_test_add_func ("/settings/bad-input", test_bad_input);
  g_test_add_func ("/settings/hostile-input", test_hostile_input);
  g_test_add_func ("/settings/repeated-keys", test_repeated_keys);
  g_test_add_func ("/settings/changed-signal", test_changed_signal);
  g_test_add_func ("/settings/profiles-and-normalize", test_profiles_and_normalize);
  g_test_add_func ("/settings/copy-and-equal", test_copy_and_equal);
  g_test_add_func ("/settings/in-use", test_in_use);
  g_test_add_func ("/settings/key-table", test_key_table);
  g_test_add_func ("/settings/domain-is-host-name", test_domain_is_host_name);

  return g_test_run ();
}
