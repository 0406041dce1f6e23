/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The rendering of what the services need outside exim's macros
 * (src/core/messagerie-render-services.c): Dovecot's delivery in exim's
 * router and transport blocks (non-split template) or files (split), the
 * route to Sympa and its domain, and nothing of it on a module without a
 * mail server or for a service that is not installed. */

#include <string.h>

#include "messagerie-core-private.h"
#include "messagerie-render.h"
#include "test-util.h"

static const char settings_conf[] =
  "[general]\n"
  "machine_name=scribe\n"
  "dns_domain=monetab.lan\n"
  "module=scribe\n"
  "[messagerie]\n"
  "mail_domain=monetab.ac-test.fr\n"
  "root_sender=admin@monetab.ac-test.fr\n"
  "root_recipient=root-mail@monetab.ac-test.fr\n"
  "relay_enabled=false\n"
  "mail_server=imap\n"
  "mailing_lists=true\n"
  "mailbox_quota_mb=1\n";

/* The lines of Debian's template the blocks go by, and around them. */
static const char template[] =
  "# exim4.conf.template\n"
  "begin routers\n"
  "COND_LOCAL_SUBMITTER = 1\n"
  "\n"
  "real_local:\n"
  "  driver = accept\n"
  "  transport = LOCAL_DELIVERY\n"
  "system_aliases:\n"
  "  driver = redirect\n"
  "local_user:\n"
  "  transport = LOCAL_DELIVERY\n"
  "begin transports\n"
  "mail_spool:\n"
  "  driver = appendfile\n"
  "begin retry\n";

static const char sympa_conf[] =
  "domain\tlocalhost.localdomain\n"
  "listmaster\tlistmaster@localhost.localdomain\n"
  "db_type\tSQLite\n"
  "db_passwd\tdatabase-secret\n";

typedef struct {
  MessagerieSettings *settings;
  GHashTable         *existing;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->settings = messagerie_settings_new_from_data (settings_conf, strlen (settings_conf), &error);
  g_assert_no_error (error);
  fixture->existing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_TEMPLATE), g_strdup (template));
  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_DOVECOT_DIR), g_strdup (""));
  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_SYMPA_CONF), g_strdup (sympa_conf));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->existing, g_hash_table_unref);
}

static GPtrArray *
render (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *files = messagerie_render (fixture->settings, fixture->existing, &error);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  return files;
}

/* Puts what @files writes in place, as apply would. */
static void
apply (Fixture   *fixture,
       GPtrArray *files)
{
  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);

      if (file->contents == NULL)
        g_hash_table_remove (fixture->existing, file->path);
      else
        g_hash_table_insert (fixture->existing, g_strdup (file->path), g_strdup (file->contents));
    }
}

/* The text between a "# BEGIN Messagerie" line and the next line of
 * @text after the block. */
static guint
count_blocks (const char *text)
{
  return test_count_lines (text, "# BEGIN Messagerie", TRUE);
}

static void
test_non_split (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) files = render (fixture);
  const char *text;
  const char *router;
  const char *transport;
  const char *sympa_router;
  const char *aliases;

  text = messagerie_rendered_files_find (files, MESSAGERIE_PATH_TEMPLATE)->contents;
  g_assert_cmpuint (count_blocks (text), ==, 2);
  assert_has_line (text, "LOCAL_DELIVERY == messagerie_dovecot");
  assert_has_line (text, "messagerie_dovecot:");
  assert_has_line (text, "  command = /usr/lib/dovecot/dovecot-lda -e");
  assert_has_line (text, "messagerie_sympa:");
  assert_has_line (text, "  domains = monetab.ac-test.fr");
  assert_has_line (text, "  data = ${lookup{$local_part}lsearch{/etc/mail/sympa/aliases}}");
  assert_has_line (text, "  user = sympa");

  /* The order exim reads them in: the redefinition and the lists' router
   * before every router of local domains (real_local uses LOCAL_DELIVERY,
   * system_aliases would take a list's name first), the transport in the
   * transports' section. */
  router = strstr (text, "LOCAL_DELIVERY ==");
  sympa_router = strstr (text, "messagerie_sympa:");
  aliases = strstr (text, "\nsystem_aliases:");
  transport = strstr (text, "\nmessagerie_dovecot:");
  g_assert_true (router < strstr (text, "\nreal_local:"));
  g_assert_true (sympa_router < strstr (text, "\nreal_local:") && sympa_router < aliases);
  g_assert_true (transport > strstr (text, "\nbegin transports") && transport < strstr (text, "\nbegin retry"));
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SPLIT_ROUTER));
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SPLIT_TRANSPORT));

  /* Sympa's domain is the mail domain, the rest of its file kept, and its
   * group may still read it. */
  text = messagerie_rendered_files_find (files, MESSAGERIE_PATH_SYMPA_CONF)->contents;
  assert_has_line (text, "domain\tmonetab.ac-test.fr");
  assert_no_line (text, "domain\tlocalhost.localdomain");
  assert_has_line (text, "listmaster\tlistmaster@localhost.localdomain");
  g_assert_cmpuint (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SYMPA_CONF)->mode, ==, 0640);
  g_assert_cmpstr (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SYMPA_CONF)->group, ==, "sympa");
  {
    g_autofree char *shown = messagerie_render_masked (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SYMPA_CONF));

    g_assert_null (strstr (shown, "database-secret"));
  }

  /* Applied, the same settings change none of these files again. */
  apply (fixture, files);
  {
    g_autoptr(GPtrArray) again = render (fixture);

    g_assert_null (messagerie_rendered_files_find (again, MESSAGERIE_PATH_TEMPLATE));
    g_assert_null (messagerie_rendered_files_find (again, MESSAGERIE_PATH_SYMPA_CONF));
  }
}

