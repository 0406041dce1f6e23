/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Exit codes of messagerie-helper. 126 and 127 are pkexec's own (request
 * dismissed, not authorized) and are never used here, so the application
 * can tell them apart. */
typedef enum {
  MESSAGERIE_EXIT_OK          = 0,
  MESSAGERIE_EXIT_INVALID     = 1,  /* the settings have an error (validate, apply, probe) */
  MESSAGERIE_EXIT_USAGE       = 2,  /* unknown verb or option */
  MESSAGERIE_EXIT_BAD_INPUT   = 3,  /* standard input is not a settings file */
  MESSAGERIE_EXIT_REFUSED     = 4,  /* not allowed in this context (an option under pkexec) */
  MESSAGERIE_EXIT_FAILED      = 5,  /* a step failed; apply and restore put every file back;
                                     * the gateway failed probe's test, or test-mail's message
                                     * was not delivered */
  MESSAGERIE_EXIT_BUSY        = 6,  /* another apply held the lock past --lock-timeout */
} MessagerieExitCode;
