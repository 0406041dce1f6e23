/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SMTP pieces of the connection test, and the probe's own behaviour
 * (settings it refuses, cancellation, its time limit) against an
 * in-process server that never answers. The exchanges with real gateways
 * are tests/test-probe.sh's. */

#include <string.h>

#include "messagerie-core.h"
#include "messagerie-core-private.h"
#include "messagerie-smtp.h"

static MessagerieSmtpReply *
reply_from (const char *const *lines)
{
  MessagerieSmtpReply *reply = messagerie_smtp_reply_new ();

  for (guint i = 0; lines[i]; i++)
    g_assert_true (messagerie_smtp_reply_add_line (reply, lines[i], strlen (lines[i])));
  return reply;
}

static void
test_reply_single (void)
{
  const char *const lines[] = { "220 smtp.example.org ESMTP ready", NULL };
  g_autoptr(MessagerieSmtpReply) reply = reply_from (lines);
  g_autofree char *domain = messagerie_smtp_reply_domain (reply);
  g_autofree char *text = messagerie_smtp_reply_to_string (reply);

  g_assert_true (reply->complete);
  g_assert_cmpuint (reply->code, ==, 220);
  g_assert_cmpstr (domain, ==, "smtp.example.org");
  g_assert_cmpstr (text, ==, "220 smtp.example.org ESMTP ready");
  /* Nothing may follow a complete reply. */
  g_assert_false (messagerie_smtp_reply_add_line (reply, "220 again", 9));
}

static void
test_reply_multiline (void)
{
  const char *const lines[] = {
    "250-smtp.example.org Hello",
    "250-SIZE 35882577",
    "250-STARTTLS",
    "250-AUTH PLAIN LOGIN",
    "250-auth=login plain",
    "250-AUTHX ignored",
    "250 HELP",
    NULL
  };
  MessagerieSmtpReply *reply = messagerie_smtp_reply_new ();
  g_auto(GStrv) mechanisms = NULL;
  g_auto(GStrv) size = NULL;
  g_autofree char *domain = NULL;

  for (guint i = 0; lines[i]; i++)
    {
      g_assert_false (reply->complete);
      g_assert_true (messagerie_smtp_reply_add_line (reply, lines[i], strlen (lines[i])));
    }
  g_assert_true (reply->complete);
  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_cmpuint (reply->lines->len, ==, 7);

  domain = messagerie_smtp_reply_domain (reply);
  g_assert_cmpstr (domain, ==, "smtp.example.org");
  g_assert_true (messagerie_smtp_reply_has_extension (reply, "STARTTLS"));
  g_assert_true (messagerie_smtp_reply_has_extension (reply, "starttls"));
  g_assert_false (messagerie_smtp_reply_has_extension (reply, "PIPELINING"));
  /* The first line is the server's name, never an extension. */
  g_assert_false (messagerie_smtp_reply_has_extension (reply, "smtp.example.org"));

  /* Both forms, upper case, each mechanism once. */
  mechanisms = messagerie_smtp_reply_extension (reply, "AUTH");
  g_assert_nonnull (mechanisms);
  g_assert_cmpuint (g_strv_length (mechanisms), ==, 2);
  g_assert_cmpstr (mechanisms[0], ==, "PLAIN");
  g_assert_cmpstr (mechanisms[1], ==, "LOGIN");

  size = messagerie_smtp_reply_extension (reply, "SIZE");
  g_assert_cmpstrv (size, ((const char *const[]) { "35882577", NULL }));

  messagerie_smtp_reply_free (reply);
}

static void
test_reply_code_only (void)
{
  const char *const lines[] = { "250-first", "250", NULL };
  g_autoptr(MessagerieSmtpReply) reply = reply_from (lines);
  g_autoptr(MessagerieSmtpReply) helo = messagerie_smtp_reply_new ();
  g_auto(GStrv) none = NULL;

  g_assert_true (reply->complete);
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 1), ==, "");

  /* A reply to HELO: no extension at all. */
  g_assert_true (messagerie_smtp_reply_add_line (helo, "250 ok", 6));
  none = messagerie_smtp_reply_extension (helo, "AUTH");
  g_assert_null (none);
}

