/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The password keeper: the relay password field and the keyring. It looks
 * the password up for the gateway and login shown (once they settle, and
 * never before the first frame), says on the field where the password is
 * or why the keyring says nothing, and after an apply remembers the
 * password sent, or forgets it when authentication was turned off. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-keyring.h"
#include "messagerie-password-keeper.h"

typedef enum {
  /* Before the window's first frame: nothing is asked of the keyring. */
  KEEPER_NOT_STARTED,
  /* The gateway or the login is being typed: a lookup comes once it settles. */
  KEEPER_WAITING,
  KEEPER_LOOKING_UP,
  KEEPER_SETTLED,
} KeeperState;

struct _MessageriePasswordKeeper
{
  GObject           parent_instance;

  MessagerieEditor *editor;
  MessagerieField  *field;
  char             *root;

  KeeperState       state;
  GCancellable     *lookup;
  guint             timeout;
  /* Said once: the keyring cannot be used in this session. */
  gboolean          unusable;
  /* Why, when it cannot. */
  const char       *problem;
};

G_DEFINE_FINAL_TYPE (MessageriePasswordKeeper, messagerie_password_keeper, G_TYPE_OBJECT)

static void
set_note (MessageriePasswordKeeper *self,
          const char               *note)
{
  /* After the window's end, nobody reads it. */
  if (self->field != NULL)
    messagerie_field_set_note (self->field, note);
}

/* Whether the server holds a password for @host and @user: the helper
 * says so in a file anyone may read, as passwd.client is root's and
 * Debian-exim's only. */
static gboolean
server_has_password (MessageriePasswordKeeper *self,
                     const char               *host,
                     const char               *user)
{
  g_autofree char *path = g_build_filename (self->root ? self->root : "/",
                                            MESSAGERIE_PATH_PASSWORD_INDEX, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  return messagerie_render_index_has_password (contents, host, user);
}

/* What the field says when the keyring gives no password: where the
 * password is, if the server has one (the keyring's trouble matters only
 * once a new password is typed), else why the keyring says nothing. */
static void
note_no_password (MessageriePasswordKeeper *self)
{
  const char *host, *user;

  if (messagerie_settings_get_relay_login (messagerie_editor_get_settings (self->editor),
                                           &host, &user)
      && server_has_password (self, host, user))
    set_note (self, _("Password stored on the server"));
  else
    set_note (self, self->problem);
}

/* Said once per window: the field carries it from then on. */
static void
report_problem (MessageriePasswordKeeper *self,
                const GError             *error)
{
  MessagerieKeyringProblem problem = messagerie_keyring_classify_error (error);

  g_debug ("Keyring: %s", error->message);
  if (problem != MESSAGERIE_KEYRING_PROBLEM_LOCKED)
    self->unusable = TRUE;
  self->problem = messagerie_keyring_problem_message (problem);
}

static void
on_lookup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MessageriePasswordKeeper) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = messagerie_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->lookup);
  self->state = KEEPER_SETTLED;
  if (self->editor == NULL)
    {
      secret_password_free (password);
      return;
    }

  if (error != NULL)
    report_problem (self, error);

  messagerie_editor_set_stored_password (self->editor, password);
  if (password == NULL)
    note_no_password (self);
  else
    set_note (self, NULL);
  secret_password_free (password);
}

static void
cancel_lookup (MessageriePasswordKeeper *self)
{
  g_clear_handle_id (&self->timeout, g_source_remove);
  if (self->lookup != NULL)
    g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
}

static void
start_lookup (MessageriePasswordKeeper *self)
{
  const char *host, *user;

  cancel_lookup (self);
  self->state = KEEPER_SETTLED;

  if (!messagerie_settings_get_relay_login (messagerie_editor_get_settings (self->editor),
                                            &host, &user))
    {
      messagerie_editor_set_stored_password (self->editor, NULL);
      set_note (self, NULL);
      return;
    }
  if (self->unusable)
    {
      note_no_password (self);
      return;
    }

  self->state = KEEPER_LOOKING_UP;
  self->lookup = g_cancellable_new ();
  set_note (self, _("Looking for the password in the keyring…"));
  messagerie_keyring_lookup_async (host, user, self->lookup, on_lookup_done,
                                   g_object_ref (self));
}

static gboolean
on_timeout (gpointer user_data)
{
  MessageriePasswordKeeper *self = user_data;

  self->timeout = 0;
  start_lookup (self);
  return G_SOURCE_REMOVE;
}

