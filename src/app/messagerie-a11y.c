/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What a screen reader hears of the buttons with a label: GTK 4.8 names
 * such a button by its label as written (its accessible label), marker
 * included, and then again by the label widget it is "labelled by"
 * (« A_ppliquer Appliquer », « Échecs seulement Échecs seulement »). Each
 * one is named once, by its label without the marker, in every window of
 * the application (the message dialogs' responses too) as it is shown,
 * and again as the focus moves (rows made later, as the activity's). */

#define G_LOG_DOMAIN "messagerie"

#include "messagerie-a11y.h"

/* @label without its mnemonic markers: "_" goes, "__" is one "_". */
static char *
strip_mnemonic (const char *label)
{
  GString *text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

/* Every button beneath @widget (and @widget itself) with a label is named
 * once, by its label's text. */
void
messagerie_a11y_name_buttons (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      g_autofree char *name = gtk_button_get_use_underline (GTK_BUTTON (widget))
                              ? strip_mnemonic (label) : g_strdup (label);

      gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget),
                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    messagerie_a11y_name_buttons (child);
}

static void
on_window_map (GtkWidget *window)
{
  messagerie_a11y_name_buttons (window);
}

static void
on_focus_widget (GtkWindow *window)
{
  GtkWidget *focus = gtk_window_get_focus (window);
  GtkWidget *row;

  /* The row of the focus, or the focus itself. */
  if (focus == NULL)
    return;
  row = gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);
  messagerie_a11y_name_buttons (row != NULL ? row : focus);
}

static void
on_toplevels_changed (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_object_get_data (G_OBJECT (window), "messagerie-a11y") != NULL)
        continue;
      g_object_set_data (G_OBJECT (window), "messagerie-a11y", GINT_TO_POINTER (TRUE));
      g_signal_connect (window, "map", G_CALLBACK (on_window_map), NULL);
      g_signal_connect (window, "notify::focus-widget", G_CALLBACK (on_focus_widget), NULL);
    }
}

/* From now on, every window of the program as it is shown. */
void
messagerie_a11y_watch_windows (void)
{
  static gboolean watching;
  GListModel *toplevels;

  if (watching)
    return;
  watching = TRUE;

  toplevels = gtk_window_get_toplevels ();
  g_signal_connect (toplevels, "items-changed", G_CALLBACK (on_toplevels_changed), NULL);
  on_toplevels_changed (toplevels, 0, 0, g_list_model_get_n_items (toplevels));
}
