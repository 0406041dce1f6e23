/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "messagerie-editor.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_RELAY_PAGE (messagerie_relay_page_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieRelayPage, messagerie_relay_page, MESSAGERIE, RELAY_PAGE,
                      AdwPreferencesPage)

void     messagerie_relay_page_set_editor     (MessagerieRelayPage *self,
                                               MessagerieEditor    *editor);
void     messagerie_relay_page_probe          (MessagerieRelayPage *self);
void     messagerie_relay_page_detect         (MessagerieRelayPage *self);
gboolean messagerie_relay_page_get_detecting  (MessagerieRelayPage *self);

G_END_DECLS
