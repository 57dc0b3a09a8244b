/* rtp_dd.c - dependency descriptor header extension (AV1 RTP spec,
 * appendix A), read and written bit by bit as the spec's syntax tables say.
 *
 *   dependency_descriptor (sz):
 *     start_of_frame f(1)  end_of_frame f(1)  template_id f(6)
 *     frame_number f(16)
 *     if sz > 3:
 *       template_dependency_structure_present_flag f(1)
 *       active_decode_targets_present_flag f(1)
 *       custom_dtis_flag f(1)  custom_fdiffs_flag f(1)  custom_chains_flag f(1)
 *       if structure present: template_dependency_structure ()
 *       if active present:    active_decode_targets_bitmask f(DtCnt)
 *     frame_dependency_definition ()   custom dtis / fdiffs / chains
 *     zero_padding
 *
 *   template_dependency_structure ():
 *     template_id_offset f(6)  dt_cnt_minus_one f(5)
 *     template_layers: next_layer_idc f(2) per template (0 same layer,
 *       1 next temporal, 2 next spatial, 3 end)
 *     template_dtis: f(2) per template and decode target
 *     template_fdiffs: per template, (fdiff_follows f(1) fdiff_minus_one f(4))*
 *     template_chains: chain_cnt ns(DtCnt + 1); protected_by ns(chain_cnt)
 *       per target; chain fdiff f(4) per template and chain
 *     resolutions_present_flag f(1); (width-1 f(16), height-1 f(16)) per
 *       spatial layer
 */
#include "rtp/rtp_dd.h"

#include <string.h>

#include "rtp/bitreader.h"
#include "rtp/bitwriter.h"

#define DD_MANDATORY_LEN 3

/* ---- Parser -------------------------------------------------------------- */

static tc_status
read_template_layers (tc_bitreader *b, tc_dd_structure *s)
{
  uint8_t sid = 0, tid = 0;
  uint32_t idc;
  s->template_count = 0;
  do {
    if (s->template_count == TC_DD_MAX_TEMPLATES || b->overrun)
      return TC_ERR_PARSE;
    tc_dd_info *t = &s->templates[s->template_count++];
    memset (t, 0, sizeof *t);
    t->spatial_id = sid;
    t->temporal_id = tid;
    idc = tc_bits_read (b, 2);
    if (idc == 1) {
      tid++;
    } else if (idc == 2) {
      tid = 0;
      sid++;
    }
    if (tid > 7 || sid >= TC_DD_MAX_SPATIAL)
      return TC_ERR_PARSE;
  } while (idc != 3);
  return TC_OK;
}

static tc_status
read_template_fdiffs (tc_bitreader *b, tc_dd_info *t)
{
  t->fdiff_count = 0;
  while (tc_bits_read (b, 1)) {       /* fdiff_follows_flag */
    if (t->fdiff_count == TC_DD_MAX_FDIFFS)
      return TC_ERR_UNSUPPORTED;
    t->fdiff[t->fdiff_count++] = (uint16_t) (tc_bits_read (b, 4) + 1);
  }
  return TC_OK;
}

static tc_status
read_structure (tc_bitreader *b, tc_dd_structure *s)
{
  memset (s, 0, sizeof *s);
  s->template_id_offset = (uint8_t) tc_bits_read (b, 6);
  s->dt_count = (uint8_t) (tc_bits_read (b, 5) + 1);
  tc_status rc = read_template_layers (b, s);
  if (rc != TC_OK)
    return rc;
  for (unsigned i = 0; i < s->template_count; i++)
    for (unsigned d = 0; d < s->dt_count; d++)
      s->templates[i].dti[d] = (uint8_t) tc_bits_read (b, 2);
  for (unsigned i = 0; i < s->template_count && rc == TC_OK; i++)
    rc = read_template_fdiffs (b, &s->templates[i]);
  if (rc != TC_OK)
    return rc;
  s->chain_count = (uint8_t) tc_bits_ns (b, s->dt_count + 1u);
  if (s->chain_count > 0) {
    for (unsigned d = 0; d < s->dt_count; d++)
      s->dt_protected_by[d] = (uint8_t) tc_bits_ns (b, s->chain_count);
    for (unsigned i = 0; i < s->template_count; i++)
      for (unsigned c = 0; c < s->chain_count; c++)
        s->templates[i].chain_fdiff[c] = (uint8_t) tc_bits_read (b, 4);
  }
  s->has_resolutions = tc_bits_read (b, 1);
  if (s->has_resolutions) {
    uint8_t layers = s->templates[s->template_count - 1].spatial_id + 1;
    for (unsigned l = 0; l < layers; l++) {
      s->render_width[l] = (uint16_t) (tc_bits_read (b, 16) + 1);
      s->render_height[l] = (uint16_t) (tc_bits_read (b, 16) + 1);
    }
  }
  return b->overrun ? TC_ERR_PARSE : TC_OK;
}

