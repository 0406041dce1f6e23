/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window, driven through its real widgets under a display (Xvfb in
 * CI): live validation, rows shown and hidden, Apply, revert, modes. Run
 * once in English and once in French (see tests/meson.build). */

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "messagerie-core.h"
#include "messagerie-core-private.h"
#include "messagerie-keyring.h"
#include "messagerie-activity-page.h"
#include "messagerie-restore-dialog.h"
#include "messagerie-services-page.h"
#include "messagerie-review-dialog.h"
#include "messagerie-window.h"
#include "test-util.h"


typedef struct {
  char             *root;
  char             *conf;
  MessagerieWindow *window;
} Fixture;

static void
spin (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static GSettings *
window_state (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "fr.eole.Messagerie", TRUE);
  return schema ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static void
reset_state (void)
{
  g_autoptr(GSettings) state = window_state ();

  if (state != NULL)
    {
      g_settings_reset (state, "mode");
      g_settings_reset (state, "window-width");
      g_settings_reset (state, "window-height");
      g_settings_reset (state, "window-maximized");
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "scribe",
                                                 NULL);
  g_autoptr(GFile) src = g_file_new_for_path (demo);
  g_autoptr(GFile) dst = NULL;

  f->root = g_dir_make_tmp ("messagerie-window-XXXXXX", &error);
  g_assert_no_error (error);
  dst = g_file_new_for_path (f->root);
  /* Applying runs update-exim4.conf and exim on the copy: it needs the
   * whole of Debian's exim4 configuration beneath the demo's files. */
  if (g_file_test ("/etc/exim4/exim4.conf.template", G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) system_exim = g_file_new_for_path ("/etc/exim4");
      g_autoptr(GFile) root_exim = g_file_get_child (dst, "etc");
      g_autoptr(GFile) root_exim4 = g_file_get_child (root_exim, "exim4");

      copy_tree (system_exim, root_exim4);
    }
  copy_tree (src, dst);

  /* The memory backend lives as long as the process: every case starts
   * from the defaults. */
  reset_state ();

  f->conf = g_build_filename (f->root, MESSAGERIE_PATH_SETTINGS, NULL);
  f->window = messagerie_window_new (NULL, f->root);
  g_object_ref_sink (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  spin ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GFile) root = g_file_new_for_path (f->root);
  GList *toplevels = gtk_window_list_toplevels ();

  /* A case may have closed the window already. */
  if (g_list_find (toplevels, f->window) != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_list_free (toplevels);
  spin ();
  g_object_unref (f->window);
  remove_tree (root);
  g_free (f->conf);
  g_free (f->root);
}

/* Helpers on the real widgets */

static GtkWidget *
row (Fixture    *f,
     const char *key)
{
  GtkWidget *widget = messagerie_window_get_row (f->window, key);

  g_assert_nonnull (widget);
  return widget;
}

static void
set_text (Fixture    *f,
          const char *key,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row (f, key)), text);
  spin ();
}

static void
set_switch (Fixture    *f,
            const char *key,
            gboolean    active)
{
  GtkWidget *sw = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row (f, key)));

  g_assert_true (GTK_IS_SWITCH (sw));
  gtk_switch_set_active (GTK_SWITCH (sw), active);
  spin ();
}

static void
set_combo (Fixture    *f,
           const char *key,
           const char *choice)
{
  const MessagerieKey *info = messagerie_settings_lookup_key (key);
  guint i;

  g_assert_nonnull (info);
  g_assert_nonnull (info->choices);
  for (i = 0; info->choices[i] != NULL; i++)
    if (g_str_equal (info->choices[i], choice))
      break;
  g_assert_nonnull (info->choices[i]);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row (f, key)), i);
  spin ();
}

static void
set_mode (Fixture    *f,
          const char *mode)
{
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.mode", "s", mode);
  spin ();
}

static const char *
caption_text (Fixture    *f,
              const char *key)
{
  GtkWidget *caption = messagerie_window_get_caption (f->window, key);

  g_assert_nonnull (caption);
  /* The caption holds an icon, then the message. */
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (
                               gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (caption)))));
}

static gboolean
caption_shown (Fixture    *f,
               const char *key)
{
  return gtk_widget_get_visible (messagerie_window_get_caption (f->window, key))
         && *caption_text (f, key) != '\0';
}

static gboolean
has_error (Fixture    *f,
           const char *key)
{
  return gtk_widget_has_css_class (row (f, key), "error");
}

static gboolean
shown (Fixture    *f,
       const char *key)
{
  return gtk_widget_get_visible (row (f, key));
}

static gboolean
action_enabled (Fixture    *f,
                const char *name)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (f->window), name);

  g_assert_nonnull (action);
  return g_action_get_enabled (action);
}

typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

