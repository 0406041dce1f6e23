/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The connection test of the relay settings, as exim would connect:
 *
 *   resolve      the gateway's name, through GResolver
 *   connect      each of its addresses in turn, with the port of relay_tls
 *   tls          implicit TLS: the handshake first
 *   greeting     the 220 reply
 *   ehlo         extensions (HELO when EHLO is refused)
 *   starttls     STARTTLS, then the handshake, then EHLO again
 *   certificate  after each handshake: what the system's authorities (or
 *                the database given) think of the certificate
 *   auth         AUTH PLAIN, else AUTH LOGIN
 *   sender       MAIL FROM:<root_sender>: does the gateway take root's
 *                address (some only take their own domain's)?
 *   recipient    RCPT TO:<root_recipient>, then RSET
 *   quit         QUIT; no message is ever sent
 *
 * One deadline for the whole test: a timer started with it cancels the
 * operation running when it fires. A limit per operation let a server
 * answering each reply just in time stretch one test to minutes. (The
 * socket's own timeout, a second longer, is only a safety net.)
 * Certificates are always accepted during the handshake and judged after
 * it, so that a bad one is reported as a certificate problem with its
 * names, not as a failed handshake; nothing is sent over a connection
 * whose certificate failed verification.
 *
 * This file: the task, its deadline and result, the name lookup, the
 * connection and the TLS handshakes. The SMTP dialogue is
 * messagerie-probe-session.c, the texts of failure and success
 * messagerie-probe-diagnosis.c. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-probe-private.h"
#include "messagerie-rules.h"
#include "messagerie-secret.h"

/* ------------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------------ */

const char *
messagerie_probe_code_to_string (MessagerieProbeCode code)
{
  static const char *const names[] = {
    [MESSAGERIE_PROBE_OK]               = "ok",
    [MESSAGERIE_PROBE_RESOLVE]          = "resolve",
    [MESSAGERIE_PROBE_CONNECT]          = "connect",
    [MESSAGERIE_PROBE_TIMEOUT]          = "timeout",
    [MESSAGERIE_PROBE_TLS]              = "tls",
    [MESSAGERIE_PROBE_CERTIFICATE]      = "certificate",
    [MESSAGERIE_PROBE_STARTTLS_MISSING] = "starttls-missing",
    [MESSAGERIE_PROBE_AUTH_MISSING]     = "auth-missing",
    [MESSAGERIE_PROBE_AUTH_FAILED]      = "auth-failed",
    [MESSAGERIE_PROBE_PROTOCOL]         = "protocol",
    [MESSAGERIE_PROBE_SENDER_REFUSED]   = "sender-refused",
    [MESSAGERIE_PROBE_RECIPIENT_REFUSED] = "recipient-refused",
  };

  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (names), "protocol");
  return names[code];
}

void
messagerie_probe_result_free (MessagerieProbeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->step);
  g_free (result->message);
  g_free (result->server_name);
  g_free (result->greeting);
  g_free (result->tls_version);
  g_free (result->mechanism);
  g_free (result->certificate_name);
  g_free (result->server_reply);
  g_free (result->key);
  g_free (result->auth_offered);
  g_free (result);
}

static void
probe_free (Probe *probe)
{
  if (probe->timer != NULL)
    {
      g_source_destroy (probe->timer);
      g_source_unref (probe->timer);
    }
  if (probe->cancelled_id != 0)
    g_cancellable_disconnect (probe->caller_cancellable, probe->cancelled_id);
  g_clear_object (&probe->caller_cancellable);
  g_clear_object (&probe->cancellable);

  g_free (probe->host);
  g_free (probe->user);
  messagerie_secret_free (probe->password);
  g_free (probe->helo_name);
  g_free (probe->sender);
  g_free (probe->recipient);
  g_clear_object (&probe->database);

  g_list_free_full (probe->addresses, g_object_unref);
  g_free (probe->address_text);
  g_clear_error (&probe->connect_error);
  g_clear_object (&probe->client);
  g_clear_object (&probe->stream);
  g_clear_object (&probe->connection);
  g_byte_array_unref (probe->input);
  g_clear_pointer (&probe->reply, messagerie_smtp_reply_free);
  messagerie_secret_free_sized (probe->command, probe->command_length);
  g_clear_pointer (&probe->ehlo, messagerie_smtp_reply_free);
  g_clear_pointer (&probe->result, messagerie_probe_result_free);
  g_free (probe);
}

