/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* apply, restore and recover, each one transaction (see
 * messagerie-transaction.c). */

#include "messagerie-core.h"
#include "messagerie-exim.h"
#include "messagerie-helper-codes.h"
#include "messagerie-protocol.h"

G_BEGIN_DECLS

typedef struct {
  /* NULL: the system itself, under pkexec; services are reloaded. */
  const char *root;
  guint       lock_timeout;
  /* The exim binary whose features apply checks: MESSAGERIE_EXIM4, or
   * for the tests, with --root only, MESSAGERIE_HELPER_TEST_EXIM. */
  const char *exim;
} MessagerieTransactionOptions;

/* Whether apply, restore and recover may run: as root through pkexec, or
 * on a test root. */
gboolean    messagerie_transaction_allowed (const MessagerieTransactionOptions *options);

int         messagerie_transaction_apply   (const MessagerieTransactionOptions *options,
                                            MessagerieSettings                 *settings);
/* @name: a backup's name, NULL for the newest. */
int         messagerie_transaction_restore (const MessagerieTransactionOptions *options,
                                            const char                         *name);
int         messagerie_transaction_recover (const MessagerieTransactionOptions *options);

G_END_DECLS
