/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "messagerie-core.h"
#include "messagerie-helper-codes.h"

typedef struct {
  const char *root;
} HelperOptions;

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

static int
read_settings (MessagerieSettings **out)
{
  g_autoptr(MessagerieSettings) settings = messagerie_settings_new ();
  g_autoptr(GError) error = NULL;
  gboolean too_large;
  GBytes *input;
  gboolean ok;

  input = read_stdin (&too_large);
  if (input == NULL)
    return fail (MESSAGERIE_EXIT_BAD_INPUT,
                 _("The settings on standard input are larger than %d KiB."),
                 MESSAGERIE_SETTINGS_MAX_INPUT / 1024);

  {
    gsize length;
    const char *data = g_bytes_get_data (input, &length);

    ok = messagerie_settings_load_data (settings, data ? data : "", length, &error);
  }
  wipe_bytes (input);

  if (!ok)
    return fail (MESSAGERIE_EXIT_BAD_INPUT, "%s", error->message);

  *out = g_steal_pointer (&settings);
  return MESSAGERIE_EXIT_OK;
}

static int
verb_validate (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  int status;

  if ((status = read_settings (&settings)) != MESSAGERIE_EXIT_OK)
    return status;

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

/* The current contents of the files the renderer reads, under @root. */
static GHashTable *
read_existing (const char  *root,
               GError     **error)
{
  g_autoptr(GHashTable) existing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *const *paths = messagerie_render_inputs ();

  for (guint i = 0; paths[i]; i++)
    {
      g_autofree char *path = g_build_filename (root, paths[i], NULL);
      g_autoptr(GError) local_error = NULL;
      char *contents = NULL;

      if (!g_file_get_contents (path, &contents, NULL, &local_error))
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_hash_table_insert (existing, (gpointer) paths[i], contents);
    }

  return g_steal_pointer (&existing);
}

static int
verb_render (HelperOptions *options)
{
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GHashTable) existing = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = read_settings (&settings)) != MESSAGERIE_EXIT_OK)
    return status;

  existing = read_existing (options->root ? options->root : "/", &error);
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

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n",
           _("Usage: messagerie-helper [--root DIR] validate|render < SETTINGS\n"
             "\n"
             "  validate  print each finding of the settings on standard input\n"
             "  render    print the files applying them would write\n"
             "\n"
             "  --root DIR  read and write the system files under DIR (not under pkexec)"));
}

int
main (int    argc,
      char **argv)
{
  HelperOptions options = { NULL };
  const char *verb = NULL;

  setlocale (LC_ALL, "");
  messagerie_core_init_i18n ();
  textdomain (GETTEXT_PACKAGE);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--root"))
        {
          if (i + 1 >= argc)
            return fail (MESSAGERIE_EXIT_USAGE, _("The option --root needs a folder."));
          options.root = argv[++i];
        }
      else if (g_str_has_prefix (argv[i], "--root="))
        options.root = argv[i] + strlen ("--root=");
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_usage (stdout);
          return MESSAGERIE_EXIT_OK;
        }
      else if (argv[i][0] == '-')
        return fail (MESSAGERIE_EXIT_USAGE, _("Unknown option “%s”; see --help."), argv[i]);
      else if (verb == NULL)
        verb = argv[i];
      else
        return fail (MESSAGERIE_EXIT_USAGE, _("Unexpected argument “%s”; see --help."), argv[i]);
    }

  /* Under pkexec the caller is not trusted with any path (SPEC §6). */
  if (options.root != NULL && g_getenv ("PKEXEC_UID") != NULL)
    return fail (MESSAGERIE_EXIT_REFUSED,
                 _("The option --root is refused when running through pkexec."));

  if (verb == NULL)
    {
      print_usage (stderr);
      return MESSAGERIE_EXIT_USAGE;
    }

  if (g_str_equal (verb, "validate"))
    return verb_validate (&options);
  if (g_str_equal (verb, "render"))
    return verb_render (&options);

  return fail (MESSAGERIE_EXIT_USAGE, _("Unknown command “%s”; see --help."), verb);
}
