/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The one wipe-and-free of the core, for what may hold the relay password. */

#include <string.h>

#include "messagerie-secret.h"

/* @secret (a string, or NULL) wiped to its terminating NUL, then freed. */
void
messagerie_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

/* For a buffer whose length is known, which may hold NUL bytes (a command
 * with its CR LF, a base64 buffer). */
void
messagerie_secret_free_sized (char  *secret,
                              gsize  length)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, length);
  g_free (secret);
}

/* Wipes and frees *@secret, and sets it to NULL. */
void
messagerie_secret_clear (char **secret)
{
  messagerie_secret_free (g_steal_pointer (secret));
}

void
messagerie_secret_strv_free (char **lines)
{
  if (lines == NULL)
    return;
  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));
  g_strfreev (lines);
}
