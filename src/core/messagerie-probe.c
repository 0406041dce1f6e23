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
 * socket's own timeout, a second longer, is only a safety net.) Certificates are always accepted during the handshake and
 * judged after it, so that a bad one is reported as a certificate problem
 * with its names, not as a failed handshake; nothing is sent over a
 * connection whose certificate failed verification. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-probe.h"
#include "messagerie-rules.h"
#include "messagerie-secret.h"
#include "messagerie-smtp.h"

#define READ_CHUNK 4096
/* The most of a server's text quoted in a message. */
#define QUOTE_MAX 200

typedef enum {
  TLS_NONE,
  TLS_STARTTLS,
  TLS_IMPLICIT,
} TlsMode;

/* The steps of the header comment, in their order. */
typedef enum {
  PROBE_STEP_RESOLVE,
  PROBE_STEP_CONNECT,
  PROBE_STEP_TLS,
  PROBE_STEP_GREETING,
  PROBE_STEP_EHLO,
  PROBE_STEP_STARTTLS,
  PROBE_STEP_CERTIFICATE,
  PROBE_STEP_AUTH,
  PROBE_STEP_SENDER,
  PROBE_STEP_RECIPIENT,
  PROBE_STEP_QUIT,
} ProbeStep;

typedef void (*ReplyFunc) (GTask               *task,
                           MessagerieSmtpReply *reply);

typedef struct {
  /* What to test, read from the settings at the start. */
  char                    *host;
  guint16                  port;
  TlsMode                  tls_mode;
  gboolean                 verify;
  gboolean                 auth;
  char                    *user;
  char                    *password;
  char                    *helo_name;
  /* The envelope tried after the login; NULL to skip that. */
  char                    *sender;
  char                    *recipient;
  guint                    timeout;
  GTlsDatabase            *database;
  MessagerieProbeStepFunc  step_func;
  gpointer                 step_data;

  /* Every operation's: cancelled by the caller's or by the timer. */
  GCancellable            *cancellable;
  GCancellable            *caller_cancellable;
  gulong                   cancelled_id;
  GSource                 *timer;
  gboolean                 timed_out;

  /* The step running, for the result and the messages. */
  ProbeStep                step;

  GList                   *addresses;
  GList                   *next_address;
  char                    *address_text;
  GError                  *connect_error;
  GSocketClient           *client;
  GSocketConnection       *connection;
  /* The connection, or the TLS connection over it. */
  GIOStream               *stream;
  gboolean                 tls_started;

  /* Received, not parsed yet. */
  GByteArray              *input;
  guint8                   chunk[READ_CHUNK];
  MessagerieSmtpReply     *reply;
  ReplyFunc                on_reply;
  /* Being written; may hold the password, wiped once written. */
  char                    *command;
  gsize                    command_length;
  ReplyFunc                after_command;
  MessagerieSmtpReply     *ehlo;

  MessagerieProbeResult   *result;
} Probe;

static void read_reply (GTask     *task,
                        ReplyFunc  on_reply);
static void send_ehlo   (GTask *task);
static void send_quit   (GTask *task);
static void on_starttls (GTask               *task,
                         MessagerieSmtpReply *reply);

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