static tc_status
read_frame_fdiffs (tc_bitreader *b, tc_dd_info *info)
{
  info->fdiff_count = 0;
  for (uint32_t size; (size = tc_bits_read (b, 2)) != 0;) {
    if (info->fdiff_count == TC_DD_MAX_FDIFFS)
      return TC_ERR_UNSUPPORTED;
    info->fdiff[info->fdiff_count++] =
        (uint16_t) (tc_bits_read (b, 4 * size) + 1);
  }
  return TC_OK;
}

/* frame_dependency_definition (): the template, then the custom fields. */
static tc_status
read_frame_definition (tc_bitreader *b, const tc_dd_structure *s,
    tc_dd_frame *f)
{
  unsigned index = (f->template_id + TC_DD_MAX_TEMPLATES
      - s->template_id_offset) % TC_DD_MAX_TEMPLATES;
  if (index >= s->template_count)
    return TC_ERR_PARSE;
  f->info = s->templates[index];
  if (f->custom_dtis)
    for (unsigned d = 0; d < s->dt_count; d++)
      f->info.dti[d] = (uint8_t) tc_bits_read (b, 2);
  if (f->custom_fdiffs) {
    tc_status rc = read_frame_fdiffs (b, &f->info);
    if (rc != TC_OK)
      return rc;
  }
  if (f->custom_chains)
    for (unsigned c = 0; c < s->chain_count; c++)
      f->info.chain_fdiff[c] = (uint8_t) tc_bits_read (b, 8);
  return b->overrun ? TC_ERR_PARSE : TC_OK;
}

