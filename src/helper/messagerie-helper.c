/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "messagerie-activity.h"
#include "messagerie-core.h"
#include "messagerie-helper-codes.h"
#include "messagerie-testmail.h"
#include "messagerie-transaction.h"

typedef struct {
  const char *root;
  guint       lock_timeout;
  /* probe's, for the whole test. */
  guint       timeout;
  const char *verb;
  /* restore's backup name. */
  const char *argument;
  /* deliveries': how many. */
  guint       last;
  /* queue-retry and queue-delete: the message ids, NULL-terminated; and
   * queue-retry --all. */
  GPtrArray  *ids;
  gboolean    all;
  /* "monitor VERB": the reading verbs under polkit's action
   * fr.eole.messagerie.monitor, which pkexec picks by that first argument. */
  gboolean    monitor;
} HelperOptions;

#define DEFAULT_LOCK_TIMEOUT 30
#define DEFAULT_LAST         100
#define MAX_LAST             100000
/* An hour: longer is a mistake, not a wait. */
#define MAX_LOCK_TIMEOUT 3600

static int
fail (int         code,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

/* Every failure is one line on standard error, for people and scripts. */
static int
fail (int         code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  messagerie_protocol_print_error (message);
  return code;
}

/* The settings on standard input. Reading stops one byte past
 * MESSAGERIE_SETTINGS_MAX_INPUT, which the loader refuses as too large. On
 * failure, the error says why the input is not a settings file. */
static gboolean
read_settings (MessagerieSettings **out,
               GError             **error)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  gsize max = MESSAGERIE_SETTINGS_MAX_INPUT + 1;
  g_autofree char *buffer = g_malloc (max);
  gsize length = 0;
  gboolean ok;

  while (length < max)
    {
      ssize_t n = read (STDIN_FILENO, buffer + length, max - length);

      if (n < 0 && errno == EINTR)
        continue;
      /* Not the end of the input: what was read may be any part of it,
       * and must not be applied as if it were all. */
      if (n < 0)
        {
          int saved_errno = errno;

          explicit_bzero (buffer, length);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read the settings on standard input: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      length += (gsize) n;
    }

  ok = messagerie_settings_load_data (settings, buffer, length, error);
  /* The input may carry the relay password. */
  explicit_bzero (buffer, length);

  if (ok)
    *out = g_steal_pointer (&settings);
  return ok;
}

static int
verb_validate (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;

  if (!read_settings (&settings, &error))
    return fail (MESSAGERIE_EXIT_BAD_INPUT, "%s", error->message);

  findings = messagerie_validate (settings);
  for (guint i = 0; i < findings->len; i++)
    messagerie_protocol_finding (g_ptr_array_index (findings, i));

  return messagerie_findings_have_error (findings) ? MESSAGERIE_EXIT_INVALID
                                                   : MESSAGERIE_EXIT_OK;
}

/* Needs no privilege (SPEC §6): a file this user may not read is named
 * first and rendered as if it were missing, and no password is printed,
 * neither one given nor one of passwd.client. */
static int
verb_render (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GPtrArray) unreadable = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) existing = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  if (!read_settings (&settings, &error))
    return fail (MESSAGERIE_EXIT_BAD_INPUT, "%s", error->message);

  existing = messagerie_read_existing (options->root ? options->root : "/", unreadable, &error);
  if (existing == NULL)
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);

  for (guint i = 0; i < unreadable->len; i++)
    {
      const char *path = g_ptr_array_index (unreadable, i);

      printf ("# ");
      printf (_("Cannot read %s as this user: it is shown without its current contents."), path);
      printf ("\n");
      /* The password it may hold is the one apply would keep: it is
       * masked in the output all the same. */
      if (g_str_equal (path, MESSAGERIE_PATH_PASSWD_CLIENT) &&
          messagerie_settings_get_password (settings) == NULL)
        messagerie_settings_set_password (settings, MESSAGERIE_RENDER_PASSWORD_MASK);
    }

  files = messagerie_render (settings, existing, &error);
  if (files == NULL)
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);

  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);
      g_autofree char *shown = messagerie_render_masked (file);

      if (shown == NULL)
        printf ("==> %s <== (removed)\n", file->path);
      else
        printf ("==> %s <==\n%s", file->path, shown);
    }

  return MESSAGERIE_EXIT_OK;
}

