/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Runs messagerie-helper for the window (through pkexec for the system,
 * directly against a --root) and reads its report line by line. */

#define G_LOG_DOMAIN "messagerie"

#include "messagerie-helper-client.h"

#define PKEXEC "/usr/bin/pkexec"

typedef struct {
  GSubprocess              *process;
  GDataInputStream         *lines;
  MessagerieReport         *report;
  MessagerieHelperLineFunc  line_func;
  gpointer                  line_data;
  int                       exit_status;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->process);
  g_clear_object (&run->lines);
  g_clear_pointer (&run->report, messagerie_report_free);
  g_free (run);
}

/* The helper's argument vector for @verb (and @argument, may be NULL): the
 * helper run directly against @root; without a root, through pkexec by the
 * exact path the polkit action names when @privileged, else directly. */
static GStrv
messagerie_helper_argv (const char *root,
                        gboolean    privileged,
                        const char *verb,
                        const char *argument)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (verb != NULL, NULL);

  if (root != NULL)
    {
      /* Not under pkexec: a build tree may name its own helper. */
      const char *helper = g_getenv ("MESSAGERIE_HELPER");

      g_strv_builder_add (builder, helper ? helper : MESSAGERIE_LIBEXECDIR "/messagerie-helper");
      g_strv_builder_add_many (builder, "--root", root, NULL);
    }
  else if (!privileged)
    g_strv_builder_add (builder, MESSAGERIE_LIBEXECDIR "/messagerie-helper");
  else
    {
      /* pkexec authorizes by the exact path in the polkit action, and wants
       * to be our direct child. */
      g_strv_builder_add_many (builder, PKEXEC, "--disable-internal-agent",
                               MESSAGERIE_LIBEXECDIR "/messagerie-helper", NULL);
    }

  g_strv_builder_add (builder, verb);
  if (argument != NULL)
    g_strv_builder_add (builder, argument);

  return g_strv_builder_end (builder);
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (run->process, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run->exit_status = g_subprocess_get_if_exited (run->process)
                     ? g_subprocess_get_exit_status (run->process)
                     : 128 + g_subprocess_get_term_sig (run->process);
  g_task_return_boolean (task, TRUE);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  /* Read before the task is handed on: argument order is unspecified. */
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (run->lines, result, NULL, &error);
  if (error != NULL)
    {
      /* Invalid UTF-8 or a read error: stop reading and wait for the
       * exit status, which says what happened. */
      g_debug ("Reading the helper's output: %s", error->message);
      line = NULL;
    }

  if (line == NULL)
    {
      g_subprocess_wait_async (run->process, cancellable, on_waited, g_steal_pointer (&task));
      return;
    }

  {
    MessagerieReportLine kind = messagerie_report_add_line (run->report, line);

    if (run->line_func != NULL)
      run->line_func (run->report, kind, run->line_data);
  }

  g_data_input_stream_read_line_async (run->lines, G_PRIORITY_DEFAULT, cancellable,
                                       on_line, g_steal_pointer (&task));
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A helper that refuses early closes its input: what it prints says
   * why, so a broken pipe here is no error of its own. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    g_debug ("Writing to the helper: %s", error->message);
  g_output_stream_close (G_OUTPUT_STREAM (source), NULL, NULL);
  g_bytes_unref (user_data);
}

void
messagerie_helper_run_async (const char               *root,
                             gboolean                  privileged,
                             const char               *verb,
                             const char               *argument,
                             GBytes                   *input,
                             MessagerieHelperLineFunc  line_func,
                             gpointer                  line_data,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = messagerie_helper_argv (root, privileged, verb, argument);
  GOutputStream *stdin_pipe;
  Run *run;

  g_task_set_source_tag (task, messagerie_helper_run_async);

  /* Its messages on standard error ("Error: …") come in order with the
   * report. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  run = g_new0 (Run, 1);
  run->report = messagerie_report_new ();
  run->line_func = line_func;
  run->line_data = line_data;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  run->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  if (run->process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  stdin_pipe = g_subprocess_get_stdin_pipe (run->process);
  if (input != NULL)
    g_output_stream_write_all_async (stdin_pipe,
                                     g_bytes_get_data (input, NULL), g_bytes_get_size (input),
                                     G_PRIORITY_DEFAULT, cancellable, on_written,
                                     g_bytes_ref (input));
  else
    g_output_stream_close (stdin_pipe, NULL, NULL);

  run->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (run->process));
  g_data_input_stream_read_line_async (run->lines, G_PRIORITY_DEFAULT, cancellable,
                                       on_line, g_steal_pointer (&task));
}

MessagerieReport *
messagerie_helper_run_finish (GAsyncResult  *result,
                              int           *exit_status,
                              GError       **error)
{
  Run *run;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  run = g_task_get_task_data (G_TASK (result));
  if (exit_status != NULL)
    *exit_status = run->exit_status;

  return g_steal_pointer (&run->report);
}
