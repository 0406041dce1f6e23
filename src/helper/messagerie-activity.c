/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The mail activity an administrator asks about when an alert did not
 * arrive: the recent deliveries, from exim's main log (the core's
 * messagerie-mainlog reads each line), and exim's queue (exim4 -bp, the
 * spool's header and message log files), retried or emptied. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "messagerie-activity.h"
#include "messagerie-backups.h"
#include "messagerie-command.h"
#include "messagerie-core.h"
#include "messagerie-exim.h"
#include "messagerie-files.h"
#include "messagerie-protocol.h"

/* Debian's logrotate keeps mainlog, mainlog.1 and mainlog.2.gz to
 * mainlog.10.gz. */
#define MAINLOG_DIR   "var/log/exim4"
#define MAX_ROTATED   10
/* How far back status looks for the gateway's last outcomes. */
#define STATUS_SCAN   1000

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

/* The newest @last deliveries of the main log and the rotated ones, oldest
 * first, in @all: the newest file first, an older one only while fewer
 * than @last were found, each one's deliveries put before the others. */
static gboolean
read_newest (int       log_dir_fd,
             guint     last,
             GQueue   *all,
             GError  **error)
{
  for (guint i = 0; i <= MAX_ROTATED && all->length < last; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup ("mainlog")
                              : i == 1 ? g_strdup ("mainlog.1")
                              : g_strdup_printf ("mainlog.%u.gz", i);
      g_autoptr(GError) local_error = NULL;
      GQueue older = G_QUEUE_INIT;

      if (!read_log (log_dir_fd, name, last - all->length, &older, &local_error))
        {
          g_queue_clear_full (&older, (GDestroyNotify) messagerie_delivery_free);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          continue;
        }
      while (!g_queue_is_empty (&older))
        g_queue_push_head (all, g_queue_pop_tail (&older));
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
  g_auto(MessagerieFd) root_fd = -1;
  g_auto(MessagerieFd) log_dir_fd = -1;
  guint n = 0;

  root_fd = messagerie_root_open (root, &error);
  if (root_fd < 0)
    return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);
  log_dir_fd = messagerie_dir_open (root_fd, "/" MAINLOG_DIR, FALSE, 0, &error);
  /* No log at all (exim never ran): no delivery. */
  if (log_dir_fd < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return messagerie_protocol_result (MESSAGERIE_RESULT_OK, _("exim has no log yet."));
  if (log_dir_fd < 0)
    return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);

  read_newest (log_dir_fd, last, &all, &error);

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

/* ------------------------------------------------------------------ */
/* The queue */

/* exim4, with the configuration under @root when one is given. */
static GPtrArray *
exim_argv (const char *root)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_autofree char *conf = root != NULL && !g_str_equal (root, "/")
                         ? g_build_filename (root, MESSAGERIE_PATH_AUTOGENERATED, NULL) : NULL;

  g_ptr_array_add (argv, g_strdup (MESSAGERIE_EXIM4));
  /* A root that was never applied (the demo's) has no configuration of
   * its own: exim's queue is the machine's anyway. */
  if (conf != NULL && g_file_test (conf, G_FILE_TEST_EXISTS))
    {
      g_ptr_array_add (argv, g_strdup ("-C"));
      g_ptr_array_add (argv, g_steal_pointer (&conf));
    }
  return argv;
}

/* Runs exim4 with @args after the configuration, whatever its status. */
static gboolean
exim_command (const char         *root,
              const char *const  *args,
              MessagerieCommand  *command,
              GError            **error)
{
  g_autoptr(GPtrArray) argv = exim_argv (root);

  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  return messagerie_command_run ((const char *const *) argv->pdata, NULL, command, error);
}

/* The same, its output, or NULL with the message of its failure. */
static char *
run_exim (const char  *root,
          const char  *const *args,
          char       **failure)
{
  g_auto(MessagerieCommand) command = { 0 };
  g_autoptr(GError) error = NULL;

  if (!exim_command (root, args, &command, &error))
    {
      *failure = g_strdup (error->message);
      return NULL;
    }
  if (command.status != 0)
    {
      *failure = command.err && *command.err ? g_strdup (command.err)
                 : g_strdup_printf (_("exim4 %s failed with status %d."), args[0], command.status);
      return NULL;
    }
  return g_steal_pointer (&command.out);
}

/* A value of exim's configuration (exim4 -bP NAME). */
static char *
exim_option (const char *root,
             const char *name)
{
  const char *args[] = { "-bP", name, NULL };
  g_autofree char *failure = NULL;
  g_autofree char *out = run_exim (root, args, &failure);
  g_autofree char *prefix = g_strdup_printf ("%s = ", name);

  if (out == NULL || !g_str_has_prefix (out, prefix))
    return NULL;
  return g_strstrip (g_strdup (out + strlen (prefix)));
}

