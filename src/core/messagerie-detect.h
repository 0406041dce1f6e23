/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-probe.h"

G_BEGIN_DECLS

/* One way of reaching the gateway, and how the connection test went. */
typedef struct {
  const char            *tls;      /* a relay_tls value: port-465, port-587, port-25, no */
  MessagerieProbeResult *result;
} MessagerieDetectAttempt;

void messagerie_detect_attempt_free (MessagerieDetectAttempt *attempt);

/* Tries the gateway of @settings on 465 (implicit TLS), 587 and 25
 * (STARTTLS), then 25 in clear text, each with the connection test
 * (messagerie_probe_async, the login only when a password is known),
 * one after the other. */
void       messagerie_detect_async  (MessagerieSettings  *settings,
                                     GTlsDatabase        *database,
                                     guint                timeout_seconds,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* The attempts, in the order they were made, and in @proposal the first
 * choice whose TLS worked (NULL when none did). */
GPtrArray *messagerie_detect_finish (GAsyncResult  *result,
                                     const char   **proposal,
                                     GError       **error);

/* Whether the connection, TLS included, worked in @result: whatever the
 * login or the envelope then said. */
gboolean   messagerie_detect_reached (const MessagerieProbeResult *result);

G_END_DECLS
