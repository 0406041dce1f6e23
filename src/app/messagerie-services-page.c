/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The page « Services » (modules with a mail server only): the anti-spam,
 * the POP/IMAP server and the mailing lists. Its rows are fields (see
 * messagerie-field.c), bound by the window. */

#define G_LOG_DOMAIN "messagerie"

#include "messagerie-services-page.h"

struct _MessagerieServicesPage
{
  AdwPreferencesPage parent_instance;
};

G_DEFINE_FINAL_TYPE (MessagerieServicesPage, messagerie_services_page, ADW_TYPE_PREFERENCES_PAGE)

static void
messagerie_services_page_class_init (MessagerieServicesPageClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               "/fr/eole/Messagerie/messagerie-services-page.ui");
}

static void
messagerie_services_page_init (MessagerieServicesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