static int
verb_apply (MessagerieTransactionOptions *transaction)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  messagerie_protocol_step ("read", _("Reading the settings"));
  if (!read_settings (&settings, &error))
    return messagerie_protocol_result (MESSAGERIE_RESULT_INPUT, error->message);

  return messagerie_transaction_apply (transaction, settings);
}

typedef struct {
  GMainLoop             *loop;
  MessagerieProbeResult *result;
  GError                *error;
} ProbeRun;

static void
on_probe_step (const char *step,
               const char *message,
               gpointer    user_data)
{
  messagerie_protocol_step (step, message);
}

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ProbeRun *run = user_data;

  run->result = messagerie_probe_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

/* The relay's errors only: the rest of the settings plays no part. */
static gboolean
print_relay_errors (MessagerieSettings *settings)
{
  g_autoptr(GPtrArray) findings = NULL;
  gboolean found = FALSE;

  /* For a test, a password not sent is as good as an empty one. */
  if (messagerie_settings_in_use (settings, "password") &&
      messagerie_settings_get_password (settings) == NULL)
    messagerie_settings_set_password (settings, "");

  findings = messagerie_validate (settings);
  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity != MESSAGERIE_SEVERITY_ERROR ||
          !(g_str_has_prefix (finding->key, "relay_") || g_str_equal (finding->key, "password")))
        continue;
      messagerie_protocol_finding (finding);
      found = TRUE;
    }

  return found;
}

/* MESSAGERIE_PROBE_CA_FILE, for tests only: the authorities to trust
 * instead of the system's. Never under pkexec. */
static GTlsDatabase *
test_database (GError **error)
{
  const char *path = g_getenv ("MESSAGERIE_PROBE_CA_FILE");
  g_autofree char *absolute = NULL;

  if (path == NULL || *path == '\0' || g_getenv ("PKEXEC_UID") != NULL)
    return NULL;
  /* GTlsFileDatabase wants an absolute path. */
  absolute = g_canonicalize_filename (path, NULL);
  return g_tls_file_database_new (absolute, error);
}

static int
verb_probe (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  ProbeRun run = { NULL };
  MessagerieProbeResult *result;
  int status;

  messagerie_protocol_step ("read", _("Reading the settings"));
  if (!read_settings (&settings, &error))
    return messagerie_protocol_result (MESSAGERIE_RESULT_INPUT, error->message);

  if (print_relay_errors (settings))
    return messagerie_protocol_result (MESSAGERIE_RESULT_INVALID,
                                       _("The settings of the gateway have errors: nothing was tested."));

  database = test_database (&error);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot read MESSAGERIE_PROBE_CA_FILE: %s"),
                                                  error->message);

      return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, message);
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  messagerie_probe_async (settings, database, options->timeout, on_probe_step, NULL,
                          NULL, on_probe_done, &run);
  g_main_loop_run (loop);

  if (run.result == NULL)
    {
      status = messagerie_protocol_result (MESSAGERIE_RESULT_INVALID, run.error->message);
      g_error_free (run.error);
      return status;
    }

  result = run.result;
  if (result->server_name != NULL)
    messagerie_protocol_emit ("detail", "server", result->server_name, NULL);
  if (result->greeting != NULL)
    messagerie_protocol_emit ("detail", "greeting", result->greeting, NULL);
  if (result->tls_version != NULL)
    messagerie_protocol_emit ("detail", "tls", result->tls_version, NULL);
  if (result->certificate_name != NULL)
    messagerie_protocol_emit ("detail", "certificate", result->certificate_name, NULL);
  if (result->mechanism != NULL)
    messagerie_protocol_emit ("detail", "mechanism", result->mechanism, NULL);
  if (result->server_reply != NULL)
    messagerie_protocol_emit ("detail", "reply", result->server_reply, NULL);
  if (result->key != NULL)
    messagerie_protocol_emit ("detail", "key", result->key, NULL);

  status = messagerie_protocol_result_code (messagerie_probe_code_to_string (result->code),
                                            result->code == MESSAGERIE_PROBE_OK ? MESSAGERIE_EXIT_OK
                                                                                : MESSAGERIE_EXIT_FAILED,
                                            result->message);
  messagerie_probe_result_free (result);
  return status;
}

