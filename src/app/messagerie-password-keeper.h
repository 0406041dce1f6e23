/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-editor.h"
#include "messagerie-field.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_PASSWORD_KEEPER (messagerie_password_keeper_get_type ())
G_DECLARE_FINAL_TYPE (MessageriePasswordKeeper, messagerie_password_keeper,
                      MESSAGERIE, PASSWORD_KEEPER, GObject)

MessageriePasswordKeeper *messagerie_password_keeper_new     (MessagerieEditor         *editor,
                                                              MessagerieField          *field,
                                                              const char               *root);
void                      messagerie_password_keeper_start   (MessageriePasswordKeeper *self);
gboolean                  messagerie_password_keeper_busy    (MessageriePasswordKeeper *self);
void                      messagerie_password_keeper_applied (MessageriePasswordKeeper *self,
                                                              MessagerieSettings       *before,
                                                              const char               *sent);

G_END_DECLS
