/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The window's editor without any widget: what a field shows for a key
 * (held back while untouched and empty), when Apply can go, what the
 * helper refused and how long it stands, the keyring's password and the
 * form the connection tests use. */

#include <string.h>

#include "messagerie-editor.h"

#define DEMO SRCDIR "/data/demo/scribe/etc/messagerie/messagerie.conf"

typedef struct {
  MessagerieEditor *editor;
  guint             refreshed;
  GPtrArray        *changed;
} Fixture;

static void
on_refreshed (MessagerieEditor *editor,
              Fixture          *f)
{
  f->refreshed++;
}

static void
on_key_changed (MessagerieEditor *editor,
                const char       *key,
                Fixture          *f)
{
  g_ptr_array_add (f->changed, g_strdup (key));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MessagerieSettings *on_disk = messagerie_settings_new ();
  guint n_keys;
  const MessagerieKey *keys = messagerie_settings_keys (&n_keys);

  g_assert_true (messagerie_settings_load_file (on_disk, DEMO, &error));
  g_assert_no_error (error);
  f->editor = messagerie_editor_new (on_disk);
  for (guint i = 0; i < n_keys; i++)
    if (g_str_equal (keys[i].group, "messagerie"))
      messagerie_editor_add_field_key (f->editor, keys[i].name);
  messagerie_editor_add_field_key (f->editor, "password");
  f->changed = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->editor, "refreshed", G_CALLBACK (on_refreshed), f);
  g_signal_connect (f->editor, "key-changed", G_CALLBACK (on_key_changed), f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_assert_finalize_object (f->editor);
  g_ptr_array_unref (f->changed);
}

static MessagerieSettings *
settings (Fixture *f)
{
  return messagerie_editor_get_settings (f->editor);
}

static void
test_untouched (Fixture       *f,
                gconstpointer  data)
{
  g_assert_false (messagerie_editor_get_has_changes (f->editor));
  g_assert_false (messagerie_editor_get_can_apply (f->editor));
  g_assert_null (messagerie_editor_get_finding (f->editor, "mail_domain"));

  /* A change the rules accept: Apply can go; the field's key was said. */
  messagerie_settings_set (settings (f), "root_sender_name", "Serveur du collège");
  g_assert_true (messagerie_editor_get_has_changes (f->editor));
  g_assert_true (messagerie_editor_get_can_apply (f->editor));
  g_assert_cmpuint (f->refreshed, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->changed, 0), ==, "root_sender_name");

  messagerie_editor_revert (f->editor);
  g_assert_false (messagerie_editor_get_has_changes (f->editor));
  g_assert_cmpstr (g_ptr_array_index (f->changed, 1), ==, "*");
}

static void
test_held_back (Fixture       *f,
                gconstpointer  data)
{
  const MessagerieFinding *finding;

  /* Emptied by a load, never touched: neutral, and Apply is not held back
   * by an error nobody sees... */
  messagerie_settings_set (settings (f), "root_recipient", "");
  finding = messagerie_editor_get_finding (f->editor, "root_recipient");
  g_assert_null (finding);
  g_assert_false (messagerie_editor_error_shown (f->editor));
  g_assert_true (messagerie_editor_get_can_apply (f->editor));

  /* ...until it is left, or an apply is tried. */
  messagerie_editor_touch (f->editor, "root_recipient");
  finding = messagerie_editor_get_finding (f->editor, "root_recipient");
  g_assert_nonnull (finding);
  g_assert_cmpint (finding->severity, ==, MESSAGERIE_SEVERITY_ERROR);
  g_assert_true (messagerie_editor_error_shown (f->editor));
  g_assert_false (messagerie_editor_get_can_apply (f->editor));

  messagerie_editor_revert (f->editor);
  messagerie_settings_set (settings (f), "root_recipient", "");
  g_assert_false (messagerie_editor_error_shown (f->editor));
  messagerie_editor_touch_all (f->editor);
  g_assert_true (messagerie_editor_error_shown (f->editor));
}

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  messagerie_settings_set (settings (f), "max_message_size_mb", "25");
  g_assert_true (messagerie_editor_get_can_apply (f->editor));
  messagerie_editor_set_busy (f->editor, TRUE);
  g_assert_false (messagerie_editor_get_can_apply (f->editor));
  messagerie_editor_set_busy (f->editor, FALSE);
  g_assert_true (messagerie_editor_get_can_apply (f->editor));

  /* Applied: what was edited is what is on disk. */
  messagerie_editor_applied (f->editor);
  g_assert_false (messagerie_editor_get_has_changes (f->editor));
  g_assert_cmpstr (messagerie_settings_get (messagerie_editor_get_on_disk (f->editor),
                                            "max_message_size_mb"), ==, "25");
}

