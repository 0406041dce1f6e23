/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-activity-page.h"
#include "messagerie-core.h"
#include "messagerie-detect-dialog.h"
#include "messagerie-helper-client.h"
#include "messagerie-keyring.h"
#include "messagerie-window.h"

typedef enum {
  FIELD_SWITCH,
  FIELD_COMBO,
  FIELD_ENTRY,
  FIELD_PASSWORD,
} FieldKind;

typedef struct {
  const char *key;
  FieldKind   kind;
} FieldInfo;

/* Every row of the window, in the order of the template. The rows are named
 * "<key>_row" in the .ui, and the switches "<key>_switch". "password" is the
 * key the validation rules use for the relay password. */
static const FieldInfo field_infos[] = {
  { "antispam", FIELD_SWITCH },
  { "spam_flag_score", FIELD_ENTRY },
  { "spam_reject_score", FIELD_ENTRY },
  { "mail_server", FIELD_COMBO },
  { "mailing_lists", FIELD_SWITCH },
  { "mail_domain", FIELD_ENTRY },
  { "root_sender", FIELD_ENTRY },
  { "root_sender_name", FIELD_ENTRY },
  { "root_recipient", FIELD_ENTRY },
  { "max_message_size_mb", FIELD_ENTRY },
  { "mailbox_quota_mb", FIELD_ENTRY },
  { "rewrite_headers", FIELD_SWITCH },
  { "relay_enabled", FIELD_SWITCH },
  { "relay_host", FIELD_ENTRY },
  { "relay_tls", FIELD_COMBO },
  { "relay_port", FIELD_ENTRY },
  { "relay_custom_implicit_tls", FIELD_SWITCH },
  { "relay_tls_verify", FIELD_SWITCH },
  { "relay_auth", FIELD_SWITCH },
  { "relay_user", FIELD_ENTRY },
  { "password", FIELD_PASSWORD },
};

#define N_FIELDS G_N_ELEMENTS (field_infos)

typedef enum {
  MODE_BASIC,
  MODE_NORMAL,
  MODE_EXPERT,
} Mode;

typedef struct {
  MessagerieWindow *window;
  const FieldInfo  *info;
  GtkWidget        *row;
  GtkWidget        *control;      /* the switch of a FIELD_SWITCH, else the row */
  GtkWidget        *message_row;  /* the caption beneath the row */
  GtkLabel         *message;
  gboolean          touched;      /* edited since the values were loaded */
  /* A neutral note shown in the caption when no finding stands. */
  char             *note;
} Field;

struct _MessagerieWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwViewStack       *stack;
  AdwToastOverlay    *toast_overlay;
  AdwPreferencesPage *services_page;
  MessagerieActivityPage *activity_page;
  GtkRevealer        *progress_revealer;
  GtkLabel           *progress_label;
  AdwActionRow       *probe_row;
  GtkButton          *probe_button;

  /* The question asked when closing with unapplied changes, while shown. */
  GtkWidget          *close_dialog;
  /* Set once the user chose to discard them: the next close goes through. */
  gboolean            close_confirmed;
  /* Set when the user chose to apply them: the window closes on success. */
  gboolean            close_after_apply;

  /* Owned */
  MessagerieSettings *settings;   /* the working copy the rows edit */
  MessagerieSettings *on_disk;    /* as loaded or last applied */
  GPtrArray          *findings;
  /* The copy of the system the window works on, NULL for the system
   * itself (through pkexec). */
  char               *root;
  /* The messages of the helper's last failed run, by key: shown on their
   * rows until the value is changed. */
  GHashTable         *helper_errors;
  /* Set while the helper runs. */
  GCancellable       *helper_run;
  GSettings          *state;      /* NULL without the installed schema */

  /* The relay password as the keyring holds it for the gateway and login
   * shown, NULL when none: shown in the row, never sent again. */
  char               *keyring_password;
  GCancellable       *keyring_lookup;
  guint               keyring_timeout;
  /* Said once: the keyring cannot be used in this session. */
  gboolean            keyring_unusable;
  /* Why, when it cannot. */
  const char         *keyring_problem;
  /* Set once the first lookup started (after the first frame). */
  gboolean            keyring_started;

  /* Set while the connection test runs. */
  GCancellable       *probe_run;
  GCancellable       *detect_run;
  AdwActionRow       *detect_row;

  Field               fields[N_FIELDS];
  Mode                mode;
  /* Set while the rows are updated from the model, so that their
   * handlers do not write back into it. */
  gboolean            syncing;
};

G_DEFINE_FINAL_TYPE (MessagerieWindow, messagerie_window, ADW_TYPE_APPLICATION_WINDOW)

static void refresh (MessagerieWindow *self);
static void schedule_keyring_lookup (MessagerieWindow *self);

static Field *
find_field (MessagerieWindow *self,
            const char       *key)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (self->fields[i].info->key, key))
      return &self->fields[i];

  return NULL;
}

static const char *const *
key_choices (const char *key)
{
  const MessagerieKey *info = messagerie_settings_lookup_key (key);

  return info ? info->choices : NULL;
}

static void
sync_field (MessagerieWindow *self,
            Field            *field)
{
  const char *key = field->info->key;
  const char *value;

  self->syncing = TRUE;

  switch (field->info->kind)
    {
    case FIELD_SWITCH:
      gtk_switch_set_active (GTK_SWITCH (field->control),
                             messagerie_settings_get_boolean (self->settings, key));
      break;

    case FIELD_COMBO:
      {
        const char *const *choices = key_choices (key);
        guint selected = GTK_INVALID_LIST_POSITION;

        value = messagerie_settings_get (self->settings, key);
        for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
          if (g_str_equal (choices[i], value))
            selected = i;
        adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), selected);
      }
      break;

    case FIELD_ENTRY:
    case FIELD_PASSWORD:
      if (field->info->kind == FIELD_ENTRY)
        value = messagerie_settings_get (self->settings, key);
      else if ((value = messagerie_settings_get_password (self->settings)) == NULL)
        value = self->keyring_password;
      if (value == NULL)
        value = "";
      /* Setting the same text again would move the cursor. */
      if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (field->row)), value))
        gtk_editable_set_text (GTK_EDITABLE (field->row), value);
      break;

    default:
      g_assert_not_reached ();
    }

  self->syncing = FALSE;
}

