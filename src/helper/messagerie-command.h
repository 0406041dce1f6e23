/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* No command the helper runs should take this long: one that does would
 * hold the transaction's lock forever. */
#define MESSAGERIE_COMMAND_TIMEOUT_SECONDS 120

typedef struct {
  /* The exit status, or -1 when the command was killed or timed out. */
  int       status;
  gboolean  timed_out;
  /* What it printed (at most 16 MiB of each), valid UTF-8, stripped. */
  char     *out;
  char     *err;
} MessagerieCommand;

void      messagerie_command_clear       (MessagerieCommand *command);

/* Runs @argv (argv[0] an absolute path) with @input on its standard input
 * (NULL for /dev/null), an environment of PATH and LANG only, "/" as its
 * folder and a time limit. FALSE only when it could not start; its status
 * and output are in @command. */
gboolean  messagerie_command_run         (const char *const  *argv,
                                          const char         *input,
                                          MessagerieCommand  *command,
                                          GError            **error);

/* The same with TMPDIR=@tmpdir (NULL: none) in its environment: where
 * update-exim4.conf makes its temporary file, which a killed or failed run
 * leaves behind. */
gboolean  messagerie_command_run_in      (const char *const  *argv,
                                          const char         *input,
                                          const char         *tmpdir,
                                          MessagerieCommand  *command,
                                          GError            **error);

/* What a failed command said, on one line: its error output, else its
 * output, else its status. */
char     *messagerie_command_failure     (const char *const *argv,
                                          MessagerieCommand *command);

/* Runs @argv and fails with its message unless it exits with 0. */
gboolean  messagerie_command_run_checked (const char *const  *argv,
                                          GError            **error);

/* An absolute path for @name in the PATH given to commands, or NULL. */
char     *messagerie_find_program        (const char *name);

/* Whether systemd runs the machine: then services are its units. */
gboolean  messagerie_systemd_runs        (void);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MessagerieCommand, messagerie_command_clear)

G_END_DECLS
