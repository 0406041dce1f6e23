/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The syntax of what the rules judge: domains (RFC 1035), addresses
 * (RFC 5321) and hosts, each with the problem found. Inside the core. */

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DOMAIN_OK,
  DOMAIN_EMPTY,
  DOMAIN_BAD_CHAR,
  DOMAIN_NON_ASCII,
  DOMAIN_EMPTY_LABEL,
  DOMAIN_TOO_LONG,
  DOMAIN_LABEL_TOO_LONG,
  DOMAIN_HYPHEN,
  DOMAIN_ONE_LABEL,
  DOMAIN_NUMERIC,
} DomainProblem;

typedef enum {
  ADDRESS_OK,
  ADDRESS_EMPTY,
  ADDRESS_NOT_SINGLE,
  ADDRESS_NON_ASCII,
  ADDRESS_TOO_LONG,
  ADDRESS_BAD_DOMAIN,
  ADDRESS_INVALID,
  ADDRESS_ALIAS_SPECIAL,
} AddressProblem;

typedef enum {
  HOST_OK,
  HOST_EMPTY,
  HOST_SPACE,
  HOST_URL,
  HOST_PORT,
  HOST_BRACKETS,
  HOST_BAD_IPV6,
  HOST_NON_ASCII,
  HOST_TOO_LONG,
  HOST_NUMERIC,
  HOST_INVALID,
} HostProblem;

gboolean       messagerie_is_text           (const char *text);
DomainProblem  messagerie_check_domain      (const char *name,
                                             guint       min_labels);
AddressProblem messagerie_check_address     (const char *address);
HostProblem    messagerie_check_host        (const char *host);

G_END_DECLS
