/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-secret.h"
#include "messagerie-settings.h"
#include "messagerie-rules.h"
#include "messagerie-render.h"
#include "messagerie-mainlog.h"
#include "messagerie-report.h"
#include "messagerie-probe.h"
#include "messagerie-detect.h"
#include "messagerie-service-state.h"

G_BEGIN_DECLS

/* Binds the gettext domain once; every entry point calls it. */
void  messagerie_core_init_i18n (void);
/* An ISO 8601 time (a backup's, a log's) in local time, for people:
 * "27 novembre 2026 à 18 h 30"; @iso8601 itself when it is none. */
char *messagerie_format_time    (const char *iso8601);

G_END_DECLS
