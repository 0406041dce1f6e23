/* SPDX-License-Identifier: GPL-3.0-or-later */

/* messagerie-helper's command line: the options read, each command's row
 * in one table (what it takes, who may run it, whether it speaks the
 * protocol), the command run; validate and render, which need no
 * transaction, are here too. */

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
#include "messagerie-backups.h"
#include "messagerie-core.h"
#include "messagerie-existing.h"
#include "messagerie-gateway.h"
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

/* A command line refused before the command runs (@result: a usage
 * mistake or a refusal): the result line of the protocol for a protocol
 * verb, else the Error: line alone. */
static int
refuse (gboolean          protocol,
        MessagerieResult  result,
        const char       *message)
{
  if (protocol)
    return messagerie_protocol_result (result, message);
  return fail (result == MESSAGERIE_RESULT_REFUSED ? MESSAGERIE_EXIT_REFUSED : MESSAGERIE_EXIT_USAGE,
               "%s", message);
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

/* The settings on standard input, after the step line that says so; on
 * failure, the protocol's result line is printed and @status is the exit
 * code. */
static MessagerieSettings *
read_protocol_settings (int *status)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  messagerie_protocol_step ("read", _("Reading the settings"));
  if (!read_settings (&settings, &error))
    {
      *status = messagerie_protocol_result (MESSAGERIE_RESULT_INPUT, error->message);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

static int
verb_probe (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  int status;

  settings = read_protocol_settings (&status);
  if (settings == NULL)
    return status;
  return messagerie_gateway_probe (settings, options->timeout);
}

static int
verb_detect (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  int status;

  settings = read_protocol_settings (&status);
  if (settings == NULL)
    return status;
  return messagerie_gateway_detect (settings, options->timeout);
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

static MessagerieTransactionOptions
transaction_options (HelperOptions *options)
{
  MessagerieTransactionOptions transaction = {
    .root = options->root,
    .lock_timeout = options->lock_timeout,
    .exim = test_exim (options),
  };

  return transaction;
}

static int
verb_apply (HelperOptions *options)
{
  MessagerieTransactionOptions transaction = transaction_options (options);
  g_autoptr(MessagerieSettings) settings = NULL;
  int status;

  settings = read_protocol_settings (&status);
  if (settings == NULL)
    return status;
  return messagerie_transaction_apply (&transaction, settings);
}

static int
verb_restore (HelperOptions *options)
{
  MessagerieTransactionOptions transaction = transaction_options (options);

  return messagerie_transaction_restore (&transaction, options->argument);
}

static int
verb_recover (HelperOptions *options)
{
  MessagerieTransactionOptions transaction = transaction_options (options);

  return messagerie_transaction_recover (&transaction);
}

static int
verb_backups (HelperOptions *options)
{
  g_autoptr(GError) error = NULL;

  if (!messagerie_backups_print (options->root ? options->root : "/", &error))
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);
  return MESSAGERIE_EXIT_OK;
}

/* Reading changes nothing: whoever can read exim's log may. */
static int
verb_deliveries (HelperOptions *options)
{
  return messagerie_activity_deliveries (options->root ? options->root : "/", options->last);
}

static int
verb_queue (HelperOptions *options)
{
  return messagerie_activity_queue (options->root);
}

static int
verb_status (HelperOptions *options)
{
  return messagerie_activity_status (options->root);
}

static int
verb_queue_retry (HelperOptions *options)
{
  const char *const *ids = (const char *const *) options->ids->pdata;

  if (options->all == (ids[0] != NULL))
    return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE,
                                       _("queue-retry needs message ids, or --all."));
  return messagerie_activity_queue_retry (options->root, ids, options->all);
}

static int
verb_queue_delete (HelperOptions *options)
{
  const char *const *ids = (const char *const *) options->ids->pdata;

  if (options->all || ids[0] == NULL)
    return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE,
                                       _("queue-delete needs message ids."));
  return messagerie_activity_queue_delete (options->root, ids);
}

static int
verb_test_mail (HelperOptions *options)
{
  return messagerie_testmail_run (options->root);
}

/* What a command takes after its verb. */
typedef enum {
  ARGUMENTS_NONE,
  /* restore: a backup's name, optional. */
  ARGUMENTS_BACKUP,
  /* queue-retry and queue-delete: message ids, any number. */
  ARGUMENTS_IDS,
} Arguments;

static const char queue_refused[] =
  N_("exim's queue is root's: this command runs as root "
     "through pkexec, or on a copy of the system with --root.");
static const char mail_refused[] =
  N_("This command sends mail as root: it runs as root "
     "through pkexec, or on a copy of the system with --root.");
static const char system_refused[] =
  N_("This command changes the system: it runs as root "
     "through pkexec, or on a copy of the system with --root.");

typedef struct {
  const char *verb;
  int       (*run) (HelperOptions *options);
  /* Everything on standard output follows doc/helper-protocol.md, down
   * to the last line, failures of the command line included. */
  gboolean    protocol;
  Arguments   arguments;
  /* Under "monitor": a reading verb, which polkit's action
   * fr.eole.messagerie.monitor allows. */
  gboolean    monitor;
  /* NULL: needs no privilege. Else it runs as root through pkexec, or on
   * a test root; elsewhere it is refused with this message. */
  const char *refused;
  /* Also as root itself, not through pkexec: recover, at boot, before
   * exim (debian/messagerie.messagerie-recover.service and .init). It
   * reads no input and only puts back what the helper itself saved. */
  gboolean    at_boot;
} Command;