/* The step's name, as the step callback and the result give it. */
static const char *
step_name (ProbeStep step)
{
  static const char *const names[] = {
    [PROBE_STEP_RESOLVE]     = "resolve",
    [PROBE_STEP_CONNECT]     = "connect",
    [PROBE_STEP_TLS]         = "tls",
    [PROBE_STEP_GREETING]    = "greeting",
    [PROBE_STEP_EHLO]        = "ehlo",
    [PROBE_STEP_STARTTLS]    = "starttls",
    [PROBE_STEP_CERTIFICATE] = "certificate",
    [PROBE_STEP_AUTH]        = "auth",
    [PROBE_STEP_SENDER]      = "sender",
    [PROBE_STEP_RECIPIENT]   = "recipient",
    [PROBE_STEP_QUIT]        = "quit",
  };

  g_return_val_if_fail ((guint) step < G_N_ELEMENTS (names), "quit");
  return names[step];
}

void
messagerie_probe_emit_step (Probe      *probe,
                            ProbeStep   step,
                            const char *message)
{
  probe->step = step;
  if (probe->step_func != NULL &&
      !g_cancellable_is_cancelled (probe->caller_cancellable))
    probe->step_func (step_name (step), message, probe->step_data);
}

static void
stop_timer (Probe *probe)
{
  if (probe->timer == NULL)
    return;
  g_source_destroy (probe->timer);
  g_clear_pointer (&probe->timer, g_source_unref);
}

static gboolean
on_timer (gpointer user_data)
{
  Probe *probe = user_data;

  probe->timed_out = TRUE;
  g_cancellable_cancel (probe->cancellable);
  return G_SOURCE_REMOVE;
}

/* Once, as the test starts: it has probe->timeout seconds in all. */
static void
start_deadline (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  g_return_if_fail (probe->timer == NULL);
  probe->timer = g_timeout_source_new (probe->timeout * 1000);
  g_source_set_callback (probe->timer, on_timer, probe, NULL);
  g_source_attach (probe->timer, g_task_get_context (task));
}

/* Ends the probe with its result. No operation is pending when called. */
static void
probe_return (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  stop_timer (probe);
  /* Closing the socket itself writes nothing and never blocks. */
  if (probe->connection != NULL)
    g_socket_close (g_socket_connection_get_socket (probe->connection), NULL);
  if (probe->cancelled_id != 0)
    {
      g_cancellable_disconnect (probe->caller_cancellable, probe->cancelled_id);
      probe->cancelled_id = 0;
    }

  g_task_return_pointer (task, g_steal_pointer (&probe->result),
                         (GDestroyNotify) messagerie_probe_result_free);
  g_object_unref (task);
}

void
messagerie_probe_end (GTask               *task,
                      MessagerieProbeCode  code,
                      char                *message)
{
  Probe *probe = g_task_get_task_data (task);

  probe->result->code = code;
  probe->result->step = g_strdup (step_name (probe->step));
  probe->result->message = message;
  probe_return (task);
}

void
messagerie_probe_end_with_reply (GTask               *task,
                                 MessagerieProbeCode  code,
                                 MessagerieSmtpReply *reply,
                                 char                *message)
{
  Probe *probe = g_task_get_task_data (task);

  g_free (probe->result->server_reply);
  probe->result->server_reply = messagerie_smtp_reply_to_string (reply);
  messagerie_probe_end (task, code, message);
}

void
messagerie_probe_succeed (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  probe->step = PROBE_STEP_QUIT;
  messagerie_probe_end (task, MESSAGERIE_PROBE_OK, messagerie_probe_success_message (probe));
}

static void
fail_timeout (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  messagerie_probe_end (task, MESSAGERIE_PROBE_TIMEOUT, messagerie_probe_timeout_message (probe));
}

/* An operation failed with @error. */
void
messagerie_probe_fail_error (GTask        *task,
                             const GError *error)
{
  Probe *probe = g_task_get_task_data (task);
  MessagerieProbeCode code;
  char *message;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !probe->timed_out)
    {
      stop_timer (probe);
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }

  /* The session worked; only the goodbye did not. */
  if (probe->step == PROBE_STEP_QUIT)
    {
      messagerie_probe_succeed (task);
      return;
    }

  if (probe->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      fail_timeout (task);
      return;
    }

  message = messagerie_probe_error_message (probe, error, &code);
  messagerie_probe_end (task, code, message);
}

void
messagerie_probe_fail_unexpected (GTask               *task,
                                  MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = messagerie_smtp_reply_to_string (reply);

  messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_PROTOCOL, reply,
                                   /* Translators: the first %s is a step, the second the server's reply. */
                                   g_strdup_printf (_("Unexpected answer of the gateway during %s: %s"),
                                                    messagerie_probe_step_label (probe->step), text));
}

