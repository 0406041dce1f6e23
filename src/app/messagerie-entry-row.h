/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_ENTRY_ROW (messagerie_entry_row_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieEntryRow, messagerie_entry_row, MESSAGERIE, ENTRY_ROW,
                      AdwPreferencesRow)

GtkWidget *messagerie_entry_row_new          (void);
GtkWidget *messagerie_entry_row_get_entry    (MessagerieEntryRow *self);
gboolean   messagerie_entry_row_get_password (MessagerieEntryRow *self);

G_END_DECLS
