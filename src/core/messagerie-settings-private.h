/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the two halves of MessagerieSettings share: the instance, and the
 * signal the file half emits after a load. Not for the rest of the core. */

#include "messagerie-settings.h"

G_BEGIN_DECLS

struct _MessagerieSettings
{
  GObject     parent_instance;

  /* The file as read, comments and unknown keys included. */
  GKeyFile   *keyfile;
  /* Values given by the file or set since: key name → string. */
  GHashTable *values;
  /* Fallbacks computed on demand, dropped on every change. */
  GHashTable *computed;

  char       *password;
  char       *host_name;
  char       *fqdn;
};

void messagerie_settings_emit_changed (MessagerieSettings *self,
                                       const char         *key);

G_END_DECLS