/* Another gateway or login has another password. */
static void
on_key_changed (MessagerieEditor         *editor,
                const char               *key,
                MessageriePasswordKeeper *self)
{
  if (self->state == KEEPER_NOT_STARTED)
    return;
  if (!g_str_equal (key, "*") && !g_str_equal (key, "relay_host")
      && !g_str_equal (key, "relay_user") && !g_str_equal (key, "relay_enabled")
      && !g_str_equal (key, "relay_auth"))
    return;

  /* While the gateway or the login is typed, one lookup once it settles. */
  cancel_lookup (self);
  self->state = KEEPER_WAITING;
  self->timeout = g_timeout_add (300, on_timeout, self);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MessageriePasswordKeeper) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!messagerie_keyring_store_finish (result, &error))
    {
      /* The password typed was not remembered: say why now. */
      report_problem (self, error);
      set_note (self, self->problem);
    }
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MessageriePasswordKeeper) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!messagerie_keyring_clear_finish (result, &error))
    {
      report_problem (self, error);
      set_note (self, self->problem);
    }
}

static void
messagerie_password_keeper_dispose (GObject *object)
{
  MessageriePasswordKeeper *self = MESSAGERIE_PASSWORD_KEEPER (object);

  cancel_lookup (self);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  g_clear_object (&self->editor);
  g_clear_object (&self->field);

  G_OBJECT_CLASS (messagerie_password_keeper_parent_class)->dispose (object);
}

static void
messagerie_password_keeper_finalize (GObject *object)
{
  MessageriePasswordKeeper *self = MESSAGERIE_PASSWORD_KEEPER (object);

  g_free (self->root);

  G_OBJECT_CLASS (messagerie_password_keeper_parent_class)->finalize (object);
}

static void
messagerie_password_keeper_class_init (MessageriePasswordKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = messagerie_password_keeper_dispose;
  object_class->finalize = messagerie_password_keeper_finalize;
}

static void
messagerie_password_keeper_init (MessageriePasswordKeeper *self)
{
}

/* The keeper of @field, the password field of @editor's settings under
 * @root (NULL for the system). */
MessageriePasswordKeeper *
messagerie_password_keeper_new (MessagerieEditor *editor,
                                MessagerieField  *field,
                                const char       *root)
{
  MessageriePasswordKeeper *self = g_object_new (MESSAGERIE_TYPE_PASSWORD_KEEPER, NULL);

  self->editor = g_object_ref (editor);
  self->field = g_object_ref (field);
  self->root = g_strdup (root);
  g_signal_connect (editor, "key-changed", G_CALLBACK (on_key_changed), self);

  return self;
}

/* The first lookup, once the window has shown its first frame. */
void
messagerie_password_keeper_start (MessageriePasswordKeeper *self)
{
  g_return_if_fail (MESSAGERIE_IS_PASSWORD_KEEPER (self));

  start_lookup (self);
}

/* Whether a lookup is still to come or running. */
gboolean
messagerie_password_keeper_busy (MessageriePasswordKeeper *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_PASSWORD_KEEPER (self), FALSE);

  return self->state != KEEPER_SETTLED;
}

/* After an apply: @sent, the password sent (NULL for none), is remembered
 * for the gateway and login of the working copy; authentication turned off
 * since @before forgets the one it had. */
void
messagerie_password_keeper_applied (MessageriePasswordKeeper *self,
                                    MessagerieSettings       *before,
                                    const char               *sent)
{
  const char *host, *user;

  g_return_if_fail (MESSAGERIE_IS_PASSWORD_KEEPER (self));

  /* A lookup begun before the apply would answer for the keyring as it was:
   * the password just sent is the answer now. */
  if (sent != NULL)
    {
      cancel_lookup (self);
      if (self->state != KEEPER_NOT_STARTED)
        self->state = KEEPER_SETTLED;
    }

  if (messagerie_settings_get_relay_login (messagerie_editor_get_settings (self->editor),
                                           &host, &user))
    {
      if (sent != NULL)
        {
          messagerie_editor_set_stored_password (self->editor, sent);
          /* A keyring that cannot be used says the password typed was not
           * remembered. */
          set_note (self, self->unusable ? self->problem : NULL);
          if (!self->unusable)
            messagerie_keyring_store_async (host, user, sent, NULL, on_stored,
                                            g_object_ref (self));
        }
      return;
    }

  if (messagerie_settings_get_relay_login (before, &host, &user) && !self->unusable)
    messagerie_keyring_clear_async (host, user, NULL, on_cleared, g_object_ref (self));
  messagerie_editor_set_stored_password (self->editor, NULL);
}
