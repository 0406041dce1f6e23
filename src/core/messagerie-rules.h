/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-finding.h"
#include "messagerie-settings.h"

G_BEGIN_DECLS

/* Every finding for the values in use, in key order; never NULL. The array
 * owns its elements. */
GPtrArray  *messagerie_validate             (MessagerieSettings *settings);
gboolean    messagerie_findings_have_error  (GPtrArray *findings);

/* The pieces of E1 and E3, for the renderer and the application. */
gboolean    messagerie_is_valid_domain      (const char *domain);
gboolean    messagerie_is_valid_address     (const char *address);
gboolean    messagerie_is_ip_address        (const char *text);

G_END_DECLS
