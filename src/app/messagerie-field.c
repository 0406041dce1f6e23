/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A field: one row of a page bound to one key of the editor's working copy,
 * and the caption beneath it that shows the key's finding.
 *
 * The row names its key with its widget name (`<property name="name">` in
 * the .ui: a settings key, or "password" for the relay password); its kind
 * follows from its class: a switch row (an AdwActionRow whose activatable
 * widget is a GtkSwitch), an AdwComboRow over the key's choices, an
 * AdwEntryRow, or an AdwPasswordEntryRow. */

#define G_LOG_DOMAIN "messagerie"

#include "messagerie-field.h"

typedef enum {
  FIELD_SWITCH,
  FIELD_COMBO,
  FIELD_ENTRY,
  FIELD_PASSWORD,
} FieldKind;

struct _MessagerieField
{
  GObject           parent_instance;

  MessagerieEditor *editor;       /* unowned: it outlives its fields */
  char             *key;
  FieldKind         kind;
  GtkWidget        *row;
  GtkWidget        *control;      /* the switch of a switch row, else the row */
  GtkWidget        *caption;      /* the row beneath, with the message */
  GtkLabel         *message;
  GtkEventController *focus;      /* an entry's, that says when it is left */
  /* A neutral note shown in the caption when no finding stands. */
  char             *note;
  /* The mode last shown. */
  MessagerieMode    view;
  /* Set while the row is updated from the model, so that its handlers do
   * not write back into it. */
  gboolean          syncing;
};

G_DEFINE_FINAL_TYPE (MessagerieField, messagerie_field, G_TYPE_OBJECT)

static const char *const *
key_choices (const char *key)
{
  const MessagerieKey *info = messagerie_settings_lookup_key (key);

  return info ? info->choices : NULL;
}

/* The row shows the working copy's value. */
static void
sync_row (MessagerieField *self)
{
  MessagerieSettings *settings = messagerie_editor_get_settings (self->editor);
  const char *value;

  self->syncing = TRUE;

  switch (self->kind)
    {
    case FIELD_SWITCH:
      gtk_switch_set_active (GTK_SWITCH (self->control),
                             messagerie_settings_get_boolean (settings, self->key));
      break;

    case FIELD_COMBO:
      {
        const char *const *choices = key_choices (self->key);
        guint selected = GTK_INVALID_LIST_POSITION;

        value = messagerie_settings_get (settings, self->key);
        for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
          if (g_str_equal (choices[i], value))
            selected = i;
        adw_combo_row_set_selected (ADW_COMBO_ROW (self->row), selected);
      }
      break;

    case FIELD_ENTRY:
    case FIELD_PASSWORD:
      if (self->kind == FIELD_ENTRY)
        value = messagerie_settings_get (settings, self->key);
      else if ((value = messagerie_settings_get_password (settings)) == NULL)
        value = messagerie_editor_get_stored_password (self->editor);
      if (value == NULL)
        value = "";
      /* Setting the same text again would move the cursor. */
      if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->row)), value))
        gtk_editable_set_text (GTK_EDITABLE (self->row), value);
      break;

    default:
      g_assert_not_reached ();
    }

  self->syncing = FALSE;
}

static void
on_key_changed (MessagerieEditor *editor,
                const char       *key,
                MessagerieField  *self)
{
  sync_row (self);
}

static void
on_switch_active (GtkSwitch       *widget,
                  GParamSpec      *pspec,
                  MessagerieField *self)
{
  if (self->syncing)
    return;

  messagerie_settings_set (messagerie_editor_get_settings (self->editor), self->key,
                           gtk_switch_get_active (widget) ? "true" : "false");
}

static void
on_combo_selected (AdwComboRow     *row,
                   GParamSpec      *pspec,
                   MessagerieField *self)
{
  const char *const *choices = key_choices (self->key);
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing || choices == NULL || selected >= g_strv_length ((char **) choices))
    return;

  messagerie_settings_set (messagerie_editor_get_settings (self->editor), self->key,
                           choices[selected]);
}

