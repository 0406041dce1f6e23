/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Whether the installed exim can do what the settings ask: its build's
 * features, as "exim4 -bV" lists them on its "Support for:" line. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-command.h"
#include "messagerie-exim-features.h"

/* Whether @feature is on the "Support for:" line of @version_output. */
static gboolean
supports (const char *version_output,
          const char *feature)
{
  g_auto(GStrv) lines = g_strsplit (version_output, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (lines[i], "Support for:"))
        continue;
      words = g_strsplit_set (lines[i] + strlen ("Support for:"), " \t", -1);
      return g_strv_contains ((const char *const *) words, feature);
    }
  return FALSE;
}

MessagerieFinding *
messagerie_exim_missing_feature (MessagerieSettings *settings,
                                 const char         *exim)
{
  /* An empty configuration: the binary's features, whatever is in /etc. */
  const char *argv[] = { exim, "-C", "/dev/null", "-bV", NULL };
  g_auto(MessagerieCommand) command = { 0 };

  if (!messagerie_settings_in_use (settings, "antispam") ||
      !messagerie_settings_get_boolean (settings, "antispam"))
    return NULL;

  /* exim missing altogether is the check step's to say. */
  if (!messagerie_command_run (argv, NULL, &command, NULL) || command.status != 0 ||
      supports (command.out, "Content_Scanning"))
    return NULL;

  return messagerie_finding_new ("antispam", "E13", MESSAGERIE_SEVERITY_ERROR,
                                 _("The anti-spam needs an exim built with content scanning, which exim4-daemon-light is not: install the package exim4-daemon-heavy (apt install exim4-daemon-heavy), or turn the anti-spam off."));
}
