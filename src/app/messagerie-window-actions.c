/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The window's runs of the helper: apply, the test message, restore. While
 * one runs, the pages are insensitive and its steps show under the header
 * bar; what went wrong is said once, on the fields the helper named, else
 * in a dialog. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-dialogs.h"
#include "messagerie-helper-client.h"
#include "messagerie-restore-dialog.h"
#include "messagerie-review-dialog.h"
#include "messagerie-window-private.h"

static void
set_busy (MessagerieWindow *self,
          gboolean          busy,
          const char       *progress)
{
  if (busy)
    self->helper_run = g_cancellable_new ();
  else
    g_clear_object (&self->helper_run);

  if (progress != NULL)
    gtk_label_set_text (self->progress_label, progress);
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
  messagerie_editor_set_busy (self->editor, busy);
}

static void
on_helper_line (MessagerieReport     *report,
                MessagerieReportLine  kind,
                gpointer              user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  if (kind == MESSAGERIE_REPORT_LINE_STEP)
    gtk_label_set_text (self->progress_label, report->step_message);
}

/* Runs the helper's @verb for the window, the pages insensitive meanwhile. */
static void
run_helper (MessagerieWindow    *self,
            gboolean             privileged,
            const char          *verb,
            const char          *argument,
            GBytes              *input,
            const char          *progress,
            GAsyncReadyCallback  callback)
{
  set_busy (self, TRUE, progress);
  messagerie_helper_run_async (self->root, privileged, verb, argument, input,
                               privileged ? on_helper_line : NULL, self,
                               self->helper_run, callback, g_object_ref (self));
}

/* Reads the settings file again: after a failure, the window shows what
 * the system holds, not what it hoped to write. */
static void
reload_on_disk (MessagerieWindow *self)
{
  g_autoptr(GError) error = NULL;
  MessagerieSettings *settings = messagerie_window_read_settings (self, &error);

  if (settings == NULL)
    {
      g_warning ("Cannot read the settings again: %s", error->message);
      settings = messagerie_settings_copy (messagerie_editor_get_on_disk (self->editor));
    }

  messagerie_editor_set_on_disk (self->editor, settings);
}

/* What went wrong, said once: on the rows the helper named, else in a
 * dialog. pkexec's "dismissed" says nothing. */
static void
report_failure (MessagerieWindow *self,
                MessagerieReport *report,
                int               status,
                const char       *heading)
{
  if (status == MESSAGERIE_PKEXEC_DISMISSED)
    return;

  if (status == MESSAGERIE_PKEXEC_NOT_AUTHORIZED)
    {
      messagerie_show_message (GTK_WIDGET (self), _("Not authorized"),
                               _("Your account is not allowed to change the mail configuration "
                                 "of this server. Ask an administrator of the server."));
      return;
    }

  if (messagerie_editor_take_helper_errors (self->editor, report))
    {
      messagerie_window_show_toast (self, _("The server refused some values: see the fields "
                                            "marked in red."));
      return;
    }

  {
    const char *body = report->failed_message ? report->failed_message
                       : report->result_message ? report->result_message
                       : report->other->len > 0 ? report->other->str
                       : _("The helper ended without saying why.");
    g_autofree char *text = NULL;

    if (report->failed_step != NULL)
      text = g_strdup_printf (_("%s\n\nStep at fault: %s. Every file was put back as it was."),
                              body, report->failed_step);
    messagerie_show_message (GTK_WIDGET (self), heading, text ? text : body);
  }
}

/* The end of a helper run: the window is usable again. NULL, said in a
 * dialog under @heading, when the helper could not run at all. */
static MessagerieReport *
finish_helper_run (MessagerieWindow *self,
                   GAsyncResult     *result,
                   int              *status,
                   const char       *heading)
{
  g_autoptr(GError) error = NULL;
  MessagerieReport *report;

  report = messagerie_helper_run_finish (result, status, &error);
  set_busy (self, FALSE, NULL);

  if (report == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot run the helper: %s"), error->message);

      messagerie_show_message (GTK_WIDGET (self), heading, text);
    }

  return report;
}

static void
on_apply_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("The changes were not applied"));
  if (report == NULL)
    return;

  if (status == 0 && messagerie_report_succeeded (report))
    {
      MessagerieSettings *settings = messagerie_editor_get_settings (self->editor);
      g_autoptr(MessagerieSecretText) sent = g_strdup (messagerie_settings_get_password (settings));
      g_autoptr(MessagerieSettings) before =
        g_object_ref (messagerie_editor_get_on_disk (self->editor));

      /* The password went to the server: the working copy forgets it,
       * the keyring remembers it. */
      messagerie_editor_applied (self->editor);
      messagerie_password_keeper_applied (self->keeper, before, sent);
      messagerie_window_show_toast (self, g_str_equal (report->result, "unchanged")
                                          ? _("The server already had this configuration.")
                                          : _("The configuration has been applied."));
      messagerie_window_applied (self);
      if (self->close_after_apply)
        gtk_window_close (GTK_WINDOW (self));
      return;
    }

  self->close_after_apply = FALSE;
  reload_on_disk (self);
  report_failure (self, report, status, _("The changes were not applied"));
}

