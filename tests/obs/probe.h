/* probe.h - what a source shows and plays, seen from inside libobs: an
 * async video filter that samples each frame it is about to draw, and an
 * audio capture callback that measures loudness. */
#pragma once

#include <glib.h>
#include <obs.h>

#define PROBE_POINTS 7

typedef struct {
	GMutex lock;
	obs_source_t *filter;
	obs_source_t *source;
	guint frames;
	guint width, height;
	enum video_format format;
	/* RGB (BT.601 limited range, as VP8 is) at PROBE_POINTS evenly
	 * spaced points of the row at a quarter of the height. */
	guint8 rgb[PROBE_POINTS][3];
	guint loud_blocks; /* audio blocks with RMS above 0.05 */
	guint audio_blocks;
} probe;

/* Registers the filter type; once, after obs_startup. */
void probe_register(void);
void probe_attach(probe *p, obs_source_t *source);
void probe_detach(probe *p);
/* Copies of the counters under the lock. */
void probe_snapshot(probe *p, probe *out);
void probe_reset(probe *p);
