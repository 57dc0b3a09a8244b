/* pay_opus.c - RTP payload format for Opus audio (RFC 7587).
 *
 * The RTP payload is exactly one Opus packet (RFC 6716 section 3): no payload
 * header, no fragmentation, one packet per RTP packet (section 4.2).
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           timestamp                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           synchronization source (SSRC) identifier            |
 *    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *    |            contributing source (CSRC) identifiers             |
 *    |                              ...                              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    :                     Opus packet (TOC byte, frames)            :
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The RTP clock is always 48 kHz and SDP always says opus/48000/2, whatever
 * the encoder's real rate and channel count (section 4.1). The marker bit is
 * left to the caller (it flags the first packet after DTX silence).
 */
#include "tempchat/tc_payloader.h"

#include <glib.h>

/* The largest Opus packet: 120 ms of 2.5 ms frames of up to 1275 bytes each,
 * plus the TOC and frame-count bytes and length fields (RFC 6716 3.2.5). */
#define OPUS_MAX_PACKET (48 * 1275 + 2 + 48 * 2)

/* Opus keeps no state; a non-NULL token keeps the interface uniform. */
static void *
opus_state_new (void)
{
  return g_new0 (uint8_t, 1);
}

static void
opus_state_free (void *state)
{
  g_free (state);
}

static tc_status
opus_payload (void *state, const uint8_t *frame, size_t len, bool keyframe,
    size_t mtu, tc_pay_emit_fn emit, void *user_data)
{
  if (frame == NULL || len == 0 || emit == NULL || mtu == 0)
    return TC_ERR_INVALID_ARG;
  if (len > mtu)
    return TC_ERR_TOO_LARGE;  /* Opus packets are never fragmented */
  return emit (frame, len, false, user_data);
}

static tc_status
opus_depayload (void *state, const tc_rtp_packet *pkt, tc_frame_fn on_frame,
    void *user_data)
{
  if (pkt == NULL || on_frame == NULL)
    return TC_ERR_INVALID_ARG;
  /* RFC 6716 3.4 [R1]: an Opus packet has at least its TOC byte. */
  if (pkt->payload == NULL || pkt->payload_len == 0)
    return TC_ERR_PARSE;
  if (pkt->payload_len > OPUS_MAX_PACKET)
    return TC_ERR_TOO_LARGE;
  tc_frame f = {
    .data = pkt->payload,
    .len = pkt->payload_len,
    .rtp_timestamp = pkt->timestamp,
    .keyframe = true,  /* every Opus packet decodes on its own */
  };
  on_frame (&f, user_data);
  return TC_OK;
}

static void
opus_depay_reset (void *state)
{
}

static bool
opus_starts_frame (const uint8_t *payload, size_t len)
{
  return payload != NULL && len > 0;
}

const tc_payloader tc_payloader_opus = {
  .name = "opus",
  .kind = TC_MEDIA_AUDIO,
  .clock_rate = 48000,
  .channels = 2,
  .packet_is_frame = true,
  .state_new = opus_state_new,
  .state_free = opus_state_free,
  .payload = opus_payload,
  .depayload = opus_depayload,
  .depay_reset = opus_depay_reset,
  .starts_frame = opus_starts_frame,
};