static int
verb_backups (HelperOptions *options)
{
  g_autoptr(GError) error = NULL;

  if (!messagerie_backups_print (options->root ? options->root : "/", &error))
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);
  return MESSAGERIE_EXIT_OK;
}

typedef struct {
  GMainLoop *loop;
  GPtrArray *attempts;
  const char *proposal;
  GError    *error;
} DetectRun;

static void
on_detect_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DetectRun *run = user_data;

  run->attempts = messagerie_detect_finish (result, &run->proposal, &run->error);
  g_main_loop_quit (run->loop);
}

/* « Détecter »: each TLS choice tried, the first that reaches the gateway
 * proposed. */
static int
verb_detect (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  DetectRun run = { NULL };
  g_autofree char *message = NULL;

  messagerie_protocol_step ("read", _("Reading the settings"));
  if (!read_settings (&settings, &error))
    return messagerie_protocol_result (MESSAGERIE_RESULT_INPUT, error->message);
  database = test_database (&error);
  if (error != NULL)
    return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, error->message);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  messagerie_detect_async (settings, database, options->timeout, NULL, on_detect_done, &run);
  g_main_loop_run (loop);
  if (run.attempts == NULL)
    {
      int status = messagerie_protocol_result (MESSAGERIE_RESULT_INVALID, run.error->message);

      g_error_free (run.error);
      return status;
    }
  attempts = run.attempts;

  for (guint i = 0; i < attempts->len; i++)
    {
      MessagerieDetectAttempt *a = g_ptr_array_index (attempts, i);
      MessagerieProbeResult *r = a->result;

      messagerie_protocol_emit ("attempt", a->tls, messagerie_probe_code_to_string (r->code),
                                r->tls_version ? r->tls_version : "",
                                r->certificate_name ? r->certificate_name : "",
                                r->auth_offered ? r->auth_offered : "", r->message, NULL);
    }
  if (run.proposal == NULL)
    return messagerie_protocol_result_code ("connect", MESSAGERIE_EXIT_FAILED,
                                            _("No TLS choice reaches the gateway: check its name "
                                              "and that it accepts this server."));
  messagerie_protocol_emit ("detail", "proposal", run.proposal, NULL);
  /* Translators: %s is a choice of « Utilisation de TLS (SSL) », port-465… */
  message = g_strdup_printf (_("The gateway is reached with the TLS choice “%s”."), run.proposal);
  return messagerie_protocol_result (MESSAGERIE_RESULT_OK, message);
}

/* The test hook MESSAGERIE_HELPER_TEST_STOP=POINT (see
 * messagerie_protocol_set_test_stop); only a test root gets it, never a
 * run through pkexec. */
static void
set_test_stop (HelperOptions *options)
{
  const char *hook = g_getenv ("MESSAGERIE_HELPER_TEST_STOP");

  if (options->root != NULL && hook != NULL)
    messagerie_protocol_set_test_stop (hook);
}

/* The test hook MESSAGERIE_HELPER_TEST_EXIM=PATH, the exim binary whose
 * features apply checks (another build of exim); only a test root gets it. */
static const char *
test_exim (HelperOptions *options)
{
  const char *hook = g_getenv ("MESSAGERIE_HELPER_TEST_EXIM");

  if (options->root == NULL || hook == NULL || !g_path_is_absolute (hook))
    return MESSAGERIE_EXIM4;
  return hook;
}

