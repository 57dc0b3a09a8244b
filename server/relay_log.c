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
