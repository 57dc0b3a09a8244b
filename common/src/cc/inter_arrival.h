/* inter_arrival.h - packets grouped into send bursts, and the delay
 * variation between consecutive groups (draft-ietf-rmcat-gcc-02 5.2).
 *
 * A group is the packets sent within 5 ms of its first one (a video frame,
 * or a paced burst). Between two finished groups the estimator wants
 *   send_delta    = difference of the groups' last send times,
 *   arrival_delta = difference of their last arrival times;
 * arrival_delta - send_delta > 0 means a queue is building.
 */
#ifndef TEMPCHAT_CC_INTER_ARRIVAL_H
#define TEMPCHAT_CC_INTER_ARRIVAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  bool open;
  int64_t first_send_us, last_send_us;
  int64_t first_arrival_us, last_arrival_us;
} tc_cc_group;

typedef struct {
  tc_cc_group cur, prev;
} tc_cc_inter_arrival;

typedef struct {
  int64_t send_delta_us;
  int64_t arrival_delta_us;
  int64_t arrival_us;         /* when the newer group finished arriving */
} tc_cc_group_delta;

void tc_cc_inter_arrival_reset (tc_cc_inter_arrival *ia);

/* Adds one received packet (feedback order). True and *out filled when it
 * closes a group that has a predecessor. Packets sent before the current
 * group (reordered) are ignored; a jump in arrival time of more than 3 s
 * (a receiver clock restart, garbage feedback) starts over. */
bool tc_cc_inter_arrival_add (tc_cc_inter_arrival *ia, int64_t send_us,
    int64_t arrival_us, tc_cc_group_delta *out);

#endif
