/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The rules of SPEC §4: for each key in use, its errors (E1…E13) and
 * warnings (W1…W5), as findings. */

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libpsl.h>

#include "messagerie-local-host.h"
#include "messagerie-rules.h"
#include "messagerie-syntax.h"

/* The ranges of SPEC §4. */
#define MAX_SENDER_NAME_LENGTH  64
#define MAX_MESSAGE_SIZE_MB     2048
#define MAX_MAILBOX_QUOTA_MB    1048576
#define MAX_PORT                65535
#define MAX_SPAM_SCORE_TENTHS   1000

typedef struct {
  MessagerieSettings *settings;
  GPtrArray          *findings;
  gboolean            relaying;
  gboolean            authenticating;
  /* Set when the key being checked got its error: warnings then stay
   * quiet, and no second error is added. */
  gboolean            key_has_error;
} Validation;

typedef void (*KeyCheck) (Validation *v,
                          const char *key,
                          const char *value);

static void
add_finding (Validation         *v,
             const char         *key,
             const char         *rule,
             MessagerieSeverity  severity,
             char               *message)
{
  g_ptr_array_add (v->findings, messagerie_finding_new (key, rule, severity, message));
  g_free (message);
}

static void
add_error (Validation *v,
           const char *key,
           const char *rule,
           const char *message)
{
  if (v->key_has_error)
    return;
  add_finding (v, key, rule, MESSAGERIE_SEVERITY_ERROR, g_strdup (message));
  v->key_has_error = TRUE;
}

static void
add_warning (Validation *v,
             const char *key,
             const char *rule,
             char       *message)
{
  if (v->key_has_error)
    {
      g_free (message);
      return;
    }
  add_finding (v, key, rule, MESSAGERIE_SEVERITY_WARNING, message);
}

/* E10 */
static void
check_boolean (Validation *v,
               const char *key,
               const char *value)
{
  g_autofree char *message = NULL;

  if (g_str_equal (value, "true") || g_str_equal (value, "false"))
    return;

  message = g_strdup_printf (_("The setting “%s” must be “true” or “false”."), key);
  add_error (v, key, "E10", message);
}

/* E10 */
static void
check_enum (Validation          *v,
            const MessagerieKey *info,
            const char          *value)
{
  g_autofree char *choices = NULL;
  g_autofree char *message = NULL;

  if (g_strv_contains (info->choices, value))
    return;

  choices = g_strjoinv (", ", (char **) info->choices);
  message = g_strdup_printf (_("The setting “%s” must be one of: %s."), info->name, choices);
  add_error (v, info->name, "E10", message);
}

static const char *
domain_message (DomainProblem problem)
{
  switch (problem)
    {
    case DOMAIN_EMPTY:
      return _("Enter the mail domain of the school, such as monetab.ac-aca.fr.");
    case DOMAIN_NON_ASCII:
      return _("The mail domain must be written without accents: enter the xn-- form of an accented name, such as xn--lyce-dpa.fr for lycée.fr.");
    case DOMAIN_EMPTY_LABEL:
      return _("The mail domain must not start or end with a dot, nor contain two dots in a row.");
    case DOMAIN_TOO_LONG:
      return _("The mail domain is too long: 253 characters at most.");
    case DOMAIN_LABEL_TOO_LONG:
      return _("Each part of the mail domain, between the dots, must be 63 characters at most.");
    case DOMAIN_HYPHEN:
      return _("The parts of the mail domain, between the dots, must not start or end with a hyphen.");
    case DOMAIN_ONE_LABEL:
      return _("The mail domain must contain at least two labels separated by dots, such as monetab.ac-aca.fr.");
    case DOMAIN_NUMERIC:
      return _("The mail domain must end with a name such as .fr, not a number: an IP address cannot be a mail domain.");
    case DOMAIN_BAD_CHAR:
    case DOMAIN_OK:
    default:
      return _("The mail domain may contain only letters, digits, hyphens and dots, without spaces, such as monetab.ac-aca.fr.");
    }
}

