/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MESSAGERIE_TYPE_APPLICATION (messagerie_application_get_type ())
G_DECLARE_FINAL_TYPE (MessagerieApplication, messagerie_application, MESSAGERIE, APPLICATION, AdwApplication)

MessagerieApplication *messagerie_application_new (void);

G_END_DECLS