static void
on_entry_changed (GtkEditable     *editable,
                  MessagerieField *self)
{
  const char *text = gtk_editable_get_text (editable);

  if (self->syncing)
    return;

  if (self->kind == FIELD_PASSWORD)
    {
      messagerie_editor_set_password (self->editor, text);
      return;
    }

  messagerie_editor_touch (self->editor, self->key);
  messagerie_settings_set (messagerie_editor_get_settings (self->editor), self->key, text);
}

static void
on_entry_activated (AdwEntryRow     *row,
                    MessagerieField *self)
{
  /* Enter moves on to the next field, as in a form. */
  gtk_widget_child_focus (GTK_WIDGET (gtk_widget_get_root (self->row)), GTK_DIR_TAB_FORWARD);
}

static void
on_entry_leave (GtkEventControllerFocus *controller,
                MessagerieField         *self)
{
  /* Left once, an empty field shows what it lacks. */
  messagerie_editor_touch (self->editor, self->key);
}

static void
set_css_class (GtkWidget  *widget,
               const char *name,
               gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

/* The message goes in a row of its own beneath the field, the same way for
 * every kind of row: AdwEntryRow has no place for it. */
static void
add_caption (MessagerieField *self)
{
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *list_box = gtk_widget_get_parent (self->row);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_add_css_class (label, "caption");
  self->message = GTK_LABEL (label);

  self->caption = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->caption), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self->caption), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->caption), label);
  gtk_widget_set_visible (self->caption, FALSE);

  gtk_list_box_insert (GTK_LIST_BOX (list_box), self->caption,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->row)) + 1);
}

static void
connect_row (MessagerieField *self)
{
  GtkEventController *focus;

  switch (self->kind)
    {
    case FIELD_SWITCH:
      g_signal_connect (self->control, "notify::active", G_CALLBACK (on_switch_active), self);
      break;

    case FIELD_COMBO:
      g_signal_connect (self->row, "notify::selected", G_CALLBACK (on_combo_selected), self);
      break;

    case FIELD_ENTRY:
    case FIELD_PASSWORD:
      g_signal_connect (self->row, "changed", G_CALLBACK (on_entry_changed), self);
      g_signal_connect (self->row, "entry-activated", G_CALLBACK (on_entry_activated), self);
      focus = gtk_event_controller_focus_new ();
      g_signal_connect (focus, "leave", G_CALLBACK (on_entry_leave), self);
      gtk_widget_add_controller (self->row, focus);
      self->focus = focus;
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
messagerie_field_dispose (GObject *object)
{
  MessagerieField *self = MESSAGERIE_FIELD (object);

  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  self->editor = NULL;
  /* The row may outlive its field for a while (a focus leaving it as the
   * window goes): it no longer reaches it. */
  if (self->row != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->row, self);
      if (self->focus != NULL)
        gtk_widget_remove_controller (self->row, self->focus);
    }
  if (self->control != NULL && self->control != self->row)
    g_signal_handlers_disconnect_by_data (self->control, self);
  self->focus = NULL;
  self->row = self->control = NULL;

  G_OBJECT_CLASS (messagerie_field_parent_class)->dispose (object);
}

static void
messagerie_field_finalize (GObject *object)
{
  MessagerieField *self = MESSAGERIE_FIELD (object);

  g_free (self->key);
  g_free (self->note);

  G_OBJECT_CLASS (messagerie_field_parent_class)->finalize (object);
}

static void
messagerie_field_class_init (MessagerieFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = messagerie_field_dispose;
  object_class->finalize = messagerie_field_finalize;
}

static void
messagerie_field_init (MessagerieField *self)
{
  self->view = MESSAGERIE_MODE_NORMAL;
}

/* The field of @row, which names its key; NULL for a row that names none. */
MessagerieField *
messagerie_field_new (MessagerieEditor *editor,
                      GtkWidget        *row)
{
  MessagerieField *self;
  const char *key = gtk_widget_get_name (row);
  g_autofree char *detailed = NULL;

  g_return_val_if_fail (MESSAGERIE_IS_EDITOR (editor), NULL);
  g_return_val_if_fail (ADW_IS_PREFERENCES_ROW (row), NULL);

  if (!g_str_equal (key, "password") && messagerie_settings_lookup_key (key) == NULL)
    return NULL;

  self = g_object_new (MESSAGERIE_TYPE_FIELD, NULL);
  self->editor = editor;
  self->key = g_strdup (key);
  self->row = row;
  self->control = row;

  if (ADW_IS_PASSWORD_ENTRY_ROW (row))
    self->kind = FIELD_PASSWORD;
  else if (ADW_IS_ENTRY_ROW (row))
    self->kind = FIELD_ENTRY;
  else if (ADW_IS_COMBO_ROW (row))
    self->kind = FIELD_COMBO;
  else if (ADW_IS_ACTION_ROW (row)
           && GTK_IS_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row))))
    {
      self->kind = FIELD_SWITCH;
      self->control = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));
    }
  else
    g_error ("The row of key %s is of no kind a field can bind", key);

  connect_row (self);
  add_caption (self);
  messagerie_editor_add_field_key (editor, key);

  detailed = g_strconcat ("key-changed::", key, NULL);
  g_signal_connect (editor, detailed, G_CALLBACK (on_key_changed), self);
  g_signal_connect (editor, "key-changed::*", G_CALLBACK (on_key_changed), self);
  sync_row (self);

  return self;
}

