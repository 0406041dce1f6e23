/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What the services of a module with a mail server need outside exim's
 * macros: Dovecot's fragment, exim's router and transport that hand local
 * mail to Dovecot's delivery agent and list mail to Sympa, and Sympa's
 * domain.
 *
 * Debian's template has no macro that adds a router or a transport
 * (LOCAL_DELIVERY only names one that exists), so they are written where
 * update-exim4.conf reads them and where neither dpkg-reconfigure nor the
 * exim4-config upgrade (postinst configure) writes: with the split
 * configuration, files of Messagerie's own under conf.d/router and
 * conf.d/transport, which no package owns; without, a block in each section
 * of /etc/exim4/exim4.conf.template, marked, rewritten whole at each apply
 * and taken out when nothing needs it (the template is then the same bytes
 * as before: no conffile question at the next upgrade). Everything that
 * names Messagerie's transport is in the same file as the transport, so
 * that a template replaced by the package's (an upgrade answered "install
 * the maintainer's version") leaves Debian's own working configuration,
 * never a router naming a transport that is gone. */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-render.h"
#include "messagerie-render-private.h"
#include "messagerie-render-services.h"

#define BLOCK_BEGIN "# BEGIN Messagerie: written by the Messagerie application, edit it there"
#define BLOCK_END   "# END Messagerie"

/* Where each block goes in the non-split template: the routers before
 * Debian's first router of local domains (real_local, then system_aliases:
 * the lists must be routed before /etc/aliases), the transport first in its
 * section. */
#define TEMPLATE_ROUTER_ANCHOR    "real_local:"
#define TEMPLATE_TRANSPORT_ANCHOR "begin transports"

/* Dovecot's delivery agent. Run as the local user (the router's
 * check_local_user), without -d: it then needs neither Dovecot's daemon nor
 * its authentication socket. -e: a message it refuses (over quota) is
 * refused to exim with the reason on standard error, exit 77, which exim
 * puts in its log and in the bounce, rather than a bounce of its own. No -f:
 * exim 4.96 refuses the tainted sender in a pipe's command; the LDA reads
 * it from Return-path. */
#define DOVECOT_LDA "/usr/lib/dovecot/dovecot-lda"

char *
messagerie_render_dovecot (MessagerieSettings *settings)
{
  const char *server = messagerie_settings_get (settings, "mail_server");
  const char *protocols = "none";
  guint64 quota = 0;
  GString *out = g_string_new (NULL);

  if (g_str_equal (server, "pop"))
    protocols = "pop3";
  else if (g_str_equal (server, "imap"))
    protocols = "imap";
  else if (g_str_equal (server, "pop-imap"))
    protocols = "imap pop3";

  g_string_append (out,
                   "# Written by Messagerie: changes here are replaced on the next apply.\n"
                   "# Put local settings in another file of this folder.\n");
  g_string_append_printf (out, "protocols = %s\n", protocols);

  /* exim hands local mail to Dovecot's delivery agent, into Maildir. The
   * mail of the mbox years (and of the mail server turned off, when exim
   * delivers as Debian does) stays where it is, read through a second
   * namespace: Debian's own location, under the folder "mbox". Both
   * namespaces need the same separator. */
  g_string_append (out,
                   "mail_location = maildir:~/Maildir\n"
                   "namespace inbox {\n"
                   "  separator = /\n"
                   "}\n"
                   "namespace messagerie_mbox {\n"
                   "  prefix = mbox/\n"
                   "  separator = /\n"
                   "  location = mbox:~/mail:INBOX=/var/mail/%u\n"
                   "  list = yes\n"
                   "  subscriptions = no\n"
                   "}\n"
                   /* The delivery agent runs as the user: without this its
                    * first line of output is a permission error on the
                    * statistics socket, which hides the quota's reason in
                    * exim's log. */
                   "service stats {\n"
                   "  unix_listener stats-writer {\n"
                   "    mode = 0666\n"
                   "  }\n"
                   "}\n");

  /* The quota counts the Maildir only (ns=, the inbox namespace): the old
   * mbox is not held against it. */
  if (messagerie_settings_get_uint (settings, "mailbox_quota_mb", &quota) && quota > 0)
    g_string_append_printf (out,
                            "mail_plugins = $mail_plugins quota\n"
                            "protocol imap {\n"
                            "  mail_plugins = $mail_plugins imap_quota\n"
                            "}\n"
                            "plugin {\n"
                            "  quota = maildir:User quota:ns=\n"
                            "  quota_rule = *:storage=%" G_GUINT64_FORMAT "M\n"
                            "}\n",
                            quota);

  return g_string_free (out, FALSE);
}

