/* tempchat-audio-clock.h - the guest's audio on a continuous time line
 * that follows the call's media clock. Pure (no OBS, no clock); private
 * to obs-plugin/.
 *
 * OBS wants a source's audio times to follow its sample count: it snaps
 * times less than 70 ms off to where the last packet ended, and buffers
 * more after larger steps. The call's media clock, though, moves the
 * guest's times slowly (onto the time line it shares with the video, once
 * the sender's RTCP reports come). So audio keeps its own continuous time
 * and plays each packet up to STRETCH_PCT % faster or slower until that
 * time meets the clock's again; only a large jump (a gap, a new guest)
 * starts the time line over.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct tempchat_audio_clock {
	uint64_t next_ns; /* where the last packet ended; 0: none yet */
};

/* Where a packet of `frames` samples at `rate` Hz whose media-clock time
 * is `t_ns` plays: its time (returned) and how many samples to stretch
 * it to (*out_frames, within STRETCH_PCT % of `frames`). Advances the
 * clock past it. */
uint64_t tempchat_audio_clock_place(struct tempchat_audio_clock *c,
				    uint64_t t_ns, uint32_t frames,
				    uint32_t rate, uint32_t *out_frames);

/* `in` (n samples) stretched to `m` samples into `out` (linear
 * interpolation: a pitch change of at most STRETCH_PCT % while audio
 * catches up). */
void tempchat_audio_stretch(const float *in, uint32_t n, float *out,
			    uint32_t m);
