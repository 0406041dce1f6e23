/* SPDX-License-Identifier: GPL-3.0-or-later */

/* exim's main log read back, line by line: which recipient got which
 * outcome, from which host, and why. The format is the one exim's
 * specification documents ("Log files": the flags =>, ->, ==, ** and
 * "rejected", each followed by the address and NAME=VALUE fields, values
 * quoted when they hold spaces), with Debian's default log_selector. */

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-mainlog.h"

void
messagerie_delivery_free (MessagerieDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_free (delivery->time);
  g_free (delivery->id);
  g_free (delivery->recipient);
  g_free (delivery->host);
  g_free (delivery->router);
  g_free (delivery->detail);
  g_free (delivery);
}

const char *
messagerie_delivery_outcome_to_string (MessagerieDeliveryOutcome outcome)
{
  switch (outcome)
    {
    case MESSAGERIE_DELIVERY_DELIVERED:
      return "delivered";
    case MESSAGERIE_DELIVERY_DEFERRED:
      return "deferred";
    case MESSAGERIE_DELIVERY_BOUNCED:
      return "bounced";
    case MESSAGERIE_DELIVERY_REJECTED:
    default:
      return "rejected";
    }
}

/* Whether @line starts with exim's "YYYY-MM-DD HH:MM:SS ". */
static gboolean
has_time (const char *line)
{
  static const char shape[] = "dddd-dd-dd dd:dd:dd ";

  for (guint i = 0; i < sizeof shape - 1; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (line[i]) : line[i] != shape[i])
      return FALSE;
  return TRUE;
}

