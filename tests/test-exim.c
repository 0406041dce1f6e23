/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The rendered exim4 configuration, checked by the real exim of the machine
 * (Debian 12: exim 4.96 and Debian's exim4-config packaging).
 *
 * Each case renders a settings file against the fixtures of tests/data/exim
 * (Debian's stock update-exim4.conf.conf, an administrator's localmacros with
 * a macro Messagerie now manages and a block left by an earlier apply, and a
 * passwd.client with lines of the administrator's), writes the result into a
 * fresh copy of /etc/exim4's templates, and asks exim what it makes of it:
 * update-exim4.conf, exim4 -bV, -bt, -bP, -be and -brw. Nothing under /etc is
 * written.
 *
 * Needs root, exim4-daemon-heavy, an (empty) /etc/exim4/exim4.conf.localmacros
 * (update-exim4.conf -d only includes CONFDIR/exim4.conf.localmacros when that
 * one exists) and "127.0.0.2 smtp.messagerie.test" in /etc/hosts. The test
 * setup script provides them; when one is missing every case fails and says
 * which. Set MESSAGERIE_KEEP_TMP=1 to keep the temporary directories. */

#include <errno.h>
#include <grp.h>
#include <locale.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "messagerie-core-private.h"
#include "messagerie-render.h"
#include "messagerie-rules.h"
#include "messagerie-settings.h"
#include "test-util.h"

#define GATEWAY_IPV4 "192.0.2.25"
#define GATEWAY_IPV6 "2001:db8::25"
#define GATEWAY_NAME "smtp.messagerie.test"
#define GATEWAY_NAME_ADDRESS "127.0.0.2"
#define MAIL_DOMAIN "i-scribe.monetab.lan"
#define PRIMARY_HOSTNAME "scribe.monetab.lan"
#define TEST_RECIPIENT "someone@example.org"
/* A name exim might get from reverse DNS: only the "*" line matches it. */
#define OTHER_REVERSE_NAME "reverse.dns.example"

/* The administrator's lines of the fixtures. */
#define ADMIN_MACRO_LINE "REMOTE_SMTP_HELO_DATA = mail.monetab.lan"
#define ADMIN_HELO "mail.monetab.lan"
#define ADMIN_SIZE_LINE "MESSAGE_SIZE_LIMIT = 5M"
#define OTHER_GATEWAY "gw.other.example"
#define OTHER_GATEWAY_DATA "otheruser:other:pass"

#define PASSWORD_COLON_CARET "s3cr:et^pass"
#define PASSWORD_HARD "^Début:de:passe^^fin"
#define PASSWORD_PLAIN "simple-password"

#define NAME_ASCII "L'administrateur \"Scribe\""
#define NAME_UTF8 "« Serveur Éole »"
/* What either of exim's decoders, its macro substitution or a rewrite list
 * would take for syntax: a macro name, an expansion, braces, a backslash, a
 * list separator, quotes. */
#define NAME_SYNTAX "Poste \"Scribe\" \\ $primary_hostname {x} : DCsmarthost"

typedef enum {
  GW_IPV4,
  GW_IPV6,
  GW_NAME,
} Gateway;

typedef struct {
  const char *path;
  const char *module;         /* "scribe" (configtype smarthost) or "other" (satellite) */
  gboolean    relay;
  const char *tls;            /* relay_tls */
  const char *port;           /* relay_port, NULL to leave it empty */
  gboolean    implicit;       /* relay_custom_implicit_tls */
  Gateway     gateway;
  const char *user;           /* relay_user, NULL: relay_auth=false */
  const char *password;
  gboolean    verify;         /* relay_tls_verify */
  const char *sender;         /* root_sender */
  const char *name;           /* root_sender_name */
  gboolean    rewrite;        /* rewrite_headers */
  const char *size_mb;        /* max_message_size_mb, NULL: the default (10) */
  /* What exim must make of it. */
  guint       port_expected;
  gboolean    smtps_expected;
} EximCase;

#define SENDER "admin@monetab.lan"

/* TLS choice × gateway type is fully covered with relay on (18 cases); auth,
 * module, certificate check, sender name, header rewriting and size vary
 * across them. Values that only hide rows (a custom port or the SMTPS switch
 * left over from another TLS choice, authentication left on while relaying
 * is off) must have no effect. */
static const EximCase cases[] = {
  /* TLS no */
  { "/exim/smarthost/no/ipv4/auth",
    "scribe", TRUE, "no", NULL, FALSE, GW_IPV4, "relais@monetab.lan", PASSWORD_COLON_CARET,
    TRUE, SENDER, "", FALSE, NULL, 25, FALSE },
  { "/exim/satellite/no/ipv6/noauth",
    "other", TRUE, "no", NULL, FALSE, GW_IPV6, NULL, NULL,
    TRUE, SENDER, "", FALSE, "25", 25, FALSE },
  { "/exim/smarthost/no/hostname/noauth/name-ascii",
    "scribe", TRUE, "no", NULL, FALSE, GW_NAME, NULL, NULL,
    TRUE, SENDER, NAME_ASCII, FALSE, NULL, 25, FALSE },

  /* port 25, STARTTLS */
  { "/exim/satellite/port-25/ipv4/auth/no-verify",
    "other", TRUE, "port-25", NULL, FALSE, GW_IPV4, "compte-smtp", PASSWORD_HARD,
    FALSE, SENDER, "", FALSE, NULL, 25, FALSE },
  { "/exim/smarthost/port-25/ipv6/noauth/rewrite",
    "scribe", TRUE, "port-25", NULL, FALSE, GW_IPV6, NULL, NULL,
    TRUE, SENDER, "", TRUE, NULL, 25, FALSE },
  { "/exim/satellite/port-25/hostname/auth/name-utf8",
    "other", TRUE, "port-25", NULL, FALSE, GW_NAME, "relais@monetab.lan", PASSWORD_COLON_CARET,
    TRUE, SENDER, NAME_UTF8, FALSE, NULL, 25, FALSE },

  /* port 465, implicit TLS; a custom port left over must not be used */
  { "/exim/smarthost/port-465/ipv4/noauth/name-utf8/rewrite",
    "scribe", TRUE, "port-465", "2525", FALSE, GW_IPV4, NULL, NULL,
    TRUE, SENDER, NAME_UTF8, TRUE, "25", 465, TRUE },
  { "/exim/satellite/port-465/ipv6/auth",
    "other", TRUE, "port-465", NULL, FALSE, GW_IPV6, "relais@monetab.lan", PASSWORD_HARD,
    TRUE, SENDER, "", FALSE, NULL, 465, TRUE },
  { "/exim/smarthost/port-465/hostname/auth/no-verify",
    "scribe", TRUE, "port-465", NULL, FALSE, GW_NAME, "compte-smtp", PASSWORD_COLON_CARET,
    FALSE, SENDER, "", FALSE, "2048", 465, TRUE },

  /* port 587, STARTTLS; the SMTPS switch left over must not be used */
  { "/exim/satellite/port-587/ipv4/noauth/name-ascii/rewrite",
    "other", TRUE, "port-587", NULL, TRUE, GW_IPV4, NULL, NULL,
    TRUE, SENDER, NAME_ASCII, TRUE, NULL, 587, FALSE },
  { "/exim/smarthost/port-587/ipv6/auth/no-verify/name-ascii",
    "scribe", TRUE, "port-587", NULL, FALSE, GW_IPV6, "relais@monetab.lan", PASSWORD_COLON_CARET,
    FALSE, SENDER, NAME_ASCII, FALSE, NULL, 587, FALSE },
  { "/exim/satellite/port-587/hostname/noauth/name-syntax",
    "other", TRUE, "port-587", NULL, FALSE, GW_NAME, NULL, NULL,
    TRUE, SENDER, NAME_SYNTAX, FALSE, "1", 587, FALSE },

  /* custom port 2525, STARTTLS */
  { "/exim/smarthost/custom-2525/ipv4/auth",
    "scribe", TRUE, "custom", "2525", FALSE, GW_IPV4, "compte-smtp", PASSWORD_PLAIN,
    TRUE, SENDER, "", FALSE, NULL, 2525, FALSE },
  { "/exim/satellite/custom-2525/ipv6/noauth/no-verify/rewrite",
    "other", TRUE, "custom", "2525", FALSE, GW_IPV6, NULL, NULL,
    FALSE, SENDER, "", TRUE, NULL, 2525, FALSE },
  { "/exim/smarthost/custom-2525/hostname/auth/name-utf8/rewrite",
    "scribe", TRUE, "custom", "2525", FALSE, GW_NAME, "relais@monetab.lan", PASSWORD_HARD,
    TRUE, "Admin.Scribe@MonEtab.lan", NAME_UTF8, TRUE, NULL, 2525, FALSE },

  /* custom port 2465, implicit TLS */
  { "/exim/satellite/custom-2465-smtps/ipv4/auth/name-utf8",
    "other", TRUE, "custom", "2465", TRUE, GW_IPV4, "relais@monetab.lan", PASSWORD_COLON_CARET,
    TRUE, SENDER, NAME_UTF8, FALSE, NULL, 2465, TRUE },
  { "/exim/smarthost/custom-2465-smtps/ipv6/auth/rewrite",
    "scribe", TRUE, "custom", "2465", TRUE, GW_IPV6, "compte-smtp", PASSWORD_HARD,
    TRUE, SENDER, "", TRUE, NULL, 2465, TRUE },
  { "/exim/satellite/custom-2465-smtps/hostname/noauth/no-verify/name-ascii",
    "other", TRUE, "custom", "2465", TRUE, GW_NAME, NULL, NULL,
    FALSE, SENDER, NAME_ASCII, FALSE, NULL, 2465, TRUE },

  /* relay off: configtype internet, whatever the relay rows still hold */
  { "/exim/internet/scribe/auth-left-on/name-ascii/rewrite",
    "scribe", FALSE, "port-465", NULL, FALSE, GW_NAME, "relais@monetab.lan", PASSWORD_COLON_CARET,
    TRUE, SENDER, NAME_ASCII, TRUE, NULL, 0, FALSE },
  { "/exim/internet/other/plain",
    "other", FALSE, "no", NULL, FALSE, GW_IPV4, NULL, NULL,
    TRUE, SENDER, "", FALSE, "1", 0, FALSE },
  { "/exim/internet/other/name-syntax/rewrite",
    "other", FALSE, "port-587", NULL, FALSE, GW_NAME, NULL, NULL,
    TRUE, SENDER, NAME_SYNTAX, TRUE, NULL, 0, FALSE },
  { "/exim/internet/scribe/name-utf8",
    "scribe", FALSE, "custom", "2465", TRUE, GW_IPV6, NULL, NULL,
    FALSE, SENDER, NAME_UTF8, FALSE, NULL, 0, FALSE },
};

/* Why the machine cannot run the cases, found once in main(). */
static GString *missing_prerequisites;
static char *exim_path;
static char *update_exim_path;

/* ------------------------------------------------------------------ */
/* Reporting */

/* Records a failure and goes on with the case's other checks. The details
 * (exim's output, a file) go to the log as "# " lines, the first line of
 * the message to the "not ok" line, so that the TAP stream stays valid. */
static void G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  g_auto(GStrv) lines = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  lines = g_strsplit (message, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (lines[i + 1] != NULL || *lines[i] != '\0')
      g_test_message ("%s", lines[i]);
  g_test_fail_printf ("%s", lines[0]);
}

#define CHECK(cond, ...) \
  G_STMT_START { \
    if (!(cond)) \
      fail (__VA_ARGS__); \
  } G_STMT_END

/* @text with every line indented, for messages that quote exim's output. */
static char *
indent (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;
      g_string_append_printf (out, "    | %s\n", lines[i]);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Files */

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "exim", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("fixture %s: %s", path, error->message);
  return contents;
}

static void
write_file (const char *path,
            const char *contents,
            guint       mode,
            const char *group)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, mode, &error))
    g_error ("%s: %s", path, error->message);
  /* g_file_set_contents_full applies the umask; set the mode exim will see. */
  if (g_chmod (path, mode) != 0)
    g_error ("chmod %s: %s", path, g_strerror (errno));
  if (group != NULL)
    {
      struct group *entry = getgrnam (group);

      if (entry == NULL)
        g_error ("group %s does not exist: is exim4 installed?", group);
      if (chown (path, 0, entry->gr_gid) != 0)
        g_error ("chown %s: %s", path, g_strerror (errno));
    }
}

