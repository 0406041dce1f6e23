/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Whether the installed exim can do what the settings ask: its build's
 * features, as "exim4 -bV" lists them on its "Support for:" line.
 *
 * That line is kept in /run/messagerie/exim-features (under the root) with
 * what identifies the binary — device, inode, size, modification and
 * change times: the next apply reads it instead of starting exim once more
 * (about 15 ms of each apply with the anti-spam on), until the binary
 * changes (an upgrade, exim4-daemon-heavy installed for -light). It is a
 * cache, not configuration: in /run, so that an apply refused for its
 * settings changes nothing that lasts, and a reboot asks exim again. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "messagerie-command.h"
#include "messagerie-exim-features.h"
#include "messagerie-files.h"

#define PATH_FEATURES "/run/messagerie/exim-features"

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

/* What identifies the binary @exim: its first line in the cache; NULL
 * when it cannot be read. */
static char *
binary_identity (const char *exim)
{
  g_autofree char *path = realpath (exim, NULL);
  struct stat st;

  if (path == NULL || stat (path, &st) < 0)
    return NULL;
  return g_strdup_printf ("%s %ju %ju %jd %jd.%09ld %jd.%09ld", path, (uintmax_t) st.st_dev,
                          (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                          (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                          (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

/* The "Support for:" line of @exim, from the cache under @root_fd when it
 * is the same binary's, else from exim (and then kept); NULL when exim
 * cannot tell. */
static char *
support_line (int         root_fd,
              const char *exim)
{
  const char *argv[] = { exim, "-C", "/dev/null", "-bV", NULL };
  g_auto(MessagerieCommand) command = { 0 };
  g_autofree char *identity = binary_identity (exim);
  g_autoptr(MessagerieFileState) cached = NULL;
  g_auto(GStrv) lines = NULL;

  if (identity != NULL && root_fd >= 0)
    cached = messagerie_file_read (root_fd, PATH_FEATURES, NULL);
  if (cached != NULL && cached->exists)
    {
      g_auto(GStrv) kept = g_strsplit (cached->data, "\n", 3);

      if (kept[0] != NULL && kept[1] != NULL && g_str_equal (kept[0], identity)
          && g_str_has_prefix (kept[1], "Support for:"))
        return g_strdup (kept[1]);
    }

  /* An empty configuration: the binary's features, whatever is in /etc. */
  if (!messagerie_command_run (argv, NULL, &command, NULL) || command.status != 0)
    return NULL;

  lines = g_strsplit (command.out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "Support for:"))
      {
        /* Kept for the next run; a failure to keep it costs only time. */
        if (identity != NULL && root_fd >= 0)
          {
            g_autofree char *data = g_strdup_printf ("%s\n%s\n", identity, lines[i]);

            messagerie_file_write (root_fd, PATH_FEATURES, data, strlen (data), 0644,
                                   FALSE, 0, 0, 0755, NULL);
          }
        return g_strdup (lines[i]);
      }
  return g_strdup ("Support for:");
}

MessagerieFinding *
messagerie_exim_missing_feature (MessagerieSettings *settings,
                                 const char         *exim,
                                 const char         *root)
{
  g_auto(MessagerieFd) root_fd = -1;
  g_autofree char *line = NULL;

  if (!messagerie_settings_in_use (settings, "antispam") ||
      !messagerie_settings_get_boolean (settings, "antispam"))
    return NULL;

  root_fd = messagerie_root_open (root ? root : "/", NULL);
  line = support_line (root_fd, exim);
  /* exim missing altogether is the check step's to say. */
  if (line == NULL || supports (line, "Content_Scanning"))
    return NULL;

  return messagerie_finding_new ("antispam", "E13", MESSAGERIE_SEVERITY_ERROR,
                                 _("The anti-spam needs an exim built with content scanning, which exim4-daemon-light is not: install the package exim4-daemon-heavy (apt install exim4-daemon-heavy), or turn the anti-spam off."));
}
