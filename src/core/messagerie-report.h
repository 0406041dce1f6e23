/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-render.h"
#include "messagerie-rules.h"

G_BEGIN_DECLS

/* What messagerie-helper apply, restore and test-mail print, read back
 * line by line (doc/helper-protocol.md). */
typedef enum {
  MESSAGERIE_REPORT_LINE_OTHER,     /* not of the protocol: an "Error: …" line */
  MESSAGERIE_REPORT_LINE_STEP,
  MESSAGERIE_REPORT_LINE_FINDING,
  MESSAGERIE_REPORT_LINE_FAILED,
  MESSAGERIE_REPORT_LINE_RESTORED,
  MESSAGERIE_REPORT_LINE_RESULT,
  MESSAGERIE_REPORT_LINE_DETAIL,
  MESSAGERIE_REPORT_LINE_RECORD,    /* the activity's: status, message, delivery */
} MessagerieReportLine;

typedef struct {
  /* The step running, and its message for people. */
  char      *step;
  char      *step_message;
  /* error and warning lines, as MessagerieFinding. */
  GPtrArray *findings;
  /* The step at fault: its id, the settings key or NULL, the message. */
  char      *failed_step;
  char      *failed_key;
  char      *failed_message;
  /* Paths put back. */
  GPtrArray *restored;
  /* "ok", "unchanged", "invalid"… or NULL when no result line came. */
  char      *result;
  char      *result_message;
  /* Lines outside the protocol, joined by newlines. */
  GString   *other;
  /* Blank lines seen after other lines, added to them only when another
   * comes: inside a rendered file's contents, not at the end. */
  guint      blank_lines;
  /* detail lines: key → value (test-mail's "reply", "host", "id"). */
  GHashTable *details;
  /* status, message and delivery lines (the activity verbs), each a
   * NULL-terminated array of its fields, the kind first. */
  GPtrArray  *records;
} MessagerieReport;

MessagerieReport     *messagerie_report_new      (void);
void                  messagerie_report_free     (MessagerieReport *report);
MessagerieReportLine  messagerie_report_add_line (MessagerieReport *report,
                                                  const char       *line);
/* Whether the helper said it applied (or had nothing to apply). */
gboolean              messagerie_report_succeeded (MessagerieReport *report);

/* The files of `messagerie-helper render`'s output, as the report's other
 * lines hold it ("==> PATH <==" then the contents, "==> PATH <== (removed)"
 * for a file to remove): MessagerieRenderedFile, contents NULL for a
 * removal; the "#" lines before the first file are skipped. */
GPtrArray            *messagerie_report_rendered_files (const char *output);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MessagerieReport, messagerie_report_free)

G_END_DECLS
