/* SPDX-License-Identifier: GPL-3.0-or-later */

/* « Voir les modifications » : before anything is applied, each setting
 * changed with its value on the server and the new one, and the system
 * files the helper would rewrite — its `render` of the form, which needs no
 * privilege, compared with what is on disk. Its "apply" response applies. */

#define G_LOG_DOMAIN "messagerie"

#include <string.h>

#include <glib/gi18n.h>

#include "messagerie-dialogs.h"
#include "messagerie-helper-client.h"
#include "messagerie-review-dialog.h"

struct _MessagerieReviewDialog
{
  AdwMessageDialog    parent_instance;

  GtkListBox         *settings_list;
  GtkListBox         *files_list;
  GtkLabel           *files_note;

  char               *root;
  GCancellable       *render;
};

G_DEFINE_FINAL_TYPE (MessagerieReviewDialog, messagerie_review_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* @value of @row's key as the row shows it. */
static char *
shown_value (GtkWidget  *row,
             const char *key,
             const char *value)
{
  const MessagerieKey *info = messagerie_settings_lookup_key (key);

  if (info != NULL && info->type == MESSAGERIE_KEY_BOOLEAN)
    return g_strdup (g_str_equal (value, "true") ? _("Yes") : _("No"));

  if (info != NULL && info->type == MESSAGERIE_KEY_ENUM && ADW_IS_COMBO_ROW (row))
    {
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

      for (guint i = 0; info->choices[i] != NULL; i++)
        if (g_str_equal (info->choices[i], value) && GTK_IS_STRING_LIST (model))
          return g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), i));
    }

  if (*value == '\0')
    return g_strdup (_("(empty)"));

  /* TRANSLATORS: a value quoted, as « value » in French. */
  return g_strdup_printf (_("“%s”"), value);
}

static void
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_append (list, row);
}

/* One row per setting that differs; @rows maps a key to the row that
 * shows it (its title names the setting). */
static guint
list_settings (MessagerieReviewDialog *self,
               MessagerieSettings     *before,
               MessagerieSettings     *after,
               GHashTable             *rows)
{
  guint n_keys, n = 0;
  const MessagerieKey *keys = messagerie_settings_keys (&n_keys);

  for (guint i = 0; i < n_keys; i++)
    {
      const char *key = keys[i].name;
      const char *old = messagerie_settings_get (before, key);
      const char *new = messagerie_settings_get (after, key);
      GtkWidget *row = g_hash_table_lookup (rows, key);
      g_autofree char *old_shown = NULL;
      g_autofree char *new_shown = NULL;
      g_autofree char *change = NULL;

      if (g_str_equal (old, new) || row == NULL)
        continue;

      old_shown = shown_value (row, key, old);
      new_shown = shown_value (row, key, new);
      /* TRANSLATORS: a setting's value on the server, then the new one. */
      change = g_strdup_printf (_("%s → %s"), old_shown, new_shown);
      add_row (self->settings_list, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
               change);
      n++;
    }

  if (messagerie_settings_get_password (after) != NULL && g_hash_table_contains (rows, "password"))
    {
      GtkWidget *row = g_hash_table_lookup (rows, "password");

      add_row (self->settings_list, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
               _("A new password, kept in the keyring and on the server"));
      n++;
    }

  return n;
}

/* Whether @path under the root holds @rendered, passwords masked on both
 * sides. FALSE for a missing file; @unreadable set when it cannot be read. */
