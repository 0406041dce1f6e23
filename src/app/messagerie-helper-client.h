/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "messagerie-core.h"

G_BEGIN_DECLS

/* pkexec's own exit statuses, never the helper's. */
typedef enum {
  MESSAGERIE_PKEXEC_DISMISSED = 126,
  MESSAGERIE_PKEXEC_NOT_AUTHORIZED = 127,
} MessageriePkexecStatus;

/* Called in the caller's main context for each line the helper prints. */
typedef void (*MessagerieHelperLineFunc) (MessagerieReport     *report,
                                          MessagerieReportLine  kind,
                                          gpointer              user_data);

/* Runs the helper's @verb (with @argument, may be NULL) and @input (may be
 * NULL) on its standard input, reading its report as it comes: against
 * @root directly; without a root, through pkexec when @privileged, else
 * the installed helper directly. */
void              messagerie_helper_run_async   (const char               *root,
                                                 gboolean                  privileged,
                                                 const char               *verb,
                                                 const char               *argument,
                                                 GBytes                   *input,
                                                 MessagerieHelperLineFunc  line_func,
                                                 gpointer                  line_data,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);
/* The report, and the exit status in @exit_status (see
 * MessageriePkexecStatus). NULL with @error set when the helper could not run. */
MessagerieReport *messagerie_helper_run_finish  (GAsyncResult  *result,
                                                 int           *exit_status,
                                                 GError       **error);

G_END_DECLS
