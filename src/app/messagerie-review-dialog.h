/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "messagerie-core.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_REVIEW_DIALOG (messagerie_review_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieReviewDialog, messagerie_review_dialog, MESSAGERIE, REVIEW_DIALOG,
                      AdwMessageDialog)

GtkWidget *messagerie_review_dialog_new     (GtkWindow              *parent,
                                             const char             *root,
                                             MessagerieSettings     *before,
                                             MessagerieSettings     *after,
                                             GHashTable             *rows);
gboolean   messagerie_review_dialog_is_busy (MessagerieReviewDialog *self);

G_END_DECLS