/* A GIO message, to be followed by more words: without its final period. */
static char *
error_text (const GError *error)
{
  char *text = g_strdup (error->message);
  gsize length = strlen (text);

  while (length > 0 && (text[length - 1] == '.' || g_ascii_isspace (text[length - 1])))
    text[--length] = '\0';
  return text;
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

static void
emit_step (Probe      *probe,
           ProbeStep   step,
           const char *message)
{
  probe->step = step;
  if (probe->step_func != NULL &&
      !g_cancellable_is_cancelled (probe->caller_cancellable))
    probe->step_func (step_name (step), message, probe->step_data);
}

/* For "… during %s": the step as a noun phrase. */
static const char *
step_label (ProbeStep step)
{
  switch (step)
    {
    case PROBE_STEP_RESOLVE:
      /* Translators: completes "… during %s". */
      return _("the name lookup");
    case PROBE_STEP_CONNECT:
      /* Translators: completes "… during %s". */
      return _("the connection");
    case PROBE_STEP_TLS:
    case PROBE_STEP_CERTIFICATE:
      /* Translators: completes "… during %s". */
      return _("the TLS handshake");
    case PROBE_STEP_GREETING:
      /* Translators: completes "… during %s". */
      return _("the greeting");
    case PROBE_STEP_EHLO:
      /* Translators: completes "… during %s"; EHLO is an SMTP command. */
      return _("EHLO");
    case PROBE_STEP_STARTTLS:
      /* Translators: completes "… during %s"; STARTTLS is an SMTP command. */
      return _("STARTTLS");
    case PROBE_STEP_AUTH:
      /* Translators: completes "… during %s". */
      return _("the login");
    case PROBE_STEP_SENDER:
      /* Translators: completes "… during %s"; MAIL FROM is an SMTP command. */
      return _("MAIL FROM");
    case PROBE_STEP_RECIPIENT:
      /* Translators: completes "… during %s"; RCPT TO and RSET are SMTP commands. */
      return _("RCPT TO");
    case PROBE_STEP_QUIT:
    default:
      /* Translators: completes "… during %s"; QUIT is an SMTP command. */
      return _("QUIT");
    }
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

static void
finish (GTask               *task,
        MessagerieProbeCode  code,
        char                *message)
{
  Probe *probe = g_task_get_task_data (task);

  probe->result->code = code;
  probe->result->step = g_strdup (step_name (probe->step));
  probe->result->message = message;
  probe_return (task);
}

static void
finish_with_reply (GTask               *task,
                   MessagerieProbeCode  code,
                   MessagerieSmtpReply *reply,
                   char                *message)
{
  Probe *probe = g_task_get_task_data (task);

  g_free (probe->result->server_reply);
  probe->result->server_reply = messagerie_smtp_reply_to_string (reply);
  finish (task, code, message);
}

static void
succeed (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  MessagerieProbeResult *result = probe->result;
  const char *name = result->server_name ? result->server_name : probe->host;
  g_autofree char *tls = NULL;
  char *message;

  probe->step = PROBE_STEP_QUIT;

  if (result->tls_version != NULL && probe->verify)
    tls = g_strdup (result->tls_version);
  else if (result->tls_version != NULL)
    /* Translators: %s is a TLS version, "TLS 1.3". */
    tls = g_strdup_printf (_("%s, certificate not verified"), result->tls_version);

  if (tls != NULL && result->mechanism != NULL)
    /* Translators: the gateway's name, "TLS 1.3", a login method, "PLAIN". */
    message = g_strdup_printf (_("The connection works: %s answered over %s and accepted the login (%s)."),
                               name, tls, result->mechanism);
  else if (tls != NULL)
    message = g_strdup_printf (_("The connection works: %s answered over %s (no login: authentication is off)."),
                               name, tls);
  else if (result->mechanism != NULL)
    message = g_strdup_printf (_("The connection works: %s answered without TLS and accepted the login (%s)."),
                               name, result->mechanism);
  else
    message = g_strdup_printf (_("The connection works: %s answered without TLS (no login: authentication is off)."),
                               name);

  if (probe->sender != NULL)
    {
      char *with_envelope =
        /* Translators: the result above, then root's sending address and the
         * address receiving its mail. */
        g_strdup_printf (_("%s It takes root's mail from %s to %s."), message, probe->sender,
                         probe->recipient);

      g_free (message);
      message = with_envelope;
    }

  finish (task, MESSAGERIE_PROBE_OK, message);
}

static void
fail_timeout (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  char *message;

  if (probe->step == PROBE_STEP_RESOLVE)
    message = g_strdup_printf (_("Looking up %s took more than %u s. Check the name of the gateway "
                                 "and the name service (DNS) of this server."),
                               probe->host, probe->timeout);
  else if (probe->step == PROBE_STEP_CONNECT)
    message = g_strdup_printf (_("%s did not answer on port %u within %u s: the gateway is down, or "
                                 "a firewall drops the connection. Check the name and the port."),
                               probe->address_text, probe->port, probe->timeout);
  else if (probe->step == PROBE_STEP_GREETING)
    message = g_strdup_printf (_("The gateway accepted the connection but sent no greeting within %u s. "
                                 "If it expects TLS from the first byte (implicit TLS, usually port 465), "
                                 "choose that option."),
                               probe->timeout);
  else
    /* Translators: the second %s is a step: "the login", "the TLS handshake"… */
    message = g_strdup_printf (_("The test of the gateway took more than %u s in all, and was stopped "
                                 "during %s. Try again, and check the port and the TLS choice."),
                               probe->timeout, step_label (probe->step));

  finish (task, MESSAGERIE_PROBE_TIMEOUT, message);
}

/* An operation failed with @error. */
static void
fail_error (GTask        *task,
            const GError *error)
{
  Probe *probe = g_task_get_task_data (task);
  ProbeStep step = probe->step;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !probe->timed_out)
    {
      stop_timer (probe);
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }

  /* The session worked; only the goodbye did not. */
  if (step == PROBE_STEP_QUIT)
    {
      succeed (task);
      return;
    }

  if (probe->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      fail_timeout (task);
      return;
    }

  text = error_text (error);
  if (step == PROBE_STEP_RESOLVE)
    finish (task, MESSAGERIE_PROBE_RESOLVE,
            g_strdup_printf (_("The name of the gateway could not be resolved: %s. Check the name "
                               "of the gateway."), text));
  else if (step == PROBE_STEP_CONNECT &&
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    finish (task, MESSAGERIE_PROBE_CONNECT,
            g_strdup_printf (_("%s refused the connection on port %u: nothing listens there. "
                               "Check the port and the TLS choice."),
                             probe->address_text, probe->port));
  else if (step == PROBE_STEP_CONNECT)
    finish (task, MESSAGERIE_PROBE_CONNECT,
            g_strdup_printf (_("Cannot connect to %s on port %u: %s. Check the name, the port "
                               "and the network."),
                             probe->address_text, probe->port, text));
  else if (step == PROBE_STEP_TLS || step == PROBE_STEP_STARTTLS)
    finish (task, MESSAGERIE_PROBE_TLS,
            g_strdup_printf (_("The TLS handshake with the gateway failed: %s. Check the TLS "
                               "choice: implicit TLS is usually port 465, STARTTLS ports 25 "
                               "and 587."), text));
  else
    finish (task, MESSAGERIE_PROBE_PROTOCOL,
            /* Translators: the first %s is a step: "the login", "the greeting"… */
            g_strdup_printf (_("The connection to the gateway broke during %s: %s"),
                             step_label (step), text));
}

static void
fail_unexpected (GTask               *task,
                 MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = messagerie_smtp_reply_to_string (reply);

  finish_with_reply (task, MESSAGERIE_PROBE_PROTOCOL, reply,
                     /* Translators: the first %s is a step, the second the server's reply. */
                     g_strdup_printf (_("Unexpected answer of the gateway during %s: %s"),
                                      step_label (probe->step), text));
}

/* ------------------------------------------------------------------------
 * Reading replies, writing commands
 * ------------------------------------------------------------------------ */

static void parse_input (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      fail_error (task, error);
      return;
    }
  if (n == 0)
    {
      if (probe->step == PROBE_STEP_QUIT)
        succeed (task);
      else
        finish (task, MESSAGERIE_PROBE_PROTOCOL,
                /* Translators: %s is a step: "the login", "the greeting"… */
                g_strdup_printf (_("The gateway closed the connection during %s."),
                                 step_label (probe->step)));
      return;
    }

  g_byte_array_append (probe->input, probe->chunk, (guint) n);
  parse_input (task);
}

/* Takes the complete lines received into the reply; reads more until the
 * reply is complete. */
static void
parse_input (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  const guint8 *newline;

  while (probe->input->len > 0 &&
         (newline = memchr (probe->input->data, '\n', probe->input->len)) != NULL)
    {
      gsize length = (gsize) (newline - probe->input->data);
      gsize line_length = length;

      if (line_length > 0 && probe->input->data[line_length - 1] == '\r')
        line_length--;

      if (!messagerie_smtp_reply_add_line (probe->reply, (const char *) probe->input->data, line_length))
        {
          g_autofree char *line = messagerie_smtp_sanitize ((const char *) probe->input->data,
                                                            (gssize) line_length, QUOTE_MAX);

          finish (task, MESSAGERIE_PROBE_PROTOCOL,
                  /* Translators: the first %s is a step, the second what the server sent. */
                  g_strdup_printf (_("The answer of the gateway during %s is not SMTP: “%s”. "
                                     "Check the port and the TLS choice."),
                                   step_label (probe->step), line));
          return;
        }
      g_byte_array_remove_range (probe->input, 0, (guint) length + 1);

      if (probe->reply->complete)
        {
          ReplyFunc on_reply = probe->on_reply;

          probe->on_reply = NULL;
          on_reply (task, probe->reply);
          return;
        }
    }

  if (probe->input->len > MESSAGERIE_SMTP_LINE_MAX)
    {
      g_autofree char *line = messagerie_smtp_sanitize ((const char *) probe->input->data,
                                                        QUOTE_MAX, QUOTE_MAX);

      finish (task, MESSAGERIE_PROBE_PROTOCOL,
              g_strdup_printf (_("The answer of the gateway during %s is not SMTP: “%s”. "
                                 "Check the port and the TLS choice."),
                               step_label (probe->step), line));
      return;
    }

  g_input_stream_read_async (g_io_stream_get_input_stream (probe->stream),
                             probe->chunk, sizeof probe->chunk, G_PRIORITY_DEFAULT,
                             probe->cancellable, on_read, task);
}

static void
read_reply (GTask     *task,
            ReplyFunc  on_reply)
{
  Probe *probe = g_task_get_task_data (task);

  g_clear_pointer (&probe->reply, messagerie_smtp_reply_free);
  probe->reply = messagerie_smtp_reply_new ();
  probe->on_reply = on_reply;
  parse_input (task);
}

static void
on_command_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  messagerie_secret_free_sized (g_steal_pointer (&probe->command), probe->command_length);

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      fail_error (task, error);
      return;
    }

  read_reply (task, probe->after_command);
}

