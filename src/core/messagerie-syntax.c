/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The syntax of domains, addresses and hosts, without any policy: what
 * messagerie-rules.c, the renderer and the probe build their checks on. */

#include <arpa/inet.h>
#include <string.h>

#include "messagerie-rules.h"
#include "messagerie-syntax.h"

/* RFC 1035 and RFC 5321 limits. */
#define MAX_DOMAIN_LENGTH       253
#define MAX_LABEL_LENGTH        63
#define MAX_LOCAL_PART_LENGTH   64
#define MAX_ADDRESS_LENGTH      254

gboolean
messagerie_is_text (const char *text)
{
  return g_utf8_validate (text, -1, NULL) && !messagerie_has_control_char (text);
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

DomainProblem
messagerie_check_domain (const char *name,
                         guint       min_labels)
{
  gsize length = strlen (name);
  guint n_labels = 0;
  gboolean last_all_digits = FALSE;
  const char *label;

  if (length == 0)
    return DOMAIN_EMPTY;
  if (!messagerie_is_text (name))
    return DOMAIN_BAD_CHAR;
  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x80 && !g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return DOMAIN_BAD_CHAR;
  if (!is_ascii (name))
    return DOMAIN_NON_ASCII;

  /* Empty labels first: the rules below count on none. */
  if (name[0] == '.' || name[length - 1] == '.' || strstr (name, "..") != NULL)
    return DOMAIN_EMPTY_LABEL;
  if (length > MAX_DOMAIN_LENGTH)
    return DOMAIN_TOO_LONG;

  label = name;
  while (label != NULL)
    {
      const char *dot = strchr (label, '.');
      gsize label_length = dot ? (gsize) (dot - label) : strlen (label);

      if (label_length > MAX_LABEL_LENGTH)
        return DOMAIN_LABEL_TOO_LONG;
      if (label[0] == '-' || label[label_length - 1] == '-')
        return DOMAIN_HYPHEN;

      last_all_digits = TRUE;
      for (gsize i = 0; i < label_length; i++)
        if (!g_ascii_isdigit (label[i]))
          last_all_digits = FALSE;

      n_labels++;
      label = dot ? dot + 1 : NULL;
    }

  if (n_labels < min_labels)
    return DOMAIN_ONE_LABEL;
  /* A name ending in digits is an IP address, or a mistyped one. */
  if (last_all_digits)
    return DOMAIN_NUMERIC;

  return DOMAIN_OK;
}

static gboolean
is_atext (char c)
{
  /* strchr() finds the terminating NUL too. */
  return c != '\0' && (g_ascii_isalnum (c) || strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 5321 §4.1.2: a Dot-string or a Quoted-string. Returns the end of the
 * local part, or NULL when it is not one. */
static const char *
parse_local_part (const char *p)
{
  if (*p == '"')
    {
      for (p++; *p != '"'; p++)
        {
          /* A backslash quotes the next character, which must be
           * printable ASCII all the same. */
          if (*p == '\\')
            p++;
          if ((guchar) *p < 32 || (guchar) *p > 126)
            return NULL;
        }
      return p + 1;
    }

  do
    {
      const char *atom = p;

      while (is_atext (*p))
        p++;
      if (p == atom)
        return NULL;
    }
  while (*p == '.' && *++p);

  return p;
}

static gboolean
is_address_literal (const char *literal)
{
  gsize length = strlen (literal);
  g_autofree char *inner = NULL;
  guchar buffer[sizeof (struct in6_addr)];

  if (length < 2 || literal[0] != '[' || literal[length - 1] != ']')
    return FALSE;

  inner = g_strndup (literal + 1, length - 2);
  if (g_ascii_strncasecmp (inner, "IPv6:", 5) == 0)
    return inet_pton (AF_INET6, inner + 5, buffer) == 1;
  return inet_pton (AF_INET, inner, buffer) == 1;
}

AddressProblem
messagerie_check_address (const char *address)
{
  gboolean quoted = FALSE;
  gboolean space = FALSE;
  guint n_at = 0;
  const char *at;

  if (*address == '\0')
    return ADDRESS_EMPTY;
  if (!g_utf8_validate (address, -1, NULL))
    return ADDRESS_INVALID;

  /* A display name, angle brackets or a list are what people paste from a
   * mail client; say so rather than "not valid". */
  for (const char *p = address; *p; p++)
    {
      if (quoted && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (!quoted && strchr ("<>,;", *p) != NULL)
        return ADDRESS_NOT_SINGLE;
      else if (!quoted && *p == '@')
        n_at++;
      else if (!quoted && g_ascii_isspace (*p))
        space = TRUE;
    }
  if (n_at > 1 && space)
    return ADDRESS_NOT_SINGLE;

  if (messagerie_has_control_char (address))
    return ADDRESS_INVALID;
  if (!is_ascii (address))
    return ADDRESS_NON_ASCII;
  if (strlen (address) > MAX_ADDRESS_LENGTH)
    return ADDRESS_TOO_LONG;

  at = parse_local_part (address);
  if (at == NULL || *at != '@')
    return ADDRESS_INVALID;
  if (at - address > MAX_LOCAL_PART_LENGTH)
    return ADDRESS_TOO_LONG;

  if (at[1] == '[')
    return is_address_literal (at + 1) ? ADDRESS_OK : ADDRESS_BAD_DOMAIN;
  if (messagerie_check_domain (at + 1, 2) != DOMAIN_OK)
    return ADDRESS_BAD_DOMAIN;

  return ADDRESS_OK;
}

HostProblem
messagerie_check_host (const char *host)
{
  const char *colon;

  if (*host == '\0')
    return HOST_EMPTY;
  if (!messagerie_is_text (host) || strchr (host, ' ') != NULL)
    return HOST_SPACE;
  if (messagerie_is_ip_address (host))
    return HOST_OK;
  if (strstr (host, "://") != NULL || strchr (host, '/') != NULL)
    return HOST_URL;

  colon = strchr (host, ':');
  if (host[0] == '[')
    return strstr (host, "]:") != NULL ? HOST_PORT : HOST_BRACKETS;
  if (colon != NULL)
    return strchr (colon + 1, ':') == NULL ? HOST_PORT : HOST_BAD_IPV6;

  switch (messagerie_check_domain (host, 1))
    {
    case DOMAIN_OK:
      return HOST_OK;
    case DOMAIN_NON_ASCII:
      return HOST_NON_ASCII;
    case DOMAIN_TOO_LONG:
      return HOST_TOO_LONG;
    case DOMAIN_NUMERIC:
      return HOST_NUMERIC;
    case DOMAIN_EMPTY:
    case DOMAIN_BAD_CHAR:
    case DOMAIN_EMPTY_LABEL:
    case DOMAIN_LABEL_TOO_LONG:
    case DOMAIN_HYPHEN:
    case DOMAIN_ONE_LABEL:
    default:
      return HOST_INVALID;
    }
}

gboolean
messagerie_is_valid_domain (const char *domain)
{
  return domain != NULL && messagerie_check_domain (domain, 2) == DOMAIN_OK;
}

gboolean
messagerie_is_valid_address (const char *address)
{
  return address != NULL && messagerie_check_address (address) == ADDRESS_OK;
}

gboolean
messagerie_is_ip_address (const char *text)
{
  guchar buffer[sizeof (struct in6_addr)];

  if (text == NULL)
    return FALSE;

  return inet_pton (AF_INET, text, buffer) == 1 ||
         inet_pton (AF_INET6, text, buffer) == 1;
}