/* ------------------------------------------------------------------ */
/* Running exim */

typedef struct {
  char *out;
  char *err;
  int   exit_code;    /* -1: did not exit normally */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the NULL-terminated argv (no shell), stdin closed. */
static void
run_argv (Run        *run,
          const char *first,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  gint64 start, elapsed;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  run_clear (run);
  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_STDIN_FROM_DEV_NULL,
                     NULL, NULL, &run->out, &run->err, &wait_status, &error))
    {
      run->out = g_strdup ("");
      run->err = g_strdup (error->message);
      run->exit_code = -1;
      return;
    }

  run->exit_code = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;

  /* exim asks DNS what /etc/hosts does not answer: say when it waits. */
  elapsed = g_get_monotonic_time () - start;
  if (elapsed > G_USEC_PER_SEC)
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);

      g_test_message ("slow (%.1f s): %s", (double) elapsed / G_USEC_PER_SEC, command);
    }
}

static char *
describe_run (const Run *run)
{
  g_autofree char *out = indent (run->out);
  g_autofree char *err = indent (run->err);

  return g_strdup_printf ("exit code %d\n  stdout:\n%s  stderr:\n%s", run->exit_code, out, err);
}

/* exim -be: the expansion of @expression, or NULL when it failed (exim
 * prints "Failed: …" and still exits 0). */
static char *
exim_expand (const char  *conf,
             const char  *expression,
             char       **failure)
{
  g_auto(Run) run = { 0 };

  run_argv (&run, exim_path, "-C", conf, "-be", expression, NULL);
  if (run.exit_code != 0 || g_str_has_prefix (run.out, "Failed:") || *run.err != '\0')
    {
      if (failure)
        *failure = describe_run (&run);
      return NULL;
    }

  if (failure)
    *failure = NULL;
  /* exim ends the result with a newline. */
  if (g_str_has_suffix (run.out, "\n"))
    run.out[strlen (run.out) - 1] = '\0';
  return g_steal_pointer (&run.out);
}

/* exim -bP output: "name = value" lines, "no_name" and "name" for booleans. */
static GHashTable *
parse_options (const char *text)
{
  GHashTable *options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      const char *equal = strstr (line, " = ");

      if (*line == '\0')
        continue;
      if (equal != NULL)
        g_hash_table_replace (options, g_strndup (line, equal - line), g_strstrip (g_strdup (equal + 3)));
      else if (g_str_has_suffix (line, " ="))
        g_hash_table_replace (options, g_strndup (line, strlen (line) - 2), g_strdup (""));
      else if (g_str_has_prefix (line, "no_"))
        g_hash_table_replace (options, g_strdup (line + 3), g_strdup ("false"));
      else
        g_hash_table_replace (options, g_strdup (line), g_strdup ("true"));
    }

  return options;
}

static GHashTable *
exim_options (const char  *conf,
              const char  *kind,
              const char  *name,
              char       **failure)
{
  g_auto(Run) run = { 0 };

  if (kind != NULL)
    run_argv (&run, exim_path, "-C", conf, "-bP", kind, name, NULL);
  else
    run_argv (&run, exim_path, "-C", conf, "-bP", name, NULL);

  if (run.exit_code != 0)
    {
      *failure = describe_run (&run);
      return NULL;
    }
  *failure = NULL;
  return parse_options (run.out);
}