/* That time as ISO 8601, in local time (exim logs local time). */
static char *
parse_time (const char *line)
{
  static GTimeZone *zone = NULL;
  int y, mo, d, h, mi, s;
  g_autoptr(GDateTime) date = NULL;

  if (sscanf (line, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return NULL;
  if (g_once_init_enter (&zone))
    g_once_init_leave (&zone, g_time_zone_new_local ());
  date = g_date_time_new (zone, y, mo, d, h, mi, s);
  return date ? g_date_time_format (date, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

/* An exim message id: 6-6-2 (or 6-11-4 with exim 4.97's longer ids) base-62
 * characters. */
static gsize
id_length (const char *p)
{
  gsize n = strspn (p, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-");

  return (n == 16 || n == 23) && p[6] == '-' && p[n] == ' ' ? n : 0;
}

/* Skips one NAME=VALUE field at @p: VALUE quoted ("…", with \" inside) or
 * up to a space; H= takes the "[address]" after the name too. Stores H='s
 * name, R='s and C='s text. Returns the end, or NULL when @p is no field. */
static const char *
skip_field (const char *p,
            char      **host,
            char      **router,
            char      **confirmation)
{
  const char *equal = p;
  const char *value;
  const char *end;
  g_autofree char *text = NULL;

  while (g_ascii_isalpha (*equal))
    equal++;
  if (equal == p || *equal != '=')
    return NULL;
  value = equal + 1;

  if (*value == '"')
    {
      GString *unquoted = g_string_new (NULL);

      for (end = value + 1; *end && *end != '"'; end++)
        {
          if (*end == '\\' && end[1] != '\0')
            end++;
          g_string_append_c (unquoted, *end);
        }
      if (*end == '"')
        end++;
      text = g_string_free (unquoted, FALSE);
    }
  else
    {
      end = value + strcspn (value, " ");
      /* The last field before ": reason" ends with the colon. */
      if (end > value && end[-1] == ':' && (*end == ' ' || *end == '\0'))
        end--;
      text = g_strndup (value, end - value);
    }

  if (equal - p == 1 && *p == 'H')
    {
      g_free (*host);
      *host = g_strdup (text);
      if (g_str_has_prefix (end, " ["))
        {
          const char *close = strchr (end + 2, ']');

          if (close != NULL)
            end = close + 1;
        }
    }
  else if (equal - p == 1 && *p == 'R' && router != NULL)
    {
      g_free (*router);
      *router = g_steal_pointer (&text);
    }
  else if (equal - p == 1 && *p == 'C' && confirmation != NULL)
    {
      g_free (*confirmation);
      *confirmation = g_steal_pointer (&text);
    }

  return end;
}

/* The fields from @p on, a deferral's "defer (ERRNO)" among them, then
 * the reason after ": ". */
static void
parse_fields (const char  *p,
              char       **host,
              char       **router,
              char       **confirmation,
              char       **reason)
{
  for (;;)
    {
      const char *end;

      while (*p == ' ')
        p++;
      if (g_str_has_prefix (p, "defer (") && strchr (p, ')') != NULL)
        {
          p = strchr (p, ')') + 1;
          continue;
        }
      end = skip_field (p, host, router, confirmation);
      if (end == NULL)
        break;
      p = end;
    }

  if (*p == ':')
    p++;
  while (*p == ' ')
    p++;
  *reason = g_strdup (p);
}

MessagerieDelivery *
messagerie_delivery_parse (const char *line)
{
  g_autoptr(MessagerieDelivery) delivery = NULL;
  g_autofree char *confirmation = NULL;
  g_autofree char *reason = NULL;
  MessagerieDeliveryOutcome outcome;
  const char *rejected = NULL;
  const char *id;
  const char *p;
  gsize n;

  g_return_val_if_fail (line != NULL, NULL);

  /* Most lines are no delivery: they are told apart before anything is
   * allocated for them. */
  if (!has_time (line))
    return NULL;
  p = line + 20;
  /* With log_timezone, the time is followed by its offset. */
  if ((*p == '+' || *p == '-') && strlen (p) > 6 && p[5] == ' ')
    p += 6;

  n = id_length (p);
  id = p;
  if (n > 0)
    p += n + 1;

  if (g_str_has_prefix (p, "=> ") || g_str_has_prefix (p, "-> ") || g_str_has_prefix (p, "*> "))
    outcome = MESSAGERIE_DELIVERY_DELIVERED;
  else if (g_str_has_prefix (p, "== "))
    outcome = MESSAGERIE_DELIVERY_DEFERRED;
  else if (g_str_has_prefix (p, "** "))
    outcome = MESSAGERIE_DELIVERY_BOUNCED;
  else if ((rejected = strstr (p, " rejected ")) != NULL || g_str_has_prefix (p, "rejected "))
    outcome = MESSAGERIE_DELIVERY_REJECTED;
  else
    return NULL;

  delivery = g_new0 (MessagerieDelivery, 1);
  delivery->time = parse_time (line);
  if (delivery->time == NULL)
    return NULL;
  delivery->id = g_strndup (id, n);
  delivery->outcome = outcome;

  if (outcome == MESSAGERIE_DELIVERY_REJECTED)
    {
      const char *after = rejected != NULL ? rejected + strlen (" rejected ") : p + strlen ("rejected ");
      g_autofree char *before = rejected != NULL ? g_strndup (p, rejected - p) : g_strdup ("");
      const char *colon;

      delivery->outcome = MESSAGERIE_DELIVERY_REJECTED;
      /* H=name [address] F=<sender> rejected RCPT <recipient>: reason */
      parse_fields (before, &delivery->host, NULL, NULL, &reason);
      g_clear_pointer (&reason, g_free);
      if (g_str_has_prefix (after, "RCPT <"))
        {
          const char *close = strchr (after + 6, '>');

          if (close != NULL)
            {
              delivery->recipient = g_strndup (after + 6, close - after - 6);
              after = close + 1;
            }
        }
      colon = strstr (after, ": ");
      delivery->detail = g_strdup (colon ? colon + 2 : after);
      if (delivery->recipient == NULL)
        delivery->recipient = g_strdup ("");
      if (delivery->host == NULL)
        delivery->host = g_strdup ("");
      delivery->router = g_strdup ("");
      return g_steal_pointer (&delivery);
    }

  /* FLAG address [<parent>] fields: reason */
  p += 3;
  n = strcspn (p, " :");
  delivery->recipient = g_strndup (p, n);
  p += n;
  while (*p == ' ')
    p++;
  if (*p == '<')
    {
      const char *close = strchr (p, '>');

      /* The address the recipient was reached through: root, for an alias. */
      if (close != NULL)
        p = close + 1;
    }
  parse_fields (p, &delivery->host, &delivery->router, &confirmation, &reason);

  if (delivery->host == NULL)
    delivery->host = g_strdup ("");
  if (delivery->router == NULL)
    delivery->router = g_strdup ("");
  if (delivery->outcome == MESSAGERIE_DELIVERY_DELIVERED)
    delivery->detail = g_strdup (confirmation ? confirmation : "");
  else
    delivery->detail = g_steal_pointer (&reason);

  return g_steal_pointer (&delivery);
}

gboolean
messagerie_delivery_refuses_sender (const char *reason)
{
  g_return_val_if_fail (reason != NULL, FALSE);

  return strstr (reason, "after MAIL FROM") != NULL || strstr (reason, "sender") != NULL;
}

char *
messagerie_delivery_explain (const char *reason)
{
  const char *plain = NULL;

  g_return_val_if_fail (reason != NULL, NULL);

  if (*reason == '\0')
    return g_strdup ("");
  if (strstr (reason, "Connection refused") != NULL)
    plain = _("The gateway refuses the connection.");
  else if (strstr (reason, "retry time not reached") != NULL)
    plain = _("exim waits before trying the gateway again.");
  else if (strstr (reason, "timed out") != NULL)
    plain = _("The gateway does not answer.");
  else if (strstr (reason, "TLS") != NULL)
    plain = _("The secure connection (TLS) with the gateway failed.");
  else if (strstr (reason, "535") != NULL || strstr (reason, "authentication") != NULL)
    plain = _("The gateway refuses the login.");
  else if (messagerie_delivery_refuses_sender (reason))
    plain = _("The gateway refuses the sending address.");
  else if (strstr (reason, "after RCPT TO") != NULL)
    plain = _("The gateway refuses the recipient.");

  return plain ? g_strdup_printf ("%s (%s)", plain, reason) : g_strdup (reason);
}
