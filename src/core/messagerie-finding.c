/* SPDX-License-Identifier: GPL-3.0-or-later */

/* MessagerieFinding, the boxed result of validation: new, copy, free. */

#include "messagerie-finding.h"

G_DEFINE_BOXED_TYPE (MessagerieFinding, messagerie_finding,
                     messagerie_finding_copy, messagerie_finding_free)

/* Every string is copied. */
MessagerieFinding *
messagerie_finding_new (const char         *key,
                        const char         *rule,
                        MessagerieSeverity  severity,
                        const char         *message)
{
  MessagerieFinding *finding = g_new0 (MessagerieFinding, 1);

  finding->key = g_strdup (key);
  finding->rule = g_strdup (rule);
  finding->severity = severity;
  finding->message = g_strdup (message);
  return finding;
}

MessagerieFinding *
messagerie_finding_copy (const MessagerieFinding *finding)
{
  g_return_val_if_fail (finding != NULL, NULL);

  return messagerie_finding_new (finding->key, finding->rule, finding->severity,
                                 finding->message);
}

void
messagerie_finding_free (MessagerieFinding *finding)
{
  if (finding == NULL)
    return;

  g_free (finding->key);
  g_free (finding->rule);
  g_free (finding->message);
  g_free (finding);
}

const char *
messagerie_severity_to_string (MessagerieSeverity severity)
{
  switch (severity)
    {
    case MESSAGERIE_SEVERITY_WARNING:
      return "warning";
    case MESSAGERIE_SEVERITY_ERROR:
      return "error";
    default:
      g_return_val_if_reached ("error");
    }
}
