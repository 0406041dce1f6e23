/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_RESTORE_DIALOG (messagerie_restore_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieRestoreDialog, messagerie_restore_dialog, MESSAGERIE,
                      RESTORE_DIALOG, AdwMessageDialog)

GtkWidget  *messagerie_restore_dialog_new         (GtkWindow               *parent,
                                                   const char              *listing);
const char *messagerie_restore_dialog_get_chosen  (MessagerieRestoreDialog *self);
gboolean    messagerie_restore_dialog_choose      (MessagerieRestoreDialog *self,
                                                   guint                    index);

G_END_DECLS
