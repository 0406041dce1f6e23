/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: prints what the page « Services » would say of this machine
 * (src/core/messagerie-service-state.c on "/"), one line a service, for
 * tests/test-lists.sh to check against the real daemons:
 *
 *   KEY installed|missing running|stopped
 *
 * Usage: service-states MAIL_SERVER (none, pop, imap, pop-imap). */

#include "messagerie-core.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) states = NULL;

  if (argc != 2)
    {
      g_printerr ("Usage: %s MAIL_SERVER\n", argv[0]);
      return 2;
    }

  states = messagerie_service_states_read ("/", argv[1]);
  for (guint i = 0; i < states->len; i++)
    {
      const MessagerieServiceState *state = g_ptr_array_index (states, i);

      g_print ("%s %s %s\n", state->key, state->installed ? "installed" : "missing",
               state->running ? "running" : "stopped");
    }
  return 0;
}
