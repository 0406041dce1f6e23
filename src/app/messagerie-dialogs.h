/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       messagerie_show_message          (GtkWidget  *widget,
                                             const char *heading,
                                             const char *body);
GtkWidget *messagerie_close_dialog_new      (GtkWindow  *parent,
                                             gboolean    can_apply);

GtkWidget *messagerie_boxed_list_new           (void);
void       messagerie_dialog_set_scrolled_child (AdwMessageDialog *dialog,
                                                 GtkWidget        *child);

G_END_DECLS