static void
sync_all (MessagerieWindow *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    sync_field (self, &self->fields[i]);
}

/* Whether the current mode shows the key. A mode only hides rows. */
static gboolean
key_in_mode (MessagerieWindow *self,
             const char       *key)
{
  if (g_str_equal (key, "root_sender_name") || g_str_equal (key, "max_message_size_mb"))
    return self->mode >= MODE_NORMAL;

  if (g_str_equal (key, "rewrite_headers") || g_str_equal (key, "relay_tls_verify")
      || g_str_equal (key, "relay_custom_implicit_tls") || g_str_has_prefix (key, "spam_"))
    return self->mode == MODE_EXPERT;

  return TRUE;
}

static MessagerieFinding *
finding_for_key (MessagerieWindow *self,
                 const char       *key)
{
  MessagerieFinding *found = g_hash_table_lookup (self->helper_errors, key);

  /* What the system refused weighs more than what the rules foresee. */
  if (found != NULL)
    return found;

  for (guint i = 0; i < self->findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (self->findings, i);

      if (!g_str_equal (finding->key, key))
        continue;
      if (finding->severity == MESSAGERIE_SEVERITY_ERROR)
        return finding;
      if (found == NULL)
        found = finding;
    }

  return found;
}

/* An empty field nobody touched stays neutral until it is left or an
 * apply is tried. */
static gboolean
field_held_back (Field *field)
{
  return field->info->kind == FIELD_ENTRY && !field->touched
         && *gtk_editable_get_text (GTK_EDITABLE (field->row)) == '\0';
}

