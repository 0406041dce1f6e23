/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MESSAGERIE_SETTINGS_MAX_INPUT (64 * 1024)

#define MESSAGERIE_SETTINGS_ERROR (messagerie_settings_error_quark ())

typedef enum {
  MESSAGERIE_SETTINGS_ERROR_TOO_LARGE,
  MESSAGERIE_SETTINGS_ERROR_NOT_UTF8,
  MESSAGERIE_SETTINGS_ERROR_NUL,
  MESSAGERIE_SETTINGS_ERROR_PARSE,
  /* A group or key outside [secret] named like a password (see
   * messagerie_settings_name_is_secret), or a key in [secret] other than
   * "password". */
  MESSAGERIE_SETTINGS_ERROR_SECRET,
  /* A value of a known key with an escape GKeyFile cannot decode. */
  MESSAGERIE_SETTINGS_ERROR_ESCAPE,
  /* A control character in a comment, or in a key the rules do not judge. */
  MESSAGERIE_SETTINGS_ERROR_CONTROL,
} MessagerieSettingsError;

GQuark messagerie_settings_error_quark (void);

#define MESSAGERIE_TYPE_SETTINGS (messagerie_settings_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieSettings, messagerie_settings, MESSAGERIE, SETTINGS, GObject)

typedef enum {
  MESSAGERIE_KEY_STRING,
  MESSAGERIE_KEY_BOOLEAN,
  MESSAGERIE_KEY_INTEGER,
  MESSAGERIE_KEY_ENUM,
  MESSAGERIE_KEY_LIST,
} MessagerieKeyType;

/* The window's modes, each showing more rows than the one before. */
typedef enum {
  MESSAGERIE_MODE_BASIC,
  MESSAGERIE_MODE_NORMAL,
  MESSAGERIE_MODE_EXPERT,
} MessagerieMode;

/* Whether a key's value takes effect given the others. */
typedef gboolean (*MessagerieInUseFunc) (MessagerieSettings *settings);

/* One row of the key table: everything about a key but its row. */
typedef struct {
  const char          *group;     /* "general" or "messagerie" */
  const char          *name;
  MessagerieKeyType    type;
  const char          *fallback;  /* NULL: computed (see messagerie_settings_get) */
  const char *const   *choices;   /* MESSAGERIE_KEY_ENUM only, NULL-terminated */
  MessagerieMode       mode;      /* the least mode whose window shows the key */
  MessagerieInUseFunc  in_use;    /* NULL: always in use */
} MessagerieKey;

const MessagerieKey *messagerie_settings_keys        (guint *n_keys);
const MessagerieKey *messagerie_settings_lookup_key  (const char *name);
/* The least mode in which the window shows @key's row ("password" too);
 * MESSAGERIE_MODE_BASIC for a key not in the table. */
MessagerieMode       messagerie_settings_key_mode    (const char *key);

MessagerieSettings *messagerie_settings_new           (void);
gboolean            messagerie_settings_load_data     (MessagerieSettings  *self,
                                                       const char          *data,
                                                       gsize                length,
                                                       GError             **error);
gboolean            messagerie_settings_load_file     (MessagerieSettings  *self,
                                                       const char          *path,
                                                       GError             **error);
char               *messagerie_settings_to_data       (MessagerieSettings  *self,
                                                       gsize               *length);
GBytes             *messagerie_settings_to_input      (MessagerieSettings  *self);
MessagerieSettings *messagerie_settings_copy          (MessagerieSettings  *self);

void                messagerie_settings_set_system    (MessagerieSettings *self,
                                                       const char         *host_name,
                                                       const char         *fqdn);

const char         *messagerie_settings_get           (MessagerieSettings *self,
                                                       const char         *key);
void                messagerie_settings_set           (MessagerieSettings *self,
                                                       const char         *key,
                                                       const char         *value);
gboolean            messagerie_settings_get_boolean   (MessagerieSettings *self,
                                                       const char         *key);
gboolean            messagerie_settings_get_uint      (MessagerieSettings *self,
                                                       const char         *key,
                                                       guint64            *value);
char              **messagerie_settings_get_containers (MessagerieSettings *self);
gboolean            messagerie_settings_has_mail_server (MessagerieSettings *self);
gboolean            messagerie_settings_in_use        (MessagerieSettings *self,
                                                       const char         *key);
char               *messagerie_settings_dup_server_name (MessagerieSettings *self);
gboolean            messagerie_settings_domain_is_host_name (MessagerieSettings *self);
gboolean            messagerie_settings_equal         (MessagerieSettings *self,
                                                       MessagerieSettings *other);
void                messagerie_settings_normalize     (MessagerieSettings *self);

const char         *messagerie_settings_get_password  (MessagerieSettings *self);
void                messagerie_settings_set_password  (MessagerieSettings *self,
                                                       const char         *password);
gboolean            messagerie_settings_get_relay_login (MessagerieSettings  *self,
                                                         const char         **host,
                                                         const char         **user);
const char         *messagerie_settings_get_relay_port (MessagerieSettings *self);
gboolean            messagerie_settings_get_relay_implicit_tls (MessagerieSettings *self);

gboolean            messagerie_parse_uint             (const char *text,
                                                       guint64     max,
                                                       guint64    *value);
gboolean            messagerie_parse_score            (const char *text,
                                                       guint       max_tenths,
                                                       guint      *tenths);
gboolean            messagerie_has_control_char       (const char *text);
gboolean            messagerie_settings_name_is_secret (const char *name);

G_END_DECLS
