/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A text field's row: its title above a plain entry (a GtkPasswordEntry
 * with its reveal button for a password), the whole row a GtkEditable
 * over that entry.
 *
 * It stands for libadwaita 1.2's AdwEntryRow, whose title cannot wrap (at
 * 360 px every title of « Envoi » was cut) and whose text reports no focus
 * to AT-SPI (a screen reader stayed silent in it). The title here wraps at
 * any width; the entry is a GtkEntry, which GTK 4.8 reports focused, named
 * by the title (its accessible label) and described by what the field says
 * beneath it (messagerie-field.c). */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-entry-row.h"

struct _MessagerieEntryRow
{
  AdwPreferencesRow parent_instance;

  GtkWidget *box;
  GtkLabel  *title;
  GtkWidget *entry;       /* a GtkEntry, or a GtkPasswordEntry */
  gboolean   password;
  GtkInputPurpose input_purpose;
};

enum {
  PROP_0,
  PROP_PASSWORD,
  PROP_INPUT_PURPOSE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ENTRY_ACTIVATED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static GtkEditable *
messagerie_entry_row_get_delegate (GtkEditable *editable)
{
  MessagerieEntryRow *self = MESSAGERIE_ENTRY_ROW (editable);

  return GTK_EDITABLE (self->entry);
}

static void
messagerie_entry_row_editable_init (GtkEditableInterface *iface)
{
  iface->get_delegate = messagerie_entry_row_get_delegate;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (MessagerieEntryRow, messagerie_entry_row,
                               ADW_TYPE_PREFERENCES_ROW,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE,
                                                      messagerie_entry_row_editable_init))

/* The entry is named by the title, as a label names its field. */
static void
on_title (MessagerieEntryRow *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));

  gtk_label_set_text (self->title, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
}

static void
on_activate (MessagerieEntryRow *self)
{
  g_signal_emit (self, signals[SIGNAL_ENTRY_ACTIVATED], 0);
}

static gboolean
messagerie_entry_row_grab_focus (GtkWidget *widget)
{
  MessagerieEntryRow *self = MESSAGERIE_ENTRY_ROW (widget);

  return gtk_widget_grab_focus (self->entry);
}

/* A click on the title puts the cursor in the entry. */
static void
on_title_pressed (GtkGestureClick    *gesture,
                  int                 n_press,
                  double              x,
                  double              y,
                  MessagerieEntryRow *self)
{
  gtk_widget_grab_focus (self->entry);
}

static void
on_reveal_toggled (GtkToggleButton    *button,
                   MessagerieEntryRow *self)
{
  gboolean shown = gtk_toggle_button_get_active (button);
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (self->entry));

  gtk_text_set_visibility (GTK_TEXT (text), shown);
  gtk_button_set_icon_name (GTK_BUTTON (button),
                            shown ? "view-conceal-symbolic" : "view-reveal-symbolic");
}

static void
make_entry (MessagerieEntryRow *self)
{
  if (self->password)
    {
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *reveal = gtk_toggle_button_new ();

      /* The password shown by a button of its own, a Tab stop with a name,
       * rather than GtkPasswordEntry's icon, which the keyboard cannot
       * reach. */
      self->entry = gtk_password_entry_new ();
      gtk_widget_set_hexpand (self->entry, TRUE);
      gtk_box_append (GTK_BOX (line), self->entry);
      gtk_button_set_icon_name (GTK_BUTTON (reveal), "view-reveal-symbolic");
      gtk_widget_set_valign (reveal, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (reveal, "flat");
      gtk_widget_set_tooltip_text (reveal, _("Show the password"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (reveal),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show the password"),
                                      -1);
      g_signal_connect (reveal, "toggled", G_CALLBACK (on_reveal_toggled), self);
      gtk_box_append (GTK_BOX (line), reveal);
      gtk_box_append (GTK_BOX (self->box), line);
    }
  else
    {
      self->entry = gtk_entry_new ();
      gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), self->input_purpose);
      gtk_widget_set_hexpand (self->entry, TRUE);
      gtk_box_append (GTK_BOX (self->box), self->entry);
    }
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_activate), self);
  gtk_editable_init_delegate (GTK_EDITABLE (self));
  on_title (self);
}

