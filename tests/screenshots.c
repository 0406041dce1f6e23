/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opens the real window on a demo configuration and saves what it shows:
 * each page, a page with validation errors, the narrow (360 px) and the
 * dark style. Run by build-aux/screenshots under Xvfb, once per language.
 *
 *   screenshots ROOT OUTDIR PREFIX
 *
 * With MESSAGERIE_SHOTS_ONLY=relay, only the relay page (PREFIX-relay.png),
 * once the keyring has answered, and a line on standard output saying what
 * the password row shows; with MESSAGERIE_HELPER as well, a password is
 * then typed and applied to ROOT (--root) and the page pictured again once
 * the keyring was asked to remember it (PREFIX-relay-applied.png).
 * build-aux/screenshots pictures that way what an administrator sees in
 * each way the keyring can fail.
 *
 * The pictures are rendered by GTK from the window itself, as a user would
 * see it on screen (the same renderer, cairo, as under Xvfb). */

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "messagerie-core.h"
#include "messagerie-activity-page.h"
#include "messagerie-review-dialog.h"
#include "messagerie-services-page.h"
#include "messagerie-window.h"
#include "test-util.h"

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  /* Let layout and the switcher's animations settle. */
  while (g_get_monotonic_time () < until)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
shoot (GtkWidget  *window,
       const char *outdir,
       const char *prefix,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s-%s.png", prefix, name);
  g_autofree char *path = g_build_filename (outdir, file, NULL);
  GtkNative *native = gtk_widget_get_native (window);
  GskRenderer *renderer = gtk_native_get_renderer (native);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  spin (400);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert (node != NULL);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s (%d×%d)\n", path, width, height);
}

static const char *const all_pages[] = { "services", "sending", "relay", "activity" };

static void
show_page (GtkWidget  *window,
           const char *page)
{
  GtkWidget *row = messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                              g_str_equal (page, "services") ? "antispam"
                                              : g_str_equal (page, "sending") ? "mail_domain"
                                              : "relay_enabled");
  GtkWidget *stack = gtk_widget_get_ancestor (row, ADW_TYPE_VIEW_STACK);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), page);
}

/* One error on each page, as an administrator would make it: a spam score
 * that is no number, a mail domain starting with the machine's name, a
 * gateway name with a space; and a warning, a quota below the message
 * size. The Services page shows its scores in expert mode. */
static void
show_errors (GtkWidget *window)
{
  MessagerieWindow *self = MESSAGERIE_WINDOW (window);

  gtk_widget_activate_action (window, "win.mode", "s", "expert");
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (self, "spam_flag_score")),
                         "cinq");
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (self, "mail_domain")),
                         "scribe.ac-test.fr");
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (self, "mailbox_quota_mb")),
                         "5");
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (self, "relay_host")),
                         "smtp ac-test.fr");
}

static void
wait_activity (GtkWidget *window)
{
  GtkWidget *stack = gtk_widget_get_ancestor (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                         "mail_domain"),
                                              ADW_TYPE_VIEW_STACK);
  GtkWidget *page = adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), "activity");

  while (messagerie_activity_page_is_busy (MESSAGERIE_ACTIVITY_PAGE (page)))
    g_main_context_iteration (NULL, TRUE);
}

/* Until the password row no longer says that it is looking in the
 * keyring (the lookup starts after the first frame). */
static void
wait_keyring (GtkWidget *window)
{
  GtkWidget *caption = messagerie_window_get_caption (MESSAGERIE_WINDOW (window), "password");
  /* The caption holds an icon, then the message. */
  GtkWidget *label = gtk_widget_get_last_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (caption)));
  const char *looking = _("Looking for the password in the keyring…");
  gint64 start = g_get_monotonic_time ();

  spin (1000);
  while (g_str_equal (gtk_label_get_text (GTK_LABEL (label)), looking))
    {
      if (g_get_monotonic_time () - start > 60 * G_USEC_PER_SEC)
        {
          g_printerr ("The keyring did not answer within 60 s\n");
          break;
        }
      spin (100);
    }
}

/* What the password row shows, never the password itself. */
static void
describe_password_row (GtkWidget *window)
{
  GtkWidget *row = messagerie_window_get_row (MESSAGERIE_WINDOW (window), "password");
  GtkWidget *caption = messagerie_window_get_caption (MESSAGERIE_WINDOW (window), "password");
  /* The caption holds an icon, then the message. */
  GtkWidget *label = gtk_widget_get_last_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (caption)));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  g_print ("password row: %s, %s, %s; caption %s: “%s”\n",
           gtk_widget_is_sensitive (row) ? "sensitive" : "insensitive",
           gtk_editable_get_editable (GTK_EDITABLE (row)) ? "editable" : "not editable",
           *text ? "filled" : "empty",
           gtk_widget_get_visible (caption) ? "shown" : "hidden",
           gtk_label_get_text (GTK_LABEL (label)));
}

