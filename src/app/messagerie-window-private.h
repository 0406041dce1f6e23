/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What messagerie-window.c (the shell: pages, fields, modes, closing) and
 * messagerie-window-actions.c (the helper's runs: apply, test message,
 * restore) share. */

#include "messagerie-activity-page.h"
#include "messagerie-editor.h"
#include "messagerie-field.h"
#include "messagerie-password-keeper.h"
#include "messagerie-relay-page.h"
#include "messagerie-sending-page.h"
#include "messagerie-services-page.h"
#include "messagerie-window.h"

G_BEGIN_DECLS

struct _MessagerieWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwViewStack           *stack;
  AdwToastOverlay        *toast_overlay;
  MessagerieServicesPage *services_page;
  MessagerieSendingPage  *sending_page;
  MessagerieRelayPage    *relay_page;
  MessagerieActivityPage *activity_page;
  GtkRevealer            *progress_revealer;
  GtkLabel               *progress_label;
  GtkRevealer            *applied_revealer;
  GtkLabel               *applied_label;

  /* Owned */
  MessagerieEditor         *editor;
  GPtrArray                *fields;     /* MessagerieField, in the order of the pages */
  MessageriePasswordKeeper *keeper;
  /* The copy of the system the window works on, NULL for the system
   * itself (through pkexec). */
  char                     *root;
  /* Set while the helper runs. */
  GCancellable             *helper_run;
  GSettings                *state;      /* NULL without the installed schema */
  MessagerieMode            view;
  /* What the last "Discard Changes" discarded, while its toast offers to
   * bring it back. */
  MessagerieSettings       *discarded;
  AdwToast                 *discarded_toast;

  /* The question asked when closing with unapplied changes, while shown. */
  GtkWidget                *close_dialog;
  /* Set once the user chose to discard them: the next close goes through. */
  gboolean                  close_confirmed;
  /* Set when the user chose to apply them: the window closes on success. */
  gboolean                  close_after_apply;
};

MessagerieField    *messagerie_window_find_field    (MessagerieWindow *self,
                                                     const char       *key);
void                messagerie_window_show_first_error (MessagerieWindow *self);
void                messagerie_window_applied       (MessagerieWindow *self);
MessagerieSettings *messagerie_window_read_settings (MessagerieWindow  *self,
                                                     GError           **error);

void                messagerie_window_apply         (MessagerieWindow *self);
void                messagerie_window_review        (MessagerieWindow *self);
void                messagerie_window_test_mail     (MessagerieWindow *self);
void                messagerie_window_restore       (MessagerieWindow *self);

G_END_DECLS
