/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <errno.h>
#include <unistd.h>
#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

/* File operations of the helper, each relative to a directory descriptor
 * (the root: "/" or the --root folder, or a backup folder) and a path
 * written as on the system ("/etc/aliases"). No symbolic link is followed
 * below that directory: not in a folder on the way, not in the file itself.
 * Error messages name the path as given. */

/* The largest file the helper reads. The configuration exim generates is
 * about 80 KiB, but /etc/aliases grows with the institution: one line per
 * pupil and member of staff, 100 000 lines of
 * "firstname.lastname: firstname.lastname@domain" are 6 MB. 64 MiB leaves
 * ten times that, and bounds what the helper holds in memory (a few copies
 * of each file while it renders). */
#define MESSAGERIE_FILES_MAX_SIZE (64 * 1024 * 1024)

typedef struct {
  char     *path;
  gboolean  exists;
  /* NUL-terminated for convenience; length excludes it. */
  char     *data;
  gsize     length;
  guint     mode;   /* permission bits only */
  uid_t     uid;
  gid_t     gid;
} MessagerieFileState;

void                 messagerie_file_state_free (MessagerieFileState *state);

/* The file at @path as it is: when it does not exist (nor a folder on the
 * way to it), the state says so and this is not an error. A symbolic link,
 * a folder or any other non-regular file is an error. */
MessagerieFileState *messagerie_file_read       (int          root_fd,
                                                 const char  *path,
                                                 GError     **error);

/* Replaces @path atomically: a temporary file beside it, owner and mode set
 * before anything is written into it, fsync, rename over the target, fsync
 * of the folder. Missing folders are made with @dir_mode. With @set_owner
 * false, the file keeps the process's own user and group. */
gboolean             messagerie_file_write      (int          root_fd,
                                                 const char  *path,
                                                 const char  *data,
                                                 gsize        length,
                                                 guint        mode,
                                                 gboolean     set_owner,
                                                 uid_t        uid,
                                                 gid_t        gid,
                                                 guint        dir_mode,
                                                 GError     **error);

/* The name beside @path that the helper uses for @suffix:
 * /etc/exim4/.passwd.client.messagerie-SUFFIX. */
char                *messagerie_side_path       (const char  *path,
                                                 const char  *suffix);

/* The first half of messagerie_file_write: the file beside @path
 * (messagerie_side_path (@path, @suffix)) written in full, owner and mode
 * set first, fsynced; nothing renamed. */
gboolean             messagerie_file_prepare    (int          root_fd,
                                                 const char  *path,
                                                 const char  *suffix,
                                                 const char  *data,
                                                 gsize        length,
                                                 guint        mode,
                                                 gboolean     set_owner,
                                                 uid_t        uid,
                                                 gid_t        gid,
                                                 guint        dir_mode,
                                                 GError     **error);

/* A hard link @to (replaced if it exists) of @from, both in the same
 * folder, then an fsync of the folder: no data is written, so it needs no
 * free space for the file's contents. @linked is FALSE when @from (or its
 * folder) does not exist, which is not an error. */
gboolean             messagerie_file_link       (int          root_fd,
                                                 const char  *from,
                                                 const char  *to,
                                                 gboolean    *linked,
                                                 GError     **error);

/* Whether @a and @b (same folder) are the same file (hard links). */
gboolean             messagerie_file_same       (int          root_fd,
                                                 const char  *a,
                                                 const char  *b);

/* Whether something (anything, a link included) is at @path. */
gboolean             messagerie_file_exists     (int          root_fd,
                                                 const char  *path);

/* Removes the file @path (a missing one is not an error), then fsyncs its
 * folder. */
gboolean             messagerie_file_remove     (int          root_fd,
                                                 const char  *path,
                                                 GError     **error);

/* Renames @from over @to, both in the same folder, after an fsync of @from;
 * then fsyncs the folder. */
gboolean             messagerie_file_rename     (int          root_fd,
                                                 const char  *from,
                                                 const char  *to,
                                                 GError     **error);

/* Opens @root, the folder the others are relative to: "/", or the --root
 * folder as given. Returns a descriptor, or -1. */
int                  messagerie_root_open       (const char  *root,
                                                 GError     **error);

/* Opens the folder @path, making it and the missing ones above with
 * @mode when @create is set. Returns a descriptor, or -1. */
int                  messagerie_dir_open        (int          root_fd,
                                                 const char  *path,
                                                 gboolean     create,
                                                 guint        mode,
                                                 GError     **error);

gboolean             messagerie_dir_sync        (int          dir_fd,
                                                 const char  *path,
                                                 GError     **error);

/* Removes @name in @dir_fd and, when it is a folder, everything in it. */
gboolean             messagerie_tree_remove_at  (int          dir_fd,
                                                 const char  *name,
                                                 GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieFileState, messagerie_file_state_free)

/* A file descriptor closed when it goes out of scope, -1 for none (GLib
 * 2.74 has no g_autofd): g_auto(MessagerieFd) fd = -1; hand it on with
 * g_steal_fd (&fd). A descriptor whose close can fail in a way that
 * matters (a file just written) is closed by hand, its error checked. The
 * close keeps errno, so an error read after it is still the one before. */
typedef int MessagerieFd;

static inline void
messagerie_fd_close (int fd)
{
  int saved_errno = errno;

  close (fd);
  errno = saved_errno;
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (MessagerieFd, messagerie_fd_close, -1)

G_END_DECLS