typedef struct {
  char      *id;
  guint64    size;
  char      *sender;
  gboolean   frozen;
  GPtrArray *recipients;   /* the ones not delivered yet */
} QueuedMessage;

static void
queued_message_free (QueuedMessage *message)
{
  g_free (message->id);
  g_free (message->sender);
  g_ptr_array_unref (message->recipients);
  g_free (message);
}

/* "417", "2.0K", "1.5M" (exim -bp's size column) in bytes. */
static guint64
parse_size (const char *text)
{
  double value = g_ascii_strtod (text, NULL);
  char unit = text[strlen (text) - 1];

  if (unit == 'K')
    value *= 1024;
  else if (unit == 'M')
    value *= 1024 * 1024;
  return (guint64) value;
}

/* exim4 -bp: per message, "AGE SIZE ID <SENDER> [*** frozen ***]", then
 * one line per recipient, "D " before the delivered ones, then a blank
 * line. */
static GPtrArray *
parse_queue (const char *listing)
{
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_message_free);
  QueuedMessage *current = NULL;

  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) words = NULL;
      const char *line = lines[i];

      if (*line == '\0')
        {
          current = NULL;
          continue;
        }
      if (current != NULL && g_ascii_isspace (*line))
        {
          const char *p = line;

          while (g_ascii_isspace (*p))
            p++;
          if (!g_str_has_prefix (p, "D ") && !g_str_has_prefix (p, "+D "))
            g_ptr_array_add (current->recipients, g_strdup (p));
          continue;
        }

      words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      {
        g_autoptr(GPtrArray) fields = g_ptr_array_new ();

        for (guint w = 0; words[w]; w++)
          if (*words[w] != '\0')
            g_ptr_array_add (fields, words[w]);
        if (fields->len < 4)
          continue;
        current = g_new0 (QueuedMessage, 1);
        current->size = parse_size (g_ptr_array_index (fields, 1));
        current->id = g_strdup (g_ptr_array_index (fields, 2));
        current->sender = g_strdup (g_ptr_array_index (fields, 3));
        if (current->sender[0] == '<')
          {
            gsize len = strlen (current->sender);

            memmove (current->sender, current->sender + 1, len);
            if (len >= 2 && current->sender[len - 2] == '>')
              current->sender[len - 2] = '\0';
          }
        current->frozen = strstr (line, "*** frozen ***") != NULL;
        current->recipients = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (messages, current);
      }
    }

  return messages;
}

/* From the spool: when @id was received (its -H file's fourth line), and
 * whether a delivery was ever tried (no -deliver_firsttime). */
static gboolean
read_spool_header (const char *spool,
                   const char *id,
                   gint64     *received,
                   gboolean   *tried)
{
  g_autofree char *path = g_strdup_printf ("%s/input/%s-H", spool, id);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  if (g_strv_length (lines) < 4)
    return FALSE;
  *received = g_ascii_strtoll (lines[3], NULL, 10);
  *tried = TRUE;
  for (guint i = 4; lines[i] && lines[i][0] == '-'; i++)
    if (g_str_equal (lines[i], "-deliver_firsttime"))
      *tried = FALSE;
  return TRUE;
}

/* The last temporary error of @id, from its message log. */
static char *
last_error (const char *spool,
            const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/msglog/%s", spool, id);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  char *found = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *with_id = NULL;
      g_autoptr(MessagerieDelivery) delivery = NULL;

      /* The message log's lines carry no id, and a deferral there no
       * "==": "TIME ADDRESS … defer (ERRNO): REASON". */
      if (strlen (lines[i]) < 20 || strstr (lines[i] + 20, " defer (") == NULL)
        continue;
      with_id = g_strdup_printf ("%.19s %s == %s", lines[i], id, lines[i] + 20);
      delivery = messagerie_delivery_parse (with_id);
      if (delivery != NULL && delivery->outcome == MESSAGERIE_DELIVERY_DEFERRED)
        {
          g_free (found);
          found = g_steal_pointer (&delivery->detail);
        }
    }
  return found ? found : g_strdup ("");
}

static GPtrArray *
list_queue (const char  *root,
            char       **failure)
{
  const char *args[] = { "-bp", NULL };
  g_autofree char *listing = run_exim (root, args, failure);

  return listing ? parse_queue (listing) : NULL;
}