static void
messagerie_entry_row_constructed (GObject *object)
{
  MessagerieEntryRow *self = MESSAGERIE_ENTRY_ROW (object);

  G_OBJECT_CLASS (messagerie_entry_row_parent_class)->constructed (object);

  make_entry (self);
  g_signal_connect (self, "notify::title", G_CALLBACK (on_title), NULL);
}

static void
messagerie_entry_row_dispose (GObject *object)
{
  MessagerieEntryRow *self = MESSAGERIE_ENTRY_ROW (object);

  if (self->entry != NULL)
    gtk_editable_finish_delegate (GTK_EDITABLE (self));
  self->entry = NULL;
  self->box = NULL;
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), NULL);

  G_OBJECT_CLASS (messagerie_entry_row_parent_class)->dispose (object);
}

static void
messagerie_entry_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MessagerieEntryRow *self = MESSAGERIE_ENTRY_ROW (object);

  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
    case PROP_PASSWORD:
      g_value_set_boolean (value, self->password);
      break;

    case PROP_INPUT_PURPOSE:
      g_value_set_enum (value, self->input_purpose);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
messagerie_entry_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  MessagerieEntryRow *self = MESSAGERIE_ENTRY_ROW (object);

  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;

  switch (prop_id)
    {
    case PROP_PASSWORD:
      self->password = g_value_get_boolean (value);
      break;

    case PROP_INPUT_PURPOSE:
      self->input_purpose = g_value_get_enum (value);
      if (self->entry != NULL && GTK_IS_ENTRY (self->entry))
        gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), self->input_purpose);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
messagerie_entry_row_class_init (MessagerieEntryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = messagerie_entry_row_constructed;
  object_class->dispose = messagerie_entry_row_dispose;
  object_class->get_property = messagerie_entry_row_get_property;
  object_class->set_property = messagerie_entry_row_set_property;
  widget_class->grab_focus = messagerie_entry_row_grab_focus;

  properties[PROP_PASSWORD] =
    g_param_spec_boolean ("password", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INPUT_PURPOSE] =
    g_param_spec_enum ("input-purpose", NULL, NULL,
                       GTK_TYPE_INPUT_PURPOSE, GTK_INPUT_PURPOSE_FREE_FORM,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_editable_install_properties (object_class, N_PROPS);

  /* Enter in the entry, as AdwEntryRow's. */
  signals[SIGNAL_ENTRY_ACTIVATED] =
    g_signal_new ("entry-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
messagerie_entry_row_init (MessagerieEntryRow *self)
{
  GtkWidget *title = gtk_label_new (NULL);
  GtkGesture *click = gtk_gesture_click_new ();

  self->input_purpose = GTK_INPUT_PURPOSE_FREE_FORM;

  /* The row itself is no Tab stop: the entry is. */
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "messagerie-entry-row");

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 8);
  gtk_widget_set_margin_bottom (self->box, 10);

  /* Every word of the title shown, on as many lines as the width needs. */
  self->title = GTK_LABEL (title);
  gtk_label_set_wrap (self->title, TRUE);
  gtk_label_set_wrap_mode (self->title, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->title, 0.0);
  gtk_widget_add_css_class (title, "title");
  /* The entry carries the name: the title is not read a second time. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  g_signal_connect (click, "pressed", G_CALLBACK (on_title_pressed), self);
  gtk_widget_add_controller (title, GTK_EVENT_CONTROLLER (click));
  gtk_box_append (GTK_BOX (self->box), title);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), self->box);
}

GtkWidget *
messagerie_entry_row_new (void)
{
  return g_object_new (MESSAGERIE_TYPE_ENTRY_ROW, NULL);
}

/* The entry itself: the Tab stop, what AT-SPI reports focused. */
GtkWidget *
messagerie_entry_row_get_entry (MessagerieEntryRow *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_ENTRY_ROW (self), NULL);

  return self->entry;
}

gboolean
messagerie_entry_row_get_password (MessagerieEntryRow *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_ENTRY_ROW (self), FALSE);

  return self->password;
}