/* The first widget, @widget or one below it, that @match accepts. */
static GtkWidget *
find_descendant (GtkWidget     *widget,
                 WidgetMatch    match,
                 gconstpointer  data)
{
  if (match (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_button_for (GtkWidget     *widget,
               gconstpointer  action_name)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_label_showing (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action_name)
{
  return find_descendant (widget, is_button_for, action_name);
}

static GtkWidget *
apply_button (Fixture *f)
{
  GtkWidget *button = find_button (GTK_WIDGET (f->window), "win.review");

  g_assert_nonnull (button);
  return button;
}

typedef gboolean (*LabelMatch) (const char *text,
                                gpointer    data);

typedef struct {
  gboolean   mapped_only;
  LabelMatch match;
  gpointer   data;
} LabelQuery;

static gboolean
is_label_matching (GtkWidget     *widget,
                   gconstpointer  data)
{
  const LabelQuery *query = data;
  const char *text;

  if (!GTK_IS_LABEL (widget) || (query->mapped_only && !gtk_widget_get_mapped (widget)))
    return FALSE;
  text = gtk_label_get_label (GTK_LABEL (widget));
  return text != NULL && query->match (text, query->data);
}

/* The text of the first label in @widget or below it that @match accepts;
 * @mapped_only: among those on screen. */
static const char *
find_label (GtkWidget  *widget,
            gboolean    mapped_only,
            LabelMatch  match,
            gpointer    data)
{
  LabelQuery query = { mapped_only, match, data };
  GtkWidget *label = find_descendant (widget, is_label_matching, &query);

  return label ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

static gboolean
text_equal (const char *text,
            gpointer    data)
{
  return g_str_equal (text, data);
}

/* The lasting line of an apply. */
static gboolean
text_starts_applied (const char *text,
                     gpointer    data)
{
  g_autofree char *prefix = g_strdup (_("Configuration applied on %s."));

  *strstr (prefix, "%s") = '\0';
  return g_str_has_prefix (text, prefix);
}

/* Whether a label shows @text in @widget: a toast's title is one. */
static gboolean
label_shown (GtkWidget  *widget,
             const char *text)
{
  return find_label (widget, TRUE, text_equal, (gpointer) text) != NULL;
}

/* The first widget of @type in @widget or below it. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  return find_descendant (widget, is_of_type, GSIZE_TO_POINTER (type));
}

/* The helper runs while "restore" is disabled. */
static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  spin ();
  while (!action_enabled (f, "restore"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  spin ();
}

/* The message dialog shown over the window, if any. */
static AdwMessageDialog *
message_dialog (Fixture *f)
{
  AdwMessageDialog *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (f->window))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
assert_no_dialog (Fixture *f)
{
  AdwMessageDialog *dialog = message_dialog (f);

  if (dialog != NULL)
    g_test_message ("unexpected dialog: %s — %s", adw_message_dialog_get_heading (dialog),
                    adw_message_dialog_get_body (dialog));
  g_assert_null (dialog);
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  /* libadwaita 1.2 leaves closing to the caller of _response (). */
  gtk_window_close (GTK_WINDOW (dialog));
  spin ();
}

/* Cases */

static const char *const entry_keys[] = {
  "mail_domain", "root_sender", "root_sender_name", "root_recipient",
  "max_message_size_mb", "mailbox_quota_mb", "relay_host", "relay_user",
};

static void
assert_no_error_but (Fixture    *f,
                     const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (entry_keys); i++)
    if (g_strcmp0 (entry_keys[i], key) != 0)
      {
        if (has_error (f, entry_keys[i]))
          g_test_message ("unexpected error on %s: %s", entry_keys[i],
                          caption_text (f, entry_keys[i]));
        g_assert_false (has_error (f, entry_keys[i]));
      }
}

/* One per test process: the English and the French runs share exim's queue. */
static char *
activity_recipient (void)
{
  static char *recipient = NULL;

  if (recipient == NULL)
    recipient = g_strdup_printf ("messagerie-window-test-%d@example.invalid", (int) getpid ());
  return recipient;
}
#define ACTIVITY_RECIPIENT (activity_recipient ())

/* A message in exim's queue (the machine's: a root never applied shows
 * it), never tried: its id. */
static char *
queue_message (void)
{
  g_autoptr(GSubprocess) exim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_auto(GStrv) lines = NULL;

  exim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "/usr/sbin/exim4", "-odq", "-oi",
                           ACTIVITY_RECIPIENT, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (exim, "Subject: window test\n\nbody\n", NULL, NULL, NULL, &error));
  g_assert_true (g_subprocess_get_successful (exim));
  g_clear_object (&exim);

  exim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/sbin/exim4", "-bp", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (exim, NULL, NULL, &listing, NULL, &error));
  lines = g_strsplit (listing, "\n", -1);
  for (guint i = 0; lines[i] && lines[i + 1]; i++)
    if (strstr (lines[i + 1], ACTIVITY_RECIPIENT) != NULL)
      {
        g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
        guint n = 0;

        for (guint w = 0; words[w]; w++)
          if (*words[w] && ++n == 3)
            return g_strdup (words[w]);
      }
  g_assert_not_reached ();
}

/* The row of @page titled @title. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  return find_descendant (widget, is_row_titled, title);
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *label)
{
  return find_descendant (widget, is_button_labelled, label);
}

static void
wait_page (MessagerieActivityPage *page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (messagerie_activity_page_is_busy (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  spin ();
}

/* The queued message shows, waiting; « Supprimer » asks, then removes it
 * from exim's queue for real, and the page says so. */
static void
activity_delete (Fixture                *f,
                 MessagerieActivityPage *page,
                 const char             *id)
{
  GtkWidget *message_row = find_row (GTK_WIDGET (page), ACTIVITY_RECIPIENT);
  g_autofree char *spool = g_strdup_printf ("/var/spool/exim4/input/%s-H", id);
  AdwMessageDialog *dialog;
  GtkWidget *delete;

  g_assert_nonnull (message_row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (message_row)),
                                   g_dgettext (GETTEXT_PACKAGE, "waiting for its first try")));
  delete = find_button_labelled (message_row, g_dgettext (GETTEXT_PACKAGE, "_Delete"));
  g_assert_nonnull (delete);
  g_signal_emit_by_name (delete, "clicked");
  spin ();
  dialog = message_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_true (g_file_test (spool, G_FILE_TEST_EXISTS));
  answer (dialog, "delete");
  g_assert_true (messagerie_activity_page_is_busy (page));
  wait_page (page);
  g_assert_false (g_file_test (spool, G_FILE_TEST_EXISTS));
  g_assert_null (find_row (GTK_WIDGET (page), ACTIVITY_RECIPIENT));
}

/* The page « Activité »: nothing is read before it is shown; shown, it
 * reads the status, the queue and the log through the helper (monitor …),
 * and says what it found in words. */
static void
test_activity (Fixture       *f,
               gconstpointer  data)
{
  MessagerieActivityPage *page =
    MESSAGERIE_ACTIVITY_PAGE (find_widget (GTK_WIDGET (f->window), MESSAGERIE_TYPE_ACTIVITY_PAGE));
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_VIEW_STACK);
  const char *not_running = g_dgettext (GETTEXT_PACKAGE, "Not running: alerts wait in the queue until exim runs");
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_autofree char *queued_id = getuid () == 0 ? queue_message () : NULL;

  g_assert_nonnull (page);
  spin ();
  g_assert_false (messagerie_activity_page_is_busy (page));
  g_assert_false (label_shown (GTK_WIDGET (page), not_running));

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "activity");
  g_assert_true (messagerie_activity_page_is_busy (page));
  while (messagerie_activity_page_is_busy (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  spin ();

  /* The demo root has no exim daemon and no log. */
  g_assert_true (label_shown (GTK_WIDGET (page), not_running));
  if (queued_id != NULL)
    activity_delete (f, page, queued_id);
  else
    g_test_message ("not root: no message queued, the deletion is not tried");
  g_assert_true (label_shown (GTK_WIDGET (page),
                              g_dgettext (GETTEXT_PACKAGE, "No delivery in exim's log.")));
  /* The machine's queue: empty, or one row per message, each with its
   * buttons. */
  g_assert_true (label_shown (GTK_WIDGET (page),
                              g_dgettext (GETTEXT_PACKAGE, "The queue is empty: every message got out.")) ||
                 find_label (GTK_WIDGET (page), TRUE, text_equal,
                             (gpointer) g_dgettext (GETTEXT_PACKAGE, "_Retry now")) != NULL);
}

static void
test_initial_state (Fixture       *f,
                    gconstpointer  data)
{
  assert_no_error_but (f, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (entry_keys); i++)
    g_assert_false (caption_shown (f, entry_keys[i]));
  /* Nothing changed: nothing to apply or revert. */
  g_assert_false (action_enabled (f, "apply"));
  g_assert_false (action_enabled (f, "revert"));
  g_assert_false (gtk_widget_get_sensitive (apply_button (f)));
}

static void
test_error_and_apply (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *button = apply_button (f);

  /* E2: the domain starts with the name of the machine. */
  set_text (f, "mail_domain", "scribe.ac-test.fr");
  g_assert_true (has_error (f, "mail_domain"));
  g_assert_true (caption_shown (f, "mail_domain"));
  g_assert_true (gtk_widget_has_css_class (messagerie_window_get_caption (f->window,
                                                                          "mail_domain"),
                                           "error"));
  assert_no_error_but (f, "mail_domain");
  g_assert_false (action_enabled (f, "apply"));
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_true (action_enabled (f, "revert"));

  set_text (f, "mail_domain", "college.ac-test.fr");
  g_assert_false (has_error (f, "mail_domain"));
  g_assert_false (gtk_widget_has_css_class (messagerie_window_get_caption (f->window,
                                                                           "mail_domain"),
                                            "error"));
  assert_no_error_but (f, NULL);
  g_assert_true (action_enabled (f, "apply"));
  g_assert_true (gtk_widget_get_sensitive (button));
}

static gboolean
helper_available (void)
{
  if (g_getenv ("MESSAGERIE_HELPER") == NULL
      || !g_file_test ("/etc/exim4/exim4.conf.template", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("needs the built helper (MESSAGERIE_HELPER) and exim4-config installed");
      return FALSE;
    }
  return TRUE;
}

static void
test_apply_lands (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MessagerieSettings) saved = messagerie_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *mailname = NULL;

  if (!helper_available ())
    return;

  set_text (f, "mail_domain", "college.ac-test.fr");
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  /* The window stays alive while the helper runs: nothing to apply twice. */
  g_assert_false (action_enabled (f, "apply"));
  g_assert_false (action_enabled (f, "restore"));
  wait_idle (f);

  assert_no_dialog (f);
  g_assert_true (messagerie_settings_load_file (saved, f->conf, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (messagerie_settings_get (saved, "mail_domain"), ==, "college.ac-test.fr");
  mailname = root_file (f->root, "etc/mailname");
  g_assert_cmpstr (mailname, ==, "college.ac-test.fr\n");
  g_assert_true (label_shown (GTK_WIDGET (f->window), _("The configuration has been applied.")));
  /* A line stays, after the toast, saying when. */
  {
    const char *line = find_label (GTK_WIDGET (f->window), FALSE, text_starts_applied, NULL);
    GtkWidget *revealer = NULL;

    g_assert_nonnull (line);
    revealer = gtk_widget_get_ancestor (GTK_WIDGET (find_descendant (GTK_WIDGET (f->window), is_label_showing, line)),
                                        GTK_TYPE_REVEALER);
    g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  }
  /* Applied: nothing left to apply. */
  g_assert_false (action_enabled (f, "apply"));
  g_assert_false (action_enabled (f, "revert"));
}

typedef struct {
  const char *title;
  const char *subtitle;
} RowQuery;

static gboolean
is_row_containing (GtkWidget     *widget,
                   gconstpointer  data)
{
  const RowQuery *query = data;
  const char *title, *subtitle;

  if (!ADW_IS_ACTION_ROW (widget))
    return FALSE;
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  return title && strstr (title, query->title)
         && (query->subtitle == NULL || (subtitle && strstr (subtitle, query->subtitle)));
}

/* Whether a row in @widget or below it has a title containing @title and,
 * unless NULL, a subtitle containing @subtitle. */
static gboolean
list_has_row (GtkWidget  *widget,
              const char *title,
              const char *subtitle)
{
  RowQuery query = { title, subtitle };

  return find_descendant (widget, is_row_containing, &query) != NULL;
}

/* Apply shows first what changes: the setting with its old and new value,
 * the files the helper would rewrite; then applies. */
static void
test_review (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MessagerieSettings) saved = messagerie_settings_new ();
  g_autoptr(GError) error = NULL;
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row (f, "root_sender_name")));
  AdwMessageDialog *dialog;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (!helper_available ())
    return;

  /* Once applied, the demo's files are in Messagerie's form. */
  set_text (f, "mail_domain", "college.ac-test.fr");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);

  set_text (f, "root_sender_name", "Serveur du collège");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.review", NULL);
  spin ();
  dialog = message_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_true (MESSAGERIE_IS_REVIEW_DIALOG (dialog));
  while (messagerie_review_dialog_is_busy (MESSAGERIE_REVIEW_DIALOG (dialog)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (list_has_row (GTK_WIDGET (dialog), title, "Serveur Scribe"));
  g_assert_true (list_has_row (GTK_WIDGET (dialog), title, "Serveur du collège"));
  g_assert_true (list_has_row (GTK_WIDGET (dialog), "/etc/messagerie/messagerie.conf", NULL));
  /* What does not change is not listed. */
  g_assert_false (list_has_row (GTK_WIDGET (dialog), "/etc/mailname", NULL));
  g_assert_false (list_has_row (GTK_WIDGET (dialog), "/etc/exim4/passwd.client", NULL));
  /* A file with a blank line, unchanged: its contents came through the
   * report whole. */
  g_assert_false (list_has_row (GTK_WIDGET (dialog), "/etc/exim4/update-exim4.conf.conf", NULL));
  g_assert_false (list_has_row (GTK_WIDGET (dialog),
                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row (f, "mail_domain"))),
                                NULL));

  adw_message_dialog_response (dialog, "apply");
  wait_idle (f);
  g_assert_true (messagerie_settings_load_file (saved, f->conf, &error));
  g_assert_cmpstr (messagerie_settings_get (saved, "root_sender_name"), ==, "Serveur du collège");
}

