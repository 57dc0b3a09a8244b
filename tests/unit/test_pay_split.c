/* test_pay_split.c - nearly equal RTP payload sizes for fragmentation. */
#include <glib.h>
#include <stdint.h>

#include "rtp/pay_split.h"

static void
test_split_uses_the_fewest_packets_within_their_room (void)
{
  for (size_t room = 1; room <= 40; room++) {
    for (size_t room_first = 1; room_first <= room; room_first++) {
      for (size_t len = 1; len <= 200; len++) {
        tc_pay_split s;
        g_assert_true (tc_pay_split_plan (len, room_first, room, &s));
        size_t want = len <= room_first
            ? 1 : 1 + (len - room_first + room - 1) / room;
        g_assert_cmpuint (s.count, ==, want);
        size_t total = 0, lo = SIZE_MAX, hi = 0;
        for (size_t i = 0; i < s.count; i++) {
          size_t c = tc_pay_split_chunk (&s, i);
          g_assert_cmpuint (c, >=, 1);
          g_assert_cmpuint (c, <=, i == 0 ? room_first : room);
          if (i > 0) {
            lo = MIN (lo, c);
            hi = MAX (hi, c);
          }
          total += c;
        }
        g_assert_cmpuint (total, ==, len);
        if (s.count > 1)
          g_assert_cmpuint (hi - lo, <=, 1);  /* the later ones are even */
      }
    }
  }
}

static void
test_split_is_even_when_all_packets_have_the_same_room (void)
{
  /* 5000 bytes in packets of up to 1196: 1000 each, as VP8 always sent. */
  tc_pay_split s;
  g_assert_true (tc_pay_split_plan (5000, 1196, 1196, &s));
  g_assert_cmpuint (s.count, ==, 5);
  for (size_t i = 0; i < s.count; i++)
    g_assert_cmpuint (tc_pay_split_chunk (&s, i), ==, 1000);
  /* 2395 in 1197: 799 798 798. */
  g_assert_true (tc_pay_split_plan (2395, 1197, 1197, &s));
  g_assert_cmpuint (tc_pay_split_chunk (&s, 0), ==, 799);
  g_assert_cmpuint (tc_pay_split_chunk (&s, 1), ==, 798);
  g_assert_cmpuint (tc_pay_split_chunk (&s, 2), ==, 798);
}

static void
test_split_refuses_impossible_plans (void)
{
  tc_pay_split s;
  g_assert_false (tc_pay_split_plan (0, 10, 10, &s));
  g_assert_false (tc_pay_split_plan (10, 0, 10, &s));
  g_assert_false (tc_pay_split_plan (10, 11, 10, &s));
  g_assert_false (tc_pay_split_plan (10, 10, 10, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/split/uses-the-fewest-packets-within-their-room",
      test_split_uses_the_fewest_packets_within_their_room);
  g_test_add_func ("/rtp/split/is-even-when-all-packets-have-the-same-room",
      test_split_is_even_when_all_packets_have_the_same_room);
  g_test_add_func ("/rtp/split/refuses-impossible-plans",
      test_split_refuses_impossible_plans);
  return g_test_run ();
}