/* Sends @command (taken, and wiped once written: it may hold the
 * password) with its CR LF, then reads the reply. */
static void
send_command (GTask     *task,
              char      *command,
              ReplyFunc  on_reply)
{
  Probe *probe = g_task_get_task_data (task);
  gsize length = strlen (command);

  messagerie_secret_free_sized (g_steal_pointer (&probe->command), probe->command_length);
  probe->command_length = length + 2;
  probe->command = g_malloc (probe->command_length + 1);
  memcpy (probe->command, command, length);
  memcpy (probe->command + length, "\r\n", 3);
  messagerie_secret_free_sized (command, length);

  probe->after_command = on_reply;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (probe->stream),
                                   probe->command, length + 2, G_PRIORITY_DEFAULT,
                                   probe->cancellable, on_command_written, task);
}

/* ------------------------------------------------------------------------
 * The steps
 * ------------------------------------------------------------------------ */

static void
on_quit (GTask               *task,
         MessagerieSmtpReply *reply)
{
  succeed (task);
}

static void
on_rset (GTask               *task,
         MessagerieSmtpReply *reply)
{
  if (reply->code != 250)
    {
      fail_unexpected (task, reply);
      return;
    }
  send_quit (task);
}

static void
on_recipient (GTask               *task,
              MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (reply->code == 250 || reply->code == 251)
    {
      send_command (task, g_strdup ("RSET"), on_rset);
      return;
    }
  if (reply->code < 400)
    {
      fail_unexpected (task, reply);
      return;
    }

  text = messagerie_smtp_reply_to_string (reply);
  probe->result->key = g_strdup ("root_recipient");
  finish_with_reply (task, MESSAGERIE_PROBE_RECIPIENT_REFUSED, reply,
                     /* Translators: an address, then the server's reply. */
                     g_strdup_printf (_("The gateway refuses to take mail for %s, the address "
                                        "receiving root's mail: %s. Check that address, or ask "
                                        "the gateway's administrator to accept it."),
                                      probe->recipient, text));
}

