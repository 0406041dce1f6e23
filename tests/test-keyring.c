/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The keyring module against a real gnome-keyring, and in each way the
 * keyring can be missing. Every mode needs its own session (no bus, a bus
 * without a Secret Service, a locked keyring, ...): tests/test-keyring.sh
 * prepares one per mode and runs `test-keyring MODE --tap` in it. */

#include <locale.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "messagerie-keyring.h"

#define SCHEMA_NAME "fr.eole.Messagerie.Relay"
#define SECRETS_NAME "org.freedesktop.secrets"

/* How long a failure may take before it counts as a hang. */
#define NO_BUS_SECONDS 5.0
#define SERVICE_SECONDS 10.0

typedef struct {
  const char *host;
  const char *user;
} Account;

static const Account alice = { "smtp.example.org", "alice" };
static const Account bob = { "smtp.example.org", "bob" };
static const Account alice_elsewhere = { "relay.example.net", "alice" };
static const Account ipv6 = { "2001:db8::25", "admin@ac-test.fr" };
static const Account never_stored = { "smtp.example.org", "nobody" };

/* ------------------------------------------------------------------------
 * The module's asynchronous calls, waited for on the main context */

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static char *
lookup (const Account  *account,
        GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  messagerie_keyring_lookup_async (account->host, account->user, NULL, on_result, &result);
  return messagerie_keyring_lookup_finish (wait_for (&result), error);
}

static gboolean
store (const Account  *account,
       const char     *password,
       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  messagerie_keyring_store_async (account->host, account->user, password, NULL,
                                  on_result, &result);
  return messagerie_keyring_store_finish (wait_for (&result), error);
}

static gboolean
clear (const Account  *account,
       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  messagerie_keyring_clear_async (account->host, account->user, NULL, on_result, &result);
  return messagerie_keyring_clear_finish (wait_for (&result), error);
}

static void
assert_stored (const Account *account,
               const char    *expected)
{
  g_autoptr(GError) error = NULL;
  char *password = lookup (account, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  secret_password_free (password);
}

static void
assert_none (const Account *account)
{
  assert_stored (account, NULL);
}

static void
store_ok (const Account *account,
          const char    *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store (account, password, &error));
  g_assert_no_error (error);
}

static void
clear_ok (const Account *account)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (clear (account, &error));
  g_assert_no_error (error);
}

/* The items stored for @account, locked or not, as the keyring lists them. */
static GList *
search_items (const Account *account)
{
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (messagerie_keyring_get_schema (), SECRET_SEARCH_ALL,
                                       NULL, &error,
                                       "relay-host", account->host,
                                       "relay-user", account->user,
                                       NULL);
  g_assert_no_error (error);
  return items;
}

/* The object path of the collection the alias "default" names. */
static char *
default_collection_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  return g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)));
}

/* ------------------------------------------------------------------------
 * Languages */

static void
use_english (void)
{
  g_unsetenv ("LANGUAGE");
  /* Setting the locale again also makes gettext forget what it looked up
   * in the other language. */
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    setlocale (LC_ALL, "C");
}

