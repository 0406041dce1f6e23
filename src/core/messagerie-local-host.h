/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-settings.h"

G_BEGIN_DECLS

/* Whether exim would refuse @host as "the local host": the loopback and
 * unspecified addresses in any spelling, this machine's interface
 * addresses (read once, only for an IP address), localhost, *.localhost,
 * the machine's name, the server's and the system's host name. Not the
 * rest of 127.0.0.0/8. */
gboolean messagerie_is_local_host (MessagerieSettings *settings,
                                   const char         *host);

G_END_DECLS
