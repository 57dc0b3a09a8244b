/* gsttempchatlevel.h - the level of each Opus frame tempchatsink encodes,
 * for the audio level header extension (RFC 6464, tc_audio_level.h).
 *
 * opusenc's output says nothing of how loud it is, so the raw audio going
 * into the encoder is measured by a probe on the encoder's sink pad, and
 * each encoded frame looks its level up by its timestamp and duration:
 * opusenc stamps a frame with the time of the audio it decodes to (its
 * 6.5 ms lookahead already taken off; measured: a tone starting 3.5 ms
 * before a frame's end gives that frame a level 6 dB under the tone's).
 * Encoded input has no level: its packets go without the extension.
 */
#ifndef GST_TEMPCHAT_LEVEL_H
#define GST_TEMPCHAT_LEVEL_H

#include <gst/gst.h>

#include "tempchat/tc_audio_level.h"

typedef struct {
  GMutex lock;
  tc_audio_meter *meter;        /* NULL: nothing measured */
} GstTempchatLevel;

void gst_tempchat_level_init (GstTempchatLevel *l);
void gst_tempchat_level_clear (GstTempchatLevel *l);

/* Measures what goes into `encoder` (an opusenc fed 48 kHz stereo S16LE)
 * from now on. */
void gst_tempchat_level_watch (GstTempchatLevel *l, GstElement *encoder);

/* The level in -dBov of the encoded frame `buf` (PTS and duration in the
 * encoder's segment), or -1 when unknown. Any thread. */
gint gst_tempchat_level_of (GstTempchatLevel *l, GstBuffer *buf);

#endif