/* E1, E2 */
static void
check_mail_domain (Validation *v,
                   const char *key,
                   const char *value)
{
  DomainProblem problem = messagerie_check_domain (value, 2);
  g_autofree char *first = NULL;
  g_auto(GStrv) containers = NULL;
  const char *machine;

  if (problem != DOMAIN_OK)
    {
      add_error (v, key, "E1", domain_message (problem));
      return;
    }

  /* exim's configuration on these servers rewrites mail to
   * @<container>.* as system mail, sent on to root's address. */
  first = g_strndup (value, strcspn (value, "."));
  machine = messagerie_settings_get (v->settings, "machine_name");
  if (g_ascii_strcasecmp (first, machine) == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("The mail domain cannot start with “%s”, the name of this machine: mail to that domain would be taken for system mail and sent to root's sending address. Choose another domain, such as monetab.ac-aca.fr."),
                         first);
      add_error (v, key, "E2", message);
      return;
    }

  containers = messagerie_settings_get_containers (v->settings);
  for (guint i = 0; containers[i] != NULL; i++)
    if (g_ascii_strcasecmp (first, containers[i]) == 0)
      {
        g_autofree char *message =
          g_strdup_printf (_("The mail domain cannot start with “%s”, the name of a container of this server: mail to that domain would be taken for system mail and sent to root's sending address. Choose another domain, such as monetab.ac-aca.fr."),
                           first);
        add_error (v, key, "E2", message);
        return;
      }
}

static const char *
address_message (const char     *key,
                 AddressProblem  problem)
{
  gboolean sender = g_str_equal (key, "root_sender");

  switch (problem)
    {
    case ADDRESS_EMPTY:
      return sender
        ? _("Enter the address used to send root's mail, such as admin@monetab.ac-aca.fr.")
        : _("Enter the address that receives root's mail, such as admin@monetab.ac-aca.fr.");
    case ADDRESS_NOT_SINGLE:
      return sender
        ? _("The sending address for root must be a single address, without a name, angle brackets or a second address, such as admin@monetab.ac-aca.fr.")
        : _("The address receiving root's mail must be a single address, without a name, angle brackets or a second address, such as admin@monetab.ac-aca.fr.");
    case ADDRESS_NON_ASCII:
      return sender
        ? _("The sending address for root must be written without accents: enter the xn-- form of an accented domain.")
        : _("The address receiving root's mail must be written without accents: enter the xn-- form of an accented domain.");
    case ADDRESS_TOO_LONG:
      return sender
        ? _("The sending address for root is too long: 64 characters at most before the @, and 254 in all.")
        : _("The address receiving root's mail is too long: 64 characters at most before the @, and 254 in all.");
    case ADDRESS_BAD_DOMAIN:
      return sender
        ? _("The domain after the @ of the sending address for root is not valid: enter a domain such as monetab.ac-aca.fr, or an IP address in brackets such as [192.0.2.1].")
        : _("The domain after the @ of the address receiving root's mail is not valid: enter a domain such as monetab.ac-aca.fr, or an IP address in brackets such as [192.0.2.1].");
    case ADDRESS_ALIAS_SPECIAL:
      return _("The address receiving root's mail cannot start with “#”, “|” or “/”: /etc/aliases would read it as a comment, a command or a file. Enter an ordinary address, such as admin@monetab.ac-aca.fr.");
    case ADDRESS_INVALID:
    case ADDRESS_OK:
    default:
      return sender
        ? _("The sending address for root is not valid: enter it as name@domain, without spaces, such as admin@monetab.ac-aca.fr.")
        : _("The address receiving root's mail is not valid: enter it as name@domain, without spaces, such as admin@monetab.ac-aca.fr.");
    }
}

/* E3 */
static void
check_address_key (Validation *v,
                   const char *key,
                   const char *value)
{
  AddressProblem problem = messagerie_check_address (value);

  /* root_recipient becomes the root: entry of /etc/aliases, where exim
   * reads an item starting with "#" as a comment, "|" as a command to run
   * and "/" as a file to append to, all valid atext in an address. */
  if (problem == ADDRESS_OK && g_str_equal (key, "root_recipient") &&
      strchr ("#|/", *value) != NULL)
    problem = ADDRESS_ALIAS_SPECIAL;

  if (problem != ADDRESS_OK)
    add_error (v, key, "E3", address_message (key, problem));
}

/* E4 */
static void
check_sender_name (Validation *v,
                   const char *key,
                   const char *value)
{
  if (!messagerie_is_text (value))
    add_error (v, key, "E4",
               _("The sender name for root must not contain line breaks, tabs or other control characters."));
  else if (g_utf8_strlen (value, -1) > MAX_SENDER_NAME_LENGTH)
    add_error (v, key, "E4",
               _("The sender name for root is too long: 64 characters at most."));
}

