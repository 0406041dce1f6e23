/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Whether each service of the page « Services » is installed and runs,
 * read as the logged-in administrator: no privilege, no package manager.
 *
 * Installed: the programs of its Debian packages are there. Running: with
 * systemd, `systemctl is-active UNIT`; without (sysvinit, or a container),
 * the PID files the init scripts write, each naming a process whose command
 * line is the daemon's (a stale file naming a PID since reused by another
 * process does not count). */

#include <string.h>

#include "messagerie-service-state.h"

typedef struct {
  const char *path;
  const char *package;
} Program;

typedef struct {
  /* A PID file, and the name the daemon's command line starts with (the
   * program, or the script after its interpreter). */
  const char *pid_file;
  const char *name;
} Daemon;

static const Program spamd_programs[] = { { "/usr/sbin/spamd", "spamd" }, { NULL, NULL } };
static const Daemon spamd_daemons[] = { { "/run/spamd.pid", "spamd" }, { NULL, NULL } };

static const Program sympa_programs[] = {
  { "/usr/lib/sympa/bin/sympa_msg.pl", "sympa" }, { NULL, NULL }
};
/* Debian's init script starts these five (/etc/init.d/sympa, DAEMONS). */
static const Daemon sympa_daemons[] = {
  { "/run/sympa/sympa_msg.pid", "sympa_msg.pl" },
  { "/run/sympa/task_manager.pid", "task_manager.pl" },
  { "/run/sympa/bulk.pid", "bulk.pl" },
  { "/run/sympa/bounced.pid", "bounced.pl" },
  { "/run/sympa/archived.pid", "archived.pl" },
  { NULL, NULL }
};

static const Daemon dovecot_daemons[] = { { "/run/dovecot/master.pid", "dovecot" }, { NULL, NULL } };

void
messagerie_service_state_free (MessagerieServiceState *state)
{
  if (state == NULL)
    return;
  g_free (state->key);
  g_free (state->missing_packages);
  g_free (state->install_command);
  g_free (state);
}

static char *
under_root (const char *root,
            const char *path)
{
  return g_build_filename (root, path, NULL);
}

/* Whether the program of @cmdline (NUL-separated, as in /proc/PID/cmdline),
 * or the script its interpreter runs, is @name: the first or second word,
 * up to a space (a daemon that set its title puts it all in the first),
 * without its folder. */
static gboolean
cmdline_names (const char *cmdline,
               gsize       length,
               const char *name)
{
  const char *word = cmdline;

  for (guint i = 0; i < 2 && word < cmdline + length; i++)
    {
      g_autofree char *token = g_strndup (word, strcspn (word, " "));
      const char *base = strrchr (token, '/');

      base = base != NULL ? base + 1 : token;
      if (g_str_equal (base, name))
        return TRUE;
      word += strlen (word) + 1;
    }

  return FALSE;
}

static gboolean
daemon_runs (const char   *root,
             const Daemon *daemon)
{
  g_autofree char *pid_path = under_root (root, daemon->pid_file);
  g_autofree char *text = NULL;
  g_autofree char *cmdline_path = NULL;
  g_autofree char *cmdline = NULL;
  gsize length = 0;
  guint64 pid = 0;

  if (!g_file_get_contents (pid_path, &text, NULL, NULL) ||
      !g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, G_MAXINT32, &pid, NULL))
    return FALSE;

  cmdline_path = g_strdup_printf ("%s/proc/%" G_GUINT64_FORMAT "/cmdline",
                                  g_str_equal (root, "/") ? "" : root, pid);
  if (!g_file_get_contents (cmdline_path, &cmdline, &length, NULL) || length == 0)
    return FALSE;

  return cmdline_names (cmdline, length, daemon->name);
}

static gboolean
unit_active (const char *unit)
{
  g_autofree char *systemctl = g_find_program_in_path ("systemctl");
  const char *argv[] = { NULL, "is-active", "--quiet", unit, NULL };
  int status = -1;

  if (systemctl == NULL)
    return FALSE;
  argv[0] = systemctl;
  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static MessagerieServiceState *
read_state (const char    *root,
            const char    *key,
            const Program *programs,
            const Daemon  *daemons,
            const char    *unit)
{
  MessagerieServiceState *state = g_new0 (MessagerieServiceState, 1);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *systemd_dir = under_root (root, "/run/systemd/system");

  state->key = g_strdup (key);

  for (guint i = 0; programs[i].path; i++)
    {
      g_autofree char *path = under_root (root, programs[i].path);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) || g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (missing->len > 0)
        g_string_append_c (missing, ' ');
      g_string_append (missing, programs[i].package);
    }
  state->installed = missing->len == 0;
  if (!state->installed)
    {
      state->install_command = g_strdup_printf ("apt install %s", missing->str);
      state->missing_packages = g_string_free (g_steal_pointer (&missing), FALSE);
    }

  /* systemctl answers for the system only: a test root has PID files. */
  if (g_str_equal (root, "/") && g_file_test (systemd_dir, G_FILE_TEST_IS_DIR))
    state->running = unit_active (unit);
  else
    {
      state->running = daemons[0].pid_file != NULL;
      for (guint i = 0; daemons[i].pid_file; i++)
        state->running = state->running && daemon_runs (root, &daemons[i]);
    }

  return state;
}

GPtrArray *
messagerie_service_states_read (const char *root,
                                const char *mail_server)
{
  GPtrArray *states = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_service_state_free);
  /* Dovecot's core, and the server of each protocol the setting asks for
   * (with none, the core alone: nothing else is needed to turn it on
   * later). */
  Program dovecot_programs[4] = { { "/usr/sbin/dovecot", "dovecot-core" } };
  guint n = 1;

  g_return_val_if_fail (root != NULL, NULL);

  if (g_strcmp0 (mail_server, "imap") == 0 || g_strcmp0 (mail_server, "pop-imap") == 0)
    dovecot_programs[n++] = (Program) { "/usr/lib/dovecot/imap", "dovecot-imapd" };
  if (g_strcmp0 (mail_server, "pop") == 0 || g_strcmp0 (mail_server, "pop-imap") == 0)
    dovecot_programs[n++] = (Program) { "/usr/lib/dovecot/pop3", "dovecot-pop3d" };

  g_ptr_array_add (states, read_state (root, "antispam", spamd_programs, spamd_daemons, "spamd"));
  g_ptr_array_add (states, read_state (root, "mail_server", dovecot_programs, dovecot_daemons, "dovecot"));
  g_ptr_array_add (states, read_state (root, "mailing_lists", sympa_programs, sympa_daemons, "sympa"));

  return states;
}

typedef struct {
  char *root;
  char *mail_server;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_free (data->root);
  g_free (data->mail_server);
  g_free (data);
}

static void
read_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ReadData *data = task_data;

  g_task_return_pointer (task, messagerie_service_states_read (data->root, data->mail_server),
                         (GDestroyNotify) g_ptr_array_unref);
}

void
messagerie_service_states_read_async (const char          *root,
                                      const char          *mail_server,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReadData *data = g_new0 (ReadData, 1);

  data->root = g_strdup (root);
  data->mail_server = g_strdup (mail_server);
  g_task_set_source_tag (task, messagerie_service_states_read_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, read_in_thread);
}

GPtrArray *
messagerie_service_states_read_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
