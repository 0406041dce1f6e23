/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "messagerie-helper-codes.h"
#include "messagerie-rules.h"

G_BEGIN_DECLS

/* The last line of apply, restore, recover and test-mail
 * (doc/helper-protocol.md). */
typedef enum {
  MESSAGERIE_RESULT_OK,
  MESSAGERIE_RESULT_UNCHANGED,
  MESSAGERIE_RESULT_INVALID,
  MESSAGERIE_RESULT_USAGE,
  MESSAGERIE_RESULT_INPUT,
  MESSAGERIE_RESULT_REFUSED,
  MESSAGERIE_RESULT_FAILED,
  MESSAGERIE_RESULT_BUSY,
} MessagerieResult;

/* One line of TAB-separated fields on standard output, NULL-terminated;
 * control characters inside a field become spaces. */
void        messagerie_protocol_emit        (const char *first,
                                             ...) G_GNUC_NULL_TERMINATED;
void        messagerie_protocol_step        (const char *id,
                                             const char *message);
/* Test hook (MESSAGERIE_HELPER_TEST_STOP, --root only): the helper stops
 * itself with SIGSTOP when it reaches @point, so that a test can kill it
 * there. Points: "step:ID" right after the step line ID is printed,
 * "prepared" once every new file is written beside its target, "journal"
 * once the journal is written, "write:N" after the N-th rename,
 * "committed" once the journal is removed, "undo:N" after the N-th file a
 * rollback or a recovery puts back. */
void        messagerie_protocol_set_test_stop (const char *point);
void        messagerie_protocol_test_point    (const char *point);
/* A finding of the rules: severity, key, rule, message. validate prints
 * the same lines. */
void        messagerie_protocol_finding     (const MessagerieFinding *finding);
/* The lines of apply, restore and recover: a warning (about the setting
 * @key, or NULL), a step that failed (@key: the setting at fault, or
 * NULL), a file put back. */
void        messagerie_protocol_notice      (const char *key,
                                             const char *message);
void        messagerie_protocol_failed      (const char *step,
                                             const char *key,
                                             const char *message);
void        messagerie_protocol_restored    (const char *path);
/* "Error: @message" on standard error, on one line whatever @message
 * holds: every failure of the helper ends with one. */
void        messagerie_protocol_print_error (const char *message);
/* Prints the result line (and, for a failure, the same message as an
 * "Error:" line on standard error) and returns the exit code. */
int         messagerie_protocol_result      (MessagerieResult  result,
                                             const char       *message);
/* The same with a verb's own result code (probe's "resolve"…) and the
 * exit code that goes with it. */
int         messagerie_protocol_result_code (const char *code,
                                             int         exit_code,
                                             const char *message);
/* The "failed" line of @step, then the result line of a failure;
 * returns the exit code. */
int         messagerie_protocol_fail_step   (const char *step,
                                             const char *key,
                                             const char *message);

G_END_DECLS
