/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The pieces of SMTP the connection test needs (RFC 5321 §4.2, RFC 4954),
 * kept free of I/O so that they are tested on their own. */

#include <string.h>

#include "messagerie-smtp.h"

#define REPLY_TEXT_MAX 400

MessagerieSmtpReply *
messagerie_smtp_reply_new (void)
{
  MessagerieSmtpReply *reply = g_new0 (MessagerieSmtpReply, 1);

  reply->lines = g_ptr_array_new_with_free_func (g_free);
  return reply;
}

void
messagerie_smtp_reply_free (MessagerieSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_ptr_array_unref (reply->lines);
  g_free (reply);
}

gboolean
messagerie_smtp_reply_add_line (MessagerieSmtpReply *reply,
                                const char          *line,
                                gsize                length)
{
  guint code;

  g_return_val_if_fail (reply != NULL, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  if (reply->complete || length < 3 || length > MESSAGERIE_SMTP_LINE_MAX ||
      reply->lines->len >= MESSAGERIE_SMTP_REPLY_LINES_MAX)
    return FALSE;

  if (line[0] < '2' || line[0] > '5' || !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]))
    return FALSE;
  code = (guint) (line[0] - '0') * 100 + (guint) (line[1] - '0') * 10 + (guint) (line[2] - '0');

  if (length > 3 && line[3] != ' ' && line[3] != '-')
    return FALSE;
  if (memchr (line, '\0', length) != NULL)
    return FALSE;
  if (reply->code != 0 && reply->code != code)
    return FALSE;

  reply->code = code;
  g_ptr_array_add (reply->lines, length > 4 ? g_strndup (line + 4, length - 4) : g_strdup (""));
  reply->complete = length == 3 || line[3] == ' ';
  return TRUE;
}

char *
messagerie_smtp_sanitize (const char *text,
                          gssize      length,
                          gsize       max_chars)
{
  g_autofree char *valid = NULL;
  GString *out = g_string_new (NULL);
  gsize count = 0;

  if (length < 0)
    length = (gssize) strlen (text);
  valid = g_utf8_make_valid (text, length);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (count == max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
      count++;
    }

  return g_string_free (out, FALSE);
}

char *
messagerie_smtp_reply_to_string (const MessagerieSmtpReply *reply)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (reply != NULL, NULL);

  g_string_printf (text, "%03u", reply->code);
  for (guint i = 0; i < reply->lines->len; i++)
    {
      const char *line = g_ptr_array_index (reply->lines, i);

      if (*line != '\0')
        g_string_append_printf (text, " %s", line);
    }

  return messagerie_smtp_sanitize (text->str, text->len, REPLY_TEXT_MAX);
}

char *
messagerie_smtp_reply_domain (const MessagerieSmtpReply *reply)
{
  const char *first;
  gsize length;

  g_return_val_if_fail (reply != NULL, NULL);

  if (reply->lines->len == 0)
    return NULL;
  first = g_ptr_array_index (reply->lines, 0);
  first += strspn (first, " ");
  length = strcspn (first, " \t");
  if (length == 0)
    return NULL;
  return messagerie_smtp_sanitize (first, (gssize) length, 255);
}

/* The parameters after @keyword on @line ("AUTH PLAIN LOGIN", or the old
 * "AUTH=PLAIN LOGIN"), or NULL when the line is not that extension. */
static char **
line_extension (const char *line,
                const char *keyword)
{
  gsize length = strlen (keyword);
  g_autofree char *upper = NULL;

  if (g_ascii_strncasecmp (line, keyword, length) != 0 ||
      (line[length] != '\0' && line[length] != ' ' && line[length] != '='))
    return NULL;

  upper = g_ascii_strup (line + length + (line[length] != '\0'), -1);
  return g_strsplit_set (g_strstrip (upper), " ", -1);
}

gboolean
messagerie_smtp_reply_has_extension (const MessagerieSmtpReply *reply,
                                     const char                *keyword)
{
  g_auto(GStrv) parameters = messagerie_smtp_reply_extension (reply, keyword);

  return parameters != NULL;
}

char **
messagerie_smtp_reply_extension (const MessagerieSmtpReply *reply,
                                 const char                *keyword)
{
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (keyword != NULL, NULL);

  /* The first line is the server's name, never an extension. */
  for (guint i = 1; i < reply->lines->len; i++)
    {
      g_auto(GStrv) parameters = line_extension (g_ptr_array_index (reply->lines, i), keyword);

      if (parameters == NULL)
        continue;
      if (found == NULL)
        found = g_ptr_array_new_with_free_func (g_free);
      /* "AUTH PLAIN" and "AUTH=PLAIN" often come together. */
      for (guint j = 0; parameters[j]; j++)
        if (*parameters[j] != '\0' &&
            !g_ptr_array_find_with_equal_func (found, parameters[j], g_str_equal, NULL))
          g_ptr_array_add (found, g_strdup (parameters[j]));
    }

  if (found == NULL)
    return NULL;
  g_ptr_array_add (found, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&found), FALSE);
}

char *
messagerie_smtp_auth_plain (const char *user,
                            const char *password)
{
  gsize user_length = strlen (user);
  gsize password_length = strlen (password);
  gsize length = user_length + password_length + 2;
  guchar *buffer = g_malloc (length);
  char *encoded;

  buffer[0] = '\0';
  memcpy (buffer + 1, user, user_length);
  buffer[1 + user_length] = '\0';
  memcpy (buffer + 2 + user_length, password, password_length);

  encoded = g_base64_encode (buffer, length);
  explicit_bzero (buffer, length);
  g_free (buffer);
  return encoded;
}

char *
messagerie_smtp_host_name (const char *name)
{
  char *clean = g_strdup (*name != '\0' ? name : "localhost");

  for (char *p = clean; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      *p = '-';
  return clean;
}
