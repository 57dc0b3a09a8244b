/* test_audio_level.c - RFC 6464 levels of packets from the samples before
 * the encoder (tc_audio_level.h): the dBov scale, and each packet's level
 * from the meter's slots whatever the input's buffer sizes.
 */
#include "tempchat/tc_audio_level.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define RATE 48000
#define CH 2

/* `frames` stereo frames of a 1 kHz sine of `amp` (of full scale) or
 * silence (amp 0). */
static int16_t *
tone (size_t frames, double amp)
{
  int16_t *s = g_new (int16_t, frames * CH);
  for (size_t i = 0; i < frames; i++) {
    double v = amp * 32767.0 * sin (2 * G_PI * 1000.0 * (double) i / RATE);
    s[CH * i] = s[CH * i + 1] = (int16_t) lround (v);
  }
  return s;
}

static void
test_levels_are_minus_dbov (void)
{
  /* A full-scale square wave is 0 dBov, a full-scale sine -3, half of it
   * -9; nothing is silence, 127. */
  g_assert_cmpuint (tc_audio_level_of (100.0, 100), ==, 0);
  g_assert_cmpuint (tc_audio_level_of (50.0, 100), ==, 3);
  g_assert_cmpuint (tc_audio_level_of (12.5, 100), ==, 9);
  g_assert_cmpuint (tc_audio_level_of (0.0, 100), ==, 127);
  g_assert_cmpuint (tc_audio_level_of (1e-14, 1), ==, 127);
  g_assert_cmpuint (tc_audio_level_of (1.0, 0), ==, 127);
}

static void
test_meter_refuses_odd_formats (void)
{
  g_assert_null (tc_audio_meter_new (0, 2));
  g_assert_null (tc_audio_meter_new (48000, 0));
  g_assert_null (tc_audio_meter_new (48000, 9));
}

/* A tone at 0.8 of full scale (-5 dBov) starting 1 s into silence, fed in
 * buffers of `buffer_frames`: the 20 ms packets before it are silent, the
 * ones after it at the tone's level, the one it starts in between. */
static void
check_tone_onset (size_t buffer_frames)
{
  tc_audio_meter *m = tc_audio_meter_new (RATE, CH);
  size_t total = 2 * RATE;
  int16_t *quiet = tone (RATE, 0), *loud = tone (RATE, 0.8);
  int16_t *all = g_new (int16_t, total * CH);
  memcpy (all, quiet, RATE * CH * sizeof *all);
  memcpy (all + RATE * CH, loud, RATE * CH * sizeof *all);
  for (size_t f = 0; f < total; f += buffer_frames) {
    size_t n = MIN (buffer_frames, total - f);
    tc_audio_meter_add_s16 (m, (int64_t) (f * G_USEC_PER_SEC / RATE),
        all + f * CH, n);
  }
  /* Packets of 20 ms from 0.9935 s, as opusenc stamps them. */
  g_assert_cmpint (tc_audio_meter_level (m, 973500, 993500), ==, 127);
  g_assert_cmpint (tc_audio_meter_level (m, 1013500, 1033500), ==, 5);
  g_assert_cmpint (tc_audio_meter_level (m, 1913500, 1933500), ==, 5);
  /* 13.5 ms of tone in 20 ms: its level plus 10 log10 (20 / 13.5) =
   * 1.7 dB, within a 2.5 ms slot (6 to 8). */
  int onset = tc_audio_meter_level (m, 993500, 1013500);
  g_assert_cmpint (onset, >=, 6);
  g_assert_cmpint (onset, <=, 8);
  /* The meter keeps 2.56 s: a time never measured has no level. */
  g_assert_cmpint (tc_audio_meter_level (m, 3000000, 3020000), ==, -1);
  tc_audio_meter_reset (m);
  g_assert_cmpint (tc_audio_meter_level (m, 1013500, 1033500), ==, -1);
  g_free (all);
  g_free (quiet);
  g_free (loud);
  tc_audio_meter_free (m);
}

static void
test_meter_finds_each_packets_level_for_any_buffer_size (void)
{
  /* 10 ms, 1024 samples (21.3 ms), 100 ms: the tests' input buffers. */
  check_tone_onset (480);
  check_tone_onset (1024);
  check_tone_onset (4800);
}

static void
test_meter_reads_float_samples_as_s16 (void)
{
  tc_audio_meter *m = tc_audio_meter_new (RATE, CH);
  size_t frames = RATE / 10;
  int16_t *s16 = tone (frames, 0.5);
  float *f32 = g_new (float, frames * CH);
  for (size_t i = 0; i < frames * CH; i++)
    f32[i] = (float) (s16[i] / 32768.0);
  tc_audio_meter_add_f32 (m, 0, f32, frames);
  tc_audio_meter_add_s16 (m, 200000, s16, frames);
  /* A sine at half scale: -3 - 6 = -9 dBov either way. */
  g_assert_cmpint (tc_audio_meter_level (m, 0, 20000), ==, 9);
  g_assert_cmpint (tc_audio_meter_level (m, 200000, 220000), ==, 9);
  g_free (f32);
  g_free (s16);
  tc_audio_meter_free (m);
}

static void
test_meter_forgets_beyond_its_slots (void)
{
  tc_audio_meter *m = tc_audio_meter_new (RATE, CH);
  int16_t *loud = tone (RATE, 0.8);
  for (int s = 0; s < 4; s++)
    tc_audio_meter_add_s16 (m, s * G_USEC_PER_SEC, loud, RATE);
  g_assert_cmpint (tc_audio_meter_level (m, 0, 20000), ==, -1);
  g_assert_cmpint (tc_audio_meter_level (m, 3500000, 3520000), ==, 5);
  g_free (loud);
  tc_audio_meter_free (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-level/levels-are-minus-dbov",
      test_levels_are_minus_dbov);
  g_test_add_func ("/audio-level/meter-refuses-odd-formats",
      test_meter_refuses_odd_formats);
  g_test_add_func ("/audio-level/meter-finds-each-packets-level-for-any-"
      "buffer-size", test_meter_finds_each_packets_level_for_any_buffer_size);
  g_test_add_func ("/audio-level/meter-reads-float-samples-as-s16",
      test_meter_reads_float_samples_as_s16);
  g_test_add_func ("/audio-level/meter-forgets-beyond-its-slots",
      test_meter_forgets_beyond_its_slots);
  return g_test_run ();
}