static void
test_switches (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) first = render (fixture);
  g_autoptr(GPtrArray) lists_off = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) all_off = NULL;
  const char *text;

  apply (fixture, first);

  /* Lists off: no route to Sympa, and its file is left alone. */
  messagerie_settings_set (fixture->settings, "mailing_lists", "false");
  lists_off = render (fixture);
  text = messagerie_rendered_files_find (lists_off, MESSAGERIE_PATH_TEMPLATE)->contents;
  g_assert_null (strstr (text, "messagerie_sympa"));
  assert_has_line (text, "LOCAL_DELIVERY == messagerie_dovecot");
  g_assert_null (messagerie_rendered_files_find (lists_off, MESSAGERIE_PATH_SYMPA_CONF));

  /* No mail server: exim delivers as Debian does; the fragment says so. */
  messagerie_settings_set (fixture->settings, "mailing_lists", "true");
  messagerie_settings_set (fixture->settings, "mail_server", "none");
  none = render (fixture);
  text = messagerie_rendered_files_find (none, MESSAGERIE_PATH_TEMPLATE)->contents;
  g_assert_null (strstr (text, "messagerie_dovecot"));
  g_assert_null (strstr (text, "LOCAL_DELIVERY =="));
  g_assert_nonnull (strstr (text, "messagerie_sympa:"));
  assert_has_line (messagerie_rendered_files_find (none, MESSAGERIE_PATH_DOVECOT)->contents, "protocols = none");

  /* Nothing needed: the template is Debian's bytes again. */
  messagerie_settings_set (fixture->settings, "mailing_lists", "false");
  all_off = render (fixture);
  g_assert_cmpstr (messagerie_rendered_files_find (all_off, MESSAGERIE_PATH_TEMPLATE)->contents, ==, template);
}

static void
test_not_installed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  const char *text;

  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_DOVECOT_DIR);
  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_SYMPA_CONF);
  files = render (fixture);
  /* Nothing to route to: the template is not even written. */
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_TEMPLATE));
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_DOVECOT));
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SYMPA_CONF));

  /* Sympa alone. */
  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_SYMPA_CONF), g_strdup (sympa_conf));
  g_clear_pointer (&files, g_ptr_array_unref);
  files = render (fixture);
  text = messagerie_rendered_files_find (files, MESSAGERIE_PATH_TEMPLATE)->contents;
  g_assert_nonnull (strstr (text, "messagerie_sympa:"));
  g_assert_null (strstr (text, "messagerie_dovecot"));
  g_assert_cmpuint (count_blocks (text), ==, 1);

  /* Sympa installed, its file unreadable to the user running render: the
   * route is shown, its file is not. */
  g_hash_table_remove (fixture->existing, MESSAGERIE_PATH_SYMPA_CONF);
  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_SYMPA_DIR), g_strdup (""));
  g_clear_pointer (&files, g_ptr_array_unref);
  files = render (fixture);
  g_assert_nonnull (strstr (messagerie_rendered_files_find (files, MESSAGERIE_PATH_TEMPLATE)->contents, "messagerie_sympa:"));
  g_assert_null (messagerie_rendered_files_find (files, MESSAGERIE_PATH_SYMPA_CONF));
}