/* The routers' lines, without the block's markers; NULL when none. */
static char *
router_lines (MessagerieSettings *settings,
              gboolean            dovecot,
              gboolean            sympa)
{
  GString *out;

  if (!dovecot && !sympa)
    return NULL;

  out = g_string_new (NULL);
  if (dovecot)
    g_string_append (out,
                     "# Local users' mail goes to Dovecot's delivery agent (Maildir, quota):\n"
                     "# Debian's routers deliver to LOCAL_DELIVERY, redefined here.\n"
                     "LOCAL_DELIVERY == messagerie_dovecot\n");
  /* Sympa's alias manager writes the aliases of each list there, as pipes
   * to its queue program, which is not setuid: they run as sympa. The
   * domain is lower case and has no upper-case letter to start a macro
   * name (rule E1). */
  if (sympa)
    g_string_append_printf (out,
                            "# The mailing lists of the mail domain go to Sympa.\n"
                            "messagerie_sympa:\n"
                            "  debug_print = \"R: messagerie_sympa for $local_part@$domain\"\n"
                            "  driver = redirect\n"
                            "  domains = %s\n"
                            "  require_files = " MESSAGERIE_PATH_SYMPA_ALIASES "\n"
                            "  data = ${lookup{$local_part}lsearch{" MESSAGERIE_PATH_SYMPA_ALIASES "}}\n"
                            "  pipe_transport = address_pipe\n"
                            "  user = sympa\n"
                            "  group = sympa\n",
                            messagerie_settings_get (settings, "mail_domain"));

  return g_string_free (out, FALSE);
}

static char *
transport_lines (gboolean dovecot)
{
  if (!dovecot)
    return NULL;

  return g_strdup ("# Dovecot's delivery agent, as the local user: a message over quota is\n"
                   "# refused with Dovecot's reason.\n"
                   "messagerie_dovecot:\n"
                   "  debug_print = \"T: messagerie_dovecot for $local_part@$domain\"\n"
                   "  driver = pipe\n"
                   "  command = " DOVECOT_LDA " -e\n"
                   "  message_prefix =\n"
                   "  message_suffix =\n"
                   "  delivery_date_add\n"
                   "  envelope_to_add\n"
                   "  return_path_add\n"
                   "  log_output\n"
                   "  return_fail_output\n");
}

static void
append_block (GString    *out,
              const char *lines)
{
  g_string_append (out, BLOCK_BEGIN "\n");
  g_string_append (out, lines);
  g_string_append (out, BLOCK_END "\n");
}

/* Whether @line is @text, but for spaces around it. */
static gboolean
is_line (const char *line,
         const char *text)
{
  gsize len = strlen (text);

  while (*line == ' ' || *line == '\t')
    line++;
  if (strncmp (line, text, len) != 0)
    return FALSE;
  for (line += len; *line; line++)
    if (!g_ascii_isspace (*line))
      return FALSE;
  return TRUE;
}

/* @template without Messagerie's blocks, then with @routers before the
 * router anchor and @transports after the transport anchor (either NULL:
 * no block). */
