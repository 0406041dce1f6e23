/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "messagerie-settings.h"

G_BEGIN_DECLS

/* The connection test of the relay settings: what exim would do up to the
 * login, and nothing after it (no message is ever sent). */

/* Seconds the whole test may take, from the name lookup to QUIT. 20: a
 * gateway behind Postfix's postscreen may hold its greeting 6 s, and two
 * TLS handshakes and a login follow. */
#define MESSAGERIE_PROBE_DEFAULT_TIMEOUT 20
#define MESSAGERIE_PROBE_MAX_TIMEOUT     300

/* Stable: printed by messagerie-helper probe, read by scripts. */
typedef enum {
  MESSAGERIE_PROBE_OK,
  MESSAGERIE_PROBE_RESOLVE,           /* the gateway's name was not found */
  MESSAGERIE_PROBE_CONNECT,           /* the connection was refused or failed */
  MESSAGERIE_PROBE_TIMEOUT,           /* the test took longer than the timeout */
  MESSAGERIE_PROBE_TLS,               /* the TLS handshake failed, or STARTTLS was refused */
  MESSAGERIE_PROBE_CERTIFICATE,       /* the certificate is not trusted, expired, for another name… */
  MESSAGERIE_PROBE_STARTTLS_MISSING,  /* STARTTLS was asked for and is not offered */
  MESSAGERIE_PROBE_AUTH_MISSING,      /* neither AUTH PLAIN nor AUTH LOGIN is offered */
  MESSAGERIE_PROBE_AUTH_FAILED,       /* the login was refused */
  MESSAGERIE_PROBE_PROTOCOL,          /* the gateway does not speak SMTP as expected */
  MESSAGERIE_PROBE_SENDER_REFUSED,    /* MAIL FROM:<root_sender> was refused */
  MESSAGERIE_PROBE_RECIPIENT_REFUSED, /* RCPT TO:<root_recipient> was refused */
} MessagerieProbeCode;

const char *messagerie_probe_code_to_string (MessagerieProbeCode code);

/* Called as each step starts, in the main context the probe was started
 * from. @step is one of resolve, connect, tls, greeting, ehlo, starttls,
 * certificate, auth, sender, recipient, quit; @message is translated. Never called once the
 * cancellable is cancelled. */
typedef void (*MessagerieProbeStepFunc) (const char *step,
                                         const char *message,
                                         gpointer    user_data);

typedef struct {
  MessagerieProbeCode   code;
  /* The step that failed, "quit" on success. */
  char                 *step;
  /* Translated: what happened, and what to do about it. */
  char                 *message;
  /* The name the gateway gives itself (reply to EHLO, else greeting),
   * and its greeting; NULL before the greeting. */
  char                 *server_name;
  char                 *greeting;
  /* "TLS 1.3"; NULL without TLS. */
  char                 *tls_version;
  /* "PLAIN" or "LOGIN" once a login was tried; NULL otherwise. */
  char                 *mechanism;
  /* Set when authentication is on and no password was given (it is only on
   * the server): the gateway offers a login method Messagerie uses, but
   * neither the login nor the envelope was tried. */
  gboolean              login_untested;
  /* What is wrong with the certificate, whether or not it is verified,
   * and the names it is for (DNS names, else IP addresses, else its
   * subject); NULL without TLS. */
  GTlsCertificateFlags  certificate_errors;
  char                 *certificate_name;
  /* The reply at fault (a refused login: "535 5.7.8 …"), or NULL. */
  char                 *server_reply;
  /* The settings key at fault (root_sender, root_recipient), or NULL. */
  char                 *key;
  /* The login methods the gateway offers, "PLAIN LOGIN", or NULL. */
  char                 *auth_offered;
} MessagerieProbeResult;

void messagerie_probe_result_free (MessagerieProbeResult *result);

/* Tests the relay of @settings as they are now (they are read here, not
 * later): relay_host, the port and TLS of relay_tls as the renderer writes
 * them, relay_tls_verify, relay_auth, relay_user and the password
 * (messagerie_settings_get_password); then, when they are valid addresses,
 * root_sender and root_recipient as the envelope of a message the gateway
 * must accept (MAIL FROM, RCPT TO, then RSET: nothing is sent). @database: the certificate
 * authorities to trust, NULL for the system's. @timeout_seconds: for the
 * whole test, 0 for MESSAGERIE_PROBE_DEFAULT_TIMEOUT. @step_data must stay
 * valid until @callback runs.
 *
 * Every outcome of the test is a result, failures included;
 * messagerie_probe_finish() fails only with G_IO_ERROR_CANCELLED, or with
 * G_IO_ERROR_INVALID_ARGUMENT (and a translated message) when the settings
 * name nothing to test: relay off, no gateway, a bad port, no user or no
 * password while authentication is on. */
void                   messagerie_probe_async  (MessagerieSettings      *settings,
                                                GTlsDatabase            *database,
                                                guint                    timeout_seconds,
                                                MessagerieProbeStepFunc  step_func,
                                                gpointer                 step_data,
                                                GCancellable            *cancellable,
                                                GAsyncReadyCallback      callback,
                                                gpointer                 user_data);
MessagerieProbeResult *messagerie_probe_finish (GAsyncResult  *result,
                                                GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieProbeResult, messagerie_probe_result_free)

G_END_DECLS
