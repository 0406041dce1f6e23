/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The application: its command line (--root), the window it opens, the
 * about dialog, quitting, and the accelerators. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-core.h"
#include "messagerie-application.h"
#include "messagerie-window.h"


struct _MessagerieApplication
{
  AdwApplication parent_instance;

  char *root;
};

G_DEFINE_FINAL_TYPE (MessagerieApplication, messagerie_application, ADW_TYPE_APPLICATION)

static gint
messagerie_application_handle_local_options (GApplication *app,
                                             GVariantDict *options)
{
  MessagerieApplication *self = MESSAGERIE_APPLICATION (app);
  g_autofree char *root = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("messagerie %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "root", "^ay", &root))
    {
      g_free (self->root);
      self->root = g_canonicalize_filename (root, NULL);
    }

  return -1;
}

static void
messagerie_application_activate (GApplication *app)
{
  MessagerieApplication *self = MESSAGERIE_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  window = GTK_WINDOW (messagerie_window_new (self, self->root));
  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Each window asks first when it holds unapplied changes; the
   * application ends with its last window. */
  if (windows == NULL)
    {
      g_application_quit (G_APPLICATION (user_data));
      return;
    }

  windows = g_list_copy (windows);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "The Messagerie team", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Messagerie"),
                        "application-icon", "fr.eole.Messagerie",
                        "version", PACKAGE_VERSION,
                        "comments", _("Configure the mail service of the server: mail domain, "
                                      "root’s addresses, SMTP gateway, anti-spam, POP/IMAP and "
                                      "mailing lists."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* TRANSLATORS: your name, shown in the About window */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

static void
messagerie_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *apply_accels[] = { "<Control>s", NULL };
  /* Ctrl+Z stays the text fields' own undo: discarding every change is a
   * button and a menu item, undone from its toast. */
  static const char *const page_accels[][2] = {
    { "<Alt>1", NULL }, { "<Alt>2", NULL }, { "<Alt>3", NULL }, { "<Alt>4", NULL },
  };

  G_APPLICATION_CLASS (messagerie_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.review", apply_accels);
  for (guint i = 0; i < G_N_ELEMENTS (page_accels); i++)
    {
      g_autofree char *action = g_strdup_printf ("win.page(%u)", i + 1);

      gtk_application_set_accels_for_action (GTK_APPLICATION (app), action, page_accels[i]);
    }
}

static void
messagerie_application_finalize (GObject *object)
{
  MessagerieApplication *self = MESSAGERIE_APPLICATION (object);

  g_free (self->root);

  G_OBJECT_CLASS (messagerie_application_parent_class)->finalize (object);
}

static void
messagerie_application_class_init (MessagerieApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = messagerie_application_finalize;
  app_class->handle_local_options = messagerie_application_handle_local_options;
  app_class->activate = messagerie_application_activate;
  app_class->startup = messagerie_application_startup;
}

static void
messagerie_application_init (MessagerieApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "root", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_FILENAME,
                                 _("Work on the configuration under DIR instead of /"),
                                 _("DIR"));
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Show the version and exit"), NULL);
}

MessagerieApplication *
messagerie_application_new (void)
{
  /* NON_UNIQUE: --root is read in this process, so a second instance must
   * not hand its activation to a first one working on another root. */
  return g_object_new (MESSAGERIE_TYPE_APPLICATION,
                       "application-id", "fr.eole.Messagerie",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/fr/eole/Messagerie",
                       NULL);
}
