/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The gateway of the settings tested: probe and detect. */

#include "messagerie-core.h"

G_BEGIN_DECLS

/* probe: connection, TLS, certificate, login, within @timeout seconds;
 * prints the protocol's lines and returns the exit code. */
int messagerie_gateway_probe  (MessagerieSettings *settings,
                               guint               timeout);
/* detect (« Détecter »): each TLS choice tried, the first that reaches
 * the gateway proposed; prints the protocol's lines and returns the exit
 * code. */
int messagerie_gateway_detect (MessagerieSettings *settings,
                               guint               timeout);

G_END_DECLS
