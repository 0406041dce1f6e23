/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target: what an SMTP server sends the connection test, cut
 * into lines as messagerie-probe reads them, each reply then taken apart
 * as the probe does (greeting, EHLO extensions, messages for people). */

#include <stdint.h>
#include <string.h>

#include "messagerie-smtp.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
examine (const MessagerieSmtpReply *reply)
{
  static const char *const keywords[] = { "AUTH", "STARTTLS", "SIZE", "8BITMIME", "" };
  g_autofree char *text = messagerie_smtp_reply_to_string (reply);
  g_autofree char *domain = messagerie_smtp_reply_domain (reply);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p++)
    g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      g_auto(GStrv) parameters = messagerie_smtp_reply_extension (reply, keywords[i]);

      g_assert_true ((parameters != NULL) == messagerie_smtp_reply_has_extension (reply, keywords[i]));
    }

  if (domain != NULL)
    {
      g_autofree char *name = messagerie_smtp_host_name (domain);

      g_assert_nonnull (name);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(MessagerieSmtpReply) reply = messagerie_smtp_reply_new ();
  g_autofree char *sanitized = messagerie_smtp_sanitize (text, size, 80);
  gsize start = 0;

  g_assert_true (g_utf8_validate (sanitized, -1, NULL));

  while (start < size)
    {
      const char *newline = memchr (text + start, '\n', size - start);
      gsize end = newline ? (gsize) (newline - text) : size;
      gsize length = end - start;

      if (length > 0 && text[start + length - 1] == '\r')
        length--;

      if (!messagerie_smtp_reply_add_line (reply, text + start, length))
        {
          /* The probe gives up on the server here; go on with a new
           * reply, to reach further. */
          examine (reply);
          messagerie_smtp_reply_free (reply);
          reply = messagerie_smtp_reply_new ();
        }
      else if (reply->complete)
        {
          examine (reply);
          messagerie_smtp_reply_free (reply);
          reply = messagerie_smtp_reply_new ();
        }
      start = end + 1;
    }
  examine (reply);

  /* The login as the probe encodes it, from the input's two halves. */
  {
    g_autofree char *user = g_strndup (text, size / 2);
    g_autofree char *password = g_strndup (text + size / 2, size - size / 2);
    g_autofree char *plain = messagerie_smtp_auth_plain (user, password);
  }

  return 0;
}
