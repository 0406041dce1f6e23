/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The program messagerie: the application, run. */

#define G_LOG_DOMAIN "messagerie"

#include <locale.h>
#include <glib/gi18n.h>

#include "messagerie-core.h"
#include "messagerie-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MessagerieApplication) app = NULL;
  const char *dev_localedir;

  setlocale (LC_ALL, "");
  messagerie_core_init_i18n ();
  /* Development only: lets an uninstalled build find its catalogue. */
  dev_localedir = g_getenv ("MESSAGERIE_LOCALEDIR");
  if (dev_localedir != NULL && *dev_localedir != '\0')
    bindtextdomain (GETTEXT_PACKAGE, dev_localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = messagerie_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
