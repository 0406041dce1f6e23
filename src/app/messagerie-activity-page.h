/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_ACTIVITY_PAGE (messagerie_activity_page_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieActivityPage, messagerie_activity_page, MESSAGERIE, ACTIVITY_PAGE,
                      AdwPreferencesPage)

/* The page reads the activity of the system under @root (NULL: the system
 * itself, through pkexec). */
void      messagerie_activity_page_set_root (MessagerieActivityPage *self,
                                             const char             *root);
/* Reads the status, the queue and the recent deliveries again. Nothing is
 * read before the first call. */
void      messagerie_activity_page_refresh  (MessagerieActivityPage *self);
/* Whether a helper run is going on (for the tests). */
gboolean  messagerie_activity_page_is_busy  (MessagerieActivityPage *self);

G_END_DECLS
