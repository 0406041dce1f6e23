/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The backups under /var/backups/messagerie (see messagerie-backups.h):
 * their names, making one, reading its MANIFEST and its copies back,
 * finding the complete ones, pruning the old ones, and listing them for
 * the command backups. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "messagerie-backups.h"
#include "messagerie-core.h"
#include "messagerie-exim.h"
#include "messagerie-protocol.h"

#define MANIFEST            "/MANIFEST"
/* Beside each backup folder: the paths it can put back, one a line, so
 * that listing backups reads nothing inside the 0700 folders. */
#define BACKUP_FILES_SUFFIX ".files"

#define BACKUPS_KEPT 10

/* ------------------------------------------------------------------------
 * Backup names: the UTC time of the backup, 2026-11-27T18-30-05, and -2,
 * -3… when a second one is made in the same second. UTC, so that names
 * sort in the order they were made, whatever the daylight saving time.
 * ------------------------------------------------------------------------ */

#define BACKUP_TIME_LENGTH 19

static GDateTime *
backup_name_to_time (const char *name)
{
  static const char pattern[] = "dddd-dd-ddTdd-dd-dd";
  int values[6];

  if (strlen (name) < BACKUP_TIME_LENGTH)
    return NULL;

  for (guint i = 0; i < BACKUP_TIME_LENGTH; i++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (name[i]) : name[i] != pattern[i])
      return NULL;

  for (guint i = 0; i < 6; i++)
    {
      const char *p = name + (i == 0 ? 0 : 2 + 3 * i);

      values[i] = i == 0 ? (int) g_ascii_strtoll (p, NULL, 10)
                         : (p[0] - '0') * 10 + (p[1] - '0');
    }

  /* NULL for a day or an hour that does not exist. */
  return g_date_time_new_utc (values[0], values[1], values[2],
                              values[3], values[4], values[5]);
}

/* 1 for the first backup of a second, else its -N. */
static guint
backup_name_rank (const char *name)
{
  return name[BACKUP_TIME_LENGTH] == '\0' ? 1
                                          : (guint) g_ascii_strtoull (name + BACKUP_TIME_LENGTH + 1, NULL, 10);
}

gboolean
messagerie_backup_name_is_valid (const char *name)
{
  g_autoptr(GDateTime) time = NULL;
  const char *suffix;
  gsize digits;

  if (name == NULL || (time = backup_name_to_time (name)) == NULL)
    return FALSE;

  suffix = name + BACKUP_TIME_LENGTH;
  if (*suffix == '\0')
    return TRUE;

  /* -2 … -9999, no leading zero: one spelling per backup. */
  digits = strlen (suffix + 1);
  if (suffix[0] != '-' || digits == 0 || digits > 4 || suffix[1] == '0')
    return FALSE;
  for (gsize i = 1; i <= digits; i++)
    if (!g_ascii_isdigit (suffix[i]))
      return FALSE;

  return backup_name_rank (name) >= 2;
}

/* Newest first. */
static int
compare_backup_names (gconstpointer a,
                      gconstpointer b)
{
  const char *name_a = *(const char *const *) a;
  const char *name_b = *(const char *const *) b;
  int by_time = strncmp (name_b, name_a, BACKUP_TIME_LENGTH);
  guint rank_a = backup_name_rank (name_a);
  guint rank_b = backup_name_rank (name_b);

  if (by_time != 0)
    return by_time;
  return rank_a < rank_b ? 1 : rank_a > rank_b ? -1 : 0;
}