/* apply, restore, recover, probe and test-mail: everything on standard
 * output follows doc/helper-protocol.md, down to the last line. */
static int
run_protocol_verb (HelperOptions *options)
{
  MessagerieTransactionOptions transaction = {
    .root = options->root,
    .lock_timeout = options->lock_timeout,
    .exim = test_exim (options),
  };

  set_test_stop (options);

  if (!g_str_equal (options->verb, "restore") && options->argument != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”; see --help."),
                                                  options->argument);

      return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, message);
    }

  /* Testing the relay needs no privilege at all. */
  if (g_str_equal (options->verb, "probe"))
    return verb_probe (options);
  if (g_str_equal (options->verb, "detect"))
    return verb_detect (options);

  /* Reading changes nothing: whoever can read exim's log may. */
  if (g_str_equal (options->verb, "deliveries"))
    return messagerie_activity_deliveries (options->root ? options->root : "/", options->last);

  if (g_str_equal (options->verb, "queue") || g_str_equal (options->verb, "queue-retry") ||
      g_str_equal (options->verb, "queue-delete") || g_str_equal (options->verb, "status"))
    {
      const char *const *ids = (const char *const *) options->ids->pdata;
      gboolean retry = g_str_equal (options->verb, "queue-retry");

      if (!messagerie_transaction_allowed (&transaction))
        return messagerie_protocol_result (MESSAGERIE_RESULT_REFUSED,
                                           _("exim's queue is root's: this command runs as root "
                                             "through pkexec, or on a copy of the system with --root."));
      if (g_str_equal (options->verb, "queue"))
        return messagerie_activity_queue (options->root);
      if (g_str_equal (options->verb, "status"))
        return messagerie_activity_status (options->root);
      if ((retry && options->all == (ids[0] != NULL)) || (!retry && (options->all || ids[0] == NULL)))
        return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE,
                                           retry ? _("queue-retry needs message ids, or --all.")
                                                 : _("queue-delete needs message ids."));
      return retry ? messagerie_activity_queue_retry (options->root, ids, options->all)
                   : messagerie_activity_queue_delete (options->root, ids);
    }

  if (g_str_equal (options->verb, "test-mail"))
    {
      if (!messagerie_transaction_allowed (&transaction))
        return messagerie_protocol_result (MESSAGERIE_RESULT_REFUSED,
                                           _("This command sends mail as root: it runs as root "
                                             "through pkexec, or on a copy of the system with --root."));
      return messagerie_testmail_run (options->root);
    }

  /* recover also runs as root itself, not through pkexec: at boot, before
   * exim (debian/messagerie.messagerie-recover.service and .init). It reads
   * no input and only puts back what the helper itself saved. */
  if (!messagerie_transaction_allowed (&transaction) &&
      !(g_str_equal (options->verb, "recover") && getuid () == 0 && geteuid () == 0 &&
        g_getenv ("PKEXEC_UID") == NULL))
    return messagerie_protocol_result (MESSAGERIE_RESULT_REFUSED,
                                       _("This command changes the system: it runs as root "
                                         "through pkexec, or on a copy of the system with --root."));

  if (g_str_equal (options->verb, "apply"))
    return verb_apply (&transaction);
  if (g_str_equal (options->verb, "restore"))
    return messagerie_transaction_restore (&transaction, options->argument);
  return messagerie_transaction_recover (&transaction);
}