static void
test_apply_error_on_row (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (!helper_available ())
    return;

  /* No password typed and none on the server: only the helper, which
   * reads passwd.client, can tell. */
  {
    g_autofree char *path = g_build_filename (f->root, "etc/exim4/passwd.client", NULL);

    g_assert_true (g_file_set_contents (path, "", 0, NULL));
  }
  before = root_file (f->root, "etc/exim4/passwd.client");
  set_switch (f, "relay_enabled", TRUE);
  set_text (f, "relay_host", "smtp.ac-test.fr");
  set_switch (f, "relay_auth", TRUE);
  set_text (f, "relay_user", "college");
  g_assert_false (has_error (f, "password"));
  g_assert_true (action_enabled (f, "apply"));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);

  assert_no_dialog (f);
  g_assert_true (has_error (f, "password"));
  g_assert_true (caption_shown (f, "password"));
  g_assert_false (action_enabled (f, "apply"));
  after = root_file (f->root, "etc/exim4/passwd.client");
  g_assert_cmpstr (before, ==, after);
  /* The form keeps what was typed. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "relay_user"))), ==, "college");

  /* Typing the password answers the server's objection. */
  set_text (f, "password", "s3cret:pass");
  g_assert_false (has_error (f, "password"));
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  g_assert_false (has_error (f, "password"));
  g_clear_pointer (&after, g_free);
  after = root_file (f->root, "etc/exim4/passwd.client");
  g_assert_nonnull (strstr (after, "smtp.ac-test.fr:college:s3cret:pass\n"));
  /* Sent once: the working copy forgets it, nothing is left to apply; the
   * row keeps showing it, as the keyring now holds it. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "password"))), ==, "s3cret:pass");
  g_assert_false (action_enabled (f, "apply"));
  g_assert_false (action_enabled (f, "revert"));
}

/* Two applies kept: the older one chosen puts back what was there before
 * the first. */
static void
test_restore_choice (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *original = NULL;
  g_autofree char *mailname = NULL;
  AdwMessageDialog *dialog;

  if (!helper_available ())
    return;

  original = root_file (f->root, "etc/mailname");
  set_text (f, "mail_domain", "college.ac-test.fr");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  /* Backups are named by the second. */
  g_usleep (1100 * 1000);
  set_text (f, "mail_domain", "lycee.ac-test.fr");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.restore", NULL);
  wait_idle (f);
  dialog = message_dialog (f);
  g_assert_true (MESSAGERIE_IS_RESTORE_DIALOG (dialog));
  /* The newest is chosen first; there are two. */
  g_assert_true (messagerie_restore_dialog_choose (MESSAGERIE_RESTORE_DIALOG (dialog), 1));
  g_assert_false (messagerie_restore_dialog_choose (MESSAGERIE_RESTORE_DIALOG (dialog), 2));
  g_assert_true (list_has_row (GTK_WIDGET (dialog), "", NULL));
  answer (dialog, "restore");
  wait_idle (f);

  mailname = root_file (f->root, "etc/mailname");
  g_assert_cmpstr (mailname, ==, original);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "mail_domain"))), ==,
                   "monetab.ac-test.fr");
}

static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *original = NULL;
  g_autofree char *mailname = NULL;
  AdwMessageDialog *dialog;

  if (!helper_available ())
    return;

  /* Nothing kept yet: said so, nothing run. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.restore", NULL);
  wait_idle (f);
  dialog = message_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_has_response (dialog, "restore"));
  answer (dialog, "close");

  original = root_file (f->root, "etc/mailname");
  set_text (f, "mail_domain", "college.ac-test.fr");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  mailname = root_file (f->root, "etc/mailname");
  g_assert_cmpstr (mailname, ==, "college.ac-test.fr\n");

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.restore", NULL);
  wait_idle (f);
  dialog = message_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "restore"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  answer (dialog, "restore");
  wait_idle (f);

  g_clear_pointer (&mailname, g_free);
  mailname = root_file (f->root, "etc/mailname");
  g_assert_cmpstr (mailname, ==, original);
  /* The window shows what the system holds again. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "mail_domain"))), ==,
                   "monetab.ac-test.fr");
  g_assert_false (action_enabled (f, "revert"));
}

static void
test_relay_switch (Fixture       *f,
                   gconstpointer  data)
{
  static const char *const relay_keys[] = { "relay_host", "relay_tls", "relay_auth",
                                            "relay_user", "password" };

  for (guint i = 0; i < G_N_ELEMENTS (relay_keys); i++)
    g_assert_true (shown (f, relay_keys[i]));

  set_switch (f, "relay_enabled", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (relay_keys); i++)
    g_assert_false (shown (f, relay_keys[i]));
  g_assert_false (shown (f, "relay_port"));
  g_assert_true (shown (f, "relay_enabled"));
  g_assert_true (shown (f, "mail_domain"));

  set_switch (f, "relay_enabled", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (relay_keys); i++)
    g_assert_true (shown (f, relay_keys[i]));
}

static void
test_relay_port (Fixture       *f,
                 gconstpointer  data)
{
  g_assert_false (shown (f, "relay_port"));

  set_combo (f, "relay_tls", "custom");
  g_assert_true (shown (f, "relay_port"));

  /* A port that is no port is an error of that row only. */
  set_text (f, "relay_port", "99999");
  g_assert_true (has_error (f, "relay_port"));
  g_assert_true (caption_shown (f, "relay_port"));
  assert_no_error_but (f, "relay_port");
  g_assert_false (action_enabled (f, "apply"));

  set_text (f, "relay_port", "2525");
  g_assert_false (has_error (f, "relay_port"));

  set_combo (f, "relay_tls", "port-465");
  g_assert_false (shown (f, "relay_port"));
}

