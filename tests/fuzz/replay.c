/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Replays a fuzz target's corpus without libFuzzer, in the normal build:
 * one TAP case per file of each folder given, so that every input the
 * fuzzers found interesting, and every crash they found (fixed since),
 * runs in CI with the other tests. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      const char *name;

      if (dir == NULL)
        {
          printf ("Bail out! %s\n", error->message);
          return 1;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (paths, g_build_filename (argv[i], name, NULL));
    }
  /* The same order everywhere: a failure names the same case. */
  g_ptr_array_sort (paths, compare_names);

  printf ("1..%u\n", paths->len);
  if (paths->len == 0)
    {
      printf ("Bail out! no corpus file\n");
      return 1;
    }

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *data = NULL;
      g_autofree char *base = g_path_get_basename (path);
      g_autoptr(GError) error = NULL;
      gsize length;

      if (!g_file_get_contents (path, &data, &length, &error))
        {
          printf ("not ok %u - %s: %s\n", ++n, base, error->message);
          continue;
        }
      /* Flushed first: a crash shows which case it was. */
      printf ("# %s\n", base);
      fflush (stdout);
      LLVMFuzzerTestOneInput ((const uint8_t *) data, length);
      printf ("ok %u - %s\n", ++n, base);
    }

  return 0;
}