/* FALSE, and the case skipped, without the catalogue built from po/fr.po. */
static gboolean
use_french (void)
{
  const char *localedir = g_getenv ("MESSAGERIE_BUILD_LOCALEDIR");
  g_autofree char *catalogue = NULL;

  if (localedir == NULL)
    {
      g_test_skip ("MESSAGERIE_BUILD_LOCALEDIR is not set");
      return FALSE;
    }
  catalogue = g_build_filename (localedir, "fr", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (catalogue, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the French catalogue is not built");
      return FALSE;
    }
  g_setenv ("LANGUAGE", "fr", TRUE);
  /* gettext never translates in the C locale, whatever LANGUAGE says. */
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      use_english ();
      g_test_skip ("no C.UTF-8 locale");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Mode "working": a gnome-keyring unlocked at start, as after a login */

static void
test_round_trip (void)
{
  g_autolist(GObject) items = NULL;

  assert_none (&alice);
  store_ok (&alice, "first-password");
  assert_stored (&alice, "first-password");

  /* Storing again replaces: one item, the new password. */
  store_ok (&alice, "second-password");
  assert_stored (&alice, "second-password");
  items = search_items (&alice);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  clear_ok (&alice);
  assert_none (&alice);
}

static void
test_accounts_apart (void)
{
  store_ok (&alice, "password-of-alice");
  store_ok (&bob, "password-of-bob");
  store_ok (&alice_elsewhere, "password-of-alice-elsewhere");

  assert_stored (&alice, "password-of-alice");
  assert_stored (&bob, "password-of-bob");
  assert_stored (&alice_elsewhere, "password-of-alice-elsewhere");

  clear_ok (&alice);
  assert_none (&alice);
  assert_stored (&bob, "password-of-bob");
  assert_stored (&alice_elsewhere, "password-of-alice-elsewhere");

  clear_ok (&bob);
  clear_ok (&alice_elsewhere);
  assert_none (&bob);
  assert_none (&alice_elsewhere);
}

static void
test_nothing_stored (void)
{
  /* Clearing what is not there is success, as is clearing twice. */
  assert_none (&never_stored);
  clear_ok (&never_stored);
  clear_ok (&never_stored);
  assert_none (&never_stored);
}

static void
test_special_password (void)
{
  g_autoptr(GString) built = g_string_new (NULL);
  g_autofree char *password = NULL;

  while (g_utf8_strlen (built->str, -1) < 200)
    g_string_append (built, "p:a\"s's \\w%sö€日本;=#");
  password = g_strndup (built->str, g_utf8_offset_to_pointer (built->str, 200) - built->str);
  g_assert_cmpint (g_utf8_strlen (password, -1), ==, 200);

  store_ok (&ipv6, password);
  assert_stored (&ipv6, password);
  clear_ok (&ipv6);
  assert_none (&ipv6);
  secret_password_wipe (password);
}

static void
assert_item (const Account *account,
             const char    *label)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autolist(GObject) items = search_items (account);
  g_autofree char *item_label = NULL;
  g_autofree char *collection = NULL;
  g_autofree char *prefix = NULL;
  SecretRetrievable *item;

  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;

  item_label = secret_retrievable_get_label (item);
  g_assert_cmpstr (item_label, ==, label);

  attributes = secret_retrievable_get_attributes (item);
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, SCHEMA_NAME);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "relay-host"), ==, account->host);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "relay-user"), ==, account->user);

  /* In the collection the alias "default" names. */
  collection = default_collection_path ();
  prefix = g_strconcat (collection, "/", NULL);
  g_test_message ("item %s", g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)));
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)), prefix));
}

static void
test_item (void)
{
  store_ok (&alice, "password-of-alice");
  assert_item (&alice, "Password of the SMTP gateway smtp.example.org for alice");
  clear_ok (&alice);
}

