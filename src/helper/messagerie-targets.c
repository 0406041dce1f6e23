/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The files a transaction writes, each a target: the bytes, mode and owner
 * it should have, from the rendered settings (apply) or from a backup
 * (restore, and the way back), with the file as it is now; only those that
 * differ from what is on disk are kept. */

#include <grp.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "messagerie-exim.h"
#include "messagerie-existing.h"
#include "messagerie-transaction-private.h"

void
messagerie_target_free (MessagerieTarget *target)
{
  messagerie_secret_free_sized (target->data, target->length);
  g_free (target->path);
  g_clear_pointer (&target->current, messagerie_file_state_free);
  g_free (target);
}

gboolean
messagerie_target_matches (MessagerieTarget    *target,
                           MessagerieFileState *state)
{
  if (target->remove)
    return !state->exists;

  return state->exists &&
         state->length == target->length &&
         memcmp (state->data, target->data, target->length) == 0 &&
         state->mode == target->mode &&
         (!target->set_owner || (state->uid == target->uid && state->gid == target->gid));
}

MessagerieTarget *
messagerie_target_from_backup (MessagerieTransaction    *t,
                               const char               *name,
                               MessagerieManifestEntry  *entry,
                               GError                  **error)
{
  g_autoptr(MessagerieTarget) target = g_new0 (MessagerieTarget, 1);

  target->path = g_strdup (entry->path);
  target->remove = !entry->exists;

  if (entry->exists)
    {
      g_autoptr(MessagerieFileState) copy = messagerie_backup_read_copy (t->root_fd, name, entry->path, error);

      if (copy == NULL)
        return NULL;

      target->data = g_steal_pointer (&copy->data);
      target->length = copy->length;
      target->mode = entry->mode;
      target->set_owner = t->can_chown;
      target->uid = entry->uid;
      target->gid = entry->gid;
    }

  return g_steal_pointer (&target);
}

/* The state of the file at @path, taken from @states. */
static MessagerieFileState *
steal_state (GPtrArray  *states,
             const char *path)
{
  for (guint i = 0; i < states->len; i++)
    {
      MessagerieFileState *state = g_ptr_array_index (states, i);

      if (state != NULL && g_str_equal (state->path, path))
        return g_steal_pointer (&g_ptr_array_index (states, i));
    }
  return NULL;
}

/* A rendered file as a target, the owner it should have included. */
static MessagerieTarget *
target_from_rendered (MessagerieTransaction   *t,
                      MessagerieRenderedFile  *file,
                      char                   **owner_warning)
{
  MessagerieTarget *target = g_new0 (MessagerieTarget, 1);

  target->path = g_strdup (file->path);
  /* A file the renderer no longer needs (a service's exim file). */
  target->remove = file->contents == NULL;
  target->length = target->remove ? 0 : strlen (file->contents);
  target->data = target->remove ? NULL : g_memdup2 (file->contents, target->length + 1);
  target->mode = file->mode;
  target->set_owner = t->can_chown;
  target->uid = 0;
  target->gid = 0;

  *owner_warning = NULL;
  if (file->group != NULL)
    {
      struct group *group = getgrnam (file->group);

      if (group != NULL)
        target->gid = group->gr_gid;
      else
        target->set_owner = FALSE;

      /* Only a file with a group is read by someone else than root: say
       * when it cannot get it. Owned by the user running a test root, the
       * others are as good as root's. */
      if (!t->can_chown)
        *owner_warning = g_strdup_printf (_("%s cannot be given to the group %s when not running as root."),
                                          file->path, file->group);
      else if (group == NULL)
        *owner_warning = g_strdup_printf (_("%s cannot be given to the group %s, which does not exist."),
                                          file->path, file->group);
    }

  return target;
}

GPtrArray *
messagerie_targets_render (MessagerieTransaction  *t,
                           MessagerieSettings     *settings,
                           const char            **key,
                           GError                **error)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_target_free);
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GHashTable) existing = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) local_error = NULL;

  *key = NULL;

  states = messagerie_read_inputs (t->root_fd, NULL, error);
  if (states == NULL)
    return NULL;
  existing = messagerie_existing_from_states (t->root_fd, states);

  files = messagerie_render (settings, existing, &local_error);
  if (files == NULL)
    {
      if (g_error_matches (local_error, MESSAGERIE_RENDER_ERROR, MESSAGERIE_RENDER_ERROR_NO_PASSWORD))
        *key = "password";
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);
      g_autofree char *owner_warning = NULL;
      g_autoptr(MessagerieTarget) target = target_from_rendered (t, file, &owner_warning);

      /* Every rendered path is one of the renderer's inputs, read above. */
      target->current = steal_state (states, file->path);
      if (target->current == NULL &&
          (target->current = messagerie_file_read (t->root_fd, file->path, error)) == NULL)
        return NULL;

      if (messagerie_target_matches (target, target->current))
        continue;

      if (owner_warning != NULL)
        messagerie_protocol_notice (NULL, owner_warning);
      g_ptr_array_add (targets, g_steal_pointer (&target));
    }

  return g_steal_pointer (&targets);
}

GPtrArray *
messagerie_targets_from_backup (MessagerieTransaction  *t,
                                const char             *name,
                                GPtrArray              *entries,
                                GError                **error)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_target_free);

  for (guint i = 0; i < entries->len; i++)
    {
      MessagerieManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(MessagerieTarget) target = NULL;

      /* Generated again from the files put back, by the check step. */
      if (g_str_equal (entry->path, MESSAGERIE_PATH_AUTOGENERATED))
        continue;

      target = messagerie_target_from_backup (t, name, entry, error);
      if (target == NULL ||
          (target->current = messagerie_file_read (t->root_fd, entry->path, error)) == NULL)
        return NULL;

      if (!messagerie_target_matches (target, target->current))
        g_ptr_array_add (targets, g_steal_pointer (&target));
    }

  return g_steal_pointer (&targets);
}
