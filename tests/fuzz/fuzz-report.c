/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target: the helper's report (doc/helper-protocol.md) as the
 * application reads it, line by line, whatever the helper printed. */

#include <stdint.h>
#include <string.h>

#include "messagerie-report.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MessagerieReport) report = messagerie_report_new ();
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = NULL;

  /* The application reads the helper's output as text lines: a NUL ends
   * the text, as g_strndup does. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      MessagerieReportLine kind = messagerie_report_add_line (report, lines[i]);

      g_assert_true (kind >= MESSAGERIE_REPORT_LINE_OTHER && kind <= MESSAGERIE_REPORT_LINE_RECORD);
    }

  if (messagerie_report_succeeded (report))
    g_assert_nonnull (report->result);

  return 0;
}
