/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The helper's file operations (see messagerie-files.h): read, write in
 * full beside the target then rename, link, remove, each below a folder
 * descriptor without following a symbolic link on the way. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "messagerie-files.h"
#include "messagerie-secret.h"

void
messagerie_file_state_free (MessagerieFileState *state)
{
  if (state == NULL)
    return;

  /* passwd.client carries the relay password: every copy is wiped. */
  messagerie_secret_free_sized (state->data, state->length);
  g_free (state->path);
  g_free (state);
}

/* The components of an absolute system path; "." and ".." never come from
 * the helper's own paths, and are refused rather than resolved. */
static char **
split_path (const char  *path,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) components = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i]; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                       _("The path %s is not allowed."), path);
          return NULL;
        }
      g_ptr_array_add (components, g_strdup (parts[i]));
    }

  g_ptr_array_add (components, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&components), FALSE);
}

/* A macro, so that the compiler checks the format against its arguments. */
#define set_errno_error(error, saved_errno, format, path) \
  g_set_error ((error), G_IO_ERROR, g_io_error_from_errno (saved_errno), \
               (format), (path), g_strerror (saved_errno))

/* Whether @name in @dir_fd failed to open because it is a symbolic link:
 * following it is what is refused, and the message says so. */
static gboolean
set_symlink_error (GError     **error,
                   int          dir_fd,
                   const char  *name,
                   int          saved_errno,
                   const char  *path)
{
  struct stat st;

  if ((saved_errno == ELOOP || saved_errno == ENOTDIR) &&
      fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                   _("%s is a symbolic link: Messagerie does not follow links there."), path);
      return TRUE;
    }

  return FALSE;
}

/* Walks @components[0 .. @n - 1] down from @root_fd. */
static int
walk (int          root_fd,
      char       **components,
      guint        n,
      gboolean     create,
      guint        mode,
      GError     **error)
{
  g_autoptr(GString) walked = g_string_new (NULL);
  g_auto(MessagerieFd) fd = dup (root_fd);

  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot open the folder %s: %s"), "/");
      return -1;
    }

  for (guint i = 0; i < n; i++)
    {
      int next;

      g_string_append_c (walked, '/');
      g_string_append (walked, components[i]);

      next = openat (fd, components[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create)
        {
          if (mkdirat (fd, components[i], mode) < 0 && errno != EEXIST)
            {
              set_errno_error (error, errno, _("Cannot create the folder %s: %s"), walked->str);
              return -1;
            }
          next = openat (fd, components[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }

      if (next < 0)
        {
          int saved_errno = errno;

          if (!set_symlink_error (error, fd, components[i], saved_errno, walked->str))
            set_errno_error (error, saved_errno, _("Cannot open the folder %s: %s"), walked->str);
          return -1;
        }

      messagerie_fd_close (fd);
      fd = next;
    }

  return g_steal_fd (&fd);
}

/* The folder holding @path, and the name of @path in it. */
static int
open_parent (int          root_fd,
             const char  *path,
             gboolean     create,
             guint        mode,
             char       **name,
             GError     **error)
{
  g_auto(GStrv) components = split_path (path, error);
  guint n;
  int fd;

  if (components == NULL)
    return -1;

  n = g_strv_length (components);
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("The path %s is not allowed."), path);
      return -1;
    }

  fd = walk (root_fd, components, n - 1, create, mode, error);
  if (fd >= 0)
    *name = g_strdup (components[n - 1]);
  return fd;
}

int
messagerie_root_open (const char  *root,
                      GError     **error)
{
  int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    set_errno_error (error, errno, _("Cannot open the folder %s: %s"), root);
  return fd;
}

int
messagerie_dir_open (int          root_fd,
                     const char  *path,
                     gboolean     create,
                     guint        mode,
                     GError     **error)
{
  g_auto(GStrv) components = split_path (path, error);

  if (components == NULL)
    return -1;

  return walk (root_fd, components, g_strv_length (components), create, mode, error);
}

