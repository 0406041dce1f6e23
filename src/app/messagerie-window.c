/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The window: the header bar, the pages and their fields, the modes, the
 * actions and what enables them, the toasts, the question asked on closing,
 * and the window's remembered size. The runs of the helper are in
 * messagerie-window-actions.c; what is edited is the editor's
 * (messagerie-editor.c). */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-a11y.h"
#include "messagerie-core.h"
#include "messagerie-dialogs.h"
#include "messagerie-entry-row.h"
#include "messagerie-window-private.h"

G_DEFINE_FINAL_TYPE (MessagerieWindow, messagerie_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_action_enabled (MessagerieWindow *self,
                    const char       *name,
                    gboolean          enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* The actions follow the editor and the checks running. */
static void
update_actions (MessagerieWindow *self)
{
  MessagerieSettings *settings = messagerie_editor_get_settings (self->editor);
  gboolean relay = messagerie_settings_get_boolean (settings, "relay_enabled");
  gboolean changed = messagerie_editor_get_has_changes (self->editor);
  gboolean busy = messagerie_editor_get_busy (self->editor);

  set_action_enabled (self, "apply", messagerie_editor_get_can_apply (self->editor));
  set_action_enabled (self, "review", messagerie_editor_get_can_apply (self->editor));
  set_action_enabled (self, "revert", changed && !busy);
  set_action_enabled (self, "undo-revert", self->discarded != NULL && !busy);
  set_action_enabled (self, "restore", !busy);
  set_action_enabled (self, "probe", relay);
  set_action_enabled (self, "detect",
                      relay && !messagerie_relay_page_get_detecting (self->relay_page));
  /* The test message goes through what is applied, not through the form. */
  set_action_enabled (self, "test-mail", !changed && !busy);
}

/* The field of the first error shown, in the order of the pages; NULL for
 * none. */
static MessagerieField *
first_error (MessagerieWindow *self,
             GtkWidget        *page)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      MessagerieField *field = g_ptr_array_index (self->fields, i);
      const MessagerieFinding *finding =
        messagerie_editor_get_finding (self->editor, messagerie_field_get_key (field));

      if (finding != NULL && finding->severity == MESSAGERIE_SEVERITY_ERROR
          && (page == NULL || gtk_widget_is_ancestor (messagerie_field_get_row (field), page)))
        return field;
    }

  return NULL;
}

/* A page holding an error says so on the view switcher: a greyed Apply is
 * never a riddle. */
static void
update_attention (MessagerieWindow *self)
{
  GtkWidget *pages[] = {
    GTK_WIDGET (self->services_page), GTK_WIDGET (self->sending_page),
    GTK_WIDGET (self->relay_page),
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    adw_view_stack_page_set_needs_attention (adw_view_stack_get_page (self->stack, pages[i]),
                                             first_error (self, pages[i]) != NULL);
}

/* Every field shows its finding in the window's mode. */
static void
update_fields (MessagerieWindow *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    messagerie_field_update (g_ptr_array_index (self->fields, i), self->view);
}

/* Only the fields whose finding changed are touched on a keystroke: a
 * field updated restyles its row and caption. */
static void
on_finding_changed (MessagerieWindow *self,
                    const char       *key)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      MessagerieField *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (messagerie_field_get_key (field), key))
        messagerie_field_update (field, self->view);
    }
}

/* The field being typed in is updated on each change even when its
 * finding stays: a warning waiting to appear waits again for the typing to
 * pause (messagerie-field.c). */
static void
update_focused_field (MessagerieWindow *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  if (focus == NULL)
    return;
  for (guint i = 0; i < self->fields->len; i++)
    {
      MessagerieField *field = g_ptr_array_index (self->fields, i);
      GtkWidget *row = messagerie_field_get_row (field);

      if (focus == row || gtk_widget_is_ancestor (focus, row))
        messagerie_field_update (field, self->view);
    }
}

/* The findings again: the pages that depend on the values, the pages'
 * attention, the actions (the fields follow "finding-changed"). */
static void
on_refreshed (MessagerieWindow *self)
{
  MessagerieSettings *settings = messagerie_editor_get_settings (self->editor);
  AdwViewStackPage *page;

  page = adw_view_stack_get_page (self->stack, GTK_WIDGET (self->services_page));
  adw_view_stack_page_set_visible (page, messagerie_settings_has_mail_server (settings));
  /* A hidden page stays the visible child unless another one is chosen. */
  if (!adw_view_stack_page_get_visible (page)
      && adw_view_stack_get_visible_child (self->stack) == GTK_WIDGET (self->services_page))
    adw_view_stack_set_visible_child_name (self->stack, "sending");

  messagerie_sending_page_update (self->sending_page, settings);
  update_focused_field (self);
  update_attention (self);
  update_actions (self);
}