/* An exim size ("10M", "2G", "512K", "1048576") in bytes, or -1. */
static gint64
parse_exim_size (const char *text)
{
  guint64 number;
  char *end;

  if (text == NULL || !g_ascii_isdigit (*text))
    return -1;
  number = g_ascii_strtoull (text, &end, 10);
  if (g_ascii_strcasecmp (end, "") == 0)
    return number;
  if (g_ascii_strcasecmp (end, "K") == 0)
    return number * 1024;
  if (g_ascii_strcasecmp (end, "M") == 0)
    return number * 1024 * 1024;
  if (g_ascii_strcasecmp (end, "G") == 0)
    return number * 1024 * 1024 * 1024;
  return -1;
}

/* ------------------------------------------------------------------ */
/* Reading what was rendered */

static const char *
gateway_host (Gateway gateway)
{
  switch (gateway)
    {
    case GW_IPV4: return GATEWAY_IPV4;
    case GW_IPV6: return GATEWAY_IPV6;
    case GW_NAME: return GATEWAY_NAME;
    default: g_assert_not_reached ();
    }
}

static gboolean
line_is_comment (const char *line)
{
  while (*line == ' ' || *line == '\t')
    line++;
  return *line == '#';
}

/* How many lines of @contents, comments aside, define macro @name. */
static guint
count_macro_definitions (const char *contents,
                         const char *name)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i]; i++)
    {
      const char *p = lines[i];

      while (*p == ' ' || *p == '\t')
        p++;
      if (!g_str_has_prefix (p, name))
        continue;
      p += strlen (name);
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '=')
        count++;
    }

  return count;
}

static gboolean
has_comment_containing (const char *contents,
                        const char *text)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (line_is_comment (lines[i]) && strstr (lines[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* The lsearch key of a passwd.client line, as exim reads it, or NULL for a
 * comment or an empty line. */
static char *
passwd_key (const char *line)
{
  const char *end;

  if (*line == '\0' || *line == '#' || g_ascii_isspace (*line))
    return NULL;
  if (*line == '"')
    {
      end = strchr (line + 1, '"');
      return end ? g_strndup (line + 1, end - line - 1) : NULL;
    }
  end = line + strcspn (line, ": \t");
  return g_strndup (line, end - line);
}

static guint
count_passwd_entries (const char *contents,
                      const char *key)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line_key = passwd_key (lines[i]);

      if (line_key != NULL && g_ascii_strcasecmp (line_key, key) == 0)
        count++;
    }
  return count;
}

/* @text with every '^' doubled, as Debian's PASSWDLINE macro makes it. */
static char *
double_carets (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "^", -1);

  return g_strjoinv ("^^", parts);
}

/* exim's list @text (colon-separated, "::" a literal colon) as its items. */
static GPtrArray *
split_exim_list (const char *text)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  GString *item = g_string_new (NULL);

  for (const char *p = text; ; p++)
    {
      if (*p == ':' && p[1] == ':')
        {
          g_string_append_c (item, ':');
          p++;
          continue;
        }
      if (*p == ':' || *p == '\0')
        {
          g_ptr_array_add (items, g_strstrip (g_strdup (item->str)));
          g_string_truncate (item, 0);
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (item, *p);
    }

  g_string_free (item, TRUE);
  return items;
}

/* The display name of a From: value 'PHRASE <address>': a quoted string or
 * RFC 2047 encoded words (B or Q, UTF-8). NULL with @why set when it is
 * neither. */
static char *
decode_phrase (const char  *phrase,
               char       **why)
{
  GString *out = g_string_new (NULL);

  *why = NULL;

  if (*phrase == '"')
    {
      const char *p = phrase + 1;

      for (; *p && *p != '"'; p++)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          g_string_append_c (out, *p);
        }
      if (*p != '"' || p[1] != '\0')
        {
          *why = g_strdup_printf ("unterminated quoted string or text after it: %s", phrase);
          g_string_free (out, TRUE);
          return NULL;
        }
      return g_string_free (out, FALSE);
    }

  {
    g_auto(GStrv) words = g_strsplit_set (phrase, " \t", -1);

    for (guint i = 0; words[i]; i++)
      {
        const char *word = words[i];
        g_auto(GStrv) fields = NULL;

        if (*word == '\0')
          continue;
        if (strlen (word) > 75)
          {
            *why = g_strdup_printf ("encoded word longer than 75 characters: %s", word);
            break;
          }
        fields = g_strsplit (word, "?", -1);
        if (g_strv_length (fields) != 5 || !g_str_equal (fields[0], "=") ||
            g_ascii_strcasecmp (fields[1], "UTF-8") != 0 || !g_str_equal (fields[4], "="))
          {
            *why = g_strdup_printf ("neither a quoted string nor UTF-8 encoded words: %s", phrase);
            break;
          }
        if (g_ascii_strcasecmp (fields[2], "B") == 0)
          {
            gsize len;
            g_autofree guchar *decoded = g_base64_decode (fields[3], &len);

            g_string_append_len (out, (const char *) decoded, len);
          }
        else if (g_ascii_strcasecmp (fields[2], "Q") == 0)
          {
            for (const char *p = fields[3]; *p; p++)
              {
                if (*p == '_')
                  g_string_append_c (out, ' ');
                else if (*p == '=' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
                  {
                    g_string_append_c (out, (char) (g_ascii_xdigit_value (p[1]) * 16 +
                                                    g_ascii_xdigit_value (p[2])));
                    p += 2;
                  }
                else
                  g_string_append_c (out, *p);
              }
          }
        else
          {
            *why = g_strdup_printf ("unknown encoding in %s", word);
            break;
          }
      }
  }

  if (*why != NULL)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The "from:" line of exim -brw's output. */
static char *
brw_from (const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      const char *p = lines[i];

      while (*p == ' ')
        p++;
      if (g_str_has_prefix (p, "from: "))
        return g_strdup (p + strlen ("from: "));
    }
  return NULL;
}

/* The line @number (from 1) of @path, for exim's "error in line N of". */
static char *
line_at_fault (const char *output)
{
  const char *at = strstr (output, "error in line ");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *of;
  g_autofree char *path = NULL;
  guint64 number;
  char *end;

  if (at == NULL)
    return g_strdup ("");
  at += strlen ("error in line ");
  number = g_ascii_strtoull (at, &end, 10);
  of = strstr (end, " of ");
  if (of == NULL)
    return g_strdup ("");
  of += strlen (" of ");
  path = g_strndup (of, strcspn (of, ":\n"));
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  lines = g_strsplit (contents, "\n", -1);
  if (number == 0 || number > g_strv_length (lines))
    return g_strdup ("");
  return g_strdup_printf ("  line %" G_GUINT64_FORMAT " of %s:\n    %s\n", number, path, lines[number - 1]);
}

/* ------------------------------------------------------------------ */
/* The case */

typedef struct {
  const EximCase *tc;
  char *dir;
  char *conf;
  char *macros;       /* as rendered, before the test's CONFDIR line */
  char *update_conf;
  char *passwd;       /* NULL when not rendered */
} Fixture;

static MessagerieSettings *
make_settings (const EximCase *tc)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MessagerieSettings) settings = NULL;

  data = g_strdup_printf ("[general]\n"
                          "machine_name=scribe\n"
                          "dns_domain=monetab.lan\n"
                          "containers=scribe;web;\n"
                          "module=%s\n"
                          "webmail=none\n"
                          "\n"
                          "[messagerie]\n"
                          "mail_domain=" MAIL_DOMAIN "\n"
                          "root_recipient=admin@monetab.lan\n",
                          tc->module);
  settings = messagerie_settings_new_from_data (data, strlen (data), &error);
  g_assert_no_error (error);

  messagerie_settings_set (settings, "root_sender", tc->sender);
  messagerie_settings_set (settings, "root_sender_name", tc->name);
  messagerie_settings_set (settings, "rewrite_headers", tc->rewrite ? "true" : "false");
  if (tc->size_mb != NULL)
    messagerie_settings_set (settings, "max_message_size_mb", tc->size_mb);
  messagerie_settings_set (settings, "relay_enabled", tc->relay ? "true" : "false");
  messagerie_settings_set (settings, "relay_host", gateway_host (tc->gateway));
  messagerie_settings_set (settings, "relay_tls", tc->tls);
  if (tc->port != NULL)
    messagerie_settings_set (settings, "relay_port", tc->port);
  messagerie_settings_set (settings, "relay_custom_implicit_tls", tc->implicit ? "true" : "false");
  messagerie_settings_set (settings, "relay_tls_verify", tc->verify ? "true" : "false");
  messagerie_settings_set (settings, "relay_auth", tc->user != NULL ? "true" : "false");
  if (tc->user != NULL)
    {
      messagerie_settings_set (settings, "relay_user", tc->user);
      messagerie_settings_set_password (settings, tc->password);
    }

  return g_steal_pointer (&settings);
}

