/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The services' states read without privilege (src/core/
 * messagerie-service-state.c), on test roots: programs present or not
 * (which package is missing, the command that installs it), PID files
 * naming a live daemon, a stale one, a reused PID, a missing one. The
 * root's proc/ stands for /proc. */

#include <string.h>

#include <glib/gstdio.h>

#include "messagerie-service-state.h"
#include "test-util.h"

typedef struct {
  char *root;
} Fixture;

/* A process of PID @pid whose command line is @cmdline (NUL-separated). */
static void
process (Fixture    *fixture,
         guint       pid,
         const char *cmdline,
         gsize       length)
{
  g_autofree char *path = g_strdup_printf ("proc/%u/cmdline", pid);

  root_file_put (fixture->root, path, cmdline, length);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->root = g_dir_make_tmp ("messagerie-service-state-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tmp_dir (fixture->root);
  g_free (fixture->root);
}

static MessagerieServiceState *
state_of (GPtrArray  *states,
          const char *key)
{
  for (guint i = 0; i < states->len; i++)
    {
      MessagerieServiceState *state = g_ptr_array_index (states, i);

      if (g_str_equal (state->key, key))
        return state;
    }
  g_error ("no state for %s", key);
}

static void
test_nothing_installed (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) states = messagerie_service_states_read (fixture->root, "pop-imap");
  MessagerieServiceState *dovecot;

  g_assert_cmpuint (states->len, ==, 3);
  g_assert_cmpstr (((MessagerieServiceState *) g_ptr_array_index (states, 0))->key, ==, "antispam");
  g_assert_false (state_of (states, "antispam")->installed);
  g_assert_cmpstr (state_of (states, "antispam")->missing_packages, ==, "spamd");
  g_assert_cmpstr (state_of (states, "antispam")->install_command, ==, "apt install spamd");
  dovecot = state_of (states, "mail_server");
  g_assert_cmpstr (dovecot->missing_packages, ==, "dovecot-core dovecot-imapd dovecot-pop3d");
  g_assert_cmpstr (dovecot->install_command, ==, "apt install dovecot-core dovecot-imapd dovecot-pop3d");
  g_assert_cmpstr (state_of (states, "mailing_lists")->missing_packages, ==, "sympa");
  for (guint i = 0; i < states->len; i++)
    g_assert_false (((MessagerieServiceState *) g_ptr_array_index (states, i))->running);
}

static void
test_dovecot_packages (Fixture       *fixture,
                       gconstpointer  data)
{
  static const struct {
    const char *mode;
    const char *missing;
  } cases[] = {
    { "none", NULL },
    { "imap", NULL },
    { "pop", "dovecot-pop3d" },
    { "pop-imap", "dovecot-pop3d" },
  };

  /* Dovecot's core and IMAP server, not its POP3 one. */
  root_file_put (fixture->root, "usr/sbin/dovecot", "", 0);
  root_file_put (fixture->root, "usr/lib/dovecot/imap", "", 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) states = messagerie_service_states_read (fixture->root, cases[i].mode);
      MessagerieServiceState *dovecot = state_of (states, "mail_server");

      g_assert_cmpint (dovecot->installed, ==, cases[i].missing == NULL);
      g_assert_cmpstr (dovecot->missing_packages, ==, cases[i].missing);
      if (cases[i].missing != NULL)
        g_assert_cmpstr (dovecot->install_command, ==, "apt install dovecot-pop3d");
      else
        g_assert_null (dovecot->install_command);
    }
}

static void
test_running (Fixture       *fixture,
              gconstpointer  data)
{
  static const char spamd[] = "/usr/sbin/spamd -d --pidfile=/run/spamd.pid";
  static const char dovecot[] = "/usr/sbin/dovecot\0-c\0/etc/dovecot/dovecot.conf";
  static const char *const sympa[] = { "sympa_msg", "task_manager", "bulk", "bounced", "archived" };
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GPtrArray) partial = NULL;
  g_autoptr(GPtrArray) reused = NULL;

  root_file_put (fixture->root, "usr/sbin/spamd", "", 0);
  root_file_put (fixture->root, "usr/sbin/dovecot", "", 0);
  root_file_put (fixture->root, "usr/lib/dovecot/imap", "", 0);
  root_file_put (fixture->root, "usr/lib/sympa/bin/sympa_msg.pl", "", 0);

  /* spamd sets its title: one word with spaces. */
  root_file_put (fixture->root, "run/spamd.pid", "101\n", 4);
  process (fixture, 101, spamd, sizeof spamd);
  root_file_put (fixture->root, "run/dovecot/master.pid", "102\n", 4);
  process (fixture, 102, dovecot, sizeof dovecot);
  for (guint i = 0; i < G_N_ELEMENTS (sympa); i++)
    {
      g_autofree char *pid_file = g_strdup_printf ("run/sympa/%s.pid", sympa[i]);
      g_autofree char *pid = g_strdup_printf ("%u\n", 200 + i);
      g_autoptr(GString) cmdline = g_string_new ("/usr/bin/perl");

      /* The interpreter, then the script. */
      g_string_append_c (cmdline, '\0');
      g_string_append_printf (cmdline, "/usr/lib/sympa/bin/%s.pl", sympa[i]);
      root_file_put (fixture->root, pid_file, pid, -1);
      process (fixture, 200 + i, cmdline->str, cmdline->len + 1);
    }

  states = messagerie_service_states_read (fixture->root, "imap");
  for (guint i = 0; i < states->len; i++)
    {
      MessagerieServiceState *state = g_ptr_array_index (states, i);

      g_assert_true (state->installed);
      g_assert_true (state->running);
      g_assert_null (state->missing_packages);
    }

  /* One of Sympa's daemons gone (its PID file stale), Dovecot's PID file
   * gone: neither runs. */
  root_file_put (fixture->root, "run/sympa/bulk.pid", "999\n", 4);
  {
    g_autofree char *master = g_build_filename (fixture->root, "run/dovecot/master.pid", NULL);

    g_assert_cmpint (g_unlink (master), ==, 0);
  }
  partial = messagerie_service_states_read (fixture->root, "imap");
  g_assert_true (state_of (partial, "antispam")->running);
  g_assert_false (state_of (partial, "mail_server")->running);
  g_assert_false (state_of (partial, "mailing_lists")->running);

  /* spamd's PID now another program's, a garbage PID file: not running. */
  process (fixture, 101, "/usr/bin/spamdx", sizeof "/usr/bin/spamdx");
  root_file_put (fixture->root, "run/dovecot/master.pid", "not a pid\n", -1);
  reused = messagerie_service_states_read (fixture->root, "imap");
  g_assert_false (state_of (reused, "antispam")->running);
  g_assert_false (state_of (reused, "mail_server")->running);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GPtrArray **states = user_data;
  g_autoptr(GError) error = NULL;

  *states = messagerie_service_states_read_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) states = NULL;

  messagerie_service_states_read_async (fixture->root, "pop", NULL, on_read, &states);
  while (states == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (states->len, ==, 3);
  g_assert_cmpstr (state_of (states, "mail_server")->missing_packages, ==, "dovecot-core dovecot-pop3d");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/service-state/nothing-installed", test_nothing_installed);
  ADD ("/service-state/dovecot-packages", test_dovecot_packages);
  ADD ("/service-state/running", test_running);
  ADD ("/service-state/async", test_async);

#undef ADD

  return g_test_run ();
}