static void
update_field (MessagerieWindow *self,
              Field            *field)
{
  const char *key = field->info->key;
  MessagerieFinding *finding = finding_for_key (self, key);
  gboolean error;
  gboolean warning;
  gboolean visible;

  if (field_held_back (field))
    finding = NULL;

  error = finding && finding->severity == MESSAGERIE_SEVERITY_ERROR;
  warning = finding && finding->severity == MESSAGERIE_SEVERITY_WARNING;
  /* The rules judge only the values in use, and always the switches and
   * choices. A row hidden by the mode or by another choice still shows when
   * it holds a problem: otherwise an error nobody can see would keep Apply
   * insensitive. */
  visible = finding != NULL ||
            (messagerie_settings_in_use (self->settings, key) && key_in_mode (self, key));

  gtk_widget_set_visible (field->row, visible);
  gtk_widget_set_visible (field->message_row,
                          visible && (finding != NULL || field->note != NULL));
  gtk_label_set_text (field->message, finding ? finding->message
                                      : field->note ? field->note : "");

  if (error)
    gtk_widget_add_css_class (field->row, "error");
  else
    gtk_widget_remove_css_class (field->row, "error");

  if (warning)
    gtk_widget_add_css_class (field->row, "warning");
  else
    gtk_widget_remove_css_class (field->row, "warning");

  gtk_widget_set_css_classes (field->message_row, (const char *[]) {
                                "messagerie-message",
                                error ? "error" : warning ? "warning" : "dim-label",
                                NULL });

  if (error)
    gtk_accessible_update_state (GTK_ACCESSIBLE (field->row),
                                 GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                 -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (field->row), GTK_ACCESSIBLE_STATE_INVALID);

  if (finding != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (field->row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, finding->message,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (field->row),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* The seed's note on rewriting the headers, shown beneath the switch when
 * the mail domain is not <machine_name>.<dns_domain> (SPEC §4). */
static void
update_rewrite_note (MessagerieWindow *self)
{
  gboolean differs = !messagerie_settings_domain_is_host_name (self->settings);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (find_field (self, "rewrite_headers")->row),
                               differs ? _("The mail domain is not the machine name followed by "
                                           "the DNS name of the local network: rewriting the "
                                           "headers may be needed to keep them consistent with "
                                           "the envelope of the messages.")
                                       : "");
}

static void
set_action_enabled (MessagerieWindow *self,
                    const char       *name,
                    gboolean          enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* Whether a row shows an error. An error on an empty field nobody touched
 * is not shown yet, and does not keep Apply insensitive: trying to apply
 * shows it (see apply_activated). */
static gboolean
error_shown (MessagerieWindow *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      Field *field = &self->fields[i];
      MessagerieFinding *finding = finding_for_key (self, field->info->key);

      if (finding != NULL && finding->severity == MESSAGERIE_SEVERITY_ERROR
          && !field_held_back (field))
        return TRUE;
    }

  return FALSE;
}

static void
refresh (MessagerieWindow *self)
{
  gboolean changed;
  gboolean busy = self->helper_run != NULL;
  AdwViewStackPage *page;

  g_clear_pointer (&self->findings, g_ptr_array_unref);
  self->findings = messagerie_validate (self->settings);

  page = adw_view_stack_get_page (self->stack, GTK_WIDGET (self->services_page));
  adw_view_stack_page_set_visible (page, messagerie_settings_has_mail_server (self->settings));
  /* A hidden page stays the visible child unless another one is chosen. */
  if (!adw_view_stack_page_get_visible (page)
      && adw_view_stack_get_visible_child (self->stack) == GTK_WIDGET (self->services_page))
    adw_view_stack_set_visible_child_name (self->stack, "sending");

  for (guint i = 0; i < N_FIELDS; i++)
    update_field (self, &self->fields[i]);
  update_rewrite_note (self);

  changed = !messagerie_settings_equal (self->settings, self->on_disk);
  set_action_enabled (self, "apply", changed && !busy && !error_shown (self));
  set_action_enabled (self, "revert", changed && !busy);
  set_action_enabled (self, "restore", !busy);
  set_action_enabled (self, "probe",
                      messagerie_settings_get_boolean (self->settings, "relay_enabled"));
  set_action_enabled (self, "detect",
                      messagerie_settings_get_boolean (self->settings, "relay_enabled") &&
                      self->detect_run == NULL);
  /* The test message goes through what is applied, not through the form. */
  set_action_enabled (self, "test-mail", !changed && !busy);
}

static void
on_settings_changed (MessagerieSettings *settings,
                     const char         *key,
                     MessagerieWindow   *self)
{
  Field *field = find_field (self, key);

  if (field != NULL)
    sync_field (self, field);
  else if (g_str_equal (key, "*"))
    sync_all (self);

  /* A value changed answers what the helper said of it. */
  if (g_str_equal (key, "*"))
    g_hash_table_remove_all (self->helper_errors);
  else
    g_hash_table_remove (self->helper_errors, key);

  /* Another gateway or login has another password. */
  if (g_str_equal (key, "*") || g_str_equal (key, "relay_host") || g_str_equal (key, "relay_user")
      || g_str_equal (key, "relay_enabled") || g_str_equal (key, "relay_auth"))
    schedule_keyring_lookup (self);

  refresh (self);
}

static void
set_working_copy (MessagerieWindow   *self,
                  MessagerieSettings *settings)
{
  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->settings, self);
      g_clear_object (&self->settings);
    }

  self->settings = settings;
  for (guint i = 0; i < N_FIELDS; i++)
    self->fields[i].touched = FALSE;
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);
  sync_all (self);
  refresh (self);
  /* Before the first frame, on_first_frame looks the password up. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    schedule_keyring_lookup (self);
}

static void
on_switch_active (GtkSwitch  *widget,
                  GParamSpec *pspec,
                  Field      *field)
{
  if (field->window->syncing)
    return;

  messagerie_settings_set (field->window->settings, field->info->key,
                           gtk_switch_get_active (widget) ? "true" : "false");
}

static void
on_combo_selected (AdwComboRow *row,
                   GParamSpec  *pspec,
                   Field       *field)
{
  const char *const *choices = key_choices (field->info->key);
  guint selected = adw_combo_row_get_selected (row);

  if (field->window->syncing || choices == NULL
      || selected >= g_strv_length ((char **) choices))
    return;

  messagerie_settings_set (field->window->settings, field->info->key, choices[selected]);
}

static void
on_entry_changed (GtkEditable *editable,
                  Field       *field)
{
  MessagerieWindow *self = field->window;
  const char *text = gtk_editable_get_text (editable);

  if (self->syncing)
    return;

  field->touched = TRUE;
  if (field->info->kind == FIELD_PASSWORD)
    {
      /* The password is no settings key and emits no signal. An empty
       * entry, or the keyring's own password, means that no new password
       * was given. */
      messagerie_settings_set_password (self->settings,
                                        *text && g_strcmp0 (text, self->keyring_password) != 0
                                        ? text : NULL);
      g_hash_table_remove (self->helper_errors, "password");
      refresh (self);
      return;
    }

  messagerie_settings_set (self->settings, field->info->key, text);
}

/* The keyring */

static void
set_password_note (MessagerieWindow *self,
                   const char       *note)
{
  Field *field = find_field (self, "password");

  g_free (field->note);
  field->note = g_strdup (note);
  update_field (self, field);
}

static void
set_keyring_password (MessagerieWindow *self,
                      const char       *password)
{
  if (self->keyring_password != NULL)
    {
      explicit_bzero (self->keyring_password, strlen (self->keyring_password));
      g_free (self->keyring_password);
    }
  self->keyring_password = g_strdup (password);
  sync_field (self, find_field (self, "password"));
}

/* Whether the server holds a password for @host and @user: the helper
 * says so in a file anyone may read, as passwd.client is root's and
 * Debian-exim's only. */
static gboolean
server_has_password (MessagerieWindow *self,
                     const char       *host,
                     const char       *user)
{
  g_autofree char *path = g_build_filename (self->root ? self->root : "/",
                                            MESSAGERIE_PATH_PASSWORD_INDEX, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  return messagerie_render_index_has_password (contents, host, user);
}

/* What the password row says when the keyring gives no password: where
 * the password is, if the server has one (the keyring's trouble matters
 * only once a new password is typed), else why the keyring says nothing. */
static void
note_no_keyring_password (MessagerieWindow *self)
{
  const char *host, *user;

  if (messagerie_settings_get_relay_login (self->settings, &host, &user)
      && server_has_password (self, host, user))
    set_password_note (self, _("Password stored on the server"));
  else
    set_password_note (self, self->keyring_problem);
}

/* Said once per window: the password row carries it from then on. */
static void
report_keyring_problem (MessagerieWindow *self,
                        const GError     *error)
{
  MessagerieKeyringProblem problem = messagerie_keyring_classify_error (error);

  g_debug ("Keyring: %s", error->message);
  if (problem != MESSAGERIE_KEYRING_PROBLEM_LOCKED)
    self->keyring_unusable = TRUE;
  self->keyring_problem = messagerie_keyring_problem_message (problem);
}

static void
on_keyring_lookup_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = messagerie_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->keyring_lookup);

  if (error != NULL)
    report_keyring_problem (self, error);

  set_keyring_password (self, password);
  secret_password_free (password);

  if (self->keyring_password == NULL)
    note_no_keyring_password (self);
  else
    set_password_note (self, NULL);
  refresh (self);
}

