/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "messagerie-core.h"

G_BEGIN_DECLS

/* What the settings need of the exim binary that it may lack: a finding on
 * the key that needs it (antispam: content scanning, which Debian's
 * exim4-daemon-light is built without), or NULL. @exim is the binary;
 * what it can do is kept under @root (NULL for "/"), for the next run. */
MessagerieFinding *messagerie_exim_missing_feature (MessagerieSettings *settings,
                                                    const char         *exim,
                                                    const char         *root);

G_END_DECLS
