/* tc_payloader.h - one RTP payload format per codec, behind one interface.
 *
 * A payloader turns an encoded frame into RTP payloads (payload) and RTP
 * packets back into encoded frames (depayload). It knows nothing about RTP
 * headers, sequence numbers, clocks or sockets: the caller writes the header
 * around each payload and feeds depayload the packets of one stream in
 * sequence order (the jitter buffer does that on the receive side).
 *
 * Each codec lives in its own file (src/rtp/pay_<codec>.c). Codec state is
 * opaque; create one per stream and direction with state_new and free it with
 * state_free. A state is used by one thread at a time (the session's loop
 * thread); the payloader tables themselves are immutable and shared.
 */
#ifndef TEMPCHAT_TC_PAYLOADER_H
#define TEMPCHAT_TC_PAYLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_rtp.h"
#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TC_MEDIA_AUDIO = 1,
  TC_MEDIA_VIDEO = 2,
} tc_media_kind;

/* One encoded frame coming out of a depayloader. `data` is borrowed from the
 * depayloader and valid only during the callback; copy it to keep it. */
typedef struct {
  const uint8_t *data;
  size_t len;
  uint32_t rtp_timestamp;
  bool keyframe;          /* decodable without earlier frames */
  /* The temporal layer the payload descriptor names (VP8 TID, VP9 layer
   * indices); has_temporal_id false when it names none. */
  bool has_temporal_id;
  uint8_t temporal_id;
} tc_frame;

/* Called once per RTP payload the payloader produces, in sending order.
 * `payload` is valid only during the call. `marker` is the RTP marker bit to
 * send with it. Returning anything but TC_OK stops payload(), which then
 * returns that status. */
typedef tc_status (*tc_pay_emit_fn) (const uint8_t *payload, size_t len,
    bool marker, void *user_data);

/* Called once per complete frame the depayloader reassembled. */
typedef void (*tc_frame_fn) (const tc_frame *frame, void *user_data);

typedef struct tc_payloader {
  const char *name;           /* SDP encoding name, e.g. "VP8", "opus" */
  tc_media_kind kind;
  uint32_t clock_rate;        /* RTP clock rate in Hz */
  uint8_t channels;           /* SDP channel count (audio); 0 for video */
  /* True when every RTP packet carries one whole frame (audio). Then the
   * marker bit does not end frames and a jitter buffer must not wait for it. */
  bool packet_is_frame;

  /* Returns a new state owned by the caller (free with state_free), never
   * NULL (GLib aborts on out of memory). */
  void *(*state_new) (void);
  /* Frees a state; NULL-safe. */
  void (*state_free) (void *state);

  /* Splits one encoded frame (`frame`, `len` > 0, borrowed) into RTP
   * payloads no longer than `mtu` bytes each (the codec's payload header
   * included; the caller has already subtracted RTP header, extensions and
   * SRTP tag) and calls `emit` for each. The last one has marker set.
   * `keyframe` says the encoder produced a keyframe.
   * TC_ERR_INVALID_ARG for an empty frame or an `mtu` too small to carry any
   * data, TC_ERR_TOO_LARGE when a codec without fragmentation gets a frame
   * above `mtu`, or what `emit` returned. */
  tc_status (*payload) (void *state, const uint8_t *frame, size_t len,
      bool keyframe, size_t mtu, tc_pay_emit_fn emit, void *user_data);

  /* Takes the next packet of a stream (in sequence order; borrowed) and
   * calls `on_frame` when a frame is complete. Incomplete frames (a gap in
   * sequence numbers, a missing start) are dropped silently and never come
   * out. TC_ERR_PARSE for a malformed payload (the partial frame is dropped),
   * TC_ERR_TOO_LARGE for a frame beyond the codec's size limit. */
  tc_status (*depayload) (void *state, const tc_rtp_packet *pkt,
      tc_frame_fn on_frame, void *user_data);

  /* Forgets any partial frame (after the caller skipped packets). */
  void (*depay_reset) (void *state);

  /* True when `payload` (one RTP payload, borrowed) is the first packet of a
   * frame. Lets a jitter buffer find frame boundaries after a loss. False for
   * malformed payloads. */
  bool (*starts_frame) (const uint8_t *payload, size_t len);
} tc_payloader;

/* The payloaders we ship. Static storage, any thread. */
extern const tc_payloader tc_payloader_vp8;
extern const tc_payloader tc_payloader_av1;   /* AV1 RTP specification */
extern const tc_payloader tc_payloader_vp9;   /* RFC 9628 */
extern const tc_payloader tc_payloader_h264;  /* RFC 6184, mode 1 */
extern const tc_payloader tc_payloader_opus;

/* Finds a payloader by SDP encoding name, case-insensitively ("vp8", "OPUS").
 * NULL when we have none or `name` is NULL. Any thread. */
const tc_payloader *tc_payloader_find (const char *name);

#ifdef __cplusplus
}
#endif
#endif
