/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The window's questions and messages: modal message dialogs over the
 * window, destroyed with it. The callers connect to "response". */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-dialogs.h"

static GtkWidget *
dialog_new (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  return dialog;
}

/* A message over the window of @widget, with one button that closes it. */
void
messagerie_show_message (GtkWidget  *widget,
                         const char *heading,
                         const char *body)
{
  GtkWidget *dialog = dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Closing with unapplied changes: "cancel", "discard", and "apply" when
 * @can_apply. */
GtkWidget *
messagerie_close_dialog_new (GtkWindow *parent,
                             gboolean   can_apply)
{
  GtkWidget *dialog = dialog_new (parent, _("Discard unapplied changes?"),
                                  _("The changes that were not applied will be lost."));
  AdwMessageDialog *message = ADW_MESSAGE_DIALOG (dialog);

  adw_message_dialog_add_responses (message,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (message, "discard", ADW_RESPONSE_DESTRUCTIVE);
  if (can_apply)
    {
      adw_message_dialog_add_response (message, "apply", _("_Apply"));
      adw_message_dialog_set_response_appearance (message, "apply", ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_default_response (message, "cancel");
  adw_message_dialog_set_close_response (message, "cancel");

  return dialog;
}

/* A list in a boxed style, for a dialog's extra child. */
GtkWidget *
messagerie_boxed_list_new (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

/* @child beneath @dialog's body, scrolled beyond 420 px. */
void
messagerie_dialog_set_scrolled_child (AdwMessageDialog *dialog,
                                      GtkWidget        *child)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  adw_message_dialog_set_extra_child (dialog, scrolled);
}
