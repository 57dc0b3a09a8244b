/* tc_audio_level.h - the level of each audio packet, for the
 * ssrc-audio-level header extension (RFC 6464).
 *
 * A receiver reads the level of a stream from its packets without decoding
 * them: Chrome shows it as getSynchronizationSources()' audioLevel and in
 * its stats, and uses it for who-is-speaking. The level is that of the
 * audio the packet carries, so it is measured on the samples before the
 * encoder and found again for each encoded packet by its timestamp: the
 * meter keeps the energy of the last seconds in 2.5 ms slots, each with
 * its start time, and a packet takes the slots that start within its time
 * span (at most a slot off, whatever the input's buffer sizes and the
 * encoder's framing).
 *
 * Pure bookkeeping: no clock, no I/O, no lock (the caller serialises).
 */
#ifndef TEMPCHAT_TC_AUDIO_LEVEL_H
#define TEMPCHAT_TC_AUDIO_LEVEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* -dBov of a mean square `sum_squares / n` of samples normalised to full
 * scale (1.0): 0 for a full-scale square wave, 3 for a full-scale sine,
 * 127 for silence or anything quieter (RFC 6464 3). n == 0: 127. */
uint8_t tc_audio_level_of (double sum_squares, uint64_t n);

typedef struct tc_audio_meter tc_audio_meter;

/* A meter for interleaved audio of `rate` Hz (8000-192000) and `channels`
 * (1-8); NULL for other values. Free with tc_audio_meter_free (NULL-safe). */
tc_audio_meter *tc_audio_meter_new (unsigned rate, unsigned channels);
void tc_audio_meter_free (tc_audio_meter *m);

/* Forgets what was measured (a flush, a new format). */
void tc_audio_meter_reset (tc_audio_meter *m);

/* `frames` frames of interleaved signed 16-bit samples, the first at
 * `pts_us` (any microsecond clock, the one the packets' times use). */
void tc_audio_meter_add_s16 (tc_audio_meter *m, int64_t pts_us,
    const int16_t *samples, size_t frames);

/* The same for float samples (full scale 1.0), as OBS and libavcodec
 * carry them. */
void tc_audio_meter_add_f32 (tc_audio_meter *m, int64_t pts_us,
    const float *samples, size_t frames);

/* The level of the audio in [start_us, end_us), from the slots starting
 * in it; -1 when the meter holds none of it (not measured, or older than
 * the slots it keeps). */
int tc_audio_meter_level (const tc_audio_meter *m, int64_t start_us,
    int64_t end_us);

#ifdef __cplusplus
}
#endif
#endif
