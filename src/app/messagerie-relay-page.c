/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The page « Relais »: the gateway's rows (fields, bound by the window) and
 * the checks beneath them: « Tester la connexion » (the same button stops
 * it) and « Détecter », each with its own cancellable, on the values of the
 * form, applied or not. The test message is the window's: it goes through
 * the helper. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-detect-dialog.h"
#include "messagerie-dialogs.h"
#include "messagerie-relay-page.h"

struct _MessagerieRelayPage
{
  AdwPreferencesPage parent_instance;

  /* Template widgets */
  AdwActionRow      *probe_row;
  GtkButton         *probe_button;
  AdwActionRow      *detect_row;

  /* Owned */
  MessagerieEditor  *editor;
  GCancellable      *probe_run;     /* set while the connection test runs */
  GCancellable      *detect_run;    /* set while « Détecter » runs */
};

G_DEFINE_FINAL_TYPE (MessagerieRelayPage, messagerie_relay_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_DETECTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_probe_step (const char *step,
               const char *message,
               gpointer    user_data)
{
  MessagerieRelayPage *self = MESSAGERIE_RELAY_PAGE (user_data);

  adw_action_row_set_subtitle (self->probe_row, message);
}

static void
probe_finished (MessagerieRelayPage *self)
{
  g_clear_object (&self->probe_run);
  gtk_button_set_label (self->probe_button, _("_Test"));
  adw_action_row_set_subtitle (self->probe_row,
                               _("Connects to the gateway with the values above, applied or not, "
                                 "and logs in; sends nothing"));
}

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MessagerieRelayPage) self = user_data;
  g_autoptr(MessagerieProbeResult) probe = NULL;
  g_autoptr(GError) error = NULL;

  probe = messagerie_probe_finish (result, &error);
  /* Cancelled by the page's end: nothing left to update. */
  if (self->probe_run == NULL)
    return;
  probe_finished (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (probe == NULL)
    {
      messagerie_show_message (GTK_WIDGET (self), _("Nothing to test yet"), error->message);
      return;
    }

  messagerie_show_message (GTK_WIDGET (self),
                           probe->code == MESSAGERIE_PROBE_OK ? _("The gateway answered")
                                                              : _("The connection test failed"),
                           probe->message);
}

static void
set_detecting (MessagerieRelayPage *self,
               GCancellable        *run)
{
  if (self->detect_run != NULL)
    g_cancellable_cancel (self->detect_run);
  g_clear_object (&self->detect_run);
  self->detect_run = run;
  adw_action_row_set_subtitle (self->detect_row,
                               run ? _("Trying ports 465, 587 and 25…")
                                   : _("Tries the gateway on ports 465, 587 and 25, and proposes the choice that works"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETECTING]);
}

/* « Utiliser … » sets the TLS choice found. */
static void
on_detect_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    MessagerieRelayPage *self)
{
  const char *proposal = messagerie_detect_dialog_get_proposal (dialog);

  if (g_str_equal (response, "use") && proposal != NULL && self->editor != NULL)
    messagerie_settings_set (messagerie_editor_get_settings (self->editor), "relay_tls", proposal);
}

static void
on_detect_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MessagerieRelayPage) self = user_data;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GError) error = NULL;
  const char *proposal = NULL;
  GtkWidget *dialog;

  attempts = messagerie_detect_finish (result, &proposal, &error);
  if (self->detect_run == NULL)
    return;
  set_detecting (self, NULL);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (attempts == NULL)
    {
      messagerie_show_message (GTK_WIDGET (self), _("Nothing to test yet"), error->message);
      return;
    }

  dialog = messagerie_detect_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         attempts, proposal);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_detect_response), self, 0);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
messagerie_relay_page_dispose (GObject *object)
{
  MessagerieRelayPage *self = MESSAGERIE_RELAY_PAGE (object);

  if (self->probe_run != NULL)
    g_cancellable_cancel (self->probe_run);
  g_clear_object (&self->probe_run);
  if (self->detect_run != NULL)
    g_cancellable_cancel (self->detect_run);
  g_clear_object (&self->detect_run);
  g_clear_object (&self->editor);

  G_OBJECT_CLASS (messagerie_relay_page_parent_class)->dispose (object);
}

static void
messagerie_relay_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  MessagerieRelayPage *self = MESSAGERIE_RELAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_DETECTING:
      g_value_set_boolean (value, self->detect_run != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
messagerie_relay_page_class_init (MessagerieRelayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = messagerie_relay_page_dispose;
  object_class->get_property = messagerie_relay_page_get_property;

  properties[PROP_DETECTING] =
    g_param_spec_boolean ("detecting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-relay-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieRelayPage, probe_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieRelayPage, probe_button);
  gtk_widget_class_bind_template_child (widget_class, MessagerieRelayPage, detect_row);
}

static void
messagerie_relay_page_init (MessagerieRelayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
messagerie_relay_page_set_editor (MessagerieRelayPage *self,
                                  MessagerieEditor    *editor)
{
  g_return_if_fail (MESSAGERIE_IS_RELAY_PAGE (self));

  g_set_object (&self->editor, editor);
}

/* Starts the connection test, or stops the one running. */
void
messagerie_relay_page_probe (MessagerieRelayPage *self)
{
  g_autoptr(MessagerieSettings) form = NULL;

  g_return_if_fail (MESSAGERIE_IS_RELAY_PAGE (self));

  if (self->probe_run != NULL)
    {
      g_cancellable_cancel (self->probe_run);
      return;
    }

  form = messagerie_editor_dup_form (self->editor);
  self->probe_run = g_cancellable_new ();
  gtk_button_set_label (self->probe_button, _("_Stop"));
  adw_action_row_set_subtitle (self->probe_row, _("Connecting…"));
  messagerie_probe_async (form, NULL, 0, on_probe_step, self, self->probe_run,
                          on_probe_done, g_object_ref (self));
}

/* Tries each TLS choice, and proposes the one that reaches the gateway. */
void
messagerie_relay_page_detect (MessagerieRelayPage *self)
{
  g_autoptr(MessagerieSettings) form = NULL;

  g_return_if_fail (MESSAGERIE_IS_RELAY_PAGE (self));

  if (self->detect_run != NULL)
    return;

  form = messagerie_editor_dup_form (self->editor);
  set_detecting (self, g_cancellable_new ());
  messagerie_detect_async (form, NULL, 0, self->detect_run, on_detect_done, g_object_ref (self));
}

gboolean
messagerie_relay_page_get_detecting (MessagerieRelayPage *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_RELAY_PAGE (self), FALSE);

  return self->detect_run != NULL;
}
