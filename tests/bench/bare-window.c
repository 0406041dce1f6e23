/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The benchmark's baseline (build-aux/bench): the least libadwaita window
 * Messagerie can be compared with — an AdwApplicationWindow of Messagerie's
 * default size with a header bar, one AdwPreferencesPage and one
 * AdwEntryRow (named "mail_domain", holding the demo's mail domain, as
 * Messagerie's row), no settings read, nothing validated. */

#include <adwaita.h>

static void
on_activate (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_entry_row_new ();

  gtk_window_set_title (GTK_WINDOW (window), "Bare");
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 760);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Mail domain");
  gtk_widget_set_name (row, "mail_domain");
  gtk_editable_set_text (GTK_EDITABLE (row), "monetab.ac-test.fr");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app =
    adw_application_new ("fr.eole.Messagerie.Bench", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