static void
start_keyring_lookup (MessagerieWindow *self)
{
  const char *host, *user;

  g_clear_handle_id (&self->keyring_timeout, g_source_remove);
  if (self->keyring_lookup != NULL)
    {
      g_cancellable_cancel (self->keyring_lookup);
      g_clear_object (&self->keyring_lookup);
    }

  self->keyring_started = TRUE;
  if (!messagerie_settings_get_relay_login (self->settings, &host, &user))
    {
      set_keyring_password (self, NULL);
      set_password_note (self, NULL);
      return;
    }
  if (self->keyring_unusable)
    {
      note_no_keyring_password (self);
      return;
    }

  self->keyring_lookup = g_cancellable_new ();
  set_password_note (self, _("Looking for the password in the keyring…"));
  messagerie_keyring_lookup_async (host, user, self->keyring_lookup,
                                   on_keyring_lookup_done, g_object_ref (self));
}

static gboolean
on_keyring_timeout (gpointer user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  self->keyring_timeout = 0;
  start_keyring_lookup (self);
  return G_SOURCE_REMOVE;
}

/* While the gateway or the login is typed, one lookup once it settles. */
static void
schedule_keyring_lookup (MessagerieWindow *self)
{
  g_clear_handle_id (&self->keyring_timeout, g_source_remove);
  self->keyring_timeout = g_timeout_add (300, on_keyring_timeout, self);
}

static void
on_first_frame (GdkFrameClock    *clock,
                MessagerieWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame, self);
  start_keyring_lookup (self);
}

static void
on_map (GtkWidget *widget)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (widget);

  g_signal_handlers_disconnect_by_func (widget, on_map, NULL);
  /* Nothing but the settings file stands before the first frame. */
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                    G_CALLBACK (on_first_frame), self);
}

static void
on_keyring_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!messagerie_keyring_store_finish (result, &error))
    {
      /* The password typed was not remembered: say why now. */
      report_keyring_problem (self, error);
      set_password_note (self, self->keyring_problem);
    }
}

static void
on_keyring_cleared (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!messagerie_keyring_clear_finish (result, &error))
    {
      report_keyring_problem (self, error);
      set_password_note (self, self->keyring_problem);
    }
}

/* After an apply: the password sent is remembered for its gateway and
 * login; authentication turned off forgets the one it had. */
static void
update_keyring (MessagerieWindow   *self,
                MessagerieSettings *before,
                const char         *sent)
{
  const char *host, *user;

  if (messagerie_settings_get_relay_login (self->settings, &host, &user))
    {
      if (sent != NULL)
        {
          set_keyring_password (self, sent);
          /* A keyring that cannot be used says the password typed was not
           * remembered. */
          set_password_note (self, self->keyring_unusable ? self->keyring_problem : NULL);
          if (!self->keyring_unusable)
            messagerie_keyring_store_async (host, user, sent, NULL,
                                            on_keyring_stored, g_object_ref (self));
        }
      return;
    }

  if (messagerie_settings_get_relay_login (before, &host, &user) && !self->keyring_unusable)
    messagerie_keyring_clear_async (host, user, NULL, on_keyring_cleared, g_object_ref (self));
  set_keyring_password (self, NULL);
}

/* The settings file of the window's root. */
static MessagerieSettings *
read_settings (MessagerieWindow  *self,
               GError           **error)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_autofree char *path = g_build_filename (self->root ? self->root : "/",
                                            MESSAGERIE_PATH_SETTINGS, NULL);

  if (!messagerie_settings_load_file (settings, path, error))
    return NULL;

  return g_steal_pointer (&settings);
}

/* Reads the settings file again: after a failure, the window shows what
 * the system holds, not what it hoped to write. */
static MessagerieSettings *
load_on_disk (MessagerieWindow *self)
{
  g_autoptr(GError) error = NULL;
  MessagerieSettings *settings = read_settings (self, &error);

  if (settings == NULL)
    {
      g_warning ("Cannot read the settings again: %s", error->message);
      return messagerie_settings_copy (self->on_disk);
    }

  return settings;
}

static void
set_busy (MessagerieWindow *self,
          gboolean          busy)
{
  if (busy)
    self->helper_run = g_cancellable_new ();
  else
    g_clear_object (&self->helper_run);

  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
  refresh (self);
}

static void
on_helper_line (MessagerieReport     *report,
                MessagerieReportLine  kind,
                gpointer              user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  if (kind == MESSAGERIE_REPORT_LINE_STEP)
    gtk_label_set_text (self->progress_label, report->step_message);
}