/* E5 */
static void
check_message_size (Validation *v,
                    const char *key,
                    const char *value)
{
  guint64 size;

  if (!messagerie_parse_uint (value, MAX_MESSAGE_SIZE_MB, &size) || size < 1)
    add_error (v, key, "E5",
               _("The maximum message size must be a whole number of megabytes from 1 to 2048."));
}

/* E5 */
static void
check_quota (Validation *v,
             const char *key,
             const char *value)
{
  if (!messagerie_parse_uint (value, MAX_MAILBOX_QUOTA_MB, NULL))
    add_error (v, key, "E5",
               _("The mailbox quota must be a whole number of megabytes from 0 (no quota) to 1048576."));
}

static const char *
host_message (HostProblem problem)
{
  switch (problem)
    {
    case HOST_EMPTY:
      return _("Enter the SMTP gateway: its IP address or its DNS name, such as smtp.ac-aca.fr.");
    case HOST_SPACE:
      return _("The SMTP gateway must not contain spaces, tabs, line breaks or other control characters.");
    case HOST_URL:
      return _("Enter only the name or the IP address of the SMTP gateway, not a URL: the port has its own option, with TLS (SSL).");
    case HOST_PORT:
      return _("Enter the SMTP gateway without a port: the port has its own option, with TLS (SSL).");
    case HOST_BRACKETS:
      return _("Enter the SMTP gateway without brackets, such as 2001:db8::25 for an IPv6 address.");
    case HOST_BAD_IPV6:
      return _("The SMTP gateway is not a valid IPv6 address: enter it without brackets, port or zone, such as 2001:db8::25.");
    case HOST_NON_ASCII:
      return _("The name of the SMTP gateway must be written without accents: enter its xn-- form.");
    case HOST_TOO_LONG:
      return _("The name of the SMTP gateway is too long: 253 characters at most.");
    case HOST_NUMERIC:
      return _("The SMTP gateway is not a valid IPv4 address, such as 192.0.2.25, and a DNS name cannot end with a number.");
    case HOST_INVALID:
    case HOST_OK:
    default:
      return _("The SMTP gateway must be an IP address or a DNS name whose parts between dots have 1 to 63 letters, digits or hyphens, without a hyphen at either end.");
    }
}

/* E12: SpamAssassin's scores, from 0.1 to 100 with one decimal at most;
 * spam is refused from a higher score than the one it is marked from. */
static void
check_spam_score (Validation *v,
                  const char *key,
                  const char *value)
{
  guint score = 0;
  guint flag = 0;

  if (!messagerie_parse_score (value, MAX_SPAM_SCORE_TENTHS, &score) || score == 0)
    {
      add_error (v, key, "E12",
                 g_str_equal (key, "spam_flag_score")
                 ? _("The score from which a message is marked as spam must be a number from 0.1 to 100, with one decimal at most, such as 5.0.")
                 : _("The score from which a message is refused as spam must be a number from 0.1 to 100, with one decimal at most, such as 12.0."));
      return;
    }

  if (g_str_equal (key, "spam_reject_score") &&
      messagerie_parse_score (messagerie_settings_get (v->settings, "spam_flag_score"),
                              MAX_SPAM_SCORE_TENTHS, &flag) &&
      score <= flag)
    add_error (v, key, "E12",
               _("The score from which a message is refused as spam must be higher than the one from which it is marked as spam."));
}

/* E6 */
static void
check_relay_host (Validation *v,
                  const char *key,
                  const char *value)
{
  HostProblem problem;

  problem = messagerie_check_host (value);
  if (problem != HOST_OK)
    add_error (v, key, "E6", host_message (problem));
  else if (messagerie_is_local_host (v->settings, value))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is this server itself: exim refuses to relay to the local host, since the mail would come back to it. Enter the address or the name of the SMTP gateway of the establishment or of the academy."),
                         value);
      add_error (v, key, "E6", message);
    }
}

/* E7 */
static void
check_relay_port (Validation *v,
                  const char *key,
                  const char *value)
{
  guint64 port;

  if (!messagerie_parse_uint (value, MAX_PORT, &port) || port < 1)
    add_error (v, key, "E7",
               _("Enter the port of the SMTP gateway, a whole number from 1 to 65535."));
}

