/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "messagerie-core.h"

G_BEGIN_DECLS

/* A dialog over @parent on @attempts (MessagerieDetectAttempt), with a
 * "use" response when @proposal (a relay_tls value) is not NULL. */
GtkWidget  *messagerie_detect_dialog_new          (GtkWindow        *parent,
                                                   GPtrArray        *attempts,
                                                   const char       *proposal);
/* The relay_tls value the "use" response stands for, or NULL. */
const char *messagerie_detect_dialog_get_proposal (AdwMessageDialog *dialog);

G_END_DECLS
