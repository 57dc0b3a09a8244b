/* relay_log.c - stderr logging gated by --verbose (see relay_log.h). */
#include "relay_log.h"

#include <stdarg.h>
#include <stdio.h>

static bool verbose;

void
relay_log_set_verbose (bool on)
{
  verbose = on;
}

bool
relay_log_verbose (void)
{
  return verbose;
}

/* The format attribute lets -Wformat=2 check every caller's format. */
static void emit (const char *level, const char *fmt, va_list ap)
    G_GNUC_PRINTF (2, 0);

static void
emit (const char *level, const char *fmt, va_list ap)
{
  char line[512];
  g_vsnprintf (line, sizeof line, fmt, ap);
  fprintf (stderr, "tempchat-relay: %s%s\n", level, line);
}

void
relay_debug (const char *fmt, ...)
{
  if (!verbose)
    return;
  va_list ap;
  va_start (ap, fmt);
  emit ("debug: ", fmt, ap);
  va_end (ap);
}

void
relay_warn (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  emit ("warning: ", fmt, ap);
  va_end (ap);
}

void
relay_warn_limited (relay_log_limit *lim, gint64 now_us, const char *fmt, ...)
{
  if (lim->printed && now_us - lim->last_us < RELAY_LOG_LIMIT_US) {
    lim->left_out++;
    return;
  }
  char line[400];
  va_list ap;
  va_start (ap, fmt);
  g_vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  if (lim->left_out > 0)
    relay_warn ("%s (%" G_GUINT64_FORMAT " similar lines left out)", line,
        lim->left_out);
  else
    relay_warn ("%s", line);
  lim->printed = TRUE;
  lim->last_us = now_us;
  lim->left_out = 0;
}