/* E8 */
static void
check_relay_user (Validation *v,
                  const char *key,
                  const char *value)
{
  /* The colon separates the fields of exim's passwd.client. */
  if (*value == '\0')
    add_error (v, key, "E8",
               _("Enter the login for the SMTP gateway, or turn authentication off."));
  else if (!messagerie_is_text (value) || strchr (value, ':') != NULL)
    add_error (v, key, "E8",
               _("The login for the SMTP gateway must not contain a colon, a line break or another control character."));
}

/* E9 */
static void
check_password (Validation *v)
{
  const char *password = messagerie_settings_get_password (v->settings);

  if (password == NULL || !messagerie_settings_in_use (v->settings, "password"))
    return;

  /* The password is the rest of its passwd.client line, so a colon is
   * fine there, but a line break would start a line of its own. */
  if (*password == '\0')
    add_error (v, "password", "E9",
               _("Enter the password for the SMTP gateway: it cannot be empty."));
  else if (!messagerie_is_text (password))
    add_error (v, "password", "E9",
               _("The password for the SMTP gateway must not contain a line break, a tab or another control character."));
}

/* W1 */
static void
warn_upload_limit (Validation *v,
                   const char *key,
                   const char *value)
{
  const char *webmail = messagerie_settings_get (v->settings, "webmail");
  const char *upload = messagerie_settings_get (v->settings, "apache_upload_max_mb");
  guint64 size, limit;

  if (!g_str_equal (webmail, "roundcube") ||
      !messagerie_parse_uint (value, MAX_MESSAGE_SIZE_MB, &size) ||
      !messagerie_parse_uint (upload, G_MAXUINT32, &limit) ||
      size <= limit)
    return;

  add_warning (v, key, "W1",
               g_strdup_printf (_("The maximum message size exceeds Apache's upload limit of %u MB, so Roundcube users could not attach files that large. Keep it within that limit."),
                                (guint) limit));
}

/* W2 */
static void
warn_clear_text_password (Validation *v,
                          const char *key,
                          const char *value)
{
  if (!v->authenticating || !g_str_equal (value, "no"))
    return;

  add_warning (v, key, "W2",
               g_strdup (_("Without TLS, the password for the SMTP gateway travels in clear text. Choose a TLS option if the gateway supports it.")));
}

static const psl_ctx_t *
public_suffix_list (void)
{
  static const psl_ctx_t *psl = NULL;

  if (g_once_init_enter (&psl))
    {
      /* The publicsuffix package follows the registries; the copy built
       * into libpsl is as old as the library. Loaded once, kept for the
       * life of the process. */
      const psl_ctx_t *latest = psl_latest (NULL);

      g_once_init_leave (&psl, latest ? latest : psl_builtin ());
    }
  return psl;
}

/* The registrable domain ("ac-aca.fr" for "smtp.ac-aca.fr"), lower case;
 * the name itself when it is a public suffix or the list knows nothing. */
static char *
registrable_domain (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  const psl_ctx_t *psl = public_suffix_list ();
  const char *registrable = psl ? psl_registrable_domain (psl, lower) : NULL;

  return g_strdup (registrable ? registrable : lower);
}

/* W3 */
static void
warn_sender_domain (Validation *v,
                    const char *key,
                    const char *value)
{
  const char *host = messagerie_settings_get (v->settings, "relay_host");
  const char *domain = strrchr (value, '@');
  g_autofree char *sender_registrable = NULL;
  g_autofree char *host_registrable = NULL;

  /* A gateway given by address, or a single-label name inside the
   * network, says nothing about which domain it serves; nor does this
   * server's own name, already an error. */
  if (!v->relaying || domain == NULL || domain[1] == '[' ||
      messagerie_check_host (host) != HOST_OK || messagerie_is_ip_address (host) ||
      strchr (host, '.') == NULL || messagerie_is_local_host (v->settings, host))
    return;

  sender_registrable = registrable_domain (domain + 1);
  host_registrable = registrable_domain (host);
  if (g_str_equal (sender_registrable, host_registrable))
    return;

  add_warning (v, key, "W3",
               g_strdup_printf (_("The sending address for root is not in the domain of the SMTP gateway (%s): some gateways only accept addresses of their own domain."),
                                host_registrable));
}