static gboolean
same_on_disk (MessagerieReviewDialog *self,
              const char             *path,
              const char             *rendered,
              gboolean               *unreadable)
{
  g_autofree char *full = g_build_filename (self->root ? self->root : "/", path, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *masked = NULL;
  g_autoptr(GError) error = NULL;
  MessagerieRenderedFile file = { (char *) path, NULL, 0, NULL };

  *unreadable = FALSE;
  if (!g_file_get_contents (full, &contents, NULL, &error))
    {
      *unreadable = g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
      return FALSE;
    }

  file.contents = contents;
  masked = messagerie_render_masked (&file);
  return g_str_equal (masked, rendered);
}

/* The files `render` prints that differ from the disk. */
static void
list_files (MessagerieReviewDialog *self,
            const char             *output)
{
  g_autoptr(GPtrArray) files = messagerie_report_rendered_files (output);
  guint n = 0;

  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);
      g_autofree char *full = g_build_filename (self->root ? self->root : "/", file->path, NULL);
      gboolean unreadable;

      if (file->contents == NULL)
        {
          /* A file the settings no longer need, when it is there. */
          if (g_file_test (full, G_FILE_TEST_EXISTS))
            {
              add_row (self->files_list, file->path, _("Removed"));
              n++;
            }
          continue;
        }
      if (same_on_disk (self, file->path, file->contents, &unreadable))
        continue;
      add_row (self->files_list, file->path,
               unreadable ? _("Its current contents cannot be read as this user") : NULL);
      n++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->files_list), n > 0);
  gtk_label_set_text (self->files_note,
                      n > 0 ? _("Files of the system the helper will rewrite:")
                            : _("No file of the system changes."));
}

static void
on_render_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MessagerieReviewDialog) self = user_data;
  g_autoptr(MessagerieReport) report = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  report = messagerie_helper_run_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->render == NULL)
    return;
  g_clear_object (&self->render);

  if (report == NULL || status != 0)
    {
      g_autofree char *text =
        g_strdup_printf (_("The files to rewrite could not be computed: %s"),
                         report == NULL ? error->message : report->other->str);

      gtk_label_set_text (self->files_note, text);
      return;
    }

  list_files (self, report->other->str);
}

static void
messagerie_review_dialog_dispose (GObject *object)
{
  MessagerieReviewDialog *self = MESSAGERIE_REVIEW_DIALOG (object);

  if (self->render != NULL)
    g_cancellable_cancel (self->render);
  g_clear_object (&self->render);

  G_OBJECT_CLASS (messagerie_review_dialog_parent_class)->dispose (object);
}

static void
messagerie_review_dialog_finalize (GObject *object)
{
  MessagerieReviewDialog *self = MESSAGERIE_REVIEW_DIALOG (object);

  g_free (self->root);

  G_OBJECT_CLASS (messagerie_review_dialog_parent_class)->finalize (object);
}

static void
messagerie_review_dialog_class_init (MessagerieReviewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = messagerie_review_dialog_dispose;
  object_class->finalize = messagerie_review_dialog_finalize;
}

static void
messagerie_review_dialog_init (MessagerieReviewDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->settings_list = GTK_LIST_BOX (messagerie_boxed_list_new ());
  self->files_list = GTK_LIST_BOX (messagerie_boxed_list_new ());
  self->files_note = GTK_LABEL (gtk_label_new (_("Computing the files to rewrite…")));
  gtk_label_set_wrap (self->files_note, TRUE);
  gtk_label_set_xalign (self->files_note, 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->files_list), FALSE);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->settings_list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->files_note));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->files_list));
  messagerie_dialog_set_scrolled_child (dialog, box);

  adw_message_dialog_set_heading (dialog, _("Apply these changes?"));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "apply");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
}

/* The changes from @before to @after (the form) under @root (NULL for the
 * system), over @parent; @rows maps each key to the row that shows it. */
GtkWidget *
messagerie_review_dialog_new (GtkWindow          *parent,
                              const char         *root,
                              MessagerieSettings *before,
                              MessagerieSettings *after,
                              GHashTable         *rows)
{
  MessagerieReviewDialog *self;
  g_autoptr(GBytes) input = NULL;
  guint n;

  self = g_object_new (MESSAGERIE_TYPE_REVIEW_DIALOG, "transient-for", parent, NULL);
  self->root = g_strdup (root);

  n = list_settings (self, before, after, rows);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  ngettext ("%u setting changes on the server.",
                                            "%u settings change on the server.", n),
                                  n);

  /* Rendering needs no privilege; no password is printed. */
  self->render = g_cancellable_new ();
  input = messagerie_settings_to_input (after);
  messagerie_helper_run_async (root, FALSE, "render", NULL, input, NULL, NULL, self->render,
                               on_render_done, g_object_ref (self));

  return GTK_WIDGET (self);
}

/* Whether the files to rewrite are still being computed (for the tests). */
gboolean
messagerie_review_dialog_is_busy (MessagerieReviewDialog *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_REVIEW_DIALOG (self), FALSE);

  return self->render != NULL;
}
