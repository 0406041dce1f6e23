/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One result of validation, or an error the helper names: a boxed type. */

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  MESSAGERIE_SEVERITY_WARNING,
  MESSAGERIE_SEVERITY_ERROR,
} MessagerieSeverity;

/* The key is the settings key the finding belongs to ("password" for the
 * relay password), rule is the SPEC's id ("E1"…"W5"), message is already
 * translated. */
typedef struct {
  char               *key;
  char               *rule;
  MessagerieSeverity  severity;
  char               *message;
} MessagerieFinding;

#define MESSAGERIE_TYPE_FINDING (messagerie_finding_get_type ())

GType              messagerie_finding_get_type   (void) G_GNUC_CONST;
MessagerieFinding *messagerie_finding_new        (const char         *key,
                                                  const char         *rule,
                                                  MessagerieSeverity  severity,
                                                  const char         *message);
MessagerieFinding *messagerie_finding_copy       (const MessagerieFinding *finding);
void               messagerie_finding_free       (MessagerieFinding  *finding);

const char        *messagerie_severity_to_string (MessagerieSeverity  severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieFinding, messagerie_finding_free)

G_END_DECLS
