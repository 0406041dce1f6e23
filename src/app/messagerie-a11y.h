/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void messagerie_a11y_watch_windows (void);
void messagerie_a11y_name_buttons  (GtkWidget *widget);

G_END_DECLS
