/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The mail activity an administrator asks about when an alert did not
 * arrive: the recent deliveries, from exim's main log (the core's
 * messagerie-mainlog reads each line). */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "messagerie-activity.h"
#include "messagerie-core.h"
#include "messagerie-files.h"
#include "messagerie-protocol.h"

/* Debian's logrotate keeps mainlog, mainlog.1 and mainlog.2.gz to
 * mainlog.10.gz. */
#define MAINLOG_DIR   "var/log/exim4"
#define MAX_ROTATED   10

/* The deliveries of one log file, oldest first, the older ones dropped so
 * that at most @last stay. FALSE when the file does not exist. */
static gboolean
read_log (int          log_dir_fd,
          const char  *name,
          guint        last,
          GQueue      *found,
          GError     **error)
{
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  int fd;

  fd = openat (log_dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return FALSE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot read /%s/%s: %s"), MAINLOG_DIR, name, g_strerror (saved_errno));
      return FALSE;
    }

  raw = g_unix_input_stream_new (fd, TRUE);
  if (g_str_has_suffix (name, ".gz"))
    {
      g_autoptr(GZlibDecompressor) gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      stream = g_converter_input_stream_new (raw, G_CONVERTER (gunzip));
    }
  else
    stream = g_object_ref (raw);

  lines = g_data_input_stream_new (stream);
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &read_error);
      MessagerieDelivery *delivery;

      if (read_error != NULL)
        {
          /* A line that is not UTF-8 is skipped, not the rest of the log. */
          if (g_error_matches (read_error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE))
            continue;
          g_propagate_prefixed_error (error, g_steal_pointer (&read_error),
                                      _("Cannot read /%s/%s: "), MAINLOG_DIR, name);
          return FALSE;
        }
      if (line == NULL)
        break;

      delivery = messagerie_delivery_parse (line);
      if (delivery == NULL)
        continue;
      g_queue_push_tail (found, delivery);
      if (found->length > last)
        messagerie_delivery_free (g_queue_pop_head (found));
    }

  return TRUE;
}

int
messagerie_activity_deliveries (const char *root,
                                guint       last)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GQueue all = G_QUEUE_INIT;
  int root_fd;
  int log_dir_fd;
  guint n = 0;

  root_fd = messagerie_root_open (root, &error);
  if (root_fd < 0)
    return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);
  log_dir_fd = messagerie_dir_open (root_fd, "/" MAINLOG_DIR, FALSE, 0, &error);
  close (root_fd);
  if (log_dir_fd < 0)
    return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);

  /* The newest file first; an older one only while fewer than @last were
   * found: each one's deliveries go before those already found. */
  for (guint i = 0; i <= MAX_ROTATED && all.length < last; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup ("mainlog")
                              : i == 1 ? g_strdup ("mainlog.1")
                              : g_strdup_printf ("mainlog.%u.gz", i);
      GQueue older = G_QUEUE_INIT;

      if (!read_log (log_dir_fd, name, last - all.length, &older, &error))
        {
          g_queue_clear_full (&older, (GDestroyNotify) messagerie_delivery_free);
          if (error != NULL)
            break;
          continue;
        }
      while (!g_queue_is_empty (&older))
        g_queue_push_head (&all, g_queue_pop_tail (&older));
    }
  close (log_dir_fd);

  if (error != NULL)
    {
      g_queue_clear_full (&all, (GDestroyNotify) messagerie_delivery_free);
      return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);
    }

  /* Newest first: the queue holds them oldest first. */
  while (!g_queue_is_empty (&all))
    {
      g_autoptr(MessagerieDelivery) d = g_queue_pop_tail (&all);

      messagerie_protocol_emit ("delivery", d->time, d->id,
                                messagerie_delivery_outcome_to_string (d->outcome),
                                d->recipient, d->host, d->detail, NULL);
      n++;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u delivery in exim's log.",
                                          "%u deliveries in exim's log.", n), n);
  return messagerie_protocol_result (MESSAGERIE_RESULT_OK, message);
}