static void
test_relay_auth (Fixture       *f,
                 gconstpointer  data)
{
  g_assert_true (shown (f, "relay_user"));
  g_assert_true (shown (f, "password"));

  set_switch (f, "relay_auth", FALSE);
  g_assert_false (shown (f, "relay_user"));
  g_assert_false (shown (f, "password"));

  set_switch (f, "relay_auth", TRUE);
  g_assert_true (shown (f, "relay_user"));
  g_assert_true (shown (f, "password"));
}

static void
test_modes (Fixture       *f,
            gconstpointer  data)
{
  /* Normal mode, the default. */
  g_assert_true (shown (f, "root_sender_name"));
  g_assert_false (shown (f, "rewrite_headers"));

  set_mode (f, "expert");
  g_assert_true (shown (f, "root_sender_name"));
  g_assert_true (shown (f, "rewrite_headers"));

  set_mode (f, "basic");
  g_assert_false (shown (f, "root_sender_name"));
  g_assert_false (shown (f, "rewrite_headers"));
  g_assert_true (shown (f, "mail_domain"));

  set_mode (f, "normal");
  g_assert_true (shown (f, "root_sender_name"));
  g_assert_false (shown (f, "rewrite_headers"));
}

static void
test_revert (Fixture       *f,
             gconstpointer  data)
{
  GtkEditable *domain = GTK_EDITABLE (row (f, "mail_domain"));

  g_assert_cmpstr (gtk_editable_get_text (domain), ==, "monetab.ac-test.fr");
  set_text (f, "mail_domain", "scribe.ac-test.fr");
  g_assert_true (has_error (f, "mail_domain"));
  g_assert_true (action_enabled (f, "revert"));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.revert", NULL);
  spin ();
  g_assert_cmpstr (gtk_editable_get_text (domain), ==, "monetab.ac-test.fr");
  g_assert_false (has_error (f, "mail_domain"));
  g_assert_false (caption_shown (f, "mail_domain"));
  g_assert_false (action_enabled (f, "revert"));
  g_assert_false (action_enabled (f, "apply"));

  /* The toast brings every change back. */
  g_assert_true (label_shown (GTK_WIDGET (f->window), _("Changes discarded")));
  g_assert_true (action_enabled (f, "undo-revert"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo-revert", NULL);
  spin ();
  g_assert_cmpstr (gtk_editable_get_text (domain), ==, "scribe.ac-test.fr");
  g_assert_true (action_enabled (f, "revert"));
  g_assert_false (action_enabled (f, "undo-revert"));
}

/* Ctrl+Z is the text's own undo: no accelerator discards every change. */
static void
test_revert_not_ctrl_z (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MessagerieApplication) application = messagerie_application_new ();
  GtkApplication *app = GTK_APPLICATION (application);
  g_auto(GStrv) actions = NULL;
  g_autoptr(GError) error = NULL;

  /* Registered without a bus name: startup sets the accelerators. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  actions = gtk_application_get_actions_for_accel (app, "<Control>s");
  g_assert_cmpuint (g_strv_length (actions), ==, 1);
  g_clear_pointer (&actions, g_strfreev);
  actions = gtk_application_get_actions_for_accel (app, "<Control>z");
  g_assert_cmpuint (g_strv_length (actions), ==, 0);
  g_clear_pointer (&actions, g_strfreev);
  actions = gtk_application_get_actions_for_accel (app, "<Alt>2");
  g_assert_cmpuint (g_strv_length (actions), ==, 1);
  g_assert_cmpstr (actions[0], ==, "win.page(2)");
}

static AdwViewStackPage *
stack_page (Fixture    *f,
            const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (f->window), ADW_TYPE_VIEW_STACK));

  return adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, name));
}

static const char *
visible_page (Fixture *f)
{
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (f->window), ADW_TYPE_VIEW_STACK));

  return adw_view_stack_get_visible_child_name (stack);
}

/* A page holding an error says so on the switcher; Apply with errors takes
 * the user to the first one; Alt+N goes to the Nth page. */
static void
test_attention (Fixture       *f,
                gconstpointer  data)
{
  g_assert_false (adw_view_stack_page_get_needs_attention (stack_page (f, "relay")));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.page", "i", 2);
  g_assert_cmpstr (visible_page (f), ==, "sending");

  set_text (f, "relay_host", "pas un nom");
  g_assert_true (adw_view_stack_page_get_needs_attention (stack_page (f, "relay")));
  g_assert_false (adw_view_stack_page_get_needs_attention (stack_page (f, "sending")));
  g_assert_false (action_enabled (f, "apply"));

  set_text (f, "relay_host", "smtp.ac-test.fr");
  g_assert_false (adw_view_stack_page_get_needs_attention (stack_page (f, "relay")));
}

/* A page not shown yet is not laid out before the first frame: its rows
 * are drawable only once it is shown (issue 17). */
static void
test_pages_deferred (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *domain = row (f, "mail_domain");

  g_assert_cmpstr (visible_page (f), ==, "services");
  spin ();
  g_assert_true (shown (f, "mail_domain"));
  g_assert_false (gtk_widget_is_visible (domain));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.page", "i", 2);
  g_assert_cmpstr (visible_page (f), ==, "sending");
  spin ();
  g_assert_true (gtk_widget_is_visible (domain));
  g_assert_true (gtk_widget_get_mapped (domain));
}

/* An error held back (an empty field nobody left) shows when Apply is
 * pressed, and the window goes to it. */
static void
test_apply_shows_first_error (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (messagerie_settings_load_file (settings, f->conf, &error));
  messagerie_settings_set (settings, "root_recipient", "");
  g_assert_true (messagerie_settings_save_file (settings, f->conf, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->window);
  f->window = messagerie_window_new (NULL, f->root);
  g_object_ref_sink (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  spin ();

  set_text (f, "root_sender_name", "Serveur du collège");
  g_assert_false (has_error (f, "root_recipient"));
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.page", "i", 3);
  g_assert_cmpstr (visible_page (f), ==, "relay");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  spin ();
  g_assert_cmpstr (visible_page (f), ==, "sending");
  g_assert_true (has_error (f, "root_recipient"));
  g_assert_true (adw_view_stack_page_get_needs_attention (stack_page (f, "sending")));
  g_assert_true (gtk_widget_has_focus (row (f, "root_recipient")) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         row (f, "root_recipient")));
}

/* The page « Services » says what each service is for and its state on
 * the machine: here a folder standing for it, spamd installed and running,
 * Dovecot's IMAP server installed and stopped, Sympa missing. */
static void
test_services_states (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *machine = g_build_filename (f->root, "machine", NULL);
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (f->window), ADW_TYPE_VIEW_STACK));
  GtkWidget *page = adw_view_stack_get_child_by_name (stack, "services");
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  const char *subtitle;

  root_file_put (machine, "usr/sbin/spamd", "", 0);
  root_file_put (machine, "run/spamd.pid", "4242\n", -1);
  root_file_put (machine, "proc/4242/cmdline", "/usr/sbin/spamd\0--create-prefs\0", 32);
  root_file_put (machine, "usr/sbin/dovecot", "", 0);
  root_file_put (machine, "usr/lib/dovecot/imap", "", 0);
  g_setenv ("MESSAGERIE_SERVICE_STATE_ROOT", machine, TRUE);

  /* Read when the page is shown. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.page", "i", 2);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.page", "i", 1);
  g_assert_cmpstr (visible_page (f), ==, "services");
  spin ();
  while (messagerie_services_page_is_busy (MESSAGERIE_SERVICES_PAGE (page)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_unsetenv ("MESSAGERIE_SERVICE_STATE_ROOT");

  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row (f, "antispam")));
  g_assert_nonnull (strstr (subtitle, _("Filters the messages recognised as unwanted.")));
  g_assert_nonnull (strstr (subtitle, _("Installed, running.")));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row (f, "mail_server")));
  g_assert_nonnull (strstr (subtitle, _("Installed, not running.")));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row (f, "mailing_lists")));
  g_assert_nonnull (strstr (subtitle, "apt install sympa"));
}

static void
test_untouched_empty_neutral (Fixture       *f,
                              gconstpointer  data)
{
  /* The port is empty in the file: shown but untouched, it stays neutral,
   * and Apply still counts its error. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "relay_port"))), ==, "");
  set_combo (f, "relay_tls", "custom");
  g_assert_true (shown (f, "relay_port"));
  g_assert_false (has_error (f, "relay_port"));
  g_assert_false (caption_shown (f, "relay_port"));

  /* Trying to apply shows it, and goes no further. */
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  spin ();
  g_assert_true (has_error (f, "relay_port"));
  g_assert_true (caption_shown (f, "relay_port"));
  g_assert_false (action_enabled (f, "apply"));
  g_assert_true (action_enabled (f, "restore"));
}

static void
test_untouched_empty_left (Fixture       *f,
                           gconstpointer  data)
{
  GtkWidget *port = row (f, "relay_port");

  /* Touched and emptied again, the rule shows. */
  set_combo (f, "relay_tls", "custom");
  set_text (f, "relay_port", "2");
  set_text (f, "relay_port", "");
  g_assert_true (has_error (f, "relay_port"));
  g_assert_true (caption_shown (f, "relay_port"));

  /* Reverted, it is neutral again; left without typing, it shows. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.revert", NULL);
  set_combo (f, "relay_tls", "custom");
  g_assert_false (has_error (f, "relay_port"));
  g_assert_true (gtk_widget_grab_focus (port));
  spin ();
  g_assert_true (gtk_widget_has_focus (gtk_root_get_focus (GTK_ROOT (f->window)))
                 && gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), port));
  g_assert_false (has_error (f, "relay_port"));
  /* Enter moves on to the next field, which leaves this one. */
  g_signal_emit_by_name (port, "entry-activated");
  spin ();
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), port));
  g_assert_true (has_error (f, "relay_port"));
}

