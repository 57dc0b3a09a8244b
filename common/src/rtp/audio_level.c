/* audio_level.c - RFC 6464 levels of audio packets (tc_audio_level.h). */
#include "tempchat/tc_audio_level.h"

#include <glib.h>
#include <math.h>
#include <stdbool.h>

/* 2.5 ms slots: the finest Opus frame, so a packet's span holds whole
 * slots for every frame size. 1024 of them are 2.56 s, more than any
 * encoder or pacer holds a packet. */
#define SLOT_US 2500
#define N_SLOTS 1024
#define S16_FULL_SCALE 32768.0

typedef struct {
  int64_t start_us;
  double sum_squares;          /* normalised to full scale */
  uint32_t n;                  /* samples (not frames) */
} slot;

struct tc_audio_meter {
  unsigned rate, channels;
  unsigned slot_frames;        /* frames in a full slot */
  size_t head, count;          /* ring: oldest at head */
  slot slots[N_SLOTS];
};

uint8_t
tc_audio_level_of (double sum_squares, uint64_t n)
{
  if (n == 0 || !(sum_squares > 0))
    return 127;
  double dbov = -10.0 * log10 (sum_squares / (double) n);
  if (!(dbov < 127))
    return 127;
  return dbov <= 0 ? 0 : (uint8_t) lround (dbov);
}

tc_audio_meter *
tc_audio_meter_new (unsigned rate, unsigned channels)
{
  if (rate < 8000 || rate > 192000 || channels < 1 || channels > 8)
    return NULL;
  tc_audio_meter *m = g_new0 (tc_audio_meter, 1);
  m->rate = rate;
  m->channels = channels;
  m->slot_frames = rate * SLOT_US / G_USEC_PER_SEC;
  return m;
}

void
tc_audio_meter_free (tc_audio_meter *m)
{
  g_free (m);
}

void
tc_audio_meter_reset (tc_audio_meter *m)
{
  g_return_if_fail (m != NULL);
  m->head = m->count = 0;
}

static void
push_slot (tc_audio_meter *m, const slot *s)
{
  if (m->count == N_SLOTS) {
    m->head = (m->head + 1) % N_SLOTS;
    m->count--;
  }
  m->slots[(m->head + m->count) % N_SLOTS] = *s;
  m->count++;
}

/* Signed 16-bit or float samples, interleaved, normalised to full scale. */
static double
sample_at (const void *samples, bool is_float, size_t i)
{
  return is_float ? (double) ((const float *) samples)[i]
      : ((const int16_t *) samples)[i] / S16_FULL_SCALE;
}

static void
add_slots (tc_audio_meter *m, int64_t pts_us, const void *samples,
    bool is_float, size_t frames)
{
  for (size_t f = 0; f < frames; f += m->slot_frames) {
    size_t n = MIN (m->slot_frames, frames - f) * m->channels;
    size_t first = f * m->channels;
    slot s = { .start_us = pts_us
          + (int64_t) (f * G_USEC_PER_SEC / m->rate), .n = (uint32_t) n };
    for (size_t i = 0; i < n; i++) {
      double v = sample_at (samples, is_float, first + i);
      s.sum_squares += v * v;
    }
    push_slot (m, &s);
  }
}

void
tc_audio_meter_add_s16 (tc_audio_meter *m, int64_t pts_us,
    const int16_t *samples, size_t frames)
{
  g_return_if_fail (m != NULL && (samples != NULL || frames == 0));
  add_slots (m, pts_us, samples, false, frames);
}

void
tc_audio_meter_add_f32 (tc_audio_meter *m, int64_t pts_us,
    const float *samples, size_t frames)
{
  g_return_if_fail (m != NULL && (samples != NULL || frames == 0));
  add_slots (m, pts_us, samples, true, frames);
}

int
tc_audio_meter_level (const tc_audio_meter *m, int64_t start_us,
    int64_t end_us)
{
  g_return_val_if_fail (m != NULL, -1);

  double sum = 0;
  uint64_t n = 0;
  for (size_t i = 0; i < m->count; i++) {
    const slot *s = &m->slots[(m->head + i) % N_SLOTS];
    if (s->start_us >= start_us && s->start_us < end_us) {
      sum += s->sum_squares;
      n += s->n;
    }
  }
  return n == 0 ? -1 : tc_audio_level_of (sum, n);
}
