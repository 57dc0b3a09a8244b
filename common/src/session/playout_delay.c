/* playout_delay.c - adaptive playout delay (see playout_delay.h). */
#include "session/playout_delay.h"

#include <glib.h>

#define SLOT_US (TC_PLAYOUT_WINDOW_US / TC_PLAYOUT_SLOTS)

static void
start (tc_playout_delay *pd, int64_t now_us)
{
  *pd = (tc_playout_delay) { .started = true, .slot_start_us = now_us,
    .target_us = TC_PLAYOUT_FLOOR_US, .reported_us = TC_PLAYOUT_FLOOR_US,
    .last_us = now_us };
  for (unsigned i = 0; i < TC_PLAYOUT_SLOTS; i++)
    pd->slot_max[i] = INT64_MIN;
}

/* Moves the window on to `now_us`: slots older than the window forget. */
static void
advance (tc_playout_delay *pd, int64_t now_us)
{
  unsigned moved = 0;
  while (now_us - pd->slot_start_us >= SLOT_US && moved < TC_PLAYOUT_SLOTS) {
    pd->newest = (pd->newest + 1) % TC_PLAYOUT_SLOTS;
    pd->slot_max[pd->newest] = INT64_MIN;
    pd->slot_start_us += SLOT_US;
    moved++;
  }
  if (now_us - pd->slot_start_us >= SLOT_US)
    pd->slot_start_us = now_us;  /* a long silence: the window is empty */
}

/* What the window asks for: its largest lateness plus the margin, and a
 * quarter more, since a path that jitters by N ms now and then jitters by
 * a little more than it has shown. */
static int64_t
wanted (const tc_playout_delay *pd)
{
  int64_t peak = INT64_MIN;
  for (unsigned i = 0; i < TC_PLAYOUT_SLOTS; i++)
    peak = MAX (peak, pd->slot_max[i]);
  if (peak == INT64_MIN)
    return TC_PLAYOUT_FLOOR_US;
  return CLAMP (peak + MAX (peak, 0) / 4 + TC_PLAYOUT_MARGIN_US,
      TC_PLAYOUT_FLOOR_US, TC_PLAYOUT_MAX_US);
}

/* Grows at once, shrinks at the bounded rate; then the reported value
 * follows in steps: up at once (rounded up), down once the target is a
 * whole step below it. */
static bool
update (tc_playout_delay *pd, int64_t now_us)
{
  int64_t want = wanted (pd);
  int64_t elapsed = MAX (now_us - pd->last_us, 0);
  pd->last_us = now_us;
  if (want >= pd->target_us)
    pd->target_us = want;
  else
    pd->target_us = MAX (want, pd->target_us
        - elapsed * TC_PLAYOUT_SHRINK_US_PER_S / G_USEC_PER_SEC);
  int64_t stepped = (pd->target_us + TC_PLAYOUT_STEP_US - 1)
      / TC_PLAYOUT_STEP_US * TC_PLAYOUT_STEP_US;
  int64_t old = pd->reported_us;
  if (stepped > pd->reported_us
      || pd->target_us <= pd->reported_us - TC_PLAYOUT_STEP_US)
    pd->reported_us = stepped;
  return pd->reported_us != old;
}

bool
tc_playout_delay_on_frame (tc_playout_delay *pd, int64_t lateness_us,
    int64_t now_us)
{
  if (!pd->started)
    start (pd, now_us);
  advance (pd, now_us);
  int64_t *slot = &pd->slot_max[pd->newest];
  *slot = MAX (*slot, MIN (lateness_us, TC_PLAYOUT_MAX_US));
  return update (pd, now_us);
}

bool
tc_playout_delay_tick (tc_playout_delay *pd, int64_t now_us)
{
  if (!pd->started)
    return false;
  advance (pd, now_us);
  return update (pd, now_us);
}

int64_t
tc_playout_delay_target (const tc_playout_delay *pd)
{
  return pd->started ? pd->reported_us : TC_PLAYOUT_FLOOR_US;
}
