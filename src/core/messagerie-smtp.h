/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 5321 allows 512 octets in a reply line; a gateway may be sloppier,
 * not by this much. */
#define MESSAGERIE_SMTP_LINE_MAX 2048
/* A reply longer than this is not a reply but a server gone wrong. */
#define MESSAGERIE_SMTP_REPLY_LINES_MAX 100

/* One SMTP reply, read line by line: "250-first", "250-…", "250 last". */
typedef struct {
  /* 0 until the first line is added. */
  guint      code;
  /* The text of each line, after "NNN-" or "NNN ", as received. */
  GPtrArray *lines;
  gboolean   complete;
} MessagerieSmtpReply;

MessagerieSmtpReply *messagerie_smtp_reply_new          (void);
void                 messagerie_smtp_reply_free         (MessagerieSmtpReply *reply);

/* Adds one line, without its CR LF. FALSE when the line cannot belong to
 * this reply: no three-digit code from 200 to 599, no space or hyphen after
 * it, another code than the lines before, too long, or one line too many.
 * The reply is complete after a line with a space (or nothing) after its
 * code. */
gboolean             messagerie_smtp_reply_add_line     (MessagerieSmtpReply *reply,
                                                         const char          *line,
                                                         gsize                length);

/* "250 first line second line…", for people: valid UTF-8, no control
 * character, at most about 400 characters. */
char                *messagerie_smtp_reply_to_string    (const MessagerieSmtpReply *reply);

/* The first word of the first line: the server's name in a greeting and in
 * the reply to EHLO. NULL when there is none. */
char                *messagerie_smtp_reply_domain       (const MessagerieSmtpReply *reply);

/* In the reply to EHLO: whether the extension @keyword is offered, and its
 * parameters, upper case ("AUTH" → { "PLAIN", "LOGIN", NULL }). The old
 * form "AUTH=PLAIN LOGIN" counts too. NULL when it is not offered. */
gboolean             messagerie_smtp_reply_has_extension (const MessagerieSmtpReply *reply,
                                                          const char                *keyword);
char               **messagerie_smtp_reply_extension    (const MessagerieSmtpReply *reply,
                                                         const char                *keyword);

/* Text from a server made fit for a message: valid UTF-8, control
 * characters as spaces, cut at @max_chars characters with an ellipsis. */
char                *messagerie_smtp_sanitize           (const char *text,
                                                         gssize      length,
                                                         gsize       max_chars);

/* The initial response of AUTH PLAIN: base64 of "\0user\0password". The
 * caller wipes and frees it. */
char                *messagerie_smtp_auth_plain         (const char *user,
                                                         const char *password);

/* @name fit for EHLO and for a header: anything but letters, digits, dots
 * and hyphens made a hyphen; "localhost" for an empty name. */
char                *messagerie_smtp_host_name          (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieSmtpReply, messagerie_smtp_reply_free)

G_END_DECLS