/* Waits about @ms milliseconds, the window's main loop running. */
static void
spin_for (guint ms)
{
  for (guint i = 0; i < ms / 10; i++)
    {
      g_usleep (10000);
      spin ();
    }
}

/* A warning appearing while the field is typed in waits for the typing to
 * pause, each key putting it off again, even though only the fields whose
 * finding changed are touched on a keystroke (issue 17). */
static void
test_warning_waits_typing (Fixture       *f,
                           gconstpointer  data)
{
  GtkWidget *sender = row (f, "root_sender");

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.page", "i", 2);
  spin ();
  g_assert_true (gtk_widget_grab_focus (sender));
  spin ();

  /* Not the gateway's domain: W3, the same words whatever the address.
   * One character typed at a time, as the keyboard does (set_text would
   * empty the field first). */
  set_text (f, "root_sender", "admin@autre-domaine.fr");
  spin_for (150);
  for (guint i = 0; i < 8; i++)
    {
      int position = (int) strlen (gtk_editable_get_text (GTK_EDITABLE (sender)));
      gint64 typed = g_get_monotonic_time ();
      gboolean shown;

      gtk_editable_insert_text (GTK_EDITABLE (sender), "x", 1, &position);
      spin_for (150);
      shown = caption_shown (f, "root_sender");
      /* A loaded machine may take longer than the delay (500 ms) to get
       * here: the warning is then right to show. */
      if (g_get_monotonic_time () - typed < 450 * G_TIME_SPAN_MILLISECOND)
        g_assert_false (shown);
      else
        g_test_message ("key %u: %.0f ms to check, longer than the delay", i,
                        (g_get_monotonic_time () - typed) / 1000.0);
    }
  /* The typing pauses: it shows. */
  spin_for (800);
  g_assert_true (caption_shown (f, "root_sender"));
  g_assert_nonnull (strstr (caption_text (f, "root_sender"), "ac-test.fr"));
}

static void
test_mode_remembered (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSettings) state = window_state ();
  MessagerieWindow *second;

  if (state == NULL)
    {
      g_test_skip ("the schema fr.eole.Messagerie is not found (GSETTINGS_SCHEMA_DIR)");
      return;
    }

  set_mode (f, "expert");
  g_assert_cmpstr (g_settings_get_string (state, "mode"), ==, "expert");

  /* A new window opens in the mode the last one was left in. */
  second = g_object_ref_sink (messagerie_window_new (NULL, f->root));
  g_assert_true (gtk_widget_get_visible (messagerie_window_get_row (second, "rewrite_headers")));
  gtk_window_destroy (GTK_WINDOW (second));
  g_object_unref (second);
}

static void
test_language (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));
  const char *label = gtk_button_get_label (GTK_BUTTON (apply_button (f)));
  g_autofree char *caption = NULL;
  const char *english;

  set_text (f, "mail_domain", "scribe.ac-test.fr");
  caption = g_strdup (caption_text (f, "mail_domain"));
  g_assert_cmpstr (caption, !=, "");

  /* The same message with no translation at all. */
  setlocale (LC_MESSAGES, "C");
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.revert", NULL);
  spin ();
  set_text (f, "mail_domain", "scribe.ac-test.fr");
  english = caption_text (f, "mail_domain");
  g_assert_cmpstr (english, !=, "");

  if (language != NULL && g_str_has_prefix (language, "fr"))
    {
      g_assert_cmpstr (label, ==, "A_ppliquer");
      g_assert_cmpstr (caption, !=, english);
    }
  else
    {
      g_assert_cmpstr (label, ==, "_Apply");
      g_assert_cmpstr (caption, ==, english);
    }

  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
}

static gboolean
window_open (Fixture *f)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean open = g_list_find (toplevels, f->window) != NULL;

  g_list_free (toplevels);
  return open;
}

/* The question asked on closing, among the toplevels. */
static AdwMessageDialog *
close_dialog (Fixture *f)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data)
        && gtk_window_get_transient_for (GTK_WINDOW (l->data)) == GTK_WINDOW (f->window))
      found = ADW_MESSAGE_DIALOG (l->data);
  g_list_free (toplevels);

  return found;
}

static void
test_close_unchanged (Fixture       *f,
                      gconstpointer  data)
{
  gtk_window_close (GTK_WINDOW (f->window));
  spin ();
  g_assert_null (close_dialog (f));
  g_assert_false (window_open (f));
}

static void
test_close_cancel (Fixture       *f,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;

  set_text (f, "mail_domain", "autre.ac-test.fr");
  gtk_window_close (GTK_WINDOW (f->window));
  spin ();

  dialog = close_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_true (window_open (f));
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
  g_assert_true (adw_message_dialog_has_response (dialog, "apply"));
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "fr")
                   ? "Abandonner les modifications non appliquées ?"
                   : "Discard unapplied changes?");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "discard"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);

  /* Escape closes the dialog, which answers its close response. */
  gtk_window_close (GTK_WINDOW (dialog));
  spin ();
  g_assert_null (close_dialog (f));
  g_assert_true (window_open (f));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, "mail_domain"))), ==,
                   "autre.ac-test.fr");
  g_assert_true (action_enabled (f, "revert"));
}

