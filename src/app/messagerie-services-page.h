/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_SERVICES_PAGE (messagerie_services_page_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieServicesPage, messagerie_services_page, MESSAGERIE, SERVICES_PAGE,
                      AdwPreferencesPage)

void     messagerie_services_page_refresh (MessagerieServicesPage *self,
                                           const char             *mail_server);
gboolean messagerie_services_page_is_busy (MessagerieServicesPage *self);

G_END_DECLS
