/* tempchat-audio-clock.c - see the header. */
#include "tempchat-audio-clock.h"

/* Further than this from the clock starts a new time line. */
#define RESYNC_NS 250000000LL
/* Closer than this counts as on time: packets' times wobble with their
 * arrival until the reports pin them down. */
#define ON_TIME_NS 5000000LL
/* The most a packet is stretched, in percent: 120 ms off is caught up in
 * 6 s, with a pitch change speech hides. */
#define STRETCH_PCT 2

#define NS 1000000000LL

uint64_t tempchat_audio_clock_place(struct tempchat_audio_clock *c,
				    uint64_t t_ns, uint32_t frames,
				    uint32_t rate, uint32_t *out_frames)
{
	/* > 0: our time line is later than the clock's (sound late). */
	int64_t late = (int64_t)(c->next_ns - t_ns);
	int64_t at = (int64_t)t_ns, k = 0, max_k = frames * STRETCH_PCT / 100;

	*out_frames = frames;
	if (c->next_ns != 0 && late < RESYNC_NS && late > -RESYNC_NS) {
		at = (int64_t)c->next_ns;
		if (late > ON_TIME_NS || late < -ON_TIME_NS) {
			/* Late: fewer samples, so the next packet starts
			 * earlier; early: more. */
			k = late * (int64_t)rate / NS;
			k = k > max_k ? max_k : k < -max_k ? -max_k : k;
			*out_frames = (uint32_t)((int64_t)frames - k);
		}
	}
	c->next_ns = (uint64_t)at + (uint64_t)*out_frames * NS / rate;
	return (uint64_t)at;
}

void tempchat_audio_stretch(const float *in, uint32_t n, float *out,
			    uint32_t m)
{
	if (n == 0 || m == 0)
		return;
	for (uint32_t j = 0; j < m; j++) {
		/* The j-th output sample sits at j * (n - 1) / (m - 1). */
		uint64_t num = m > 1 ? (uint64_t)j * (n - 1) : 0;
		uint32_t den = m > 1 ? m - 1 : 1;
		uint32_t i = (uint32_t)(num / den);
		float frac = (float)(num % den) / (float)den;
		float next = i + 1 < n ? in[i + 1] : in[i];
		out[j] = in[i] + (next - in[i]) * frac;
	}
}
