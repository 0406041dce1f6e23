/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-settings.h"

G_BEGIN_DECLS

/* Private to the renderer: the lines of Messagerie's block of the macros
 * that hold an ACL, appended to @out (nothing when not in use). */
void messagerie_render_sender_name_acl (MessagerieSettings *settings,
                                        GString            *out);
void messagerie_render_spam_acl        (MessagerieSettings *settings,
                                        GString            *out);

G_END_DECLS
