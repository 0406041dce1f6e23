/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The page « Services » (modules with a mail server only): the anti-spam,
 * the POP/IMAP server and the mailing lists. Its rows are fields (see
 * messagerie-field.c), bound by the window; the page says beneath each
 * what the service is for (the seed's words) and its state on this
 * machine, read without privilege when the page is shown: installed or
 * not (and then the command that installs it), running or not. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-core.h"
#include "messagerie-services-page.h"

struct _MessagerieServicesPage
{
  AdwPreferencesPage parent_instance;

  /* Template widgets */
  AdwActionRow      *antispam_row;
  AdwActionRow      *mail_server_row;
  AdwActionRow      *mailing_lists_row;

  GCancellable      *reading;
};

G_DEFINE_FINAL_TYPE (MessagerieServicesPage, messagerie_services_page, ADW_TYPE_PREFERENCES_PAGE)

/* What each service is for, as the seed says it. */
static const char *
purpose (const char *key)
{
  if (g_str_equal (key, "antispam"))
    return _("Filters the messages recognised as unwanted.");
  if (g_str_equal (key, "mail_server"))
    return _("The protocols by which the users fetch their mail: POP, IMAP or both; “No” stops "
             "the service.");
  return _("The manager of the mailing lists of the establishment.");
}

static AdwActionRow *
row_of (MessagerieServicesPage *self,
        const char             *key)
{
  if (g_str_equal (key, "antispam"))
    return self->antispam_row;
  if (g_str_equal (key, "mail_server"))
    return self->mail_server_row;
  return self->mailing_lists_row;
}

/* The row's subtitle: what the service is for, then @state (NULL while
 * not read). */
static void
show (MessagerieServicesPage *self,
      const char             *key,
      const char             *state)
{
  g_autofree char *text = state ? g_strdup_printf ("%s\n%s", purpose (key), state)
                                : g_strdup (purpose (key));

  adw_action_row_set_subtitle (row_of (self, key), text);
}

static char *
describe (const MessagerieServiceState *state)
{
  if (!state->installed)
    /* TRANSLATORS: %s is a command, as "apt install spamd". */
    return g_strdup_printf (_("Not installed: install it with “%s”."), state->install_command);
  if (state->running)
    return g_strdup (_("Installed, running."));
  return g_strdup (_("Installed, not running."));
}

static void
on_states_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MessagerieServicesPage) self = user_data;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GError) error = NULL;

  states = messagerie_service_states_read_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->reading);
  if (states == NULL)
    {
      g_warning ("Cannot read the services' states: %s", error->message);
      return;
    }

  for (guint i = 0; i < states->len; i++)
    {
      const MessagerieServiceState *state = g_ptr_array_index (states, i);
      g_autofree char *text = describe (state);

      show (self, state->key, text);
    }
}

static void
messagerie_services_page_dispose (GObject *object)
{
  MessagerieServicesPage *self = MESSAGERIE_SERVICES_PAGE (object);

  if (self->reading != NULL)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);

  G_OBJECT_CLASS (messagerie_services_page_parent_class)->dispose (object);
}

static void
messagerie_services_page_class_init (MessagerieServicesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = messagerie_services_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-services-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieServicesPage, antispam_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieServicesPage, mail_server_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieServicesPage, mailing_lists_row);
}

static void
messagerie_services_page_init (MessagerieServicesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  show (self, "antispam", NULL);
  show (self, "mail_server", NULL);
  show (self, "mailing_lists", NULL);
}

/* Reads the services' states again, for @mail_server (the setting of the
 * POP/IMAP server, which decides the packages it needs). The services are
 * this machine's, whatever root the window edits;
 * MESSAGERIE_SERVICE_STATE_ROOT, for the tests and the screenshots, reads
 * another folder's. */
void
messagerie_services_page_refresh (MessagerieServicesPage *self,
                                  const char             *mail_server)
{
  const char *root = g_getenv ("MESSAGERIE_SERVICE_STATE_ROOT");

  g_return_if_fail (MESSAGERIE_IS_SERVICES_PAGE (self));

  if (self->reading != NULL)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  self->reading = g_cancellable_new ();
  messagerie_service_states_read_async (root ? root : "/", mail_server, self->reading,
                                        on_states_read, g_object_ref (self));
}

/* Whether the states are being read (for the tests). */
gboolean
messagerie_services_page_is_busy (MessagerieServicesPage *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_SERVICES_PAGE (self), FALSE);

  return self->reading != NULL;
}