static void
test_reply_invalid (void)
{
  const struct {
    const char *before;
    const char *line;
  } cases[] = {
    { NULL, "hello, this is no SMTP server" },
    { NULL, "" },
    { NULL, "25" },
    { NULL, "2500 four digits" },
    { NULL, "250x no separator" },
    { NULL, "199 no such class" },
    { NULL, "600 no such class" },
    { NULL, "-250 sign" },
    { "250-first", "251 another code" },
    { "250-first", "garbage in the middle" },
  };
  g_autofree char *long_line = g_strnfill (MESSAGERIE_SMTP_LINE_MAX + 1, 'a');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MessagerieSmtpReply) reply = messagerie_smtp_reply_new ();

      if (cases[i].before)
        g_assert_true (messagerie_smtp_reply_add_line (reply, cases[i].before, strlen (cases[i].before)));
      g_assert_false (messagerie_smtp_reply_add_line (reply, cases[i].line, strlen (cases[i].line)));
    }

  {
    g_autoptr(MessagerieSmtpReply) reply = messagerie_smtp_reply_new ();

    memcpy (long_line, "250 ", 4);
    g_assert_false (messagerie_smtp_reply_add_line (reply, long_line, strlen (long_line)));
    g_assert_false (messagerie_smtp_reply_add_line (reply, "250 a\0b", 7));
  }

  {
    g_autoptr(MessagerieSmtpReply) reply = messagerie_smtp_reply_new ();

    for (guint i = 0; i < MESSAGERIE_SMTP_REPLY_LINES_MAX; i++)
      g_assert_true (messagerie_smtp_reply_add_line (reply, "250-more", 8));
    g_assert_false (messagerie_smtp_reply_add_line (reply, "250 last", 8));
  }
}

static void
test_sanitize (void)
{
  g_autofree char *clean = messagerie_smtp_sanitize ("535 bad\tpass\x01word \xff!", -1, 100);
  g_autofree char *cut = messagerie_smtp_sanitize ("éèàçù", -1, 3);

  g_assert_cmpstr (clean, ==, "535 bad pass word \xef\xbf\xbd!");
  g_assert_cmpstr (cut, ==, "éèà…");
}

static void
test_auth_plain (void)
{
  g_autofree char *response = messagerie_smtp_auth_plain ("user", "pâss:word");
  gsize length;
  g_autofree guchar *decoded = g_base64_decode (response, &length);

  g_assert_cmpmem (decoded, length, "\0user\0p\xc3\xa2ss:word", 16);
}