/* ------------------------------------------------------------------------
 * The connection: name lookup, addresses, TLS handshakes
 * ------------------------------------------------------------------------ */

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  GTlsConnection *tls = G_TLS_CONNECTION (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *step_message = NULL;
  GTlsCertificate *certificate;
  GTlsCertificateFlags errors;

  if (!g_tls_connection_handshake_finish (tls, result, &error))
    {
      messagerie_probe_fail_error (task, error);
      return;
    }

  probe->tls_started = TRUE;
  g_free (probe->result->tls_version);
  probe->result->tls_version =
    g_strdup (messagerie_probe_tls_version_name (g_tls_connection_get_protocol_version (tls)));

  certificate = g_tls_connection_get_peer_certificate (tls);
  errors = g_tls_connection_get_peer_certificate_errors (tls);
  probe->result->certificate_errors = errors;
  g_clear_pointer (&probe->result->certificate_name, g_free);
  if (certificate != NULL)
    probe->result->certificate_name = messagerie_probe_certificate_names (certificate);

  if (probe->verify)
    {
      /* Translators: %s is the gateway's name. */
      step_message = g_strdup_printf (_("Checking the certificate of %s"), probe->host);
      messagerie_probe_emit_step (probe, PROBE_STEP_CERTIFICATE, step_message);
      if (errors != 0)
        {
          messagerie_probe_end (task, MESSAGERIE_PROBE_CERTIFICATE,
                                messagerie_probe_certificate_message (probe, certificate, errors));
          return;
        }
    }
  else
    messagerie_probe_emit_step (probe, PROBE_STEP_CERTIFICATE, _("Not checking the certificate: verification is off"));

  if (probe->tls_mode == TLS_IMPLICIT)
    messagerie_probe_read_greeting (task);
  else
    messagerie_probe_send_ehlo (task);
}

/* Every certificate passes the handshake; on_handshake() judges it. */
static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

void
messagerie_probe_start_tls (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (probe->host, probe->port);
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_client_connection_new (G_IO_STREAM (probe->connection), identity, &error);
  if (tls == NULL)
    {
      g_autofree char *text = messagerie_probe_error_text (error);

      messagerie_probe_end (task, MESSAGERIE_PROBE_TLS,
                            g_strdup_printf (_("TLS is not available on this computer: %s. Install the package "
                                               "glib-networking."), text));
      return;
    }

  if (probe->database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), probe->database);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);

  g_set_object (&probe->stream, tls);
  g_object_unref (tls);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    probe->cancellable, on_handshake, task);
}

static void connect_next (GTask *task);

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  probe->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (probe->connection == NULL)
    {
      /* The next address may answer; report the last one's failure. */
      if (probe->next_address != NULL &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        connect_next (task);
      else
        messagerie_probe_fail_error (task, error);
      return;
    }

  probe->stream = G_IO_STREAM (g_object_ref (probe->connection));

  if (probe->tls_mode == TLS_IMPLICIT)
    {
      messagerie_probe_emit_step (probe, PROBE_STEP_TLS, _("Starting TLS (implicit TLS)"));
      messagerie_probe_start_tls (task);
    }
  else
    messagerie_probe_read_greeting (task);
}

static void
connect_next (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  GInetAddress *address = probe->next_address->data;
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, probe->port);
  g_autofree char *text = g_inet_address_to_string (address);
  g_autofree char *message = NULL;

  probe->next_address = probe->next_address->next;

  g_free (probe->address_text);
  if (g_ascii_strcasecmp (text, probe->host) == 0)
    probe->address_text = g_strdup (probe->host);
  else
    probe->address_text = g_strdup_printf ("%s (%s)", probe->host, text);

  /* Translators: the gateway's name and address, then a port number. */
  message = g_strdup_printf (_("Connecting to %s, port %u"), probe->address_text, probe->port);
  messagerie_probe_emit_step (probe, PROBE_STEP_CONNECT, message);

  g_socket_client_connect_async (probe->client, G_SOCKET_CONNECTABLE (socket_address),
                                 probe->cancellable, on_connected, task);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  probe->addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (probe->addresses == NULL)
    {
      messagerie_probe_fail_error (task, error);
      return;
    }

  probe->next_address = probe->addresses;
  connect_next (task);
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* ------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------ */

