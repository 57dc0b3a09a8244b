/* inter_arrival.c - send-burst grouping, as in libwebrtc's InterArrival:
 * a packet joins the open group when sent within BURST_US of the group's
 * first packet, or when it arrived in a burst (queued behind the group: it
 * arrived within BURST_US of the group's last one, and sooner after it than
 * it was sent).
 */
#include "cc/inter_arrival.h"

#include <string.h>

#define BURST_US 5000
#define RESET_JUMP_US (3 * 1000 * 1000)

void
tc_cc_inter_arrival_reset (tc_cc_inter_arrival *ia)
{
  memset (ia, 0, sizeof *ia);
}

static bool
belongs (const tc_cc_group *g, int64_t send_us, int64_t arrival_us)
{
  if (send_us - g->first_send_us <= BURST_US)
    return true;
  int64_t arrival_delta = arrival_us - g->last_arrival_us;
  int64_t send_delta = send_us - g->last_send_us;
  return arrival_delta >= 0 && arrival_delta <= BURST_US
      && arrival_delta < send_delta;
}

static void
group_start (tc_cc_group *g, int64_t send_us, int64_t arrival_us)
{
  *g = (tc_cc_group) { .open = true, .first_send_us = send_us,
    .last_send_us = send_us, .first_arrival_us = arrival_us,
    .last_arrival_us = arrival_us };
}

bool
tc_cc_inter_arrival_add (tc_cc_inter_arrival *ia, int64_t send_us,
    int64_t arrival_us, tc_cc_group_delta *out)
{
  tc_cc_group *cur = &ia->cur;
  if (!cur->open) {
    group_start (cur, send_us, arrival_us);
    return false;
  }
  int64_t jump = arrival_us - cur->last_arrival_us;
  if (jump > RESET_JUMP_US || jump < -RESET_JUMP_US) {
    tc_cc_inter_arrival_reset (ia);
    group_start (cur, send_us, arrival_us);
    return false;
  }
  if (send_us < cur->first_send_us)
    return false;             /* reordered into an older group */
  if (belongs (cur, send_us, arrival_us)) {
    if (send_us > cur->last_send_us)
      cur->last_send_us = send_us;
    if (arrival_us > cur->last_arrival_us)
      cur->last_arrival_us = arrival_us;
    return false;
  }
  bool have = ia->prev.open;
  if (have)
    *out = (tc_cc_group_delta) {
      .send_delta_us = cur->last_send_us - ia->prev.last_send_us,
      .arrival_delta_us = cur->last_arrival_us - ia->prev.last_arrival_us,
      .arrival_us = cur->last_arrival_us };
  ia->prev = *cur;
  group_start (cur, send_us, arrival_us);
  /* A group that arrived before its predecessor says nothing useful. */
  return have && out->arrival_delta_us >= 0;
}
