/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-core.h"
#include "messagerie-helper-codes.h"
#include "messagerie-protocol.h"

G_BEGIN_DECLS

typedef struct {
  /* NULL: the system itself, under pkexec; services are reloaded. */
  const char *root;
  guint       lock_timeout;
  /* Test hook, --root only: stop (SIGSTOP) right after this many files
   * are renamed into place; 0 for never. */
  guint       stop_after_write;
} MessagerieTransactionOptions;

/* Whether apply, restore and recover may run: as root through pkexec, or
 * on a test root. */
gboolean    messagerie_transaction_allowed (const MessagerieTransactionOptions *options);

int         messagerie_transaction_apply   (const MessagerieTransactionOptions *options,
                                            MessagerieSettings                 *settings);
/* @name: a backup's name, NULL for the newest. */
int         messagerie_transaction_restore (const MessagerieTransactionOptions *options,
                                            const char                         *name);
int         messagerie_transaction_recover (const MessagerieTransactionOptions *options);

/* Prints one line per backup, newest first: name, date, number of files. */
gboolean    messagerie_backups_print       (const char  *root,
                                            GError     **error);
gboolean    messagerie_backup_name_is_valid (const char *name);

/* The current contents of the files the renderer reads, under @root (path
 * → contents), read without following symbolic links. */
GHashTable *messagerie_read_existing       (const char  *root,
                                            GError     **error);

G_END_DECLS