int
messagerie_activity_queue (const char *root)
{
  g_autofree char *failure = NULL;
  g_autofree char *spool = exim_option (root, "spool_directory");
  g_autoptr(GPtrArray) messages = list_queue (root, &failure);
  g_autofree char *message = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (messages == NULL)
    return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, failure);

  for (guint i = 0; i < messages->len; i++)
    {
      QueuedMessage *m = g_ptr_array_index (messages, i);
      gint64 received = now;
      gboolean tried = TRUE;
      g_autofree char *age = NULL;
      g_autofree char *size = NULL;
      g_autofree char *error = NULL;
      g_autofree char *recipients = NULL;
      const char *state;

      if (spool != NULL)
        read_spool_header (spool, m->id, &received, &tried);
      state = m->frozen ? "frozen" : tried ? "deferred" : "waiting";
      error = spool ? last_error (spool, m->id) : g_strdup ("");
      g_ptr_array_add (m->recipients, NULL);
      recipients = g_strjoinv (",", (char **) m->recipients->pdata);
      g_ptr_array_remove_index (m->recipients, m->recipients->len - 1);
      age = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (now - received, 0));
      size = g_strdup_printf ("%" G_GUINT64_FORMAT, m->size);
      messagerie_protocol_emit ("message", m->id, age, size, state, m->sender, recipients, error, NULL);
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message in exim's queue.",
                                          "%u messages in exim's queue.", messages->len),
                             messages->len);
  return messagerie_protocol_result (MESSAGERIE_RESULT_OK, message);
}

/* Whether @id is a message id exim could have given: nothing else reaches
 * its command line. */
static gboolean
is_message_id (const char *id)
{
  gsize n = strlen (id);

  return (n == 16 || n == 23) && id[6] == '-' &&
         strspn (id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == n;
}

/* The outcomes exim4 -v -M printed ("delivering ID", then "LOG: MAIN" and
 * the log line without its time and id), as delivery lines. */
static guint
emit_forced_outcomes (const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *current = NULL;
  guint n = 0;

  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "delivering "))
        {
          g_free (current);
          current = g_strstrip (g_strdup (lines[i] + strlen ("delivering ")));
        }
      else if (g_str_equal (lines[i], "LOG: MAIN") && lines[i + 1] != NULL && current != NULL)
        {
          g_autofree char *line = g_strdup_printf ("%s %s %s", stamp, current,
                                                   g_strchug (lines[i + 1]));
          g_autoptr(MessagerieDelivery) d = messagerie_delivery_parse (line);

          if (d != NULL)
            {
              messagerie_protocol_emit ("delivery", d->time, d->id,
                                        messagerie_delivery_outcome_to_string (d->outcome),
                                        d->recipient, d->host, d->detail, NULL);
              n++;
            }
        }
    }
  return n;
}

int
messagerie_activity_queue_retry (const char         *root,
                                 const char *const  *ids,
                                 gboolean            all)
{
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *message = NULL;
  guint outcomes = 0;

  if (all)
    {
      g_autofree char *failure = NULL;
      g_autoptr(GPtrArray) messages = list_queue (root, &failure);

      if (messages == NULL)
        return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, failure);
      for (guint i = 0; i < messages->len; i++)
        g_ptr_array_add (wanted, g_strdup (((QueuedMessage *) g_ptr_array_index (messages, i))->id));
    }
  else
    for (guint i = 0; ids[i]; i++)
      {
        if (!is_message_id (ids[i]))
          {
            g_autofree char *bad = g_strdup_printf (_("“%s” is not an exim message id."), ids[i]);

            return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, bad);
          }
        g_ptr_array_add (wanted, g_strdup (ids[i]));
      }

  for (guint i = 0; i < wanted->len; i++)
    {
      /* A forced delivery (-M) ignores the retry times exim keeps for the
       * message and its hosts: a configuration just fixed is tried now. */
      const char *args[] = { "-v", "-M", g_ptr_array_index (wanted, i), NULL };
      g_auto(MessagerieCommand) command = { 0 };
      g_autoptr(GError) error = NULL;

      /* A delivery that fails makes exim exit non-zero: its outcomes say it. */
      if (!exim_command (root, args, &command, &error))
        return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);
      outcomes += emit_forced_outcomes (command.out);
      outcomes += emit_forced_outcomes (command.err);
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message tried again.",
                                          "%u messages tried again.", wanted->len), wanted->len);
  return messagerie_protocol_result (MESSAGERIE_RESULT_OK, message);
}

int
messagerie_activity_queue_delete (const char        *root,
                                  const char *const *ids)
{
  guint removed = 0;
  guint n = 0;
  g_autofree char *message = NULL;

  for (; ids[n]; n++)
    if (!is_message_id (ids[n]))
      {
        g_autofree char *bad = g_strdup_printf (_("“%s” is not an exim message id."), ids[n]);

        return messagerie_protocol_result (MESSAGERIE_RESULT_USAGE, bad);
      }

  for (guint i = 0; ids[i]; i++)
    {
      const char *args[] = { "-Mrm", ids[i], NULL };
      g_autofree char *failure = NULL;
      g_autofree char *out = run_exim (root, args, &failure);

      if (out != NULL && strstr (out, "has been removed\n") == NULL && !g_str_has_suffix (out, "has been removed"))
        {
          g_free (failure);
          failure = g_strdup (out);
          g_clear_pointer (&out, g_free);
        }
      if (out != NULL)
        {
          messagerie_protocol_emit ("removed", ids[i], "", NULL);
          removed++;
        }
      else
        messagerie_protocol_emit ("not-removed", ids[i], failure, NULL);
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message removed from the queue.",
                                          "%u messages removed from the queue.", removed), removed);
  return messagerie_protocol_result (removed == n ? MESSAGERIE_RESULT_OK : MESSAGERIE_RESULT_FAILED,
                                     message);
}

