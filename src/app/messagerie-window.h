/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "messagerie-settings.h"
#include "messagerie-application.h"

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_WINDOW (messagerie_window_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieWindow, messagerie_window, MESSAGERIE, WINDOW, AdwApplicationWindow)

/* A window on the configuration under @root, NULL for the system's own
 * (applied through pkexec): it reads the settings file there. */
MessagerieWindow *messagerie_window_new        (MessagerieApplication *application,
                                                const char            *root);
void              messagerie_window_show_toast (MessagerieWindow      *self,
                                                const char            *text);

/* For the tests: the row bound to a settings key (the key names of the
 * template, "password" for the relay password), and the caption row shown
 * beneath it with its message. NULL for an unknown key. */
GtkWidget        *messagerie_window_get_row     (MessagerieWindow      *self,
                                                 const char            *key);
GtkWidget        *messagerie_window_get_caption (MessagerieWindow      *self,
                                                 const char            *key);

/* For the tests: whether a keyring lookup is still to come or running. */
gboolean          messagerie_window_keyring_busy (MessagerieWindow      *self);

G_END_DECLS
