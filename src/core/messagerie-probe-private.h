/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the three parts of the connection test share: the probe's state,
 * its steps, and the functions each part gives the others
 * (messagerie-probe.c: the task, the connection and TLS;
 * messagerie-probe-session.c: the SMTP dialogue;
 * messagerie-probe-diagnosis.c: the translated texts). Inside the core. */

#include "messagerie-probe.h"
#include "messagerie-smtp.h"

G_BEGIN_DECLS

#define READ_CHUNK 4096
/* The most of a server's text quoted in a message. */
#define QUOTE_MAX 200

typedef enum {
  TLS_NONE,
  TLS_STARTTLS,
  TLS_IMPLICIT,
} TlsMode;

/* The steps of messagerie-probe.c's opening comment, in their order. */
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
  /* NULL when the password is only on the server: the login methods are
   * checked, the login and the envelope are not tried. */
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

/* messagerie-probe.c */
void messagerie_probe_emit_step       (Probe               *probe,
                                       ProbeStep            step,
                                       const char          *message);
/* Each ends the probe with its result (taking @message). */
void messagerie_probe_end             (GTask               *task,
                                       MessagerieProbeCode  code,
                                       char                *message);
void messagerie_probe_end_with_reply  (GTask               *task,
                                       MessagerieProbeCode  code,
                                       MessagerieSmtpReply *reply,
                                       char                *message);
void messagerie_probe_succeed         (GTask               *task);
void messagerie_probe_fail_error      (GTask               *task,
                                       const GError        *error);
void messagerie_probe_fail_unexpected (GTask               *task,
                                       MessagerieSmtpReply *reply);
void messagerie_probe_start_tls       (GTask               *task);

/* messagerie-probe-session.c */
void messagerie_probe_read_greeting   (GTask               *task);
void messagerie_probe_send_ehlo       (GTask               *task);
void messagerie_probe_on_starttls     (GTask               *task,
                                       MessagerieSmtpReply *reply);

/* messagerie-probe-diagnosis.c */
const char *messagerie_probe_step_label        (ProbeStep             step);
char       *messagerie_probe_error_text        (const GError         *error);
char       *messagerie_probe_success_message   (Probe                *probe);
char       *messagerie_probe_timeout_message   (Probe                *probe);
char       *messagerie_probe_error_message     (Probe                *probe,
                                                const GError         *error,
                                                MessagerieProbeCode  *code);
char       *messagerie_probe_certificate_names (GTlsCertificate      *certificate);
char       *messagerie_probe_certificate_message (Probe                *probe,
                                                  GTlsCertificate      *certificate,
                                                  GTlsCertificateFlags  errors);
const char *messagerie_probe_tls_version_name  (GTlsProtocolVersion   version);

G_END_DECLS
