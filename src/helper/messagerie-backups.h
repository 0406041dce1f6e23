/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The backups under /var/backups/messagerie: one folder a backup, named by
 * its time, with a copy of each file and a MANIFEST, and beside it the list
 * of the paths it can put back, which marks it complete. */

#include <sys/types.h>

#include <glib.h>

#include "messagerie-files.h"

G_BEGIN_DECLS

#define MESSAGERIE_PATH_BACKUPS "/var/backups/messagerie"

/* One line of a MANIFEST: a file as it was before a change. */
typedef struct {
  char     *path;
  gboolean  exists;
  guint     mode;
  uid_t     uid;
  gid_t     gid;
} MessagerieManifestEntry;

void                 messagerie_manifest_entry_free  (MessagerieManifestEntry *entry);

gboolean             messagerie_backup_name_is_valid (const char  *name);

/* A new backup under @root_fd of @states (the files as they are now: a
 * copy of each that exists, and the MANIFEST), then the list of
 * @restorable, the paths a restore puts back, which marks it complete.
 * Returns its name, or NULL with @error, nothing of it left. */
char                *messagerie_backup_make          (int          root_fd,
                                                      GPtrArray   *states,
                                                      GPtrArray   *restorable,
                                                      GError     **error);
/* The MANIFEST of backup @name, MessagerieManifestEntry items;
 * G_IO_ERROR_NOT_FOUND when there is no such backup. Only the paths a
 * backup may name are accepted. */
GPtrArray           *messagerie_backup_read_manifest (int          root_fd,
                                                      const char  *name,
                                                      GError     **error);
/* The copy of @path in backup @name; an error when it has none. */
MessagerieFileState *messagerie_backup_read_copy     (int          root_fd,
                                                      const char  *name,
                                                      const char  *path,
                                                      GError     **error);
/* Removes backup @name, best effort. */
void                 messagerie_backup_discard       (int          root_fd,
                                                      const char  *name);

/* Keeps the ten newest complete backups, and removes the folders killed
 * runs left unfinished (call it under the lock); a failure is a warning. */
void                 messagerie_backups_prune        (int          root_fd);
/* The name of the newest complete backup in @newest, NULL when there is
 * none; FALSE with @error when they cannot be read. */
gboolean             messagerie_backups_newest_at    (int          root_fd,
                                                      char       **newest,
                                                      GError     **error);
/* The name of the newest complete backup under @root, or NULL (none, or
 * they cannot be read). */
char                *messagerie_backups_newest       (const char  *root);
/* Prints one line per backup, newest first: name, date, number of files. */
gboolean             messagerie_backups_print        (const char  *root,
                                                      GError     **error);

G_END_DECLS