/* W4 */
static void
warn_standard_port (Validation *v,
                    const char *key,
                    const char *value)
{
  guint64 port;

  if (!messagerie_parse_uint (value, MAX_PORT, &port) ||
      (port != 25 && port != 465 && port != 587))
    return;

  add_warning (v, key, "W4",
               g_strdup_printf (_("Port %u is one of the TLS (SSL) choices of the SMTP gateway: choose “port %u” there instead."),
                                (guint) port, (guint) port));
}

/* W5 */
static void
warn_small_quota (Validation *v,
                  const char *key,
                  const char *value)
{
  const char *size_text = messagerie_settings_get (v->settings, "max_message_size_mb");
  guint64 quota, size;

  if (!messagerie_parse_uint (value, MAX_MAILBOX_QUOTA_MB, &quota) ||
      !messagerie_parse_uint (size_text, MAX_MESSAGE_SIZE_MB, &size) ||
      quota == 0 || quota >= size)
    return;

  add_warning (v, key, "W5",
               g_strdup (_("The mailbox quota is smaller than the maximum message size: a message of the maximum size could never be delivered. Raise the quota or lower the size.")));
}

/* E11: every value is written to the settings file, the [general] ones
 * and those of hidden rows included, which no other rule judges: none may
 * carry a control character there. */
static void
check_written_text (Validation *v,
                    const char *key,
                    const char *value)
{
  g_autofree char *message = NULL;

  if (v->key_has_error || !messagerie_has_control_char (value))
    return;

  message = g_strdup_printf (_("The setting “%s” must not contain a line break, a tab or another control character."),
                             key);
  add_error (v, key, "E11", message);
}

static const struct {
  const char *key;
  KeyCheck    errors;
  KeyCheck    warnings;
} key_checks[] = {
  { "mail_domain", check_mail_domain, NULL },
  { "root_sender", check_address_key, warn_sender_domain },
  { "root_sender_name", check_sender_name, NULL },
  { "root_recipient", check_address_key, NULL },
  { "max_message_size_mb", check_message_size, warn_upload_limit },
  { "mailbox_quota_mb", check_quota, warn_small_quota },
  { "spam_flag_score", check_spam_score, NULL },
  { "spam_reject_score", check_spam_score, NULL },
  { "relay_host", check_relay_host, NULL },
  { "relay_tls", NULL, warn_clear_text_password },
  { "relay_port", check_relay_port, warn_standard_port },
  { "relay_user", check_relay_user, NULL },
};

GPtrArray *
messagerie_validate (MessagerieSettings *settings)
{
  g_autoptr(GPtrArray) findings =
    g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_finding_free);
  Validation v = { settings, findings };
  const MessagerieKey *keys;
  guint n_keys;

  g_return_val_if_fail (MESSAGERIE_IS_SETTINGS (settings), g_steal_pointer (&findings));

  /* Anything but "true" is off: an invalid switch gets its E10 and the
   * rules that hang on it stay quiet rather than pile up. */
  v.relaying = messagerie_settings_get_boolean (settings, "relay_enabled");
  v.authenticating = v.relaying && messagerie_settings_get_boolean (settings, "relay_auth");

  keys = messagerie_settings_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *value = messagerie_settings_get (settings, keys[i].name);

      v.key_has_error = FALSE;

      /* Whether in use or not, a switch or a choice is written as it is:
       * it must be one the readers of the file know. */
      if (keys[i].type == MESSAGERIE_KEY_BOOLEAN)
        check_boolean (&v, keys[i].name, value);
      else if (keys[i].type == MESSAGERIE_KEY_ENUM)
        check_enum (&v, &keys[i], value);

      /* The value of a hidden row is not judged, nor written to exim's
       * files. */
      if (keys[i].in_use == NULL || keys[i].in_use (settings))
        for (guint j = 0; j < G_N_ELEMENTS (key_checks); j++)
          {
            if (!g_str_equal (key_checks[j].key, keys[i].name))
              continue;
            if (key_checks[j].errors != NULL)
              key_checks[j].errors (&v, keys[i].name, value);
            if (key_checks[j].warnings != NULL && !v.key_has_error)
              key_checks[j].warnings (&v, keys[i].name, value);
          }

      check_written_text (&v, keys[i].name, value);
    }

  v.key_has_error = FALSE;
  check_password (&v);

  return g_steal_pointer (&findings);
}

gboolean
messagerie_findings_have_error (GPtrArray *findings)
{
  g_return_val_if_fail (findings != NULL, FALSE);

  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == MESSAGERIE_SEVERITY_ERROR)
        return TRUE;
    }
  return FALSE;
}
