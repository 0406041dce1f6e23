/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-settings.h"

G_BEGIN_DECLS

/* Paths are absolute, as on the system; the helper puts them under its root. */
#define MESSAGERIE_PATH_SETTINGS       "/etc/messagerie/messagerie.conf"
#define MESSAGERIE_PATH_UPDATE_CONF    "/etc/exim4/update-exim4.conf.conf"
#define MESSAGERIE_PATH_LOCALMACROS    "/etc/exim4/exim4.conf.localmacros"
#define MESSAGERIE_PATH_SPLIT_MACROS   "/etc/exim4/conf.d/main/000_localmacros"
#define MESSAGERIE_PATH_PASSWD_CLIENT  "/etc/exim4/passwd.client"
#define MESSAGERIE_PATH_MAILNAME       "/etc/mailname"
#define MESSAGERIE_PATH_EMAIL_ADDRESSES "/etc/email-addresses"
#define MESSAGERIE_PATH_ALIASES        "/etc/aliases"
#define MESSAGERIE_PATH_DOVECOT        "/etc/dovecot/conf.d/99-messagerie.conf"
/* Dovecot's configuration folder: present (as anything) when Dovecot is
 * installed. Without it the Dovecot fragment is not written, so that no
 * folder of a package that is not there is made. */
#define MESSAGERIE_PATH_DOVECOT_DIR    "/etc/dovecot"
/* Debian's non-split template, where Messagerie's router and transport
 * blocks go (messagerie-render-services.c), and their files with the split
 * configuration. */
#define MESSAGERIE_PATH_TEMPLATE        "/etc/exim4/exim4.conf.template"
#define MESSAGERIE_PATH_SPLIT_ROUTER    "/etc/exim4/conf.d/router/250_messagerie"
#define MESSAGERIE_PATH_SPLIT_TRANSPORT "/etc/exim4/conf.d/transport/30_messagerie"
/* Sympa's configuration (its domain), present when Sympa is installed, and
 * the aliases its alias manager writes for each list. */
#define MESSAGERIE_PATH_SYMPA_CONF     "/etc/sympa/sympa/sympa.conf"
/* Sympa's configuration folder: present when Sympa is installed, also for
 * a user who may not read sympa.conf (render without privilege). */
#define MESSAGERIE_PATH_SYMPA_DIR      "/etc/sympa"
#define MESSAGERIE_PATH_SYMPA_ALIASES  "/etc/mail/sympa/aliases"
/* Which gateway and login passwd.client holds a password for, readable by
 * the application, which may not read passwd.client itself. No secret. */
#define MESSAGERIE_PATH_PASSWORD_INDEX "/etc/messagerie/relay-password"

#define MESSAGERIE_RENDER_ERROR (messagerie_render_error_quark ())

typedef enum {
  /* Authentication is on, no password was given and none is on the server. */
  MESSAGERIE_RENDER_ERROR_NO_PASSWORD,
  /* The non-split template lacks the lines Messagerie's blocks go by. */
  MESSAGERIE_RENDER_ERROR_TEMPLATE,
} MessagerieRenderError;

GQuark messagerie_render_error_quark (void);

typedef struct {
  char  *path;
  /* NULL: the file is to be removed. */
  char  *contents;
  guint  mode;
  /* Group owning the file, NULL for root's. */
  char  *group;
} MessagerieRenderedFile;

void                messagerie_rendered_file_free (MessagerieRenderedFile *file);

/* The files the renderer may read: the helper loads those that exist. */
const char *const  *messagerie_render_inputs      (void);

/* What applying @settings writes, computed from @existing (path → current
 * contents, a missing path meaning the file does not exist; the key
 * MESSAGERIE_PATH_DOVECOT_DIR, with any value, when that folder exists).
 * Pure: reads and writes nothing. A file with NULL contents is one to
 * remove (it exists and is no longer needed). */
GPtrArray          *messagerie_render             (MessagerieSettings  *settings,
                                                   GHashTable          *existing,
                                                   GError             **error);

/* What render shows in place of each password. */
#define MESSAGERIE_RENDER_PASSWORD_MASK "********"

/* @file's contents fit to be shown: in passwd.client, every password
 * (Messagerie's and the administrator's) replaced by
 * MESSAGERIE_RENDER_PASSWORD_MASK, the host and login kept, so that it
 * shows where each is written; any other file as it is. */
char               *messagerie_render_masked      (const MessagerieRenderedFile *file);

/* From the contents of MESSAGERIE_PATH_PASSWORD_INDEX: whether the server
 * holds a password for @host and @user. */
/* @contents of passwd.client without a password for any gateway
 * Messagerie manages: its blocks and every pattern line ("*", "*.domain",
 * "^regex") removed, the administrator's lines for other hosts kept. The helper puts it in place
 * while it switches gateways, so that neither the old password reaches the
 * new gateway nor the new one the old gateway. */
char               *messagerie_render_passwd_client_interim (const char *contents);

gboolean            messagerie_render_index_has_password (const char *contents,
                                                          const char *host,
                                                          const char *user);

/* @text (UTF-8) as RFC 2047 encoded words of at most 75 characters, never
 * splitting a character, joined by @fold (" " in a phrase, "\n " to fold
 * a header). */
char               *messagerie_encode_words        (const char *text,
                                                     const char *fold);

/* The value exim's configuration gives @key in update-exim4.conf.conf
 * @contents ("dc_smarthost" → "host::587"), or NULL. */
char               *messagerie_render_debconf_value (const char *contents,
                                                     const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieRenderedFile, messagerie_rendered_file_free)

G_END_DECLS
