/* receive_log.c - a window of received seqs and the NACK list it implies.
 *
 * One slot per seq in the window, indexed by seq modulo the window size, so
 * a slot is reused exactly when its previous seq falls out of the window:
 *
 *        highest - window + 1                 highest
 *        |                                      |
 *   ... [R][R][M][R][M][M][R] ... [R][G][R][R][R]  (R received, M missing,
 *                                                   G given up)
 *
 * Slots start "received" so seqs before the first arrival are never NACKed.
 */
#include "rtp/receive_log.h"

#include <glib.h>

enum {
  SLOT_RECEIVED = 0,
  SLOT_MISSING,
  SLOT_GIVEN_UP,
};

typedef struct {
  uint8_t state;
  uint8_t tries;
  int64_t last_nack_us;
  int64_t seen_us;            /* first nacks() call that saw it missing; -1 */
} slot;

struct tc_receive_log {
  tc_receive_log_config cfg;
  slot *slots;
  bool started;
  uint16_t highest;
  size_t missing;
  uint64_t given_up;
};

tc_receive_log *
tc_receive_log_new (const tc_receive_log_config *cfg)
{
  if (cfg == NULL || cfg->window < 16
      || cfg->window > TC_RECEIVE_LOG_MAX_WINDOW
      || (cfg->window & (cfg->window - 1)) != 0
      || cfg->max_retries == 0 || cfg->max_retries > UINT8_MAX
      || cfg->min_retry_interval_us < 0 || cfg->reorder_us < 0)
    return NULL;
  tc_receive_log *log = g_new0 (tc_receive_log, 1);
  log->cfg = *cfg;
  log->slots = g_new0 (slot, cfg->window);
  return log;
}

void
tc_receive_log_free (tc_receive_log *log)
{
  if (log == NULL)
    return;
  g_free (log->slots);
  g_free (log);
}

static slot *
slot_of (const tc_receive_log *log, uint16_t seq)
{
  return &log->slots[seq & (log->cfg.window - 1)];
}

/* Puts `seq` into its slot, pushing out the seq a window older. */
static void
enter_window (tc_receive_log *log, uint16_t seq, bool arrived)
{
  slot *s = slot_of (log, seq);
  if (s->state == SLOT_MISSING)
    log->missing--;
  s->state = arrived ? SLOT_RECEIVED : SLOT_MISSING;
  s->tries = 0;
  s->last_nack_us = 0;
  s->seen_us = -1;
  if (!arrived)
    log->missing++;
}

void
tc_receive_log_add (tc_receive_log *log, uint16_t seq)
{
  g_return_if_fail (log != NULL);
  if (!log->started) {
    log->started = true;
    log->highest = seq;
    enter_window (log, seq, true);
    return;
  }

  uint16_t ahead = (uint16_t) (seq - log->highest);
  if (ahead == 0)
    return;
  if (ahead < 0x8000) {
    /* Newer: the seqs in between enter the window as missing. */
    size_t n = ahead < log->cfg.window ? ahead : log->cfg.window;
    for (size_t i = n; i > 0; i--)
      enter_window (log, (uint16_t) (seq - (i - 1)), i == 1);
    log->highest = seq;
    return;
  }

  uint16_t behind = (uint16_t) (log->highest - seq);
  if (behind >= log->cfg.window)
    return;  /* too old to matter */
  slot *s = slot_of (log, seq);
  if (s->state == SLOT_MISSING)
    log->missing--;
  s->state = SLOT_RECEIVED;
}

size_t
tc_receive_log_nacks (tc_receive_log *log, int64_t now_us, int64_t rtt_us,
    uint16_t *out, size_t cap)
{
  g_return_val_if_fail (log != NULL && (out != NULL || cap == 0), 0);
  if (!log->started || log->missing == 0)
    return 0;

  int64_t interval = MAX (log->cfg.min_retry_interval_us, rtt_us);
  size_t n = 0;
  for (size_t back = log->cfg.window - 1; back > 0; back--) {
    uint16_t seq = (uint16_t) (log->highest - back);
    slot *s = slot_of (log, seq);
    if (s->state != SLOT_MISSING)
      continue;
    if (s->seen_us < 0)
      s->seen_us = now_us;
    if (s->tries == 0 && now_us - s->seen_us < log->cfg.reorder_us)
      continue;  /* it may be late, not lost */
    if (s->tries > 0 && now_us - s->last_nack_us < interval)
      continue;
    if (s->tries >= log->cfg.max_retries) {
      /* Its last NACK had a full interval to be answered. */
      s->state = SLOT_GIVEN_UP;
      log->missing--;
      log->given_up++;
      continue;
    }
    if (n == cap)
      break;
    out[n++] = seq;
    s->tries++;
    s->last_nack_us = now_us;
  }
  return n;
}

size_t
tc_receive_log_missing (const tc_receive_log *log)
{
  return log ? log->missing : 0;
}

uint64_t
tc_receive_log_given_up (const tc_receive_log *log)
{
  return log ? log->given_up : 0;
}
