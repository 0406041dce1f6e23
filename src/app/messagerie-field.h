/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "messagerie-editor.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_FIELD (messagerie_field_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieField, messagerie_field, MESSAGERIE, FIELD, GObject)

MessagerieField *messagerie_field_new         (MessagerieEditor *editor,
                                               GtkWidget        *row);
const char      *messagerie_field_get_key     (MessagerieField  *self);
GtkWidget       *messagerie_field_get_row     (MessagerieField  *self);
GtkWidget       *messagerie_field_get_caption (MessagerieField  *self);
void             messagerie_field_set_note    (MessagerieField  *self,
                                               const char       *note);
void             messagerie_field_update      (MessagerieField  *self,
                                               MessagerieMode    view);
void             messagerie_field_select      (MessagerieField  *self,
                                               const char       *choice);

G_END_DECLS
