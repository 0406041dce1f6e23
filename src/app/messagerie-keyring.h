/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Why the keyring could not be used, as far as an administrator can act on
 * it. Each has one sentence, messagerie_keyring_problem_message(). */
typedef enum {
  /* No D-Bus session bus to reach a keyring through. */
  MESSAGERIE_KEYRING_PROBLEM_NO_BUS,
  /* A session bus, but no Secret Service on it, nor one that starts. */
  MESSAGERIE_KEYRING_PROBLEM_NO_SERVICE,
  /* A Secret Service without a default keyring: gnome-keyring that was
   * never unlocked at login, and no display to ask for a new one on. */
  MESSAGERIE_KEYRING_PROBLEM_NO_COLLECTION,
  /* The keyring holding, or meant to hold, the password is locked and was
   * not unlocked: no display, unlock refused or dismissed. */
  MESSAGERIE_KEYRING_PROBLEM_LOCKED,
  MESSAGERIE_KEYRING_PROBLEM_OTHER,
} MessagerieKeyringProblem;

/* The schema fr.eole.Messagerie.Relay: the string attributes "relay-host"
 * and "relay-user". */
const SecretSchema       *messagerie_keyring_get_schema       (void);

/* The password of the SMTP gateway @host for the login @user, from any
 * keyring. A locked keyring makes the Secret Service show its unlock
 * prompt when it can: the lookup then completes once the prompt is
 * answered (or when @cancellable dismisses it). */
void                      messagerie_keyring_lookup_async     (const char           *host,
                                                               const char           *user,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
/* The password, to be freed with secret_password_free() (which wipes it),
 * or NULL without @error set when none is stored. A password that is
 * stored but stays locked is an error (SECRET_ERROR_IS_LOCKED), never
 * NULL: the keyring alone would answer "none" there. */
char                     *messagerie_keyring_lookup_finish    (GAsyncResult         *result,
                                                               GError              **error);

/* Stores @password for @host and @user in the default keyring, replacing
 * the one stored before. */
void                      messagerie_keyring_store_async      (const char           *host,
                                                               const char           *user,
                                                               const char           *password,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean                  messagerie_keyring_store_finish     (GAsyncResult         *result,
                                                               GError              **error);

/* Removes the password of @host and @user. Nothing stored is success; a
 * password left in a locked keyring is an error (SECRET_ERROR_IS_LOCKED). */
void                      messagerie_keyring_clear_async      (const char           *host,
                                                               const char           *user,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean                  messagerie_keyring_clear_finish     (GAsyncResult         *result,
                                                               GError              **error);

/* The problem behind an error of the functions above. A cancelled
 * operation (G_IO_ERROR_CANCELLED) is OTHER: callers leave it unreported. */
MessagerieKeyringProblem  messagerie_keyring_classify_error   (const GError         *error);
/* One translated sentence for the administrator: what is wrong and what
 * happens to the password. */
const char               *messagerie_keyring_problem_message  (MessagerieKeyringProblem problem);

G_END_DECLS