static void
on_sender (GTask               *task,
           MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  g_autofree char *command = NULL;

  if (reply->code == 250)
    {
      g_autofree char *message = g_strdup_printf (_("Trying the recipient %s (RCPT TO)"), probe->recipient);

      emit_step (probe, PROBE_STEP_RECIPIENT, message);
      command = g_strdup_printf ("RCPT TO:<%s>", probe->recipient);
      send_command (task, g_steal_pointer (&command), on_recipient);
      return;
    }
  if (reply->code < 400)
    {
      fail_unexpected (task, reply);
      return;
    }

  text = messagerie_smtp_reply_to_string (reply);
  probe->result->key = g_strdup ("root_sender");
  finish_with_reply (task, MESSAGERIE_PROBE_SENDER_REFUSED, reply,
                     /* Translators: an address, then the server's reply. */
                     g_strdup_printf (_("The gateway refuses %s as the sender of root's mail: %s. "
                                        "Some gateways only accept addresses of their own domain: "
                                        "enter a sending address the gateway accepts."),
                                      probe->sender, text));
}

/* After the login (or without one): the envelope of root's mail, when
 * there is one to try, else goodbye. */
static void
send_envelope (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (probe->sender == NULL)
    {
      send_quit (task);
      return;
    }
  message = g_strdup_printf (_("Trying the sender %s (MAIL FROM)"), probe->sender);
  emit_step (probe, PROBE_STEP_SENDER, message);
  send_command (task, g_strdup_printf ("MAIL FROM:<%s>", probe->sender), on_sender);
}