const char *
messagerie_field_get_key (MessagerieField *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_FIELD (self), NULL);

  return self->key;
}

GtkWidget *
messagerie_field_get_row (MessagerieField *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_FIELD (self), NULL);

  return self->row;
}

GtkWidget *
messagerie_field_get_caption (MessagerieField *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_FIELD (self), NULL);

  return self->caption;
}

/* A neutral line shown beneath the row while no finding stands; NULL for
 * none. */
void
messagerie_field_set_note (MessagerieField *self,
                           const char      *note)
{
  g_return_if_fail (MESSAGERIE_IS_FIELD (self));

  g_free (self->note);
  self->note = g_strdup (note);
  messagerie_field_update (self, self->view);
}

/* The row and its caption show the key's finding in @view. */
void
messagerie_field_update (MessagerieField *self,
                         MessagerieMode   view)
{
  const MessagerieFinding *finding;
  gboolean error, warning, visible;

  g_return_if_fail (MESSAGERIE_IS_FIELD (self));

  self->view = view;
  finding = messagerie_editor_get_finding (self->editor, self->key);
  error = finding && finding->severity == MESSAGERIE_SEVERITY_ERROR;
  warning = finding && finding->severity == MESSAGERIE_SEVERITY_WARNING;
  /* The rules judge only the values in use, and always the switches and
   * choices. A row hidden by the mode or by another choice still shows when
   * it holds a problem: otherwise an error nobody can see would keep Apply
   * insensitive. */
  visible = finding != NULL ||
            (messagerie_settings_in_use (messagerie_editor_get_settings (self->editor), self->key)
             && view >= messagerie_settings_key_mode (self->key));

  gtk_widget_set_visible (self->row, visible);
  gtk_widget_set_visible (self->caption, visible && (finding != NULL || self->note != NULL));
  gtk_label_set_text (self->message, finding ? finding->message : self->note ? self->note : "");

  set_css_class (self->row, "error", error);
  set_css_class (self->row, "warning", warning);
  gtk_widget_set_css_classes (self->caption, (const char *[]) {
                                "messagerie-message",
                                error ? "error" : warning ? "warning" : "dim-label",
                                NULL });

  if (error)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->row),
                                 GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                 -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_STATE_INVALID);

  if (finding != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, finding->message,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->row),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* A combo row's choice set as if the user had picked it. */
void
messagerie_field_select (MessagerieField *self,
                         const char      *choice)
{
  const char *const *choices;

  g_return_if_fail (MESSAGERIE_IS_FIELD (self));
  g_return_if_fail (self->kind == FIELD_COMBO);

  choices = key_choices (self->key);
  for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->row), i);
}
