/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What « Détecter » found, said in a dialog: each TLS choice tried, whether
 * it reaches the gateway and what the gateway showed, and the choice to
 * use, offered as a response. */

#define G_LOG_DOMAIN "messagerie"

#include <glib/gi18n.h>

#include "messagerie-detect-dialog.h"

/* The words of a relay_tls value, as the TLS row shows it. */
static const char *
tls_choice_label (const char *tls)
{
  if (g_str_equal (tls, "port-465"))
    return _("port 465");
  if (g_str_equal (tls, "port-587"))
    return _("port 587");
  if (g_str_equal (tls, "port-25"))
    return _("port 25");
  return _("no");
}

GtkWidget *
messagerie_detect_dialog_new (GtkWindow  *parent,
                              GPtrArray  *attempts,
                              const char *proposal)
{
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  for (guint i = 0; i < attempts->len; i++)
    {
      MessagerieDetectAttempt *a = g_ptr_array_index (attempts, i);
      MessagerieProbeResult *r = a->result;

      if (body->len > 0)
        g_string_append (body, "\n\n");
      /* Translators: a TLS choice, then whether it works and why. */
      g_string_append_printf (body, _("%s: %s"), tls_choice_label (a->tls),
                              messagerie_detect_reached (r) ? _("works") : _("does not work"));
      if (r->tls_version != NULL)
        g_string_append_printf (body, " — %s", r->tls_version);
      if (r->certificate_name != NULL)
        /* Translators: the names a certificate is for. */
        g_string_append_printf (body, _(", certificate for %s"), r->certificate_name);
      if (r->auth_offered != NULL)
        /* Translators: login methods, "PLAIN LOGIN". */
        g_string_append_printf (body, _(", login methods %s"), r->auth_offered);
      if (!messagerie_detect_reached (r))
        g_string_append_printf (body, "\n%s", r->message);
    }

  dialog = adw_message_dialog_new (parent,
                                   proposal ? _("A TLS choice reaches the gateway")
                                            : _("No TLS choice reaches the gateway"),
                                   body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  if (proposal != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("_Use “%s”"), tls_choice_label (proposal));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "use", label);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "use");
      /* A relay_tls value of the core's, which lives as long as the program. */
      g_object_set_data (G_OBJECT (dialog), "proposal", (gpointer) proposal);
    }

  return dialog;
}

const char *
messagerie_detect_dialog_get_proposal (AdwMessageDialog *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "proposal");
}
