/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The services the settings turn on or off: SpamAssassin's spamd for the
 * anti-spam, Sympa for the mailing lists, Dovecot for POP/IMAP. Which are
 * installed (an init script or a systemd unit), and each one enabled and
 * started (restarted when the apply changed its configuration), or
 * disabled and stopped, through systemctl when systemd runs, else
 * update-rc.d and its init script. Only on the system itself, never under
 * --root. */

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "messagerie-command.h"
#include "messagerie-transaction-private.h"

#define UPDATE_RC_D "/usr/sbin/update-rc.d"

typedef struct {
  const char        *key;
  const char *const *names;
  /* For the warning when it is not installed. */
  const char        *what;
  /* Whether @settings want it to run. */
  gboolean         (*wanted) (MessagerieSettings *settings,
                              const char         *key);
  /* Its configuration Messagerie writes, NULL for none: when an apply
   * changed it, a running daemon must read it again. */
  const char        *config;
} Service;

/* A service that a boolean key turns on. */
static gboolean
wanted_by_boolean (MessagerieSettings *settings,
                   const char         *key)
{
  return messagerie_settings_get_boolean (settings, key);
}

/* A service that runs unless its key is "none". */
static gboolean
wanted_unless_none (MessagerieSettings *settings,
                    const char         *key)
{
  return !g_str_equal (messagerie_settings_get (settings, key), "none");
}

/* Debian 12 names SpamAssassin's daemon spamd; earlier releases called it
 * spamassassin. */
static const char *const spamd_names[] = { "spamd", "spamassassin", NULL };
static const char *const sympa_names[] = { "sympa", NULL };
static const char *const dovecot_names[] = { "dovecot", NULL };

static const Service services[] = {
  { "antispam", spamd_names, N_("The anti-spam service SpamAssassin (package spamd)"),
    wanted_by_boolean, NULL },
  { "mailing_lists", sympa_names, N_("The mailing list server Sympa (package sympa)"),
    wanted_by_boolean, MESSAGERIE_PATH_SYMPA_CONF },
  { "mail_server", dovecot_names, N_("The POP/IMAP server Dovecot (package dovecot-imapd or dovecot-pop3d)"),
    wanted_unless_none, MESSAGERIE_PATH_DOVECOT },
};

static const char *
installed_service (const Service *service,
                   gboolean       systemd)
{
  static const char *const unit_dirs[] = { "/etc/systemd/system", "/lib/systemd/system",
                                           "/usr/lib/systemd/system", NULL };

  for (guint i = 0; service->names[i]; i++)
    {
      g_autofree char *script = g_build_filename ("/etc/init.d", service->names[i], NULL);

      if (g_file_test (script, G_FILE_TEST_IS_EXECUTABLE))
        return service->names[i];

      for (guint d = 0; systemd && unit_dirs[d]; d++)
        {
          g_autofree char *unit = g_strdup_printf ("%s/%s.service", unit_dirs[d], service->names[i]);

          if (g_file_test (unit, G_FILE_TEST_EXISTS))
            return service->names[i];
        }
    }

  return NULL;
}

/* @restart: on, and its configuration changed: "start" would leave a
 * running daemon on the old one (Dovecot's protocols). */
static gboolean
set_service (const char  *name,
             gboolean     on,
             gboolean     restart,
             gboolean     systemd,
             GError     **error)
{
  g_autofree char *systemctl = messagerie_find_program ("systemctl");

  if (systemd && systemctl != NULL)
    {
      const char *argv[] = { systemctl, on ? "enable" : "disable", "--now", name, NULL };
      const char *again[] = { systemctl, "restart", name, NULL };

      return messagerie_command_run_checked (argv, error) &&
             (!restart || messagerie_command_run_checked (again, error));
    }
  else
    {
      g_autofree char *script = g_build_filename ("/etc/init.d", name, NULL);
      /* enable and disable only change the runlevel links, and fail when
       * there are none yet; defaults makes them, and does nothing when
       * they exist. */
      const char *defaults[] = { UPDATE_RC_D, name, "defaults", NULL };
      const char *enable[] = { UPDATE_RC_D, name, on ? "enable" : "disable", NULL };
      const char *start[] = { script, !on ? "stop" : restart ? "restart" : "start", NULL };

      return messagerie_command_run_checked (defaults, error) &&
             messagerie_command_run_checked (enable, error) &&
             messagerie_command_run_checked (start, error);
    }
}

gboolean
messagerie_services_apply (MessagerieTransaction  *t,
                           MessagerieSettings     *settings,
                           MessagerieDirection     direction,
                           const char            **failed_key,
                           GError                **error)
{
  gboolean forward = direction == MESSAGERIE_DIRECTION_FORWARD;
  gboolean systemd = messagerie_systemd_runs ();

  if (settings == NULL || !messagerie_settings_has_mail_server (settings))
    return TRUE;

  if (!t->system)
    {
      if (forward)
        messagerie_protocol_step ("services", _("Turning the services on or off: skipped under --root"));
      return TRUE;
    }

  if (forward)
    messagerie_protocol_step ("services", _("Turning the anti-spam, POP/IMAP and mailing list services on or off"));
  t->services_touched = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      const Service *service = &services[i];
      const char *name = installed_service (service, systemd);
      gboolean on = service->wanted (settings, service->key);
      gboolean restart = on && service->config != NULL && t->written_paths != NULL &&
                         g_hash_table_contains (t->written_paths, service->config);
      g_autoptr(GError) local_error = NULL;

      if (name == NULL)
        {
          if (on && forward)
            {
              g_autofree char *message = g_strdup_printf (_("%s is not installed: it cannot be turned on."),
                                                          _(service->what));

              messagerie_protocol_notice (service->key, message);
            }
          continue;
        }

      if (set_service (name, on, restart, systemd, &local_error))
        continue;

      if (forward)
        {
          *failed_key = service->key;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      messagerie_protocol_notice (service->key, local_error->message);
    }

  return TRUE;
}
