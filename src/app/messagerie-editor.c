/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The editor: what the window edits, apart from any widget. It holds the
 * working copy of the settings and the settings on disk, validates the
 * working copy on every change, keeps what the helper said of each key, and
 * says whether Apply can go (can-apply) and whether the helper runs (busy).
 *
 * From a keystroke to Apply, one path: a field sets a value in the working
 * copy → "key-changed" (the fields of that key show the value) → the
 * editor validates → "finding-changed::KEY" for each key whose field
 * shows something else (that field shows its finding) → "refreshed" (what
 * depends on all the values) and notify::can-apply (the apply action
 * follows it). A keystroke that changes no finding touches no field. */

#define G_LOG_DOMAIN "messagerie"

#include "messagerie-editor.h"

struct _MessagerieEditor
{
  GObject             parent_instance;

  MessagerieSettings *settings;     /* the working copy the fields edit */
  MessagerieSettings *on_disk;      /* as loaded or last applied */
  GPtrArray          *findings;     /* the rules' findings on the working copy */
  /* The messages of the helper's last failed run, by key: they stand
   * until the value is changed. */
  GHashTable         *helper_errors;
  /* The keys edited, or left once, since the values were loaded. */
  GHashTable         *touched;
  /* The keys that have a field: only their findings keep Apply back.
   * Each maps to what its field was last said to show (a Shown). */
  GHashTable         *field_keys;
  /* The relay password as the keyring holds it, NULL when none. */
  char               *stored_password;

  gboolean            has_changes;
  gboolean            can_apply;
  gboolean            busy;
};

/* What a field shows: its finding (a copy, NULL for none) and whether its
 * key is in use. */
typedef struct {
  MessagerieFinding *finding;
  gboolean           in_use;
  gboolean           known;       /* FALSE until first said */
} Shown;

static void
shown_free (Shown *shown)
{
  g_clear_pointer (&shown->finding, messagerie_finding_free);
  g_free (shown);
}

G_DEFINE_FINAL_TYPE (MessagerieEditor, messagerie_editor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HAS_CHANGES,
  PROP_CAN_APPLY,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  KEY_CHANGED,
  FINDING_CHANGED,
  REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* An empty text field nobody touched stays neutral until it is left or an
 * apply is tried. */
static gboolean
held_back (MessagerieEditor *self,
           const char       *key)
{
  const MessagerieKey *info = messagerie_settings_lookup_key (key);
  const char *value;

  if (info == NULL || info->type == MESSAGERIE_KEY_BOOLEAN || info->type == MESSAGERIE_KEY_ENUM)
    return FALSE;
  if (g_hash_table_contains (self->touched, key))
    return FALSE;

  value = messagerie_settings_get (self->settings, key);
  return value == NULL || *value == '\0';
}

static const MessagerieFinding *
finding_for_key (MessagerieEditor *self,
                 const char       *key)
{
  const MessagerieFinding *found = g_hash_table_lookup (self->helper_errors, key);

  /* What the system refused weighs more than what the rules foresee. */
  if (found != NULL)
    return found;

  for (guint i = 0; i < self->findings->len; i++)
    {
      const MessagerieFinding *finding = g_ptr_array_index (self->findings, i);

      if (!g_str_equal (finding->key, key))
        continue;
      if (finding->severity == MESSAGERIE_SEVERITY_ERROR)
        return finding;
      if (found == NULL)
        found = finding;
    }

  return found;
}

static void
set_flag (MessagerieEditor *self,
          gboolean         *flag,
          gboolean          value,
          guint             prop)
{
  if (*flag == value)
    return;
  *flag = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_flags (MessagerieEditor *self)
{
  gboolean changes = !messagerie_settings_equal (self->settings, self->on_disk);

  set_flag (self, &self->has_changes, changes, PROP_HAS_CHANGES);
  set_flag (self, &self->can_apply,
            changes && !self->busy && !messagerie_editor_error_shown (self), PROP_CAN_APPLY);
}

static gboolean
same_finding (const MessagerieFinding *a,
              const MessagerieFinding *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->severity == b->severity && g_str_equal (a->key, b->key)
         && g_str_equal (a->rule, b->rule) && g_str_equal (a->message, b->message);
}

/* The keys whose field shows another finding, or whose key came in or out
 * of use, than last said: each remembered, and said. */
static void
emit_finding_changes (MessagerieEditor *self)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, self->field_keys);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Shown *shown = value;
      const MessagerieFinding *finding = messagerie_editor_get_finding (self, key);
      gboolean in_use = messagerie_settings_in_use (self->settings, key);

      if (shown->known && shown->in_use == in_use && same_finding (shown->finding, finding))
        continue;

      g_clear_pointer (&shown->finding, messagerie_finding_free);
      shown->finding = finding ? messagerie_finding_copy (finding) : NULL;
      shown->in_use = in_use;
      shown->known = TRUE;
      g_ptr_array_add (changed, key);
    }

  /* Emitted once all are remembered: a handler may ask for any. */
  for (guint i = 0; i < changed->len; i++)
    {
      const char *name = g_ptr_array_index (changed, i);

      g_signal_emit (self, signals[FINDING_CHANGED], g_quark_from_string (name), name);
    }
}