/* Renders @tc into a fresh CONFDIR and runs update-exim4.conf and -bV.
 * FALSE (with the failure recorded) when there is nothing more to check. */
static gboolean
fixture_setup (Fixture        *fx,
               const EximCase *tc)
{
  g_autoptr(MessagerieSettings) settings = make_settings (tc);
  g_autoptr(GHashTable) existing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) etc = g_file_new_for_path ("/etc/exim4");
  g_autofree char *macros_with_confdir = NULL;
  g_autofree char *macros_path = NULL;
  g_autofree char *update_path = NULL;
  g_autofree char *passwd_path = NULL;
  MessagerieRenderedFile *file;
  g_auto(Run) run = { 0 };

  fx->tc = tc;

  /* The renderer's contract is for settings the rules accept. */
  findings = messagerie_validate (settings);
  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == MESSAGERIE_SEVERITY_ERROR)
        {
          fail ("the case's settings are refused by validation: %s %s: %s",
                finding->rule, finding->key, finding->message);
          return FALSE;
        }
    }

  g_hash_table_insert (existing, (gpointer) MESSAGERIE_PATH_UPDATE_CONF,
                       read_fixture ("update-exim4.conf.conf"));
  g_hash_table_insert (existing, (gpointer) MESSAGERIE_PATH_LOCALMACROS,
                       read_fixture ("exim4.conf.localmacros"));
  g_hash_table_insert (existing, (gpointer) MESSAGERIE_PATH_PASSWD_CLIENT,
                       read_fixture ("passwd.client"));

  files = messagerie_render (settings, existing, &error);
  if (files == NULL)
    {
      fail ("messagerie_render failed: %s", error->message);
      return FALSE;
    }

  fx->dir = g_dir_make_tmp ("messagerie-exim-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_file_new_for_path (fx->dir);
  g_test_message ("CONFDIR %s", fx->dir);

  /* A copy of the system's templates: update-exim4.conf reads them from CONFDIR. */
  {
    g_autoptr(GFile) template = g_file_get_child (etc, "exim4.conf.template");
    g_autoptr(GFile) template_copy = g_file_get_child (dir, "exim4.conf.template");
    g_autoptr(GFile) confd = g_file_get_child (etc, "conf.d");
    g_autoptr(GFile) confd_copy = g_file_get_child (dir, "conf.d");

    copy_tree (template, template_copy);
    copy_tree (confd, confd_copy);
  }

  file = messagerie_rendered_files_find (files, MESSAGERIE_PATH_UPDATE_CONF);
  if (file == NULL)
    {
      fail ("nothing rendered for %s", MESSAGERIE_PATH_UPDATE_CONF);
      return FALSE;
    }
  fx->update_conf = g_strdup (file->contents);
  update_path = g_build_filename (fx->dir, "update-exim4.conf.conf", NULL);
  write_file (update_path, file->contents, file->mode, file->group);

  file = messagerie_rendered_files_find (files, MESSAGERIE_PATH_LOCALMACROS);
  if (file == NULL)
    {
      fail ("nothing rendered for %s (the fixture is a non-split configuration)",
            MESSAGERIE_PATH_LOCALMACROS);
      return FALSE;
    }
  CHECK (file->mode == 0644 && file->group == NULL,
         "%s: mode %o group %s, expected 0644 root", file->path, file->mode, file->group);
  fx->macros = g_strdup (file->contents);
  /* Two lines for the test only. exim reads passwd.client from CONFDIR,
   * /etc/exim4 unless defined. And without a primary_hostname exim asks DNS
   * for the host name's IPv6 address at every start (/etc/hosts only has
   * IPv4 for it), which stalls for seconds when the resolver is slow or
   * absent; Debian's own dc_minimaldns sets this macro for the same reason. */
  macros_with_confdir = g_strdup_printf ("CONFDIR = %s\n"
                                         "MAIN_HARDCODE_PRIMARY_HOSTNAME = " PRIMARY_HOSTNAME "\n"
                                         "%s", fx->dir, file->contents);
  macros_path = g_build_filename (fx->dir, "exim4.conf.localmacros", NULL);
  write_file (macros_path, macros_with_confdir, file->mode, file->group);

  file = messagerie_rendered_files_find (files, MESSAGERIE_PATH_PASSWD_CLIENT);
  if (file != NULL)
    {
      CHECK (file->mode == 0640 && g_strcmp0 (file->group, "Debian-exim") == 0,
             "%s: mode %o group %s, expected 0640 Debian-exim", file->path, file->mode, file->group);
      fx->passwd = g_strdup (file->contents);
      passwd_path = g_build_filename (fx->dir, "passwd.client", NULL);
      write_file (passwd_path, file->contents, file->mode, file->group);
    }
  else
    fail ("no passwd.client rendered although one exists: the administrator's "
          "lines for %s would be lost or the old password kept", OTHER_GATEWAY);

  fx->conf = g_build_filename (fx->dir, "exim4.conf", NULL);

  run_argv (&run, update_exim_path, "-d", fx->dir, "-o", fx->conf, NULL);
  if (run.exit_code != 0)
    {
      g_autofree char *what = describe_run (&run);

      fail ("update-exim4.conf -d %s -o %s failed:\n%s", fx->dir, fx->conf, what);
      return FALSE;
    }

  run_argv (&run, exim_path, "-C", fx->conf, "-bV", NULL);
  if (run.exit_code != 0)
    {
      g_autofree char *what = describe_run (&run);
      g_autofree char *where = line_at_fault (run.err);
      g_autofree char *where_out = *where ? NULL : line_at_fault (run.out);
      g_autofree char *macros = indent (fx->macros);

      fail ("exim4 -C %s -bV refused the configuration:\n%s%s%s"
            "  rendered exim4.conf.localmacros:\n%s",
            fx->conf, what, where, where_out ? where_out : "", macros);
      return FALSE;
    }

  return TRUE;
}

static void
fixture_teardown (Fixture *fx)
{
  if (fx->dir != NULL)
    remove_tmp_dir (fx->dir);
  g_free (fx->dir);
  g_free (fx->conf);
  g_free (fx->macros);
  g_free (fx->update_conf);
  if (fx->passwd != NULL)
    explicit_bzero (fx->passwd, strlen (fx->passwd));
  g_free (fx->passwd);
}

