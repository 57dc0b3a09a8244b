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
#include "tempchat/tc_opus.h"
#include "tempchat/tc_payloader.h"

#include <glib.h>

/* The largest Opus packet: 120 ms of 2.5 ms frames of up to 1275 bytes each,
 * plus the TOC and frame-count bytes and length fields (RFC 6716 3.2.5). */
#define OPUS_MAX_PACKET (48 * 1275 + 2 + 48 * 2)

/* Samples (48 kHz) of one frame by TOC config (RFC 6716 table 2): SILK
 * 0-11 at 10/20/40/60 ms, hybrid 12-15 at 10/20 ms, CELT 16-31 at
 * 2.5/5/10/20 ms. */
static uint32_t
toc_frame_samples (uint8_t toc)
{
  static const uint32_t silk[] = { 480, 960, 1920, 2880 };
  static const uint32_t hybrid[] = { 480, 960 };
  static const uint32_t celt[] = { 120, 240, 480, 960 };
  unsigned config = toc >> 3;

  if (config < 12)
    return silk[config & 3];
  if (config < 16)
    return hybrid[config & 1];
  return celt[config & 3];
}

uint32_t
tc_opus_packet_samples (const uint8_t *packet, size_t len)
{
  unsigned frames;

  if (packet == NULL || len == 0)
    return 0;
  switch (packet[0] & 3) {
  case 0:
    frames = 1;
    break;
  case 1:
  case 2:
    frames = 2;
    break;
  default:
    if (len < 2)
      return 0;
    frames = packet[1] & 0x3F;  /* RFC 6716 3.2.5: M, 6 bits */
    break;
  }
  uint32_t samples = frames * toc_frame_samples (packet[0]);
  /* 3.2.5 [R5]: never more than 120 ms. */
  return samples > 5760 ? 0 : samples;
}

/* Where the first frame's data starts (RFC 6716 3.2), 0 when the packet
 * is too short to have one. */
static size_t
first_frame_offset (const uint8_t *packet, size_t len)
{
  size_t at = 1;
  switch (packet[0] & 3) {
  case 0:
  case 1:
    break;
  case 2:
    /* The first frame's length: one byte, or two when it is 252 or more. */
    if (len < 2)
      return 0;
    at += packet[1] < 252 ? 1 : 2;
    break;
  default: {
    if (len < 2)
      return 0;
    bool vbr = (packet[1] & 0x80) != 0, padded = (packet[1] & 0x40) != 0;
    unsigned frames = packet[1] & 0x3F;
    at = 2;
    /* Padding length bytes: each 255 adds 254 and another byte follows. */
    while (padded && at < len && packet[at++] == 255)
      ;
    /* VBR: a length for every frame but the last. */
    for (unsigned i = 0; vbr && frames > 0 && i < frames - 1 && at < len; i++)
      at += packet[at] < 252 ? 1 : 2;
    break;
  }
  }
  return at < len ? at : 0;
}

bool
tc_opus_packet_has_fec (const uint8_t *packet, size_t len)
{
  if (packet == NULL || len < 2)
    return false;
  unsigned config = packet[0] >> 3;
  if (config >= 16)
    return false;  /* CELT only: no SILK layer, no LBRR */
  uint32_t frame = toc_frame_samples (packet[0]);
  /* SILK frames per Opus frame: 10 and 20 ms one, 40 ms two, 60 ms three. */
  unsigned silk_frames = frame <= 960 ? 1 : frame / 960;
  unsigned channels = (packet[0] & 0x4) ? 2 : 1;
  size_t at = first_frame_offset (packet, len);
  if (at == 0)
    return false;
  /* Per channel (mid, then side): silk_frames VAD flags, then LBRR. */
  for (unsigned c = 0; c < channels; c++) {
    unsigned bit = (c + 1) * (silk_frames + 1) - 1;
    if (packet[at] & (0x80 >> bit))
      return true;
  }
  return false;
}

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
