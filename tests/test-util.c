/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The helpers the C test programs share (declared in tests/test-util.h,
 * linked as the static library test-util): lines of rendered files, test
 * roots copied and removed, a password looked for where it must not be,
 * and messagerie-helper run as a separate process. GLib and GIO only, so
 * that the programs that run the helper need not link the core. */

#define G_LOG_DOMAIN "test-util"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "test-util.h"

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------ */

/* How many lines of @text are exactly @line (@prefix: start with it). */
guint
test_count_lines (const char *text,
                  const char *line,
                  gboolean    prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i]; i++)
    if (prefix ? g_str_has_prefix (lines[i], line) : g_str_equal (lines[i], line))
      count++;
  return count;
}

/* ------------------------------------------------------------------------
 * Trees
 * ------------------------------------------------------------------------ */

/* Copies @src to @dst as `cp -a` does, @dst's parents made as needed:
 * folders merged into those already there, files replaced, symbolic links
 * copied as links, modes and times kept, and owners when running as root. Not as root, a file this user may
 * not read is left out, as cp leaves it out: it is a secret of the system
 * copied (/etc/exim4/passwd.client), which the tests replace with their
 * own. Any other failure fails the test. */
void
copy_tree (GFile *src,
           GFile *dst)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_query_file_type (src, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      if (!g_file_copy (src, dst,
                        G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_ALL_METADATA,
                        NULL, NULL, NULL, &error) &&
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) && geteuid () != 0)
        {
          g_test_message ("not copied, not readable by this user: %s", g_file_peek_path (src));
          g_clear_error (&error);
        }
      g_assert_no_error (error);
      return;
    }

  if (!g_file_make_directory_with_parents (dst, NULL, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&error);
  g_assert_no_error (error);

  children = g_file_enumerate_children (src, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  g_assert_no_error (error);
  for (;;)
    {
      GFileInfo *info;
      GFile *child;
      g_autoptr(GFile) child_dst = NULL;

      g_file_enumerator_iterate (children, &info, &child, NULL, &error);
      g_assert_no_error (error);
      if (info == NULL)
        break;
      child_dst = g_file_get_child (dst, g_file_info_get_name (info));
      copy_tree (child, child_dst);
    }

  /* Last, as cp does: the copies inside changed the folder's times. An
   * owner that cannot be set (not as root) is no failure, as for files. */
  g_file_copy_attributes (src, dst, G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_ALL_METADATA,
                          NULL, NULL);
}

/* Removes @file and, for a folder, everything under it; links are removed,
 * never followed. Failures are ignored: what is left is only litter. */
void
remove_tree (GFile *file)
{
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      g_autoptr(GFileEnumerator) children =
        g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
      GFileInfo *info;
      GFile *child;

      while (children != NULL &&
             g_file_enumerator_iterate (children, &info, &child, NULL, NULL) &&
             info != NULL)
        remove_tree (child);
    }

  g_file_delete (file, NULL, NULL);
}

/* Removes a test's temporary folder, unless MESSAGERIE_KEEP_TMP is set: then
 * it says where it is, to be looked at. */
void
remove_tmp_dir (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  if (g_getenv ("MESSAGERIE_KEEP_TMP") != NULL)
    g_test_message ("kept %s", path);
  else
    remove_tree (dir);
}