static void
apply_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  messagerie_window_apply (MESSAGERIE_WINDOW (user_data));
}

static void
forget_discarded (MessagerieWindow *self)
{
  g_clear_object (&self->discarded);
  if (self->discarded_toast != NULL)
    adw_toast_dismiss (self->discarded_toast);
  g_clear_object (&self->discarded_toast);
}

static void
on_discarded_toast_dismissed (AdwToast         *toast,
                              MessagerieWindow *self)
{
  if (toast != self->discarded_toast)
    return;
  g_clear_object (&self->discarded_toast);
  g_clear_object (&self->discarded);
}

/* Every change not applied is discarded at once, on every page; the toast
 * brings them back. */
static void
review_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  messagerie_window_review (MESSAGERIE_WINDOW (user_data));
}

static void
revert_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  AdwToast *toast;

  forget_discarded (self);
  self->discarded = messagerie_settings_copy (messagerie_editor_get_settings (self->editor));
  messagerie_editor_revert (self->editor);

  toast = adw_toast_new (_("Changes discarded"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-revert");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_discarded_toast_dismissed), self, 0);
  self->discarded_toast = g_object_ref (toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  update_actions (self);
}

static void
undo_revert_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  MessagerieSettings *discarded = g_steal_pointer (&self->discarded);

  if (discarded == NULL)
    return;
  g_clear_object (&self->discarded_toast);
  messagerie_editor_set_working_copy (self->editor, discarded);
}

/* Alt+N: the Nth page shown. */
static void
page_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (user_data);
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->stack);
  int wanted = g_variant_get_int32 (parameter);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));
  int shown = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (adw_view_stack_page_get_visible (page) && ++shown == wanted)
        {
          adw_view_stack_set_visible_child (self->stack, adw_view_stack_page_get_child (page));
          return;
        }
    }
}

static void
restore_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  messagerie_window_restore (MESSAGERIE_WINDOW (user_data));
}

static void
probe_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  messagerie_relay_page_probe (MESSAGERIE_WINDOW (user_data)->relay_page);
}

static void
detect_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  messagerie_relay_page_detect (MESSAGERIE_WINDOW (user_data)->relay_page);
}

static void
test_mail_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  messagerie_window_test_mail (MESSAGERIE_WINDOW (user_data));
}

static void
set_view (MessagerieWindow *self,
          MessagerieMode    view)
{
  self->view = view;
  if (self->editor != NULL)
    {
      update_fields (self);
      on_refreshed (self);
    }
}

/* The mode as GSettings keeps it (the schema's enum has the values of
 * MessagerieMode). */
static void
on_mode_setting (MessagerieWindow *self)
{
  set_view (self, (MessagerieMode) g_settings_get_enum (self->state, "mode"));
}

/* Without the schema: the mode, forgotten at the end. */
static void
mode_change_state (GSimpleAction *action,
                   GVariant      *state,
                   gpointer       user_data)
{
  static const char *const names[] = { "basic", "normal", "expert" };
  const char *name = g_variant_get_string (state, NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names) && !g_str_equal (name, names[i]); i++)
    ;
  if (i == G_N_ELEMENTS (names))
    return;

  g_simple_action_set_state (action, state);
  set_view (MESSAGERIE_WINDOW (user_data), (MessagerieMode) i);
}

static const GActionEntry win_actions[] = {
  { "apply", apply_activated, NULL, NULL, NULL, { 0 } },
  { "review", review_activated, NULL, NULL, NULL, { 0 } },
  { "revert", revert_activated, NULL, NULL, NULL, { 0 } },
  { "restore", restore_activated, NULL, NULL, NULL, { 0 } },
  { "probe", probe_activated, NULL, NULL, NULL, { 0 } },
  { "detect", detect_activated, NULL, NULL, NULL, { 0 } },
  { "test-mail", test_mail_activated, NULL, NULL, NULL, { 0 } },
  { "undo-revert", undo_revert_activated, NULL, NULL, NULL, { 0 } },
  { "page", page_activated, "i", NULL, NULL, { 0 } },
};

static const GActionEntry mode_action[] = {
  { "mode", NULL, "s", "'normal'", mode_change_state, { 0 } },
};

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
      messagerie_window_apply (self);
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

  if (self->close_confirmed || self->editor == NULL
      || !messagerie_editor_get_has_changes (self->editor))
    {
      save_window_state (self);
      return GTK_WINDOW_CLASS (messagerie_window_parent_class)->close_request (window);
    }

  if (self->close_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      return TRUE;
    }

  dialog = messagerie_close_dialog_new (window, messagerie_editor_get_can_apply (self->editor));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  self->close_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

