/* SPDX-License-Identifier: GPL-3.0-or-later */

/* messagerie-helper's unprivileged verbs, run as a separate process the way
 * the application and administrators run it. */

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <string.h>

#include <glib/gstdio.h>

#include "../src/helper/messagerie-helper-codes.h"
#include "test-util.h"

static const char good_conf[] =
  "[general]\n"
  "machine_name=scribe\n"
  "dns_domain=monetab.lan\n"
  "containers=scribe;web;\n"
  "module=scribe\n"
  "webmail=roundcube\n"
  "apache_upload_max_mb=20\n"
  "[messagerie]\n"
  "mail_domain=monetab.ac-test.fr\n"
  "root_sender=admin@monetab.ac-test.fr\n"
  "root_recipient=admin@monetab.ac-test.fr\n"
  "relay_enabled=true\n"
  "relay_host=smtp.ac-test.fr\n"
  "relay_tls=port-587\n"
  "relay_auth=true\n"
  "relay_user=scribe\n";

static void
assert_one_error_line (HelperRun *run)
{
  g_assert_true (g_str_has_prefix (run->err, "Error: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  /* One line: its only newline is the last character. */
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
  g_assert_cmpstr (run->out, ==, "");
}

static void
test_validate_good (void)
{
  g_auto(HelperRun) run = { 0 };
  g_autofree char *input = g_strconcat (good_conf, "[secret]\npassword=a-password\n", NULL);

  helper_run (&run, input, -1, NULL, "validate", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_validate_findings (void)
{
  g_auto(HelperRun) run = { 0 };
  g_autofree char *input = g_strconcat (good_conf,
                                        "mail_domain=scribe.monetab.lan\n"
                                        "relay_tls=no\n"
                                        "root_recipient=\n"
                                        "[secret]\npassword=hunter2-secret\n", NULL);
  g_auto(GStrv) lines = NULL;
  gboolean saw_e2 = FALSE, saw_e3 = FALSE, saw_w2 = FALSE;

  helper_run (&run, input, -1, NULL, "validate", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_INVALID);
  g_assert_cmpstr (run.err, ==, "");

  lines = g_strsplit (run.out, "\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      /* severity, key, rule, message */
      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      g_assert_true (g_str_equal (fields[0], "error") || g_str_equal (fields[0], "warning"));
      g_assert_cmpuint (strlen (fields[3]), >, 10);
      if (g_str_equal (fields[1], "mail_domain") && g_str_equal (fields[2], "E2"))
        saw_e2 = g_str_equal (fields[0], "error");
      if (g_str_equal (fields[1], "root_recipient") && g_str_equal (fields[2], "E3"))
        saw_e3 = g_str_equal (fields[0], "error");
      if (g_str_equal (fields[1], "relay_tls") && g_str_equal (fields[2], "W2"))
        saw_w2 = g_str_equal (fields[0], "warning");
    }
  g_assert_true (saw_e2);
  g_assert_true (saw_e3);
  g_assert_true (saw_w2);
  g_assert_null (strstr (run.out, "hunter2"));
}

static void
test_validate_warning_only (void)
{
  g_auto(HelperRun) run = { 0 };
  g_autofree char *input = g_strconcat (good_conf, "max_message_size_mb=30\n", NULL);

  /* W1: larger than Apache's upload limit; a warning does not fail. */
  helper_run (&run, input, -1, NULL, "validate", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
  g_assert_true (g_str_has_prefix (run.out, "warning\tmax_message_size_mb\tW1\t"));
}

static void
test_bad_input (void)
{
  static const char *const verbs[] = { "validate", "render" };
  g_autofree char *large = g_malloc (64 * 1024 + 2);

  memset (large, '#', 64 * 1024 + 2);
  large[64 * 1024 + 1] = '\n';

  for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
    {
      const struct {
        const char *data;
        gsize       length;
        const char *says;
      } cases[] = {
        { "[messagerie]\nmail_domain=\xc3\x28.fr\n", 30, "UTF-8" },
        { "[messagerie]\nmail_domain=a\0b.fr\n", 32, "NUL" },
        { large, 64 * 1024 + 2, "64 KiB" },
        { "mail_domain=monetab.ac-test.fr\n", 31, "key file" },
        { "\xef\xbb\xbf[messagerie\n", 15, "key file" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_auto(HelperRun) run = { 0 };

          helper_run (&run, cases[i].data, cases[i].length, NULL, verbs[v], NULL);
          g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_BAD_INPUT);
          assert_one_error_line (&run);
          if (strstr (run.err, cases[i].says) == NULL)
            g_error ("“%s” does not mention %s", run.err, cases[i].says);
        }
    }
}

static void
test_usage (void)
{
  g_auto(HelperRun) none = { 0 };
  g_auto(HelperRun) unknown = { 0 };
  g_auto(HelperRun) option = { 0 };
  g_auto(HelperRun) help = { 0 };
  g_auto(HelperRun) root_missing = { 0 };

  helper_run (&none, "", 0, NULL, NULL);
  g_assert_cmpint (none.status, ==, MESSAGERIE_EXIT_USAGE);

  helper_run (&unknown, "", 0, NULL, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, MESSAGERIE_EXIT_USAGE);
  assert_one_error_line (&unknown);

  helper_run (&option, "", 0, NULL, "--frob", "validate", NULL);
  g_assert_cmpint (option.status, ==, MESSAGERIE_EXIT_USAGE);
  assert_one_error_line (&option);

  helper_run (&root_missing, "", 0, NULL, "validate", "--root", NULL);
  g_assert_cmpint (root_missing.status, ==, MESSAGERIE_EXIT_USAGE);

  helper_run (&help, "", 0, NULL, "--help", NULL);
  g_assert_cmpint (help.status, ==, MESSAGERIE_EXIT_OK);
  g_assert_nonnull (strstr (help.out, "validate"));
  g_assert_nonnull (strstr (help.out, "render"));
}

static void
test_root_refused_under_pkexec (void)
{
  g_auto(HelperRun) run = { 0 };
  const char *env[] = { "PKEXEC_UID", "1000", NULL };

  helper_run (&run, good_conf, -1, env, "--root", "/tmp", "render", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_REFUSED);
  assert_one_error_line (&run);
  g_assert_nonnull (strstr (run.err, "--root"));
}

static char *
make_root (void)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("messagerie-helper-XXXXXX", &error);
  g_autofree char *exim = g_build_filename (root, "etc", "exim4", NULL);
  g_autofree char *aliases = g_build_filename (root, "etc", "aliases", NULL);
  g_autofree char *passwd = g_build_filename (exim, "passwd.client", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (exim, 0755), ==, 0);
  g_file_set_contents (aliases, "postmaster: root\nroot: old@example.org\nabuse: root\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (passwd, "smtp.ac-test.fr:scribe:stored-on-server\n", -1, &error);
  g_assert_no_error (error);
  return root;
}

static void
test_render_root (void)
{
  g_autofree char *root = make_root ();
  g_auto(HelperRun) run = { 0 };
  g_autoptr(GHashTable) files = NULL;

  helper_run (&run, good_conf, -1, NULL, "--root", root, "render", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);

  files = parse_render (run.out);
  g_assert_true (g_str_has_prefix (run.out, "==> /etc/messagerie/messagerie.conf <==\n"));
  g_assert_cmpstr (g_hash_table_lookup (files, "/etc/mailname"), ==, "monetab.ac-test.fr\n");
  g_assert_cmpstr (g_hash_table_lookup (files, "/etc/aliases"), ==,
                   "postmaster: root\nroot: admin@monetab.ac-test.fr\nabuse: root\n");
  /* No password sent: the server's stays, and is not shown. */
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "/etc/exim4/passwd.client"),
                            "\nsmtp.ac-test.fr:scribe:********\n"));
  g_assert_null (strstr (run.out, "stored-on-server"));
  g_assert_nonnull (g_hash_table_lookup (files, "/etc/exim4/exim4.conf.localmacros"));
  g_assert_nonnull (g_hash_table_lookup (files, "/etc/exim4/update-exim4.conf.conf"));
  /* Dovecot is not installed: no /etc/dovecot, so no fragment of it. */
  g_assert_false (g_hash_table_contains (files, "/etc/dovecot/conf.d/99-messagerie.conf"));

  /* Rendering writes nothing. */
  {
    g_autofree char *mailname = g_build_filename (root, "etc", "mailname", NULL);

    g_assert_false (g_file_test (mailname, G_FILE_TEST_EXISTS));
  }

  /* Once Dovecot's folder is there, its fragment is rendered. */
  {
    g_autofree char *dovecot = g_build_filename (root, "etc", "dovecot", NULL);
    g_auto(HelperRun) installed = { 0 };
    g_autoptr(GHashTable) with_dovecot = NULL;

    g_assert_cmpint (g_mkdir (dovecot, 0755), ==, 0);
    helper_run (&installed, good_conf, -1, NULL, "--root", root, "render", NULL);
    g_assert_cmpint (installed.status, ==, MESSAGERIE_EXIT_OK);
    with_dovecot = parse_render (installed.out);
    g_assert_nonnull (g_hash_table_lookup (with_dovecot, "/etc/dovecot/conf.d/99-messagerie.conf"));
  }

  remove_tmp_dir (root);
}

static void
test_render_password (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *input = g_strconcat (good_conf, "relay_host=192.0.2.25\n[secret]\npassword=new:pass\n", NULL);
  g_autofree char *no_password = g_strconcat (good_conf, "relay_host=192.0.2.25\n", NULL);
  g_autofree char *passwd = g_build_filename (root, "etc", "exim4", "passwd.client", NULL);
  g_auto(HelperRun) run = { 0 };
  g_auto(HelperRun) missing = { 0 };
  g_autoptr(GHashTable) files = NULL;
  const char *passwd_shown;

  /* An administrator's line for another gateway, with its own password. */
  g_file_set_contents (passwd, "# the old relay\nold.example.org:bob:admin-secret\n"
                               "\"2001:db8::9\" : carol : v6:secret\nmalformed-line-secret\n", -1, NULL);
  helper_run (&run, input, -1, NULL, "--root", root, "render", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
  files = parse_render (run.out);
  /* Where each password would be written, never one of them. */
  passwd_shown = g_hash_table_lookup (files, "/etc/exim4/passwd.client");
  assert_has_line (passwd_shown, "192.0.2.25:scribe:********");
  assert_has_line (passwd_shown, "*:scribe:********");
  assert_has_line (passwd_shown, "old.example.org:bob:********");
  assert_has_line (passwd_shown, "\"2001:db8::9\" : carol :********");
  assert_has_line (passwd_shown, "********");
  assert_has_line (passwd_shown, "# the old relay");
  g_assert_null (strstr (run.out, "new:pass"));
  g_assert_null (strstr (run.out, "admin-secret"));
  g_assert_null (strstr (run.out, "v6:secret"));
  g_assert_null (strstr (run.out, "malformed-line-secret"));

  /* A gateway with no password anywhere: a clear failure, not an empty one. */
  g_remove (passwd);
  helper_run (&missing, no_password, -1, NULL, "--root", root, "render", NULL);
  g_assert_cmpint (missing.status, ==, MESSAGERIE_EXIT_FAILED);
  assert_one_error_line (&missing);
  g_assert_nonnull (strstr (missing.err, "password"));

  remove_tmp_dir (root);
}

static void
test_render_unreadable (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *aliases = g_build_filename (root, "etc", "aliases", NULL);
  g_auto(HelperRun) run = { 0 };

  /* A folder where a file should be cannot be read: say which. */
  g_remove (aliases);
  g_assert_cmpint (g_mkdir (aliases, 0755), ==, 0);
  helper_run (&run, good_conf, -1, NULL, "--root", root, "render", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_FAILED);
  assert_one_error_line (&run);
  g_assert_nonnull (strstr (run.err, "aliases"));

  remove_tmp_dir (root);
}

/* Settings GKeyFile accepts but Messagerie must not: refused on standard
 * input before anything is applied, naming the key or group; GLib's
 * warnings fatal, as a GError set twice would abort. */
static void
test_hostile_settings (void)
{
  static const struct {
    const char *extra;
    int         status;
    const char *names;
  } cases[] = {
    { "[Secret]\npassword=hunter2-secret\n", MESSAGERIE_EXIT_BAD_INPUT, "[Secret]" },
    { "password=hunter2-secret\n", MESSAGERIE_EXIT_BAD_INPUT, "“password”" },
    { "Relay_Password=hunter2-secret\n", MESSAGERIE_EXIT_BAD_INPUT, "“Relay_Password”" },
    { "relay_host=ab\\\n", MESSAGERIE_EXIT_BAD_INPUT, "“relay_host”" },
    { "root_sender_name=x\\q\\\n", MESSAGERIE_EXIT_BAD_INPUT, "“root_sender_name”" },
    { "[secret]\npassword=hunter2-secret\\\n", MESSAGERIE_EXIT_BAD_INPUT, "“password”" },
    /* In place of good_conf's machine name. */
    { "machine_name=ok\x1b[2J\n", MESSAGERIE_EXIT_INVALID, "error\tmachine_name\tE11\t" },
    { "machine_name=ok\x7f\n", MESSAGERIE_EXIT_INVALID, "error\tmachine_name\tE11\t" },
    { "machine_name=ok\xe2\x80\xa8\n", MESSAGERIE_EXIT_INVALID, "error\tmachine_name\tE11\t" },
  };
  const char *env[] = { "G_DEBUG", "fatal-warnings,fatal-criticals", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* good_conf ends in [messagerie]: a key alone lands there. */
      g_autoptr(GString) input = g_string_new (good_conf);
      g_autofree char *root = make_root ();
      g_autofree char *conf = g_build_filename (root, "etc", "messagerie", "messagerie.conf", NULL);
      g_auto(HelperRun) validate = { 0 };
      g_auto(HelperRun) apply = { 0 };

      if (g_str_has_prefix (cases[i].extra, "machine_name="))
        g_string_replace (input, "machine_name=scribe\n", cases[i].extra, 1);
      else
        g_string_append (input, cases[i].extra);

      helper_run (&validate, input->str, -1, env, "validate", NULL);
      g_assert_cmpint (validate.status, ==, cases[i].status);
      if (strstr (validate.out, cases[i].names) == NULL && strstr (validate.err, cases[i].names) == NULL)
        g_error ("validate of case %u does not name %s:\n%s%s", i, cases[i].names, validate.out, validate.err);

      helper_run (&apply, input->str, -1, env, "--root", root, "apply", NULL);
      assert_result (&apply, cases[i].status,
                     cases[i].status == MESSAGERIE_EXIT_BAD_INPUT ? "input" : "invalid");
      g_assert_nonnull (strstr (apply.out, cases[i].names));
      g_assert_null (strstr (apply.out, "hunter2"));
      g_assert_null (strstr (apply.err, "hunter2"));
      /* Nothing applied: not even the settings file. */
      g_assert_false (g_file_test (conf, G_FILE_TEST_EXISTS));

      remove_tmp_dir (root);
    }

  /* A key given twice: the last one is validated, and is the only one
   * written. */
  {
    g_autofree char *input = g_strconcat (good_conf, "mail_domain=bad..domain\n"
                                          "mail_domain=monetab.ac-test.fr\n", NULL);
    g_autofree char *root = make_root ();
    g_autoptr(GHashTable) files = NULL;
    g_auto(HelperRun) run = { 0 };
    const char *conf;

    helper_run (&run, input, -1, env, "--root", root, "render", NULL);
    g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
    files = parse_render (run.out);
    conf = g_hash_table_lookup (files, "/etc/messagerie/messagerie.conf");
    g_assert_cmpuint (test_count_lines (conf, "mail_domain=", TRUE), ==, 1);
    assert_has_line (conf, "mail_domain=monetab.ac-test.fr");
    remove_tmp_dir (root);
  }
}

/* A read error on standard input is not its end: `apply < /tmp` (a
 * folder, EISDIR) is bad input, and nothing is applied. */
static void
test_read_error (void)
{
  static const char *const verbs[] = { "validate", "render", "apply", "probe" };
  g_autofree char *root = make_root ();
  g_autofree char *conf = g_build_filename (root, "etc", "messagerie", "messagerie.conf", NULL);

  for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                           G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_auto(GStrv) env = helper_environment (NULL);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      g_assert_cmpint (fd, >=, 0);
      g_subprocess_launcher_set_environ (launcher, env);
      g_subprocess_launcher_take_stdin_fd (launcher, fd);
      process = g_subprocess_launcher_spawn (launcher, &error, helper_path (), "--root", root, verbs[v], NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, MESSAGERIE_EXIT_BAD_INPUT);
      if (strstr (out, "Cannot read the settings on standard input: Is a directory") == NULL &&
          strstr (err, "Cannot read the settings on standard input: Is a directory") == NULL)
        g_error ("%s: %s%s", verbs[v], out, err);
      if (g_str_equal (verbs[v], "apply") || g_str_equal (verbs[v], "probe"))
        g_assert_nonnull (strstr (out, "\nresult\tinput\t"));
    }

  g_assert_false (g_file_test (conf, G_FILE_TEST_EXISTS));
  remove_tmp_dir (root);
}

/* The helper holds the password in memory from its first read: it is not
 * dumpable (the files of its /proc folder are then root's, whoever runs
 * it) and may
 * write no core, checked while it waits for its input. As root, it runs
 * as nobody, where the owner tells. */
static void
test_no_core_dump (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_auto(GStrv) env = helper_environment (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *proc = NULL;
  g_autofree char *limits = NULL;
  gboolean waiting = FALSE;
  uid_t runs_as = geteuid () == 0 ? 65534 : geteuid ();
  struct stat st;

  g_subprocess_launcher_set_environ (launcher, env);
  if (geteuid () == 0)
    process = g_subprocess_launcher_spawn (launcher, &error, "setpriv", "--reuid=65534", "--regid=65534",
                                           "--clear-groups", helper_path (), "validate", NULL);
  else
    process = g_subprocess_launcher_spawn (launcher, &error, helper_path (), "validate", NULL);
  g_assert_no_error (error);
  proc = g_strdup_printf ("/proc/%s", g_subprocess_get_identifier (process));

  /* The helper itself (not setpriv), asleep in its read of standard
   * input, which the test has not closed. */
  for (guint i = 0; i < 500 && !waiting; i++)
    {
      g_autofree char *comm_path = g_build_filename (proc, "comm", NULL);
      g_autofree char *stat_path = g_build_filename (proc, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat_text = NULL;

      g_file_get_contents (comm_path, &comm, NULL, NULL);
      g_file_get_contents (stat_path, &stat_text, NULL, NULL);
      waiting = comm != NULL && g_str_has_prefix (comm, "messagerie-help") &&
                stat_text != NULL && strstr (stat_text, ") S ") != NULL;
      if (!waiting)
        g_usleep (10000);
    }
  g_assert_true (waiting);

  {
    g_autofree char *status_path = g_build_filename (proc, "status", NULL);

    g_assert_cmpint (stat (status_path, &st), ==, 0);
  }
  g_assert_cmpuint (st.st_uid, !=, runs_as);
  g_assert_cmpuint (st.st_uid, ==, 0);
  {
    g_autofree char *limits_path = g_build_filename (proc, "limits", NULL);

    g_file_get_contents (limits_path, &limits, NULL, &error);
    g_assert_no_error (error);
  }
  if (!g_regex_match_simple ("^Max core file size +0 +0 +bytes", limits, G_REGEX_MULTILINE, 0))
    g_error ("core dumps are not off:\n%s", limits);

  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}

/* An institution's /etc/aliases: one line per person, 100 000 of them
 * (6 MB), is rendered; a file past the helper's limit is refused by name,
 * by render and by apply, without a crash. */
static void
test_big_file (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *aliases = g_build_filename (root, "etc", "aliases", NULL);
  g_autoptr(GString) big = g_string_new ("postmaster: root\nroot: old@example.org\n");
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(HelperRun) run = { 0 };
  g_auto(HelperRun) too_large = { 0 };
  g_auto(HelperRun) apply = { 0 };
  const char *rendered;
  int fd;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (big, "prenom.nom%06u: prenom.nom%06u@eleves.monetab.ac-test.fr\n", i, i);
  g_assert_cmpuint (big->len, >, 4 * 1024 * 1024);
  g_file_set_contents (aliases, big->str, big->len, &error);
  g_assert_no_error (error);

  helper_run (&run, good_conf, -1, NULL, "--root", root, "render", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
  files = parse_render (run.out);
  rendered = g_hash_table_lookup (files, "/etc/aliases");
  g_assert_nonnull (rendered);
  g_assert_true (g_str_has_prefix (rendered, "postmaster: root\nroot: admin@monetab.ac-test.fr\n"));
  g_assert_cmpuint (test_count_lines (rendered, "prenom.nom", TRUE), ==, 100000);

  /* 64 MiB and one byte: sparse, so it costs no disk. */
  fd = g_open (aliases, O_WRONLY | O_TRUNC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 64 * 1024 * 1024 + 1), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);

  helper_run (&too_large, good_conf, -1, NULL, "--root", root, "render", NULL);
  g_assert_cmpint (too_large.status, ==, MESSAGERIE_EXIT_FAILED);
  assert_one_error_line (&too_large);
  g_assert_nonnull (strstr (too_large.err, "/etc/aliases is larger than 64 MiB"));

  helper_run (&apply, good_conf, -1, NULL, "--root", root, "apply", NULL);
  assert_result (&apply, MESSAGERIE_EXIT_FAILED, "failed");
  assert_has_line_prefix (apply.out, "failed\trender\t-\t/etc/aliases is larger than 64 MiB");

  remove_tmp_dir (root);
}

/* render as an ordinary user, as SPEC §6 has it: passwd.client (0640,
 * root:Debian-exim on a server) cannot be read, which is said first, and
 * is no failure. As root, the helper runs as nobody (setpriv). */
static void
test_render_unprivileged (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *passwd = g_build_filename (root, "etc", "exim4", "passwd.client", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_auto(GStrv) env = helper_environment (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  const char *rest;

  g_assert_cmpint (g_chmod (root, 0755), ==, 0);
  g_assert_cmpint (g_chmod (passwd, 0640), ==, 0);
  g_subprocess_launcher_set_environ (launcher, env);
  if (geteuid () == 0)
    process = g_subprocess_launcher_spawn (launcher, &error, "setpriv", "--reuid=65534", "--regid=65534",
                                           "--clear-groups", helper_path (), "--root", root, "render", NULL);
  else
    {
      g_assert_cmpint (g_chmod (passwd, 0), ==, 0);
      process = g_subprocess_launcher_spawn (launcher, &error, helper_path (), "--root", root, "render", NULL);
    }
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, good_conf, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (g_subprocess_get_exit_status (process) != MESSAGERIE_EXIT_OK)
    g_error ("exit %d: %s", g_subprocess_get_exit_status (process), err);
  g_assert_cmpstr (err, ==, "");

  /* Named first, then the files as usual. */
  expected = g_strdup ("# Cannot read /etc/exim4/passwd.client as this user: "
                       "it is shown without its current contents.\n");
  g_assert_true (g_str_has_prefix (out, expected));
  rest = out + strlen (expected);
  files = parse_render (rest);
  assert_has_line ((const char *) g_hash_table_lookup (files, "/etc/exim4/passwd.client"),
                   "smtp.ac-test.fr:scribe:********");
  assert_has_line ((const char *) g_hash_table_lookup (files, "/etc/aliases"), "root: admin@monetab.ac-test.fr");
  g_assert_null (strstr (out, "stored-on-server"));

  remove_tmp_dir (root);
}

/* What probe refuses before any connection; the connections themselves
 * are tests/test-probe.sh's. */
static void
test_probe_refusals (void)
{
  g_autofree char *no_relay = g_strconcat (good_conf, "relay_enabled=false\n", NULL);
  g_autofree char *no_login = g_strconcat (good_conf, "relay_user=\n", NULL);
  g_autofree char *bad_host = g_strconcat (good_conf, "relay_host=bad host\n[secret]\npassword=hunter2-secret\n", NULL);
  g_auto(HelperRun) timeout = { 0 };
  g_auto(HelperRun) input = { 0 };
  g_auto(HelperRun) relay = { 0 };
  g_auto(HelperRun) password = { 0 };
  g_auto(HelperRun) host = { 0 };

  helper_run (&timeout, good_conf, -1, NULL, "--timeout", "0", "probe", NULL);
  assert_result (&timeout, MESSAGERIE_EXIT_USAGE, "usage");
  g_assert_nonnull (strstr (timeout.out, "--timeout"));

  helper_run (&input, "relay_host=x\n", -1, NULL, "probe", NULL);
  assert_result (&input, MESSAGERIE_EXIT_BAD_INPUT, "input");

  /* Nothing to test. */
  helper_run (&relay, no_relay, -1, NULL, "probe", NULL);
  assert_result (&relay, MESSAGERIE_EXIT_INVALID, "invalid");

  /* Authentication without a login: the relay's error lines only. Without
   * a password (it is only on the server) the test runs up to the login:
   * tests/test-probe.sh's login-untested. */
  helper_run (&password, no_login, -1, NULL, "probe", NULL);
  assert_result (&password, MESSAGERIE_EXIT_INVALID, "invalid");
  g_assert_nonnull (strstr (password.out, "\nerror\trelay_user\tE8\t"));
  g_assert_null (strstr (password.out, "\tE9\t"));

  helper_run (&host, bad_host, -1, NULL, "probe", NULL);
  assert_result (&host, MESSAGERIE_EXIT_INVALID, "invalid");
  g_assert_nonnull (strstr (host.out, "\nerror\trelay_host\tE6\t"));
  g_assert_null (strstr (host.out, "hunter2"));
  g_assert_null (strstr (host.err, "hunter2"));
}

static void
test_test_mail_refusals (void)
{
  g_autofree char *root = make_root ();
  const char *pkexec[] = { "PKEXEC_UID", "1000", NULL };
  g_auto(HelperRun) unprivileged = { 0 };
  g_auto(HelperRun) argument = { 0 };
  g_auto(HelperRun) root_under_pkexec = { 0 };
  g_auto(HelperRun) not_applied = { 0 };

  /* Neither pkexec (as root) nor --root. */
  helper_run (&unprivileged, "", 0, NULL, "test-mail", NULL);
  assert_result (&unprivileged, MESSAGERIE_EXIT_REFUSED, "refused");

  helper_run (&argument, "", 0, NULL, "test-mail", "someone@example.org", NULL);
  assert_result (&argument, MESSAGERIE_EXIT_USAGE, "usage");

  helper_run (&root_under_pkexec, "", 0, pkexec, "--root", root, "test-mail", NULL);
  assert_result (&root_under_pkexec, MESSAGERIE_EXIT_REFUSED, "refused");

  /* It tests what was applied: nothing yet. */
  helper_run (&not_applied, "", 0, NULL, "--root", root, "test-mail", NULL);
  assert_result (&not_applied, MESSAGERIE_EXIT_FAILED, "failed");
  g_assert_true (g_str_has_prefix (not_applied.out, "step\tread\t"));
  g_assert_nonnull (strstr (not_applied.out, "/etc/messagerie/messagerie.conf"));

  remove_tmp_dir (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/helper/validate/good", test_validate_good);
  g_test_add_func ("/helper/validate/findings", test_validate_findings);
  g_test_add_func ("/helper/validate/warning-only", test_validate_warning_only);
  g_test_add_func ("/helper/bad-input", test_bad_input);
  g_test_add_func ("/helper/usage", test_usage);
  g_test_add_func ("/helper/root-refused-under-pkexec", test_root_refused_under_pkexec);
  g_test_add_func ("/helper/render/root", test_render_root);
  g_test_add_func ("/helper/render/password", test_render_password);
  g_test_add_func ("/helper/render/unreadable", test_render_unreadable);
  g_test_add_func ("/helper/render/unprivileged", test_render_unprivileged);
  g_test_add_func ("/helper/big-file", test_big_file);
  g_test_add_func ("/helper/hostile-settings", test_hostile_settings);
  g_test_add_func ("/helper/read-error", test_read_error);
  g_test_add_func ("/helper/no-core-dump", test_no_core_dump);
  g_test_add_func ("/helper/probe/refusals", test_probe_refusals);
  g_test_add_func ("/helper/test-mail/refusals", test_test_mail_refusals);

  return g_test_run ();
}
