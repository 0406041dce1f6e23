/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-settings.h"

G_BEGIN_DECLS

typedef enum {
  MESSAGERIE_SEVERITY_WARNING,
  MESSAGERIE_SEVERITY_ERROR,
} MessagerieSeverity;

/* One result of validation. The key is the settings key the finding belongs
 * to ("password" for the relay password), rule is the SPEC's id ("E1"…"W5"),
 * message is already translated. */
typedef struct {
  char               *key;
  char               *rule;
  MessagerieSeverity  severity;
  char               *message;
} MessagerieFinding;

void        messagerie_finding_free         (MessagerieFinding *finding);
const char *messagerie_severity_to_string   (MessagerieSeverity severity);

/* Every finding for the values in use, in key order; never NULL. The array
 * owns its elements. */
GPtrArray  *messagerie_validate             (MessagerieSettings *settings);
gboolean    messagerie_findings_have_error  (GPtrArray *findings);

/* The pieces of E1 and E3, for the renderer and the application. */
gboolean    messagerie_is_valid_domain      (const char *domain);
gboolean    messagerie_is_valid_address     (const char *address);
gboolean    messagerie_is_ip_address        (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieFinding, messagerie_finding_free)

G_END_DECLS