/* The findings again, said to the fields whose finding changed, then to
 * all that depends on the values. */
static void
refresh (MessagerieEditor *self)
{
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  self->findings = messagerie_validate (self->settings);
  update_flags (self);
  emit_finding_changes (self);
  g_signal_emit (self, signals[REFRESHED], 0);
}

static void
on_settings_changed (MessagerieSettings *settings,
                     const char         *key,
                     MessagerieEditor   *self)
{
  /* A value changed answers what the helper said of it. */
  if (g_str_equal (key, "*"))
    g_hash_table_remove_all (self->helper_errors);
  else
    g_hash_table_remove (self->helper_errors, key);

  g_signal_emit (self, signals[KEY_CHANGED], g_quark_from_string (key), key);
  refresh (self);
}

static void
set_working_copy (MessagerieEditor   *self,
                  MessagerieSettings *settings)
{
  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->settings, self);
      g_clear_object (&self->settings);
    }

  self->settings = settings;
  g_hash_table_remove_all (self->touched);
  g_hash_table_remove_all (self->helper_errors);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);
  g_signal_emit (self, signals[KEY_CHANGED], g_quark_from_static_string ("*"), "*");
  refresh (self);
}

static void
messagerie_editor_dispose (GObject *object)
{
  MessagerieEditor *self = MESSAGERIE_EDITOR (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->on_disk);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->helper_errors, g_hash_table_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->field_keys, g_hash_table_unref);
  messagerie_editor_set_stored_password (self, NULL);

  G_OBJECT_CLASS (messagerie_editor_parent_class)->dispose (object);
}

static void
messagerie_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MessagerieEditor *self = MESSAGERIE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_HAS_CHANGES:
      g_value_set_boolean (value, self->has_changes);
      break;

    case PROP_CAN_APPLY:
      g_value_set_boolean (value, self->can_apply);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
messagerie_editor_class_init (MessagerieEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = messagerie_editor_dispose;
  object_class->get_property = messagerie_editor_get_property;

  properties[PROP_HAS_CHANGES] =
    g_param_spec_boolean ("has-changes", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_APPLY] =
    g_param_spec_boolean ("can-apply", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A value of the working copy changed: its key ("password" for the
   * relay password, "*" for all), also as the detail. */
  signals[KEY_CHANGED] =
    g_signal_new ("key-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* What the field of a key shows changed (its finding, or whether the
   * key is in use), the key also as the detail: emitted before
   * "refreshed", only for the keys of messagerie_editor_add_field_key. */
  signals[FINDING_CHANGED] =
    g_signal_new ("finding-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The findings were computed again. */
  signals[REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
messagerie_editor_init (MessagerieEditor *self)
{
  self->helper_errors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) messagerie_finding_free);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->field_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) shown_free);
}

