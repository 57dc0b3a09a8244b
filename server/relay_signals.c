/* relay_signals.c - flag-setting signal handlers (see relay_signals.h). */
#include "relay_signals.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;
/* Written by the main thread, read by handlers running on that thread. */
static void (*volatile wake_fn) (void *data);
static void *volatile wake_data;

static void
on_signal (int sig)
{
  if (sig == SIGUSR1)
    stats_requested = 1;
  else
    stop_requested = 1;
  void (*wake) (void *) = wake_fn;
  if (wake != NULL)
    wake (wake_data);
}

void
relay_signals_install (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGUSR1, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction (SIGPIPE, &sa, NULL);
}

void
relay_signals_set_wake (void (*wake) (void *data), void *data)
{
  /* Clear the function first and set the data before the function, so a
   * handler never pairs a function with the wrong data. */
  wake_fn = NULL;
  wake_data = data;
  wake_fn = wake;
}

bool
relay_signals_stop_requested (void)
{
  return stop_requested != 0;
}

bool
relay_signals_take_stats_request (void)
{
  if (!stats_requested)
    return false;
  stats_requested = 0;
  return true;
}
