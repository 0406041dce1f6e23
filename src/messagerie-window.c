/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-core.h"
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
} Field;

struct _MessagerieWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwViewStack       *stack;
  AdwToastOverlay    *toast_overlay;
  AdwPreferencesPage *services_page;

  /* The question asked when closing with unapplied changes, while shown. */
  GtkWidget          *close_dialog;
  /* Set once the user chose to discard them: the next close goes through. */
  gboolean            close_confirmed;

  /* Owned */
  MessagerieSettings *settings;   /* the working copy the rows edit */
  MessagerieSettings *on_disk;    /* as loaded or last saved */
  GPtrArray          *findings;
  char               *save_path;  /* NULL: applying is not available */

  Field               fields[N_FIELDS];
  Mode                mode;
  /* Set while the rows are updated from the model, so that their
   * handlers do not write back into it. */
  gboolean            syncing;
};

G_DEFINE_FINAL_TYPE (MessagerieWindow, messagerie_window, ADW_TYPE_APPLICATION_WINDOW)

static void refresh (MessagerieWindow *self);

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
      else
        value = messagerie_settings_get_password (self->settings);
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
      || g_str_equal (key, "relay_custom_implicit_tls"))
    return self->mode == MODE_EXPERT;

  return TRUE;
}

static MessagerieFinding *
finding_for_key (MessagerieWindow *self,
                 const char       *key)
{
  MessagerieFinding *found = NULL;

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

static void
update_field (MessagerieWindow *self,
              Field            *field)
{
  const char *key = field->info->key;
  MessagerieFinding *finding = finding_for_key (self, key);
  gboolean error;
  gboolean warning;
  gboolean visible;

  /* An empty field nobody touched stays neutral; Apply still counts it. */
  if (field->info->kind == FIELD_ENTRY && !field->touched
      && *gtk_editable_get_text (GTK_EDITABLE (field->row)) == '\0')
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
  gtk_widget_set_visible (field->message_row, visible && finding != NULL);
  gtk_label_set_text (field->message, finding ? finding->message : "");

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
                                error ? "error" : warning ? "warning" : NULL,
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

static void
refresh (MessagerieWindow *self)
{
  gboolean changed;
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
  set_action_enabled (self, "apply",
                      changed && !messagerie_findings_have_error (self->findings));
  set_action_enabled (self, "revert", changed);
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
       * entry means that no new password was given. */
      messagerie_settings_set_password (self->settings, *text ? text : NULL);
      refresh (self);
      return;
    }

  messagerie_settings_set (self->settings, field->info->key, text);
}

static void
apply_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  g_autoptr(GError) error = NULL;

  if (self->save_path == NULL)
    {
      messagerie_window_show_toast (self, _("Applying the changes is not available yet."));
      return;
    }

  messagerie_settings_normalize (self->settings);
  if (!messagerie_settings_save_file (self->settings, self->save_path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot save the settings: %s"), error->message);

      messagerie_window_show_toast (self, text);
      return;
    }

  g_object_unref (self->on_disk);
  self->on_disk = messagerie_settings_copy (self->settings);
  refresh (self);
  messagerie_window_show_toast (self, _("The settings have been saved."));
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

  return self->save_path != NULL && g_action_get_enabled (action);
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
      g_action_group_activate_action (G_ACTION_GROUP (self), "apply", NULL);
      /* Closes only when the changes were saved. */
      if (!has_unapplied_changes (self))
        gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
messagerie_window_close_request (GtkWindow *window)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (window);
  GtkWidget *dialog;

  if (self->close_confirmed || !has_unapplied_changes (self))
    return GTK_WINDOW_CLASS (messagerie_window_parent_class)->close_request (window);

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

static const GActionEntry win_actions[] = {
  { "apply", apply_activated, NULL, NULL, NULL, { 0 } },
  { "revert", revert_activated, NULL, NULL, NULL, { 0 } },
  { "mode", NULL, "s", "'normal'", mode_change_state, { 0 } },
};

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
          g_signal_connect (field->row, "changed", G_CALLBACK (on_entry_changed), field);
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

  G_OBJECT_CLASS (messagerie_window_parent_class)->dispose (object);
}

static void
messagerie_window_finalize (GObject *object)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (object);

  g_free (self->save_path);

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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, services_page);

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

static void
messagerie_window_init (MessagerieWindow *self)
{
  self->mode = MODE_NORMAL;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  setup_fields (self);
}

MessagerieWindow *
messagerie_window_new (MessagerieApplication *application,
                       MessagerieSettings    *settings,
                       const char            *save_path)
{
  MessagerieWindow *self;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (settings), NULL);

  self = g_object_new (MESSAGERIE_TYPE_WINDOW, "application", application, NULL);
  self->save_path = g_strdup (save_path);
  self->on_disk = messagerie_settings_copy (settings);
  set_working_copy (self, messagerie_settings_copy (settings));

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