gboolean
messagerie_dir_sync (int          dir_fd,
                     const char  *path,
                     GError     **error)
{
  /* A rename or an unlink is durable only once its folder is. */
  if (fsync (dir_fd) < 0)
    {
      set_errno_error (error, errno, _("Cannot write the folder %s to disk: %s"), path);
      return FALSE;
    }
  return TRUE;
}

/* The folder holding @path in @dir_fd, as open_parent, or -1 when a
 * folder on the way is missing or is a file: then @path cannot exist,
 * which is no error. */
static gboolean
open_existing_parent (int            root_fd,
                      const char    *path,
                      MessagerieFd  *dir_fd,
                      char         **name,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  *dir_fd = open_parent (root_fd, path, FALSE, 0, name, &local_error);
  if (*dir_fd >= 0 ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

MessagerieFileState *
messagerie_file_read (int          root_fd,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(MessagerieFileState) state = g_new0 (MessagerieFileState, 1);
  g_autofree char *name = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  gsize allocated;
  struct stat st;
  g_auto(MessagerieFd) dir_fd = -1;
  g_auto(MessagerieFd) fd = -1;

  state->path = g_strdup (path);

  if (!open_existing_parent (root_fd, path, &dir_fd, &name, error))
    return NULL;
  if (dir_fd < 0)
    return g_steal_pointer (&state);

  /* O_NONBLOCK: a FIFO put in place of a file must not hang the helper;
   * it is refused below, as anything but a regular file. */
  fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return g_steal_pointer (&state);
      if (!set_symlink_error (error, dir_fd, name, saved_errno, path))
        set_errno_error (error, saved_errno, _("Cannot read %s: %s"), path);
      return NULL;
    }

  if (fstat (fd, &st) < 0)
    {
      set_errno_error (error, errno, _("Cannot read %s: %s"), path);
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s is not a regular file."), path);
      return NULL;
    }

  allocated = MIN ((gsize) st.st_size, MESSAGERIE_FILES_MAX_SIZE) + 1;
  data = g_malloc (allocated + 1);

  for (;;)
    {
      ssize_t n;

      if (length == allocated)
        {
          g_autofree char *old = NULL;

          /* One byte past the limit was read: the file is too large. The
           * buffer is still data's alone, freed once, on return. */
          if (allocated > MESSAGERIE_FILES_MAX_SIZE)
            {
              explicit_bzero (data, length);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("%s is larger than %d MiB: Messagerie does not read a file that large."),
                           path, MESSAGERIE_FILES_MAX_SIZE / (1024 * 1024));
              return NULL;
            }

          /* The file grew while it was read: a copy that wipes the old
           * buffer, rather than g_realloc, which would not. */
          old = g_steal_pointer (&data);
          allocated = MIN (allocated * 2, (gsize) MESSAGERIE_FILES_MAX_SIZE + 1);
          data = g_malloc (allocated + 1);
          memcpy (data, old, length);
          explicit_bzero (old, length);
        }

      n = read (fd, data + length, allocated - length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          explicit_bzero (data, length);
          set_errno_error (error, errno, _("Cannot read %s: %s"), path);
          return NULL;
        }
      if (n == 0)
        break;
      length += (gsize) n;
    }


  data[length] = '\0';
  state->exists = TRUE;
  state->data = g_steal_pointer (&data);
  state->length = length;
  state->mode = st.st_mode & 07777;
  state->uid = st.st_uid;
  state->gid = st.st_gid;

  return g_steal_pointer (&state);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

char *
messagerie_side_path (const char *path,
                      const char *suffix)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.messagerie-%s", base, suffix);

  return g_build_filename (dir, name, NULL);
}