static void
show_message (MessagerieWindow *self,
              const char       *heading,
              const char       *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What went wrong, said once: on the rows the helper named, else in a
 * dialog. 126 is pkexec's "dismissed" and says nothing. */
static void
report_failure (MessagerieWindow *self,
                MessagerieReport *report,
                int               status,
                const char       *heading)
{
  gboolean on_a_row = FALSE;

  if (status == 126)
    return;

  if (status == 127)
    {
      show_message (self, _("Not authorized"),
                    _("Your account is not allowed to change the mail configuration of this "
                      "server. Ask an administrator of the server."));
      return;
    }

  g_hash_table_remove_all (self->helper_errors);
  for (guint i = 0; i < report->findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (report->findings, i);

      if (finding->severity == MESSAGERIE_SEVERITY_ERROR && find_field (self, finding->key))
        {
          MessagerieFinding *copy = g_new0 (MessagerieFinding, 1);

          copy->key = g_strdup (finding->key);
          copy->rule = g_strdup (finding->rule);
          copy->severity = finding->severity;
          copy->message = g_strdup (finding->message);
          g_hash_table_replace (self->helper_errors, copy->key, copy);
          on_a_row = TRUE;
        }
    }

  if (report->failed_key != NULL && find_field (self, report->failed_key))
    {
      MessagerieFinding *finding = g_new0 (MessagerieFinding, 1);

      finding->key = g_strdup (report->failed_key);
      finding->rule = g_strdup (report->failed_step);
      finding->severity = MESSAGERIE_SEVERITY_ERROR;
      finding->message = g_strdup (report->failed_message);
      g_hash_table_replace (self->helper_errors, finding->key, finding);
      on_a_row = TRUE;
    }

  if (on_a_row)
    {
      messagerie_window_show_toast (self, _("The server refused some values: see the fields "
                                            "marked in red."));
      return;
    }

  {
    const char *body = report->failed_message ? report->failed_message
                       : report->result_message ? report->result_message
                       : report->other->len > 0 ? report->other->str
                       : _("The helper ended without saying why.");
    g_autofree char *text = NULL;

    if (report->failed_step != NULL)
      text = g_strdup_printf (_("%s\n\nStep at fault: %s. Every file was put back as it was."),
                              body, report->failed_step);
    show_message (self, heading, text ? text : body);
  }
}

/* The end of a helper run: the window is usable again. NULL, said in a
 * dialog under @heading, when the helper could not run at all. */
static MessagerieReport *
finish_helper_run (MessagerieWindow *self,
                   GAsyncResult     *result,
                   int              *status,
                   const char       *heading)
{
  g_autoptr(GError) error = NULL;
  MessagerieReport *report;

  report = messagerie_helper_run_finish (result, status, &error);
  set_busy (self, FALSE);

  if (report == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot run the helper: %s"), error->message);

      show_message (self, heading, text);
    }

  return report;
}

static void
on_apply_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("The changes were not applied"));
  if (report == NULL)
    return;

  if (status == 0 && messagerie_report_succeeded (report))
    {
      g_autofree char *sent = g_strdup (messagerie_settings_get_password (self->settings));
      g_autoptr(MessagerieSettings) before = self->on_disk;

      /* The password went to the server: the working copy forgets it,
       * the keyring remembers it. */
      messagerie_settings_set_password (self->settings, NULL);
      self->on_disk = messagerie_settings_copy (self->settings);
      update_keyring (self, before, sent);
      if (sent != NULL)
        explicit_bzero (sent, strlen (sent));
      g_hash_table_remove_all (self->helper_errors);
      sync_all (self);
      refresh (self);
      messagerie_window_show_toast (self, g_str_equal (report->result, "unchanged")
                                          ? _("The server already had this configuration.")
                                          : _("The configuration has been applied."));
      if (self->close_after_apply)
        gtk_window_close (GTK_WINDOW (self));
      return;
    }

  self->close_after_apply = FALSE;

  g_object_unref (self->on_disk);
  self->on_disk = load_on_disk (self);
  report_failure (self, report, status, _("The changes were not applied"));
  refresh (self);
}

static void
apply_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  g_autoptr(GBytes) input = NULL;

  if (self->helper_run != NULL)
    return;

  /* Trying to apply shows the errors still held back on untouched
   * fields, and goes no further while one stands. */
  for (guint i = 0; i < N_FIELDS; i++)
    self->fields[i].touched = TRUE;
  refresh (self);
  if (error_shown (self))
    {
      messagerie_window_show_toast (self, _("Correct the fields marked in red first."));
      return;
    }

  messagerie_settings_normalize (self->settings);
  /* The password goes only when one was typed. */
  input = messagerie_settings_to_input (self->settings);

  gtk_label_set_text (self->progress_label, _("Applying the changes…"));
  set_busy (self, TRUE);
  messagerie_helper_run_async (self->root, TRUE, "apply", NULL, input, on_helper_line, self,
                               self->helper_run, on_apply_done, g_object_ref (self));
}

/* The connection test and the test message */

static void
on_probe_step (const char *step,
               const char *message,
               gpointer    user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  adw_action_row_set_subtitle (self->probe_row, message);
}

static void
probe_finished (MessagerieWindow *self)
{
  g_clear_object (&self->probe_run);
  if (self->detect_run != NULL)
    g_cancellable_cancel (self->detect_run);
  g_clear_object (&self->detect_run);
  gtk_button_set_label (self->probe_button, _("_Test"));
  adw_action_row_set_subtitle (self->probe_row,
                               _("Connects to the gateway with the values above, applied or not, "
                                 "and logs in; sends nothing"));
}

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieProbeResult) probe = NULL;
  g_autoptr(GError) error = NULL;

  probe = messagerie_probe_finish (result, &error);
  /* Cancelled by the window's end: nothing left to update. */
  if (self->probe_run == NULL)
    return;
  probe_finished (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (probe == NULL)
    {
      show_message (self, _("Nothing to test yet"), error->message);
      return;
    }

  show_message (self,
                probe->code == MESSAGERIE_PROBE_OK ? _("The gateway answered")
                                                   : _("The connection test failed"),
                probe->message);
}

static void
probe_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  g_autoptr(MessagerieSettings) form = NULL;

  /* The same button stops a test that takes too long. */
  if (self->probe_run != NULL)
    {
      g_cancellable_cancel (self->probe_run);
      return;
    }

  /* The values of the form, applied or not, with the password shown: the
   * one typed, or the keyring's. */
  form = messagerie_settings_copy (self->settings);
  messagerie_settings_normalize (form);
  if (messagerie_settings_get_password (form) == NULL && self->keyring_password != NULL)
    messagerie_settings_set_password (form, self->keyring_password);

  self->probe_run = g_cancellable_new ();
  gtk_button_set_label (self->probe_button, _("_Stop"));
  adw_action_row_set_subtitle (self->probe_row, _("Connecting…"));
  messagerie_probe_async (form, NULL, 0, on_probe_step, self, self->probe_run,
                          on_probe_done, g_object_ref (self));
}

