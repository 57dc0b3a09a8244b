/* tc_log.h - logging for the core, with privacy built in.
 *
 * Messages go through GLib's structured logging under the domain "tempchat",
 * so hosts route them as usual (G_MESSAGES_DEBUG=tempchat shows debug).
 *
 * Privacy rule: never pass room ids, client ids, SDP, candidates, addresses,
 * credentials or message bodies to TC_INFO/TC_WARN/TC_ERROR. Where a log line
 * needs to tell two ids apart, print tc_log_tag(): a short keyed hash whose key
 * is random per process, so the tag cannot be reversed or linked across runs.
 */
#ifndef TEMPCHAT_TC_LOG_H
#define TEMPCHAT_TC_LOG_H

#include <glib.h>

#define TC_LOG_DOMAIN "tempchat"

#define TC_ERROR(...) g_log (TC_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, __VA_ARGS__)
#define TC_WARN(...) g_log (TC_LOG_DOMAIN, G_LOG_LEVEL_WARNING, __VA_ARGS__)
#define TC_INFO(...) g_log (TC_LOG_DOMAIN, G_LOG_LEVEL_INFO, __VA_ARGS__)
#define TC_DEBUG(...) g_log (TC_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Size of a tag including its NUL: '#' + 4 hex digits + NUL. */
#define TC_LOG_TAG_LEN 6

/* Writes "#xxxx" for `secret` into `out` (TC_LOG_TAG_LEN bytes) and returns
 * `out`. NULL-safe: a NULL secret gives "#----". Any thread. */
const char *tc_log_tag (const char *secret, char out[TC_LOG_TAG_LEN]);

#endif
