/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The core's API for the tests only: neither binary calls it. */

#include "messagerie-settings.h"

G_BEGIN_DECLS

MessagerieSettings *messagerie_settings_new_from_data (const char          *data,
                                                       gsize                length,
                                                       GError             **error);
gboolean            messagerie_settings_save_file     (MessagerieSettings  *self,
                                                       const char          *path,
                                                       GError             **error);

G_END_DECLS
