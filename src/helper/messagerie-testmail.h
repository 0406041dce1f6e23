/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* messagerie-helper test-mail: a short message to root, delivered by exim
 * in the foreground with the configuration in force (under @root, NULL
 * for the system), and what became of it (doc/helper-protocol.md). The
 * caller has checked that it may run. Returns the exit code. */
int messagerie_testmail_run (const char *root);

G_END_DECLS