tc_status
tc_dd_parse (const uint8_t *buf, size_t len, tc_dd_structure *structure,
    tc_dd_frame *out)
{
  if (buf == NULL || structure == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  if (len < DD_MANDATORY_LEN)
    return TC_ERR_PARSE;
  tc_bitreader b;
  tc_bits_init (&b, buf, len, false);
  out->start_of_frame = tc_bits_read (&b, 1);
  out->end_of_frame = tc_bits_read (&b, 1);
  out->template_id = (uint8_t) tc_bits_read (&b, 6);
  out->frame_number = (uint16_t) tc_bits_read (&b, 16);
  if (len > DD_MANDATORY_LEN) {
    out->has_structure = tc_bits_read (&b, 1);
    out->has_active_decode_targets = tc_bits_read (&b, 1);
    out->custom_dtis = tc_bits_read (&b, 1);
    out->custom_fdiffs = tc_bits_read (&b, 1);
    out->custom_chains = tc_bits_read (&b, 1);
  }
  if (out->has_structure) {
    tc_dd_structure fresh;
    tc_status rc = read_structure (&b, &fresh);
    if (rc != TC_OK)
      return rc;
    *structure = fresh;
  }
  if (structure->dt_count == 0)
    return TC_ERR_UNSUPPORTED;  /* a structure is yet to come */
  uint32_t all = structure->dt_count == 32 ? UINT32_MAX
      : (1u << structure->dt_count) - 1;
  out->active_decode_targets = all;
  if (out->has_active_decode_targets)
    out->active_decode_targets = tc_bits_read (&b, structure->dt_count);
  return read_frame_definition (&b, structure, out);
}

/* ---- Writer -------------------------------------------------------------- */

/* next_layer_idc from template `a` to the following template `b`, or -1
 * when templates are not in spatial, then temporal, order. */
static int
next_layer_idc (const tc_dd_info *a, const tc_dd_info *b)
{
  if (b->spatial_id == a->spatial_id && b->temporal_id == a->temporal_id)
    return 0;
  if (b->spatial_id == a->spatial_id && b->temporal_id == a->temporal_id + 1)
    return 1;
  if (b->spatial_id == a->spatial_id + 1 && b->temporal_id == 0)
    return 2;
  return -1;
}

static bool
info_valid (const tc_dd_info *t, unsigned max_fdiff, unsigned max_chain,
    unsigned chains)
{
  if (t->fdiff_count > TC_DD_MAX_FDIFFS)
    return false;
  for (unsigned i = 0; i < t->fdiff_count; i++)
    if (t->fdiff[i] < 1 || t->fdiff[i] > max_fdiff)
      return false;
  for (unsigned c = 0; c < chains; c++)
    if (t->chain_fdiff[c] > max_chain)
      return false;
  return true;
}

static bool
structure_valid (const tc_dd_structure *s)
{
  if (s->dt_count < 1 || s->dt_count > TC_DD_MAX_DECODE_TARGETS
      || s->template_count < 1 || s->template_count > TC_DD_MAX_TEMPLATES
      || s->template_id_offset >= TC_DD_MAX_TEMPLATES
      || s->chain_count > s->dt_count)
    return false;
  if (s->templates[0].spatial_id != 0 || s->templates[0].temporal_id != 0)
    return false;
  for (unsigned i = 0; i < s->template_count; i++) {
    if (i > 0 && next_layer_idc (&s->templates[i - 1], &s->templates[i]) < 0)
      return false;
    if (!info_valid (&s->templates[i], 16, 15, s->chain_count))
      return false;
  }
  for (unsigned d = 0; d < s->dt_count && s->chain_count > 0; d++)
    if (s->dt_protected_by[d] >= s->chain_count)
      return false;
  return true;
}

static void
write_structure (tc_bitw *w, const tc_dd_structure *s)
{
  tc_bitw_put (w, s->template_id_offset, 6);
  tc_bitw_put (w, s->dt_count - 1u, 5);
  for (unsigned i = 0; i < s->template_count; i++) {
    int idc = i + 1 < s->template_count
        ? next_layer_idc (&s->templates[i], &s->templates[i + 1]) : 3;
    tc_bitw_put (w, (uint32_t) idc, 2);
  }
  for (unsigned i = 0; i < s->template_count; i++)
    for (unsigned d = 0; d < s->dt_count; d++)
      tc_bitw_put (w, s->templates[i].dti[d], 2);
  for (unsigned i = 0; i < s->template_count; i++) {
    for (unsigned k = 0; k < s->templates[i].fdiff_count; k++) {
      tc_bitw_put (w, 1, 1);
      tc_bitw_put (w, s->templates[i].fdiff[k] - 1u, 4);
    }
    tc_bitw_put (w, 0, 1);
  }
  tc_bitw_put_ns (w, s->chain_count, s->dt_count + 1u);
  if (s->chain_count > 0) {
    for (unsigned d = 0; d < s->dt_count; d++)
      tc_bitw_put_ns (w, s->dt_protected_by[d], s->chain_count);
    for (unsigned i = 0; i < s->template_count; i++)
      for (unsigned c = 0; c < s->chain_count; c++)
        tc_bitw_put (w, s->templates[i].chain_fdiff[c], 4);
  }
  tc_bitw_put (w, s->has_resolutions, 1);
  if (s->has_resolutions) {
    unsigned layers = s->templates[s->template_count - 1].spatial_id + 1u;
    for (unsigned l = 0; l < layers; l++) {
      tc_bitw_put (w, s->render_width[l] - 1u, 16);
      tc_bitw_put (w, s->render_height[l] - 1u, 16);
    }
  }
}

/* fdiff_minus_one in 4, 8 or 12 bits: next_fdiff_size 1..3. */
static void
write_frame_fdiffs (tc_bitw *w, const tc_dd_info *info)
{
  for (unsigned k = 0; k < info->fdiff_count; k++) {
    uint32_t v = info->fdiff[k] - 1u;
    uint32_t size = v < 16 ? 1 : v < 256 ? 2 : 3;
    tc_bitw_put (w, size, 2);
    tc_bitw_put (w, v, 4 * size);
  }
  tc_bitw_put (w, 0, 2);
}

static void
write_frame_definition (tc_bitw *w, const tc_dd_structure *s,
    const tc_dd_frame *f)
{
  if (f->custom_dtis)
    for (unsigned d = 0; d < s->dt_count; d++)
      tc_bitw_put (w, f->info.dti[d], 2);
  if (f->custom_fdiffs)
    write_frame_fdiffs (w, &f->info);
  if (f->custom_chains)
    for (unsigned c = 0; c < s->chain_count; c++)
      tc_bitw_put (w, f->info.chain_fdiff[c], 8);
}

static bool
frame_valid (const tc_dd_structure *s, const tc_dd_frame *f)
{
  unsigned index = (f->template_id + TC_DD_MAX_TEMPLATES
      - s->template_id_offset) % TC_DD_MAX_TEMPLATES;
  if (f->template_id >= TC_DD_MAX_TEMPLATES || index >= s->template_count)
    return false;
  if (f->custom_dtis)
    for (unsigned d = 0; d < s->dt_count; d++)
      if (f->info.dti[d] > TC_DD_DTI_REQUIRED)
        return false;
  return info_valid (&f->info, 4096, 255, s->chain_count);
}

tc_status
tc_dd_write (const tc_dd_structure *structure, const tc_dd_frame *frame,
    uint8_t *buf, size_t cap, size_t *written)
{
  if (structure == NULL || frame == NULL || buf == NULL || written == NULL
      || !structure_valid (structure) || !frame_valid (structure, frame))
    return TC_ERR_INVALID_ARG;
  memset (buf, 0, cap);
  tc_bitw w;
  tc_bitw_init (&w, buf, cap);
  tc_bitw_put (&w, frame->start_of_frame, 1);
  tc_bitw_put (&w, frame->end_of_frame, 1);
  tc_bitw_put (&w, frame->template_id, 6);
  tc_bitw_put (&w, frame->frame_number, 16);
  bool extended = frame->has_structure || frame->has_active_decode_targets
      || frame->custom_dtis || frame->custom_fdiffs || frame->custom_chains;
  if (extended) {
    tc_bitw_put (&w, frame->has_structure, 1);
    tc_bitw_put (&w, frame->has_active_decode_targets, 1);
    tc_bitw_put (&w, frame->custom_dtis, 1);
    tc_bitw_put (&w, frame->custom_fdiffs, 1);
    tc_bitw_put (&w, frame->custom_chains, 1);
    if (frame->has_structure)
      write_structure (&w, structure);
    if (frame->has_active_decode_targets)
      tc_bitw_put (&w, frame->active_decode_targets, structure->dt_count);
    write_frame_definition (&w, structure, frame);
  }
  if (w.overflow)
    return TC_ERR_TOO_LARGE;
  *written = tc_bitw_bytes (&w);
  return TC_OK;
}

/* ---- L1T3 ---------------------------------------------------------------- */

enum { L1T3_KEY, L1T3_T0, L1T3_T1, L1T3_T2_AFTER_T0, L1T3_T2_AFTER_T1 };

void
tc_dd_l1t3_structure (tc_dd_structure *out)
{
  static const struct {
    uint8_t tid;
    uint8_t dti[3];
    uint8_t fdiff;        /* 0: none */
    uint8_t chain;
  } t[] = {
    [L1T3_KEY] = {0, {2, 2, 2}, 0, 0},
    [L1T3_T0] = {0, {2, 2, 2}, 4, 4},
    [L1T3_T1] = {1, {0, 1, 2}, 2, 2},
    [L1T3_T2_AFTER_T0] = {2, {0, 0, 1}, 1, 1},
    [L1T3_T2_AFTER_T1] = {2, {0, 0, 1}, 1, 3},
  };
  memset (out, 0, sizeof *out);
  out->dt_count = 3;
  out->chain_count = 1;
  out->template_count = sizeof t / sizeof t[0];
  for (unsigned i = 0; i < out->template_count; i++) {
    tc_dd_info *info = &out->templates[i];
    info->temporal_id = t[i].tid;
    memcpy (info->dti, t[i].dti, sizeof t[i].dti);
    info->fdiff_count = t[i].fdiff ? 1 : 0;
    info->fdiff[0] = t[i].fdiff;
    info->chain_fdiff[0] = t[i].chain;
  }
}

/* Distance back to `earlier`; beyond what custom fields can say it is 0
 * (no reference). */
static uint16_t
distance (uint16_t now, uint16_t earlier, uint16_t max)
{
  uint16_t d = (uint16_t) (now - earlier);
  return d <= max ? d : 0;
}

tc_status
tc_dd_l1t3_next (tc_dd_l1t3 *state, bool keyframe, uint8_t temporal_id,
    tc_dd_frame *frame)
{
  if (state == NULL || frame == NULL || temporal_id > 2
      || (keyframe && temporal_id != 0) || (!keyframe && !state->started))
    return TC_ERR_INVALID_ARG;
  tc_dd_structure s;
  tc_dd_l1t3_structure (&s);
  uint16_t n = state->frame_number;
  unsigned tmpl;
  uint16_t ref = state->last_t0;
  if (keyframe)
    tmpl = L1T3_KEY;
  else if (temporal_id == 0)
    tmpl = L1T3_T0;
  else if (temporal_id == 1)
    tmpl = L1T3_T1;
  else if (state->t1_after_t0)
    tmpl = L1T3_T2_AFTER_T1, ref = state->last_t1;
  else
    tmpl = L1T3_T2_AFTER_T0;

  memset (frame, 0, sizeof *frame);
  frame->start_of_frame = frame->end_of_frame = true;
  frame->template_id = (uint8_t) tmpl;
  frame->frame_number = n;
  frame->has_structure = keyframe;
  frame->active_decode_targets = 0x7;  /* as a receiver reads it: all */
  frame->info = s.templates[tmpl];
  if (!keyframe) {
    uint16_t fdiff = distance (n, ref, 4096);
    uint8_t chain = (uint8_t) distance (n, state->last_t0, 255);
    frame->custom_fdiffs = frame->info.fdiff[0] != fdiff;
    frame->info.fdiff_count = fdiff ? 1 : 0;
    frame->info.fdiff[0] = fdiff;
    frame->custom_chains = frame->info.chain_fdiff[0] != chain;
    frame->info.chain_fdiff[0] = chain;
  }

  state->started = true;
  if (temporal_id == 0) {
    state->last_t0 = n;
    state->t1_after_t0 = false;
  } else if (temporal_id == 1) {
    state->last_t1 = n;
    state->t1_after_t0 = true;
  }
  state->frame_number = (uint16_t) (n + 1);
  return TC_OK;
}

/* ---- L1T1 ---------------------------------------------------------------- */

enum { L1T1_KEY, L1T1_DELTA };

void
tc_dd_l1t1_structure (tc_dd_structure *out)
{
  memset (out, 0, sizeof *out);
  out->dt_count = 1;
  out->chain_count = 1;
  out->template_count = 2;
  out->templates[L1T1_KEY].dti[0] = TC_DD_DTI_SWITCH;
  out->templates[L1T1_DELTA].dti[0] = TC_DD_DTI_SWITCH;
  out->templates[L1T1_DELTA].fdiff_count = 1;
  out->templates[L1T1_DELTA].fdiff[0] = 1;
  out->templates[L1T1_DELTA].chain_fdiff[0] = 1;
}

tc_status
tc_dd_l1t1_next (tc_dd_l1t3 *state, bool keyframe, tc_dd_frame *frame)
{
  if (state == NULL || frame == NULL || (!keyframe && !state->started))
    return TC_ERR_INVALID_ARG;
  tc_dd_structure s;
  tc_dd_l1t1_structure (&s);
  unsigned tmpl = keyframe ? L1T1_KEY : L1T1_DELTA;
  memset (frame, 0, sizeof *frame);
  frame->start_of_frame = frame->end_of_frame = true;
  frame->template_id = (uint8_t) tmpl;
  frame->frame_number = state->frame_number;
  frame->has_structure = keyframe;
  frame->active_decode_targets = 0x1;
  frame->info = s.templates[tmpl];
  state->started = true;
  state->frame_number++;
  return TC_OK;
}
