/* test_frame_rate.c - a sender's frame rate from the RTP timestamps of its
 * first frames (tc_frame_rate.h).
 *
 * Timestamps are 90 kHz RTP time as senders write them: our tempchatsink
 * (pipeline clock, exact steps), Chromium (capture time in ms, so a 30 fps
 * camera steps 2970 and 3060 ticks), with frames missing, reordered,
 * wrapping past 2^32.
 */
#include "tempchat/tc_frame_rate.h"

#include <glib.h>

#define CLOCK 90000u
#define MAX_TS 20

typedef struct {
  const char *name;
  uint32_t ts[MAX_TS];
  size_t n;
  tc_status want;
  unsigned num, den;
} rate_case;

static const rate_case cases[] = {
  { "30 fps, exact steps of 3000", { 0, 3000, 6000, 9000, 12000, 15000,
        18000, 21000, 24000 }, 9, TC_OK, 30, 1 },
  { "15 fps, exact steps of 6000", { 100, 6100, 12100, 18100, 24100, 30100,
        36100, 42100, 48100 }, 9, TC_OK, 15, 1 },
  { "25 fps (3600), not 24 though within 5 % of it", { 0, 3600, 7200,
        10800, 14400, 18000 }, 6, TC_OK, 25, 1 },
  { "24 fps (3750)", { 0, 3750, 7500, 11250, 15000 }, 5, TC_OK, 24, 1 },
  { "7.5 fps (12000) as 15/2", { 0, 12000, 24000, 36000 }, 4, TC_OK, 15,
      2 },
  { "Chromium's 30 fps: ms capture times, steps 2970 and 3060",
    { 1000, 3970, 7030, 10000, 13060, 16030, 19000, 22060, 25030 }, 9,
      TC_OK, 30, 1 },
  { "Chromium's fake camera: 20 fps, 4500 with ms jitter",
    { 0, 4500, 9000, 13590, 18000, 22500, 27090, 31500, 36000 }, 9, TC_OK,
      20, 1 },
  { "two frames missing (long steps) still 30",
    { 0, 3000, 9000, 12000, 15000, 21000, 24000, 27000, 30000 }, 9, TC_OK,
      30, 1 },
  { "a 30 fps sender dropping every other frame for a while (its encoder "
      "warming up): 30", { 0, 6000, 12000, 18000, 24000, 30000, 36000, 42000,
        45000, 48000, 51000, 54000, 57000 }, 13, TC_OK, 30, 1 },
  { "every other frame dropped throughout: the 15 fps that arrive",
    { 0, 6000, 12000, 18000, 24000, 30000, 36000, 42000, 48000 }, 9, TC_OK,
      15, 1 },
  { "reordered pair: backward step left out",
    { 0, 3000, 9000, 6000, 12000, 15000, 18000, 21000, 24000 }, 9, TC_OK,
      30, 1 },
  { "wrapping past 2^32", { 0xfffff448u, 0xfffffffcu /* +3000 - 4 */ ,
        0x00000bb4u, 0x0000176cu, 0x00002324u }, 5, TC_OK, 30, 1 },
  { "an unusual rate: 17 fps (5294) to whole fps", { 0, 5294, 10588, 15882,
        21176 }, 5, TC_OK, 17, 1 },
  { "1 fps slide show", { 0, 90000, 180000, 270000 }, 4, TC_OK, 1, 1 },
  { "1000 fps (steps of 90): whole fps", { 0, 90, 180,
        270 }, 4, TC_OK, 1000, 1 },
  { "every frame stamped alike: no rate", { 7, 7, 7, 7, 7 }, 5,
      TC_ERR_INVALID_ARG, 0, 0 },
  { "one step only", { 0, 3000 }, 2, TC_ERR_INVALID_ARG, 0, 0 },
  { "steps over 2 s (a paused sender) are no rate", { 0, 200000, 400000,
        600000 }, 4, TC_ERR_INVALID_ARG, 0, 0 },
};

static void
test_estimate (gconstpointer data)
{
  const rate_case *c = data;
  unsigned num = 0, den = 0;

  g_assert_cmpint (tc_frame_rate_estimate (c->ts, c->n, CLOCK, &num, &den),
      ==, c->want);
  g_assert_cmpuint (num, ==, c->num);
  g_assert_cmpuint (den, ==, c->den);
}

static void
test_bad_arguments (void)
{
  uint32_t ts[] = { 0, 3000, 6000 };
  unsigned num = 9, den = 9;

  g_assert_cmpint (tc_frame_rate_estimate (NULL, 3, CLOCK, &num, &den), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_frame_rate_estimate (ts, 3, 0, &num, &den), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_frame_rate_estimate (ts, 3, CLOCK, NULL, &den), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpuint (num, ==, 9);
  g_assert_cmpuint (den, ==, 9);
}

/* The probe answers once, on the frame that completes it, and again only
 * after a reset (a new peer may send at another rate). */
static void
test_probe_answers_once (void)
{
  tc_frame_rate_probe p;
  unsigned num = 0, den = 0;
  int answers = 0, answered_at = -1;

  tc_frame_rate_probe_reset (&p);
  for (int i = 0; i < 20; i++) {
    if (tc_frame_rate_probe_add (&p, 5000 + 6000u * (unsigned) i, CLOCK,
            &num, &den)) {
      answers++;
      answered_at = i;
    }
  }
  g_assert_cmpint (answers, ==, 1);
  g_assert_cmpint (answered_at, ==, TC_FRAME_RATE_SAMPLES - 1);
  g_assert_cmpuint (num, ==, 15);
  g_assert_cmpuint (den, ==, 1);

  tc_frame_rate_probe_reset (&p);
  for (int i = 0; i < TC_FRAME_RATE_SAMPLES; i++)
    answers += tc_frame_rate_probe_add (&p, 3000u * (unsigned) i, CLOCK, &num,
        &den);
  g_assert_cmpint (answers, ==, 2);
  g_assert_cmpuint (num, ==, 30);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = g_strdup_printf ("/frame-rate/%s", cases[i].name);
    g_test_add_data_func (path, &cases[i], test_estimate);
    g_free (path);
  }
  g_test_add_func ("/frame-rate/bad-arguments", test_bad_arguments);
  g_test_add_func ("/frame-rate/probe-answers-once-until-reset",
      test_probe_answers_once);
  return g_test_run ();
}
