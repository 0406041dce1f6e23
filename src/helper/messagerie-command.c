/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Commands the helper runs: an explicit environment, the output captured
 * in unlinked temporary files rather than pipes (a daemon started by an
 * init script keeps what it inherits open, and a pipe would never end),
 * standard input from a file too, a time limit, and death with the
 * helper. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/prctl.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "messagerie-command.h"
#include "messagerie-files.h"
#include "messagerie-settings.h"

/* exim4 -bp prints about 75 bytes a message: 16 MiB is a queue of some
 * 200 000 messages. */
#define COMMAND_OUTPUT_MAX (16 * 1024 * 1024)

void
messagerie_command_clear (MessagerieCommand *command)
{
  g_clear_pointer (&command->out, g_free);
  g_clear_pointer (&command->err, g_free);
}

typedef struct {
  GSubprocess *process;
  gboolean     done;
  gboolean     timed_out;
} CommandWait;

static void
on_command_exited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CommandWait *wait = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  wait->done = TRUE;
}

static gboolean
on_command_timeout (gpointer user_data)
{
  CommandWait *wait = user_data;

  const char *pid = g_subprocess_get_identifier (wait->process);

  wait->timed_out = TRUE;
  /* The command and what it started, in the group child_setup made. */
  if (pid != NULL)
    kill (-(pid_t) g_ascii_strtoll (pid, NULL, 10), SIGKILL);
  g_subprocess_force_exit (wait->process);
  return G_SOURCE_REMOVE;
}

/* In the child, before exec. A helper killed during the check step must
 * not leave update-exim4.conf running, which would go on to write into the
 * tree after a rollback or a recovery: the command gets SIGKILL when the
 * helper dies (PR_SET_PDEATHSIG, kept across exec for a program that is
 * not set-user-ID), and its own process group, which the time limit kills
 * whole. A daemon that an init script starts leaves both behind: the
 * signal is not inherited by fork, and a daemon makes its own session. */
static void
child_setup (gpointer user_data)
{
  pid_t helper = (pid_t) GPOINTER_TO_INT (user_data);

  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The helper died before the line above. */
  if (getppid () != helper)
    raise (SIGKILL);
}

static char **
command_environment (const char *tmpdir)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *lang = g_getenv ("LANG");

  /* Nothing of the caller's environment but its language: the password
   * never travels there, and no variable can change what runs. */
  g_strv_builder_add (builder, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  if (tmpdir != NULL)
    {
      g_autofree char *variable = g_strconcat ("TMPDIR=", tmpdir, NULL);

      g_strv_builder_add (builder, variable);
    }
  if (lang != NULL && !messagerie_has_control_char (lang) && strlen (lang) < 64)
    {
      g_autofree char *variable = g_strconcat ("LANG=", lang, NULL);

      g_strv_builder_add (builder, variable);
    }

  return g_strv_builder_end (builder);
}

static int
open_capture (GError **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("messagerie-helper-XXXXXX", &path, error);

  if (fd >= 0)
    g_unlink (path);
  return fd;
}

static char *
read_capture (int fd)
{
  struct stat st;
  gsize size = fstat (fd, &st) == 0 && st.st_size >= 0
               ? MIN ((gsize) st.st_size, COMMAND_OUTPUT_MAX) : 0;
  g_autofree char *data = g_malloc (size + 1);
  gsize length = 0;

  if (lseek (fd, 0, SEEK_SET) == 0)
    while (length < size)
      {
        ssize_t n = read (fd, data + length, size - length);

        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        length += (gsize) n;
      }

  return g_strstrip (g_utf8_make_valid (data, length));
}

/* @input in an unlinked file, read from its start: a command that does not
 * read it all never blocks the helper, as a pipe would. */
static int
open_input (const char  *input,
            GError     **error)
{
  gsize length = strlen (input);
  gsize written = 0;
  g_auto(MessagerieFd) fd = open_capture (error);

  if (fd < 0)
    return -1;

  while (written < length)
    {
      ssize_t n = write (fd, input + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      written += (gsize) n;
    }

  if (written < length || lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write a temporary file: %s"), g_strerror (saved_errno));
      return -1;
    }

  return g_steal_fd (&fd);
}

gboolean
messagerie_command_run (const char *const  *argv,
                        const char         *input,
                        MessagerieCommand  *command,
                        GError            **error)
{
  return messagerie_command_run_in (argv, input, NULL, command, error);
}

gboolean
messagerie_command_run_in (const char *const  *argv,
                           const char         *input,
                           const char         *tmpdir,
                           MessagerieCommand  *command,
                           GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_auto(GStrv) environment = command_environment (tmpdir);
  CommandWait wait = { NULL };
  g_auto(MessagerieFd) out_fd = -1;
  g_auto(MessagerieFd) err_fd = -1;

  memset (command, 0, sizeof *command);
  command->status = -1;

  out_fd = open_capture (error);
  if (out_fd < 0)
    return FALSE;
  err_fd = open_capture (error);
  if (err_fd < 0)
    return FALSE;

  /* Standard input is /dev/null without a STDIN flag. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_environ (launcher, environment);
  g_subprocess_launcher_set_cwd (launcher, "/");
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER ((int) getpid ()), NULL);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (out_fd));
  g_subprocess_launcher_take_stderr_fd (launcher, dup (err_fd));
  if (input != NULL)
    {
      int in_fd = open_input (input, error);

      if (in_fd < 0)
        return FALSE;
      g_subprocess_launcher_take_stdin_fd (launcher, in_fd);
    }

  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  wait.process = process;
  g_subprocess_wait_async (process, NULL, on_command_exited, &wait);
  timeout = g_timeout_source_new_seconds (MESSAGERIE_COMMAND_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, on_command_timeout, &wait, NULL);
  g_source_attach (timeout, context);

  while (!wait.done)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  command->timed_out = wait.timed_out;
  if (!wait.timed_out && g_subprocess_get_if_exited (process))
    command->status = g_subprocess_get_exit_status (process);
  command->out = read_capture (out_fd);
  command->err = read_capture (err_fd);

  return TRUE;
}

char *
messagerie_command_failure (const char *const *argv,
                            MessagerieCommand *command)
{
  g_autofree char *line = g_strjoinv (" ", (char **) argv);
  const char *said = *command->err != '\0' ? command->err : command->out;

  if (command->timed_out)
    return g_strdup_printf (_("“%s” did not finish within %d seconds and was stopped."),
                            line, MESSAGERIE_COMMAND_TIMEOUT_SECONDS);
  if (command->status < 0)
    return g_strdup_printf (_("“%s” was killed."), line);
  if (*said == '\0')
    return g_strdup_printf (_("“%s” failed with status %d."), line, command->status);
  return g_strdup_printf (_("“%s” failed with status %d: %s"), line, command->status, said);
}

gboolean
messagerie_command_run_checked (const char *const  *argv,
                                GError            **error)
{
  g_auto(MessagerieCommand) command = { 0 };

  if (!messagerie_command_run (argv, NULL, &command, error))
    return FALSE;

  if (command.status != 0)
    {
      g_autofree char *message = messagerie_command_failure (argv, &command);

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, message);
      return FALSE;
    }

  return TRUE;
}

char *
messagerie_find_program (const char *name)
{
  static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL };

  for (guint i = 0; dirs[i]; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }
  return NULL;
}

gboolean
messagerie_systemd_runs (void)
{
  return g_file_test ("/run/systemd/system", G_FILE_TEST_IS_DIR);
}