static char *
render_template (const char  *template,
                 const char  *routers,
                 const char  *transports,
                 GError     **error)
{
  g_auto(GStrv) lines = messagerie_render_split_lines (template);
  GString *out = g_string_new (NULL);
  gboolean inside = FALSE;
  gboolean routers_done = routers == NULL;
  gboolean transports_done = transports == NULL;

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "# BEGIN Messagerie"))
        {
          inside = TRUE;
          continue;
        }
      if (inside)
        {
          if (g_str_has_prefix (line, BLOCK_END))
            inside = FALSE;
          continue;
        }

      if (!routers_done && is_line (line, TEMPLATE_ROUTER_ANCHOR))
        {
          append_block (out, routers);
          routers_done = TRUE;
        }
      g_string_append (out, line);
      g_string_append_c (out, '\n');
      if (!transports_done && is_line (line, TEMPLATE_TRANSPORT_ANCHOR))
        {
          append_block (out, transports);
          transports_done = TRUE;
        }
    }

  if (!routers_done || !transports_done)
    {
      g_set_error (error, MESSAGERIE_RENDER_ERROR, MESSAGERIE_RENDER_ERROR_TEMPLATE,
                   _("%s has no line “%s”, before which Messagerie puts its exim routers "
                     "(or “%s”, after which it puts its transport): put back Debian’s "
                     "template, or use the split configuration."),
                   MESSAGERIE_PATH_TEMPLATE, TEMPLATE_ROUTER_ANCHOR, TEMPLATE_TRANSPORT_ANCHOR);
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

static void
add_changed (GPtrArray  *files,
             GHashTable *existing,
             const char *path,
             char       *contents,
             guint       mode,
             const char *group)
{
  const char *current = g_hash_table_lookup (existing, path);
  MessagerieRenderedFile *file;

  if ((contents == NULL && current == NULL) || g_strcmp0 (contents, current) == 0)
    {
      g_free (contents);
      return;
    }

  file = g_new0 (MessagerieRenderedFile, 1);
  file->path = g_strdup (path);
  file->contents = contents;
  file->mode = mode;
  file->group = g_strdup (group);
  g_ptr_array_add (files, file);
}

/* A file of Messagerie's own under conf.d: its block, or NULL (removed). */
static char *
split_file (const char *lines)
{
  GString *out;

  if (lines == NULL)
    return NULL;

  out = g_string_new ("# Written by Messagerie: changes here are replaced on the next apply.\n");
  append_block (out, lines);
  return g_string_free (out, FALSE);
}

/* sympa.conf with its domain (a "key<TAB>value" line) set to @domain, the
 * rest kept. */
static char *
render_sympa_conf (const char *current,
                   const char *domain)
{
  g_auto(GStrv) lines = messagerie_render_split_lines (current);
  GString *out = g_string_new (NULL);
  gboolean done = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "domain") && (line[6] == ' ' || line[6] == '\t'))
        {
          if (!done)
            g_string_append_printf (out, "domain\t%s\n", domain);
          done = TRUE;
          continue;
        }
      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }
  if (!done)
    g_string_append_printf (out, "domain\t%s\n", domain);

  return g_string_free (out, FALSE);
}

gboolean
messagerie_render_services (MessagerieSettings  *settings,
                            GHashTable          *existing,
                            gboolean             split,
                            GPtrArray           *files,
                            GError             **error)
{
  gboolean mail_server = messagerie_settings_has_mail_server (settings);
  gboolean dovecot_installed = g_hash_table_contains (existing, MESSAGERIE_PATH_DOVECOT_DIR);
  const char *sympa_conf = g_hash_table_lookup (existing, MESSAGERIE_PATH_SYMPA_CONF);
  /* A service that is not installed gets no route: exim would refuse a
   * router running as a user that does not exist, and mail would go to a
   * delivery agent that is not there. The helper says it is missing. */
  gboolean dovecot = mail_server && dovecot_installed &&
                     !g_str_equal (messagerie_settings_get (settings, "mail_server"), "none");
  gboolean sympa = mail_server &&
                   (sympa_conf != NULL || g_hash_table_contains (existing, MESSAGERIE_PATH_SYMPA_DIR)) &&
                   messagerie_settings_get_boolean (settings, "mailing_lists");
  g_autofree char *routers = router_lines (settings, dovecot, sympa);
  g_autofree char *transports = transport_lines (dovecot);

  const char *template = g_hash_table_lookup (existing, MESSAGERIE_PATH_TEMPLATE);

  /* Dovecot's own file, written at every apply as before. */
  if (mail_server && dovecot_installed)
    {
      MessagerieRenderedFile *file = g_new0 (MessagerieRenderedFile, 1);

      file->path = g_strdup (MESSAGERIE_PATH_DOVECOT);
      file->contents = messagerie_render_dovecot (settings);
      file->mode = 0644;
      g_ptr_array_add (files, file);
    }

  /* Its domain is set in its file, which the user running render may not
   * read: then it is not shown. */
  if (sympa && sympa_conf != NULL)
    add_changed (files, existing, MESSAGERIE_PATH_SYMPA_CONF,
                 render_sympa_conf (sympa_conf, messagerie_settings_get (settings, "mail_domain")),
                 0640, "sympa");

  /* The configuration not in use loses what an earlier apply wrote there,
   * so that switching between split and non-split leaves nothing behind. */
  add_changed (files, existing, MESSAGERIE_PATH_SPLIT_ROUTER,
               split ? split_file (routers) : NULL, 0644, NULL);
  add_changed (files, existing, MESSAGERIE_PATH_SPLIT_TRANSPORT,
               split ? split_file (transports) : NULL, 0644, NULL);

  /* Without Debian's template there is no block to put anywhere (and no
   * non-split configuration at all). */
  if (template != NULL)
    {
      char *contents = render_template (template, split ? NULL : routers,
                                        split ? NULL : transports, error);

      if (contents == NULL)
        return FALSE;
      add_changed (files, existing, MESSAGERIE_PATH_TEMPLATE, contents, 0644, NULL);
    }

  return TRUE;
}
