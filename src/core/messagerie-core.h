/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-settings.h"
#include "messagerie-rules.h"
#include "messagerie-render.h"
#include "messagerie-mainlog.h"
#include "messagerie-report.h"
#include "messagerie-probe.h"
#include "messagerie-detect.h"

G_BEGIN_DECLS

/* Binds the gettext domain once; every entry point calls it. */
void messagerie_core_init_i18n (void);

G_END_DECLS