static void
on_test_mail_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("The test message was not sent"));
  if (report == NULL)
    return;

  if (status == 0 && g_strcmp0 (report->result, "ok") == 0)
    {
      show_message (self, _("The test message was accepted"), report->result_message);
      return;
    }

  report_failure (self, report, status, _("The test message was not delivered"));
}

static void
test_mail_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  if (self->helper_run != NULL)
    return;

  gtk_label_set_text (self->progress_label, _("Sending a test message…"));
  set_busy (self, TRUE);
  messagerie_helper_run_async (self->root, TRUE, "test-mail", NULL, NULL, on_helper_line, self,
                               self->helper_run, on_test_mail_done, g_object_ref (self));
}

typedef struct {
  MessagerieWindow *window;
  char             *name;
} RestoreChoice;

static void
restore_choice_free (RestoreChoice *choice)
{
  g_object_unref (choice->window);
  g_free (choice->name);
  g_free (choice);
}

static void
on_restore_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("The configuration was not restored"));
  if (report == NULL)
    return;

  /* Either way the window shows what the system now holds. */
  g_object_unref (self->on_disk);
  self->on_disk = load_on_disk (self);

  if (status == 0 && messagerie_report_succeeded (report))
    {
      g_hash_table_remove_all (self->helper_errors);
      set_working_copy (self, messagerie_settings_copy (self->on_disk));
      messagerie_window_show_toast (self, _("The previous configuration has been restored."));
      return;
    }

  report_failure (self, report, status, _("The configuration was not restored"));
  refresh (self);
}

static void
on_restore_response (AdwMessageDialog *dialog,
                     const char       *response,
                     RestoreChoice    *choice)
{
  MessagerieWindow *self = choice->window;

  if (!g_str_equal (response, "restore") || self->helper_run != NULL)
    return;

  gtk_label_set_text (self->progress_label, _("Restoring the previous configuration…"));
  set_busy (self, TRUE);
  messagerie_helper_run_async (self->root, TRUE, "restore", choice->name, NULL,
                               on_helper_line, self, self->helper_run,
                               on_restore_done, g_object_ref (self));
}

static void
on_backups_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *date = NULL;
  g_autofree char *body = NULL;
  RestoreChoice *choice;
  GtkWidget *dialog;
  int status = -1;

  report = finish_helper_run (self, result, &status, _("Cannot list the saved configurations"));
  if (report == NULL)
    return;
  if (status != 0)
    {
      show_message (self, _("Cannot list the saved configurations"), report->other->str);
      return;
    }

  /* One line per backup, the newest first: NAME, date, number of files. */
  lines = g_strsplit (report->other->str, "\n", 2);
  if (lines[0] == NULL || (fields = g_strsplit (lines[0], "\t", 3))[0] == NULL
      || fields[1] == NULL)
    {
      show_message (self, _("Nothing to restore"),
                    _("No previous configuration has been kept yet: one is kept each time "
                      "changes are applied."));
      return;
    }

  date = messagerie_format_time (fields[1]);
  body = g_strdup_printf (_("The files changed on %s will be put back as they were before, "
                            "and the mail service reloaded. The current configuration is kept "
                            "as well, so this can be undone."), date);
  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   _("Restore the previous configuration?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);

  choice = g_new0 (RestoreChoice, 1);
  choice->window = g_object_ref (self);
  choice->name = g_strdup (fields[0]);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_restore_response), choice,
                         (GClosureNotify) (void (*) (void)) restore_choice_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restore_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  if (self->helper_run != NULL)
    return;

  /* Listing needs no privilege: the names of the backups are their dates. */
  gtk_label_set_text (self->progress_label, _("Looking for the previous configuration…"));
  set_busy (self, TRUE);
  messagerie_helper_run_async (self->root, FALSE, "backups", NULL, NULL, NULL, NULL,
                               self->helper_run, on_backups_done, g_object_ref (self));
}

static void
revert_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);

  set_working_copy (self, messagerie_settings_copy (self->on_disk));
}

static void
mode_change_state (GSimpleAction *action,
                   GVariant      *state,
                   gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  const char *name = g_variant_get_string (state, NULL);

  if (g_str_equal (name, "basic"))
    self->mode = MODE_BASIC;
  else if (g_str_equal (name, "expert"))
    self->mode = MODE_EXPERT;
  else if (g_str_equal (name, "normal"))
    self->mode = MODE_NORMAL;
  else
    return;

  g_simple_action_set_state (action, state);
  if (self->state != NULL)
    g_settings_set_string (self->state, "mode", name);
  if (self->settings != NULL)
    refresh (self);
}

static gboolean
has_unapplied_changes (MessagerieWindow *self)
{
  return self->settings != NULL && self->on_disk != NULL
         && !messagerie_settings_equal (self->settings, self->on_disk);
}

static gboolean
can_apply (MessagerieWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "apply");

  return g_action_get_enabled (action);
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   MessagerieWindow *self)
{
  if (g_str_equal (response, "discard"))
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "apply"))
    {
      /* Closes once the changes are applied (see on_apply_done). */
      self->close_after_apply = TRUE;
      g_action_group_activate_action (G_ACTION_GROUP (self), "apply", NULL);
      if (self->helper_run == NULL)
        self->close_after_apply = FALSE;
    }
}

