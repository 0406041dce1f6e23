/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The core's API for the tests only: neither binary calls it. */

#include "messagerie-render.h"
#include "messagerie-settings.h"

G_BEGIN_DECLS

MessagerieSettings *messagerie_settings_new_from_data (const char          *data,
                                                       gsize                length,
                                                       GError             **error);
gboolean            messagerie_settings_save_file     (MessagerieSettings  *self,
                                                       const char          *path,
                                                       GError             **error);

/* The file of @files (MessagerieRenderedFile) written at @path, or NULL. */
MessagerieRenderedFile *messagerie_rendered_files_find (GPtrArray  *files,
                                                        const char *path);

G_END_DECLS