/* 3. Routing: -bt names the smarthost router, the gateway and the port. */
static void
check_routing (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  g_auto(Run) run = { 0 };
  g_autofree char *what = NULL;

  run_argv (&run, exim_path, "-C", fx->conf, "-bt", TEST_RECIPIENT, NULL);
  what = describe_run (&run);

  if (tc->relay)
    {
      g_autofree char *host_line = NULL;
      g_autofree char *port = g_strdup_printf (" port=%u\n", tc->port_expected);

      if (tc->gateway == GW_NAME)
        host_line = g_strdup_printf ("  host %s [%s]", GATEWAY_NAME, GATEWAY_NAME_ADDRESS);
      else
        host_line = g_strdup_printf ("  host %s [%s]", gateway_host (tc->gateway), gateway_host (tc->gateway));

      CHECK (run.exit_code == 0, "exim4 -bt %s failed%s:\n%s", TEST_RECIPIENT,
             tc->gateway == GW_NAME ? " (is \"" GATEWAY_NAME_ADDRESS " " GATEWAY_NAME "\" in /etc/hosts?)" : "",
             what);
      CHECK (strstr (run.out, "router = smarthost, transport = remote_smtp_smarthost\n") != NULL,
             "exim4 -bt %s: expected router smarthost and transport remote_smtp_smarthost:\n%s",
             TEST_RECIPIENT, what);
      CHECK (strstr (run.out, host_line) != NULL,
             "exim4 -bt %s: expected the gateway \"%s\":\n%s", TEST_RECIPIENT, host_line, what);
      CHECK (strstr (run.out, port) != NULL,
             "exim4 -bt %s: expected the port \"port=%u\":\n%s", TEST_RECIPIENT, tc->port_expected, what);
    }
  else
    {
      /* Without DNS the dnslookup router finds nothing; with DNS it routes
       * the address itself. Either way, not through a smarthost. */
      CHECK (strstr (run.out, "smarthost") == NULL && strstr (run.err, "R: smarthost") == NULL,
             "relay off, yet exim4 -bt %s goes to the smarthost:\n%s", TEST_RECIPIENT, what);
      CHECK (strstr (run.out, "router = dnslookup") != NULL ||
             strstr (run.out, "Unrouteable address") != NULL,
             "relay off: exim4 -bt %s neither routes through dnslookup nor says Unrouteable:\n%s",
             TEST_RECIPIENT, what);
    }
}

/* The debconf view: configuration type and smarthost, keys not managed kept. */
static void
check_update_conf (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  g_autofree char *stock = read_fixture ("update-exim4.conf.conf");
  g_auto(GStrv) stock_lines = g_strsplit (stock, "\n", -1);
  const char *configtype = !tc->relay ? "internet" :
                           g_str_equal (tc->module, "scribe") ? "smarthost" : "satellite";
  g_autofree char *smarthost = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *value = NULL;
  static const char *const managed[] = {
    "dc_eximconfig_configtype", "dc_smarthost", "dc_other_hostnames", "dc_readhost",
    "dc_hide_mailname", NULL
  };

  if (!tc->relay)
    smarthost = g_strdup ("");
  else if (tc->gateway == GW_IPV6)
    smarthost = g_strdup_printf ("[2001::db8::::25]::%u", tc->port_expected);
  else
    smarthost = g_strdup_printf ("%s::%u", gateway_host (tc->gateway), tc->port_expected);

  value = exim_expand (fx->conf, "DC_eximconfig_configtype", &failure);
  CHECK (g_strcmp0 (value, configtype) == 0,
         "exim's DC_eximconfig_configtype is \"%s\", expected \"%s\"%s", value, configtype,
         failure ? failure : "");
  g_clear_pointer (&value, g_free);
  g_clear_pointer (&failure, g_free);

  value = exim_expand (fx->conf, "DCsmarthost", &failure);
  CHECK (g_strcmp0 (value, smarthost) == 0,
         "exim's DCsmarthost is \"%s\", expected \"%s\"%s", value, smarthost,
         failure ? failure : "");

  /* Header rewriting is Debian's own HIDE_MAILNAME; local users' mail on a
   * satellite goes to user@DCreadhost, which is never empty. */
  CHECK (test_count_lines (fx->update_conf, tc->rewrite ? "dc_hide_mailname='true'"
                                                        : "dc_hide_mailname='false'", FALSE) == 1,
         "update-exim4.conf.conf must say dc_hide_mailname='%s' once:\n%s",
         tc->rewrite ? "true" : "false", fx->update_conf);
  CHECK (test_count_lines (fx->update_conf, "dc_readhost='" MAIL_DOMAIN "'", FALSE) == 1,
         "expected dc_readhost='" MAIL_DOMAIN "':\n%s", fx->update_conf);

  /* Every line of the stock file that Messagerie does not manage is kept. */
  for (guint i = 0; stock_lines[i]; i++)
    {
      gboolean is_managed = FALSE;

      for (guint m = 0; managed[m]; m++)
        if (g_str_has_prefix (stock_lines[i], managed[m]) &&
            stock_lines[i][strlen (managed[m])] == '=')
          is_managed = TRUE;
      if (is_managed || (stock_lines[i + 1] == NULL && *stock_lines[i] == '\0'))
        continue;
      CHECK (strstr (fx->update_conf, stock_lines[i]) != NULL,
             "update-exim4.conf.conf lost the line \"%s\":\n%s", stock_lines[i], fx->update_conf);
    }
  for (guint m = 0; managed[m]; m++)
    {
      g_autofree char *key = g_strdup_printf ("%s=", managed[m]);
      g_auto(GStrv) lines = g_strsplit (fx->update_conf, "\n", -1);
      guint count = 0;

      for (guint i = 0; lines[i]; i++)
        if (g_str_has_prefix (lines[i], key))
          count++;
      CHECK (count <= 1, "update-exim4.conf.conf sets %s %u times:\n%s", managed[m], count, fx->update_conf);
    }
  if (g_str_equal (tc->module, "scribe"))
    CHECK (test_count_lines (fx->update_conf, "dc_other_hostnames='" MAIL_DOMAIN "'", FALSE) == 1,
           "module with a mail server: expected dc_other_hostnames='" MAIL_DOMAIN "':\n%s",
           fx->update_conf);
}

/* 4. The transport and main options, as exim reads them. */
static void
check_options (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  gboolean tls = tc->relay && !g_str_equal (tc->tls, "no");
  gboolean avoid = tc->relay && g_str_equal (tc->tls, "no");
  gboolean clear_password = avoid && tc->user != NULL;
  const char *verify_hosts = (tls && !tc->verify) ? "" : "*";
  gboolean header_rule = tc->rewrite && tc->relay;
  g_autoptr(GHashTable) smarthost = NULL;
  g_autoptr(GHashTable) remote = NULL;
  g_autoptr(GHashTable) main_options = NULL;
  g_autoptr(GHashTable) plain = NULL;
  g_autofree char *failure = NULL;
  const char *value;
  gint64 size;
  guint64 size_mb = 10;

  smarthost = exim_options (fx->conf, "transport", "remote_smtp_smarthost", &failure);
  if (smarthost == NULL)
    {
      fail ("exim4 -bP transport remote_smtp_smarthost failed:\n%s", failure);
      return;
    }

#define EXPECT_OPTION(table, name, expected, label) \
  G_STMT_START { \
    value = g_hash_table_lookup (table, name); \
    CHECK (g_strcmp0 (value, expected) == 0, \
           "%s: %s = \"%s\", expected \"%s\"", label, name, value ? value : "(absent)", expected); \
  } G_STMT_END

  EXPECT_OPTION (smarthost, "protocol", tc->smtps_expected ? "smtps" : "smtp", "remote_smtp_smarthost");
  EXPECT_OPTION (smarthost, "hosts_require_tls", tls ? "*" : "", "remote_smtp_smarthost");
  EXPECT_OPTION (smarthost, "hosts_avoid_tls", avoid ? "*" : "", "remote_smtp_smarthost");
  EXPECT_OPTION (smarthost, "tls_verify_hosts", verify_hosts, "remote_smtp_smarthost");
  /* The administrator's own macro is still in force. */
  EXPECT_OPTION (smarthost, "helo_data", ADMIN_HELO, "remote_smtp_smarthost (the administrator's macro)");

  /* Outgoing mail goes through remote_smtp_smarthost when relaying, else
   * remote_smtp: Debian's HIDE_MAILNAME rules, with rewrite_headers, are
   * on the smarthost's (Debian has no HIDE_MAILNAME for an internet site);
   * the sender name is never a transport rule. */
  g_clear_pointer (&failure, g_free);
  remote = exim_options (fx->conf, "transport", tc->relay ? "remote_smtp_smarthost" : "remote_smtp", &failure);
  if (remote == NULL)
    fail ("exim4 -bP transport failed:\n%s", failure);
  else
    {
      value = g_hash_table_lookup (remote, "headers_rewrite");
      CHECK ((value != NULL && *value != '\0') == header_rule,
             "headers_rewrite = \"%s\": expected %s (relay %s, rewrite_headers %s)",
             value ? value : "(absent)", header_rule ? "Debian's rules" : "none",
             tc->relay ? "on" : "off", tc->rewrite ? "on" : "off");
      value = g_hash_table_lookup (remote, "return_path");
      CHECK ((value != NULL && *value != '\0') == header_rule,
             "return_path = \"%s\": expected %s (rewrite_headers %s)",
             value ? value : "(absent)", header_rule ? "the envelope rewrite" : "none",
             tc->rewrite ? "on" : "off");
    }

  /* Without AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS the plain authenticator
   * sends nothing unless $tls_out_cipher is set. */
  g_clear_pointer (&failure, g_free);
  plain = exim_options (fx->conf, "authenticator", "plain", &failure);
  if (plain == NULL)
    fail ("exim4 -bP authenticator plain failed:\n%s", failure);
  else
    {
      value = g_hash_table_lookup (plain, "client_send");
      CHECK (value != NULL && (strstr (value, "tls_out_cipher") == NULL) == clear_password,
             "authenticator plain: client_send = \"%s\": expected %s", value ? value : "(absent)",
             clear_password ? "passwords allowed without TLS (TLS no with authentication)"
                            : "passwords only over TLS");
    }

  g_clear_pointer (&failure, g_free);
  main_options = exim_options (fx->conf, NULL, "message_size_limit", &failure);
  if (main_options == NULL)
    {
      fail ("exim4 -bP message_size_limit failed:\n%s", failure);
      return;
    }
  if (tc->size_mb != NULL)
    g_assert_true (messagerie_parse_uint (tc->size_mb, G_MAXUINT32, &size_mb));
  value = g_hash_table_lookup (main_options, "message_size_limit");
  size = parse_exim_size (value);
  CHECK (size == (gint64) size_mb * 1024 * 1024,
         "message_size_limit = %s, expected %" G_GUINT64_FORMAT "M (the administrator's 5M "
         "and the old block's 50M must not win)", value ? value : "(absent)", size_mb);
#undef EXPECT_OPTION
}