/* An editor of @on_disk (taken), its working copy a copy of it. */
MessagerieEditor *
messagerie_editor_new (MessagerieSettings *on_disk)
{
  MessagerieEditor *self = g_object_new (MESSAGERIE_TYPE_EDITOR, NULL);

  self->on_disk = on_disk;
  set_working_copy (self, messagerie_settings_copy (on_disk));

  return self;
}

MessagerieSettings *
messagerie_editor_get_settings (MessagerieEditor *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), NULL);

  return self->settings;
}

MessagerieSettings *
messagerie_editor_get_on_disk (MessagerieEditor *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), NULL);

  return self->on_disk;
}

/* What the system now holds (@on_disk, taken), the working copy kept. */
void
messagerie_editor_set_on_disk (MessagerieEditor   *self,
                               MessagerieSettings *on_disk)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));
  g_return_if_fail (MESSAGERIE_IS_SETTINGS (on_disk));

  g_set_object (&self->on_disk, on_disk);
  g_object_unref (on_disk);
  update_flags (self);
}

/* The working copy back to what is on disk, every change forgotten. */
void
messagerie_editor_revert (MessagerieEditor *self)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  set_working_copy (self, messagerie_settings_copy (self->on_disk));
}

/* The working copy replaced by @settings (taken): what a revert discarded,
 * brought back. */
void
messagerie_editor_set_working_copy (MessagerieEditor   *self,
                                    MessagerieSettings *settings)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));
  g_return_if_fail (MESSAGERIE_IS_SETTINGS (settings));

  set_working_copy (self, settings);
}

/* The working copy went to the server: it is what is on disk now. The
 * password sent is forgotten (the keyring remembers it). */
void
messagerie_editor_applied (MessagerieEditor *self)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  messagerie_settings_set_password (self->settings, NULL);
  g_clear_object (&self->on_disk);
  self->on_disk = messagerie_settings_copy (self->settings);
  g_hash_table_remove_all (self->helper_errors);
  /* Only the password changed in the working copy. */
  g_signal_emit (self, signals[KEY_CHANGED], g_quark_from_static_string ("password"), "password");
  refresh (self);
}

/* @key has a field (a settings key, or "password"). */
void
messagerie_editor_add_field_key (MessagerieEditor *self,
                                 const char       *key)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  if (!g_hash_table_contains (self->field_keys, key))
    g_hash_table_insert (self->field_keys, g_strdup (key), g_new0 (Shown, 1));
}

/* The finding a field shows for @key: the helper's, else the rules' error,
 * else their warning; NULL for none, or while it is held back. */
const MessagerieFinding *
messagerie_editor_get_finding (MessagerieEditor *self,
                               const char       *key)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (held_back (self, key))
    return NULL;

  return finding_for_key (self, key);
}

/* @key was edited or left once: its finding shows from now on. */
void
messagerie_editor_touch (MessagerieEditor *self,
                         const char       *key)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  if (g_hash_table_add (self->touched, g_strdup (key)))
    refresh (self);
}

/* Trying to apply shows every error held back. */
void
messagerie_editor_touch_all (MessagerieEditor *self)
{
  guint n_keys;
  const MessagerieKey *keys = messagerie_settings_keys (&n_keys);

  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  for (guint i = 0; i < n_keys; i++)
    g_hash_table_add (self->touched, g_strdup (keys[i].name));
  refresh (self);
}

/* Whether a field shows an error. An error on an empty field nobody
 * touched is not shown yet, and does not keep Apply insensitive: trying
 * to apply shows it. */
gboolean
messagerie_editor_error_shown (MessagerieEditor *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), FALSE);

  g_hash_table_iter_init (&iter, self->helper_errors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((MessagerieFinding *) value)->severity == MESSAGERIE_SEVERITY_ERROR)
      return TRUE;

  for (guint i = 0; i < self->findings->len; i++)
    {
      const MessagerieFinding *finding = g_ptr_array_index (self->findings, i);

      if (finding->severity == MESSAGERIE_SEVERITY_ERROR && !held_back (self, finding->key)
          && g_hash_table_contains (self->field_keys, finding->key))
        return TRUE;
    }

  return FALSE;
}