gboolean
messagerie_file_prepare (int          root_fd,
                         const char  *path,
                         const char  *suffix,
                         const char  *data,
                         gsize        length,
                         guint        mode,
                         gboolean     set_owner,
                         uid_t        uid,
                         gid_t        gid,
                         guint        dir_mode,
                         GError     **error)
{
  g_autofree char *side = messagerie_side_path (path, suffix);
  g_autofree char *name = NULL;
  g_autofree char *temp = NULL;
  g_auto(MessagerieFd) dir_fd = -1;
  g_auto(MessagerieFd) fd = -1;

  dir_fd = open_parent (root_fd, path, TRUE, dir_mode, &name, error);
  if (dir_fd < 0)
    return FALSE;

  /* One fixed name per target: the helper holds the lock, so a file of
   * that name can only be left over from a run that was killed. */
  temp = g_path_get_basename (side);
  if (unlinkat (dir_fd, temp, 0) < 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, _("Cannot write %s: %s"), path);
      return FALSE;
    }

  /* Created 0600, and its owner and mode set before anything is written:
   * the password is never readable by anyone it is not meant for. */
  fd = openat (dir_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot write %s: %s"), path);
      return FALSE;
    }

  if (set_owner && fchown (fd, uid, gid) < 0)
    {
      set_errno_error (error, errno, _("Cannot set the owner of %s: %s"), path);
      goto fail;
    }

  if (fchmod (fd, mode) < 0 || !write_all (fd, data, length) || fsync (fd) < 0)
    {
      set_errno_error (error, errno, _("Cannot write %s: %s"), path);
      goto fail;
    }

  /* Its close can fail too: the data may not be on disk. */
  if (close (g_steal_fd (&fd)) < 0)
    {
      set_errno_error (error, errno, _("Cannot write %s: %s"), path);
      goto fail;
    }

  return TRUE;

fail:
  unlinkat (dir_fd, temp, 0);
  return FALSE;
}

