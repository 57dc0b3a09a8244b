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

#endif