static void
test_close_discard (Fixture       *f,
                    gconstpointer  data)
{
  AdwMessageDialog *dialog;

  /* With an error standing, applying is not offered. */
  set_text (f, "mail_domain", "scribe.ac-test.fr");
  g_assert_true (has_error (f, "mail_domain"));
  gtk_window_close (GTK_WINDOW (f->window));
  spin ();

  dialog = close_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_has_response (dialog, "apply"));

  /* As its button does: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, "discard");
  if (close_dialog (f) != NULL)
    gtk_window_close (GTK_WINDOW (dialog));
  spin ();
  g_assert_null (close_dialog (f));
  g_assert_false (window_open (f));
}

static void
test_close_apply (Fixture       *f,
                  gconstpointer  data)
{
  AdwMessageDialog *dialog;
  g_autofree char *mailname = NULL;

  if (!helper_available ())
    return;

  set_text (f, "mail_domain", "college.ac-test.fr");
  gtk_window_close (GTK_WINDOW (f->window));
  spin ();
  dialog = close_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "apply"));

  /* Apply from the question: the window closes once the helper is done. */
  answer (dialog, "apply");
  g_assert_true (window_open (f));
  wait_idle (f);
  g_assert_false (window_open (f));
  mailname = root_file (f->root, "etc/mailname");
  g_assert_cmpstr (mailname, ==, "college.ac-test.fr\n");
}

/* The keyring cases run under tests/test-window-keyring.sh, which starts a
 * private session with a real gnome-keyring holding "demo-keyring" for
 * smtp.ac-test.fr and scribe (MESSAGERIE_TEST_KEYRING=working), or a bus
 * without any Secret Service or keyring in another failure mode
 * (MESSAGERIE_TEST_KEYRING=none, no-bus, never-unlocked, locked); main ()
 * registers only the cases of that mode. */

static const char *
password_text (Fixture *f)
{
  return gtk_editable_get_text (GTK_EDITABLE (row (f, "password")));
}

/* Until the password row says something else than that it is looking. */
static void
wait_keyring (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  /* The lookup starts after the first frame, or 300 ms after a change. */
  spin ();
  while (messagerie_window_keyring_busy (f->window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  spin ();
}

static char *
keyring_lookup_sync (const char *host,
                     const char *user)
{
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_sync (messagerie_keyring_get_schema (), NULL, &error,
                                                "relay-host", host, "relay-user", user, NULL);

  g_assert_no_error (error);
  return password;
}

static void
test_keyring_fill (Fixture       *f,
                   gconstpointer  data)
{
  wait_keyring (f);
  g_assert_cmpstr (password_text (f), ==, "demo-keyring");
  g_assert_false (caption_shown (f, "password"));
  /* Shown, not typed: nothing to apply. */
  g_assert_false (action_enabled (f, "apply"));

  /* Another login has no password in the keyring, nor on the server. */
  set_text (f, "relay_user", "autre");
  wait_keyring (f);
  g_assert_cmpstr (password_text (f), ==, "");
  g_assert_false (caption_shown (f, "password"));

  /* Back to the first: filled again. */
  set_text (f, "relay_user", "scribe");
  wait_keyring (f);
  g_assert_cmpstr (password_text (f), ==, "demo-keyring");
}

static void
test_keyring_server_note (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  wait_keyring (f);
  g_assert_cmpstr (password_text (f), ==, "demo-keyring");

  /* The keyring forgets it; the server still has it, as the helper's
   * index (etc/messagerie/relay-password in the demo) says: the row says
   * where the password is. */
  secret_password_clear_sync (messagerie_keyring_get_schema (), NULL, &error,
                              "relay-host", "smtp.ac-test.fr", "relay-user", "scribe", NULL);
  g_assert_no_error (error);
  set_text (f, "relay_user", "scrib");
  set_text (f, "relay_user", "scribe");
  wait_keyring (f);
  g_assert_cmpstr (password_text (f), ==, "");
  g_assert_true (caption_shown (f, "password"));
  g_assert_cmpstr (caption_text (f, "password"), ==, _("Password stored on the server"));
  /* Nothing typed: nothing to apply, the server keeps its password. */
  g_assert_false (action_enabled (f, "apply"));

  /* Another gateway: neither the keyring nor the server has one. */
  set_text (f, "relay_host", "smtp2.ac-test.fr");
  wait_keyring (f);
  g_assert_cmpstr (password_text (f), ==, "");
  g_assert_false (caption_shown (f, "password"));
}

static void
test_keyring_store_and_clear (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *stored = NULL;
  g_autofree char *passwd = NULL;

  if (!helper_available ())
    return;

  wait_keyring (f);
  set_text (f, "password", "nouveau:mot de passe");
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  assert_no_dialog (f);
  passwd = root_file (f->root, "etc/exim4/passwd.client");
  g_assert_nonnull (strstr (passwd, "smtp.ac-test.fr:scribe:nouveau:mot de passe\n"));

  /* Stored for this gateway and login, once the keyring answers. */
  for (int i = 0; i < 200 && (stored == NULL || !g_str_equal (stored, "nouveau:mot de passe")); i++)
    {
      g_clear_pointer (&stored, secret_password_free);
      spin ();
      g_usleep (10000);
      stored = keyring_lookup_sync ("smtp.ac-test.fr", "scribe");
    }
  g_assert_cmpstr (stored, ==, "nouveau:mot de passe");
  g_assert_cmpstr (password_text (f), ==, "nouveau:mot de passe");
  {
    g_autofree char *index = root_file (f->root, "etc/messagerie/relay-password");

    g_assert_true (messagerie_render_index_has_password (index, "smtp.ac-test.fr", "scribe"));
    g_assert_null (strstr (index, "nouveau"));
  }
  g_assert_false (action_enabled (f, "apply"));

  /* Authentication off and applied: the keyring forgets it. */
  set_switch (f, "relay_auth", FALSE);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  assert_no_dialog (f);
  for (int i = 0; i < 200 && stored != NULL; i++)
    {
      g_clear_pointer (&stored, secret_password_free);
      spin ();
      g_usleep (10000);
      stored = keyring_lookup_sync ("smtp.ac-test.fr", "scribe");
    }
  g_assert_null (stored);
}

/* Each way the keyring can be missing (tests/test-window-keyring.sh): the
 * problem the window must name, and whether it can know it before a
 * password is stored (a keyring never unlocked just finds nothing). */
static const struct {
  const char               *mode;
  MessagerieKeyringProblem  problem;
  gboolean                  known_at_lookup;
} keyring_failures[] = {
  { "none", MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, TRUE },
  { "no-bus", MESSAGERIE_KEYRING_PROBLEM_NO_BUS, TRUE },
  { "never-unlocked", MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION, FALSE },
  { "locked", MESSAGERIE_KEYRING_PROBLEM_LOCKED, TRUE },
};

static void
test_keyring_failure (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *passwd = NULL;
  const char *mode = g_getenv ("MESSAGERIE_TEST_KEYRING");
  const char *problem = NULL;
  gboolean known_at_lookup = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (keyring_failures); i++)
    if (g_strcmp0 (mode, keyring_failures[i].mode) == 0)
      {
        problem = messagerie_keyring_problem_message (keyring_failures[i].problem);
        known_at_lookup = keyring_failures[i].known_at_lookup;
      }
  /* tests/test-window-keyring.sh names one of keyring_failures. */
  g_assert_nonnull (problem);
  if (!helper_available ())
    return;

  /* The server has the demo gateway's password: that is what matters
   * while none is typed. */
  wait_keyring (f);
  g_assert_true (caption_shown (f, "password"));
  g_assert_cmpstr (caption_text (f, "password"), ==, _("Password stored on the server"));
  g_assert_false (has_error (f, "password"));

  /* Another gateway: no password anywhere, and the keyring cannot keep
   * one — said in the row, and nowhere else. */
  set_text (f, "relay_host", "smtp2.ac-test.fr");
  wait_keyring (f);
  if (known_at_lookup)
    g_assert_cmpstr (caption_text (f, "password"), ==, problem);
  else
    g_assert_false (caption_shown (f, "password"));
  g_assert_false (has_error (f, "password"));
  assert_no_dialog (f);

  /* Typed, the password still applies; the row says it was not
   * remembered. */
  set_text (f, "password", "tapé-à-la-main");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  assert_no_dialog (f);
  passwd = root_file (f->root, "etc/exim4/passwd.client");
  g_assert_nonnull (strstr (passwd, "smtp2.ac-test.fr:scribe:tapé-à-la-main\n"));
  /* Storing it failed, or was not tried: said in the row, once the
   * keyring answered. */
  for (int i = 0; i < 500 && g_strcmp0 (caption_text (f, "password"), problem) != 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpstr (caption_text (f, "password"), ==, problem);
  assert_no_dialog (f);
}

/* The connection test, with values of the form that were never applied:
 * against a real SMTP server (SMTPS on a port of its own, with a login),
 * and against a closed port. */
typedef struct {
  GSubprocess *process;
  char        *dir;
  guint        port;
} SmtpServer;

/* A test server dies with the test, even one stopped by a failed
 * assertion. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_server (GError **error,
              ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

static gboolean
smtp_server_start (SmtpServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "smtp-server.py", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  int status;

  if (!g_file_test ("/usr/bin/openssl", G_FILE_TEST_IS_EXECUTABLE)
      || !g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("needs openssl and Debian's python3 with aiosmtpd");
      return FALSE;
    }

  server->dir = g_dir_make_tmp ("messagerie-smtp-XXXXXX", &error);
  g_assert_no_error (error);
  cert = g_build_filename (server->dir, "cert.pem", NULL);
  key = g_build_filename (server->dir, "key.pem", NULL);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "/usr/bin/openssl", "req", "-x509",
                                                  "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                                  "-subj", "/CN=smtp.messagerie.test",
                                                  "-keyout", key, "-out", cert, NULL },
                               NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  server->process = spawn_server (&error,
                                  "/usr/bin/python3", script, "--host", "127.0.0.2",
                                  "--port", "0", "--mode", "smtps", "--cert", cert,
                                  "--key", key, "--user", "ecole", "--password", "bon:mot",
                                  "--hostname", "smtp.messagerie.test",
                                  "--outdir", server->dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "ready 127.0.0.2 "));
  server->port = (guint) g_ascii_strtoull (line + strlen ("ready 127.0.0.2 "), NULL, 10);
  g_assert_cmpuint (server->port, >, 0);
  return TRUE;
}

static void
smtp_server_stop (SmtpServer *server)
{
  g_autoptr(GFile) dir = NULL;

  if (server->process != NULL)
    {
      g_subprocess_send_signal (server->process, SIGTERM);
      g_subprocess_wait (server->process, NULL, NULL);
      g_clear_object (&server->process);
    }
  if (server->dir != NULL)
    {
      dir = g_file_new_for_path (server->dir);
      remove_tree (dir);
      g_clear_pointer (&server->dir, g_free);
    }
}

/* Runs the connection test and waits for its dialog. */
static AdwMessageDialog *
run_probe (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  AdwMessageDialog *dialog;

  g_assert_true (action_enabled (f, "probe"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.probe", NULL);
  while ((dialog = message_dialog (f)) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  spin ();
  return dialog;
}

/* A failed test: its dialog's body, the dialog closed. */
static char *
probe_failure (Fixture *f)
{
  AdwMessageDialog *dialog = run_probe (f);
  char *body = g_strdup (adw_message_dialog_get_body (dialog));

  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("The connection test failed"));
  g_assert_cmpstr (body, !=, "");
  g_test_message ("probe: %s", body);
  answer (dialog, "close");
  return body;
}

static GSubprocess *
raw_server_start (const char *mode,
                  guint      *port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "raw-server.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;

  process = spawn_server (&error, "/usr/bin/python3", script,
                          "--mode", mode, "--host", "127.0.0.2", "--port", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "ready 127.0.0.2 "));
  *port = (guint) g_ascii_strtoull (line + strlen ("ready 127.0.0.2 "), NULL, 10);
  return process;
}

static void
test_probe (Fixture       *f,
            gconstpointer  data)
{
  SmtpServer server = { 0 };
  g_autofree char *port = NULL;
  g_autoptr(GPtrArray) failure_bodies = NULL;
  g_autoptr(GSubprocess) raw = NULL;
  guint raw_port;
  AdwMessageDialog *dialog;
  const char *body;

  if (!smtp_server_start (&server))
    return;

  /* Typed, not applied. */
  port = g_strdup_printf ("%u", server.port);
  set_text (f, "relay_host", "smtp.messagerie.test");
  set_combo (f, "relay_tls", "custom");
  set_text (f, "relay_port", port);
  set_mode (f, "expert");
  set_switch (f, "relay_custom_implicit_tls", TRUE);
  set_switch (f, "relay_tls_verify", FALSE);
  set_text (f, "relay_user", "ecole");
  set_text (f, "password", "bon:mot");
  g_assert_true (action_enabled (f, "apply"));
  /* The test message goes through what is applied: not now. */
  g_assert_false (action_enabled (f, "test-mail"));

  dialog = run_probe (f);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("The gateway answered"));
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("probe: %s", body);
  g_assert_nonnull (strstr (body, "smtp.messagerie.test"));
  g_assert_nonnull (strstr (body, "TLS"));
  answer (dialog, "close");

  /* A wrong password: the server's refusal, said. */
  set_text (f, "password", "mauvais");
  dialog = run_probe (f);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("The connection test failed"));
  g_test_message ("probe: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "535"));
  answer (dialog, "close");

  /* Verified, the self-signed certificate is not trusted. */
  set_text (f, "password", "bon:mot");
  set_switch (f, "relay_tls_verify", TRUE);
  failure_bodies = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (failure_bodies, probe_failure (f));
  set_switch (f, "relay_tls_verify", FALSE);

  /* Nothing listens there. */
  smtp_server_stop (&server);
  g_ptr_array_add (failure_bodies, probe_failure (f));

  /* No such name. */
  set_text (f, "relay_host", "nonexistent.invalid");
  g_ptr_array_add (failure_bodies, probe_failure (f));

  /* Something that is no SMTP gateway: TLS fails, and in clear text it
   * does not speak SMTP. */
  raw = raw_server_start ("garbage", &raw_port);
  port = (g_free (port), g_strdup_printf ("%u", raw_port));
  set_text (f, "relay_host", "smtp.messagerie.test");
  set_text (f, "relay_port", port);
  g_ptr_array_add (failure_bodies, probe_failure (f));
  set_switch (f, "relay_custom_implicit_tls", FALSE);
  g_ptr_array_add (failure_bodies, probe_failure (f));
  g_subprocess_send_signal (raw, SIGTERM);
  g_subprocess_wait (raw, NULL, NULL);

  /* Each says something of its own. */
  for (guint i = 0; i < failure_bodies->len; i++)
    for (guint j = i + 1; j < failure_bodies->len; j++)
      g_assert_cmpstr (failure_bodies->pdata[i], !=, failure_bodies->pdata[j]);

  /* Nothing was applied by testing. */
  g_assert_true (action_enabled (f, "apply"));
}

static const char *
rewrite_note (Fixture *f)
{
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row (f, "rewrite_headers")));

  return subtitle ? subtitle : "";
}

