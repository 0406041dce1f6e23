/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The newest @last outcomes of exim's main log under @root, rotated logs
 * included, newest first, as "delivery" lines; then the result line.
 * Returns the exit code. */
int messagerie_activity_deliveries (const char *root,
                                    guint       last);

/* One "message" line per message in exim's queue (doc/helper-protocol.md),
 * then the result line. */
int messagerie_activity_queue        (const char        *root);
/* A delivery attempt now for @ids (or every queued message with @all),
 * one "delivery" line per outcome. */
int messagerie_activity_queue_retry  (const char        *root,
                                      const char *const *ids,
                                      gboolean           all);
/* Removes @ids from the queue (exim4 -Mrm), one line each. */
int messagerie_activity_queue_delete (const char        *root,
                                      const char *const *ids);

/* Whether exim runs (and since when), how many messages wait, when the
 * settings were last applied (and the backup made then), the last outcome
 * through the gateway delivered and the last not: "status" lines. */
int messagerie_activity_status       (const char        *root);

G_END_DECLS