/* Every row of the pages that names a key becomes a field. */
static void
collect_fields (MessagerieWindow *self,
                GtkWidget        *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      MessagerieField *field;

      if (ADW_IS_PREFERENCES_ROW (child)
          && (field = messagerie_field_new (self->editor, child)) != NULL)
        {
          g_ptr_array_add (self->fields, field);
          /* Its caption is the next sibling: a row, not a container. */
          child = messagerie_field_get_caption (field);
          continue;
        }
      collect_fields (self, child);
    }
}

/* The services' states for the POP/IMAP choice of the form. */
static void
refresh_services (MessagerieWindow *self)
{
  if (self->editor == NULL)
    return;
  messagerie_services_page_refresh (self->services_page,
                                    messagerie_settings_get (messagerie_editor_get_settings (self->editor),
                                                             "mail_server"));
}

/* A page not shown yet keeps its content hidden: nothing of it is
 * measured, shaped or drawn before it is first shown. The content of an
 * AdwPreferencesPage is its one child (its scrolled window); the page
 * itself stays visible, so that the view switcher shows it. */
static void
set_page_content_visible (GtkWidget *page,
                          gboolean   visible)
{
  GtkWidget *content = gtk_widget_get_first_child (page);

  if (content != NULL)
    gtk_widget_set_visible (content, visible);
}

static void
defer_unseen_pages (MessagerieWindow *self)
{
  GtkWidget *pages[] = {
    GTK_WIDGET (self->services_page), GTK_WIDGET (self->sending_page),
    GTK_WIDGET (self->relay_page), GTK_WIDGET (self->activity_page),
  };
  GtkWidget *shown = adw_view_stack_get_visible_child (self->stack);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    set_page_content_visible (pages[i], pages[i] == shown);
}

/* The activity and the services' states are read when their page is
 * shown, never before. */
static void
on_visible_page (MessagerieWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  set_page_content_visible (adw_view_stack_get_visible_child (self->stack), TRUE);

  if (g_strcmp0 (name, "activity") == 0)
    messagerie_activity_page_refresh (self->activity_page);
  else if (g_strcmp0 (name, "services") == 0)
    refresh_services (self);
}

static void
on_first_frame (GdkFrameClock    *clock,
                MessagerieWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame, self);
  messagerie_password_keeper_start (self->keeper);
  /* The page shown first reads what it shows once the window is there. */
  on_visible_page (self);
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

/* Another POP/IMAP choice needs other packages. */
static void
on_mail_server_changed (MessagerieWindow *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self->services_page)))
    refresh_services (self);
}

/* @field's page shown, its row focused. */
static void
show_field (MessagerieWindow *self,
            MessagerieField  *field)
{
  GtkWidget *row = messagerie_field_get_row (field);
  GtkWidget *page = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_PAGE);

  adw_view_stack_set_visible_child (self->stack, page);
  gtk_widget_grab_focus (row);
}

/* The activity names a setting at fault: its page, its row focused. */
static void
on_show_key (MessagerieWindow *self,
             const char       *key)
{
  MessagerieField *field = messagerie_window_find_field (self, key);

  if (field != NULL)
    show_field (self, field);
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
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  /* A keyring call may still hold the keeper: it must not touch the rows. */
  if (self->keeper != NULL)
    g_object_run_dispose (G_OBJECT (self->keeper));
  g_clear_object (&self->keeper);
  forget_discarded (self);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_object (&self->editor);
  /* The setting's action outlives the window's actions otherwise, and a
   * change of the mode elsewhere would reach them. */
  g_action_map_remove_action (G_ACTION_MAP (self), "mode");
  g_clear_object (&self->state);

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

  g_type_ensure (MESSAGERIE_TYPE_SERVICES_PAGE);
  g_type_ensure (MESSAGERIE_TYPE_SENDING_PAGE);
  g_type_ensure (MESSAGERIE_TYPE_RELAY_PAGE);
  g_type_ensure (MESSAGERIE_TYPE_ACTIVITY_PAGE);
  g_type_ensure (MESSAGERIE_TYPE_ENTRY_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/eole/Messagerie/messagerie-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, services_page);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, sending_page);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, relay_page);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, activity_page);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, applied_revealer);
  gtk_widget_class_bind_template_child (widget_class, MessagerieWindow, applied_label);
}

/* The mode and the window's size are remembered when the schema is
 * installed (or found through GSETTINGS_SCHEMA_DIR): the action "mode" is
 * then the setting's own. Without it the window works the same and forgets
 * them. */
