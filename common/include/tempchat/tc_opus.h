/* tc_opus.h - what an Opus packet says of itself (RFC 6716 section 3.1):
 * how long it plays and whether it carries in-band FEC. The core's
 * receiver counts lost frames with it; a wrapper's decoder knows from it
 * whether holding a packet back for FEC can ever pay.
 *
 * Pure.
 */
#ifndef TEMPCHAT_TC_OPUS_H
#define TEMPCHAT_TC_OPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How long an Opus packet plays, in 48 kHz samples (the RTP clock of
 * RFC 7587), read from its TOC byte and, for code 3, its frame count byte:
 * senders choose 10 to 120 ms per packet, and a receiver that assumed 20 ms
 * would count a 60 ms packet's neighbours as lost. 0 for a packet that
 * cannot be valid (empty, code 3 without a count byte, more than 120 ms,
 * or a count of 0). Any thread. */
uint32_t tc_opus_packet_samples (const uint8_t *packet, size_t len);

/* True when the first Opus frame of `packet` carries LBRR data (in-band
 * FEC, RFC 6716 4.2.4): a copy, at lower rate, of the packet before it,
 * from which a decoder recovers that packet if it was lost. Only SILK and
 * hybrid frames can; RFC 6716 4.2.3: the VAD and LBRR flags are the first
 * symbols of the frame, coded with uniform probability, so they are the
 * top bits of its first byte. False for CELT-only and malformed packets.
 * Any thread. */
bool tc_opus_packet_has_fec (const uint8_t *packet, size_t len);

#endif
