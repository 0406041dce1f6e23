/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The page « Activité »: did the alerts get out? exim's state, its queue
 * (retried or emptied message by message) and the recent deliveries, read
 * through the helper (`monitor status|queue|deliveries`, the polkit action
 * fr.eole.messagerie.monitor; `queue-retry`, `queue-delete` under
 * fr.eole.messagerie.apply). Nothing is read before the page is shown. */

#define G_LOG_DOMAIN "messagerie"

#include <string.h>

#include <glib/gi18n.h>

#include "messagerie-activity-page.h"
#include "messagerie-core.h"
#include "messagerie-helper-client.h"

struct _MessagerieActivityPage
{
  AdwPreferencesPage  parent_instance;

  /* Template widgets */
  GtkButton          *refresh_button;
  AdwActionRow       *exim_row;
  AdwActionRow       *applied_row;
  AdwActionRow       *delivered_row;
  AdwActionRow       *failed_row;
  AdwPreferencesGroup *queue_group;
  GtkButton          *retry_all_button;
  AdwPreferencesGroup *deliveries_group;
  GtkToggleButton    *failures_button;

  /* Owned */
  char               *root;
  GCancellable       *cancellable;
  guint               busy;
  GPtrArray          *queue_rows;      /* the rows added to queue_group */
  GPtrArray          *delivery_rows;   /* the rows added to deliveries_group */
  GPtrArray          *deliveries;      /* the delivery records, newest first */
};

G_DEFINE_FINAL_TYPE (MessagerieActivityPage, messagerie_activity_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  SHOW_KEY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_verb (MessagerieActivityPage *self,
                      gboolean                reading,
                      const char             *verb,
                      const char             *argument,
                      GAsyncReadyCallback     callback);

/* ------------------------------------------------------------------ */
/* Words for people */

static char *
format_age (const char *seconds_text)
{
  guint64 seconds = g_ascii_strtoull (seconds_text, NULL, 10);

  if (seconds < 60)
    return g_strdup (_("less than a minute"));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (NULL, "%u minute", "%u minutes", seconds / 60),
                            (guint) (seconds / 60));
  if (seconds < 86400)
    return g_strdup_printf (g_dngettext (NULL, "%u hour", "%u hours", seconds / 3600),
                            (guint) (seconds / 3600));
  return g_strdup_printf (g_dngettext (NULL, "%u day", "%u days", seconds / 86400),
                          (guint) (seconds / 86400));
}

static const char *
state_label (const char *state)
{
  if (g_str_equal (state, "frozen"))
    return _("frozen: exim will not try again by itself");
  if (g_str_equal (state, "deferred"))
    return _("deferred: exim will try again");
  return _("waiting for its first try");
}

static const char *
outcome_label (const char *outcome)
{
  if (g_str_equal (outcome, "delivered"))
    return _("delivered");
  if (g_str_equal (outcome, "deferred"))
    return _("deferred");
  if (g_str_equal (outcome, "bounced"))
    return _("returned to the sender");
  return _("refused");
}

/* ------------------------------------------------------------------ */
/* Rows */

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static GtkWidget *
add_row (AdwPreferencesGroup *group,
         GPtrArray           *rows,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
  return row;
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text && *text ? text : _("None yet"));
}

static void
show_deliveries (MessagerieActivityPage *self)
{
  gboolean failures = gtk_toggle_button_get_active (self->failures_button);
  guint shown = 0;

  clear_rows (self->deliveries_group, self->delivery_rows);
  for (guint i = 0; i < self->deliveries->len; i++)
    {
      char **d = g_ptr_array_index (self->deliveries, i);
      g_autofree char *when = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *subtitle = NULL;

      if (failures && g_str_equal (d[3], "delivered"))
        continue;
      when = messagerie_format_time (d[1]);
      detail = messagerie_delivery_explain (d[6]);
      /* Translators: when, the outcome, then the host and its reply. */
      subtitle = g_strdup_printf (_("%s — %s%s%s%s%s"), when, outcome_label (d[3]),
                                  *d[5] ? " — " : "", d[5], *detail ? " — " : "", detail);
      add_row (self->deliveries_group, self->delivery_rows, *d[4] ? d[4] : d[2], subtitle);
      shown++;
    }
  if (shown == 0)
    add_row (self->deliveries_group, self->delivery_rows,
             failures ? _("No failure in exim's log.") : _("No delivery in exim's log."), NULL);
}

/* ------------------------------------------------------------------ */
/* The helper's runs */

static void
end_run (MessagerieActivityPage *self)
{
  if (self->busy > 0)
    self->busy--;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), self->busy == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_all_button), self->busy == 0);
}

/* The report of a run, or NULL when it did not succeed (the reason then
 * on the exim row: nothing of the page can be read). */