static void
add_helper_error (MessagerieEditor *self,
                  const char       *key,
                  const char       *rule,
                  const char       *message)
{
  MessagerieFinding *finding = messagerie_finding_new (key, rule, MESSAGERIE_SEVERITY_ERROR,
                                                      message);

  g_hash_table_replace (self->helper_errors, finding->key, finding);
}

/* What the helper refused in @report, kept for the keys that have a
 * field. Whether any was kept. */
gboolean
messagerie_editor_take_helper_errors (MessagerieEditor *self,
                                      MessagerieReport *report)
{
  GHashTable *known_keys = self->field_keys;

  gboolean kept = FALSE;

  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), FALSE);

  g_hash_table_remove_all (self->helper_errors);
  for (guint i = 0; i < report->findings->len; i++)
    {
      const MessagerieFinding *finding = g_ptr_array_index (report->findings, i);

      if (finding->severity == MESSAGERIE_SEVERITY_ERROR
          && g_hash_table_contains (known_keys, finding->key))
        {
          add_helper_error (self, finding->key, finding->rule, finding->message);
          kept = TRUE;
        }
    }

  if (report->failed_key != NULL && g_hash_table_contains (known_keys, report->failed_key))
    {
      add_helper_error (self, report->failed_key, report->failed_step, report->failed_message);
      kept = TRUE;
    }

  refresh (self);
  return kept;
}

void
messagerie_editor_forget_helper_errors (MessagerieEditor *self)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  g_hash_table_remove_all (self->helper_errors);
  refresh (self);
}

gboolean
messagerie_editor_get_has_changes (MessagerieEditor *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), FALSE);

  return self->has_changes;
}

gboolean
messagerie_editor_get_can_apply (MessagerieEditor *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), FALSE);

  return self->can_apply;
}

gboolean
messagerie_editor_get_busy (MessagerieEditor *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), FALSE);

  return self->busy;
}

/* While the helper runs, nothing is applied again. */
void
messagerie_editor_set_busy (MessagerieEditor *self,
                            gboolean          busy)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  set_flag (self, &self->busy, busy, PROP_BUSY);
  update_flags (self);
}

const char *
messagerie_editor_get_stored_password (MessagerieEditor *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), NULL);

  return self->stored_password;
}

/* The keyring's password for the gateway and login shown (NULL for none):
 * the password field shows it; it is never sent again. */
void
messagerie_editor_set_stored_password (MessagerieEditor *self,
                                       const char       *password)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  messagerie_secret_free (self->stored_password);
  self->stored_password = g_strdup (password);
  if (self->settings != NULL)
    g_signal_emit (self, signals[KEY_CHANGED], g_quark_from_static_string ("password"),
                   "password");
}

/* The text of the password field. The password is no settings key and
 * emits no signal: an empty text, or the keyring's own password, means that
 * no new password was given. */
void
messagerie_editor_set_password (MessagerieEditor *self,
                                const char       *text)
{
  g_return_if_fail (MESSAGERIE_IS_EDITOR (self));

  messagerie_settings_set_password (self->settings,
                                    text && *text && g_strcmp0 (text, self->stored_password) != 0
                                    ? text : NULL);
  g_hash_table_remove (self->helper_errors, "password");
  refresh (self);
}

/* The values of the form, applied or not, normalized, with the password
 * shown: the one typed, or the keyring's. For the connection tests. */
MessagerieSettings *
messagerie_editor_dup_form (MessagerieEditor *self)
{
  MessagerieSettings *form;

  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (self), NULL);

  form = messagerie_settings_copy (self->settings);
  messagerie_settings_normalize (form);
  if (messagerie_settings_get_password (form) == NULL && self->stored_password != NULL)
    messagerie_settings_set_password (form, self->stored_password);

  return form;
}