static void
save_window_state (MessagerieWindow *self)
{
  int width, height;

  if (self->state == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->state, "window-width", width);
  g_settings_set_int (self->state, "window-height", height);
  g_settings_set_boolean (self->state, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
messagerie_window_close_request (GtkWindow *window)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (window);
  GtkWidget *dialog;

  /* The helper finishes its transaction whatever happens here; the window
   * stays to say how it ended. */
  if (self->helper_run != NULL)
    {
      messagerie_window_show_toast (self, _("Wait until the changes are applied."));
      return TRUE;
    }

  if (self->close_confirmed || !has_unapplied_changes (self))
    {
      save_window_state (self);
      return GTK_WINDOW_CLASS (messagerie_window_parent_class)->close_request (window);
    }

  if (self->close_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      return TRUE;
    }

  dialog = adw_message_dialog_new (window, _("Discard unapplied changes?"),
                                   _("The changes that were not applied will be lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  if (can_apply (self))
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "apply", _("_Apply"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                                  ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);

  self->close_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

/* « Utiliser … » sets the TLS row to the choice found. */
static void
on_detect_response (AdwMessageDialog *dialog,
                    const char       *response,
                    MessagerieWindow *self)
{
  const char *proposal = messagerie_detect_dialog_get_proposal (dialog);
  Field *field = find_field (self, "relay_tls");
  const char *const *choices = key_choices ("relay_tls");

  if (!g_str_equal (response, "use") || proposal == NULL || field == NULL)
    return;
  for (guint i = 0; choices[i]; i++)
    if (g_str_equal (choices[i], proposal))
      adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), i);
}

static void
on_detect_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MessagerieWindow) self = user_data;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GError) error = NULL;
  const char *proposal = NULL;
  GtkWidget *dialog;

  attempts = messagerie_detect_finish (result, &proposal, &error);
  if (self->detect_run == NULL)
    return;
  g_clear_object (&self->detect_run);
  adw_action_row_set_subtitle (self->detect_row,
                               _("Tries the gateway on ports 465, 587 and 25, and proposes the choice that works"));
  refresh (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (attempts == NULL)
    {
      show_message (self, _("Nothing to test yet"), error->message);
      return;
    }

  dialog = messagerie_detect_dialog_new (GTK_WINDOW (self), attempts, proposal);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_detect_response), self, 0);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
detect_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  g_autoptr(MessagerieSettings) form = messagerie_settings_copy (self->settings);

  messagerie_settings_normalize (form);
  if (messagerie_settings_get_password (form) == NULL && self->keyring_password != NULL)
    messagerie_settings_set_password (form, self->keyring_password);

  self->detect_run = g_cancellable_new ();
  adw_action_row_set_subtitle (self->detect_row, _("Trying ports 465, 587 and 25…"));
  refresh (self);
  messagerie_detect_async (form, NULL, 0, self->detect_run, on_detect_done, g_object_ref (self));
}

static const GActionEntry win_actions[] = {
  { "apply", apply_activated, NULL, NULL, NULL, { 0 } },
  { "revert", revert_activated, NULL, NULL, NULL, { 0 } },
  { "restore", restore_activated, NULL, NULL, NULL, { 0 } },
  { "probe", probe_activated, NULL, NULL, NULL, { 0 } },
  { "detect", detect_activated, NULL, NULL, NULL, { 0 } },
  { "test-mail", test_mail_activated, NULL, NULL, NULL, { 0 } },
  { "mode", NULL, "s", "'normal'", mode_change_state, { 0 } },
};

static void
on_entry_activated (AdwEntryRow *row,
                    Field       *field)
{
  /* Enter moves on to the next field, as in a form. */
  gtk_widget_child_focus (GTK_WIDGET (field->window), GTK_DIR_TAB_FORWARD);
}

static void
on_entry_leave (GtkEventControllerFocus *controller,
                Field                   *field)
{
  if (field->touched)
    return;

  /* Left once, an empty field shows what it lacks. */
  field->touched = TRUE;
  refresh (field->window);
}

static void
setup_fields (MessagerieWindow *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      Field *field = &self->fields[i];
      const char *key = field_infos[i].key;
      g_autofree char *row_name = g_strconcat (key, "_row", NULL);
      GtkWidget *list_box;
      GtkWidget *label;

      field->window = self;
      field->info = &field_infos[i];
      field->row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                              MESSAGERIE_TYPE_WINDOW,
                                                              row_name));
      g_assert (field->row != NULL);
      field->control = field->row;

      switch (field->info->kind)
        {
        case FIELD_SWITCH:
          {
            g_autofree char *switch_name = g_strconcat (key, "_switch", NULL);

            field->control = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                                        MESSAGERIE_TYPE_WINDOW,
                                                                        switch_name));
            g_signal_connect (field->control, "notify::active",
                              G_CALLBACK (on_switch_active), field);
          }
          break;

        case FIELD_COMBO:
          g_signal_connect (field->row, "notify::selected",
                            G_CALLBACK (on_combo_selected), field);
          break;

        case FIELD_ENTRY:
        case FIELD_PASSWORD:
          {
            GtkEventController *focus = gtk_event_controller_focus_new ();

            g_signal_connect (field->row, "changed", G_CALLBACK (on_entry_changed), field);
            g_signal_connect (field->row, "entry-activated",
                              G_CALLBACK (on_entry_activated), field);
            g_signal_connect (focus, "leave", G_CALLBACK (on_entry_leave), field);
            gtk_widget_add_controller (field->row, focus);
          }
          break;

        default:
          g_assert_not_reached ();
        }

      /* The message goes in a row of its own beneath the field, the same
       * way for every kind of row: AdwEntryRow has no place for it. */
      label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_add_css_class (label, "caption");
      field->message = GTK_LABEL (label);

      field->message_row = adw_preferences_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (field->message_row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (field->message_row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (field->message_row), label);
      gtk_widget_set_visible (field->message_row, FALSE);

      list_box = gtk_widget_get_parent (field->row);
      gtk_list_box_insert (GTK_LIST_BOX (list_box), field->message_row,
                           gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (field->row)) + 1);
    }
}

