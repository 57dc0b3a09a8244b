/* rtp_ext.c - abs-send-time, transport-wide sequence number and sdes:mid
 * header extension values.
 *
 * abs-send-time (webrtc.org/experiments/rtp-hdrext/abs-send-time):
 *   0                   1                   2
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  seconds  |        fraction of a second (18)  |   6.18 fixed point
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * transport-wide-cc-01: 16-bit transport sequence number, big-endian.
 * sdes:mid (RFC 9143 / RFC 8843 15.2): the mid's bytes, no terminator.
 * ssrc-audio-level (RFC 6464 3): one byte, V (voice activity) then the
 *   level in -dBov, 7 bits.
 */
#include "tempchat/tc_rtp_ext.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtp_wire.h"

#define AST_BITS 24
#define AST_MASK ((1u << AST_BITS) - 1)
#define AST_FRAC_BITS 18
#define AST_WRAP_US (64 * G_USEC_PER_SEC)   /* 2^6 seconds */

tc_status
tc_rtp_ext_abs_send_time (const tc_rtp_ext *ext, uint32_t *value)
{
  g_return_val_if_fail (ext != NULL && value != NULL, TC_ERR_INVALID_ARG);

  if (ext->len != TC_RTP_EXT_ABS_SEND_TIME_LEN || ext->data == NULL)
    return TC_ERR_PARSE;
  *value = tc_rd24 (ext->data);
  return TC_OK;
}

tc_status
tc_rtp_ext_transport_seq (const tc_rtp_ext *ext, uint16_t *seq)
{
  g_return_val_if_fail (ext != NULL && seq != NULL, TC_ERR_INVALID_ARG);

  if (ext->len != TC_RTP_EXT_TRANSPORT_SEQ_LEN || ext->data == NULL)
    return TC_ERR_PARSE;
  *seq = tc_rd16 (ext->data);
  return TC_OK;
}

#define AUDIO_LEVEL_VOICE 0x80
#define AUDIO_LEVEL_MASK 0x7F

tc_status
tc_rtp_ext_audio_level (const tc_rtp_ext *ext, uint8_t *level, bool *voice)
{
  g_return_val_if_fail (ext != NULL && level != NULL && voice != NULL,
      TC_ERR_INVALID_ARG);

  /* The two-byte form pads the value to 2 bytes (RFC 6464 3). */
  if (ext->len < 1 || ext->len > 2 || ext->data == NULL)
    return TC_ERR_PARSE;
  *voice = (ext->data[0] & AUDIO_LEVEL_VOICE) != 0;
  *level = ext->data[0] & AUDIO_LEVEL_MASK;
  return TC_OK;
}

tc_status
tc_rtp_ext_mid (const tc_rtp_ext *ext, char *out, size_t cap)
{
  g_return_val_if_fail (ext != NULL && (out != NULL || cap == 0),
      TC_ERR_INVALID_ARG);

  if (ext->len == 0 || ext->data == NULL || ext->data[0] == 0)
    return TC_ERR_PARSE;
  const uint8_t *nul = memchr (ext->data, 0, ext->len);
  size_t n = nul ? (size_t) (nul - ext->data) : ext->len;
  if (n >= cap)
    return TC_ERR_TOO_LARGE;
  memcpy (out, ext->data, n);
  out[n] = '\0';
  return TC_OK;
}

tc_status
tc_rtp_ext_set_abs_send_time (tc_rtp_ext *ext, uint8_t id, uint32_t value,
    uint8_t storage[TC_RTP_EXT_ABS_SEND_TIME_LEN])
{
  g_return_val_if_fail (ext != NULL && storage != NULL, TC_ERR_INVALID_ARG);

  if (id == 0)
    return TC_ERR_INVALID_ARG;
  tc_wr24 (storage, value & AST_MASK);
  *ext = (tc_rtp_ext) {.id = id, .len = TC_RTP_EXT_ABS_SEND_TIME_LEN,
      .data = storage};
  return TC_OK;
}

tc_status
tc_rtp_ext_set_transport_seq (tc_rtp_ext *ext, uint8_t id, uint16_t seq,
    uint8_t storage[TC_RTP_EXT_TRANSPORT_SEQ_LEN])
{
  g_return_val_if_fail (ext != NULL && storage != NULL, TC_ERR_INVALID_ARG);

  if (id == 0)
    return TC_ERR_INVALID_ARG;
  tc_wr16 (storage, seq);
  *ext = (tc_rtp_ext) {.id = id, .len = TC_RTP_EXT_TRANSPORT_SEQ_LEN,
      .data = storage};
  return TC_OK;
}

tc_status
tc_rtp_ext_set_audio_level (tc_rtp_ext *ext, uint8_t id, uint8_t level,
    bool voice, uint8_t storage[TC_RTP_EXT_AUDIO_LEVEL_LEN])
{
  g_return_val_if_fail (ext != NULL && storage != NULL, TC_ERR_INVALID_ARG);

  if (id == 0 || level > AUDIO_LEVEL_MASK)
    return TC_ERR_INVALID_ARG;
  storage[0] = (uint8_t) ((voice ? AUDIO_LEVEL_VOICE : 0) | level);
  *ext = (tc_rtp_ext) {.id = id, .len = TC_RTP_EXT_AUDIO_LEVEL_LEN,
      .data = storage};
  return TC_OK;
}

tc_status
tc_rtp_ext_set_mid (tc_rtp_ext *ext, uint8_t id, const char *mid)
{
  g_return_val_if_fail (ext != NULL && mid != NULL, TC_ERR_INVALID_ARG);

  size_t n = strlen (mid);
  if (id == 0 || n == 0 || n > TC_RTP_EXT_MID_MAX)
    return TC_ERR_INVALID_ARG;
  *ext = (tc_rtp_ext) {.id = id, .len = (uint8_t) n,
      .data = (const uint8_t *) mid};
  return TC_OK;
}

uint32_t
tc_abs_send_time_from_us (int64_t us)
{
  int64_t r = us % AST_WRAP_US;
  if (r < 0)
    r += AST_WRAP_US;
  /* r < 2^26, so r << 18 stays far below 2^63. */
  uint64_t v = (((uint64_t) r << AST_FRAC_BITS) + G_USEC_PER_SEC / 2)
      / G_USEC_PER_SEC;
  return (uint32_t) v & AST_MASK;
}

uint32_t
tc_abs_send_time_from_ntp (uint64_t ntp)
{
  /* Keep 6 bits of seconds and the top 18 bits of the fraction. */
  return (uint32_t) (ntp >> (32 - AST_FRAC_BITS)) & AST_MASK;
}

int64_t
tc_abs_send_time_delta_us (uint32_t later, uint32_t earlier)
{
  int64_t d = (int64_t) ((later - earlier) & AST_MASK);
  if (d >= (int64_t) 1 << (AST_BITS - 1))
    d -= (int64_t) 1 << AST_BITS;
  /* Round half away from zero so +d and -d stay symmetric. */
  int64_t scaled = d * G_USEC_PER_SEC;
  int64_t half = (int64_t) 1 << (AST_FRAC_BITS - 1);
  return (scaled >= 0 ? scaled + half : scaled - half)
      / ((int64_t) 1 << AST_FRAC_BITS);
}