/* In the order of the usage. */
static const Command commands[] = {
  { "validate",     verb_validate,     FALSE, ARGUMENTS_NONE,   FALSE, NULL,           FALSE },
  /* render needs no privilege (SPEC §6). */
  { "render",       verb_render,       FALSE, ARGUMENTS_NONE,   FALSE, NULL,           FALSE },
  { "apply",        verb_apply,        TRUE,  ARGUMENTS_NONE,   FALSE, system_refused, FALSE },
  { "restore",      verb_restore,      TRUE,  ARGUMENTS_BACKUP, FALSE, system_refused, FALSE },
  { "recover",      verb_recover,      TRUE,  ARGUMENTS_NONE,   FALSE, system_refused, TRUE },
  { "backups",      verb_backups,      FALSE, ARGUMENTS_NONE,   FALSE, NULL,           FALSE },
  /* Testing the relay needs no privilege at all. */
  { "probe",        verb_probe,        TRUE,  ARGUMENTS_NONE,   FALSE, NULL,           FALSE },
  { "test-mail",    verb_test_mail,    TRUE,  ARGUMENTS_NONE,   FALSE, mail_refused,   FALSE },
  { "detect",       verb_detect,       TRUE,  ARGUMENTS_NONE,   FALSE, NULL,           FALSE },
  { "deliveries",   verb_deliveries,   TRUE,  ARGUMENTS_NONE,   TRUE,  NULL,           FALSE },
  { "queue",        verb_queue,        TRUE,  ARGUMENTS_NONE,   TRUE,  queue_refused,  FALSE },
  { "queue-retry",  verb_queue_retry,  TRUE,  ARGUMENTS_IDS,    FALSE, queue_refused,  FALSE },
  { "queue-delete", verb_queue_delete, TRUE,  ARGUMENTS_IDS,    FALSE, queue_refused,  FALSE },
  { "status",       verb_status,       TRUE,  ARGUMENTS_NONE,   TRUE,  queue_refused,  FALSE },
};

static const Command *
find_command (const char *verb)
{
  for (guint i = 0; verb != NULL && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].verb, verb))
      return &commands[i];
  return NULL;
}

/* Whether the words after @verb are message ids. An unknown queue-… verb
 * takes them too, so that it is reported as unknown, whatever follows. */
static gboolean
takes_ids (const char *verb)
{
  const Command *command = find_command (verb);

  if (command == NULL)
    return g_str_has_prefix (verb, "queue-");
  return command->arguments == ARGUMENTS_IDS;
}

/* Whether @command may run here. */
static gboolean
command_allowed (const Command *command,
                 HelperOptions *options)
{
  MessagerieTransactionOptions transaction = transaction_options (options);

  return command->refused == NULL || messagerie_transaction_allowed (&transaction) ||
         (command->at_boot && getuid () == 0 && geteuid () == 0 && g_getenv ("PKEXEC_UID") == NULL);
}

static int
run_protocol_command (const Command *command,
                      HelperOptions *options)
{
  set_test_stop (options);

  if (command->arguments != ARGUMENTS_BACKUP && options->argument != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”; see --help."),
                                                  options->argument);

      return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, message);
    }

  if (!command_allowed (command, options))
    return messagerie_protocol_result (MESSAGERIE_RESULT_REFUSED, _(command->refused));

  return command->run (options);
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
      else if (takes_ids (options->verb))
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
  const Command *command;
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
  command = find_command (options.verb);
  protocol = command != NULL && command->protocol;

  if (help && mistake == NULL)
    {
      print_usage (stdout);
      return MESSAGERIE_EXIT_OK;
    }

  if (mistake != NULL)
    return refuse (protocol, MESSAGERIE_RESULT_USAGE, mistake);

  /* Under pkexec the caller is not trusted with any path (SPEC §6). */
  if (options.root != NULL && g_getenv ("PKEXEC_UID") != NULL)
    {
      const char *refused = _("The option --root is refused when running through pkexec.");

      return refuse (protocol, MESSAGERIE_RESULT_REFUSED, refused);
    }

  if (options.verb == NULL)
    {
      print_usage (stderr);
      return MESSAGERIE_EXIT_USAGE;
    }

  if (options.monitor && (command == NULL || !command->monitor))
    {
      g_autofree char *refused = g_strdup_printf (_("“monitor” reads only: queue, deliveries or status, "
                                                    "not “%s”."), options.verb);

      return refuse (protocol, MESSAGERIE_RESULT_USAGE, refused);
    }

  if (protocol)
    return run_protocol_command (command, &options);

  if (options.argument != NULL)
    return fail (MESSAGERIE_EXIT_USAGE, _("Unexpected argument “%s”; see --help."), options.argument);

  if (command == NULL)
    return fail (MESSAGERIE_EXIT_USAGE, _("Unknown command “%s”; see --help."), options.verb);

  return command->run (&options);
}
