/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What is on disk now: the files the renderer reads, and the settings
 * last applied. */

#include <glib.h>

#include "messagerie-core.h"

G_BEGIN_DECLS

/* The settings applied under @root_fd (MESSAGERIE_PATH_SETTINGS); NULL with
 * @error when they cannot be read or loaded, G_IO_ERROR_NOT_FOUND when
 * there are none. */
MessagerieSettings *messagerie_read_applied_settings (int          root_fd,
                                                      GError     **error);

/* The files the renderer reads, as they are under @root_fd
 * (MessagerieFileState items, read without following symbolic links). A
 * file with a NUL byte is an error. With @unreadable, a file this user may
 * not read is left out and its path added there; without, it is an error. */
GPtrArray          *messagerie_read_inputs           (int          root_fd,
                                                      GPtrArray   *unreadable,
                                                      GError     **error);

/* @states as the renderer takes them (path → contents, the contents wiped
 * when freed), with MESSAGERIE_PATH_DOVECOT_DIR when Dovecot is installed
 * under @root_fd. */
GHashTable         *messagerie_existing_from_states  (int          root_fd,
                                                      GPtrArray   *states);

/* The current contents of the files the renderer reads, under @root (path
 * → contents), as messagerie_existing_from_states; a file this user may
 * not read is left out, its path added to @unreadable. */
GHashTable         *messagerie_read_existing         (const char  *root,
                                                      GPtrArray   *unreadable,
                                                      GError     **error);

G_END_DECLS
