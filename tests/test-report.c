/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The helper's report read back line by line (doc/helper-protocol.md). */

#include "messagerie-core.h"

static void
test_success (void)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();

  g_assert_cmpint (messagerie_report_add_line (report, "step\tvalidate\tChecking the settings"),
                   ==, MESSAGERIE_REPORT_LINE_STEP);
  g_assert_cmpstr (report->step, ==, "validate");
  g_assert_cmpstr (report->step_message, ==, "Checking the settings");
  g_assert_cmpint (messagerie_report_add_line (report, "warning\trelay_port\tW5\tUnusual port"),
                   ==, MESSAGERIE_REPORT_LINE_FINDING);
  g_assert_false (messagerie_report_succeeded (report));
  g_assert_cmpint (messagerie_report_add_line (report, "result\tok\tApplied"),
                   ==, MESSAGERIE_REPORT_LINE_RESULT);
  g_assert_true (messagerie_report_succeeded (report));
  g_assert_cmpuint (report->findings->len, ==, 1);
  g_assert_cmpint (((MessagerieFinding *) report->findings->pdata[0])->severity, ==,
                   MESSAGERIE_SEVERITY_WARNING);
  g_assert_cmpstr (report->other->str, ==, "");
}

static void
test_failure (void)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();
  MessagerieFinding *finding;

  messagerie_report_add_line (report, "error\tmail_domain\tE2\tStarts with the machine name");
  messagerie_report_add_line (report, "failed\trender\tpassword\tNo password");
  messagerie_report_add_line (report, "restored\t/etc/mailname");
  messagerie_report_add_line (report, "Error: something else");
  messagerie_report_add_line (report, "");
  messagerie_report_add_line (report, "result\tfailed\tNothing was changed");

  g_assert_false (messagerie_report_succeeded (report));
  g_assert_cmpstr (report->result, ==, "failed");
  g_assert_cmpstr (report->result_message, ==, "Nothing was changed");
  finding = report->findings->pdata[0];
  g_assert_cmpint (finding->severity, ==, MESSAGERIE_SEVERITY_ERROR);
  g_assert_cmpstr (finding->key, ==, "mail_domain");
  g_assert_cmpstr (finding->rule, ==, "E2");
  g_assert_cmpstr (report->failed_step, ==, "render");
  g_assert_cmpstr (report->failed_key, ==, "password");
  g_assert_cmpstr (report->failed_message, ==, "No password");
  g_assert_cmpuint (report->restored->len, ==, 1);
  g_assert_cmpstr (report->restored->pdata[0], ==, "/etc/mailname");
  g_assert_cmpstr (report->other->str, ==, "Error: something else");
}

static void
test_malformed (void)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();

  /* Wrong field counts are no protocol lines: kept for people to read. */
  g_assert_cmpint (messagerie_report_add_line (report, "result\tok"), ==,
                   MESSAGERIE_REPORT_LINE_OTHER);
  g_assert_cmpint (messagerie_report_add_line (report, "failed\tcheck\t-"), ==,
                   MESSAGERIE_REPORT_LINE_OTHER);
  g_assert_cmpint (messagerie_report_add_line (report, "failed\tcheck\t-\tx\ty"), ==,
                   MESSAGERIE_REPORT_LINE_OTHER);
  g_assert_null (report->result);
  g_assert_null (report->failed_step);
  g_assert_false (messagerie_report_succeeded (report));

  /* "-" is no key. */
  messagerie_report_add_line (report, "failed\tcheck\t-\texim refused");
  g_assert_null (report->failed_key);
  messagerie_report_add_line (report, "result\tunchanged\tNothing to do");
  g_assert_true (messagerie_report_succeeded (report));
}

/* test-mail's report: its details, then its result. */
static void
test_details (void)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();

  messagerie_report_add_line (report, "step\tsend\tSending a test message to admin@example.org");
  g_assert_cmpint (messagerie_report_add_line (report, "detail\tid\t1xX17a-0000Kn-1E"), ==,
                   MESSAGERIE_REPORT_LINE_DETAIL);
  messagerie_report_add_line (report, "detail\treply\t250 OK queued as 17");
  messagerie_report_add_line (report, "detail\treply\t250 OK queued as 18");
  g_assert_cmpint (messagerie_report_add_line (report, "detail\treply"), ==,
                   MESSAGERIE_REPORT_LINE_OTHER);
  messagerie_report_add_line (report, "result\tok\tThe gateway accepted the test message");

  g_assert_true (messagerie_report_succeeded (report));
  g_assert_cmpuint (g_hash_table_size (report->details), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (report->details, "id"), ==, "1xX17a-0000Kn-1E");
  /* The last one wins. */
  g_assert_cmpstr (g_hash_table_lookup (report->details, "reply"), ==, "250 OK queued as 18");
  g_assert_cmpstr (report->other->str, ==, "detail\treply");
}