/* The macros file: the administrator's lines kept, the conflicting one
 * commented out, the old block replaced, each macro defined once. */
static void
check_macros (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  static const char *const managed[] = {
    "MESSAGE_SIZE_LIMIT",
    "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS",
    "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS",
    "REMOTE_SMTP_SMARTHOST_PROTOCOL",
    "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS",
    "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS",
    "REMOTE_SMTP_HEADERS_REWRITE",
    "REMOTE_SMTP_RETURN_PATH",
    "REMOTE_SMTP_HELO_DATA",
    NULL
  };
  static const char *const relay_macros[] = {
    "REMOTE_SMTP_SMARTHOST_HOSTS_AVOID_TLS",
    "REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS",
    "REMOTE_SMTP_SMARTHOST_PROTOCOL",
    "REMOTE_SMTP_SMARTHOST_TLS_VERIFY_HOSTS",
    "AUTH_CLIENT_ALLOW_NOTLS_PASSWORDS",
    NULL
  };

  CHECK (test_count_lines (fx->macros, ADMIN_MACRO_LINE, FALSE) == 1,
         "exim4.conf.localmacros: the administrator's line \"%s\" must be kept once:\n%s",
         ADMIN_MACRO_LINE, fx->macros);
  CHECK (has_comment_containing (fx->macros, ADMIN_SIZE_LINE),
         "exim4.conf.localmacros: the administrator's \"%s\" must stay, commented out:\n%s",
         ADMIN_SIZE_LINE, fx->macros);
  CHECK (test_count_lines (fx->macros, ADMIN_SIZE_LINE, FALSE) == 0,
         "exim4.conf.localmacros: \"%s\" still in force:\n%s", ADMIN_SIZE_LINE, fx->macros);
  CHECK (strstr (fx->macros, "Old Name") == NULL && strstr (fx->macros, "50M") == NULL,
         "exim4.conf.localmacros: the block of the earlier apply was not replaced:\n%s", fx->macros);

  for (guint m = 0; managed[m]; m++)
    CHECK (count_macro_definitions (fx->macros, managed[m]) <= 1,
           "exim4.conf.localmacros defines %s %u times:\n%s", managed[m],
           count_macro_definitions (fx->macros, managed[m]), fx->macros);

  /* Debian's HIDE_MAILNAME defines these two when its tools turn it on:
   * defined here too, the configuration would be refused. */
  CHECK (count_macro_definitions (fx->macros, "REMOTE_SMTP_HEADERS_REWRITE") == 0 &&
         count_macro_definitions (fx->macros, "REMOTE_SMTP_RETURN_PATH") == 0,
         "exim4.conf.localmacros must not define REMOTE_SMTP_HEADERS_REWRITE nor "
         "REMOTE_SMTP_RETURN_PATH:\n%s", fx->macros);
  CHECK (test_count_lines (fx->macros, "acl_not_smtp = ", TRUE) == (*tc->name != '\0' ? 1 : 0),
         "exim4.conf.localmacros: acl_not_smtp (the sender name) must be set %s:\n%s",
         *tc->name != '\0' ? "once" : "not at all", fx->macros);
  CHECK (test_count_lines (fx->macros, "qualify_recipient = localhost", FALSE) ==
         (g_str_equal (tc->module, "scribe") ? 0 : 1),
         "exim4.conf.localmacros: qualify_recipient = localhost must be set %s (module %s):\n%s",
         g_str_equal (tc->module, "scribe") ? "not at all" : "once", tc->module, fx->macros);

  if (!tc->relay)
    for (guint m = 0; relay_macros[m]; m++)
      CHECK (count_macro_definitions (fx->macros, relay_macros[m]) == 0,
             "relay off, yet exim4.conf.localmacros defines %s:\n%s", relay_macros[m], fx->macros);
}

