/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "messagerie-core.h"
#include "messagerie-helper-codes.h"
#include "messagerie-transaction.h"

typedef struct {
  const char *root;
  guint       lock_timeout;
  const char *verb;
  /* restore's backup name. */
  const char *argument;
} HelperOptions;

#define DEFAULT_LOCK_TIMEOUT 30
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

  /* Keep it one line whatever a message carries. */
  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, _("Error: %s\n"), message);
  return code;
}

/* Reads at most MESSAGERIE_SETTINGS_MAX_INPUT bytes: one more means the input
 * is too large, and nothing beyond is read. */
static GBytes *
read_stdin (gboolean *too_large)
{
  gsize max = MESSAGERIE_SETTINGS_MAX_INPUT + 1;
  g_autofree char *buffer = g_malloc (max);
  gsize length = 0;

  *too_large = FALSE;

  while (length < max)
    {
      ssize_t n = read (STDIN_FILENO, buffer + length, max - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      length += (gsize) n;
    }

  if (length > MESSAGERIE_SETTINGS_MAX_INPUT)
    {
      explicit_bzero (buffer, length);
      *too_large = TRUE;
      return NULL;
    }

  {
    /* The input may carry the relay password: the copy in GBytes is the
     * only one left. */
    GBytes *bytes = g_bytes_new (buffer, length);

    explicit_bzero (buffer, length);
    return bytes;
  }
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize length;
  char *data = (char *) g_bytes_get_data (bytes, &length);

  if (data != NULL)
    explicit_bzero (data, length);
  g_bytes_unref (bytes);
}

/* On failure, the error says why the input is not a settings file. */
static gboolean
read_settings (MessagerieSettings **out,
               GError             **error)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  gboolean too_large;
  GBytes *input;
  gboolean ok;

  input = read_stdin (&too_large);
  if (input == NULL)
    {
      g_set_error (error, MESSAGERIE_SETTINGS_ERROR, MESSAGERIE_SETTINGS_ERROR_TOO_LARGE,
                   _("The settings on standard input are larger than %d KiB."),
                   MESSAGERIE_SETTINGS_MAX_INPUT / 1024);
      return FALSE;
    }

  {
    gsize length;
    const char *data = g_bytes_get_data (input, &length);

    ok = messagerie_settings_load_data (settings, data ? data : "", length, error);
  }
  wipe_bytes (input);

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
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      printf ("%s\t%s\t%s\t%s\n",
              messagerie_severity_to_string (finding->severity),
              finding->key, finding->rule, finding->message);
    }

  return messagerie_findings_have_error (findings) ? MESSAGERIE_EXIT_INVALID
                                                   : MESSAGERIE_EXIT_OK;
}

static int
verb_render (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GHashTable) existing = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  if (!read_settings (&settings, &error))
    return fail (MESSAGERIE_EXIT_BAD_INPUT, "%s", error->message);

  existing = messagerie_read_existing (options->root ? options->root : "/", &error);
  if (existing == NULL)
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);

  files = messagerie_render (settings, existing, &error);
  if (files == NULL)
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);

  for (guint i = 0; i < files->len; i++)
    {
      MessagerieRenderedFile *file = g_ptr_array_index (files, i);

      printf ("==> %s <==\n%s", file->path, file->contents);
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

static int
verb_backups (HelperOptions *options)
{
  g_autoptr(GError) error = NULL;

  if (!messagerie_backups_print (options->root ? options->root : "/", &error))
    return fail (MESSAGERIE_EXIT_FAILED, "%s", error->message);
  return MESSAGERIE_EXIT_OK;
}

/* The test hook MESSAGERIE_HELPER_TEST_STOP=write:N; only a test root
 * gets it, never a run through pkexec. */
static guint
test_stop_after_write (HelperOptions *options)
{
  const char *hook = g_getenv ("MESSAGERIE_HELPER_TEST_STOP");
  guint64 n;

  if (options->root == NULL || hook == NULL || !g_str_has_prefix (hook, "write:") ||
      !messagerie_parse_uint (hook + strlen ("write:"), G_MAXUINT, &n))
    return 0;
  return (guint) n;
}

/* apply, restore and recover: everything on standard output follows
 * doc/helper-protocol.md, down to the last line. */
static int
run_transaction_verb (HelperOptions *options)
{
  MessagerieTransactionOptions transaction = {
    .root = options->root,
    .lock_timeout = options->lock_timeout,
    .stop_after_write = test_stop_after_write (options),
  };

  if (!g_str_equal (options->verb, "restore") && options->argument != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”; see --help."),
                                                  options->argument);

      return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, message);
    }

  if (!messagerie_transaction_allowed (&transaction))
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
is_transaction_verb (const char *verb)
{
  return verb != NULL &&
         (g_str_equal (verb, "apply") || g_str_equal (verb, "restore") || g_str_equal (verb, "recover"));
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
             "\n"
             "  --root DIR              read and write the system files under DIR\n"
             "                          (not under pkexec; no reload, no services)\n"
             "  --lock-timeout SECONDS  wait that long for another change to finish\n"
             "                          (default: 30)"));
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
      g_autofree char *problem = NULL;

      if ((root || timeout) && strchr (arg, '=') != NULL)
        value = strchr (arg, '=') + 1;
      else if ((root || timeout) && i + 1 < argc)
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
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        *help = TRUE;
      else if (arg[0] == '-')
        problem = g_strdup_printf (_("Unknown option “%s”; see --help."), arg);
      else if (options->verb == NULL)
        options->verb = arg;
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
  HelperOptions options = { NULL, DEFAULT_LOCK_TIMEOUT, NULL, NULL };
  g_autofree char *mistake = NULL;
  gboolean transaction;
  gboolean help;

  setlocale (LC_ALL, "");
  messagerie_core_init_i18n ();
  textdomain (GETTEXT_PACKAGE);

  mistake = parse_arguments (argc, argv, &options, &help);
  transaction = is_transaction_verb (options.verb);

  if (help && mistake == NULL)
    {
      print_usage (stdout);
      return MESSAGERIE_EXIT_OK;
    }

  if (mistake != NULL)
    return transaction ? messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, mistake)
                       : fail (MESSAGERIE_EXIT_USAGE, "%s", mistake);

  /* Under pkexec the caller is not trusted with any path (SPEC §6). */
  if (options.root != NULL && g_getenv ("PKEXEC_UID") != NULL)
    {
      const char *refused = _("The option --root is refused when running through pkexec.");

      return transaction ? messagerie_protocol_result (MESSAGERIE_RESULT_REFUSED, refused)
                         : fail (MESSAGERIE_EXIT_REFUSED, "%s", refused);
    }

  if (options.verb == NULL)
    {
      print_usage (stderr);
      return MESSAGERIE_EXIT_USAGE;
    }

  if (transaction)
    return run_transaction_verb (&options);

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
