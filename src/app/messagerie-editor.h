/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "messagerie-core.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_EDITOR (messagerie_editor_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieEditor, messagerie_editor, MESSAGERIE, EDITOR, GObject)

MessagerieEditor   *messagerie_editor_new                 (MessagerieSettings *on_disk);

MessagerieSettings *messagerie_editor_get_settings        (MessagerieEditor   *self);
MessagerieSettings *messagerie_editor_get_on_disk         (MessagerieEditor   *self);
void                messagerie_editor_set_on_disk         (MessagerieEditor   *self,
                                                           MessagerieSettings *on_disk);
void                messagerie_editor_revert              (MessagerieEditor   *self);
void                messagerie_editor_set_working_copy    (MessagerieEditor   *self,
                                                           MessagerieSettings *settings);
void                messagerie_editor_applied             (MessagerieEditor   *self);

void                messagerie_editor_add_field_key       (MessagerieEditor   *self,
                                                           const char         *key);
const MessagerieFinding *messagerie_editor_get_finding    (MessagerieEditor   *self,
                                                           const char         *key);
void                messagerie_editor_touch               (MessagerieEditor   *self,
                                                           const char         *key);
void                messagerie_editor_touch_all           (MessagerieEditor   *self);
gboolean            messagerie_editor_error_shown         (MessagerieEditor   *self);
gboolean            messagerie_editor_take_helper_errors  (MessagerieEditor   *self,
                                                           MessagerieReport   *report);
void                messagerie_editor_forget_helper_errors (MessagerieEditor  *self);

gboolean            messagerie_editor_get_has_changes     (MessagerieEditor   *self);
gboolean            messagerie_editor_get_can_apply       (MessagerieEditor   *self);
gboolean            messagerie_editor_get_busy            (MessagerieEditor   *self);
void                messagerie_editor_set_busy            (MessagerieEditor   *self,
                                                           gboolean            busy);

const char         *messagerie_editor_get_stored_password (MessagerieEditor   *self);
void                messagerie_editor_set_stored_password (MessagerieEditor   *self,
                                                           const char         *password);
void                messagerie_editor_set_password        (MessagerieEditor   *self,
                                                           const char         *text);
MessagerieSettings *messagerie_editor_dup_form            (MessagerieEditor   *self);

G_END_DECLS
