/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "messagerie-core.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_SENDING_PAGE (messagerie_sending_page_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieSendingPage, messagerie_sending_page, MESSAGERIE, SENDING_PAGE,
                      AdwPreferencesPage)

void messagerie_sending_page_update (MessagerieSendingPage *self,
                                     MessagerieSettings    *settings);

G_END_DECLS
