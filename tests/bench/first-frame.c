/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The benchmark's first-frame probe (build-aux/bench), an LD_PRELOAD shim:
 * when the program presents its first window, it connects to that window's
 * frame clock "after-paint"; at the first one it writes one line to the
 * file $BENCH_FIRST_FRAME_OUT:
 *
 *   WALL_S CPU_S VMHWM_KIB
 *
 * the wall time since the process was started (its start time in
 * /proc/self/stat, on CLOCK_BOOTTIME as the kernel counts it), the CPU time
 * of the process (getrusage, user and system, every thread) and its peak
 * resident size (VmHWM), then ends the process at once (_exit), unless
 * $BENCH_STAY is set. With $BENCH_FOCUS=NAME it first shows the page of the
 * widget so named and focuses it, for the keystroke measure, and the line
 * is written once that is done. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <adwaita.h>

static gboolean hooked;

static double
seconds_since_start (void)
{
  char buffer[4096];
  FILE *file = fopen ("/proc/self/stat", "r");
  size_t length;
  char *p;
  unsigned long long start = 0;
  struct timespec now;

  if (file == NULL)
    return -1;
  length = fread (buffer, 1, sizeof buffer - 1, file);
  fclose (file);
  buffer[length] = '\0';
  /* Field 22, counted after the command's closing parenthesis (field 2). */
  p = strrchr (buffer, ')');
  if (p == NULL)
    return -1;
  p += 2;
  for (int field = 3; field < 22 && p != NULL; field++)
    {
      p = strchr (p, ' ');
      if (p != NULL)
        p++;
    }
  if (p == NULL)
    return -1;
  start = strtoull (p, NULL, 10);

  clock_gettime (CLOCK_BOOTTIME, &now);
  return now.tv_sec + now.tv_nsec / 1e9 - (double) start / sysconf (_SC_CLK_TCK);
}

static long
vm_hwm_kib (void)
{
  char line[256];
  FILE *file = fopen ("/proc/self/status", "r");
  long kib = -1;

  if (file == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (strncmp (line, "VmHWM:", 6) == 0)
      kib = strtol (line + 6, NULL, 10);
  fclose (file);
  return kib;
}

static void
record (void)
{
  double wall = seconds_since_start ();
  struct rusage usage;
  const char *path = g_getenv ("BENCH_FIRST_FRAME_OUT");
  FILE *out;

  getrusage (RUSAGE_SELF, &usage);
  out = path != NULL ? fopen (path, "w") : stderr;
  if (out == NULL)
    _exit (99);
  fprintf (out, "%.4f %.4f %ld\n", wall,
           usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
           + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6,
           vm_hwm_kib ());
  if (out != stderr)
    fclose (out);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The widget named $BENCH_FOCUS shown and focused; whether it was found. */
static gboolean
focus_named (GtkWidget  *window,
             const char *name)
{
  GtkWidget *widget = find_named (window, name);
  GtkWidget *page;

  if (widget == NULL)
    return FALSE;
  page = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_PAGE);
  if (page != NULL && ADW_IS_VIEW_STACK (gtk_widget_get_parent (page)))
    adw_view_stack_set_visible_child (ADW_VIEW_STACK (gtk_widget_get_parent (page)), page);
  gtk_widget_grab_focus (widget);
  return TRUE;
}

static void
on_after_paint (GdkFrameClock *clock,
                GtkWidget     *window)
{
  const char *focus = g_getenv ("BENCH_FOCUS");

  if (focus != NULL)
    {
      /* Once focused, the next frame says the page is shown. */
      if (g_object_get_data (G_OBJECT (window), "bench-focused") == NULL)
        {
          if (!focus_named (window, focus))
            {
              g_printerr ("first-frame: no widget named %s\n", focus);
              _exit (98);
            }
          g_object_set_data (G_OBJECT (window), "bench-focused", GINT_TO_POINTER (1));
          gtk_widget_queue_draw (window);
          return;
        }
    }

  g_signal_handlers_disconnect_by_func (clock, on_after_paint, window);
  record ();
  if (g_getenv ("BENCH_STAY") == NULL)
    _exit (0);
}

static void
on_map (GtkWidget *window)
{
  g_signal_handlers_disconnect_by_func (window, on_map, NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint), window);
}

void
gtk_window_present (GtkWindow *window)
{
  static void (*real) (GtkWindow *);

  if (real == NULL)
    real = (void (*) (GtkWindow *)) dlsym (RTLD_NEXT, "gtk_window_present");

  if (!hooked)
    {
      hooked = TRUE;
      if (gtk_widget_get_mapped (GTK_WIDGET (window)))
        on_map (GTK_WIDGET (window));
      else
        g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
    }
  real (window);
}