/* The contents of @path (relative) under @root. */
char *
root_file (const char *root,
           const char *path)
{
  g_autofree char *full = g_build_filename (root, path, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (full, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* @contents (@length bytes, -1: up to its NUL) at @path (relative) under
 * @root, the folders above made as needed. */
void
root_file_put (const char *root,
               const char *path,
               const char *contents,
               gssize      length)
{
  g_autofree char *full = g_build_filename (root, path, NULL);
  g_autofree char *dir = g_path_get_dirname (full);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (full, contents, length, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * Looking for a password where it must not be
 * ------------------------------------------------------------------------ */

/* Whether @data (any bytes, NULs included) holds the @n bytes of @needle. */
gboolean
contains_bytes (const char *data,
                gsize       length,
                const char *needle,
                gsize       n)
{
  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* The same, with ASCII letters compared regardless of case. */
static gboolean
contains_ascii_nocase (const char *data,
                       gsize       length,
                       const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (g_ascii_strncasecmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* The form of @c that @data (any bytes, NULs included) holds, or NULL:
 * as it is; its ASCII part in any case, so also escaped, quoted or in
 * another encoding; in base64; in hexadecimal. */
const char *
leak_form (const char   *data,
           gsize         length,
           const Canary *c)
{
  g_autofree char *base64 = g_base64_encode ((const guchar *) c->password, strlen (c->password));
  g_autoptr(GString) hex = g_string_new (NULL);

  for (const char *p = c->password; *p; p++)
    g_string_append_printf (hex, "%02x", (guchar) *p);

  if (contains_bytes (data, length, c->password, strlen (c->password)))
    return "as it is";
  if (contains_ascii_nocase (data, length, c->ascii))
    return "its ASCII part";
  if (contains_bytes (data, length, base64, strlen (base64)))
    return "in base64";
  if (contains_ascii_nocase (data, length, hex->str))
    return "in hexadecimal";
  return NULL;
}

/* ------------------------------------------------------------------------
 * messagerie-helper, as the application and administrators run it
 * ------------------------------------------------------------------------ */

void
helper_run_clear (HelperRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* The built helper, from MESSAGERIE_HELPER (tests/meson.build sets it). */
const char *
helper_path (void)
{
  const char *helper = g_getenv ("MESSAGERIE_HELPER");

  g_assert_nonnull (helper);
  return helper;
}

/* The helper's environment: the C locale (the French messages are
 * check-po's), no PKEXEC_UID and no test hook unless @env_extra (NAME,
 * VALUE, …, NULL) sets them. */
char **
helper_environment (const char *const *env_extra)
{
  char **env = g_get_environ ();

  env = g_environ_setenv (env, "LC_ALL", "C", TRUE);
  env = g_environ_unsetenv (env, "PKEXEC_UID");
  env = g_environ_unsetenv (env, "MESSAGERIE_HELPER_TEST_STOP");
  for (guint i = 0; env_extra && env_extra[i]; i += 2)
    env = g_environ_setenv (env, env_extra[i], env_extra[i + 1], TRUE);
  return env;
}

static char *
helper_read_all (GInputStream *stream)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  g_output_stream_splice (memory, stream,
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  size = g_bytes_get_size (bytes);
  /* An empty GBytes has no data pointer. */
  return g_strndup (size ? g_bytes_get_data (bytes, NULL) : "", size);
}

/* Runs the helper with @args (NULL-terminated) and @length bytes of @input
 * on its standard input (-1: up to its NUL; NULL: none), and waits for it:
 * its exit status and what it printed in @run. */
void
helper_runv (HelperRun          *run,
             const char         *input,
             gssize              length,
             const char *const  *env_extra,
             const char *const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = helper_environment (env_extra);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) helper_path ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_environ (launcher, env);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The helper may stop reading early (too large, refused before reading):
   * the rest of the input meets a closed pipe, which is not a failure. It
   * reads everything before it writes, and its output is far below a
   * pipe's buffer, so this cannot deadlock. */
  {
    GOutputStream *stdin_pipe = g_subprocess_get_stdin_pipe (process);
    g_autoptr(GError) write_error = NULL;

    if (input != NULL &&
        !g_output_stream_write_all (stdin_pipe, input, length < 0 ? strlen (input) : (gsize) length,
                                    NULL, NULL, &write_error))
      g_assert_error (write_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
    g_output_stream_close (stdin_pipe, NULL, NULL);
  }
  run->out = helper_read_all (g_subprocess_get_stdout_pipe (process));
  run->err = helper_read_all (g_subprocess_get_stderr_pipe (process));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  /* Whatever the input, the helper exits, and never with pkexec's codes
   * (126 dismissed, 127 not authorized). */
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_assert_cmpint (run->status, !=, 126);
  g_assert_cmpint (run->status, !=, 127);
}

/* The arguments of a variadic call up to its NULL, NULL-terminated. */
GPtrArray *
helper_args (va_list ap)
{
  GPtrArray *args = g_ptr_array_new ();
  const char *arg;

  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  g_ptr_array_add (args, NULL);
  return args;
}

/* helper_runv with the arguments that follow, up to NULL. */
void
helper_run (HelperRun         *run,
            const char        *input,
            gssize             length,
            const char *const *env_extra,
            ...)
{
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, env_extra);
  args = helper_args (ap);
  va_end (ap);

  helper_runv (run, input, length, env_extra, (const char *const *) args->pdata);
}

/* The last line of a protocol verb's output (doc/helper-protocol.md) is
 * its only result line: "result", @result, a message; and the exit status
 * goes with it. */
void
assert_result (HelperRun  *run,
               int         status,
               const char *result)
{
  g_autofree char *prefix = g_strdup_printf ("result\t%s\t", result);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  guint n;

  if (run->status != status || !g_str_has_suffix (run->out, "\n"))
    g_error ("exit status %d (expected %d); output:\n%s\nerrors:\n%s",
             run->status, status, run->out, run->err);

  lines = g_strsplit (run->out, "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >=, 2);
  if (!g_str_has_prefix (lines[n - 2], prefix))
    g_error ("last line “%s”, expected “%s…”; output:\n%s", lines[n - 2], prefix, run->out);
  fields = g_strsplit (lines[n - 2], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  for (guint i = 0; i + 2 < n; i++)
    g_assert_false (g_str_has_prefix (lines[i], "result\t"));
}

/* The files of render's output ("==> PATH <==" and the contents), path →
 * contents. */
GHashTable *
parse_render (const char *out)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) parts = g_strsplit (out, "==> ", -1);

  g_assert_cmpstr (parts[0], ==, "");
  for (guint i = 1; parts[i]; i++)
    {
      const char *end = strstr (parts[i], " <==\n");

      g_assert_nonnull (end);
      g_hash_table_insert (files, g_strndup (parts[i], end - parts[i]),
                           g_strdup (end + strlen (" <==\n")));
    }
  return files;
}