static char *
backup_name_to_iso8601 (const char *name)
{
  g_autoptr(GDateTime) time = backup_name_to_time (name);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* @path inside backup @name, from the root: error messages name the whole
 * path, never one relative to a folder the reader cannot see. */
static char *
backup_path (const char *name,
             const char *path)
{
  return g_strconcat (MESSAGERIE_PATH_BACKUPS "/", name, path, NULL);
}

static char *
backup_files_name (const char *name)
{
  return g_strconcat ("/", name, BACKUP_FILES_SUFFIX, NULL);
}

typedef struct {
  /* Complete backups, newest first. */
  GPtrArray *complete;
  /* Folders of backups that a killed run left unfinished. */
  GPtrArray *incomplete;
} BackupList;

static void
backup_list_clear (BackupList *list)
{
  g_clear_pointer (&list->complete, g_ptr_array_unref);
  g_clear_pointer (&list->incomplete, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BackupList, backup_list_clear)

/* A backup is complete when its list of files, written last, is there. */
static gboolean
scan_backups (int          top_fd,
              BackupList  *list,
              GError     **error)
{
  g_auto(MessagerieFd) fd = dup (top_fd);
  struct dirent *entry;
  DIR *dir;

  list->complete = g_ptr_array_new_with_free_func (g_free);
  list->incomplete = g_ptr_array_new_with_free_func (g_free);

  if (fd < 0 || lseek (fd, 0, SEEK_SET) < 0 || (dir = fdopendir (fd)) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot read the folder %s: %s"), MESSAGERIE_PATH_BACKUPS, g_strerror (saved_errno));
      return FALSE;
    }
  /* Now the DIR's: closedir closes it. */
  g_steal_fd (&fd);

  while ((entry = readdir (dir)) != NULL)
    {
      g_autofree char *files = NULL;
      struct stat st;

      if (!messagerie_backup_name_is_valid (entry->d_name) ||
          fstatat (top_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
          !S_ISDIR (st.st_mode))
        continue;

      files = g_strconcat (entry->d_name, BACKUP_FILES_SUFFIX, NULL);
      if (fstatat (top_fd, files, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode))
        g_ptr_array_add (list->complete, g_strdup (entry->d_name));
      else
        g_ptr_array_add (list->incomplete, g_strdup (entry->d_name));
    }
  closedir (dir);

  g_ptr_array_sort (list->complete, compare_backup_names);
  return TRUE;
}

static gboolean
remove_backup (int          top_fd,
               const char  *name,
               GError     **error)
{
  g_autofree char *files = g_strconcat (name, BACKUP_FILES_SUFFIX, NULL);
  g_autoptr(GError) local_error = NULL;

  /* The list first: without it, what is left is an incomplete backup that
   * the next prune removes. */
  if (messagerie_tree_remove_at (top_fd, files, &local_error) &&
      messagerie_tree_remove_at (top_fd, name, &local_error))
    return TRUE;

  g_set_error (error, local_error->domain, local_error->code,
               _("Cannot remove the backup %s/%s: %s"), MESSAGERIE_PATH_BACKUPS, name, local_error->message);
  return FALSE;
}


static MessagerieFd
open_backups (int           root_fd,
              gboolean      create,
              GError      **error)
{
  return messagerie_dir_open (root_fd, MESSAGERIE_PATH_BACKUPS, create, 0755, error);
}

/* The backups' folder in @top_fd, -1 when no backup was ever made. */
static gboolean
open_made_backups (int           root_fd,
                   MessagerieFd *top_fd,
                   GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  *top_fd = open_backups (root_fd, FALSE, &local_error);
  if (*top_fd >= 0 || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
messagerie_manifest_entry_free (MessagerieManifestEntry *entry)
{
  g_free (entry->path);
  g_free (entry);
}

char *
messagerie_backup_make (int          root_fd,
                        GPtrArray   *states,
                        GPtrArray   *restorable,
                        GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H-%M-%S");
  g_autoptr(GString) manifest = g_string_new (NULL);
  g_autoptr(GString) files = g_string_new (NULL);
  g_autofree char *files_name = NULL;
  g_autofree char *backup_name = NULL;
  g_autofree char *manifest_path = NULL;
  g_auto(MessagerieFd) top_fd = open_backups (root_fd, TRUE, error);

  if (top_fd < 0)
    return NULL;

  for (guint rank = 1; rank < 10000 && backup_name == NULL; rank++)
    {
      g_autofree char *name = rank == 1 ? g_strdup (stamp)
                                        : g_strdup_printf ("%s-%u", stamp, rank);

      /* 0700: the copy of passwd.client holds the password. */
      if (mkdirat (top_fd, name, 0700) == 0)
        backup_name = g_steal_pointer (&name);
      else if (errno != EEXIST)
        {
          int saved_errno = errno;

          g_autofree char *folder = backup_path (name, "");

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot create the folder %s: %s"), folder, g_strerror (saved_errno));
          return NULL;
        }
    }

  if (backup_name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Too many backups were made in the same second in %s."), MESSAGERIE_PATH_BACKUPS);
      return NULL;
    }

  g_string_append (manifest,
                   "# Messagerie backup: the files as they were before a change.\n"
                   "# state, mode, user id, group id, path\n");

  for (guint i = 0; i < states->len; i++)
    {
      MessagerieFileState *state = g_ptr_array_index (states, i);

      if (!state->exists)
        {
          g_string_append_printf (manifest, "absent\t-\t-\t-\t%s\n", state->path);
          continue;
        }

      g_autofree char *copy = backup_path (backup_name, state->path);

      if (!messagerie_file_write (root_fd, copy, state->data, state->length,
                                  0600, FALSE, 0, 0, 0700, error))
        {
          g_prefix_error (error, _("Cannot save a copy in backup %s: "), backup_name);
          goto fail;
        }
      g_string_append_printf (manifest, "present\t%04o\t%u\t%u\t%s\n",
                              state->mode, (guint) state->uid, (guint) state->gid, state->path);
    }

  manifest_path = backup_path (backup_name, MANIFEST);
  if (!messagerie_file_write (root_fd, manifest_path, manifest->str, manifest->len,
                              0600, FALSE, 0, 0, 0700, error))
    goto fail;

  for (guint i = 0; i < restorable->len; i++)
    g_string_append_printf (files, "%s\n", (char *) g_ptr_array_index (restorable, i));

  files_name = backup_path (backup_name, BACKUP_FILES_SUFFIX);
  if (!messagerie_file_write (root_fd, files_name, files->str, files->len,
                              0644, FALSE, 0, 0, 0755, error))
    goto fail;

  return g_steal_pointer (&backup_name);

fail:
  remove_backup (top_fd, backup_name, NULL);
  return NULL;
}

/* The paths a backup may name: what the renderer manages, and exim's
 * generated configuration. Nothing read from a backup is trusted with
 * another path. */
static gboolean
is_managed_path (const char *path)
{
  const char *const *inputs = messagerie_render_inputs ();

  if (g_str_equal (path, MESSAGERIE_PATH_AUTOGENERATED))
    return TRUE;
  for (guint i = 0; inputs[i]; i++)
    if (g_str_equal (path, inputs[i]))
      return TRUE;
  return FALSE;
}

static gboolean
parse_id (const char *text,
          guint      *value)
{
  guint64 number;

  if (!messagerie_parse_uint (text, G_MAXUINT32 - 1, &number))
    return FALSE;
  *value = (guint) number;
  return TRUE;
}

static gboolean
manifest_names (GPtrArray  *entries,
                const char *path)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_str_equal (((MessagerieManifestEntry *) g_ptr_array_index (entries, i))->path, path))
      return TRUE;
  return FALSE;
}

GPtrArray *
messagerie_backup_read_manifest (int          root_fd,
                                 const char  *name,
                                 GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_manifest_entry_free);
  g_autoptr(MessagerieFileState) state = NULL;
  g_autofree char *path = backup_path (name, MANIFEST);
  g_auto(GStrv) lines = NULL;
  g_auto(MessagerieFd) top_fd = -1;
  g_auto(MessagerieFd) fd = -1;

  /* The backup's own folder first, for G_IO_ERROR_NOT_FOUND. */
  top_fd = open_backups (root_fd, FALSE, error);
  if (top_fd < 0)
    return NULL;
  fd = messagerie_dir_open (top_fd, name, FALSE, 0, error);
  if (fd < 0)
    return NULL;

  state = messagerie_file_read (root_fd, path, error);
  if (state == NULL || !state->exists || memchr (state->data, '\0', state->length) != NULL)
    {
      if (state != NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("The backup %s is incomplete: it has no readable MANIFEST."), name);
      return NULL;
    }

  lines = g_strsplit (state->data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = NULL;
      MessagerieManifestEntry *entry;
      guint mode = 0, uid = 0, gid = 0;
      gboolean exists;

      if (*lines[i] == '#' || *lines[i] == '\0')
        continue;

      fields = g_strsplit (lines[i], "\t", -1);
      exists = g_strcmp0 (fields[0], "present") == 0;
      if (g_strv_length (fields) != 5 ||
          (!exists && !g_str_equal (fields[0], "absent")) ||
          !is_managed_path (fields[4]) || manifest_names (entries, fields[4]) ||
          (exists && (!parse_id (fields[2], &uid) || !parse_id (fields[3], &gid) ||
                      strlen (fields[1]) != 4 || strspn (fields[1], "01234567") != 4)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Line %u of the MANIFEST of backup %s is not understood."), i + 1, name);
          return NULL;
        }

      if (exists)
        mode = (guint) g_ascii_strtoull (fields[1], NULL, 8);

      entry = g_new0 (MessagerieManifestEntry, 1);
      entry->path = g_strdup (fields[4]);
      entry->exists = exists;
      entry->mode = mode;
      entry->uid = uid;
      entry->gid = gid;
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}

MessagerieFileState *
messagerie_backup_read_copy (int          root_fd,
                             const char  *name,
                             const char  *path,
                             GError     **error)
{
  g_autofree char *copy_path = backup_path (name, path);
  g_autoptr(MessagerieFileState) copy = messagerie_file_read (root_fd, copy_path, error);

  if (copy == NULL)
    return NULL;
  if (!copy->exists)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The backup %s has no copy of %s."), name, path);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

void
messagerie_backup_discard (int         root_fd,
                           const char *name)
{
  g_auto(MessagerieFd) top_fd = open_backups (root_fd, FALSE, NULL);

  if (top_fd >= 0)
    remove_backup (top_fd, name, NULL);
}

void
messagerie_backups_prune (int root_fd)
{
  g_auto(BackupList) list = { NULL };
  g_autoptr(GError) error = NULL;
  g_auto(MessagerieFd) top_fd = open_backups (root_fd, FALSE, &error);

  if (top_fd >= 0 && scan_backups (top_fd, &list, &error))
    {
      for (guint i = BACKUPS_KEPT; i < list.complete->len && error == NULL; i++)
        remove_backup (top_fd, g_ptr_array_index (list.complete, i), &error);
      /* Under the lock, an incomplete backup is one a killed run left. */
      for (guint i = 0; i < list.incomplete->len && error == NULL; i++)
        remove_backup (top_fd, g_ptr_array_index (list.incomplete, i), &error);
    }

  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Old backups could not be removed: %s"),
                                                  error->message);

      messagerie_protocol_notice (NULL, message);
    }
}

gboolean
messagerie_backups_newest_at (int          root_fd,
                              char       **newest,
                              GError     **error)
{
  g_auto(BackupList) list = { NULL };
  g_auto(MessagerieFd) top_fd = -1;

  *newest = NULL;
  if (!open_made_backups (root_fd, &top_fd, error))
    return FALSE;
  if (top_fd < 0)
    return TRUE;

  if (!scan_backups (top_fd, &list, error))
    return FALSE;
  if (list.complete->len > 0)
    *newest = g_strdup (g_ptr_array_index (list.complete, 0));
  return TRUE;
}

char *
messagerie_backups_newest (const char *root)
{
  g_auto(MessagerieFd) root_fd = messagerie_root_open (root, NULL);
  char *newest = NULL;

  if (root_fd >= 0)
    messagerie_backups_newest_at (root_fd, &newest, NULL);
  return newest;
}

gboolean
messagerie_backups_print (const char  *root,
                          GError     **error)
{
  g_auto(BackupList) list = { NULL };
  g_auto(MessagerieFd) root_fd = -1;
  g_auto(MessagerieFd) top_fd = -1;

  root_fd = messagerie_root_open (root, error);
  if (root_fd < 0 || !open_made_backups (root_fd, &top_fd, error))
    return FALSE;
  if (top_fd < 0)
    return TRUE;

  if (!scan_backups (top_fd, &list, error))
    return FALSE;

  for (guint i = 0; i < list.complete->len; i++)
    {
      const char *name = g_ptr_array_index (list.complete, i);
      g_autofree char *files_name = backup_files_name (name);
      g_autofree char *date = backup_name_to_iso8601 (name);
      g_autoptr(MessagerieFileState) files = messagerie_file_read (top_fd, files_name, NULL);
      g_autoptr(GString) paths = g_string_new (NULL);
      guint count = 0;

      if (files == NULL || !files->exists)
        continue;
      /* One path a line; the paths the helper manages hold no space. */
      for (gsize j = 0; j < files->length; j++)
        if (files->data[j] == '\n')
          {
            count++;
            if (j + 1 < files->length)
              g_string_append_c (paths, ' ');
          }
        else if (files->data[j] != '\t' && files->data[j] != ' ')
          g_string_append_c (paths, files->data[j]);

      printf ("%s\t%s\t%u\t%s\n", name, date, count, paths->str);
    }

  return TRUE;
}
