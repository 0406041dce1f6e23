/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A field: one row of a page bound to one key of the editor's working copy,
 * and the caption beneath it that shows the key's finding.
 *
 * The row names its key with its widget name (`<property name="name">` in
 * the .ui: a settings key, or "password" for the relay password); its kind
 * follows from its class: a switch row (an AdwActionRow whose activatable
 * widget is a GtkSwitch), an AdwComboRow over the key's choices, or a
 * MessagerieEntryRow (a password's when its property "password" is set).
 *
 * What a screen reader hears: each row is one Tab stop (the switch of a
 * switch row, the entry of an entry row, the combo row), named by the
 * row's title; the caption is no Tab stop but that control's description,
 * and an error sets its invalid state. A warning appears only once the
 * typing pauses (W3 would flicker in mid-word); an error shows and goes at
 * once. */

#define G_LOG_DOMAIN "messagerie"

#include "messagerie-entry-row.h"
#include "messagerie-field.h"

/* How long the typing pauses before a new warning shows. */
#define WARNING_DELAY_MS 500

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
  GtkWidget        *focus_target; /* the Tab stop: the switch, the entry, the combo row */
  GtkWidget        *caption;      /* the row beneath, with the message */
  GtkImage         *icon;         /* an error's or a warning's, beside the message */
  GtkLabel         *message;
  /* The warning shown, while the caption shows it; the wait before a new
   * one shows while the field is typed in. */
  char             *shown_warning;
  guint             warning_delay;
  gboolean          release_warning;
  GtkEventController *focus;      /* an entry's, that says when it is left */
  GtkWidget        *choices;      /* a combo row's popover, and its list */
  GtkWidget        *choice_list;
  guint             choices_tick;
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
  /* Left, the field shows its warning at once; left once, an empty field
   * shows what it lacks. */
  g_clear_handle_id (&self->warning_delay, g_source_remove);
  self->release_warning = TRUE;
  messagerie_editor_touch (self->editor, self->key);
  messagerie_field_update (self, self->view);
  self->release_warning = FALSE;
}

static gboolean
on_warning_delay (gpointer user_data)
{
  MessagerieField *self = user_data;

  self->warning_delay = 0;
  self->release_warning = TRUE;
  messagerie_field_update (self, self->view);
  self->release_warning = FALSE;

  return G_SOURCE_REMOVE;
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
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *list_box = gtk_widget_get_parent (self->row);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  /* Not by its colour alone: an icon says an error or a warning. */
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_visible (icon, FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  self->icon = GTK_IMAGE (icon);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption");
  self->message = GTK_LABEL (label);
  gtk_box_append (GTK_BOX (box), label);

  self->caption = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->caption), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self->caption), FALSE);
  /* The caption is the field's description, not a Tab stop of its own. */
  gtk_widget_set_focusable (self->caption, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->caption), box);
  gtk_widget_set_visible (self->caption, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->focus_target),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, label, NULL,
                                  -1);

  gtk_list_box_insert (GTK_LIST_BOX (list_box), self->caption,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->row)) + 1);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_descendant (child, type)) != NULL)
        return found;
    }

  return NULL;
}

/* Once the list of a combo row shows its items: each named by its words
 * (AdwComboRow 1.2 leaves them without a name), the current one focused,
 * so that the list opens on it. */
static gboolean
on_choices_tick (GtkWidget     *list,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  MessagerieField *self = user_data;
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->row));
  gboolean any = FALSE;
  guint i = 0;

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *label = find_descendant (item, GTK_TYPE_LABEL);

      if (label == NULL)
        continue;
      any = TRUE;
      gtk_accessible_update_property (GTK_ACCESSIBLE (item),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      gtk_label_get_text (GTK_LABEL (label)),
                                      -1);
      if (i++ == selected)
        gtk_widget_grab_focus (item);
    }
  if (!any)
    return G_SOURCE_CONTINUE;

  self->choices_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
on_choices_map (GtkWidget       *popover,
                MessagerieField *self)
{
  if (self->choices_tick == 0)
    self->choices_tick = gtk_widget_add_tick_callback (self->choice_list, on_choices_tick,
                                                       self, NULL);
}

static void
messagerie_field_name_choices (MessagerieField *self)
{
  self->choices = find_descendant (self->row, GTK_TYPE_POPOVER);
  if (self->choices != NULL)
    self->choice_list = find_descendant (self->choices, GTK_TYPE_LIST_VIEW);
  if (self->choice_list == NULL)
    {
      g_warning ("The combo row of %s has no list of choices", self->key);
      self->choices = NULL;
      return;
    }
  g_signal_connect (self->choices, "map", G_CALLBACK (on_choices_map), self);
}