/* 5. passwd.client, in the text and as exim looks it up. */
static void
check_passwd (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  gboolean auth = tc->relay && tc->user != NULL;
  const char *host = gateway_host (tc->gateway);
  g_autofree char *path = g_build_filename (fx->dir, "passwd.client", NULL);
  g_autofree char *data = auth ? g_strdup_printf ("%s:%s", tc->user, tc->password) : g_strdup ("NOTFOUND");
  g_autofree char *host_line = NULL;
  g_autofree char *star_line = NULL;
  const char *keys[] = { host, OTHER_REVERSE_NAME, NULL };

  if (fx->passwd == NULL)
    return;

  /* The administrator's line for another gateway is kept. */
  CHECK (test_count_lines (fx->passwd, OTHER_GATEWAY ":" OTHER_GATEWAY_DATA, FALSE) == 1,
         "passwd.client: the line for %s must be kept once:\n%s", OTHER_GATEWAY, fx->passwd);

  if (auth)
    {
      if (tc->gateway == GW_IPV6)
        host_line = g_strdup_printf ("\"%s\":%s:%s", host, tc->user, tc->password);
      else
        host_line = g_strdup_printf ("%s:%s:%s", host, tc->user, tc->password);
      star_line = g_strdup_printf ("*:%s:%s", tc->user, tc->password);
      CHECK (test_count_lines (fx->passwd, host_line, FALSE) == 1,
             "passwd.client: expected the line \"%s\" once:\n%s", host_line, fx->passwd);
      CHECK (test_count_lines (fx->passwd, star_line, FALSE) == 1,
             "passwd.client: expected the line \"%s\" once:\n%s", star_line, fx->passwd);
    }
  CHECK (count_passwd_entries (fx->passwd, host) == (auth ? 1 : 0),
         "passwd.client: %u entries for %s, expected %u:\n%s",
         count_passwd_entries (fx->passwd, host), host, auth ? 1 : 0, fx->passwd);
  CHECK (count_passwd_entries (fx->passwd, "*") == (auth ? 1 : 0),
         "passwd.client: %u \"*\" entries, expected %u:\n%s",
         count_passwd_entries (fx->passwd, "*"), auth ? 1 : 0, fx->passwd);

  /* exim's view: the gateway as typed, and a name from reverse DNS. */
  for (guint k = 0; keys[k]; k++)
    {
      g_autofree char *expression = g_strdup_printf ("${lookup{%s}nwildlsearch{%s}{$value}{NOTFOUND}}",
                                                     keys[k], path);
      g_autofree char *failure = NULL;
      g_autofree char *value = exim_expand (fx->conf, expression, &failure);

      CHECK (g_strcmp0 (value, data) == 0,
             "exim4 -be '%s' gives \"%s\", expected \"%s\"%s", expression, value, data,
             failure ? failure : "");
    }

  /* Debian's plain authenticator: PASSWDLINE doubles each '^', the user is
   * the first field, the password everything after the first colon. */
  if (auth)
    {
      g_autofree char *passwdline = g_strdup_printf ("${sg{${lookup{%s}nwildlsearch{%s}{$value}fail}}"
                                                     "{\\N[\\^]\\N}{^^}}", host, path);
      g_autofree char *user_expr = g_strdup_printf ("${extract{1}{:}{%s}}", passwdline);
      g_autofree char *password_expr = g_strdup_printf ("${sg{%s}{\\N([^:]+:)(.*)\\N}{\\$2}}", passwdline);
      g_autofree char *expected_password = double_carets (tc->password);
      g_autofree char *failure = NULL;
      g_autofree char *user = exim_expand (fx->conf, user_expr, &failure);
      g_autofree char *password = NULL;

      CHECK (g_strcmp0 (user, tc->user) == 0,
             "plain authenticator: user \"%s\", expected \"%s\" (exim4 -be '%s')%s",
             user, tc->user, user_expr, failure ? failure : "");
      g_clear_pointer (&failure, g_free);
      password = exim_expand (fx->conf, password_expr, &failure);
      CHECK (g_strcmp0 (password, expected_password) == 0,
             "plain authenticator: password \"%s\", expected \"%s\" ('^' doubled for client_send; "
             "exim4 -be '%s')%s", password, expected_password, password_expr, failure ? failure : "");
      if (password != NULL)
        explicit_bzero (password, strlen (password));
    }
}

/* 6. Header rewriting, by exim's own rewriting: the transport's
 * headers_rewrite rules (Debian's HIDE_MAILNAME, when rewrite_headers is on
 * and mail goes through the gateway), as exim read them, put into a copy of
 * the configuration's rewrite section and tested with -brw (the transport
 * applies them only at delivery). */
static void
check_header_rewrite (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  g_autofree char *failure = NULL;
  g_autoptr(GHashTable) transport = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *rw_path = g_build_filename (fx->dir, "rewrite-test.conf", NULL);
  g_autofree char *mailname = NULL;
  g_auto(Run) run = { 0 };
  GString *rw;
  const char *value;
  const char *section;
  /* Debian hides the mail name only through a smarthost. */
  gboolean hide = tc->rewrite && tc->relay;

  transport = exim_options (fx->conf, "transport", tc->relay ? "remote_smtp_smarthost" : "remote_smtp",
                            &failure);
  if (transport == NULL)
    {
      fail ("exim4 -bP transport failed:\n%s", failure);
      return;
    }
  value = g_hash_table_lookup (transport, "headers_rewrite");
  rules = split_exim_list (value ? value : "");

  if (!g_file_get_contents (fx->conf, &conf, NULL, NULL))
    g_error ("cannot read %s", fx->conf);
  section = strstr (conf, "\nbegin rewrite\n");
  if (section == NULL)
    {
      fail ("%s has no rewrite section", fx->conf);
      return;
    }
  section += strlen ("\nbegin rewrite\n");
  rw = g_string_new_len (conf, section - conf);
  for (guint i = 0; i < rules->len; i++)
    if (*(char *) g_ptr_array_index (rules, i) != '\0')
      g_string_append_printf (rw, "%s\n", (char *) g_ptr_array_index (rules, i));
  g_string_append (rw, section);
  write_file (rw_path, rw->str, 0644, NULL);
  g_string_free (rw, TRUE);

  /* rewrite_headers puts the mail domain on the local addresses. */
  mailname = exim_expand (fx->conf, "ETC_MAILNAME", NULL);
  {
    const char *local_domains[] = { "localhost", mailname, NULL };

    for (guint d = 0; local_domains[d]; d++)
      {
        g_autofree char *address = g_strdup_printf ("messagerie-test@%s", local_domains[d]);
        g_autofree char *expected = hide ? g_strdup ("messagerie-test@" MAIL_DOMAIN)
                                         : g_strdup (address);
        g_autofree char *from = NULL;
        g_autofree char *what = NULL;

        run_argv (&run, exim_path, "-C", rw_path, "-brw", address, NULL);
        what = describe_run (&run);
        from = run.exit_code == 0 ? brw_from (run.out) : NULL;
        CHECK (g_strcmp0 (from, expected) == 0,
               "rewrite_headers %s: From: %s becomes \"%s\", expected \"%s\"\n%s",
               tc->rewrite ? "on" : "off", address, from, expected, what);
      }
  }

  run_argv (&run, exim_path, "-C", rw_path, "-brw", "stranger@example.org", NULL);
  {
    g_autofree char *what = describe_run (&run);
    g_autofree char *from = run.exit_code == 0 ? brw_from (run.out) : NULL;

    CHECK (g_strcmp0 (from, "stranger@example.org") == 0,
           "From: stranger@example.org becomes \"%s\"\n%s", from, what);
  }
}

/* The From: headers in force in the spool header file @path (exim marks
 * the ones it removed with "*"), one per element. */
static GPtrArray *
spool_from_headers (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *from = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return from;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];

      /* "NNNF From: ..." or "NNN* From: ..." */
      if (strlen (line) > 5 && g_ascii_isdigit (line[0]) && line[3] != '*' &&
          g_ascii_strncasecmp (line + 5, "From:", 5) == 0)
        g_ptr_array_add (from, g_strstrip (g_strdup (line + 10)));
    }
  return from;
}

/* 7. The sender name on root's mail: a message submitted as sendmail does
 * (not over SMTP) with root's address in From:, into a spool of the case's
 * own, leaves with the name and the address, whatever the name holds. */