static void
test_host_name (void)
{
  const char *const cases[][2] = {
    { "scribe.monetab.lan", "scribe.monetab.lan" },
    { "Amon-1.lan", "Amon-1.lan" },
    { "", "localhost" },
    { "a b_c\r\n<x>", "a-b-c---x-" },
    { "lycée", "lyc--e" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = messagerie_smtp_host_name (cases[i][0]);

      g_assert_cmpstr (name, ==, cases[i][1]);
    }
}

static void
test_code_names (void)
{
  const char *const names[] = {
    "ok", "resolve", "connect", "timeout", "tls", "certificate",
    "starttls-missing", "auth-missing", "auth-failed", "protocol",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (messagerie_probe_code_to_string ((MessagerieProbeCode) i), ==, names[i]);
}

/* ------------------------------------------------------------------------
 * The probe against a server that accepts connections and never answers
 * ------------------------------------------------------------------------ */

typedef struct {
  GSocketService *service;
  GPtrArray      *connections;
  guint16         port;

  GMainLoop      *loop;
  GCancellable   *cancellable;
  /* Cancel when this step starts. */
  const char     *cancel_at;
  GPtrArray      *steps;
  MessagerieProbeResult *result;
  GError         *error;
  /* Instead of silent: each reply of a session without TLS nor login,
   * one every DRIP_INTERVAL_MS, each in time for a limit per reply. */
  gboolean        drip;
  guint           drip_source;
  guint           dripped;
  GSocketConnection *drip_connection;
} Fixture;

#define DRIP_INTERVAL_MS 1200

static gboolean
on_drip (gpointer user_data)
{
  static const char *const replies[] = {
    "220 slow.example ESMTP\r\n",
    "250 slow.example\r\n",
    "221 bye\r\n",
  };
  Fixture *fixture = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (fixture->drip_connection));

  g_output_stream_write_all (out, replies[fixture->dripped], strlen (replies[fixture->dripped]),
                             NULL, NULL, NULL);
  if (++fixture->dripped < G_N_ELEMENTS (replies))
    return G_SOURCE_CONTINUE;
  fixture->drip_source = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Fixture *fixture = user_data;

  /* Kept open; silent unless it drips. */
  g_ptr_array_add (fixture->connections, g_object_ref (connection));
  if (fixture->drip && fixture->drip_source == 0)
    {
      fixture->drip_connection = connection;
      fixture->drip_source = g_timeout_add (DRIP_INTERVAL_MS, on_drip, fixture);
    }
  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  fixture->service = g_socket_service_new ();
  fixture->connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_socket_listener_add_address (G_SOCKET_LISTENER (fixture->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  fixture->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (fixture->service, "incoming", G_CALLBACK (on_incoming), fixture);
  g_socket_service_start (fixture->service);

  fixture->loop = g_main_loop_new (NULL, FALSE);
  fixture->cancellable = g_cancellable_new ();
  fixture->steps = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_handle_id (&fixture->drip_source, g_source_remove);
  g_socket_service_stop (fixture->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fixture->service));
  g_clear_object (&fixture->service);
  g_ptr_array_unref (fixture->connections);
  g_main_loop_unref (fixture->loop);
  g_object_unref (fixture->cancellable);
  g_ptr_array_unref (fixture->steps);
  g_clear_pointer (&fixture->result, messagerie_probe_result_free);
  g_clear_error (&fixture->error);
}

static MessagerieSettings *
settings_for (Fixture    *fixture,
              const char *extra)
{
  g_autofree char *data = g_strdup_printf ("[general]\n"
                                           "machine_name=scribe\n"
                                           "dns_domain=monetab.lan\n"
                                           "[messagerie]\n"
                                           "relay_enabled=true\n"
                                           "relay_host=127.0.0.1\n"
                                           "relay_tls=custom\n"
                                           "relay_port=%u\n"
                                           "%s",
                                           fixture->port, extra);
  g_autoptr(GError) error = NULL;
  MessagerieSettings *settings = messagerie_settings_new_from_data (data, strlen (data), &error);

  g_assert_no_error (error);
  return settings;
}

static void
on_step (const char *step,
         const char *message,
         gpointer    user_data)
{
  Fixture *fixture = user_data;

  g_assert_false (g_cancellable_is_cancelled (fixture->cancellable));
  g_assert_true (message != NULL && *message != '\0');
  g_ptr_array_add (fixture->steps, g_strdup (step));
  if (g_strcmp0 (step, fixture->cancel_at) == 0)
    g_cancellable_cancel (fixture->cancellable);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->result = messagerie_probe_finish (result, &fixture->error);
  g_main_loop_quit (fixture->loop);
}

static void
run_probe (Fixture            *fixture,
           MessagerieSettings *settings,
           guint               timeout)
{
  messagerie_probe_async (settings, NULL, timeout, on_step, fixture, fixture->cancellable,
                          on_done, fixture);
  g_main_loop_run (fixture->loop);
}

static void
test_probe_invalid (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *const extras[] = {
    "relay_enabled=false\n",
    "relay_host=\n",
    "relay_port=0\n",
    /* Authentication without a user name. Without a password (it is only
     * on the server) the test runs, up to the login. */
    "relay_auth=true\nrelay_user=\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      g_autoptr(MessagerieSettings) settings = settings_for (fixture, extras[i]);

      run_probe (fixture, settings, 1);
      g_assert_null (fixture->result);
      g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&fixture->error);
    }
  g_assert_cmpuint (fixture->steps->len, ==, 0);
}

static void
test_probe_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(MessagerieSettings) settings = settings_for (fixture, "");
  gint64 start = g_get_monotonic_time ();

  fixture->cancel_at = "greeting";
  run_probe (fixture, settings, 30);

  g_assert_null (fixture->result);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture->steps->len, ==, 3);
  g_assert_cmpstr (fixture->steps->pdata[0], ==, "resolve");
  g_assert_cmpstr (fixture->steps->pdata[1], ==, "connect");
  g_assert_cmpstr (fixture->steps->pdata[2], ==, "greeting");
}

