/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* Index of the target in the array given. */
  guint     target;
  /* passwd.client's interim version, not its final one. */
  gboolean  interim;
} MessagerieRename;

/* The order of the renames of a transaction whose targets are @paths
 * (@removes[i]: the file is removed, not written), such that no prefix of
 * them makes exim send a password to a gateway it was not typed for (see
 * messagerie-order.c). Returns an array of MessagerieRename; with
 * @interim set, passwd.client's interim version
 * (messagerie_render_passwd_client_interim) is renamed into place first. */
GArray *messagerie_rename_order (GPtrArray      *paths,
                                 const gboolean *removes,
                                 gboolean       *interim);

G_END_DECLS
