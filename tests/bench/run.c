/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The benchmark's timer (build-aux/bench): runs a command, its standard
 * input and output its own, and prints on standard error
 *
 *   WALL_S CPU_S
 *
 * the wall time and the CPU time (user and system) of the command and of
 * every process it waited for: the CPU time barely moves with the load of
 * a shared machine, the wall time does. Exits with the command's status.
 *
 *   bench-run PROGRAM [ARGUMENTS...] */

#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static double
seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  struct timespec start, end;
  struct rusage usage;
  int status;
  pid_t pid;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-run PROGRAM [ARGUMENTS...]\n");
      return 2;
    }

  clock_gettime (CLOCK_MONOTONIC, &start);
  pid = fork ();
  if (pid < 0)
    return 127;
  if (pid == 0)
    {
      execvp (argv[1], argv + 1);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) < 0)
    return 127;
  clock_gettime (CLOCK_MONOTONIC, &end);

  fprintf (stderr, "%.4f %.4f\n",
           end.tv_sec - start.tv_sec + (end.tv_nsec - start.tv_nsec) / 1e9,
           seconds (usage.ru_utime) + seconds (usage.ru_stime));
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
