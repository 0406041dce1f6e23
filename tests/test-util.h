/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the test programs share, declared: looks at rendered files line by
 * line, test roots copied and removed, a password looked for where it must
 * not be, and messagerie-helper run as a separate process. Defined, and
 * documented, in tests/test-util.c (the static library test-util of
 * tests/meson.build). GLib and GIO only, so that the programs that run the
 * helper need not link the core. */

#include <stdarg.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* Lines */

guint test_count_lines (const char *text,
                        const char *line,
                        gboolean    prefix);

#define assert_has_line(text, line) \
  G_STMT_START { \
    if (test_count_lines ((text), (line), FALSE) == 0) \
      g_error ("line “%s” not found in:\n%s", (line), (text)); \
  } G_STMT_END

#define assert_has_line_prefix(text, prefix) \
  G_STMT_START { \
    if (test_count_lines ((text), (prefix), TRUE) == 0) \
      g_error ("no line starts with “%s” in:\n%s", (prefix), (text)); \
  } G_STMT_END

#define assert_no_line(text, line) \
  G_STMT_START { \
    if (test_count_lines ((text), (line), FALSE) != 0) \
      g_error ("line “%s” unexpectedly found in:\n%s", (line), (text)); \
  } G_STMT_END

/* Trees */

void  copy_tree      (GFile      *src,
                      GFile      *dst);
void  remove_tree    (GFile      *file);
void  remove_tmp_dir (const char *path);
char *root_file      (const char *root,
                      const char *path);
void  root_file_put  (const char *root,
                      const char *path,
                      const char *contents,
                      gssize      length);

/* Looking for a password where it must not be */

/* A distinctive password, looked for where it must never be. */
typedef struct {
  const char *password;
  /* Its first ASCII characters: found whatever the encoding or the
   * escaping of the rest. */
  const char *ascii;
} Canary;

gboolean    contains_bytes (const char   *data,
                            gsize         length,
                            const char   *needle,
                            gsize         n);
const char *leak_form      (const char   *data,
                            gsize         length,
                            const Canary *c);

/* messagerie-helper, as the application and administrators run it */

typedef struct {
  int   status;
  char *out;
  char *err;
} HelperRun;

void helper_run_clear (HelperRun *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HelperRun, helper_run_clear)

const char  *helper_path        (void);
char       **helper_environment (const char *const *env_extra);
void         helper_runv        (HelperRun         *run,
                                 const char        *input,
                                 gssize             length,
                                 const char *const *env_extra,
                                 const char *const *args);
GPtrArray   *helper_args        (va_list            ap);
void         helper_run         (HelperRun         *run,
                                 const char        *input,
                                 gssize             length,
                                 const char *const *env_extra,
                                 ...) G_GNUC_NULL_TERMINATED;
void         assert_result      (HelperRun         *run,
                                 int                status,
                                 const char        *result);
GHashTable  *parse_render       (const char        *out);

G_END_DECLS
