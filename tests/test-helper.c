/* SPDX-License-Identifier: GPL-3.0-or-later */

/* messagerie-helper's unprivileged verbs, run as a separate process the way
 * the application and administrators run it. */

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "../src/helper/messagerie-helper-codes.h"

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

typedef struct {
  int    status;
  char  *out;
  char  *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GBytes *
read_all (GInputStream *stream)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (memory, stream,
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
run_helper (Run         *run,
            const char  *input,
            gsize        length,
            const char **env_extra,
            ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  const char *helper = g_getenv ("MESSAGERIE_HELPER");
  const char *arg;
  va_list args;

  g_assert_nonnull (helper);
  g_ptr_array_add (argv, (gpointer) helper);
  va_start (args, env_extra);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Messages are checked in the C locale; the French ones by check-po. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PKEXEC_UID");
  for (guint i = 0; env_extra && env_extra[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env_extra[i], env_extra[i + 1], TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The helper may stop reading early (too large, refused before reading):
   * the rest of the input meets a closed pipe, which is not a failure. The
   * helper reads everything before it writes, so this cannot deadlock. */
  {
    GOutputStream *stdin_pipe = g_subprocess_get_stdin_pipe (process);
    g_autoptr(GError) write_error = NULL;

    if (!g_output_stream_write_all (stdin_pipe, input, length, NULL, NULL, &write_error))
      g_assert_error (write_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
    g_output_stream_close (stdin_pipe, NULL, NULL);
  }
  /* Its output is a few KiB, far below a pipe's buffer. */
  out = read_all (g_subprocess_get_stdout_pipe (process));
  err = read_all (g_subprocess_get_stderr_pipe (process));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  /* Whatever the input, the helper exits; it never dies of a signal. */
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_assert_cmpint (run->status, !=, 126);
  g_assert_cmpint (run->status, !=, 127);
  /* An empty GBytes has no data pointer. */
  run->out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  run->err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "", g_bytes_get_size (err));
}

static void
assert_one_error_line (Run *run)
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
  g_auto(Run) run = { 0 };
  g_autofree char *input = g_strconcat (good_conf, "[secret]\npassword=a-password\n", NULL);

  run_helper (&run, input, strlen (input), NULL, "validate", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_validate_findings (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *input = g_strconcat (good_conf,
                                        "mail_domain=scribe.monetab.lan\n"
                                        "relay_tls=no\n"
                                        "root_recipient=\n"
                                        "[secret]\npassword=hunter2-secret\n", NULL);
  g_auto(GStrv) lines = NULL;
  gboolean saw_e2 = FALSE, saw_e3 = FALSE, saw_w2 = FALSE;

  run_helper (&run, input, strlen (input), NULL, "validate", NULL);
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
  g_auto(Run) run = { 0 };
  g_autofree char *input = g_strconcat (good_conf, "max_message_size_mb=30\n", NULL);

  /* W1: larger than Apache's upload limit; a warning does not fail. */
  run_helper (&run, input, strlen (input), NULL, "validate", NULL);
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
          g_auto(Run) run = { 0 };

          run_helper (&run, cases[i].data, cases[i].length, NULL, verbs[v], NULL);
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
  g_auto(Run) none = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) option = { 0 };
  g_auto(Run) help = { 0 };
  g_auto(Run) root_missing = { 0 };

  run_helper (&none, "", 0, NULL, NULL);
  g_assert_cmpint (none.status, ==, MESSAGERIE_EXIT_USAGE);

  run_helper (&unknown, "", 0, NULL, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, MESSAGERIE_EXIT_USAGE);
  assert_one_error_line (&unknown);

  run_helper (&option, "", 0, NULL, "--frob", "validate", NULL);
  g_assert_cmpint (option.status, ==, MESSAGERIE_EXIT_USAGE);
  assert_one_error_line (&option);

  run_helper (&root_missing, "", 0, NULL, "validate", "--root", NULL);
  g_assert_cmpint (root_missing.status, ==, MESSAGERIE_EXIT_USAGE);

  run_helper (&help, "", 0, NULL, "--help", NULL);
  g_assert_cmpint (help.status, ==, MESSAGERIE_EXIT_OK);
  g_assert_nonnull (strstr (help.out, "validate"));
  g_assert_nonnull (strstr (help.out, "render"));
}

static void
test_root_refused_under_pkexec (void)
{
  g_auto(Run) run = { 0 };
  const char *env[] = { "PKEXEC_UID", "1000", NULL };

  run_helper (&run, good_conf, strlen (good_conf), env, "--root", "/tmp", "render", NULL);
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
remove_root (const char *root)
{
  const char *argv[] = { "rm", "-rf", root, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* The files of render's output, path → contents. */
static GHashTable *
parse_render (const char *out)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) parts = g_strsplit (out, "==> ", -1);

  g_assert_cmpstr (parts[0], ==, "");
  for (guint i = 1; parts[i]; i++)
    {
      const char *end = strstr (parts[i], " <==\n");

      g_assert_nonnull (end);
      g_hash_table_insert (files, g_strndup (parts[i], end - parts[i]), g_strdup (end + 5));
    }
  return files;
}

static void
test_render_root (void)
{
  g_autofree char *root = make_root ();
  g_auto(Run) run = { 0 };
  g_autoptr(GHashTable) files = NULL;

  run_helper (&run, good_conf, strlen (good_conf), NULL, "--root", root, "render", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);

  files = parse_render (run.out);
  g_assert_true (g_str_has_prefix (run.out, "==> /etc/messagerie/messagerie.conf <==\n"));
  g_assert_cmpstr (g_hash_table_lookup (files, "/etc/mailname"), ==, "monetab.ac-test.fr\n");
  g_assert_cmpstr (g_hash_table_lookup (files, "/etc/aliases"), ==,
                   "postmaster: root\nroot: admin@monetab.ac-test.fr\nabuse: root\n");
  /* No password sent: the server's stays. */
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "/etc/exim4/passwd.client"),
                            "\nsmtp.ac-test.fr:scribe:stored-on-server\n"));
  g_assert_nonnull (g_hash_table_lookup (files, "/etc/exim4/exim4.conf.localmacros"));
  g_assert_nonnull (g_hash_table_lookup (files, "/etc/exim4/update-exim4.conf.conf"));
  g_assert_nonnull (g_hash_table_lookup (files, "/etc/dovecot/conf.d/99-messagerie.conf"));

  /* Rendering writes nothing. */
  {
    g_autofree char *mailname = g_build_filename (root, "etc", "mailname", NULL);

    g_assert_false (g_file_test (mailname, G_FILE_TEST_EXISTS));
  }

  remove_root (root);
}

static void
test_render_password (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *input = g_strconcat (good_conf, "relay_host=192.0.2.25\n[secret]\npassword=new:pass\n", NULL);
  g_autofree char *no_password = g_strconcat (good_conf, "relay_host=192.0.2.25\n", NULL);
  g_autofree char *passwd = g_build_filename (root, "etc", "exim4", "passwd.client", NULL);
  g_auto(Run) run = { 0 };
  g_auto(Run) missing = { 0 };
  g_autoptr(GHashTable) files = NULL;

  run_helper (&run, input, strlen (input), NULL, "--root", root, "render", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_OK);
  files = parse_render (run.out);
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "/etc/exim4/passwd.client"),
                            "\n192.0.2.25:scribe:new:pass\n"));
  g_assert_nonnull (strstr (g_hash_table_lookup (files, "/etc/exim4/passwd.client"),
                            "\n*:scribe:new:pass\n"));
  /* The settings file never carries it. */
  g_assert_null (strstr (g_hash_table_lookup (files, "/etc/messagerie/messagerie.conf"), "new:pass"));

  /* A gateway with no password anywhere: a clear failure, not an empty one. */
  g_remove (passwd);
  run_helper (&missing, no_password, strlen (no_password), NULL, "--root", root, "render", NULL);
  g_assert_cmpint (missing.status, ==, MESSAGERIE_EXIT_FAILED);
  assert_one_error_line (&missing);
  g_assert_nonnull (strstr (missing.err, "password"));

  remove_root (root);
}