static void
send_quit (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  emit_step (probe, PROBE_STEP_QUIT, _("Closing the session (QUIT)"));
  send_command (task, g_strdup ("QUIT"), on_quit);
}

static void
on_auth_done (GTask               *task,
              MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (reply->code == 235)
    {
      send_envelope (task);
      return;
    }
  if (reply->code < 400)
    {
      fail_unexpected (task, reply);
      return;
    }

  text = messagerie_smtp_reply_to_string (reply);
  finish_with_reply (task, MESSAGERIE_PROBE_AUTH_FAILED, reply,
                     /* Translators: a user name, then the server's reply. */
                     g_strdup_printf (_("The gateway refused the login of %s: %s. Check the user "
                                        "name and the password."), probe->user, text));
}

static void
on_login_password_asked (GTask               *task,
                         MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  if (reply->code != 334)
    {
      on_auth_done (task, reply);
      return;
    }
  send_command (task, g_base64_encode ((const guchar *) probe->password, strlen (probe->password)),
                on_auth_done);
}

static void
on_login_user_asked (GTask               *task,
                     MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  if (reply->code != 334)
    {
      on_auth_done (task, reply);
      return;
    }
  send_command (task, g_base64_encode ((const guchar *) probe->user, strlen (probe->user)),
                on_login_password_asked);
}