static void
test_helper_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();
  const MessagerieFinding *finding;

  messagerie_report_add_line (report, "failed\tcheck\trelay_host\texim refused the gateway");
  messagerie_report_add_line (report, "error\tunknown_key\tE1\tnot a field");

  g_assert_true (messagerie_editor_take_helper_errors (f->editor, report));
  finding = messagerie_editor_get_finding (f->editor, "relay_host");
  g_assert_nonnull (finding);
  g_assert_cmpstr (finding->message, ==, "exim refused the gateway");
  g_assert_null (messagerie_editor_get_finding (f->editor, "unknown_key"));
  g_assert_true (messagerie_editor_error_shown (f->editor));

  /* Another key's change leaves it; its own value changed answers it. */
  messagerie_settings_set (settings (f), "relay_user", "scribe2");
  g_assert_nonnull (messagerie_editor_get_finding (f->editor, "relay_host"));
  messagerie_settings_set (settings (f), "relay_host", "smtp2.ac-test.fr");
  g_assert_null (messagerie_editor_get_finding (f->editor, "relay_host"));
  g_assert_false (messagerie_editor_error_shown (f->editor));
}

static void
test_password (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(MessagerieSettings) form = NULL;

  messagerie_editor_set_stored_password (f->editor, "du trousseau");
  g_assert_cmpstr (g_ptr_array_index (f->changed, 0), ==, "password");

  /* The keyring's own password typed again is no new password. */
  messagerie_editor_set_password (f->editor, "du trousseau");
  g_assert_null (messagerie_settings_get_password (settings (f)));
  g_assert_false (messagerie_editor_get_has_changes (f->editor));

  /* The form the tests use carries the keyring's... */
  form = messagerie_editor_dup_form (f->editor);
  g_assert_cmpstr (messagerie_settings_get_password (form), ==, "du trousseau");
  g_clear_object (&form);

  /* ...or the one typed, which is a change. */
  messagerie_editor_set_password (f->editor, "nouveau");
  g_assert_cmpstr (messagerie_settings_get_password (settings (f)), ==, "nouveau");
  g_assert_true (messagerie_editor_get_has_changes (f->editor));
  form = messagerie_editor_dup_form (f->editor);
  g_assert_cmpstr (messagerie_settings_get_password (form), ==, "nouveau");

  /* Applied, the working copy forgets it. */
  messagerie_editor_applied (f->editor);
  g_assert_null (messagerie_settings_get_password (settings (f)));
}

static void
on_finding_changed (MessagerieEditor *editor,
                    const char       *key,
                    GPtrArray        *keys)
{
  g_ptr_array_add (keys, g_strdup (key));
}

/* Only the keys whose field shows something else are said: a keystroke
 * that changes no finding touches no field. */
static void
test_finding_changed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) domain = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (f->editor, "finding-changed", G_CALLBACK (on_finding_changed), keys);
  g_signal_connect (f->editor, "finding-changed::mail_domain",
                    G_CALLBACK (on_finding_changed), domain);

  /* The first refresh after the fields were added says every one. */
  messagerie_settings_set (settings (f), "root_sender_name", "Serveur du collège");
  g_assert_cmpuint (keys->len, >=, 10);
  g_ptr_array_set_size (keys, 0);
  g_ptr_array_set_size (domain, 0);

  /* Nothing shown changes: nothing said. */
  messagerie_settings_set (settings (f), "root_sender_name", "Serveur Scribe");
  messagerie_settings_set (settings (f), "mail_domain", "monetab.ac-test.frabcd");
  g_assert_cmpuint (f->refreshed, ==, 3);
  g_assert_cmpuint (keys->len, ==, 0);

  /* An error comes, and goes: its key, once each time, by its detail. */
  messagerie_settings_set (settings (f), "mail_domain", "monetab.ac-test.frabcd.");
  g_assert_cmpuint (domain->len, ==, 1);
  g_assert_true (g_ptr_array_find_with_equal_func (keys, "mail_domain", g_str_equal, NULL));
  messagerie_settings_set (settings (f), "mail_domain", "monetab.ac-test.frabcd.a");
  g_assert_cmpuint (domain->len, ==, 2);
  g_ptr_array_set_size (keys, 0);

  /* A key out of use is said too: its row hides. */
  messagerie_settings_set (settings (f), "relay_enabled", "false");
  g_assert_true (g_ptr_array_find_with_equal_func (keys, "relay_host", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (keys, "mail_domain", g_str_equal, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/editor/untouched", test_untouched);
  ADD ("/editor/held-back", test_held_back);
  ADD ("/editor/busy", test_busy);
  ADD ("/editor/helper-errors", test_helper_errors);
  ADD ("/editor/password", test_password);
  ADD ("/editor/finding-changed", test_finding_changed);
#undef ADD

  return g_test_run ();
}