/* Reads what to test; FALSE with a message when there is nothing. */
static gboolean
probe_setup (Probe               *probe,
             MessagerieSettings  *settings,
             GError             **error)
{
  const char *password = messagerie_settings_get_password (settings);
  g_autofree char *server_name = NULL;
  guint64 port;

  if (!messagerie_settings_get_boolean (settings, "relay_enabled"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Mail is not sent through a gateway: there is nothing to test."));
      return FALSE;
    }

  probe->host = g_strstrip (g_strdup (messagerie_settings_get (settings, "relay_host")));
  if (*probe->host == '\0' || messagerie_has_control_char (probe->host))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the name of the SMTP gateway to test it."));
      return FALSE;
    }

  /* The port and TLS exim gets from the renderer. */
  if (!messagerie_parse_uint (messagerie_settings_get_relay_port (settings), 65535, &port) || port < 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the port of the SMTP gateway, a whole number from 1 to 65535."));
      return FALSE;
    }
  probe->port = (guint16) port;
  if (g_str_equal (messagerie_settings_get (settings, "relay_tls"), "no"))
    probe->tls_mode = TLS_NONE;
  else if (messagerie_settings_get_relay_implicit_tls (settings))
    probe->tls_mode = TLS_IMPLICIT;
  else
    probe->tls_mode = TLS_STARTTLS;

  probe->verify = messagerie_settings_get_boolean (settings, "relay_tls_verify");
  /* The envelope of root's mail, only when both are addresses the rules
   * accept: nothing else reaches the gateway's command line. */
  if (messagerie_is_valid_address (messagerie_settings_get (settings, "root_sender")) &&
      messagerie_is_valid_address (messagerie_settings_get (settings, "root_recipient")))
    {
      probe->sender = g_strdup (messagerie_settings_get (settings, "root_sender"));
      probe->recipient = g_strdup (messagerie_settings_get (settings, "root_recipient"));
    }
  probe->auth = messagerie_settings_get_boolean (settings, "relay_auth");
  if (probe->auth)
    {
      probe->user = g_strdup (messagerie_settings_get (settings, "relay_user"));
      if (*probe->user == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Enter the user name of the SMTP gateway to test the login."));
          return FALSE;
        }
      /* Without the password (it is only on the server), everything up to
       * the login is still tested. */
      if (password != NULL && *password != '\0')
        probe->password = g_strdup (password);
    }

  /* The name exim gives in EHLO: this server's. */
  server_name = messagerie_settings_dup_server_name (settings);
  probe->helo_name = messagerie_smtp_host_name (server_name);

  return TRUE;
}

void
messagerie_probe_async (MessagerieSettings      *settings,
                        GTlsDatabase            *database,
                        guint                    timeout_seconds,
                        MessagerieProbeStepFunc  step_func,
                        gpointer                 step_data,
                        GCancellable            *cancellable,
                        GAsyncReadyCallback      callback,
                        gpointer                 user_data)
{
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;
  Probe *probe;

  g_return_if_fail (MESSAGERIE_IS_SETTINGS (settings));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, messagerie_probe_async);

  probe = g_new0 (Probe, 1);
  probe->timeout = timeout_seconds ? MIN (timeout_seconds, MESSAGERIE_PROBE_MAX_TIMEOUT)
                                   : MESSAGERIE_PROBE_DEFAULT_TIMEOUT;
  probe->database = database ? g_object_ref (database) : NULL;
  probe->step_func = step_func;
  probe->step_data = step_data;
  probe->step = PROBE_STEP_RESOLVE;
  probe->cancellable = g_cancellable_new ();
  probe->caller_cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  probe->input = g_byte_array_new ();
  probe->result = g_new0 (MessagerieProbeResult, 1);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  if (!probe_setup (probe, settings, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (cancellable != NULL)
    probe->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                 g_object_ref (probe->cancellable), g_object_unref);

  probe->client = g_socket_client_new ();
  /* SMTP goes straight to the gateway, as exim does. */
  g_socket_client_set_enable_proxy (probe->client, FALSE);
  /* A safety net under the timer, which fires first and says which step
   * timed out: the TLS layer may wrap the socket's own timeout error. */
  g_socket_client_set_timeout (probe->client, probe->timeout + 1);

  {
    g_autofree char *message = g_strdup_printf (_("Looking up %s"), probe->host);

    messagerie_probe_emit_step (probe, PROBE_STEP_RESOLVE, message);
  }
  start_deadline (task);
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, probe->host, probe->cancellable, on_resolved, task);
}

MessagerieProbeResult *
messagerie_probe_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == messagerie_probe_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