static void
load_window_state (MessagerieWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GAction) mode = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "fr.eole.Messagerie", TRUE);
  if (schema == NULL)
    {
      g_action_map_add_action_entries (G_ACTION_MAP (self), mode_action,
                                       G_N_ELEMENTS (mode_action), self);
      return;
    }

  self->state = g_settings_new_full (schema, NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->state, "window-width"),
                               g_settings_get_int (self->state, "window-height"));
  if (g_settings_get_boolean (self->state, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  mode = g_settings_create_action (self->state, "mode");
  g_action_map_add_action (G_ACTION_MAP (self), mode);
  g_signal_connect_object (self->state, "changed::mode", G_CALLBACK (on_mode_setting), self,
                           G_CONNECT_SWAPPED);
  self->view = (MessagerieMode) g_settings_get_enum (self->state, "mode");
}

static void
messagerie_window_init (MessagerieWindow *self)
{
  self->view = MESSAGERIE_MODE_NORMAL;
  self->fields = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Buttons with a mnemonic named without its marker, here and in the
   * dialogs. */
  messagerie_a11y_watch_windows ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  load_window_state (self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  /* The activity is read when its page is shown, never before. */
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->activity_page, "show-key",
                           G_CALLBACK (on_show_key), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->relay_page, "notify::detecting",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
}

/* The settings file of the window's root. */
MessagerieSettings *
messagerie_window_read_settings (MessagerieWindow  *self,
                                 GError           **error)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_autofree char *path = g_build_filename (self->root ? self->root : "/",
                                            MESSAGERIE_PATH_SETTINGS, NULL);

  if (!messagerie_settings_load_file (settings, path, error))
    return NULL;

  return g_steal_pointer (&settings);
}

MessagerieWindow *
messagerie_window_new (MessagerieApplication *application,
                       const char            *root)
{
  MessagerieWindow *self;
  MessagerieSettings *on_disk;
  MessagerieField *password;
  g_autoptr(GError) error = NULL;

  self = g_object_new (MESSAGERIE_TYPE_WINDOW, "application", application, NULL);
  self->root = g_strdup (root);
  messagerie_activity_page_set_root (self->activity_page, root);

  /* The one file read before the first frame. */
  on_disk = messagerie_window_read_settings (self, &error);
  if (on_disk == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot read the settings: %s"), error->message);

      g_warning ("%s", text);
      on_disk = messagerie_settings_new ();
      messagerie_window_show_toast (self, text);
    }

  self->editor = messagerie_editor_new (on_disk);
  collect_fields (self, GTK_WIDGET (self->stack));
  password = messagerie_window_find_field (self, "password");
  g_assert (password != NULL);
  self->keeper = messagerie_password_keeper_new (self->editor, password, root);
  messagerie_relay_page_set_editor (self->relay_page, self->editor);
  g_signal_connect_object (self->editor, "finding-changed", G_CALLBACK (on_finding_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "refreshed", G_CALLBACK (on_refreshed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "key-changed::mail_server",
                           G_CALLBACK (on_mail_server_changed), self, G_CONNECT_SWAPPED);
  update_fields (self);
  on_refreshed (self);
  defer_unseen_pages (self);

  return self;
}

/* Trying to apply with errors: the first one shown, on its page. */
void
messagerie_window_show_first_error (MessagerieWindow *self)
{
  MessagerieField *field = first_error (self, NULL);

  if (field != NULL)
    show_field (self, field);
}

/* A lasting line says when the configuration was applied. */
void
messagerie_window_applied (MessagerieWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  g_autofree char *when = messagerie_format_time (stamp);
  g_autofree char *text = NULL;

  /* TRANSLATORS: %s is a date and time, as "3 December 2026 at 13:30". */
  text = g_strdup_printf (_("Configuration applied on %s."), when);
  gtk_label_set_text (self->applied_label, text);
  gtk_revealer_set_reveal_child (self->applied_revealer, TRUE);
  forget_discarded (self);
  /* Apply starts and stops services. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self->services_page)))
    refresh_services (self);
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

MessagerieField *
messagerie_window_find_field (MessagerieWindow *self,
                              const char       *key)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      MessagerieField *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (messagerie_field_get_key (field), key))
        return field;
    }

  return NULL;
}

GtkWidget *
messagerie_window_get_row (MessagerieWindow *self,
                           const char       *key)
{
  MessagerieField *field;

  g_return_val_if_fail (MESSAGERIE_IS_WINDOW (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  field = messagerie_window_find_field (self, key);
  return field ? messagerie_field_get_row (field) : NULL;
}

gboolean
messagerie_window_keyring_busy (MessagerieWindow *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_WINDOW (self), FALSE);

  return messagerie_password_keeper_busy (self->keeper);
}

GtkWidget *
messagerie_window_get_caption (MessagerieWindow *self,
                               const char       *key)
{
  MessagerieField *field;

  g_return_val_if_fail (MESSAGERIE_IS_WINDOW (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  field = messagerie_window_find_field (self, key);
  return field ? messagerie_field_get_caption (field) : NULL;
}