/* Until the helper is done: "restore" is disabled while it runs. */
static void
wait_helper (GtkWidget *window)
{
  GAction *restore = g_action_map_lookup_action (G_ACTION_MAP (window), "restore");
  gint64 start = g_get_monotonic_time ();

  spin (200);
  while (!g_action_get_enabled (restore))
    {
      if (g_get_monotonic_time () - start > 60 * G_USEC_PER_SEC)
        g_error ("The helper did not finish within 60 s");
      spin (100);
    }
  /* The keyring's answer to the store. */
  spin (1500);
}

static GtkWidget *
open_window (const char *root,
             int         width,
             int         height)
{
  GtkWidget *window = GTK_WIDGET (messagerie_window_new (NULL, root));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  spin (300);

  return window;
}

/* A daemon of PID @pid in the machine folder: its PID file, and the
 * command line /proc shows, NUL-separated. */
static void
put_daemon (const char *machine,
            const char *pid_file,
            guint       pid,
            const char *program,
            const char *script)
{
  g_autofree char *pid_text = g_strdup_printf ("%u\n", pid);
  g_autofree char *cmdline_file = g_strdup_printf ("proc/%u/cmdline", pid);
  g_autoptr(GString) cmdline = g_string_new (program);

  g_string_append_len (cmdline, "", 1);
  if (script != NULL)
    g_string_append_len (cmdline, script, strlen (script) + 1);
  root_file_put (machine, pid_file, pid_text, -1);
  root_file_put (machine, cmdline_file, cmdline->str, cmdline->len);
}

/* A folder standing for the machine the services run on: spamd and
 * Dovecot's IMAP server installed and running, Sympa installed and running
 * too when @all, else missing. */
static char *
services_machine (gboolean all)
{
  char *machine = g_dir_make_tmp (all ? "messagerie-machine-all-XXXXXX"
                                      : "messagerie-machine-missing-XXXXXX", NULL);

  root_file_put (machine, "usr/sbin/spamd", "", 0);
  put_daemon (machine, "run/spamd.pid", 4242, "/usr/sbin/spamd", NULL);
  root_file_put (machine, "usr/sbin/dovecot", "", 0);
  root_file_put (machine, "usr/lib/dovecot/imap", "", 0);
  put_daemon (machine, "run/dovecot/master.pid", 4243, "/usr/sbin/dovecot", NULL);
  if (all)
    {
      const char *daemons[] = { "sympa_msg", "task_manager", "bulk", "bounced", "archived" };

      root_file_put (machine, "usr/lib/sympa/bin/sympa_msg.pl", "", 0);
      for (guint i = 0; i < G_N_ELEMENTS (daemons); i++)
        {
          g_autofree char *pid_file = g_strdup_printf ("run/sympa/%s.pid", daemons[i]);
          g_autofree char *script = g_strdup_printf ("/usr/lib/sympa/bin/%s.pl", daemons[i]);

          put_daemon (machine, pid_file, 4300 + i, "/usr/bin/perl", script);
        }
    }
  return machine;
}

static void
shoot_services (const char *root,
                const char *outdir,
                const char *prefix,
                gboolean    all)
{
  g_autofree char *machine = services_machine (all);
  GtkWidget *window;
  GtkWidget *page;

  g_setenv ("MESSAGERIE_SERVICE_STATE_ROOT", machine, TRUE);
  window = open_window (root, 960, 760);
  show_page (window, "sending");
  show_page (window, "services");
  page = gtk_widget_get_ancestor (messagerie_window_get_row (MESSAGERIE_WINDOW (window), "antispam"),
                                  MESSAGERIE_TYPE_SERVICES_PAGE);
  while (messagerie_services_page_is_busy (MESSAGERIE_SERVICES_PAGE (page)))
    g_main_context_iteration (NULL, TRUE);
  spin (300);
  shoot (window, outdir, prefix, all ? "services-running" : "services-missing");
  gtk_window_destroy (GTK_WINDOW (window));
  g_unsetenv ("MESSAGERIE_SERVICE_STATE_ROOT");
  remove_tmp_dir (machine);
}

