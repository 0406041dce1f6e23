/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The connection test's SMTP dialogue, once connected: reading replies and
 * writing commands (wiped once written), then greeting, EHLO (HELO),
 * STARTTLS, AUTH PLAIN or LOGIN, MAIL FROM and RCPT TO, RSET and QUIT,
 * with what each refusal means. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-probe-private.h"
#include "messagerie-secret.h"

static void send_quit (GTask *task);

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
      messagerie_probe_fail_error (task, error);
      return;
    }
  if (n == 0)
    {
      if (probe->step == PROBE_STEP_QUIT)
        messagerie_probe_succeed (task);
      else
        messagerie_probe_end (task, MESSAGERIE_PROBE_PROTOCOL,
                              /* Translators: %s is a step: "the login", "the greeting"… */
                              g_strdup_printf (_("The gateway closed the connection during %s."),
                                               messagerie_probe_step_label (probe->step)));
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

          messagerie_probe_end (task, MESSAGERIE_PROBE_PROTOCOL,
                                /* Translators: the first %s is a step, the second what the server sent. */
                                g_strdup_printf (_("The answer of the gateway during %s is not SMTP: “%s”. "
                                                   "Check the port and the TLS choice."),
                                                 messagerie_probe_step_label (probe->step), line));
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

      messagerie_probe_end (task, MESSAGERIE_PROBE_PROTOCOL,
                            g_strdup_printf (_("The answer of the gateway during %s is not SMTP: “%s”. "
                                               "Check the port and the TLS choice."),
                                             messagerie_probe_step_label (probe->step), line));
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
      messagerie_probe_fail_error (task, error);
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
  messagerie_probe_succeed (task);
}

static void
on_rset (GTask               *task,
         MessagerieSmtpReply *reply)
{
  if (reply->code != 250)
    {
      messagerie_probe_fail_unexpected (task, reply);
      return;
    }
  send_quit (task);
}

/* MAIL FROM or RCPT TO not accepted: below 400 an answer SMTP does not
 * foresee, else a refusal of root's address, @key. */
static void
fail_envelope (GTask               *task,
               MessagerieSmtpReply *reply,
               const char          *key)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (reply->code < 400)
    {
      messagerie_probe_fail_unexpected (task, reply);
      return;
    }

  text = messagerie_smtp_reply_to_string (reply);
  probe->result->key = g_strdup (key);
  if (g_str_equal (key, "root_sender"))
    messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_SENDER_REFUSED, reply,
                                     /* Translators: an address, then the server's reply. */
                                     g_strdup_printf (_("The gateway refuses %s as the sender of root's mail: %s. "
                                                        "Some gateways only accept addresses of their own domain: "
                                                        "enter a sending address the gateway accepts."),
                                                      probe->sender, text));
  else
    messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_RECIPIENT_REFUSED, reply,
                                     /* Translators: an address, then the server's reply. */
                                     g_strdup_printf (_("The gateway refuses to take mail for %s, the address "
                                                        "receiving root's mail: %s. Check that address, or ask "
                                                        "the gateway's administrator to accept it."),
                                                      probe->recipient, text));
}

static void
on_recipient (GTask               *task,
              MessagerieSmtpReply *reply)
{
  if (reply->code == 250 || reply->code == 251)
    send_command (task, g_strdup ("RSET"), on_rset);
  else
    fail_envelope (task, reply, "root_recipient");
}

static void
on_sender (GTask               *task,
           MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (reply->code != 250)
    {
      fail_envelope (task, reply, "root_sender");
      return;
    }

  message = g_strdup_printf (_("Trying the recipient %s (RCPT TO)"), probe->recipient);
  messagerie_probe_emit_step (probe, PROBE_STEP_RECIPIENT, message);
  send_command (task, g_strdup_printf ("RCPT TO:<%s>", probe->recipient), on_recipient);
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
  messagerie_probe_emit_step (probe, PROBE_STEP_SENDER, message);
  send_command (task, g_strdup_printf ("MAIL FROM:<%s>", probe->sender), on_sender);
}

static void
send_quit (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  messagerie_probe_emit_step (probe, PROBE_STEP_QUIT, _("Closing the session (QUIT)"));
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
      messagerie_probe_fail_unexpected (task, reply);
      return;
    }

  text = messagerie_smtp_reply_to_string (reply);
  messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_AUTH_FAILED, reply,
                                   /* Translators: a user name, then the server's reply. */
                                   g_strdup_printf (_("The gateway refused the login of %s: %s. Check the user "
                                                      "name and the password."), probe->user, text));
}