static MessagerieReport *
finish_run (MessagerieActivityPage *self,
            GAsyncResult           *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MessagerieReport) report = NULL;
  int status = 0;

  report = messagerie_helper_run_finish (result, &status, &error);
  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_action_row_set_subtitle (self->exim_row, error->message);
      return NULL;
    }
  /* pkexec's: dismissed says nothing; not authorized does. */
  if (status == MESSAGERIE_PKEXEC_DISMISSED)
    return NULL;
  if (status == MESSAGERIE_PKEXEC_NOT_AUTHORIZED)
    {
      adw_action_row_set_subtitle (self->exim_row, _("Not authorized to read the mail activity."));
      return NULL;
    }
  if (!messagerie_report_succeeded (report))
    {
      adw_action_row_set_subtitle (self->exim_row,
                                   report->result_message ? report->result_message : report->other->str);
      return NULL;
    }
  return g_steal_pointer (&report);
}

static void
on_deliveries_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MessagerieActivityPage) self = user_data;
  g_autoptr(MessagerieReport) report = finish_run (self, result);

  end_run (self);
  if (report == NULL)
    return;
  g_ptr_array_set_size (self->deliveries, 0);
  for (guint i = 0; i < report->records->len; i++)
    {
      char **record = g_ptr_array_index (report->records, i);

      if (g_str_equal (record[0], "delivery"))
        g_ptr_array_add (self->deliveries, g_strdupv (record));
    }
  show_deliveries (self);
}

static void
on_sender_link (GtkButton              *button,
                MessagerieActivityPage *self)
{
  g_signal_emit (self, signals[SHOW_KEY], 0, "root_sender");
}

static void on_retry_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_retry_clicked (GtkButton              *button,
                  MessagerieActivityPage *self)
{
  run_verb (self, FALSE, "queue-retry", g_object_get_data (G_OBJECT (button), "message-id"),
            on_retry_done);
}

static void
on_delete_response (AdwMessageDialog       *dialog,
                    const char             *response,
                    MessagerieActivityPage *self)
{
  if (g_str_equal (response, "delete"))
    run_verb (self, FALSE, "queue-delete", g_object_get_data (G_OBJECT (dialog), "message-id"),
              on_retry_done);
}

static void
on_delete_clicked (GtkButton              *button,
                   MessagerieActivityPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "message-id");
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL,
                                                       _("Delete this message?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("exim will not try to deliver it again and its recipients "
                                    "will never receive it (message %s)."), id);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "message-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (const char *label,
            const char *id)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "message-id", g_strdup (id), g_free);
  return button;
}

static void
on_queue_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MessagerieActivityPage) self = user_data;
  g_autoptr(MessagerieReport) report = finish_run (self, result);
  guint messages = 0;

  end_run (self);
  if (report == NULL)
    return;

  clear_rows (self->queue_group, self->queue_rows);
  for (guint i = 0; i < report->records->len; i++)
    {
      char **m = g_ptr_array_index (report->records, i);
      g_autofree char *age = NULL;
      g_autofree char *error = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *recipients = NULL;
      GtkWidget *row;
      GtkWidget *button;

      if (!g_str_equal (m[0], "message"))
        continue;
      messages++;
      age = format_age (m[2]);
      error = messagerie_delivery_explain (m[7]);
      /* Translators: its state, how long it waits, then exim's last error. */
      subtitle = g_strdup_printf (_("%s — waiting for %s%s%s"), state_label (m[4]), age,
                                  *error ? " — " : "", error);
      recipients = g_strdelimit (g_strdup (m[6]), ",", ' ');
      row = add_row (self->queue_group, self->queue_rows, recipients, subtitle);

      if (messagerie_delivery_refuses_sender (m[7]))
        {
          button = gtk_button_new_with_mnemonic (_("Sending _address"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          g_signal_connect_object (button, "clicked", G_CALLBACK (on_sender_link), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      button = row_button (_("_Retry now"), m[1]);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_retry_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      button = row_button (_("_Delete"), m[1]);
      gtk_widget_add_css_class (button, "destructive-action");
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_delete_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  if (messages == 0)
    add_row (self->queue_group, self->queue_rows, _("The queue is empty: every message got out."), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_all_button), messages > 0);

  run_verb (self, TRUE, "deliveries", NULL, on_deliveries_done);
}

static void
on_status_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MessagerieActivityPage) self = user_data;
  g_autoptr(MessagerieReport) report = finish_run (self, result);

  end_run (self);
  if (report == NULL)
    return;

  for (guint i = 0; i < report->records->len; i++)
    {
      char **s = g_ptr_array_index (report->records, i);
      guint n = g_strv_length (s);

      if (!g_str_equal (s[0], "status") || n < 3)
        continue;
      if (g_str_equal (s[1], "exim"))
        {
          g_autofree char *since = n > 3 && *s[3] ? messagerie_format_time (s[3]) : NULL;
          g_autofree char *text = since ? g_strdup_printf (_("Running since %s"), since) : NULL;

          adw_action_row_set_subtitle (self->exim_row,
                                       g_str_equal (s[2], "running")
                                       ? (text ? text : _("Running"))
                                       : _("Not running: alerts wait in the queue until exim runs"));
        }
      else if (g_str_equal (s[1], "applied") && *s[2])
        {
          g_autofree char *when = messagerie_format_time (s[2]);

          set_subtitle (self->applied_row, when);
        }
      else if ((g_str_equal (s[1], "gateway-delivered") || g_str_equal (s[1], "gateway-failed")) && n >= 7)
        {
          AdwActionRow *row = g_str_equal (s[1], "gateway-delivered") ? self->delivered_row
                                                                       : self->failed_row;
          g_autofree char *when = *s[2] ? messagerie_format_time (s[2]) : NULL;
          g_autofree char *detail = messagerie_delivery_explain (s[6]);
          g_autofree char *text = when ? g_strdup_printf ("%s — %s — %s", when, s[5], detail) : NULL;

          set_subtitle (row, text);
        }
    }

  run_verb (self, TRUE, "queue", NULL, on_queue_done);
}

static void
on_retry_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MessagerieActivityPage) self = user_data;
  g_autoptr(MessagerieReport) report = finish_run (self, result);

  end_run (self);
  messagerie_activity_page_refresh (self);
}

