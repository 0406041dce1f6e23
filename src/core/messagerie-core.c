/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What every entry point of the core shares: the gettext domain, and
 * times written for people. */

#include <glib/gi18n-lib.h>

#include "messagerie-core.h"

void
messagerie_core_init_i18n (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&once, 1);
    }
}

char *
messagerie_format_time (const char *iso8601)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (iso8601, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return g_strdup (iso8601);

  local = g_date_time_to_local (date);
  /* TRANSLATORS: a date for g_date_time_format (), as in "27 November 2026 at 18:30" */
  return g_date_time_format (local, _("%-d %B %Y at %H:%M"));
}
