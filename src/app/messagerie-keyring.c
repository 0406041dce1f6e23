/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The relay password in the keyring (libsecret): looked up, stored and
 * cleared for a gateway and login, and why the keyring cannot be used. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-keyring.h"

#define ATTRIBUTE_HOST "relay-host"
#define ATTRIBUTE_USER "relay-user"

static const SecretSchema relay_schema = {
  "fr.eole.Messagerie.Relay", SECRET_SCHEMA_NONE,
  {
    { ATTRIBUTE_HOST, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTRIBUTE_USER, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* The same attributes, without matching the schema name: gnome-keyring
 * does not match the xdg:schema attribute of the items of a keyring that
 * was already locked when it loaded it, so a search with it finds nothing
 * there, and a lookup cannot tell "locked" from "none". */
static const SecretSchema locked_search_schema = {
  "fr.eole.Messagerie.Relay", SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { ATTRIBUTE_HOST, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTRIBUTE_USER, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

typedef struct {
  char *host;
  char *user;
} Account;

static void
account_free (Account *account)
{
  g_free (account->host);
  g_free (account->user);
  g_free (account);
}

static GTask *
account_task_new (const char          *host,
                  const char          *user,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Account *account = g_new0 (Account, 1);

  g_task_set_source_tag (task, source_tag);
  account->host = g_strdup (host);
  account->user = g_strdup (user);
  g_task_set_task_data (task, account, (GDestroyNotify) account_free);

  return task;
}

/* The answer for "nothing found" once no locked item explains it. */
static void
return_nothing (GTask *task)
{
  if (g_task_get_source_tag (task) == messagerie_keyring_lookup_async)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_locked_searched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;
  gboolean locked = FALSE;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (GList *l = items; l != NULL && !locked; l = l->next)
    locked = SECRET_IS_ITEM (l->data) && secret_item_get_locked (SECRET_ITEM (l->data));
  g_list_free_full (items, g_object_unref);

  if (locked)
    g_task_return_new_error (task, SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "%s",
                             _("The gateway password is in a locked keyring."));
  else
    return_nothing (task);
}

/* libsecret found nothing it could read or remove. It answers the same
 * when the item is in a locked keyring that it could not unlock (no
 * display for the prompt, unlock refused or dismissed): look for such an
 * item, without unlocking or reading it. */
static void
search_locked (GTask *task)
{
  Account *account = g_task_get_task_data (task);

  secret_password_search (&locked_search_schema, SECRET_SEARCH_ALL,
                          g_task_get_cancellable (task), on_locked_searched, task,
                          ATTRIBUTE_HOST, account->host,
                          ATTRIBUTE_USER, account->user,
                          NULL);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (password != NULL)
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
  else
    search_locked (g_steal_pointer (&task));
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (secret_password_clear_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    search_locked (g_steal_pointer (&task));
}

const SecretSchema *
messagerie_keyring_get_schema (void)
{
  return &relay_schema;
}

void
messagerie_keyring_lookup_async (const char          *host,
                                 const char          *user,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (host != NULL && g_utf8_validate (host, -1, NULL));
  g_return_if_fail (user != NULL && g_utf8_validate (user, -1, NULL));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = account_task_new (host, user, cancellable, callback, user_data,
                           messagerie_keyring_lookup_async);
  secret_password_lookup (&relay_schema, cancellable, on_looked_up, task,
                          ATTRIBUTE_HOST, host,
                          ATTRIBUTE_USER, user,
                          NULL);
}

char *
messagerie_keyring_lookup_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == messagerie_keyring_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
messagerie_keyring_store_async (const char          *host,
                                const char          *user,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (host != NULL && g_utf8_validate (host, -1, NULL));
  g_return_if_fail (user != NULL && g_utf8_validate (user, -1, NULL));
  g_return_if_fail (password != NULL && g_utf8_validate (password, -1, NULL));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = account_task_new (host, user, cancellable, callback, user_data,
                           messagerie_keyring_store_async);
  /* TRANSLATORS: the name of the password in the keyring, as Passwords and
     Keys shows it: the SMTP gateway (a host name or an IP address), then the login */
  label = g_strdup_printf (_("Password of the SMTP gateway %s for %s"), host, user);
  secret_password_store (&relay_schema, SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, on_stored, task,
                         ATTRIBUTE_HOST, host,
                         ATTRIBUTE_USER, user,
                         NULL);
}

gboolean
messagerie_keyring_store_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == messagerie_keyring_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
messagerie_keyring_clear_async (const char          *host,
                                const char          *user,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (host != NULL && g_utf8_validate (host, -1, NULL));
  g_return_if_fail (user != NULL && g_utf8_validate (user, -1, NULL));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = account_task_new (host, user, cancellable, callback, user_data,
                           messagerie_keyring_clear_async);
  secret_password_clear (&relay_schema, cancellable, on_cleared, task,
                         ATTRIBUTE_HOST, host,
                         ATTRIBUTE_USER, user,
                         NULL);
}

gboolean
messagerie_keyring_clear_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == messagerie_keyring_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The errors below are those libsecret 0.20.5 and gnome-keyring 42 give on
 * Debian 12 in each case (tests/test-keyring.sh produces every one). */
MessagerieKeyringProblem
messagerie_keyring_classify_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, MESSAGERIE_KEYRING_PROBLEM_OTHER);

  /* GDBus could not reach a session bus, before any Secret Service was
   * asked: no address and no display to autolaunch one ("Cannot
   * autolaunch D-Bus without X11 $DISPLAY", FAILED), an address whose
   * socket is gone (NOT_FOUND) or has no listener (CONNECTION_REFUSED),
   * a malformed address (INVALID_ARGUMENT). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return MESSAGERIE_KEYRING_PROBLEM_NO_BUS;

  /* With a display but without dbus-launch (no dbus-x11, as on a server
   * reached through ssh -X), autolaunching the bus fails to spawn it. */
  if (error->domain == G_SPAWN_ERROR)
    return MESSAGERIE_KEYRING_PROBLEM_NO_BUS;

  /* Nothing owns org.freedesktop.secrets and no .service file starts it
   * (org.freedesktop.DBus.Error.ServiceUnknown), or the one that should
   * failed to start (Spawn.ExecFailed, Spawn.ChildExited, …). */
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          return MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE;

          /* Storing into the alias "default" of a gnome-keyring that has
           * no login keyring, once the prompt to create one failed:
           * org.freedesktop.DBus.Error.UnknownMethod, "Object does not
           * exist at path “/org/freedesktop/secrets/collection/login”"
           * (GDBus's own reply for an object it does not export, hence
           * UnknownMethod rather than UnknownObject). */
        case G_DBUS_ERROR_UNKNOWN_METHOD:
          return MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION;

        default:
          return MESSAGERIE_KEYRING_PROBLEM_OTHER;
        }
    }

  /* org.freedesktop.Secret.Error.IsLocked, "Cannot create an item in a
   * locked collection", when storing: the unlock prompt could not be
   * shown, or was refused or dismissed. Lookup and clear return the same
   * error for a password left locked. */
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return MESSAGERIE_KEYRING_PROBLEM_LOCKED;

  return MESSAGERIE_KEYRING_PROBLEM_OTHER;
}

const char *
messagerie_keyring_problem_message (MessagerieKeyringProblem problem)
{
  switch (problem)
    {
    case MESSAGERIE_KEYRING_PROBLEM_NO_BUS:
      return _("This session has no D-Bus session bus, so no keyring can be reached: "
               "the gateway password will not be remembered, type it when you apply.");
    case MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE:
      return _("No keyring service is running in this session: "
               "the gateway password will not be remembered, type it when you apply.");
    case MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION:
      return _("The keyring service has no default keyring, as none was created or unlocked at login: "
               "the gateway password will not be remembered, type it when you apply.");
    case MESSAGERIE_KEYRING_PROBLEM_LOCKED:
      return _("The keyring is locked and was not unlocked: "
               "the gateway password can be neither read nor remembered, type it when you apply.");
    case MESSAGERIE_KEYRING_PROBLEM_OTHER:
    default:
      return _("The keyring could not be used: "
               "the gateway password will not be remembered, type it when you apply.");
    }
}