static void
test_item_french (void)
{
  if (!use_french ())
    return;
  store_ok (&bob, "password-of-bob");
  use_english ();
  assert_item (&bob, "Mot de passe de la passerelle SMTP smtp.example.org pour bob");
  clear_ok (&bob);
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  store_ok (&alice, "password-of-alice");
  g_cancellable_cancel (cancellable);
  messagerie_keyring_lookup_async (alice.host, alice.user, cancellable, on_result, &result);
  password = messagerie_keyring_lookup_finish (wait_for (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (password);
  g_assert_cmpint (messagerie_keyring_classify_error (error), ==, MESSAGERIE_KEYRING_PROBLEM_OTHER);
  clear_ok (&alice);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Reported, not asserted: how long the window waits for a stored password. */
static void
test_lookup_time (void)
{
  double times[20];

  store_ok (&alice, "password-of-alice");
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();

      assert_stored (&alice, "password-of-alice");
      times[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (times, G_N_ELEMENTS (times), sizeof times[0], compare_doubles);
  g_test_message ("lookup time over %u lookups: median %.2f ms, min %.2f ms, max %.2f ms",
                  (guint) G_N_ELEMENTS (times),
                  (times[9] + times[10]) / 2, times[0], times[G_N_ELEMENTS (times) - 1]);

  /* Nothing stored costs one more search (for a locked item). */
  clear_ok (&alice);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();

      assert_none (&alice);
      times[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (times, G_N_ELEMENTS (times), sizeof times[0], compare_doubles);
  g_test_message ("lookup time with nothing stored: median %.2f ms, min %.2f ms, max %.2f ms",
                  (times[9] + times[10]) / 2, times[0], times[G_N_ELEMENTS (times) - 1]);
}

/* ------------------------------------------------------------------------
 * The failure modes, one operation per case */

typedef enum {
  LOOKUP,
  STORE,
  CLEAR,
} Operation;

/* Instead of a problem: the operation succeeds, finding nothing (lookup)
 * or nothing to remove (clear). */
#define NOTHING (-1)

typedef struct {
  const char    *path;
  Operation      operation;
  const Account *account;
  int            expected;
  double         seconds;
} FailureCase;

static const FailureCase failure_cases[] = {
  /* Not even a session bus. */
  { "/keyring/no-bus/lookup", LOOKUP, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_BUS, NO_BUS_SECONDS },
  { "/keyring/no-bus/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_BUS, NO_BUS_SECONDS },
  { "/keyring/no-bus/clear", CLEAR, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_BUS, NO_BUS_SECONDS },

  /* A bus that cannot start any Secret Service. */
  { "/keyring/no-service/lookup", LOOKUP, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, SERVICE_SECONDS },
  { "/keyring/no-service/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, SERVICE_SECONDS },
  { "/keyring/no-service/clear", CLEAR, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, SERVICE_SECONDS },

  /* A bus whose Secret Service fails to start. */
  { "/keyring/broken-service/lookup", LOOKUP, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, SERVICE_SECONDS },
  { "/keyring/broken-service/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, SERVICE_SECONDS },
  { "/keyring/broken-service/clear", CLEAR, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE, SERVICE_SECONDS },

  /* gnome-keyring started without a login password and no display to ask
   * for one: no login keyring. Nothing can be stored, so nothing is. */
  { "/keyring/never-unlocked/lookup", LOOKUP, &alice, NOTHING, SERVICE_SECONDS },
  { "/keyring/never-unlocked/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION, SERVICE_SECONDS },
  { "/keyring/never-unlocked/clear", CLEAR, &alice, NOTHING, SERVICE_SECONDS },

  /* The same gnome-keyring, started by D-Bus activation when asked. */
  { "/keyring/activated/lookup", LOOKUP, &alice, NOTHING, SERVICE_SECONDS },
  { "/keyring/activated/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION, SERVICE_SECONDS },
  { "/keyring/activated/clear", CLEAR, &alice, NOTHING, SERVICE_SECONDS },

  /* A password stored, then its keyring locked (after /keyring/locked/setup):
   * unlocking would need a prompt, which cannot be shown. */
  { "/keyring/locked/lookup", LOOKUP, &alice, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/locked/lookup-none", LOOKUP, &never_stored, NOTHING, SERVICE_SECONDS },
  { "/keyring/locked/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/locked/store-new", STORE, &bob, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/locked/clear", CLEAR, &alice, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/locked/clear-none", CLEAR, &never_stored, NOTHING, SERVICE_SECONDS },

  /* The keyring of /keyring/refused-seed, its daemon started again with a
   * wrong login password: it stays locked from the start. */
  { "/keyring/refused/lookup", LOOKUP, &alice, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/refused/lookup-none", LOOKUP, &never_stored, NOTHING, SERVICE_SECONDS },
  { "/keyring/refused/store", STORE, &alice, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/refused/store-new", STORE, &bob, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/refused/clear", CLEAR, &alice, MESSAGERIE_KEYRING_PROBLEM_LOCKED, SERVICE_SECONDS },
  { "/keyring/refused/clear-none", CLEAR, &never_stored, NOTHING, SERVICE_SECONDS },
};

static void
test_failure (gconstpointer data)
{
  const FailureCase *fc = data;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;
  gboolean ok = FALSE;
  char *password = NULL;

  switch (fc->operation)
    {
    case LOOKUP:
      password = lookup (fc->account, &error);
      /* No password can come out of any of these modes. */
      g_assert_null (password);
      ok = error == NULL;
      break;
    case STORE:
      ok = store (fc->account, "password", &error);
      break;
    case CLEAR:
      ok = clear (fc->account, &error);
      break;
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (error != NULL)
    g_test_message ("%.3f s: %s %d: %s", seconds,
                    g_quark_to_string (error->domain), error->code, error->message);
  else
    g_test_message ("%.3f s: no error", seconds);
  g_assert_cmpfloat (seconds, <, fc->seconds);

  if (fc->expected == NOTHING)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      MessagerieKeyringProblem problem;

      g_assert_false (ok);
      g_assert_nonnull (error);
      problem = messagerie_keyring_classify_error (error);
      g_test_message ("problem %d: %s", problem, messagerie_keyring_problem_message (problem));
      g_assert_cmpint (problem, ==, fc->expected);
      g_assert_cmpstr (messagerie_keyring_problem_message (problem), !=, "");
    }
}

/* The locked session's starting point: a password stored, then the
 * keyring locked over D-Bus, as the screen lock or Seahorse would. */
static void
test_locked_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **locked = NULL;
  g_autofree char *path = NULL;
  const char *prompt;

  store_ok (&alice, "password-of-alice");
  assert_stored (&alice, "password-of-alice");

  path = default_collection_path ();
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(^ao)", (const char *const[]) { path, NULL }),
                                       G_VARIANT_TYPE ("(aoo)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(^a&o&o)", &locked, &prompt);
  g_assert_true (g_strv_contains (locked, path));
  g_assert_cmpstr (prompt, ==, "/");
}

/* The first session of mode "refused": a password stored in a keyring
 * that the next session's daemon will not unlock. */
static void
test_refused_seed (void)
{
  store_ok (&alice, "password-of-alice");
  assert_stored (&alice, "password-of-alice");
}

/* ------------------------------------------------------------------------
 * Messages */

static void
test_messages (void)
{
  const MessagerieKeyringProblem problems[] = {
    MESSAGERIE_KEYRING_PROBLEM_NO_BUS,
    MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE,
    MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION,
    MESSAGERIE_KEYRING_PROBLEM_LOCKED,
    MESSAGERIE_KEYRING_PROBLEM_OTHER,
  };
  char *english[G_N_ELEMENTS (problems)] = { NULL };

  use_english ();
  for (guint i = 0; i < G_N_ELEMENTS (problems); i++)
    {
      english[i] = g_strdup (messagerie_keyring_problem_message (problems[i]));
      g_assert_cmpstr (english[i], !=, "");
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (english[i], !=, english[j]);
    }

  if (!use_french ())
    goto out;
  for (guint i = 0; i < G_N_ELEMENTS (problems); i++)
    {
      const char *french = messagerie_keyring_problem_message (problems[i]);

      g_test_message ("%s / %s", english[i], french);
      g_assert_cmpstr (french, !=, "");
      g_assert_cmpstr (french, !=, english[i]);
    }

out:
  use_english ();
  for (guint i = 0; i < G_N_ELEMENTS (problems); i++)
    g_free (english[i]);
}

/* ------------------------------------------------------------------------ */

typedef struct {
  const char *mode;
  const char *path;
  GTestFunc   func;
} ModeCase;

static const ModeCase mode_cases[] = {
  { "working", "/keyring/working/round-trip", test_round_trip },
  { "working", "/keyring/working/accounts-apart", test_accounts_apart },
  { "working", "/keyring/working/nothing-stored", test_nothing_stored },
  { "working", "/keyring/working/special-password", test_special_password },
  { "working", "/keyring/working/item", test_item },
  { "working", "/keyring/working/item-french", test_item_french },
  { "working", "/keyring/working/cancelled", test_cancelled },
  { "working", "/keyring/working/lookup-time", test_lookup_time },
  { "no-bus", "/keyring/no-bus/messages", test_messages },
  { "locked", "/keyring/locked/setup", test_locked_setup },
  { "refused-seed", "/keyring/refused-seed/store", test_refused_seed },
};

static const char *const modes[] = {
  "working", "no-bus", "no-service", "broken-service", "never-unlocked",
  "activated", "locked", "refused-seed", "refused",
};

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("MESSAGERIE_BUILD_LOCALEDIR");
  g_autofree char *prefix = NULL;
  const char *mode;

  use_english ();
  if (localedir != NULL && *localedir != '\0')
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  mode = argc == 2 ? argv[1] : NULL;
  if (mode == NULL || !g_strv_contains (modes, mode))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) modes);

      g_printerr ("Usage: %s MODE [GTEST OPTION...]\n"
                  "MODE is one of %s; each needs its own session, which "
                  "tests/test-keyring.sh prepares.\n", g_get_prgname (), list);
      return 2;
    }
  prefix = g_strconcat ("/keyring/", mode, "/", NULL);

  /* Setup cases first: the others of a mode depend on them. */
  for (guint i = 0; i < G_N_ELEMENTS (mode_cases); i++)
    if (g_str_equal (mode_cases[i].mode, mode))
      g_test_add_func (mode_cases[i].path, mode_cases[i].func);
  for (guint i = 0; i < G_N_ELEMENTS (failure_cases); i++)
    if (g_str_has_prefix (failure_cases[i].path, prefix))
      g_test_add_data_func (failure_cases[i].path, &failure_cases[i], test_failure);

  return g_test_run ();
}
