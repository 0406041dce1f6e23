/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The order in which a transaction renames its files into place.
 *
 * exim reads passwd.client at delivery time and looks up the gateway it
 * connects to ($host, from dc_smarthost in update-exim4.conf.conf): the
 * exact line first, else the catch-all "*" line. A kill or a power loss can
 * stop the renames after any of them, and exim's init script then
 * generates a configuration from the files as they are. With the gateway
 * moving from A (password PA) to B (PB):
 *
 *   - the gateway file first, passwd.client still old: "*" sends PA to B;
 *   - passwd.client first, the gateway still A: "*" sends PB to A.
 *
 * So passwd.client goes through an interim version, which holds neither
 * Messagerie's lines nor any pattern line, only the administrator's lines
 * for other hosts: safe under A and under B, because it sends no password
 * to either. The order is
 *
 *   1. passwd.client's interim version (or its removal, which is as safe);
 *   2. every other file, the gateway's and the macros (TLS, clear-text
 *      passwords) among them, while no gateway password is in force;
 *   3. passwd.client's final version, once the gateway is the new one.
 *
 * Every prefix is then: all old; old passwords off; the interim under old
 * or new gateway files; all new. A rollback or a recovery goes back the
 * same way (the interim first, passwd.client last), see
 * messagerie-transaction.c. */

#include "messagerie-core.h"
#include "messagerie-order.h"

GArray *
messagerie_rename_order (GPtrArray      *paths,
                         const gboolean *removes,
                         gboolean       *interim)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (MessagerieRename));
  gint passwd = -1;

  for (guint i = 0; i < paths->len; i++)
    if (g_str_equal (g_ptr_array_index (paths, i), MESSAGERIE_PATH_PASSWD_CLIENT))
      passwd = (gint) i;

  /* Alone, passwd.client has nothing to be out of step with. */
  *interim = passwd >= 0 && !removes[passwd] && paths->len > 1;

  if (passwd >= 0 && (removes[passwd] || *interim))
    {
      MessagerieRename first = { (guint) passwd, *interim };

      g_array_append_val (order, first);
    }

  for (guint i = 0; i < paths->len; i++)
    if ((gint) i != passwd)
      {
        MessagerieRename rename = { i, FALSE };

        g_array_append_val (order, rename);
      }

  if (passwd >= 0 && !removes[passwd])
    {
      MessagerieRename last = { (guint) passwd, FALSE };

      g_array_append_val (order, last);
    }

  return order;
}
