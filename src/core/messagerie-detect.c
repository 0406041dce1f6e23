/* SPDX-License-Identifier: GPL-3.0-or-later */

/* « Détecter »: which TLS choice reaches the gateway. Each choice of the
 * relay page is tried in turn with the connection test itself, on a copy
 * of the settings; implicit TLS first (RFC 8314 prefers it), clear text
 * last. */

#include <glib/gi18n-lib.h>

#include "messagerie-detect.h"

static const char *const choices[] = { "port-465", "port-587", "port-25", "no" };

typedef struct {
  MessagerieSettings *settings;
  GTlsDatabase       *database;
  guint               timeout;
  guint               next;
  GPtrArray          *attempts;
} Detect;

void
messagerie_detect_attempt_free (MessagerieDetectAttempt *attempt)
{
  if (attempt == NULL)
    return;
  messagerie_probe_result_free (attempt->result);
  g_free (attempt);
}

static void
detect_free (Detect *detect)
{
  g_clear_object (&detect->settings);
  g_clear_object (&detect->database);
  g_clear_pointer (&detect->attempts, g_ptr_array_unref);
  g_free (detect);
}

gboolean
messagerie_detect_reached (const MessagerieProbeResult *result)
{
  switch (result->code)
    {
    case MESSAGERIE_PROBE_OK:
    case MESSAGERIE_PROBE_AUTH_MISSING:
    case MESSAGERIE_PROBE_AUTH_FAILED:
    case MESSAGERIE_PROBE_SENDER_REFUSED:
    case MESSAGERIE_PROBE_RECIPIENT_REFUSED:
      return TRUE;
    case MESSAGERIE_PROBE_RESOLVE:
    case MESSAGERIE_PROBE_CONNECT:
    case MESSAGERIE_PROBE_TIMEOUT:
    case MESSAGERIE_PROBE_TLS:
    case MESSAGERIE_PROBE_CERTIFICATE:
    case MESSAGERIE_PROBE_STARTTLS_MISSING:
    case MESSAGERIE_PROBE_PROTOCOL:
    default:
      return FALSE;
    }
}

static void try_next (GTask *task);

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Detect *detect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  MessagerieProbeResult *probe = messagerie_probe_finish (result, &error);
  MessagerieDetectAttempt *attempt;

  if (probe == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  attempt = g_new0 (MessagerieDetectAttempt, 1);
  attempt->tls = choices[detect->next++];
  attempt->result = probe;
  g_ptr_array_add (detect->attempts, attempt);
  try_next (g_steal_pointer (&task));
}

static void
try_next (GTask *task)
{
  Detect *detect = g_task_get_task_data (task);
  g_autoptr(MessagerieSettings) copy = NULL;

  if (detect->next >= G_N_ELEMENTS (choices) || g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_pointer (task, g_ptr_array_ref (detect->attempts),
                               (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  copy = messagerie_settings_copy (detect->settings);
  messagerie_settings_set (copy, "relay_tls", choices[detect->next]);
  messagerie_probe_async (copy, detect->database, detect->timeout, NULL, NULL,
                          g_task_get_cancellable (task), on_probe_done, task);
}

void
messagerie_detect_async (MessagerieSettings  *settings,
                         GTlsDatabase        *database,
                         guint                timeout_seconds,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Detect *detect = g_new0 (Detect, 1);
  const char *password = messagerie_settings_get_password (settings);

  g_return_if_fail (MESSAGERIE_IS_SETTINGS (settings));

  g_task_set_source_tag (task, messagerie_detect_async);
  detect->settings = messagerie_settings_copy (settings);
  /* Without a password the login cannot be tried: the TLS still can. */
  if (messagerie_settings_get_boolean (settings, "relay_auth") && (password == NULL || *password == '\0'))
    messagerie_settings_set (detect->settings, "relay_auth", "false");
  detect->database = database ? g_object_ref (database) : NULL;
  detect->timeout = timeout_seconds;
  detect->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_detect_attempt_free);
  g_task_set_task_data (task, detect, (GDestroyNotify) detect_free);
  try_next (task);
}

GPtrArray *
messagerie_detect_finish (GAsyncResult  *result,
                          const char   **proposal,
                          GError       **error)
{
  GPtrArray *attempts;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (proposal != NULL)
    *proposal = NULL;
  attempts = g_task_propagate_pointer (G_TASK (result), error);
  if (attempts != NULL && proposal != NULL)
    for (guint i = 0; i < attempts->len && *proposal == NULL; i++)
      {
        MessagerieDetectAttempt *attempt = g_ptr_array_index (attempts, i);

        if (messagerie_detect_reached (attempt->result))
          *proposal = attempt->tls;
      }
  return attempts;
}
