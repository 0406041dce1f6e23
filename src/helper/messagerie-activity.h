/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The newest @last outcomes of exim's main log under @root, rotated logs
 * included, newest first, as "delivery" lines; then the result line.
 * Returns the exit code. */
int messagerie_activity_deliveries (const char *root,
                                    guint       last);

G_END_DECLS
