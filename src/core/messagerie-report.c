/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The helper's report read back, line by line (doc/helper-protocol.md):
 * steps, findings, the failure, the files restored. */

#include <string.h>

#include "messagerie-report.h"

MessagerieReport *
messagerie_report_new (void)
{
  MessagerieReport *report = g_new0 (MessagerieReport, 1);

  report->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_finding_free);
  report->restored = g_ptr_array_new_with_free_func (g_free);
  report->other = g_string_new (NULL);
  report->details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  report->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  return report;
}

void
messagerie_report_free (MessagerieReport *report)
{
  if (report == NULL)
    return;

  g_free (report->step);
  g_free (report->step_message);
  g_ptr_array_unref (report->findings);
  g_free (report->failed_step);
  g_free (report->failed_key);
  g_free (report->failed_message);
  g_ptr_array_unref (report->restored);
  g_free (report->result);
  g_free (report->result_message);
  g_string_free (report->other, TRUE);
  g_hash_table_unref (report->details);
  g_ptr_array_unref (report->records);
  g_free (report);
}

static void
replace (char       **field,
         const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static MessagerieReportLine
add_other (MessagerieReport *report,
           const char       *line)
{
  /* Blank lines are kept between other lines (a rendered file's), never
   * before nor after them. */
  if (*line == '\0')
    {
      if (report->other->len > 0)
        report->blank_lines++;
      return MESSAGERIE_REPORT_LINE_OTHER;
    }

  for (; report->blank_lines > 0; report->blank_lines--)
    g_string_append_c (report->other, '\n');
  if (report->other->len > 0)
    g_string_append_c (report->other, '\n');
  g_string_append (report->other, line);

  return MESSAGERIE_REPORT_LINE_OTHER;
}

MessagerieReportLine
messagerie_report_add_line (MessagerieReport *report,
                            const char       *line)
{
  g_auto(GStrv) fields = NULL;
  guint n;

  g_return_val_if_fail (report != NULL, MESSAGERIE_REPORT_LINE_OTHER);
  g_return_val_if_fail (line != NULL, MESSAGERIE_REPORT_LINE_OTHER);

  fields = g_strsplit (line, "\t", 5);
  n = g_strv_length (fields);

  if (n == 3 && g_str_equal (fields[0], "step"))
    {
      replace (&report->step, fields[1]);
      replace (&report->step_message, fields[2]);
      return MESSAGERIE_REPORT_LINE_STEP;
    }

  if (n == 4 && (g_str_equal (fields[0], "error") || g_str_equal (fields[0], "warning")))
    {
      MessagerieSeverity severity = g_str_equal (fields[0], "error") ? MESSAGERIE_SEVERITY_ERROR
                                                                     : MESSAGERIE_SEVERITY_WARNING;

      g_ptr_array_add (report->findings,
                       messagerie_finding_new (fields[1], fields[2], severity, fields[3]));
      return MESSAGERIE_REPORT_LINE_FINDING;
    }

  if (n == 4 && g_str_equal (fields[0], "failed"))
    {
      replace (&report->failed_step, fields[1]);
      replace (&report->failed_key, g_str_equal (fields[2], "-") ? NULL : fields[2]);
      replace (&report->failed_message, fields[3]);
      return MESSAGERIE_REPORT_LINE_FAILED;
    }

  if (n == 2 && g_str_equal (fields[0], "restored"))
    {
      g_ptr_array_add (report->restored, g_strdup (fields[1]));
      return MESSAGERIE_REPORT_LINE_RESTORED;
    }

  if (n == 3 && g_str_equal (fields[0], "detail"))
    {
      g_hash_table_replace (report->details, g_strdup (fields[1]), g_strdup (fields[2]));
      return MESSAGERIE_REPORT_LINE_DETAIL;
    }

  if (n >= 1 && (g_str_equal (fields[0], "status") || g_str_equal (fields[0], "message") ||
                 g_str_equal (fields[0], "delivery")))
    {
      guint wanted = g_str_equal (fields[0], "message") ? 8 : g_str_equal (fields[0], "delivery") ? 7 : 0;
      char **record = g_strsplit (line, "\t", -1);

      /* status lines have as many fields as their kind needs. */
      if ((wanted != 0 && g_strv_length (record) != wanted) || g_strv_length (record) < 2)
        {
          g_strfreev (record);
          return add_other (report, line);
        }
      g_ptr_array_add (report->records, record);
      return MESSAGERIE_REPORT_LINE_RECORD;
    }

  if (n == 3 && g_str_equal (fields[0], "result"))
    {
      replace (&report->result, fields[1]);
      replace (&report->result_message, fields[2]);
      return MESSAGERIE_REPORT_LINE_RESULT;
    }

  return add_other (report, line);
}

gboolean
messagerie_report_succeeded (MessagerieReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return g_strcmp0 (report->result, "ok") == 0 || g_strcmp0 (report->result, "unchanged") == 0;
}

GPtrArray *
messagerie_report_rendered_files (const char *output)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) messagerie_rendered_file_free);
  g_auto(GStrv) blocks = NULL;

  g_return_val_if_fail (output != NULL, files);

  blocks = g_strsplit (output, "==> ", -1);
  for (guint i = 1; blocks[i] != NULL; i++)
    {
      const char *body = strchr (blocks[i], '\n');
      g_autofree char *header = body ? g_strndup (blocks[i], body - blocks[i]) : g_strdup (blocks[i]);
      gboolean removed = g_str_has_suffix (header, " <== (removed)");
      MessagerieRenderedFile *file;

      if (!removed && !g_str_has_suffix (header, " <=="))
        continue;
      header[strlen (header) - strlen (removed ? " <== (removed)" : " <==")] = '\0';

      file = g_new0 (MessagerieRenderedFile, 1);
      file->path = g_steal_pointer (&header);
      /* The report's lines are joined without the last newline: only the
       * last file lost its own. */
      if (!removed)
        file->contents = body == NULL ? g_strdup ("")
                         : blocks[i + 1] == NULL && body[1] != '\0' && !g_str_has_suffix (body + 1, "\n")
                         ? g_strconcat (body + 1, "\n", NULL)
                         : g_strdup (body + 1);
      g_ptr_array_add (files, file);
    }

  return files;
}
