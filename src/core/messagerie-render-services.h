/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-settings.h"

G_BEGIN_DECLS

/* Private to the renderer: what the services of a module with a mail
 * server need written, each added to @files (MessagerieRenderedFile) only
 * when it changes. @existing as messagerie_render() takes it; @split
 * whether Debian's split configuration is in use. A file that must go is
 * added with NULL contents. */
gboolean messagerie_render_services (MessagerieSettings  *settings,
                                     GHashTable          *existing,
                                     gboolean             split,
                                     GPtrArray           *files,
                                     GError             **error);

/* Dovecot's fragment (MESSAGERIE_PATH_DOVECOT). */
char    *messagerie_render_dovecot  (MessagerieSettings  *settings);

G_END_DECLS
