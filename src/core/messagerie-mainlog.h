/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MESSAGERIE_DELIVERY_DELIVERED,
  MESSAGERIE_DELIVERY_DEFERRED,
  MESSAGERIE_DELIVERY_BOUNCED,
  MESSAGERIE_DELIVERY_REJECTED,
} MessagerieDeliveryOutcome;

/* One outcome exim's main log records for a recipient. */
typedef struct {
  char                      *time;       /* ISO 8601, with the local offset */
  char                      *id;         /* exim's message id; "" for a rejected RCPT */
  MessagerieDeliveryOutcome  outcome;
  char                      *recipient;  /* "" when the log names none */
  char                      *host;       /* the host that answered, "" for none */
  char                      *router;     /* exim's router (R=), "" for none */
  char                      *detail;     /* its reply, or exim's reason */
} MessagerieDelivery;

/* @line of exim's main log as a delivery, or NULL when it is none
 * (a reception, "Completed", a queue run…). */
MessagerieDelivery *messagerie_delivery_parse              (const char *line);
void                messagerie_delivery_free               (MessagerieDelivery *delivery);
const char         *messagerie_delivery_outcome_to_string  (MessagerieDeliveryOutcome outcome);

/* Whether exim's @reason says the gateway refused root's sender. */
gboolean            messagerie_delivery_refuses_sender     (const char *reason);
/* exim's @reason, in a sentence a person reads first, then exim's own
 * words in parentheses; @reason alone when it is none exim is known for. */
char               *messagerie_delivery_explain            (const char *reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieDelivery, messagerie_delivery_free)

G_END_DECLS
