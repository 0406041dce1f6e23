/* SPDX-License-Identifier: GPL-3.0-or-later */

/* exim's main log read back: lines a real exim 4.96 wrote on this project's
 * test machines (the flow, probe and services suites), each with what a
 * person needs of it. */

#include <string.h>

#include "messagerie-mainlog.h"

typedef struct {
  const char *path;
  const char *line;
  const char *outcome;    /* NULL: not a delivery line */
  const char *id;
  const char *recipient;
  const char *host;
  const char *detail;
} LogCase;

static const LogCase cases[] = {
  { "/mainlog/delivered/gateway",
    "2026-12-03 11:21:39 1xZ4sd-0007RK-2V => messagerie-eleve@monetab.ac-test.fr R=hub_user_smarthost "
    "T=remote_smtp_smarthost H=smtp.messagerie.test [127.0.0.2] C=\"250 OK queued as test-5\"",
    "delivered", "1xZ4sd-0007RK-2V", "messagerie-eleve@monetab.ac-test.fr", "smtp.messagerie.test",
    "250 OK queued as test-5" },
  { "/mainlog/delivered/alias-tls",
    "2026-12-03 11:21:39 1xZ4sd-0007Rf-2w => admin.externe@example.org <root@localhost> R=smarthost "
    "T=remote_smtp_smarthost H=smtp.messagerie.test [127.0.0.2] "
    "X=TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=yes DN=\"CN=smtp.messagerie.test\" "
    "A=plain C=\"250 OK \\\"queued\\\" as test-8\"",
    "delivered", "1xZ4sd-0007Rf-2w", "admin.externe@example.org", "smtp.messagerie.test",
    "250 OK \"queued\" as test-8" },
  { "/mainlog/delivered/local",
    "2026-12-03 11:42:47 1xZ5D5-0002P1-0g => messagerie-eleve <messagerie-eleve@monetab.ac-test.fr> "
    "R=local_user T=mail_spool",
    "delivered", "1xZ5D5-0002P1-0g", "messagerie-eleve", "", "" },
  { "/mainlog/delivered/additional",
    "2026-12-03 11:42:47 1xZ5D5-0002P1-0g -> other@example.org R=smarthost T=remote_smtp_smarthost "
    "H=smtp.messagerie.test [127.0.0.2] C=\"250 OK\"",
    "delivered", "1xZ5D5-0002P1-0g", "other@example.org", "smtp.messagerie.test", "250 OK" },
  { "/mainlog/deferred/connection",
    "2026-12-03 11:42:18 1xZ5Cc-00074U-2x == admin.externe@example.org <root@monetab.ac-test.fr> "
    "R=smarthost T=remote_smtp_smarthost defer (111): Connection refused",
    "deferred", "1xZ5Cc-00074U-2x", "admin.externe@example.org", "", "Connection refused" },
  { "/mainlog/deferred/retry-time",
    "2026-12-03 11:42:19 1xZ5Cd-0007DR-1P == admin.externe@example.org <root@monetab.ac-test.fr> "
    "R=smarthost T=remote_smtp_smarthost defer (-54): retry time not reached for any host for 'example.org'",
    "deferred", "1xZ5Cd-0007DR-1P", "admin.externe@example.org", "",
    "retry time not reached for any host for 'example.org'" },
  { "/mainlog/deferred/gateway-451",
    "2026-12-03 11:50:02 1xZ5Jm-0001aa-0C == admin.externe@example.org <root@localhost> R=smarthost "
    "T=remote_smtp_smarthost defer (-44) H=smtp.messagerie.test [127.0.0.2]: SMTP error from remote "
    "mail server after RCPT TO:<admin.externe@example.org>: 451 4.3.0 try again later",
    "deferred", "1xZ5Jm-0001aa-0C", "admin.externe@example.org", "smtp.messagerie.test",
    "SMTP error from remote mail server after RCPT TO:<admin.externe@example.org>: 451 4.3.0 try again later" },
  { "/mainlog/bounced/gateway-550",
    "2026-12-03 11:40:27 1xZ5Ap-00080t-0G ** admin.externe@example.org <root@monetab.ac-test.fr> R=smarthost "
    "T=remote_smtp_smarthost H=smtp.messagerie.test [127.0.0.2] "
    "X=TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=yes DN=\"CN=smtp.messagerie.test\": "
    "SMTP error from remote mail server after RCPT TO:<admin.externe@example.org>: 550 5.1.1 "
    "<admin.externe@example.org>: recipient refused by the test gateway",
    "bounced", "1xZ5Ap-00080t-0G", "admin.externe@example.org", "smtp.messagerie.test",
    "SMTP error from remote mail server after RCPT TO:<admin.externe@example.org>: 550 5.1.1 "
    "<admin.externe@example.org>: recipient refused by the test gateway" },
  { "/mainlog/bounced/unrouteable",
    "2026-12-03 11:40:27 1xZ5Ap-00080x-0O ** serveur.scribe@monetab.ac-test.fr: Unrouteable address",
    "bounced", "1xZ5Ap-00080x-0O", "serveur.scribe@monetab.ac-test.fr", "", "Unrouteable address" },
  { "/mainlog/rejected/after-data",
    "2026-12-03 11:40:53 1xZ5BF-00023f-2d U=root F=<someone@example.org> rejected after DATA: Message refuse "
    "comme indesirable (score 1001.2). Message refused as spam (score 1001.2).",
    "rejected", "1xZ5BF-00023f-2d", "", "",
    "Message refuse comme indesirable (score 1001.2). Message refused as spam (score 1001.2)." },
  { "/mainlog/rejected/rcpt",
    "2026-12-03 11:51:10 H=(client.test) [192.0.2.7] F=<someone@example.org> rejected RCPT "
    "<nosuchuser@monetab.ac-test.fr>: Unrouteable address",
    "rejected", "", "nosuchuser@monetab.ac-test.fr", "(client.test)", "Unrouteable address" },
  { "/mainlog/other/reception",
    "2026-12-03 11:21:39 1xZ4sd-0007RK-2V <= backup@monetab.ac-test.fr U=backup P=local S=430",
    NULL },
  { "/mainlog/other/completed", "2026-12-03 11:21:39 1xZ4sd-0007RK-2V Completed", NULL },
  { "/mainlog/other/queue-run", "2026-12-03 11:21:39 Start queue run: pid=1234", NULL },
  { "/mainlog/other/garbage", "not a log line at all", NULL },
  { "/mainlog/other/empty", "", NULL },
};