gboolean
messagerie_file_write (int          root_fd,
                       const char  *path,
                       const char  *data,
                       gsize        length,
                       guint        mode,
                       gboolean     set_owner,
                       uid_t        uid,
                       gid_t        gid,
                       guint        dir_mode,
                       GError     **error)
{
  g_autofree char *side = messagerie_side_path (path, "tmp");

  if (!messagerie_file_prepare (root_fd, path, "tmp", data, length, mode,
                                set_owner, uid, gid, dir_mode, error))
    return FALSE;

  /* rename() replaces the name itself: a symbolic link there is replaced,
   * never followed. */
  if (!messagerie_file_rename (root_fd, side, path, error))
    {
      messagerie_file_remove (root_fd, side, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
messagerie_file_link (int          root_fd,
                      const char  *from,
                      const char  *to,
                      gboolean    *linked,
                      GError     **error)
{
  g_autofree char *from_name = g_path_get_basename (from);
  g_autofree char *name = NULL;
  g_auto(MessagerieFd) dir_fd = -1;

  *linked = FALSE;

  if (!open_existing_parent (root_fd, to, &dir_fd, &name, error))
    return FALSE;
  if (dir_fd < 0)
    return TRUE;
  if (unlinkat (dir_fd, name, 0) < 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, _("Cannot write %s: %s"), to);
      return FALSE;
    }

  /* linkat() without AT_SYMLINK_FOLLOW links a symbolic link itself,
   * never what it points to. */
  if (linkat (dir_fd, from_name, dir_fd, name, 0) < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      set_errno_error (error, errno, _("Cannot write %s: %s"), to);
      return FALSE;
    }

  *linked = TRUE;
  return messagerie_dir_sync (dir_fd, to, error);
}

gboolean
messagerie_file_same (int         root_fd,
                      const char *a,
                      const char *b)
{
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = g_path_get_basename (b);
  struct stat st_a, st_b;
  g_auto(MessagerieFd) dir_fd = -1;

  dir_fd = open_parent (root_fd, a, FALSE, 0, &name_a, NULL);
  if (dir_fd < 0)
    return FALSE;

  return fstatat (dir_fd, name_a, &st_a, AT_SYMLINK_NOFOLLOW) == 0 &&
         fstatat (dir_fd, name_b, &st_b, AT_SYMLINK_NOFOLLOW) == 0 &&
         st_a.st_dev == st_b.st_dev && st_a.st_ino == st_b.st_ino;
}

gboolean
messagerie_file_exists (int         root_fd,
                        const char *path)
{
  g_autofree char *name = NULL;
  struct stat st;
  g_auto(MessagerieFd) dir_fd = -1;

  dir_fd = open_parent (root_fd, path, FALSE, 0, &name, NULL);
  if (dir_fd < 0)
    return FALSE;

  return fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

gboolean
messagerie_file_remove (int          root_fd,
                        const char  *path,
                        GError     **error)
{
  g_autofree char *name = NULL;
  g_auto(MessagerieFd) dir_fd = -1;

  if (!open_existing_parent (root_fd, path, &dir_fd, &name, error))
    return FALSE;
  if (dir_fd < 0)
    return TRUE;
  if (unlinkat (dir_fd, name, 0) < 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, _("Cannot remove %s: %s"), path);
      return FALSE;
    }

  return messagerie_dir_sync (dir_fd, path, error);
}

gboolean
messagerie_file_rename (int          root_fd,
                        const char  *from,
                        const char  *to,
                        GError     **error)
{
  g_autofree char *from_dir = g_path_get_dirname (from);
  g_autofree char *to_dir = g_path_get_dirname (to);
  g_autofree char *from_name = g_path_get_basename (from);
  g_autofree char *name = NULL;
  struct stat st;
  gboolean ok = FALSE;
  g_auto(MessagerieFd) dir_fd = -1;
  g_auto(MessagerieFd) fd = -1;

  g_return_val_if_fail (g_str_equal (from_dir, to_dir), FALSE);

  dir_fd = open_parent (root_fd, to, FALSE, 0, &name, error);
  if (dir_fd < 0)
    return FALSE;

  fd = openat (dir_fd, from_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (!set_symlink_error (error, dir_fd, from_name, saved_errno, from))
        set_errno_error (error, saved_errno, _("Cannot read %s: %s"), from);
      return FALSE;
    }

  /* The program that wrote it did not necessarily sync it. */
  if (fstat (fd, &st) < 0 || fsync (fd) < 0)
    set_errno_error (error, errno, _("Cannot write %s: %s"), from);
  else if (!S_ISREG (st.st_mode))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                 _("%s is not a regular file."), from);
  else
    ok = TRUE;

  if (!ok)
    return FALSE;

  if (renameat (dir_fd, from_name, dir_fd, name) < 0)
    {
      set_errno_error (error, errno, _("Cannot replace %s: %s"), to);
      return FALSE;
    }

  return messagerie_dir_sync (dir_fd, to, error);
}

gboolean
messagerie_tree_remove_at (int          dir_fd,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  struct stat st;
  struct dirent *entry;
  g_auto(MessagerieFd) fd = -1;
  DIR *dir;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      set_errno_error (error, errno, _("Cannot remove %s: %s"), name);
      return FALSE;
    }

  if (!S_ISDIR (st.st_mode))
    {
      if (unlinkat (dir_fd, name, 0) < 0 && errno != ENOENT)
        {
          set_errno_error (error, errno, _("Cannot remove %s: %s"), name);
          return FALSE;
        }
      return TRUE;
    }

  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      set_errno_error (error, errno, _("Cannot remove %s: %s"), name);
      return FALSE;
    }
  /* Now the DIR's: closedir closes it. */
  g_steal_fd (&fd);

  /* The names first, then the removals: a folder is not changed while it
   * is being read. */
  entries = g_ptr_array_new_with_free_func (g_free);
  while ((entry = readdir (dir)) != NULL)
    if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
      g_ptr_array_add (entries, g_strdup (entry->d_name));

  for (guint i = 0; i < entries->len; i++)
    if (!messagerie_tree_remove_at (dirfd (dir), g_ptr_array_index (entries, i), error))
      {
        closedir (dir);
        return FALSE;
      }
  closedir (dir);

  if (unlinkat (dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, _("Cannot remove %s: %s"), name);
      return FALSE;
    }

  return TRUE;
}