/* The activity verbs' lines, kept with all their fields; a message or
 * delivery line with the wrong number of fields is not one. */
static void
test_records (void)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();
  char **record;

  g_assert_cmpint (messagerie_report_add_line (report, "status\texim\trunning\t2026-12-03T11:00:00+00:00"),
                   ==, MESSAGERIE_REPORT_LINE_RECORD);
  g_assert_cmpint (messagerie_report_add_line (report,
                     "message\t1xZ5Pr-00036K-2Q\t60\t393\tdeferred\troot@x.fr\ta@b.fr,c@d.fr\tConnection refused"),
                   ==, MESSAGERIE_REPORT_LINE_RECORD);
  g_assert_cmpint (messagerie_report_add_line (report,
                     "delivery\t2026-12-03T11:00:00+00:00\t1xZ5Pr-00036K-2Q\tdelivered\ta@b.fr\tsmtp.x.fr\t250 OK"),
                   ==, MESSAGERIE_REPORT_LINE_RECORD);
  g_assert_cmpint (messagerie_report_add_line (report, "message\t1xZ5Pr-00036K-2Q\t60"),
                   ==, MESSAGERIE_REPORT_LINE_OTHER);
  g_assert_cmpint (messagerie_report_add_line (report, "result\tok\t1 message"), ==, MESSAGERIE_REPORT_LINE_RESULT);

  g_assert_cmpuint (report->records->len, ==, 3);
  record = g_ptr_array_index (report->records, 1);
  g_assert_cmpuint (g_strv_length (record), ==, 8);
  g_assert_cmpstr (record[4], ==, "deferred");
  g_assert_cmpstr (record[7], ==, "Connection refused");
  record = g_ptr_array_index (report->records, 2);
  g_assert_cmpstr (record[6], ==, "250 OK");
  g_assert_true (messagerie_report_succeeded (report));
}

/* render's output as the report's other lines hold it: the files, their
 * contents (the last one's final newline given back, an empty file kept
 * empty), a removal, the "#" line before the first file skipped. */
static void
test_rendered_files (void)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();
  g_autoptr(GPtrArray) files = NULL;
  const char *const lines[] = {
    "# Cannot read /etc/exim4/passwd.client as this user",
    "==> /etc/mailname <==", "college.ac-test.fr",
    "==> /etc/email-addresses <==",
    "==> /etc/exim4/conf.d/router/250_messagerie <== (removed)",
    "==> /etc/aliases <==", "root: admin@college.ac-test.fr", "", "postmaster: root",
  };
  MessagerieRenderedFile *file;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_assert_cmpint (messagerie_report_add_line (report, lines[i]), ==, MESSAGERIE_REPORT_LINE_OTHER);
  files = messagerie_report_rendered_files (report->other->str);

  g_assert_cmpuint (files->len, ==, 4);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpstr (file->path, ==, "/etc/mailname");
  g_assert_cmpstr (file->contents, ==, "college.ac-test.fr\n");
  file = g_ptr_array_index (files, 1);
  g_assert_cmpstr (file->path, ==, "/etc/email-addresses");
  g_assert_cmpstr (file->contents, ==, "");
  file = g_ptr_array_index (files, 2);
  g_assert_cmpstr (file->path, ==, "/etc/exim4/conf.d/router/250_messagerie");
  g_assert_null (file->contents);
  file = g_ptr_array_index (files, 3);
  g_assert_cmpstr (file->path, ==, "/etc/aliases");
  g_assert_cmpstr (file->contents, ==, "root: admin@college.ac-test.fr\n\npostmaster: root\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/records", test_records);
  g_test_add_func ("/report/success", test_success);
  g_test_add_func ("/report/failure", test_failure);
  g_test_add_func ("/report/malformed", test_malformed);
  g_test_add_func ("/report/details", test_details);
  g_test_add_func ("/report/rendered-files", test_rendered_files);

  return g_test_run ();
}