static void
test_case (gconstpointer data)
{
  const LogCase *c = data;
  g_autoptr(MessagerieDelivery) delivery = messagerie_delivery_parse (c->line);

  if (c->outcome == NULL)
    {
      g_assert_null (delivery);
      return;
    }
  g_assert_nonnull (delivery);
  g_assert_cmpstr (messagerie_delivery_outcome_to_string (delivery->outcome), ==, c->outcome);
  g_assert_cmpstr (delivery->id, ==, c->id);
  g_assert_cmpstr (delivery->recipient, ==, c->recipient);
  g_assert_cmpstr (delivery->host, ==, c->host);
  g_assert_cmpstr (delivery->detail, ==, c->detail);
  g_assert_nonnull (delivery->router);
  if (strstr (c->line, " R=smarthost ") != NULL)
    g_assert_cmpstr (delivery->router, ==, "smarthost");
  else if (strstr (c->line, " R=") == NULL)
    g_assert_cmpstr (delivery->router, ==, "");
  /* The log's local time, with this machine's offset. */
  g_assert_true (g_str_has_prefix (delivery->time, "2026-12-03T"));
  g_assert_cmpuint (strlen (delivery->time), ==, strlen ("2026-12-03T11:21:39+00:00"));
}

/* exim's reasons in words: the sentence first, exim's own after; unknown
 * reasons as they are. */
static void
test_explain (void)
{
  static const struct {
    const char *reason;
    const char *sentence;   /* NULL: the reason alone */
    gboolean    sender;
  } reasons[] = {
    { "Connection refused", "The gateway refuses the connection.", FALSE },
    { "retry time not reached for any host for 'example.org'",
      "exim waits before trying the gateway again.", FALSE },
    { "SMTP error from remote mail server after MAIL FROM:<a@b.fr>: 553 5.7.1 sender refused",
      "The gateway refuses the sending address.", TRUE },
    { "SMTP error from remote mail server after RCPT TO:<a@b.fr>: 550 5.1.1 no such user",
      "The gateway refuses the recipient.", FALSE },
    { "a TLS session is required, but the server did not offer TLS support",
      "The secure connection (TLS) with the gateway failed.", FALSE },
    { "Unrouteable address", NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autofree char *text = messagerie_delivery_explain (reasons[i].reason);
      g_autofree char *expected = reasons[i].sentence
                                  ? g_strdup_printf ("%s (%s)", reasons[i].sentence, reasons[i].reason)
                                  : g_strdup (reasons[i].reason);

      g_assert_cmpstr (text, ==, expected);
      g_assert_cmpint (messagerie_delivery_refuses_sender (reasons[i].reason), ==, reasons[i].sender);
    }
  {
    g_autofree char *empty = messagerie_delivery_explain ("");

    g_assert_cmpstr (empty, ==, "");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mainlog/explain", test_explain);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_case);
  return g_test_run ();
}