static void
check_sender_name (Fixture *fx)
{
  const EximCase *tc = fx->tc;
  g_autofree char *conf = NULL;
  g_autofree char *spool = g_build_filename (fx->dir, "spool", NULL);
  g_autofree char *spool_conf = g_build_filename (fx->dir, "spool-test.conf", NULL);
  g_autofree char *input = g_build_filename (spool, "input", NULL);
  g_autofree char *message = g_strdup_printf ("From: Somebody <%s>\n"
                                              "To: " TEST_RECIPIENT "\n"
                                              "Subject: sender name\n"
                                              "\n"
                                              "body\n", tc->sender);
  g_autofree char *header_path = NULL;
  g_autoptr(GPtrArray) from = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GSubprocess) exim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *entry;

  if (!g_file_get_contents (fx->conf, &conf, NULL, NULL))
    g_error ("cannot read %s", fx->conf);
  {
    g_autofree char *with_spool = g_strdup_printf ("SPOOLDIR = %s\n%s", spool, conf);

    write_file (spool_conf, with_spool, 0644, NULL);
  }
  /* exim writes its spool as Debian-exim. */
  g_chmod (fx->dir, 0755);

  exim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           exim_path, "-C", spool_conf, "-odq", "-oi", "-f", tc->sender,
                           TEST_RECIPIENT, NULL);
  if (exim == NULL || !g_subprocess_communicate_utf8 (exim, message, NULL, NULL, &err, &error) ||
      !g_subprocess_get_if_exited (exim) || g_subprocess_get_exit_status (exim) != 0)
    {
      fail ("exim4 -C %s -odq refused the message: %s%s", spool_conf,
            error ? error->message : "", err ? err : "");
      return;
    }

  dir = g_dir_open (input, 0, NULL);
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, "-H"))
      header_path = g_build_filename (input, entry, NULL);
  if (header_path == NULL)
    {
      fail ("no message in %s after exim4 -odq", input);
      return;
    }
  from = spool_from_headers (header_path);
  if (from->len != 1)
    {
      fail ("%u From: headers in %s, expected one", from->len, header_path);
      return;
    }

  if (*tc->name == '\0')
    CHECK (g_str_equal (g_ptr_array_index (from, 0), message + strlen ("From: ")) ||
           g_str_has_prefix (message + strlen ("From: "), g_ptr_array_index (from, 0)),
           "no sender name, yet From: became \"%s\"", (char *) g_ptr_array_index (from, 0));
  else
    {
      const char *header = g_ptr_array_index (from, 0);
      g_autofree char *expected_address = g_strdup_printf (" <%s>", tc->sender);
      g_autofree char *phrase = NULL;
      g_autofree char *name = NULL;
      g_autofree char *why = NULL;

      if (!g_str_has_suffix (header, expected_address))
        fail ("From: %s becomes \"%s\", expected \"NAME%s\"", tc->sender, header, expected_address);
      else
        {
          phrase = g_strndup (header, strlen (header) - strlen (expected_address));
          name = decode_phrase (phrase, &why);
          CHECK (g_strcmp0 (name, tc->name) == 0,
                 "From: %s becomes \"%s\": the name reads \"%s\", expected \"%s\"%s%s",
                 tc->sender, header, name, tc->name, why ? ": " : "", why ? why : "");
        }
    }
}

/* passwd.client is read first match first (nwildlsearch): Messagerie's
 * catch-all "*" line must not shadow the lines the administrator keeps for
 * other hosts, nor its exact line be shadowed by them. */
static const EximCase passwd_order_case = {
  "/exim/passwd-client/order",
  "scribe", TRUE, "port-587", NULL, FALSE, GW_NAME, "relais@monetab.lan", PASSWORD_COLON_CARET,
  TRUE, SENDER, "", FALSE, NULL, 587, FALSE
};

static void
test_passwd_order (void)
{
  Fixture fx = { 0 };
  g_autofree char *relay_data = g_strdup_printf ("%s:%s", passwd_order_case.user,
                                                 passwd_order_case.password);
  const struct {
    const char *host;
    const char *data;
    const char *why;
  } lookups[] = {
    { GATEWAY_NAME, relay_data, "the gateway" },
    { OTHER_REVERSE_NAME, relay_data, "a name of the gateway from reverse DNS: the \"*\" line" },
    { OTHER_GATEWAY, OTHER_GATEWAY_DATA, "the administrator's line for another gateway" },
    { GATEWAY_IPV4, "adminuser:adminpass", "the administrator's line for another host" },
  };

  if (missing_prerequisites->len > 0)
    {
      fail ("this machine cannot run the exim tests:%s", missing_prerequisites->str);
      return;
    }

  if (fixture_setup (&fx, &passwd_order_case) && fx.passwd != NULL)
    {
      g_autofree char *path = g_build_filename (fx.dir, "passwd.client", NULL);
      g_autofree char *shown = indent (fx.passwd);

      for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
        {
          g_autofree char *expression = g_strdup_printf ("${lookup{%s}nwildlsearch{%s}{$value}{NOTFOUND}}",
                                                         lookups[i].host, path);
          g_autofree char *failure = NULL;
          g_autofree char *value = exim_expand (fx.conf, expression, &failure);

          CHECK (g_strcmp0 (value, lookups[i].data) == 0,
                 "exim looks up %s (%s) in passwd.client and gets \"%s\", expected \"%s\"\n"
                 "  exim4 -be '%s'\n%s  passwd.client:\n%s",
                 lookups[i].host, lookups[i].why, value, lookups[i].data, expression,
                 failure ? failure : "", shown);
        }
    }

  fixture_teardown (&fx);
}

static void
test_exim_case (gconstpointer data)
{
  const EximCase *tc = data;
  Fixture fx = { 0 };

  if (missing_prerequisites->len > 0)
    {
      fail ("this machine cannot run the exim tests:%s", missing_prerequisites->str);
      return;
    }

  if (fixture_setup (&fx, tc))
    {
      check_routing (&fx);
      check_update_conf (&fx);
      check_options (&fx);
      check_macros (&fx);
      check_passwd (&fx);
      check_header_rewrite (&fx);
      check_sender_name (&fx);
    }

  fixture_teardown (&fx);
}

/* ------------------------------------------------------------------ */

static void
find_prerequisites (void)
{
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
  struct addrinfo *result = NULL;

  missing_prerequisites = g_string_new (NULL);

  exim_path = g_find_program_in_path ("exim4");
  if (exim_path == NULL && g_file_test ("/usr/sbin/exim4", G_FILE_TEST_IS_EXECUTABLE))
    exim_path = g_strdup ("/usr/sbin/exim4");
  update_exim_path = g_find_program_in_path ("update-exim4.conf");
  if (update_exim_path == NULL && g_file_test ("/usr/sbin/update-exim4.conf", G_FILE_TEST_IS_EXECUTABLE))
    update_exim_path = g_strdup ("/usr/sbin/update-exim4.conf");

  if (exim_path == NULL || update_exim_path == NULL)
    g_string_append (missing_prerequisites,
                     "\n  exim4 or update-exim4.conf not found: install exim4-daemon-heavy.");
  if (!g_file_test ("/etc/exim4/exim4.conf.template", G_FILE_TEST_IS_REGULAR) ||
      !g_file_test ("/etc/exim4/conf.d", G_FILE_TEST_IS_DIR))
    g_string_append (missing_prerequisites,
                     "\n  /etc/exim4/exim4.conf.template or /etc/exim4/conf.d missing: "
                     "install exim4-config.");
  if (geteuid () != 0)
    g_string_append (missing_prerequisites,
                     "\n  not running as root: passwd.client must belong to group Debian-exim "
                     "and exim4 -C must read it.");
  /* update-exim4.conf -d DIR includes DIR/exim4.conf.localmacros only when
   * /etc/exim4/exim4.conf.localmacros exists: without it the rendered
   * macros would be silently ignored and every case would prove nothing. */
  if (!g_file_test ("/etc/exim4/exim4.conf.localmacros", G_FILE_TEST_EXISTS))
    g_string_append (missing_prerequisites,
                     "\n  /etc/exim4/exim4.conf.localmacros does not exist: update-exim4.conf -d "
                     "only reads CONFDIR/exim4.conf.localmacros when it does, so the rendered "
                     "macros would be ignored. The test setup creates it empty "
                     "(touch /etc/exim4/exim4.conf.localmacros).");
  if (getaddrinfo (GATEWAY_NAME, NULL, &hints, &result) != 0 || result == NULL ||
      ((struct sockaddr_in *) result->ai_addr)->sin_addr.s_addr != inet_addr (GATEWAY_NAME_ADDRESS))
    g_string_append (missing_prerequisites,
                     "\n  " GATEWAY_NAME " does not resolve to " GATEWAY_NAME_ADDRESS ": the test "
                     "setup adds \"" GATEWAY_NAME_ADDRESS " " GATEWAY_NAME "\" to /etc/hosts.");
  if (result != NULL)
    freeaddrinfo (result);
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  /* Messages quote the French sender name: print them as UTF-8. */
  setlocale (LC_ALL, "C.UTF-8");

  /* Run every case even when one fails: GLib's runner otherwise bails out
   * at the first failure, and the matrix is the point. */
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, (gpointer) "--keep-going");
  g_ptr_array_add (args, NULL);
  argc = args->len - 1;
  argv = (char **) args->pdata;

  g_test_init (&argc, &argv, NULL);

  find_prerequisites ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_exim_case);
  g_test_add_func (passwd_order_case.path, test_passwd_order);

  return g_test_run ();
}