/* @reading: through "monitor" (polkit's reading action). */
static void
run_verb (MessagerieActivityPage *self,
          gboolean                reading,
          const char             *verb,
          const char             *argument,
          GAsyncReadyCallback     callback)
{
  self->busy++;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_all_button), FALSE);
  messagerie_helper_run_async (self->root, TRUE, reading ? "monitor" : verb,
                               reading ? verb : argument, NULL, NULL, NULL,
                               self->cancellable, callback, g_object_ref (self));
}

static void
on_refresh_clicked (GtkButton              *button,
                    MessagerieActivityPage *self)
{
  messagerie_activity_page_refresh (self);
}

static void
on_retry_all_clicked (GtkButton              *button,
                      MessagerieActivityPage *self)
{
  run_verb (self, FALSE, "queue-retry", "--all", on_retry_done);
}

static void
on_failures_toggled (GtkToggleButton        *button,
                     MessagerieActivityPage *self)
{
  show_deliveries (self);
}

/* ------------------------------------------------------------------ */

static void
messagerie_activity_page_dispose (GObject *object)
{
  MessagerieActivityPage *self = MESSAGERIE_ACTIVITY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MESSAGERIE_TYPE_ACTIVITY_PAGE);

  G_OBJECT_CLASS (messagerie_activity_page_parent_class)->dispose (object);
}

static void
messagerie_activity_page_finalize (GObject *object)
{
  MessagerieActivityPage *self = MESSAGERIE_ACTIVITY_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->queue_rows, g_ptr_array_unref);
  g_clear_pointer (&self->delivery_rows, g_ptr_array_unref);
  g_clear_pointer (&self->deliveries, g_ptr_array_unref);

  G_OBJECT_CLASS (messagerie_activity_page_parent_class)->finalize (object);
}

static void
messagerie_activity_page_class_init (MessagerieActivityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = messagerie_activity_page_dispose;
  object_class->finalize = messagerie_activity_page_finalize;

  /* A row of the other pages asks to be shown (the sending address a
   * gateway refuses). */
  signals[SHOW_KEY] = g_signal_new ("show-key", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-activity-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, exim_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, applied_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, delivered_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, failed_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, queue_group);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, retry_all_button);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, deliveries_group);
  gtk_widget_class_bind_template_child (widget_class, MessagerieActivityPage, failures_button);
}

static void
messagerie_activity_page_init (MessagerieActivityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->queue_rows = g_ptr_array_new ();
  self->delivery_rows = g_ptr_array_new ();
  self->deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_signal_connect (self->refresh_button, "clicked", G_CALLBACK (on_refresh_clicked), self);
  g_signal_connect (self->retry_all_button, "clicked", G_CALLBACK (on_retry_all_clicked), self);
  g_signal_connect (self->failures_button, "toggled", G_CALLBACK (on_failures_toggled), self);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_all_button), FALSE);
}

void
messagerie_activity_page_set_root (MessagerieActivityPage *self,
                                   const char             *root)
{
  g_return_if_fail (MESSAGERIE_IS_ACTIVITY_PAGE (self));

  g_free (self->root);
  self->root = g_strdup (root);
}

void
messagerie_activity_page_refresh (MessagerieActivityPage *self)
{
  g_return_if_fail (MESSAGERIE_IS_ACTIVITY_PAGE (self));

  if (self->busy > 0)
    return;
  run_verb (self, TRUE, "status", NULL, on_status_done);
}

gboolean
messagerie_activity_page_is_busy (MessagerieActivityPage *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_ACTIVITY_PAGE (self), FALSE);

  return self->busy > 0;
}