static void
start_auth (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_auto(GStrv) mechanisms = messagerie_smtp_reply_extension (probe->ehlo, "AUTH");
  g_autofree char *step_message = NULL;
  const char *mechanism;

  probe->step = PROBE_STEP_AUTH;

  if (mechanisms == NULL || mechanisms[0] == NULL)
    {
      finish (task, MESSAGERIE_PROBE_AUTH_MISSING,
              g_strdup (_("The gateway does not offer authentication (AUTH) on this connection. "
                          "Turn authentication off if the gateway relays without it; some gateways "
                          "offer it only over TLS.")));
      return;
    }

  if (g_strv_contains ((const char *const *) mechanisms, "PLAIN"))
    mechanism = "PLAIN";
  else if (g_strv_contains ((const char *const *) mechanisms, "LOGIN"))
    mechanism = "LOGIN";
  else
    {
      g_autofree char *offered = g_strjoinv (" ", mechanisms);
      g_autofree char *list = messagerie_smtp_sanitize (offered, -1, QUOTE_MAX);

      finish (task, MESSAGERIE_PROBE_AUTH_MISSING,
              /* Translators: %s lists login methods, "CRAM-MD5 XOAUTH2". */
              g_strdup_printf (_("The gateway offers only the login methods %s; Messagerie tests "
                                 "PLAIN and LOGIN."), list));
      return;
    }

  probe->result->mechanism = g_strdup (mechanism);
  /* Translators: a user name, then a login method ("PLAIN"). */
  step_message = g_strdup_printf (_("Logging in as %s (%s)"), probe->user, mechanism);
  emit_step (probe, PROBE_STEP_AUTH, step_message);

  if (g_str_equal (mechanism, "PLAIN"))
    {
      char *response = messagerie_smtp_auth_plain (probe->user, probe->password);
      char *command = g_strconcat ("AUTH PLAIN ", response, NULL);

      messagerie_secret_free (response);
      send_command (task, command, on_auth_done);
    }
  else
    send_command (task, g_strdup ("AUTH LOGIN"), on_login_user_asked);
}

/* After a successful EHLO (or HELO): STARTTLS when it is still to come,
 * else the login, else goodbye. */
static void
after_ehlo (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->tls_mode == TLS_STARTTLS && !probe->tls_started)
    {
      if (!messagerie_smtp_reply_has_extension (probe->ehlo, "STARTTLS"))
        {
          probe->step = PROBE_STEP_STARTTLS;
          finish (task, MESSAGERIE_PROBE_STARTTLS_MISSING,
                  g_strdup_printf (_("The gateway does not offer STARTTLS on port %u. Choose "
                                     "implicit TLS (port 465) if the gateway supports it, or "
                                     "another TLS option."), probe->port));
          return;
        }
      emit_step (probe, PROBE_STEP_STARTTLS, _("Starting TLS (STARTTLS)"));
      send_command (task, g_strdup ("STARTTLS"), on_starttls);
      return;
    }

  if (probe->auth)
    start_auth (task);
  else
    send_envelope (task);
}

static void
on_helo (GTask               *task,
         MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  if (reply->code != 250)
    {
      g_autofree char *text = messagerie_smtp_reply_to_string (reply);

      finish_with_reply (task, MESSAGERIE_PROBE_PROTOCOL, reply,
                         g_strdup_printf (_("The gateway refused the introduction of this server "
                                            "(EHLO and HELO %s): %s"), probe->helo_name, text));
      return;
    }

  /* HELO: no extension at all. */
  g_clear_pointer (&probe->ehlo, messagerie_smtp_reply_free);
  probe->ehlo = g_steal_pointer (&probe->reply);
  after_ehlo (task);
}

static void
on_ehlo (GTask               *task,
         MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *name = NULL;

  if (reply->code >= 500)
    {
      /* A server without ESMTP: exim would say HELO. */
      send_command (task, g_strdup_printf ("HELO %s", probe->helo_name), on_helo);
      return;
    }
  if (reply->code != 250)
    {
      fail_unexpected (task, reply);
      return;
    }

  name = messagerie_smtp_reply_domain (reply);
  if (name != NULL)
    {
      g_free (probe->result->server_name);
      probe->result->server_name = g_steal_pointer (&name);
    }

  g_clear_pointer (&probe->ehlo, messagerie_smtp_reply_free);
  probe->ehlo = g_steal_pointer (&probe->reply);
  {
    /* What it offers on this connection (after STARTTLS, what counts). */
    g_auto(GStrv) mechanisms = messagerie_smtp_reply_extension (probe->ehlo, "AUTH");

    g_free (probe->result->auth_offered);
    probe->result->auth_offered = mechanisms ? g_strjoinv (" ", mechanisms) : NULL;
  }
  after_ehlo (task);
}