/* ------------------------------------------------------------------ */
/* The status */

#define EXIM_PID_FILE "/run/exim4/exim.pid"

/* A file's modification time under @root_fd, ISO 8601 in local time, or
 * NULL. */
static char *
file_time (int         root_fd,
           const char *path)
{
  struct stat st;
  g_autoptr(GDateTime) date = NULL;

  if (fstatat (root_fd, path + 1, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return NULL;
  date = g_date_time_new_from_unix_local (st.st_mtime);
  return g_date_time_format (date, "%Y-%m-%dT%H:%M:%S%:z");
}

/* Whether exim runs: the pid its daemon wrote, alive. */
static gboolean
exim_running (int root_fd)
{
  g_autoptr(MessagerieFileState) pid_file = messagerie_file_read (root_fd, EXIM_PID_FILE, NULL);
  g_autofree char *text = NULL;
  guint64 pid;

  if (pid_file == NULL || !pid_file->exists)
    return FALSE;
  text = g_strstrip (g_strndup ((const char *) pid_file->data, pid_file->length));
  return messagerie_parse_uint (text, G_MAXINT, &pid) && pid > 1 && kill ((pid_t) pid, 0) == 0;
}

/* The newest of @deliveries (oldest first) that went through the gateway
 * (exim's smarthost routers), delivered or not as @delivered says. */
static MessagerieDelivery *
last_gateway_delivery (GQueue   *deliveries,
                       gboolean  delivered)
{
  for (GList *l = deliveries->tail; l != NULL; l = l->prev)
    {
      MessagerieDelivery *d = l->data;

      if (!g_str_equal (d->router, "smarthost") && !g_str_equal (d->router, "hub_user_smarthost"))
        continue;
      if ((d->outcome == MESSAGERIE_DELIVERY_DELIVERED) == delivered)
        return d;
    }
  return NULL;
}

static void
emit_gateway (const char         *what,
              MessagerieDelivery *d)
{
  if (d == NULL)
    messagerie_protocol_emit ("status", what, "", "", "", "", "", NULL);
  else
    messagerie_protocol_emit ("status", what, d->time, d->id,
                              messagerie_delivery_outcome_to_string (d->outcome),
                              d->recipient, d->detail, NULL);
}

int
messagerie_activity_status (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *applied = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *since = NULL;
  g_autofree char *count = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  GQueue deliveries = G_QUEUE_INIT;
  g_auto(MessagerieFd) root_fd = -1;
  g_auto(MessagerieFd) log_dir_fd = -1;
  gboolean running;

  root_fd = messagerie_root_open (root ? root : "/", &error);
  if (root_fd < 0)
    return messagerie_protocol_result (MESSAGERIE_RESULT_FAILED, error->message);

  running = exim_running (root_fd);
  since = running ? file_time (root_fd, EXIM_PID_FILE) : NULL;
  messagerie_protocol_emit ("status", "exim", running ? "running" : "stopped", since ? since : "", NULL);

  messages = list_queue (root, &failure);
  count = g_strdup_printf ("%u", messages ? messages->len : 0);
  messagerie_protocol_emit ("status", "queue", messages ? count : "", messages ? "" : failure, NULL);

  applied = file_time (root_fd, MESSAGERIE_PATH_SETTINGS);
  backup = messagerie_backups_newest (root ? root : "/");
  messagerie_protocol_emit ("status", "applied", applied ? applied : "", backup ? backup : "", NULL);

  /* The last outcomes through the gateway, among the newest 1000. */
  log_dir_fd = messagerie_dir_open (root_fd, "/" MAINLOG_DIR, FALSE, 0, NULL);
  if (log_dir_fd >= 0)
    read_newest (log_dir_fd, STATUS_SCAN, &deliveries, NULL);

  emit_gateway ("gateway-delivered", last_gateway_delivery (&deliveries, TRUE));
  emit_gateway ("gateway-failed", last_gateway_delivery (&deliveries, FALSE));
  g_queue_clear_full (&deliveries, (GDestroyNotify) messagerie_delivery_free);

  return messagerie_protocol_result (MESSAGERIE_RESULT_OK,
                                     running ? _("exim is running.") : _("exim is not running."));
}
