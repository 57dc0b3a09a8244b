/* relay_log.h - the relay's few log lines, with privacy built in.
 *
 * Privacy rule: never pass room names, client ids, channel ids or message
 * contents. Tell connections apart by their local serial number ("[c12]"),
 * which means nothing outside this process. Debug lines appear only with
 * --verbose; warnings always go to stderr.
 */
#ifndef RELAY_LOG_H
#define RELAY_LOG_H

#include <glib.h>
#include <stdbool.h>

void relay_log_set_verbose (bool verbose);
bool relay_log_verbose (void);

void relay_debug (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void relay_warn (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* A warning that may repeat very often (refused connections under attack)
 * is printed at most once per RELAY_LOG_LIMIT_US for each relay_log_limit
 * (a zero-initialised static per call site); the next line that is
 * printed says how many were left out. */
#define RELAY_LOG_LIMIT_US (10 * G_USEC_PER_SEC)

typedef struct {
  gint64 last_us;
  guint64 left_out;
  gboolean printed;
} relay_log_limit;

void relay_warn_limited (relay_log_limit *lim, gint64 now_us,
    const char *fmt, ...) G_GNUC_PRINTF (3, 4);

#endif
