/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The connection test's diagnoses, translated: the steps as noun phrases,
 * what a timeout, a failed operation or a bad certificate means and what
 * to do about it, the TLS version, and the message of success. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-probe-private.h"

/* A GIO message, to be followed by more words: without its final period. */
char *
messagerie_probe_error_text (const GError *error)
{
  char *text = g_strdup (error->message);
  gsize length = strlen (text);

  while (length > 0 && (text[length - 1] == '.' || g_ascii_isspace (text[length - 1])))
    text[--length] = '\0';
  return text;
}

/* For "… during %s": the step as a noun phrase. */
const char *
messagerie_probe_step_label (ProbeStep step)
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

/* The names a certificate is for: its DNS names, else its IP addresses,
 * else its subject. */
char *
messagerie_probe_certificate_names (GTlsCertificate *certificate)
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
char *
messagerie_probe_certificate_message (Probe                *probe,
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

const char *
messagerie_probe_tls_version_name (GTlsProtocolVersion version)
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

char *
messagerie_probe_success_message (Probe *probe)
{
  MessagerieProbeResult *result = probe->result;
  const char *name = result->server_name ? result->server_name : probe->host;
  g_autofree char *tls = NULL;
  char *message;

  if (result->tls_version != NULL && probe->verify)
    tls = g_strdup (result->tls_version);
  else if (result->tls_version != NULL)
    /* Translators: %s is a TLS version, "TLS 1.3". */
    tls = g_strdup_printf (_("%s, certificate not verified"), result->tls_version);

  if (result->login_untested)
    return g_strdup_printf (tls != NULL
                            /* Translators: the gateway's name, then "TLS 1.3". */
                            ? _("%s answered over %s and offers the login, which was not tried: the "
                                "password is only on the server. Type it in the password field to test "
                                "the login as well; “Send a test message” uses the server's.")
                            : _("%s answered without TLS and offers the login, which was not tried: the "
                                "password is only on the server. Type it in the password field to test "
                                "the login as well; “Send a test message” uses the server's."),
                            name, tls);

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

  return message;
}

char *
messagerie_probe_timeout_message (Probe *probe)
{
  switch (probe->step)
    {
    case PROBE_STEP_RESOLVE:
      return g_strdup_printf (_("Looking up %s took more than %u s. Check the name of the gateway "
                                "and the name service (DNS) of this server."),
                              probe->host, probe->timeout);
    case PROBE_STEP_CONNECT:
      return g_strdup_printf (_("%s did not answer on port %u within %u s: the gateway is down, or "
                                "a firewall drops the connection. Check the name and the port."),
                              probe->address_text, probe->port, probe->timeout);
    case PROBE_STEP_GREETING:
      return g_strdup_printf (_("The gateway accepted the connection but sent no greeting within %u s. "
                                "If it expects TLS from the first byte (implicit TLS, usually port 465), "
                                "choose that option."),
                              probe->timeout);
    default:
      /* Translators: the second %s is a step: "the login", "the TLS handshake"… */
      return g_strdup_printf (_("The test of the gateway took more than %u s in all, and was stopped "
                                "during %s. Try again, and check the port and the TLS choice."),
                              probe->timeout, messagerie_probe_step_label (probe->step));
    }
}

/* An operation failed with @error, neither cancelled nor timed out: what
 * it means at the step running, and its *@code. */
char *
messagerie_probe_error_message (Probe                *probe,
                                const GError         *error,
                                MessagerieProbeCode  *code)
{
  g_autofree char *text = messagerie_probe_error_text (error);

  switch (probe->step)
    {
    case PROBE_STEP_RESOLVE:
      *code = MESSAGERIE_PROBE_RESOLVE;
      /* One sentence of ours, not the resolver's words after ours. */
      if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        return g_strdup_printf (_("The DNS knows no machine named %s: check the name of the "
                                  "gateway."), probe->host);
      if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
        return g_strdup_printf (_("The name %s could not be looked up: the DNS did not answer. "
                                  "Check the network and the DNS servers of this machine."),
                                probe->host);
      return g_strdup_printf (_("The name of the gateway could not be resolved: %s. Check the name "
                                "of the gateway."), text);
    case PROBE_STEP_CONNECT:
      *code = MESSAGERIE_PROBE_CONNECT;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        return g_strdup_printf (_("%s refused the connection on port %u: nothing listens there. "
                                  "Check the port and the TLS choice."),
                                probe->address_text, probe->port);
      return g_strdup_printf (_("Cannot connect to %s on port %u: %s. Check the name, the port "
                                "and the network."),
                              probe->address_text, probe->port, text);
    case PROBE_STEP_TLS:
    case PROBE_STEP_STARTTLS:
      *code = MESSAGERIE_PROBE_TLS;
      return g_strdup_printf (_("The TLS handshake with the gateway failed: %s. Check the TLS "
                                "choice: implicit TLS is usually port 465, STARTTLS ports 25 "
                                "and 587."), text);
    default:
      *code = MESSAGERIE_PROBE_PROTOCOL;
      /* Translators: the first %s is a step: "the login", "the greeting"… */
      return g_strdup_printf (_("The connection to the gateway broke during %s: %s"),
                              messagerie_probe_step_label (probe->step), text);
    }
}
