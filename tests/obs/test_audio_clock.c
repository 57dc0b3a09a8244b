/* test_audio_clock.c - the source's audio time line
 * (obs-plugin/tempchat-audio-clock.c): continuous for OBS, following the
 * call's media clock by at most 2 % a packet, starting over after a jump.
 */
#include <glib.h>

#include "tempchat-audio-clock.h"

#define RATE 48000
#define PACKET 960 /* 20 ms */
#define PACKET_NS 20000000ULL
#define T0 5000000000ULL

static void test_packets_on_time_play_on_their_own_times(void)
{
	struct tempchat_audio_clock c = {0};
	uint32_t frames;

	for (int i = 0; i < 50; i++) {
		/* Arrival wobble of a few ms stays unseen. */
		uint64_t t = T0 + i * PACKET_NS + (i % 3) * 1000000ULL;
		uint64_t at = tempchat_audio_clock_place(&c, t, PACKET, RATE,
							 &frames);
		g_assert_cmpuint(at, ==, T0 + i * PACKET_NS);
		g_assert_cmpuint(frames, ==, PACKET);
	}
}

/* The media clock moves the guest's times 120 ms earlier (onto the
 * video's): audio stays continuous and catches up, 2 % a packet. */
static void test_a_late_time_line_catches_up_continuously(void)
{
	struct tempchat_audio_clock c = {0};
	uint64_t at, end = 0;
	uint32_t frames;
	int i;

	tempchat_audio_clock_place(&c, T0, PACKET, RATE, &frames);
	end = c.next_ns;
	for (i = 1; i < 400; i++) {
		uint64_t t = T0 + i * PACKET_NS - 120000000ULL;
		at = tempchat_audio_clock_place(&c, t, PACKET, RATE, &frames);
		g_assert_cmpuint(at, ==, end); /* no step for OBS */
		g_assert_cmpuint(frames, >=, PACKET - PACKET / 50);
		g_assert_cmpuint(frames, <=, PACKET);
		end = c.next_ns;
		if (frames == PACKET)
			break;
	}
	g_test_message("caught up 120 ms in %d packets", i);
	/* 120 ms at 0.4 ms a packet: 300 packets, 6 s. */
	g_assert_cmpint(i, <, 320);
	g_assert_cmpint(llabs((int64_t)(at - (T0 + i * PACKET_NS -
					   120000000ULL))),
			<=, 5000000);
}

static void test_an_early_time_line_waits_by_playing_slower(void)
{
	struct tempchat_audio_clock c = {0};
	uint32_t frames;

	tempchat_audio_clock_place(&c, T0, PACKET, RATE, &frames);
	tempchat_audio_clock_place(&c, T0 + PACKET_NS + 60000000ULL, PACKET,
				   RATE, &frames);
	g_assert_cmpuint(frames, ==, PACKET + PACKET / 50);
}

static void test_a_jump_starts_a_new_time_line(void)
{
	struct tempchat_audio_clock c = {0};
	uint32_t frames;
	uint64_t later = T0 + 3000000000ULL;

	tempchat_audio_clock_place(&c, T0, PACKET, RATE, &frames);
	g_assert_cmpuint(
		tempchat_audio_clock_place(&c, later, PACKET, RATE, &frames),
		==, later);
	g_assert_cmpuint(frames, ==, PACKET);
}

static void test_stretching_keeps_the_ends_and_the_shape(void)
{
	float in[PACKET], out[PACKET + 19];

	for (int i = 0; i < PACKET; i++)
		in[i] = (float)i;
	tempchat_audio_stretch(in, PACKET, out, G_N_ELEMENTS(out));
	g_assert_cmpfloat(out[0], ==, 0.0f);
	g_assert_cmpfloat_with_epsilon(out[G_N_ELEMENTS(out) - 1],
				       PACKET - 1, 1e-3);
	for (size_t j = 1; j < G_N_ELEMENTS(out); j++)
		g_assert_cmpfloat(out[j], >, out[j - 1]); /* a ramp stays one */
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/obs/audio-clock/on-time-packets-keep-their-times",
			test_packets_on_time_play_on_their_own_times);
	g_test_add_func("/obs/audio-clock/a-late-time-line-catches-up",
			test_a_late_time_line_catches_up_continuously);
	g_test_add_func("/obs/audio-clock/an-early-time-line-plays-slower",
			test_an_early_time_line_waits_by_playing_slower);
	g_test_add_func("/obs/audio-clock/a-jump-starts-a-new-time-line",
			test_a_jump_starts_a_new_time_line);
	g_test_add_func("/obs/audio-clock/stretching-keeps-ends-and-shape",
			test_stretching_keeps_the_ends_and_the_shape);
	return g_test_run();
}
