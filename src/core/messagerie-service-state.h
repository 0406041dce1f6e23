/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The state of one service of the page « Services », read without
 * privilege. */
typedef struct {
  /* The settings key of its switch: "antispam", "mail_server" or
   * "mailing_lists". */
  char     *key;
  /* Every package it needs is there. */
  gboolean  installed;
  /* When not: the missing packages, space-separated ("dovecot-pop3d"), and
   * the command that installs them ("apt install dovecot-pop3d"); NULL
   * when installed. */
  char     *missing_packages;
  char     *install_command;
  /* Its daemons run (all of them, for Sympa). */
  gboolean  running;
} MessagerieServiceState;

void       messagerie_service_state_free        (MessagerieServiceState *state);

/* The three services' states, in the order of the page (anti-spam, mail
 * server, lists), as MessagerieServiceState. @root is "/" on the system
 * (tests give another folder, with its own run/ and proc/); @mail_server is
 * the setting of « Activer le serveur de courrier » (none, pop, imap,
 * pop-imap), which decides which of Dovecot's packages are needed. Reads a
 * few small files (and runs `systemctl is-active` when systemd runs the
 * system): call it from a thread, or through the _async version. */
GPtrArray *messagerie_service_states_read       (const char           *root,
                                                 const char           *mail_server);

void       messagerie_service_states_read_async (const char           *root,
                                                 const char           *mail_server,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray *messagerie_service_states_read_finish (GAsyncResult        *result,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieServiceState, messagerie_service_state_free)

G_END_DECLS
