/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The page « Envoi »: the mail domain, root's addresses, the sizes and the
 * rewriting of the headers. Its rows are fields (see messagerie-field.c),
 * bound by the window; the page adds the seed's note on rewriting. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-sending-page.h"

struct _MessagerieSendingPage
{
  AdwPreferencesPage parent_instance;

  AdwActionRow      *rewrite_headers_row;
  /* Whether the note on rewriting is shown, once it was set. */
  gboolean           note_shown;
  gboolean           note_known;
};

G_DEFINE_FINAL_TYPE (MessagerieSendingPage, messagerie_sending_page, ADW_TYPE_PREFERENCES_PAGE)

static void
messagerie_sending_page_class_init (MessagerieSendingPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-sending-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieSendingPage, rewrite_headers_row);
}

static void
messagerie_sending_page_init (MessagerieSendingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The seed's note on rewriting the headers, shown beneath the switch when
 * the mail domain is not <machine_name>.<dns_domain> (SPEC §4). */
void
messagerie_sending_page_update (MessagerieSendingPage *self,
                                MessagerieSettings    *settings)
{
  gboolean differs;

  g_return_if_fail (MESSAGERIE_IS_SENDING_PAGE (self));

  differs = !messagerie_settings_domain_is_host_name (settings);
  /* Called on every keystroke: the same text set again would lay the row
   * out again. */
  if (self->note_shown == differs && self->note_known)
    return;
  self->note_shown = differs;
  self->note_known = TRUE;
  adw_action_row_set_subtitle (self->rewrite_headers_row,
                               differs ? _("The mail domain is not the machine name followed by "
                                           "the DNS name of the local network: rewriting the "
                                           "headers may be needed to keep them consistent with "
                                           "the envelope of the messages.")
                                       : "");
}
