/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placeholder: the rules land in the next commit. */
#include "messagerie-rules.h"