static gboolean
is_protocol_verb (const char *verb)
{
  return verb != NULL &&
         (g_str_equal (verb, "apply") || g_str_equal (verb, "restore") || g_str_equal (verb, "recover") ||
          g_str_equal (verb, "probe") || g_str_equal (verb, "test-mail") ||
          g_str_equal (verb, "deliveries") || g_str_equal (verb, "queue") ||
          g_str_equal (verb, "queue-retry") || g_str_equal (verb, "queue-delete") ||
          g_str_equal (verb, "status") || g_str_equal (verb, "detect"));
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n",
           _("Usage: messagerie-helper [OPTION…] COMMAND\n"
             "\n"
             "  validate          print each finding of the settings on standard input\n"
             "  render            print the files applying them would write\n"
             "  apply             apply the settings on standard input: write the files,\n"
             "                    check and reload exim, turn the services on or off\n"
             "  restore [BACKUP]  put back the files of a backup (default: the newest)\n"
             "  recover           put back the files of a change that was interrupted\n"
             "  backups           list the backups, newest first\n"
             "  probe             test the gateway of the settings on standard input:\n"
             "                    connection, TLS, certificate, login; sends no mail\n"
             "  test-mail         send root a test message with the applied settings\n"
             "  detect            try the gateway on 465, 587 and 25 and propose a TLS choice\n"
             "  deliveries        the newest outcomes in exim's log, newest first\n"
             "  queue             the messages in exim's queue\n"
             "  queue-retry ID…|--all  try them again now\n"
             "  queue-delete ID…  remove them from the queue\n"
             "  status            exim running, the queue, the last apply, the gateway\n"
             "  monitor queue|deliveries|status  the same, under polkit's reading action\n"
             "\n"
             "  --root DIR              read and write the system files under DIR\n"
             "                          (not under pkexec; no reload, no services)\n"
             "  --lock-timeout SECONDS  wait that long for another change to finish\n"
             "                          (default: 30)\n"
             "  --timeout SECONDS       probe: the time the whole test may take\n"
             "                          (default: 20)\n"
             "  --last N                deliveries: how many (default: 100)"));
}

/* Reads the command line into @options; on a mistake, returns its message. */
static char *
parse_arguments (int            argc,
                 char         **argv,
                 HelperOptions *options,
                 gboolean      *help)
{
  char *mistake = NULL;

  *help = FALSE;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;
      gboolean root = g_str_equal (arg, "--root") || g_str_has_prefix (arg, "--root=");
      gboolean timeout = g_str_equal (arg, "--lock-timeout") || g_str_has_prefix (arg, "--lock-timeout=");
      gboolean probe_timeout = g_str_equal (arg, "--timeout") || g_str_has_prefix (arg, "--timeout=");
      gboolean last = g_str_equal (arg, "--last") || g_str_has_prefix (arg, "--last=");
      g_autofree char *problem = NULL;

      if ((root || timeout || probe_timeout || last) && strchr (arg, '=') != NULL)
        value = strchr (arg, '=') + 1;
      else if ((root || timeout || probe_timeout || last) && i + 1 < argc)
        value = argv[++i];

      if (root)
        {
          if (value == NULL || *value == '\0')
            problem = g_strdup (_("The option --root needs a folder."));
          else
            options->root = value;
        }
      else if (timeout)
        {
          guint64 seconds;

          if (value == NULL || !messagerie_parse_uint (value, MAX_LOCK_TIMEOUT, &seconds))
            problem = g_strdup_printf (_("The option --lock-timeout needs a number of seconds "
                                         "from 0 to %d."), MAX_LOCK_TIMEOUT);
          else
            options->lock_timeout = (guint) seconds;
        }
      else if (probe_timeout)
        {
          guint64 seconds;

          if (value == NULL || !messagerie_parse_uint (value, MESSAGERIE_PROBE_MAX_TIMEOUT, &seconds) ||
              seconds < 1)
            problem = g_strdup_printf (_("The option --timeout needs a number of seconds "
                                         "from 1 to %d."), MESSAGERIE_PROBE_MAX_TIMEOUT);
          else
            options->timeout = (guint) seconds;
        }
      else if (last)
        {
          guint64 n;

          if (value == NULL || !messagerie_parse_uint (value, MAX_LAST, &n) || n < 1)
            problem = g_strdup_printf (_("The option --last needs a number from 1 to %d."), MAX_LAST);
          else
            options->last = (guint) n;
        }
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        *help = TRUE;
      else if (g_str_equal (arg, "--all"))
        options->all = TRUE;
      else if (arg[0] == '-')
        problem = g_strdup_printf (_("Unknown option “%s”; see --help."), arg);
      else if (options->verb == NULL && g_str_equal (arg, "monitor") && !options->monitor)
        options->monitor = TRUE;
      else if (options->verb == NULL)
        options->verb = arg;
      else if (g_str_has_prefix (options->verb, "queue-"))
        g_ptr_array_insert (options->ids, options->ids->len - 1, (gpointer) arg);
      else if (options->argument == NULL)
        options->argument = arg;
      else
        problem = g_strdup_printf (_("Unexpected argument “%s”; see --help."), arg);

      if (problem != NULL && mistake == NULL)
        mistake = g_steal_pointer (&problem);
    }

  return mistake;
}

