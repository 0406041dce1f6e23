/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the renderer's files (messagerie-render.c, -render-acl.c,
 * -render-services.c) share, and nothing outside the core uses. */

#include <glib.h>

G_BEGIN_DECLS

/* @contents as lines without their terminators; a final newline does not
 * make an extra empty line. NULL or empty: no line. */
char **messagerie_render_split_lines (const char *contents);

G_END_DECLS
