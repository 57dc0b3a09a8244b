/* relay_signals.h - SIGTERM/SIGINT ask the relay to stop, SIGUSR1 asks for
 * the counters; SIGPIPE is ignored (a peer vanishing is not fatal).
 *
 * The handlers only set flags and call the wake function, which must be
 * async-signal-safe; the main loop does the actual work. Handlers are
 * installed before anything else starts, so a SIGTERM during start-up still
 * ends in a clean exit.
 */
#ifndef RELAY_SIGNALS_H
#define RELAY_SIGNALS_H

#include <stdbool.h>

void relay_signals_install (void);

/* From now on the handlers also call `wake(data)` to interrupt the event
 * loop; NULL stops that (call it before what `data` points to is freed). */
void relay_signals_set_wake (void (*wake) (void *data), void *data);

bool relay_signals_stop_requested (void);
/* True once per SIGUSR1 received (the flag is cleared). */
bool relay_signals_take_stats_request (void);

#endif