static void
send_ehlo (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (probe->tls_started && probe->tls_mode == TLS_STARTTLS)
    /* Translators: %s is this server's name. */
    message = g_strdup_printf (_("Introducing this server again over TLS (EHLO %s)"), probe->helo_name);
  else
    /* Translators: %s is this server's name. */
    message = g_strdup_printf (_("Introducing this server (EHLO %s)"), probe->helo_name);
  emit_step (probe, PROBE_STEP_EHLO, message);
  send_command (task, g_strdup_printf ("EHLO %s", probe->helo_name), on_ehlo);
}

static void
on_greeting (GTask               *task,
             MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = messagerie_smtp_reply_to_string (reply);

  probe->result->greeting = g_strdup (text);
  probe->result->server_name = messagerie_smtp_reply_domain (reply);

  if (reply->code != 220)
    {
      finish_with_reply (task, MESSAGERIE_PROBE_PROTOCOL, reply,
                         /* Translators: %s is the server's reply. */
                         g_strdup_printf (_("The gateway refuses the session: %s"), text));
      return;
    }

  send_ehlo (task);
}

static void
read_greeting (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  emit_step (probe, PROBE_STEP_GREETING, _("Waiting for the greeting of the gateway"));
  read_reply (task, on_greeting);
}

/* The names a certificate is for: its DNS names, else its IP addresses,
 * else its subject. */
static char *
certificate_names (GTlsCertificate *certificate)
{
  g_autoptr(GPtrArray) dns_names = g_tls_certificate_get_dns_names (certificate);
  g_autoptr(GPtrArray) addresses = g_tls_certificate_get_ip_addresses (certificate);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; dns_names != NULL && i < dns_names->len; i++)
    {
      gsize length;
      const char *name = g_bytes_get_data (g_ptr_array_index (dns_names, i), &length);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append_len (names, name, (gssize) length);
    }

  for (guint i = 0; names->len == 0 && addresses != NULL && i < addresses->len; i++)
    {
      g_autofree char *address = g_inet_address_to_string (g_ptr_array_index (addresses, i));

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, address);
    }

  if (names->len == 0)
    {
      g_autofree char *subject = g_tls_certificate_get_subject_name (certificate);

      if (subject != NULL)
        g_string_append (names, subject);
    }

  if (names->len == 0)
    return NULL;
  return messagerie_smtp_sanitize (names->str, (gssize) names->len, QUOTE_MAX);
}

static char *
format_date (GDateTime *date)
{
  return date ? g_date_time_format (date, "%Y-%m-%d") : g_strdup ("?");
}