int
main (int    argc,
      char **argv)
{
  const char *root, *outdir, *prefix;
  g_autofree char *layout = NULL;
  GtkWidget *window;

  setlocale (LC_ALL, "");
  messagerie_core_init_i18n ();
  if (g_getenv ("MESSAGERIE_LOCALEDIR") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MESSAGERIE_LOCALEDIR"));
  textdomain (GETTEXT_PACKAGE);

  if (argc != 4)
    {
      g_printerr ("Usage: %s ROOT OUTDIR PREFIX\n", argv[0]);
      return 2;
    }
  root = argv[1];
  outdir = argv[2];
  prefix = argv[3];

  gtk_init ();
  adw_init ();

  if (g_strcmp0 (g_getenv ("MESSAGERIE_SHOTS_ONLY"), "relay") == 0)
    {
      window = open_window (root, 960, 760);
      show_page (window, "relay");
      wait_keyring (window);
      describe_password_row (window);
      shoot (window, outdir, prefix, "relay");
      if (g_getenv ("MESSAGERIE_HELPER") != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                          "password")),
                                 "nouveau-mot-de-passe");
          gtk_widget_activate_action (window, "win.apply", NULL);
          wait_helper (window);
          describe_password_row (window);
          shoot (window, outdir, prefix, "relay-applied");
        }
      gtk_window_destroy (GTK_WINDOW (window));
      return 0;
    }

  window = open_window (root, 960, 760);
  show_page (window, "services");
  shoot (window, outdir, prefix, "services");
  show_page (window, "sending");
  shoot (window, outdir, prefix, "sending");
  show_page (window, "relay");
  shoot (window, outdir, prefix, "relay");

  /* Errors as an administrator would make them: a mail domain starting
   * with the machine's name, an address without a domain, a custom port
   * out of range. */
  show_page (window, "sending");
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                  "mail_domain")),
                         "scribe.ac-test.fr");
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                  "root_recipient")),
                         "admin@");
  shoot (window, outdir, prefix, "errors");
  gtk_window_destroy (GTK_WINDOW (window));

  /* The services' states: one missing, then all running. */
  shoot_services (root, outdir, prefix, FALSE);
  shoot_services (root, outdir, prefix, TRUE);

  /* What Apply shows first: a setting changed, the files it rewrites. */
  window = open_window (root, 960, 760);
  gtk_editable_set_text (GTK_EDITABLE (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                  "root_sender_name")),
                         "Serveur du collège");
  gtk_widget_activate_action (window, "win.review", NULL);
  spin (300);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (MESSAGERIE_IS_REVIEW_DIALOG (l->data))
      {
        GtkWidget *dialog = l->data;

        while (messagerie_review_dialog_is_busy (MESSAGERIE_REVIEW_DIALOG (dialog)))
          g_main_context_iteration (NULL, TRUE);
        spin (300);
        shoot (dialog, outdir, prefix, "review");
        gtk_window_destroy (GTK_WINDOW (dialog));
      }
  gtk_window_destroy (GTK_WINDOW (window));

  /* Expert mode, the relay page at its fullest. */
  window = open_window (root, 960, 900);
  gtk_widget_activate_action (window, "win.mode", "s", "expert");
  show_page (window, "relay");
  adw_combo_row_set_selected (ADW_COMBO_ROW (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                        "relay_tls")), 4);
  shoot (window, outdir, prefix, "relay-expert");
  /* And the services with the anti-spam's thresholds. */
  show_page (window, "services");
  shoot (window, outdir, prefix, "services-expert");
  gtk_window_destroy (GTK_WINDOW (window));

  /* The activity, once read. */
  window = open_window (root, 960, 900);
  {
    GtkWidget *stack = gtk_widget_get_ancestor (messagerie_window_get_row (MESSAGERIE_WINDOW (window),
                                                                           "mail_domain"),
                                                ADW_TYPE_VIEW_STACK);
    GtkWidget *page = adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), "activity");

    adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "activity");
    while (messagerie_activity_page_is_busy (MESSAGERIE_ACTIVITY_PAGE (page)))
      g_main_context_iteration (NULL, TRUE);
  }
  shoot (window, outdir, prefix, "activity");
  gtk_window_destroy (GTK_WINDOW (window));

  /* A phone-sized window: rows wrap, nothing is cut. With the window
   * buttons of GNOME on Debian (button-layout 'appmenu:close'); with
   * minimize and maximize as well, the French header bar needs 390 px. */
  g_object_get (gtk_settings_get_default (), "gtk-decoration-layout", &layout, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  window = open_window (root, 360, 760);
  show_page (window, "sending");
  shoot (window, outdir, prefix, "narrow");
  show_page (window, "relay");
  shoot (window, outdir, prefix, "narrow-relay");
  if (gtk_widget_get_width (window) > 360)
    g_printerr ("The window is %d px wide, more than 360\n", gtk_widget_get_width (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", layout, NULL);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  window = open_window (root, 960, 760);
  show_page (window, "relay");
  shoot (window, outdir, prefix, "dark");
  gtk_window_destroy (GTK_WINDOW (window));

  /* In French, every page at the narrowest and at the usual width, light
   * and dark, each with an error showing (PREFIX-WIDTH-STYLE-PAGE.png). */
  if (g_str_has_prefix (prefix, "fr"))
    {
      g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
      for (guint w = 0; w < 2; w++)
        for (guint dark = 0; dark < 2; dark++)
          {
            int width = w == 0 ? 360 : 960;
            g_autofree char *name = NULL;

            adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                                dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                     : ADW_COLOR_SCHEME_FORCE_LIGHT);
            window = open_window (root, width, 760);
            wait_keyring (window);
            show_errors (window);
            for (guint p = 0; p < G_N_ELEMENTS (all_pages); p++)
              {
                g_free (name);
                name = g_strdup_printf ("%d-%s-%s", width, dark ? "dark" : "light", all_pages[p]);
                show_page (window, all_pages[p]);
                if (g_str_equal (all_pages[p], "activity"))
                  wait_activity (window);
                shoot (window, outdir, prefix, name);
              }
            gtk_window_destroy (GTK_WINDOW (window));
          }
      g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", layout, NULL);
    }

  return 0;
}