int
main (int    argc,
      char **argv)
{
  HelperOptions options = { NULL, DEFAULT_LOCK_TIMEOUT, MESSAGERIE_PROBE_DEFAULT_TIMEOUT, NULL, NULL,
                            DEFAULT_LAST, NULL, FALSE, FALSE };
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  const struct rlimit no_core = { 0, 0 };
  g_autofree char *mistake = NULL;
  gboolean protocol;
  gboolean help;

  /* Standard input may carry the relay password, and the helper runs as
   * root: no core dump of it, for any reason, before anything is read.
   * Not dumpable also keeps other users' debuggers out. */
  if (prctl (PR_SET_DUMPABLE, 0) != 0 || setrlimit (RLIMIT_CORE, &no_core) != 0)
    return fail (MESSAGERIE_EXIT_FAILED, _("Cannot turn core dumps off: %s"), g_strerror (errno));

  setlocale (LC_ALL, "");
  messagerie_core_init_i18n ();
  textdomain (GETTEXT_PACKAGE);

  g_ptr_array_add (ids, NULL);
  options.ids = ids;
  mistake = parse_arguments (argc, argv, &options, &help);
  protocol = is_protocol_verb (options.verb);

  if (help && mistake == NULL)
    {
      print_usage (stdout);
      return MESSAGERIE_EXIT_OK;
    }

  if (mistake != NULL)
    return protocol ? messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, mistake)
                    : fail (MESSAGERIE_EXIT_USAGE, "%s", mistake);

  /* Under pkexec the caller is not trusted with any path (SPEC §6). */
  if (options.root != NULL && g_getenv ("PKEXEC_UID") != NULL)
    {
      const char *refused = _("The option --root is refused when running through pkexec.");

      return protocol ? messagerie_protocol_result (MESSAGERIE_RESULT_REFUSED, refused)
                      : fail (MESSAGERIE_EXIT_REFUSED, "%s", refused);
    }

  if (options.verb == NULL)
    {
      print_usage (stderr);
      return MESSAGERIE_EXIT_USAGE;
    }

  if (options.monitor && !g_str_equal (options.verb, "queue") &&
      !g_str_equal (options.verb, "deliveries") && !g_str_equal (options.verb, "status"))
    {
      g_autofree char *refused = g_strdup_printf (_("“monitor” reads only: queue, deliveries or status, "
                                                    "not “%s”."), options.verb);

      return protocol ? messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, refused)
                      : fail (MESSAGERIE_EXIT_USAGE, "%s", refused);
    }

  if (protocol)
    return run_protocol_verb (&options);

  if (options.argument != NULL)
    return fail (MESSAGERIE_EXIT_USAGE, _("Unexpected argument “%s”; see --help."), options.argument);

  if (g_str_equal (options.verb, "validate"))
    return verb_validate (&options);
  if (g_str_equal (options.verb, "render"))
    return verb_render (&options);
  if (g_str_equal (options.verb, "backups"))
    return verb_backups (&options);

  return fail (MESSAGERIE_EXIT_USAGE, _("Unknown command “%s”; see --help."), options.verb);
}