/* One sentence per problem, then what to do. */
static char *
certificate_message (Probe                *probe,
                     GTlsCertificate      *certificate,
                     GTlsCertificateFlags  errors)
{
  g_autoptr(GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  const char *names = probe->result->certificate_name ? probe->result->certificate_name : "?";

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (sentences,
                     /* Translators: %s lists the names the certificate is for. */
                     g_strdup_printf (_("The certificate of the gateway is not trusted: it is self-signed "
                                        "or issued by an authority this server does not know "
                                        "(certificate for %s)."), names));
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    {
      g_autoptr(GDateTime) end = certificate ? g_tls_certificate_get_not_valid_after (certificate) : NULL;
      g_autofree char *date = format_date (end);

      g_ptr_array_add (sentences,
                       /* Translators: a date (2025-01-31), then the names the certificate is for. */
                       g_strdup_printf (_("The certificate of the gateway expired on %s (certificate for %s)."),
                                        date, names));
    }
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    {
      g_autoptr(GDateTime) start = certificate ? g_tls_certificate_get_not_valid_before (certificate) : NULL;
      g_autofree char *date = format_date (start);

      g_ptr_array_add (sentences,
                       /* Translators: a date (2025-01-31), then the names the certificate is for. */
                       g_strdup_printf (_("The certificate of the gateway is not valid before %s "
                                          "(certificate for %s)."), date, names));
    }
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (sentences,
                     /* Translators: the names the certificate is for, then the gateway's name. */
                     g_strdup_printf (_("The certificate of the gateway is for another name: %s, not %s."),
                                      names, probe->host));
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (sentences,
                     g_strdup_printf (_("The certificate of the gateway has been revoked (certificate for %s)."),
                                      names));
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (sentences,
                     g_strdup_printf (_("The certificate of the gateway uses an insecure algorithm "
                                        "(certificate for %s)."), names));
  if (sentences->len == 0)
    g_ptr_array_add (sentences,
                     g_strdup_printf (_("The certificate of the gateway is not valid (certificate for %s)."),
                                      names));

  if (errors == G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (sentences, g_strdup (_("Enter as the gateway a name the certificate is for, or "
                                            "turn off certificate verification.")));
  else
    g_ptr_array_add (sentences, g_strdup (_("Ask the administrator of the gateway for a valid "
                                            "certificate, or turn off certificate verification if "
                                            "you trust this gateway.")));

  g_ptr_array_add (sentences, NULL);
  return g_strjoinv (" ", (char **) sentences->pdata);
}

static const char *
protocol_version_name (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
      return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
      return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
      return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
      return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
      return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
      return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
      return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default:
      return "TLS";
    }
}

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
      fail_error (task, error);
      return;
    }

  probe->tls_started = TRUE;
  g_free (probe->result->tls_version);
  probe->result->tls_version = g_strdup (protocol_version_name (g_tls_connection_get_protocol_version (tls)));

  certificate = g_tls_connection_get_peer_certificate (tls);
  errors = g_tls_connection_get_peer_certificate_errors (tls);
  probe->result->certificate_errors = errors;
  g_clear_pointer (&probe->result->certificate_name, g_free);
  if (certificate != NULL)
    probe->result->certificate_name = certificate_names (certificate);

  if (probe->verify)
    {
      /* Translators: %s is the gateway's name. */
      step_message = g_strdup_printf (_("Checking the certificate of %s"), probe->host);
      emit_step (probe, PROBE_STEP_CERTIFICATE, step_message);
      if (errors != 0)
        {
          finish (task, MESSAGERIE_PROBE_CERTIFICATE, certificate_message (probe, certificate, errors));
          return;
        }
    }
  else
    emit_step (probe, PROBE_STEP_CERTIFICATE, _("Not checking the certificate: verification is off"));

  if (probe->tls_mode == TLS_IMPLICIT)
    read_greeting (task);
  else
    send_ehlo (task);
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

static void
start_tls (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (probe->host, probe->port);
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_client_connection_new (G_IO_STREAM (probe->connection), identity, &error);
  if (tls == NULL)
    {
      g_autofree char *text = error_text (error);

      finish (task, MESSAGERIE_PROBE_TLS,
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

static void
on_starttls (GTask               *task,
             MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  if (reply->code != 220)
    {
      g_autofree char *text = messagerie_smtp_reply_to_string (reply);

      finish_with_reply (task, MESSAGERIE_PROBE_TLS, reply,
                         /* Translators: %s is the server's reply. */
                         g_strdup_printf (_("The gateway offers STARTTLS but refused it: %s"), text));
      return;
    }

  /* Anything received now would be taken as sent over TLS
   * (CVE-2011-0411): a gateway that does this cannot be trusted. */
  if (probe->input->len > 0)
    {
      finish (task, MESSAGERIE_PROBE_PROTOCOL,
              g_strdup (_("The gateway sent data before TLS started, which an attacker in the "
                          "middle could have injected. Do not use this connection.")));
      return;
    }

  start_tls (task);
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
        fail_error (task, error);
      return;
    }

  probe->stream = G_IO_STREAM (g_object_ref (probe->connection));

  if (probe->tls_mode == TLS_IMPLICIT)
    {
      emit_step (probe, PROBE_STEP_TLS, _("Starting TLS (implicit TLS)"));
      start_tls (task);
    }
  else
    read_greeting (task);
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
  emit_step (probe, PROBE_STEP_CONNECT, message);

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
      fail_error (task, error);
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
      if (*probe->user == '\0' || password == NULL || *password == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Enter the user name and the password of the SMTP gateway to test the login."));
          return FALSE;
        }
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

    emit_step (probe, PROBE_STEP_RESOLVE, message);
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
