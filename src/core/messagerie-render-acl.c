/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The ACLs Messagerie writes inline into exim's macros (the sender name of
 * root's mail, the anti-spam), and the escaping they need: exim replaces
 * macro names anywhere in a line, decodes the quoted string, expands the
 * option's value and then each modifier's. Also the RFC 2047 encoder, for
 * the name and for the test message's subject. */

#include <glib/gi18n-lib.h>

#include "messagerie-render.h"
#include "messagerie-render-acl.h"
#include "messagerie-rules.h"

/* @text for exim's string expansion: every character but lower-case
 * letters, digits and spaces as \xHH, which the expansion decodes. Nothing
 * is left for it to interpret, and no upper-case letter to start a macro
 * name (exim replaces macro names anywhere in a line). */
static void
append_exim_hex (GString    *out,
                 const char *text)
{
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if ((*p >= 'a' && *p <= 'z') || g_ascii_isdigit (*p) || *p == ' ')
        g_string_append_c (out, *p);
      else
        g_string_append_printf (out, "\\x%02x", *p);
    }
}

char *
messagerie_encode_words (const char *text,
                         const char *fold)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (text != NULL && fold != NULL, NULL);

  for (const char *p = text; *p;)
    {
      const char *start = p;
      g_autofree char *encoded = NULL;

      /* 45 octets make 60 base64 characters: with "=?UTF-8?B?" and "?=",
       * 72, under the limit of 75; never split a character. */
      while (*p && (g_utf8_next_char (p) - start) <= 45)
        p = g_utf8_next_char (p);

      encoded = g_base64_encode ((const guchar *) start, p - start);
      if (out->len > 0)
        g_string_append (out, fold);
      g_string_append_printf (out, "=?UTF-8?B?%s?=", encoded);
    }

  return g_string_free (out, FALSE);
}

/* The display name as an RFC 5322 phrase: a quoted string when it is plain
 * ASCII, else RFC 2047 encoded words of at most 75 characters each. */
static char *
encode_phrase (const char *name)
{
  GString *out;

  for (const char *p = name; *p; p++)
    if ((guchar) *p >= 0x80)
      return messagerie_encode_words (name, " ");

  out = g_string_new ("\"");
  for (const char *p = name; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* @c as a quoted string of exim's configuration holds it. */
static void
append_exim_quoted_char (GString *out,
                         char     c)
{
  if (c == '\n')
    g_string_append (out, "\\n");
  else if (c == '"' || c == '\\')
    {
      g_string_append_c (out, '\\');
      g_string_append_c (out, c);
    }
  else
    g_string_append_c (out, c);
}

/* @text, an ACL, as the quoted string of an ACL option: exim decodes the
 * quoted string, expands the option's value (so a backslash and "$" are
 * escaped for that expansion first), then parses the ACL's lines. */
static void
append_exim_quoted_acl (GString    *out,
                        const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '\\' || *p == '$')
        append_exim_quoted_char (out, '\\');
      append_exim_quoted_char (out, *p);
    }
  g_string_append (out, "\"\n");
}

/* The display name of root's mail. Debian's rewrite section already turns
 * root's address into root_sender (/etc/email-addresses) but keeps the
 * name. The non-SMTP ACL (root's mail is submitted by sendmail: cron, the
 * backup scripts, the monitoring) replaces the whole From: of the messages
 * from root_sender, after that rewriting, with the name and the address.
 * It is inline, in a main option of the macros file, because Debian's
 * template has no ACL of its own for non-SMTP mail, and no header-rewriting
 * macro that Debian's HIDE_MAILNAME would not define a second time.
 *
 * The name and the address reach the ACL as \xHH escapes (decoded by the
 * expansion of add_header and of the condition), the header name as
 * \x46rom: no upper-case letter is left to start a macro name, no
 * character for any decoder to interpret. */
void
messagerie_render_sender_name_acl (MessagerieSettings *settings,
                                   GString            *out)
{
  const char *name = messagerie_settings_get (settings, "root_sender_name");
  const char *sender = messagerie_settings_get (settings, "root_sender");
  g_autoptr(GString) acl = NULL;
  g_autofree char *phrase = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *angle = NULL;

  if (*name == '\0' || !messagerie_is_valid_address (sender))
    return;

  phrase = encode_phrase (name);
  lower = g_utf8_strdown (sender, -1);
  angle = g_strdup_printf ("<%s>", sender);

  acl = g_string_new ("warn condition = ${if eqi{${address:$h_from:}}{");
  append_exim_hex (acl, lower);
  g_string_append (acl, "}}\n  remove_header = \\x46rom\n  add_header = \\x46rom: ");
  append_exim_hex (acl, phrase);
  g_string_append_c (acl, ' ');
  append_exim_hex (acl, angle);
  g_string_append (acl, "\naccept");

  g_string_append (out, "acl_not_smtp = ");
  append_exim_quoted_acl (out, acl->str);
}

/* @text with its upper-case letters as \xHH, for an expanded part of an
 * ACL written in a macro: exim replaces macro names anywhere in a line. */
static char *
lower_exim_text (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isupper (*p))
        g_string_append_printf (out, "\\x%02x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* exim's DATA ACL with the anti-spam, for messages received over SMTP:
 * Debian's own DATA ACL first (its checks, and the administrator's
 * CHECK_DATA_LOCAL_ACL_FILE), then spamd scans what is for a local domain;
 * the X-Spam- headers the message came with go, X-Spam-Score is added,
 * X-Spam-Flag: YES from spam_flag_score, and the message is refused from
 * spam_reject_score (SMTP replies are ASCII: the French without its
 * accents, then the English). exim counts scores in tenths
 * ($spam_score_int). Debian's template has a macro for the name of that
 * ACL, not a file of Messagerie's own to include: the ACL is inline, as
 * acl_not_smtp's. */
static char *
spam_acl (MessagerieSettings *settings)
{
  guint flag = 50;
  guint reject = 120;
  g_autofree char *acl = NULL;

  messagerie_parse_score (messagerie_settings_get (settings, "spam_flag_score"), G_MAXUINT, &flag);
  messagerie_parse_score (messagerie_settings_get (settings, "spam_reject_score"), G_MAXUINT, &reject);

  acl = g_strdup_printf (
    "require acl = acl_check_data\n"
    "warn remove_header = X-Spam-Score : X-Spam-Flag : X-Spam-Status : X-Spam-Level : "
    "X-Spam-Report : X-Spam-Bar : X-Spam-Checker-Version\n"
    "  set acl_m_messagerie_spam = 0\n"
    "warn condition = ${if forany{<, $recipients}{match_domain{${domain:$item}}{+local_domains}}}\n"
    "  spam = Debian-exim:true\n"
    "  set acl_m_messagerie_spam = $spam_score_int\n"
    "  add_header = X-Spam-Score: $spam_score\n"
    "warn condition = ${if >= {$acl_m_messagerie_spam}{%u}}\n"
    "  add_header = X-Spam-Flag: YES\n"
    "deny condition = ${if >= {$acl_m_messagerie_spam}{%u}}\n"
    "  message = Message refuse comme indesirable (score $spam_score). "
    "Message refused as spam (score $spam_score).\n"
    "accept",
    flag, reject);

  return lower_exim_text (acl);
}

void
messagerie_render_spam_acl (MessagerieSettings *settings,
                            GString            *out)
{
  g_autofree char *acl = spam_acl (settings);

  g_string_append (out, "MAIN_ACL_CHECK_DATA = ");
  append_exim_quoted_acl (out, acl);
}