static void
test_probe_timeout (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MessagerieSettings) settings = settings_for (fixture, "");
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  run_probe (fixture, settings, 1);
  elapsed = g_get_monotonic_time () - start;

  g_assert_no_error (fixture->error);
  g_assert_nonnull (fixture->result);
  g_assert_cmpint (fixture->result->code, ==, MESSAGERIE_PROBE_TIMEOUT);
  g_assert_cmpstr (fixture->result->step, ==, "greeting");
  g_assert_nonnull (fixture->result->message);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

/* A server answering each reply just in time for a limit per reply (every
 * 1.2 s, with --timeout 2) would stretch the test to the sum of its
 * replies: the limit is for the whole test. */
static void
test_probe_deadline (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(MessagerieSettings) settings = settings_for (fixture, "");
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  fixture->drip = TRUE;
  run_probe (fixture, settings, 2);
  elapsed = g_get_monotonic_time () - start;

  g_assert_no_error (fixture->error);
  g_assert_nonnull (fixture->result);
  g_assert_cmpint (fixture->result->code, ==, MESSAGERIE_PROBE_TIMEOUT);
  /* The greeting came at 1.2 s, the reply to EHLO was due at 2.4 s. */
  g_assert_cmpuint (fixture->dripped, >=, 1);
  g_assert_cmpstr (fixture->result->step, ==, "ehlo");
  g_assert_nonnull (strstr (fixture->result->message, "2 s in all"));
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC - G_USEC_PER_SEC / 10);
  g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC + G_USEC_PER_SEC / 2);
}

/* ------------------------------------------------------------------------
 * The probe against a scripted gateway: each step's diagnosis
 * ------------------------------------------------------------------------ */

/* The gateway's replies, the greeting first, then one per command read;
 * after the last it closes the connection. */
typedef struct {
  const char        *path;
  const char        *extra;        /* settings */
  const char *const  replies[6];
  MessagerieProbeCode code;
  const char        *step;
  const char        *in_message;   /* part of the message, untranslated */
} ScriptCase;

typedef struct {
  GSocketListener   *listener;
  const ScriptCase  *script;
} Gateway;

static gpointer
gateway_run (gpointer user_data)
{
  Gateway *gateway = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection =
    g_socket_listener_accept (gateway->listener, NULL, NULL, &error);
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;

  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  for (guint i = 0; i < G_N_ELEMENTS (gateway->script->replies) && gateway->script->replies[i]; i++)
    {
      const char *reply = gateway->script->replies[i];

      if (i > 0)
        {
          g_autofree char *command = g_data_input_stream_read_line (in, NULL, NULL, NULL);

          if (command == NULL)
            break;
        }
      if (!g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL))
        break;
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return NULL;
}

