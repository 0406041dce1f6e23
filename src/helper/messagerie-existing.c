/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What is on disk now, for render and apply: the files the renderer reads
 * (never through a symbolic link, never a binary file), whether Dovecot is
 * installed, and the settings last applied. */

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "messagerie-existing.h"
#include "messagerie-files.h"

MessagerieSettings *
messagerie_read_applied_settings (int      root_fd,
                                  GError **error)
{
  g_autoptr(MessagerieFileState) state = messagerie_file_read (root_fd, MESSAGERIE_PATH_SETTINGS, error);
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();

  if (state == NULL)
    return NULL;
  if (!state->exists)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No settings were applied yet (%s is missing): apply them first."),
                   MESSAGERIE_PATH_SETTINGS);
      return NULL;
    }
  if (!messagerie_settings_load_data (settings, state->data, state->length, error))
    return NULL;

  return g_steal_pointer (&settings);
}

GPtrArray *
messagerie_read_inputs (int         root_fd,
                        GPtrArray  *unreadable,
                        GError    **error)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_file_state_free);
  const char *const *paths = messagerie_render_inputs ();

  for (guint i = 0; paths[i]; i++)
    {
      g_autoptr(GError) local_error = NULL;
      MessagerieFileState *state = messagerie_file_read (root_fd, paths[i], &local_error);

      /* render needs no privilege (SPEC §6), and passwd.client is root's
       * and Debian-exim's only. */
      if (state == NULL && unreadable != NULL &&
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        {
          g_ptr_array_add (unreadable, g_strdup (paths[i]));
          continue;
        }
      if (state == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_ptr_array_add (states, state);
      if (state->exists && memchr (state->data, '\0', state->length) != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s contains a NUL byte: it is not a text file."), paths[i]);
          return NULL;
        }
    }

  return g_steal_pointer (&states);
}

/* Whether a service's configuration folder (Dovecot's, Sympa's) is there,
 * as anything: a file or a link there is for the writing of its files to
 * refuse. It sits right under the root ("/etc/dovecot" without its "/"),
 * through /etc, which messagerie_read_inputs has just opened without
 * following a link. */
static gboolean
folder_present (int         root_fd,
                const char *path)
{
  struct stat st;

  return fstatat (root_fd, path + 1, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

GHashTable *
messagerie_existing_from_states (int        root_fd,
                                 GPtrArray *states)
{
  GHashTable *existing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) messagerie_secret_free);

  for (guint i = 0; i < states->len; i++)
    {
      MessagerieFileState *state = g_ptr_array_index (states, i);

      if (state->exists)
        g_hash_table_insert (existing, g_strdup (state->path), g_strdup (state->data));
    }
  if (folder_present (root_fd, MESSAGERIE_PATH_DOVECOT_DIR))
    g_hash_table_insert (existing, g_strdup (MESSAGERIE_PATH_DOVECOT_DIR), g_strdup (""));
  if (folder_present (root_fd, MESSAGERIE_PATH_SYMPA_DIR))
    g_hash_table_insert (existing, g_strdup (MESSAGERIE_PATH_SYMPA_DIR), g_strdup (""));

  return existing;
}

GHashTable *
messagerie_read_existing (const char  *root,
                          GPtrArray   *unreadable,
                          GError     **error)
{
  g_autoptr(GPtrArray) states = NULL;
  g_auto(MessagerieFd) root_fd = messagerie_root_open (root, error);

  if (root_fd < 0)
    return NULL;

  states = messagerie_read_inputs (root_fd, unreadable, error);
  if (states == NULL)
    return NULL;
  return messagerie_existing_from_states (root_fd, states);
}