static void
on_visible_page (MessagerieWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "activity") == 0)
    messagerie_activity_page_refresh (self->activity_page);
}

/* The activity names a setting at fault: its page, its row focused. */
static void
on_show_key (MessagerieWindow *self,
             const char       *key)
{
  Field *field = find_field (self, key);

  if (field == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->stack,
                                         g_str_has_prefix (key, "relay_") ? "relay" : "sending");
  gtk_widget_grab_focus (field->row);
}

static void
messagerie_window_dispose (GObject *object)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (object);

  if (self->close_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->close_dialog),
                                    (gpointer *) &self->close_dialog);
      gtk_window_destroy (GTK_WINDOW (self->close_dialog));
      self->close_dialog = NULL;
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->on_disk);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->helper_errors, g_hash_table_unref);
  g_clear_object (&self->state);
  if (self->probe_run != NULL)
    g_cancellable_cancel (self->probe_run);
  g_clear_object (&self->probe_run);
  g_clear_handle_id (&self->keyring_timeout, g_source_remove);
  if (self->keyring_lookup != NULL)
    g_cancellable_cancel (self->keyring_lookup);
  g_clear_object (&self->keyring_lookup);
  if (self->keyring_password != NULL)
    {
      explicit_bzero (self->keyring_password, strlen (self->keyring_password));
      g_clear_pointer (&self->keyring_password, g_free);
    }
  for (guint i = 0; i < N_FIELDS; i++)
    g_clear_pointer (&self->fields[i].note, g_free);

  G_OBJECT_CLASS (messagerie_window_parent_class)->dispose (object);
}

static void
messagerie_window_finalize (GObject *object)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (object);

  g_free (self->root);

  G_OBJECT_CLASS (messagerie_window_parent_class)->finalize (object);
}

static void
messagerie_window_class_init (MessagerieWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = messagerie_window_dispose;
  object_class->finalize = messagerie_window_finalize;
  window_class->close_request = messagerie_window_close_request;

  g_type_ensure (MESSAGERIE_TYPE_ACTIVITY_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, services_page);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, activity_page);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, probe_row);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, probe_button);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, detect_row);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *row_name = g_strconcat (field_infos[i].key, "_row", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, row_name, FALSE, 0);
      if (field_infos[i].kind == FIELD_SWITCH)
        {
          g_autofree char *switch_name = g_strconcat (field_infos[i].key, "_switch", NULL);

          gtk_widget_class_bind_template_child_full (widget_class, switch_name, FALSE, 0);
        }
    }
}

/* The mode and the window's size are remembered when the schema is
 * installed (or found through GSETTINGS_SCHEMA_DIR); without it the window
 * works the same and forgets them. */
static void
load_window_state (MessagerieWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *mode = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "fr.eole.Messagerie", TRUE);
  if (schema == NULL)
    return;

  self->state = g_settings_new_full (schema, NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->state, "window-width"),
                               g_settings_get_int (self->state, "window-height"));
  if (g_settings_get_boolean (self->state, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  mode = g_settings_get_string (self->state, "mode");
  g_action_group_change_action_state (G_ACTION_GROUP (self), "mode",
                                      g_variant_new_string (mode));
}

static void
messagerie_window_init (MessagerieWindow *self)
{
  self->mode = MODE_NORMAL;
  self->helper_errors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) messagerie_finding_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  setup_fields (self);
  load_window_state (self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  /* The activity is read when its page is shown, never before. */
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->activity_page, "show-key",
                           G_CALLBACK (on_show_key), self, G_CONNECT_SWAPPED);
}

MessagerieWindow *
messagerie_window_new (MessagerieApplication *application,
                       const char            *root)
{
  MessagerieWindow *self;
  g_autoptr(GError) error = NULL;

  self = g_object_new (MESSAGERIE_TYPE_WINDOW, "application", application, NULL);
  self->root = g_strdup (root);
  messagerie_activity_page_set_root (self->activity_page, root);

  /* The one file read before the first frame. */
  self->on_disk = read_settings (self, &error);
  if (self->on_disk == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot read the settings: %s"), error->message);

      g_warning ("%s", text);
      self->on_disk = messagerie_settings_new ();
      messagerie_window_show_toast (self, text);
    }
  set_working_copy (self, messagerie_settings_copy (self->on_disk));

  return self;
}

void
messagerie_window_show_toast (MessagerieWindow *self,
                              const char       *text)
{
  g_autofree char *markup = NULL;

  g_return_if_fail (MESSAGERIE_IS_WINDOW (self));

  /* The title of a toast is markup, and messages may quote file names. */
  markup = g_markup_escape_text (text, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

GtkWidget *
messagerie_window_get_row (MessagerieWindow *self,
                           const char       *key)
{
  Field *field;

  g_return_val_if_fail (MESSAGERIE_IS_WINDOW (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  field = find_field (self, key);
  return field ? field->row : NULL;
}

gboolean
messagerie_window_keyring_busy (MessagerieWindow *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_WINDOW (self), FALSE);

  return !self->keyring_started || self->keyring_timeout != 0 || self->keyring_lookup != NULL;
}

GtkWidget *
messagerie_window_get_caption (MessagerieWindow *self,
                               const char       *key)
{
  Field *field;

  g_return_val_if_fail (MESSAGERIE_IS_WINDOW (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  field = find_field (self, key);
  return field ? field->message_row : NULL;
}