static void
test_probe_script (Fixture       *fixture,
                   gconstpointer  data)
{
  const ScriptCase *script = data;
#if defined(__SANITIZE_ADDRESS__)
  /* The handshake runs in glib-networking's own thread, which is still there
   * when the program exits: LeakSanitizer's tracer then crashes ("Tracer
   * caught signal 11") after every case passed. The normal build runs it. */
  if (g_str_has_suffix (script->path, "/handshake-failed"))
    {
      g_test_skip ("LeakSanitizer's tracer crashes on glib-networking's handshake thread at exit");
      return;
    }
#endif
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(MessagerieSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  Gateway gateway = { listener, script };
  GThread *thread = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  fixture->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  /* No reply at all: nothing listens there. */
  if (script->replies[0] == NULL)
    g_socket_listener_close (listener);
  else
    thread = g_thread_new ("gateway", gateway_run, &gateway);

  settings = settings_for (fixture, script->extra);
  messagerie_settings_set_password (settings, "secret");
  run_probe (fixture, settings, 10);
  if (thread != NULL)
    g_thread_join (thread);

  g_assert_no_error (fixture->error);
  g_assert_nonnull (fixture->result);
  g_assert_cmpstr (messagerie_probe_code_to_string (fixture->result->code), ==,
                   messagerie_probe_code_to_string (script->code));
  g_assert_cmpstr (fixture->result->step, ==, script->step);
  g_assert_nonnull (fixture->result->message);
  if (strstr (fixture->result->message, script->in_message) == NULL)
    g_error ("“%s” is not in “%s”", script->in_message, fixture->result->message);
}

static const ScriptCase script_cases[] = {
  { "/probe/script/connection-refused", "", { NULL },
    MESSAGERIE_PROBE_CONNECT, "connect", "refused the connection" },
  { "/probe/script/session-refused", "", { "554 go away\r\n" },
    MESSAGERIE_PROBE_PROTOCOL, "greeting", "refuses the session: 554 go away" },
  { "/probe/script/not-smtp", "", { "HTTP/1.1 400 Bad Request\r\n" },
    MESSAGERIE_PROBE_PROTOCOL, "greeting", "is not SMTP" },
  { "/probe/script/closed-during-ehlo", "", { "220 gw.example ESMTP\r\n" },
    MESSAGERIE_PROBE_PROTOCOL, "ehlo", "closed the connection during EHLO" },
  { "/probe/script/helo-refused", "",
    { "220 gw.example\r\n", "502 no ESMTP\r\n", "501 no\r\n" },
    MESSAGERIE_PROBE_PROTOCOL, "ehlo", "(EHLO and HELO scribe.monetab.lan): 501 no" },
  { "/probe/script/starttls-missing", "",
    { "220 gw.example ESMTP\r\n", "250-gw.example\r\n250 AUTH PLAIN\r\n" },
    MESSAGERIE_PROBE_STARTTLS_MISSING, "starttls", "does not offer STARTTLS on port" },
  { "/probe/script/starttls-refused", "",
    { "220 gw.example ESMTP\r\n", "250-gw.example\r\n250 STARTTLS\r\n", "454 TLS not available\r\n" },
    MESSAGERIE_PROBE_TLS, "starttls", "refused it: 454 TLS not available" },
  { "/probe/script/data-before-tls", "",
    { "220 gw.example ESMTP\r\n", "250-gw.example\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n" },
    MESSAGERIE_PROBE_PROTOCOL, "starttls", "sent data before TLS started" },
  { "/probe/script/handshake-failed", "",
    { "220 gw.example ESMTP\r\n", "250-gw.example\r\n250 STARTTLS\r\n", "220 go ahead\r\n" },
    MESSAGERIE_PROBE_TLS, "starttls", "The TLS handshake with the gateway failed" },
  { "/probe/script/unexpected", "",
    { "220 gw.example ESMTP\r\n", "354 what\r\n" },
    MESSAGERIE_PROBE_PROTOCOL, "ehlo", "Unexpected answer of the gateway during EHLO: 354 what" },
};

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/smtp/reply/single", test_reply_single);
  g_test_add_func ("/smtp/reply/multiline", test_reply_multiline);
  g_test_add_func ("/smtp/reply/code-only", test_reply_code_only);
  g_test_add_func ("/smtp/reply/invalid", test_reply_invalid);
  g_test_add_func ("/smtp/sanitize", test_sanitize);
  g_test_add_func ("/smtp/auth-plain", test_auth_plain);
  g_test_add_func ("/smtp/host-name", test_host_name);
  g_test_add_func ("/probe/code-names", test_code_names);
  g_test_add ("/probe/invalid", Fixture, NULL, fixture_set_up, test_probe_invalid, fixture_tear_down);
  g_test_add ("/probe/cancel", Fixture, NULL, fixture_set_up, test_probe_cancel, fixture_tear_down);
  g_test_add ("/probe/timeout", Fixture, NULL, fixture_set_up, test_probe_timeout, fixture_tear_down);
  g_test_add ("/probe/deadline", Fixture, NULL, fixture_set_up, test_probe_deadline, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (script_cases); i++)
    g_test_add (script_cases[i].path, Fixture, &script_cases[i], fixture_set_up, test_probe_script,
                fixture_tear_down);

  return g_test_run ();
}
