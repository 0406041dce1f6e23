/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the files of the transaction share (messagerie-transaction.c and
 * the files it calls: -targets, -undo, -exim, -services): the run's state,
 * a file as the transaction wants it, the paths of its own state. */

#include "messagerie-backups.h"
#include "messagerie-files.h"
#include "messagerie-protocol.h"
#include "messagerie-transaction.h"

G_BEGIN_DECLS

#define MESSAGERIE_PATH_STATE   "/var/lib/messagerie"
#define MESSAGERIE_PATH_LOCK    MESSAGERIE_PATH_STATE "/lock"
/* Written before the first rename, removed by the commit: it names the
 * backup whose files a run that was killed in between must get back. */
#define MESSAGERIE_PATH_JOURNAL MESSAGERIE_PATH_STATE "/transaction"

/* Beside each target, under the names of messagerie_side_path: its new
 * version and passwd.client's interim one, written in full before the
 * first rename; a hard link to its old version (and one to passwd.client's
 * interim version, for the way back), so that a rollback or a recovery is
 * renames only and needs no free space. */
#define MESSAGERIE_SIDE_NEW     "tmp"
#define MESSAGERIE_SIDE_INTERIM "interim"
#define MESSAGERIE_SIDE_UNDO    "undo"
#define MESSAGERIE_SIDE_OLD     "old"

/* Which way a step that touches what runs (exim's reload, the services)
 * goes. */
typedef enum {
  /* A step of apply or restore: announced by its step line, its first
   * failure returned, and the transaction rolled back. */
  MESSAGERIE_DIRECTION_FORWARD,
  /* What a rollback or a recovery does on the way back: no step line, a
   * failure only a warning, so that the rest is still put back. */
  MESSAGERIE_DIRECTION_BACK,
} MessagerieDirection;

/* What the run is for: it decides what the write step says of each file
 * and what the last line says. */
typedef enum {
  MESSAGERIE_RUN_APPLY,
  /* Each file put back is named by a "restored" line. */
  MESSAGERIE_RUN_RESTORE,
  MESSAGERIE_RUN_RECOVER,
} MessagerieRunKind;

typedef struct {
  const MessagerieTransactionOptions *options;
  MessagerieRunKind kind;
  /* Absolute; "/" on the system. */
  char     *root;
  /* Not --root: exim is reloaded and the services turned on or off. */
  gboolean  system;
  int       root_fd;
  int       lock_fd;
  /* Only root can give a file to root and Debian-exim. */
  gboolean  can_chown;
  /* Files renamed into place or removed by the write step, and put back
   * by a rollback or a recovery (test points write:N and undo:N). */
  guint     written;
  guint     undone;
  /* This transaction's backup, once made. */
  char     *backup_name;
  /* exim may run the new configuration, the services may have changed:
   * a rollback reloads and sets them back. */
  gboolean  reloaded;
  gboolean  services_touched;
  /* The paths the write step changed: a service whose configuration is
   * among them is restarted, not just started. */
  GHashTable *written_paths;
} MessagerieTransaction;

/* A file as the transaction wants it. */
typedef struct {
  char                *path;
  gboolean             remove;
  char                *data;
  gsize                length;
  guint                mode;
  gboolean             set_owner;
  uid_t                uid;
  gid_t                gid;
  /* The file as it is now, for the backup. */
  MessagerieFileState *current;
} MessagerieTarget;

void              messagerie_target_free    (MessagerieTarget    *target);
/* Whether @state already is as @target wants it. */
gboolean          messagerie_target_matches (MessagerieTarget    *target,
                                             MessagerieFileState *state);
/* The file of backup @name for @entry, as a target. */
MessagerieTarget *messagerie_target_from_backup (MessagerieTransaction    *t,
                                                 const char               *name,
                                                 MessagerieManifestEntry  *entry,
                                                 GError                  **error);
/* The rendered files of @settings that differ from what is under the
 * root, as targets; an owner a file cannot get is warned about. NULL with
 * @error (@key: the setting at fault, or NULL) when they cannot be made. */
GPtrArray        *messagerie_targets_render     (MessagerieTransaction    *t,
                                                 MessagerieSettings       *settings,
                                                 const char              **key,
                                                 GError                  **error);
/* The files of backup @name (its @entries) that differ from what is under
 * the root, as targets. */
GPtrArray        *messagerie_targets_from_backup (MessagerieTransaction   *t,
                                                  const char              *name,
                                                  GPtrArray               *entries,
                                                  GError                 **error);

/* Removes what a transaction put beside @path. */
void              messagerie_discard_sides  (MessagerieTransaction *t,
                                             const char            *path);
/* Under the lock, once no journal is left: removes what a killed run left
 * beside the files and in update-exim4.conf's folder. */
void              messagerie_remove_stale   (MessagerieTransaction *t);
/* Puts back every file of backup @name (see messagerie-undo.c); with
 * @reload, exim reloaded on the way. */
gboolean          messagerie_undo           (MessagerieTransaction  *t,
                                             const char             *name,
                                             gboolean                reload,
                                             GError                **error);
/* Puts back the files of a run killed after its first rename, named by
 * the journal; @recovered says whether there was one. */
gboolean          messagerie_recover_journal (MessagerieTransaction  *t,
                                              gboolean               *recovered,
                                              GError                **error);

/* update-exim4.conf into a file beside exim's configuration, then exim4
 * -C FILE -bV; the error says why exim refuses it. */
gboolean          messagerie_exim_check     (MessagerieTransaction  *t,
                                             GError                **error);
/* Removes update-exim4.conf's folder and what it holds; with @make, makes
 * it again, empty. */
gboolean          messagerie_exim_reset_tmp (MessagerieTransaction  *t,
                                             gboolean                make,
                                             GError                **error);
void              messagerie_exim_reload    (MessagerieTransaction  *t,
                                             MessagerieDirection     direction,
                                             GError                **error);

/* Turns each installed service on or off for @settings (NULL: nothing to
 * do). Forward, its first failure stops it and @failed_key names the
 * setting; back, each failure is a warning. */
gboolean          messagerie_services_apply (MessagerieTransaction  *t,
                                             MessagerieSettings     *settings,
                                             MessagerieDirection     direction,
                                             const char            **failed_key,
                                             GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieTarget, messagerie_target_free)

G_END_DECLS
