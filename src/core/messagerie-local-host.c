/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Whether a gateway is this machine, as exim sees it when it refuses a
 * smarthost as "the local host" (rule E6). */

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <string.h>

#include "messagerie-local-host.h"

/* The addresses of this machine's interfaces, read once: exim compares
 * the gateway's addresses with them (not with all of 127.0.0.0/8, so that
 * 127.0.0.2 is a remote host to it). Each is 16 bytes, IPv4 mapped. */
static GBytes *
interface_addresses (void)
{
  static gsize done = 0;
  static GBytes *addresses = NULL;

  if (g_once_init_enter (&done))
    {
      GByteArray *all = g_byte_array_new ();
      struct ifaddrs *list = NULL;

      if (getifaddrs (&list) == 0)
        {
          for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
            {
              guint8 address[16] = { 0 };

              if (i->ifa_addr == NULL)
                continue;
              if (i->ifa_addr->sa_family == AF_INET)
                {
                  address[10] = address[11] = 0xff;
                  memcpy (address + 12, &((struct sockaddr_in *) i->ifa_addr)->sin_addr, 4);
                }
              else if (i->ifa_addr->sa_family == AF_INET6)
                memcpy (address, &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr, 16);
              else
                continue;
              g_byte_array_append (all, address, sizeof address);
            }
          freeifaddrs (list);
        }
      addresses = g_byte_array_free_to_bytes (all);
      g_once_init_leave (&done, 1);
    }

  return addresses;
}

/* @text as 16 bytes, an IPv4 address mapped into IPv6. */
static gboolean
parse_ip (const char *text,
          guint8      address[16])
{
  memset (address, 0, 16);
  if (inet_pton (AF_INET6, text, address) == 1)
    return TRUE;
  address[10] = address[11] = 0xff;
  return inet_pton (AF_INET, text, address + 12) == 1;
}

/* Whether exim would refuse @host as "the local host": the loopback and
 * unspecified addresses, this machine's interface addresses, localhost and
 * this server's own names. */
gboolean
messagerie_is_local_host (MessagerieSettings *settings,
                          const char         *host)
{
  static const guint8 loopback4[16] = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 };
  static const guint8 loopback6[16] = { [15] = 1 };
  static const guint8 any4[16] = { [10] = 0xff, [11] = 0xff };
  static const guint8 any6[16] = { 0 };
  guint8 address[16];
  g_autofree char *lower = g_ascii_strdown (host, -1);
  g_autofree char *server = messagerie_settings_dup_server_name (settings);
  const char *machine = messagerie_settings_get (settings, "machine_name");
  const char *system = g_get_host_name ();
  g_autofree char *system_short = g_strndup (system, strcspn (system, "."));

  if (parse_ip (host, address))
    {
      const guint8 *ours;
      gsize size;

      if (memcmp (address, loopback4, 16) == 0 || memcmp (address, loopback6, 16) == 0 ||
          memcmp (address, any4, 16) == 0 || memcmp (address, any6, 16) == 0)
        return TRUE;
      ours = g_bytes_get_data (interface_addresses (), &size);
      for (gsize i = 0; i + 16 <= size; i += 16)
        if (memcmp (address, ours + i, 16) == 0)
          return TRUE;
      return FALSE;
    }

  if (g_str_equal (lower, "localhost") || g_str_has_suffix (lower, ".localhost") ||
      g_str_equal (lower, "localhost.localdomain"))
    return TRUE;

  return (*machine != '\0' && g_ascii_strcasecmp (host, machine) == 0) ||
         (*server != '\0' && g_ascii_strcasecmp (host, server) == 0) ||
         g_ascii_strcasecmp (host, system) == 0 ||
         g_ascii_strcasecmp (host, system_short) == 0;
}
