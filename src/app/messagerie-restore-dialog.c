/* SPDX-License-Identifier: GPL-3.0-or-later */

/* « Restaurer une configuration précédente » : the configurations the
 * helper kept (its `backups` listing: one line per backup, the newest
 * first, NAME, date, number of files, and the files), one to choose, the
 * newest chosen first. Its "restore" response puts back the one chosen. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-core.h"
#include "messagerie-dialogs.h"
#include "messagerie-restore-dialog.h"

struct _MessagerieRestoreDialog
{
  AdwMessageDialog  parent_instance;

  GPtrArray        *names;     /* the backups' names, in the order of the rows */
  GPtrArray        *checks;    /* their radio buttons */
};

G_DEFINE_FINAL_TYPE (MessagerieRestoreDialog, messagerie_restore_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
messagerie_restore_dialog_finalize (GObject *object)
{
  MessagerieRestoreDialog *self = MESSAGERIE_RESTORE_DIALOG (object);

  g_ptr_array_unref (self->names);
  g_ptr_array_unref (self->checks);

  G_OBJECT_CLASS (messagerie_restore_dialog_parent_class)->finalize (object);
}

static void
messagerie_restore_dialog_class_init (MessagerieRestoreDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = messagerie_restore_dialog_finalize;
}

static void
messagerie_restore_dialog_init (MessagerieRestoreDialog *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->checks = g_ptr_array_new ();
}

/* What a backup holds: its files, or their number when the listing does not
 * name them. */
static char *
describe_files (char **fields)
{
  guint count = (guint) g_ascii_strtoull (fields[2], NULL, 10);

  if (fields[3] != NULL && *fields[3] != '\0')
    {
      g_auto(GStrv) paths = g_strsplit (fields[3], " ", -1);
      g_autofree char *list = g_strjoinv (", ", paths);

      /* TRANSLATORS: %s is a list of files, as "/etc/mailname, /etc/aliases". */
      return g_strdup_printf (_("Changed: %s"), list);
    }

  return g_strdup_printf (ngettext ("%u file changed", "%u files changed", count), count);
}

static GtkWidget *
backup_row (MessagerieRestoreDialog *self,
            char                   **fields,
            GtkCheckButton          *group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *date = messagerie_format_time (fields[1]);
  g_autofree char *files = describe_files (fields);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), date);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), files);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, date, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  g_ptr_array_add (self->names, g_strdup (fields[0]));
  g_ptr_array_add (self->checks, check);
  return row;
}

/* A dialog over @parent on @listing, the output of `backups`; NULL when it
 * lists none. */
GtkWidget *
messagerie_restore_dialog_new (GtkWindow  *parent,
                               const char *listing)
{
  MessagerieRestoreDialog *self;
  AdwMessageDialog *dialog;
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);
  GtkWidget *list = messagerie_boxed_list_new ();

  self = g_object_new (MESSAGERIE_TYPE_RESTORE_DIALOG, "transient-for", parent, NULL);
  g_object_ref_sink (self);
  dialog = ADW_MESSAGE_DIALOG (self);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 4);

      if (g_strv_length (fields) < 3)
        continue;
      gtk_list_box_append (GTK_LIST_BOX (list),
                           backup_row (self, fields,
                                       self->checks->len ? g_ptr_array_index (self->checks, 0)
                                                         : NULL));
    }

  if (self->names->len == 0)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      g_object_unref (self);
      return NULL;
    }

  gtk_check_button_set_active (g_ptr_array_index (self->checks, 0), TRUE);
  messagerie_dialog_set_scrolled_child (dialog, list);

  adw_message_dialog_set_heading (dialog, _("Restore a previous configuration?"));
  adw_message_dialog_set_body (dialog,
                               _("The files changed by the apply chosen will be put back as they "
                                 "were before it, and the mail service reloaded. The current "
                                 "configuration is kept as well, so this can be undone."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  /* The window owns it from now on. */
  g_object_unref (self);
  return GTK_WIDGET (self);
}

/* The name of the backup chosen. */
const char *
messagerie_restore_dialog_get_chosen (MessagerieRestoreDialog *self)
{
  g_return_val_if_fail (MESSAGERIE_IS_RESTORE_DIALOG (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      return g_ptr_array_index (self->names, i);

  return NULL;
}

/* The backup at @index chosen, as a click would; FALSE out of range. */
gboolean
messagerie_restore_dialog_choose (MessagerieRestoreDialog *self,
                                  guint                    index)
{
  g_return_val_if_fail (MESSAGERIE_IS_RESTORE_DIALOG (self), FALSE);

  if (index >= self->checks->len)
    return FALSE;
  gtk_check_button_set_active (g_ptr_array_index (self->checks, index), TRUE);
  return TRUE;
}
