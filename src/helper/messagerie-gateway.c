/* SPDX-License-Identifier: GPL-3.0-or-later */

/* probe and detect: the gateway of the settings tested by the core's
 * connection test (messagerie-probe, messagerie-detect), its outcome
 * printed as the protocol's lines. No mail is sent, no file read or
 * written: it needs no privilege. */

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "messagerie-gateway.h"
#include "messagerie-protocol.h"

typedef struct {
  GMainLoop             *loop;
  MessagerieProbeResult *result;
  GError                *error;
} ProbeRun;

static void
on_probe_step (const char *step,
               const char *message,
               gpointer    user_data)
{
  messagerie_protocol_step (step, message);
}

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ProbeRun *run = user_data;

  run->result = messagerie_probe_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

/* The relay's errors only: the rest of the settings plays no part. */
static gboolean
print_relay_errors (MessagerieSettings *settings)
{
  g_autoptr(GPtrArray) findings = NULL;
  gboolean found = FALSE;

  /* A password not sent, or sent empty, is no error here: the test goes up
   * to the login without it (the password is only on the server). */
  if (g_strcmp0 (messagerie_settings_get_password (settings), "") == 0)
    messagerie_settings_set_password (settings, NULL);
  findings = messagerie_validate (settings);
  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity != MESSAGERIE_SEVERITY_ERROR ||
          !(g_str_has_prefix (finding->key, "relay_") || g_str_equal (finding->key, "password")))
        continue;
      messagerie_protocol_finding (finding);
      found = TRUE;
    }

  return found;
}

/* MESSAGERIE_PROBE_CA_FILE, for tests only: the authorities to trust
 * instead of the system's. Never under pkexec. */
static GTlsDatabase *
test_database (GError **error)
{
  const char *path = g_getenv ("MESSAGERIE_PROBE_CA_FILE");
  g_autofree char *absolute = NULL;

  if (path == NULL || *path == '\0' || g_getenv ("PKEXEC_UID") != NULL)
    return NULL;
  /* GTlsFileDatabase wants an absolute path. */
  absolute = g_canonicalize_filename (path, NULL);
  return g_tls_file_database_new (absolute, error);
}

int
messagerie_gateway_probe (MessagerieSettings *settings,
                          guint               timeout)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  ProbeRun run = { NULL };
  MessagerieProbeResult *result;
  int status;

  if (print_relay_errors (settings))
    return messagerie_protocol_result (MESSAGERIE_RESULT_INVALID,
                                       _("The settings of the gateway have errors: nothing was tested."));

  database = test_database (&error);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot read MESSAGERIE_PROBE_CA_FILE: %s"),
                                                  error->message);

      return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, message);
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  messagerie_probe_async (settings, database, timeout, on_probe_step, NULL,
                          NULL, on_probe_done, &run);
  g_main_loop_run (loop);

  if (run.result == NULL)
    {
      status = messagerie_protocol_result (MESSAGERIE_RESULT_INVALID, run.error->message);
      g_error_free (run.error);
      return status;
    }

  result = run.result;
  {
    const char *const details[][2] = {
      { "server", result->server_name }, { "greeting", result->greeting },
      { "tls", result->tls_version }, { "certificate", result->certificate_name },
      { "mechanism", result->mechanism }, { "reply", result->server_reply },
      { "key", result->key },
    };

    for (guint i = 0; i < G_N_ELEMENTS (details); i++)
      if (details[i][1] != NULL)
        messagerie_protocol_emit ("detail", details[i][0], details[i][1], NULL);
  }

  status = messagerie_protocol_result_code (messagerie_probe_code_to_string (result->code),
                                            result->code == MESSAGERIE_PROBE_OK ? MESSAGERIE_EXIT_OK
                                                                                : MESSAGERIE_EXIT_FAILED,
                                            result->message);
  messagerie_probe_result_free (result);
  return status;
}

typedef struct {
  GMainLoop *loop;
  GPtrArray *attempts;
  const char *proposal;
  GError    *error;
} DetectRun;

static void
on_detect_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DetectRun *run = user_data;

  run->attempts = messagerie_detect_finish (result, &run->proposal, &run->error);
  g_main_loop_quit (run->loop);
}

int
messagerie_gateway_detect (MessagerieSettings *settings,
                           guint               timeout)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  DetectRun run = { NULL };
  g_autofree char *message = NULL;

  database = test_database (&error);
  if (error != NULL)
    return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, error->message);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  messagerie_detect_async (settings, database, timeout, NULL, on_detect_done, &run);
  g_main_loop_run (loop);
  if (run.attempts == NULL)
    {
      int status = messagerie_protocol_result (MESSAGERIE_RESULT_INVALID, run.error->message);

      g_error_free (run.error);
      return status;
    }
  attempts = run.attempts;

  for (guint i = 0; i < attempts->len; i++)
    {
      MessagerieDetectAttempt *a = g_ptr_array_index (attempts, i);
      MessagerieProbeResult *r = a->result;

      messagerie_protocol_emit ("attempt", a->tls, messagerie_probe_code_to_string (r->code),
                                r->tls_version ? r->tls_version : "",
                                r->certificate_name ? r->certificate_name : "",
                                r->auth_offered ? r->auth_offered : "", r->message, NULL);
    }
  if (run.proposal == NULL)
    return messagerie_protocol_result_code ("connect", MESSAGERIE_EXIT_FAILED,
                                            _("No TLS choice reaches the gateway: check its name "
                                              "and that it accepts this server."));
  messagerie_protocol_emit ("detail", "proposal", run.proposal, NULL);
  /* Translators: %s is a choice of « Utilisation de TLS (SSL) », port-465… */
  message = g_strdup_printf (_("The gateway is reached with the TLS choice “%s”."), run.proposal);
  return messagerie_protocol_result (MESSAGERIE_RESULT_OK, message);
}