static void
test_rewrite_note (Fixture       *f,
                   gconstpointer  data)
{
  /* monetab.ac-test.fr is not scribe.monetab.lan. */
  g_assert_cmpstr (rewrite_note (f), !=, "");

  set_text (f, "mail_domain", "Scribe.Monetab.lan");
  g_assert_cmpstr (rewrite_note (f), ==, "");

  set_text (f, "mail_domain", "monetab.ac-test.fr");
  g_assert_cmpstr (rewrite_note (f), !=, "");
}

/* The password never leaks from the window: a password typed, applied
 * through the real helper, once refused by a fault on the server and once
 * applied, appears in nothing logged (every level, debug included), in
 * nothing written to standard output or standard error (the window's, and
 * through them anything it starts), and in no label on screen. Keyring or
 * none: a keyring that cannot be reached is part of what may be logged. */

#define LEAK_CANARY       "Leak-Canary-7f3a:^ é"
#define LEAK_CANARY_ASCII "Leak-Canary-7f3a"

/* Everything logged while a case watches. */
static GString *logged;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (logged != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          g_string_append_printf (logged, "%s=", fields[i].key);
          if (fields[i].length < 0)
            g_string_append (logged, fields[i].value);
          else
            g_string_append_len (logged, fields[i].value, fields[i].length);
          g_string_append_c (logged, ' ');
        }
      g_string_append_c (logged, '\n');
      /* The debug messages asked for stay out of the TAP output. */
      if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
        return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* A file descriptor (standard output or error) read through a pipe by a
 * thread that passes everything on to where it went before, and keeps a
 * copy. */
