/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The one way the core frees memory that may hold the relay password:
 * wiped with explicit_bzero, then freed. */

#include <glib.h>

G_BEGIN_DECLS

/* Text that may hold the password, for g_autoptr: a string, or (as
 * MessagerieSecretLines *) a NULL-terminated string vector. */
typedef char MessagerieSecretText;
typedef char *MessagerieSecretLines;

void messagerie_secret_free       (char   *secret);
void messagerie_secret_free_sized (char   *secret,
                                   gsize   length);
void messagerie_secret_clear      (char  **secret);
void messagerie_secret_strv_free  (char  **lines);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieSecretText, messagerie_secret_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieSecretLines, messagerie_secret_strv_free)

G_END_DECLS