static void
connect_row (MessagerieField *self)
{
  GtkEventController *focus;

  switch (self->kind)
    {
    case FIELD_SWITCH:
      g_signal_connect (self->control, "notify::active", G_CALLBACK (on_switch_active), self);
      /* One Tab stop, the switch, named by the row's title: the row
       * itself still toggles it when clicked. */
      gtk_widget_set_focusable (self->row, FALSE);
      self->focus_target = self->control;
      break;

    case FIELD_COMBO:
      g_signal_connect (self->row, "notify::selected", G_CALLBACK (on_combo_selected), self);
      self->focus_target = self->row;
      messagerie_field_name_choices (self);
      break;

    case FIELD_ENTRY:
    case FIELD_PASSWORD:
      g_signal_connect (self->row, "changed", G_CALLBACK (on_entry_changed), self);
      self->focus_target = messagerie_entry_row_get_entry (MESSAGERIE_ENTRY_ROW (self->row));
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
  g_clear_handle_id (&self->warning_delay, g_source_remove);
  if (self->choices_tick != 0)
    gtk_widget_remove_tick_callback (self->choice_list, self->choices_tick);
  self->choices_tick = 0;
  if (self->choices != NULL)
    g_signal_handlers_disconnect_by_data (self->choices, self);
  self->choices = self->choice_list = NULL;
  self->focus = NULL;
  self->row = self->control = self->focus_target = NULL;

  G_OBJECT_CLASS (messagerie_field_parent_class)->dispose (object);
}

static void
messagerie_field_finalize (GObject *object)
{
  MessagerieField *self = MESSAGERIE_FIELD (object);

  g_free (self->key);
  g_free (self->note);
  g_free (self->shown_warning);

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

  if (MESSAGERIE_IS_ENTRY_ROW (row))
    self->kind = messagerie_entry_row_get_password (MESSAGERIE_ENTRY_ROW (row)) ? FIELD_PASSWORD
                                                                                : FIELD_ENTRY;
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

/* Whether @finding, a warning, waits for the typing to pause: a warning
 * appearing while the field is typed in. */
static gboolean
warning_waits (MessagerieField         *self,
               const MessagerieFinding *finding)
{
  gboolean typing = self->focus != NULL && !self->release_warning
    && gtk_event_controller_focus_contains_focus (GTK_EVENT_CONTROLLER_FOCUS (self->focus));

  /* A warning already shown follows the text at once (its words may
   * change with it): only its appearance waits. */
  if (!typing || self->shown_warning != NULL)
    {
      g_clear_handle_id (&self->warning_delay, g_source_remove);
      return FALSE;
    }

  /* Each key typed puts it off again. */
  g_clear_handle_id (&self->warning_delay, g_source_remove);
  self->warning_delay = g_timeout_add (WARNING_DELAY_MS, on_warning_delay, self);
  return TRUE;
}

/* The row and its caption show the key's finding in @view. */
void
messagerie_field_update (MessagerieField *self,
                         MessagerieMode   view)
{
  const MessagerieFinding *finding;
  gboolean error, warning, visible, in_view;
  const char *text;

  g_return_if_fail (MESSAGERIE_IS_FIELD (self));

  self->view = view;
  finding = messagerie_editor_get_finding (self->editor, self->key);
  error = finding && finding->severity == MESSAGERIE_SEVERITY_ERROR;
  warning = finding && finding->severity == MESSAGERIE_SEVERITY_WARNING;
  /* The rules judge only the values in use, and always the switches and
   * choices. A row hidden by the mode or by another choice still shows when
   * it holds a problem: otherwise an error nobody can see would keep Apply
   * insensitive. */
  in_view = messagerie_settings_in_use (messagerie_editor_get_settings (self->editor), self->key)
            && view >= messagerie_settings_key_mode (self->key);
  visible = finding != NULL || in_view;
  if (warning && warning_waits (self, finding))
    {
      /* Until then, the row shows as if nothing were found. */
      visible = in_view || self->shown_warning != NULL;
      finding = NULL;
      warning = FALSE;
    }
  else if (!warning)
    g_clear_handle_id (&self->warning_delay, g_source_remove);
  g_free (self->shown_warning);
  self->shown_warning = warning ? g_strdup (finding->message) : NULL;
  text = finding ? finding->message : self->note;

  gtk_widget_set_visible (self->row, visible);
  gtk_widget_set_visible (self->caption, visible && text != NULL);
  gtk_label_set_text (self->message, text ? text : "");
  gtk_image_set_from_icon_name (self->icon, error ? "dialog-error-symbolic"
                                            : warning ? "dialog-warning-symbolic" : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), error || warning);

  set_css_class (self->row, "error", error);
  set_css_class (self->row, "warning", warning);
  gtk_widget_set_css_classes (self->caption, (const char *[]) {
                                "messagerie-message",
                                error ? "error" : warning ? "warning" : "dim-label",
                                NULL });

  if (error)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->focus_target),
                                 GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                 -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self->focus_target),
                                GTK_ACCESSIBLE_STATE_INVALID);

  /* The caption, as a screen reader reads it with the control. */
  if (text != NULL && gtk_widget_get_visible (self->caption))
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->focus_target),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->focus_target),
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