static void
test_render_unreadable (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *aliases = g_build_filename (root, "etc", "aliases", NULL);
  g_auto(Run) run = { 0 };

  /* A folder where a file should be cannot be read: say which. */
  g_remove (aliases);
  g_assert_cmpint (g_mkdir (aliases, 0755), ==, 0);
  run_helper (&run, good_conf, strlen (good_conf), NULL, "--root", root, "render", NULL);
  g_assert_cmpint (run.status, ==, MESSAGERIE_EXIT_FAILED);
  assert_one_error_line (&run);
  g_assert_nonnull (strstr (run.err, "aliases"));

  remove_root (root);
}

/* The last line of a protocol verb's output: "result", CODE, message. */
static void
assert_result (Run        *run,
               int         status,
               const char *code)
{
  g_auto(GStrv) lines = g_strsplit (run->out, "\n", -1);
  guint n = g_strv_length (lines);
  g_auto(GStrv) fields = NULL;

  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (lines[n - 1], ==, "");
  fields = g_strsplit (lines[n - 2], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  g_assert_cmpstr (fields[0], ==, "result");
  g_assert_cmpstr (fields[1], ==, code);
}

/* What probe refuses before any connection; the connections themselves
 * are tests/test-probe.sh's. */
static void
test_probe_refusals (void)
{
  g_autofree char *no_relay = g_strconcat (good_conf, "relay_enabled=false\n", NULL);
  g_autofree char *no_password = g_strdup (good_conf);
  g_autofree char *bad_host = g_strconcat (good_conf, "relay_host=bad host\n[secret]\npassword=hunter2-secret\n", NULL);
  g_auto(Run) timeout = { 0 };
  g_auto(Run) input = { 0 };
  g_auto(Run) relay = { 0 };
  g_auto(Run) password = { 0 };
  g_auto(Run) host = { 0 };

  run_helper (&timeout, good_conf, strlen (good_conf), NULL, "--timeout", "0", "probe", NULL);
  assert_result (&timeout, MESSAGERIE_EXIT_USAGE, "usage");
  g_assert_nonnull (strstr (timeout.out, "--timeout"));

  run_helper (&input, "relay_host=x\n", 13, NULL, "probe", NULL);
  assert_result (&input, MESSAGERIE_EXIT_BAD_INPUT, "input");

  /* Nothing to test. */
  run_helper (&relay, no_relay, strlen (no_relay), NULL, "probe", NULL);
  assert_result (&relay, MESSAGERIE_EXIT_INVALID, "invalid");

  /* Authentication without a password: the relay's error lines only. */
  run_helper (&password, no_password, strlen (no_password), NULL, "probe", NULL);
  assert_result (&password, MESSAGERIE_EXIT_INVALID, "invalid");
  g_assert_nonnull (strstr (password.out, "\nerror\tpassword\tE9\t"));

  run_helper (&host, bad_host, strlen (bad_host), NULL, "probe", NULL);
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
  g_auto(Run) unprivileged = { 0 };
  g_auto(Run) argument = { 0 };
  g_auto(Run) root_under_pkexec = { 0 };
  g_auto(Run) not_applied = { 0 };

  /* Neither pkexec (as root) nor --root. */
  run_helper (&unprivileged, "", 0, NULL, "test-mail", NULL);
  assert_result (&unprivileged, MESSAGERIE_EXIT_REFUSED, "refused");

  run_helper (&argument, "", 0, NULL, "test-mail", "someone@example.org", NULL);
  assert_result (&argument, MESSAGERIE_EXIT_USAGE, "usage");

  run_helper (&root_under_pkexec, "", 0, pkexec, "--root", root, "test-mail", NULL);
  assert_result (&root_under_pkexec, MESSAGERIE_EXIT_REFUSED, "refused");

  /* It tests what was applied: nothing yet. */
  run_helper (&not_applied, "", 0, NULL, "--root", root, "test-mail", NULL);
  assert_result (&not_applied, MESSAGERIE_EXIT_FAILED, "failed");
  g_assert_true (g_str_has_prefix (not_applied.out, "step\tread\t"));
  g_assert_nonnull (strstr (not_applied.out, "/etc/messagerie/messagerie.conf"));

  remove_root (root);
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
  g_test_add_func ("/helper/probe/refusals", test_probe_refusals);
  g_test_add_func ("/helper/test-mail/refusals", test_test_mail_refusals);

  return g_test_run ();
}