/* Trying to apply shows the errors still held back on untouched fields,
 * and goes no further while one stands: the first is shown. */
static gboolean
ready_to_apply (MessagerieWindow *self)
{
  if (self->helper_run != NULL)
    return FALSE;

  messagerie_editor_touch_all (self->editor);
  if (messagerie_editor_error_shown (self->editor))
    {
      messagerie_window_show_toast (self, _("Correct the fields marked in red first."));
      messagerie_window_show_first_error (self);
      return FALSE;
    }

  return TRUE;
}

/* Sends the working copy to the helper, and the password only when one
 * was typed. */
void
messagerie_window_apply (MessagerieWindow *self)
{
  g_autoptr(GBytes) input = NULL;
  MessagerieSettings *settings = messagerie_editor_get_settings (self->editor);

  if (!ready_to_apply (self))
    return;

  messagerie_settings_normalize (settings);
  input = messagerie_settings_to_input (settings);
  run_helper (self, TRUE, "apply", NULL, input, _("Applying the changes…"), on_apply_done);
}

static void
on_review_response (AdwMessageDialog *dialog,
                    const char       *response,
                    MessagerieWindow *self)
{
  if (g_str_equal (response, "apply"))
    messagerie_window_apply (self);
}

/* Before anything is applied: what changes, settings and files. */
void
messagerie_window_review (MessagerieWindow *self)
{
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(MessagerieSettings) form = NULL;
  GtkWidget *dialog;

  if (!ready_to_apply (self))
    return;

  for (guint i = 0; i < self->fields->len; i++)
    {
      MessagerieField *field = g_ptr_array_index (self->fields, i);

      g_hash_table_insert (rows, (gpointer) messagerie_field_get_key (field),
                           messagerie_field_get_row (field));
    }

  form = messagerie_settings_copy (messagerie_editor_get_settings (self->editor));
  messagerie_settings_normalize (form);
  dialog = messagerie_review_dialog_new (GTK_WINDOW (self), self->root,
                                         messagerie_editor_get_on_disk (self->editor), form, rows);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_review_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_test_mail_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("The test message was not sent"));
  if (report == NULL)
    return;

  if (status == 0 && g_strcmp0 (report->result, "ok") == 0)
    {
      messagerie_show_message (GTK_WIDGET (self), _("The test message was accepted"),
                               report->result_message);
      return;
    }

  report_failure (self, report, status, _("The test message was not delivered"));
}

/* The test message goes through what is applied, not through the form. */
void
messagerie_window_test_mail (MessagerieWindow *self)
{
  if (self->helper_run != NULL)
    return;

  run_helper (self, TRUE, "test-mail", NULL, NULL, _("Sending a test message…"),
              on_test_mail_done);
}

static void
on_restore_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("The configuration was not restored"));
  if (report == NULL)
    return;

  /* Either way the window shows what the system now holds. */
  reload_on_disk (self);

  if (status == 0 && messagerie_report_succeeded (report))
    {
      messagerie_editor_revert (self->editor);
      messagerie_window_show_toast (self, _("The previous configuration has been restored."));
      return;
    }

  report_failure (self, report, status, _("The configuration was not restored"));
}

static void
on_restore_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MessagerieWindow *self)
{
  const char *name = messagerie_restore_dialog_get_chosen (MESSAGERIE_RESTORE_DIALOG (dialog));

  if (!g_str_equal (response, "restore") || name == NULL || self->helper_run != NULL)
    return;

  run_helper (self, TRUE, "restore", name, NULL, _("Restoring the previous configuration…"),
              on_restore_done);
}

static void
on_backups_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  GtkWidget *dialog;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("Cannot list the saved configurations"));
  if (report == NULL)
    return;
  if (status != 0)
    {
      messagerie_show_message (GTK_WIDGET (self), _("Cannot list the saved configurations"),
                               report->other->str);
      return;
    }

  dialog = messagerie_restore_dialog_new (GTK_WINDOW (self), report->other->str);
  if (dialog == NULL)
    {
      messagerie_show_message (GTK_WIDGET (self), _("Nothing to restore"),
                               _("No previous configuration has been kept yet: one is kept "
                                 "each time changes are applied."));
      return;
    }

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_restore_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Asks which configuration to put back: listing needs no privilege, the
 * names of the backups are their dates. */
void
messagerie_window_restore (MessagerieWindow *self)
{
  if (self->helper_run != NULL)
    return;

  run_helper (self, FALSE, "backups", NULL, NULL, _("Looking for the previous configuration…"),
              on_backups_done);
}