/* An AUTH LOGIN prompt (334) answered with @text in base64, then @next;
 * any other reply ends the login. */
static void
answer_login_prompt (GTask               *task,
                     MessagerieSmtpReply *reply,
                     const char          *text,
                     ReplyFunc            next)
{
  if (reply->code != 334)
    on_auth_done (task, reply);
  else
    send_command (task, g_base64_encode ((const guchar *) text, strlen (text)), next);
}

static void
on_login_password_asked (GTask               *task,
                         MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  answer_login_prompt (task, reply, probe->password, on_auth_done);
}

static void
on_login_user_asked (GTask               *task,
                     MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  answer_login_prompt (task, reply, probe->user, on_login_password_asked);
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
      messagerie_probe_end (task, MESSAGERIE_PROBE_AUTH_MISSING,
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

      messagerie_probe_end (task, MESSAGERIE_PROBE_AUTH_MISSING,
                            /* Translators: %s lists login methods, "CRAM-MD5 XOAUTH2". */
                            g_strdup_printf (_("The gateway offers only the login methods %s; Messagerie tests "
                                               "PLAIN and LOGIN."), list));
      return;
    }

  if (probe->password == NULL)
    {
      /* A gateway asking for a login refuses the envelope without it. */
      probe->result->login_untested = TRUE;
      send_quit (task);
      return;
    }

  probe->result->mechanism = g_strdup (mechanism);
  /* Translators: a user name, then a login method ("PLAIN"). */
  step_message = g_strdup_printf (_("Logging in as %s (%s)"), probe->user, mechanism);
  messagerie_probe_emit_step (probe, PROBE_STEP_AUTH, step_message);

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
          messagerie_probe_end (task, MESSAGERIE_PROBE_STARTTLS_MISSING,
                                g_strdup_printf (_("The gateway does not offer STARTTLS on port %u. Choose "
                                                   "implicit TLS (port 465) if the gateway supports it, or "
                                                   "another TLS option."), probe->port));
          return;
        }
      messagerie_probe_emit_step (probe, PROBE_STEP_STARTTLS, _("Starting TLS (STARTTLS)"));
      send_command (task, g_strdup ("STARTTLS"), messagerie_probe_on_starttls);
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

      messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_PROTOCOL, reply,
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
      messagerie_probe_fail_unexpected (task, reply);
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

void
messagerie_probe_send_ehlo (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (probe->tls_started && probe->tls_mode == TLS_STARTTLS)
    /* Translators: %s is this server's name. */
    message = g_strdup_printf (_("Introducing this server again over TLS (EHLO %s)"), probe->helo_name);
  else
    /* Translators: %s is this server's name. */
    message = g_strdup_printf (_("Introducing this server (EHLO %s)"), probe->helo_name);
  messagerie_probe_emit_step (probe, PROBE_STEP_EHLO, message);
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
      messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_PROTOCOL, reply,
                                       /* Translators: %s is the server's reply. */
                                       g_strdup_printf (_("The gateway refuses the session: %s"), text));
      return;
    }

  messagerie_probe_send_ehlo (task);
}

void
messagerie_probe_read_greeting (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  messagerie_probe_emit_step (probe, PROBE_STEP_GREETING, _("Waiting for the greeting of the gateway"));
  read_reply (task, on_greeting);
}

void
messagerie_probe_on_starttls (GTask               *task,
                              MessagerieSmtpReply *reply)
{
  Probe *probe = g_task_get_task_data (task);

  if (reply->code != 220)
    {
      g_autofree char *text = messagerie_smtp_reply_to_string (reply);

      messagerie_probe_end_with_reply (task, MESSAGERIE_PROBE_TLS, reply,
                                       /* Translators: %s is the server's reply. */
                                       g_strdup_printf (_("The gateway offers STARTTLS but refused it: %s"), text));
      return;
    }

  /* Anything received now would be taken as sent over TLS
   * (CVE-2011-0411): a gateway that does this cannot be trusted. */
  if (probe->input->len > 0)
    {
      messagerie_probe_end (task, MESSAGERIE_PROBE_PROTOCOL,
                            g_strdup (_("The gateway sent data before TLS started, which an attacker in the "
                                        "middle could have injected. Do not use this connection.")));
      return;
    }

  messagerie_probe_start_tls (task);
}