static void
test_no_mail_server (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) first = render (fixture);
  g_autoptr(GPtrArray) amon = NULL;
  g_autoptr(GPtrArray) fresh = NULL;

  /* An earlier apply on a module with a mail server left its blocks. */
  apply (fixture, first);
  messagerie_settings_set (fixture->settings, "module", "amon");
  amon = render (fixture);
  g_assert_cmpstr (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_TEMPLATE)->contents, ==, template);
  g_assert_null (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_DOVECOT));
  g_assert_null (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_SYMPA_CONF));

  /* Never a mail server: nothing of this is written. */
  apply (fixture, amon);
  fresh = render (fixture);
  g_assert_null (messagerie_rendered_files_find (fresh, MESSAGERIE_PATH_TEMPLATE));
  g_assert_null (messagerie_rendered_files_find (fresh, MESSAGERIE_PATH_SPLIT_ROUTER));
  g_assert_null (messagerie_rendered_files_find (fresh, MESSAGERIE_PATH_SPLIT_TRANSPORT));
}

static void
test_split (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) non_split = render (fixture);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) amon = NULL;
  MessagerieRenderedFile *router;
  MessagerieRenderedFile *transport;
  char *split_conf;

  /* Non-split first, then split: the template's blocks go. */
  apply (fixture, non_split);
  split_conf = g_strdup_printf ("%s", "dc_use_split_config='true'\n");
  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_UPDATE_CONF), split_conf);
  files = render (fixture);
  router = messagerie_rendered_files_find (files, MESSAGERIE_PATH_SPLIT_ROUTER);
  transport = messagerie_rendered_files_find (files, MESSAGERIE_PATH_SPLIT_TRANSPORT);
  g_assert_nonnull (router);
  g_assert_nonnull (transport);
  assert_has_line (router->contents, "LOCAL_DELIVERY == messagerie_dovecot");
  assert_has_line (router->contents, "messagerie_sympa:");
  assert_has_line (transport->contents, "messagerie_dovecot:");
  g_assert_cmpuint (router->mode, ==, 0644);
  g_assert_cmpstr (messagerie_rendered_files_find (files, MESSAGERIE_PATH_TEMPLATE)->contents, ==, template);

  /* Not needed any more: the files are removed. */
  apply (fixture, files);
  messagerie_settings_set (fixture->settings, "module", "amon");
  amon = render (fixture);
  g_assert_nonnull (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_SPLIT_ROUTER));
  g_assert_null (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_SPLIT_ROUTER)->contents);
  g_assert_null (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_SPLIT_TRANSPORT)->contents);
  g_assert_null (messagerie_rendered_files_find (amon, MESSAGERIE_PATH_TEMPLATE));
}

static void
test_template_without_anchor (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_hash_table_insert (fixture->existing, g_strdup (MESSAGERIE_PATH_TEMPLATE),
                       g_strdup ("begin routers\nlocal_user:\n  driver = accept\n"));
  files = messagerie_render (fixture->settings, fixture->existing, &error);
  g_assert_null (files);
  g_assert_error (error, MESSAGERIE_RENDER_ERROR, MESSAGERIE_RENDER_ERROR_TEMPLATE);
}

static void
test_dovecot_fragment (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) files = render (fixture);
  const char *text = messagerie_rendered_files_find (files, MESSAGERIE_PATH_DOVECOT)->contents;

  assert_has_line (text, "protocols = imap");
  assert_has_line (text, "mail_location = maildir:~/Maildir");
  /* The old mbox, readable. */
  assert_has_line (text, "  location = mbox:~/mail:INBOX=/var/mail/%u");
  assert_has_line (text, "  quota = maildir:User quota:ns=");
  assert_has_line (text, "  quota_rule = *:storage=1M");
  assert_has_line (text, "    mode = 0666");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/render-services/non-split", test_non_split);
  ADD ("/render-services/switches", test_switches);
  ADD ("/render-services/not-installed", test_not_installed);
  ADD ("/render-services/no-mail-server", test_no_mail_server);
  ADD ("/render-services/split", test_split);
  ADD ("/render-services/template-without-anchor", test_template_without_anchor);
  ADD ("/render-services/dovecot-fragment", test_dovecot_fragment);

#undef ADD

  return g_test_run ();
}