typedef struct {
  int      fd;
  int      saved;
  int      pipe_out;
  GString *copy;
  GThread *thread;
} Tee;

static gpointer
tee_thread (gpointer data)
{
  Tee *tee = data;
  char buffer[4096];
  ssize_t n;

  while ((n = read (tee->pipe_out, buffer, sizeof buffer)) != 0)
    {
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      g_string_append_len (tee->copy, buffer, n);
      for (ssize_t done = 0, w; done < n; done += w)
        if ((w = write (tee->saved, buffer + done, n - done)) <= 0)
          break;
    }
  return NULL;
}

static void
tee_start (Tee *tee,
           int  fd)
{
  int fds[2];

  g_assert_cmpint (pipe (fds), ==, 0);
  tee->fd = fd;
  tee->saved = dup (fd);
  g_assert_cmpint (tee->saved, >=, 0);
  tee->pipe_out = fds[0];
  tee->copy = g_string_new (NULL);
  g_assert_cmpint (dup2 (fds[1], fd), ==, fd);
  close (fds[1]);
  tee->thread = g_thread_new ("tee", tee_thread, tee);
}

/* What went through, once the descriptor is back as it was. */
static char *
tee_stop (Tee *tee)
{
  /* The thread reads to the end once no descriptor of the pipe's
   * writing end is left: the only one is @fd now. */
  g_assert_cmpint (dup2 (tee->saved, tee->fd), ==, tee->fd);
  g_thread_join (tee->thread);
  close (tee->pipe_out);
  close (tee->saved);
  return g_string_free (tee->copy, FALSE);
}

/* @text holds the canary in any form leak_form () knows. */
static gboolean
holds_canary (const char *text,
              gsize       length)
{
  return leak_form (text, length, &(Canary) { LEAK_CANARY, LEAK_CANARY_ASCII }) != NULL;
}

static gboolean
label_holds_canary (const char *text,
                    gpointer    data)
{
  return holds_canary (text, strlen (text));
}

static void
assert_no_label_with_canary (void)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      const char *found = find_label (l->data, FALSE, label_holds_canary, NULL);

      if (found != NULL)
        g_error ("a label shows the password: %s", found);
    }
  g_list_free (toplevels);
}

static void
test_password_never_logged (Fixture       *f,
                            gconstpointer  data)
{
  static gboolean writer_set = FALSE;
  g_autofree char *dovecot = g_build_filename (f->root, "etc", "dovecot", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *log = NULL;
  g_autofree char *passwd = NULL;
  gboolean debug_was = g_log_get_debug_enabled ();
  AdwMessageDialog *dialog;
  Tee tee_out, tee_err;

  if (!helper_available ())
    return;

  /* Set once per process, it passes on what nobody watches. */
  if (!writer_set)
    g_log_set_writer_func (capture_writer, NULL, NULL);
  writer_set = TRUE;

  /* As G_MESSAGES_DEBUG=all would (g_setenv is not safe once GTK runs
   * threads); the writer sees every level anyway. */
  g_log_set_debug_enabled (TRUE);
  logged = g_string_new (NULL);
  fflush (stdout);
  fflush (stderr);
  tee_start (&tee_out, STDOUT_FILENO);
  tee_start (&tee_err, STDERR_FILENO);
  /* What is read is what is checked. */
  g_debug ("watching: debug-marker");
  fprintf (stderr, "# watching: stderr-marker\n");

  /* A fault the helper reports after reading the password: a file where
   * Dovecot's folder should be. The window says what failed. */
  g_assert_true (g_file_set_contents (dovecot, "not a folder\n", -1, NULL));
  set_text (f, "password", LEAK_CANARY);
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  dialog = message_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_false (holds_canary (adw_message_dialog_get_heading (dialog),
                                strlen (adw_message_dialog_get_heading (dialog))));
  g_assert_false (holds_canary (adw_message_dialog_get_body (dialog),
                                strlen (adw_message_dialog_get_body (dialog))));
  assert_no_label_with_canary ();
  answer (dialog, "close");

  /* The fault gone, the same password applies. */
  g_assert_cmpint (g_unlink (dovecot), ==, 0);
  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (row (f, "password"))), LEAK_CANARY))
    set_text (f, "password", LEAK_CANARY);
  g_assert_true (action_enabled (f, "apply"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  assert_no_dialog (f);
  /* Sent: this test would prove nothing otherwise. */
  passwd = root_file (f->root, "etc/exim4/passwd.client");
  g_assert_nonnull (strstr (passwd, "smtp.ac-test.fr:scribe:" LEAK_CANARY "\n"));
  assert_no_label_with_canary ();

  /* Another change, the password not typed again. */
  set_text (f, "mail_domain", "college.ac-test.fr");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.apply", NULL);
  wait_idle (f);
  assert_no_dialog (f);
  assert_no_label_with_canary ();

  fflush (stdout);
  fflush (stderr);
  err = tee_stop (&tee_err);
  out = tee_stop (&tee_out);
  log = g_string_free (g_steal_pointer (&logged), FALSE);
  g_log_set_debug_enabled (debug_was);

  g_assert_nonnull (strstr (log, "watching: debug-marker"));
  g_assert_nonnull (strstr (err, "# watching: stderr-marker\n"));
  if (holds_canary (log, strlen (log)))
    g_error ("the password was logged:\n%s", log);
  if (holds_canary (out, strlen (out)))
    g_error ("the password went to standard output:\n%s", out);
  if (holds_canary (err, strlen (err)))
    g_error ("the password went to standard error:\n%s", err);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("MESSAGERIE_LOCALEDIR");

  setlocale (LC_ALL, "");
  messagerie_core_init_i18n ();
  if (localedir != NULL && *localedir != '\0')
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/window/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  /* tests/test-window-keyring.sh runs the keyring cases alone, in a
   * session of their own. */
  if (g_getenv ("MESSAGERIE_TEST_KEYRING") != NULL)
    {
      if (g_str_equal (g_getenv ("MESSAGERIE_TEST_KEYRING"), "working"))
        {
          ADD ("keyring/fill", test_keyring_fill);
          ADD ("keyring/server-note", test_keyring_server_note);
          ADD ("keyring/store-and-clear", test_keyring_store_and_clear);
          /* With a keyring that stores and finds it. */
          ADD ("keyring/password-never-logged", test_password_never_logged);
        }
      else
        ADD ("keyring/failure", test_keyring_failure);
      return g_test_run ();
    }

  ADD ("initial-state", test_initial_state);
  ADD ("activity", test_activity);
  ADD ("error-and-apply", test_error_and_apply);
  ADD ("apply-lands", test_apply_lands);
  ADD ("review", test_review);
  ADD ("apply-error-on-row", test_apply_error_on_row);
  ADD ("restore", test_restore);
  ADD ("restore-choice", test_restore_choice);
  ADD ("relay-switch", test_relay_switch);
  ADD ("relay-port", test_relay_port);
  ADD ("relay-auth", test_relay_auth);
  ADD ("modes", test_modes);
  ADD ("revert", test_revert);
  ADD ("revert-not-ctrl-z", test_revert_not_ctrl_z);
  ADD ("attention", test_attention);
  ADD ("pages-deferred", test_pages_deferred);
  ADD ("warning-waits-typing", test_warning_waits_typing);
  ADD ("services-states", test_services_states);
  ADD ("apply-shows-first-error", test_apply_shows_first_error);
  ADD ("untouched-empty-neutral", test_untouched_empty_neutral);
  ADD ("untouched-empty-left", test_untouched_empty_left);
  ADD ("mode-remembered", test_mode_remembered);
  ADD ("language", test_language);
  ADD ("close-unchanged", test_close_unchanged);
  ADD ("close-cancel", test_close_cancel);
  ADD ("close-discard", test_close_discard);
  ADD ("close-apply", test_close_apply);
  ADD ("rewrite-note", test_rewrite_note);
  ADD ("password-never-logged", test_password_never_logged);
  ADD ("probe", test_probe);
#undef ADD

  return g_test_run ();
}
