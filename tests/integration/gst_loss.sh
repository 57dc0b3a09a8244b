#!/bin/bash
# gst_loss.sh - a tempchatsink -> tempchatsrc call on a lossy network, as a
# user on hotel Wi-Fi meets it: the peers in two network namespaces joined
# by a veth pair, LOSS % of UDP dropped at random in both (nftables numgen
# on input, so each direction), signaling (TCP) untouched, for SECONDS
# after a lossless reference.
#
#   netns A: sender (test_gst_call --peer send-light: a moving zone plate,
#            320x240 at 30 fps and 360p's rates, Opus)
#   netns B: tempchat-relay and the receiver (--peer recv-report: decoded)
#
# Passes when, during the loss: at least 95 % of the frames the sender was
# given are decoded, both peers are `connected` throughout (a lost path or
# failed consent shows otherwise); and after it video and audio keep
# coming; lost audio is concealed, some of it recovered from in-band FEC,
# and audio plays at least 95 % of the loss window. The longest wait
# between two decoded frames (a freeze) is a timed figure: printed as a
# METRIC here and compared against a lossless run by bench/gst_loss.sh,
# since a busy machine alone makes waits of several hundred ms. Prints
# METRIC lines either way.
#
# Usage: [ROLE=sink-offers|src-offers] [REPAIR=off] gst_loss.sh
#        TEST_GST_CALL RELAY GST_PLUGIN_DIR LOSS SECONDS
# REPAIR=off runs the sink with do-retransmission=false do-fec=false and
# checks only that those knobs hold: NACKs come and are not answered, lost
# audio is concealed and none of it is recovered from FEC.
# ROLE (default sink-offers) says which element offers: TempChat's offerer
# is the greater client id, the relay runs with --ordered-ids, so the peer
# that joins last offers; the other joins first and waits in the room.
# Exit 77 (skipped) without root, ip or nft.
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3 LOSS=$4 SECONDS_LOSS=$5
FPS=30                          # the sender's frame rate
REF=5                           # lossless reports before the loss
MAX_GAP_MS=500
MIN_DECODED=95                  # % of the frames sent

ROLE=${ROLE:-sink-offers}
REPAIR=${REPAIR:-on}
SINK_ARGS=
[ "$REPAIR" = on ] || SINK_ARGS="do-retransmission=false do-fec=false"
case "$ROLE" in
  sink-offers|src-offers) ;;
  *) echo "ROLE must be sink-offers or src-offers"; exit 2 ;;
esac
command -v nft >/dev/null || { echo "needs nft"; exit 77; }
PREFIX=tcloss
RELAY_ARGS="--ordered-ids ${RELAY_ARGS:-}"
. "$(dirname "$0")/netns_pair.sh"
room="#it-gst-loss-$id"


loss() {
  udp_loss "$1" "$LOSS" "$A" "$B"
}

# The first peer in the room before the second joins (ids in join order).
if [ "$ROLE" = sink-offers ]; then
  start_recv
  n=0
  until next_report && [ "$STATE" = waiting ]; do
    n=$((n + 1)); [ "$n" -lt 30 ] || { echo "src not in the room"; exit 1; }
  done
  start_send send-light
else
  start_send send-light
  timeout 30 tail -n +1 -f "$work/send.out" | grep -q -m1 '^state waiting' \
    || { echo "sink not in the room within 30 s"; exit 1; }
  start_recv
fi

# Connected and decoding (signaling, ICE, DTLS, the first keyframe).
n=0
until next_report && [ "$V" -gt 0 ]; do
  n=$((n + 1)); [ "$n" -lt 60 ] || { echo "no video within 60 s"; exit 1; }
done
vr=$V
for _ in $(seq "$REF"); do next_report; done
ref_fps=$(( (V - vr) / REF ))

loss on
v0=$V nacks0=$NACKS plis0=$PLIS ams0=$AMS concealed0=$CONCEALED fec0=$FEC
aend0=$AEND
rtx0=$RTX
s0=$(wc -l <"$work/send.out")
max_gap=0 max_agap=0 not_connected=0
for _ in $(seq "$SECONDS_LOSS"); do
  next_report
  [ "$GAP" -le "$max_gap" ] || max_gap=$GAP
  [ "$AGAP" -le "$max_agap" ] || max_agap=$AGAP
  [ "$STATE" = connected ] || not_connected=$((not_connected + 1))
done
loss off
s1=$(wc -l <"$work/send.out")
v1=$V a1=$AU nacks1=$NACKS plis1=$PLIS
concealed=$((CONCEALED - concealed0)) fec=$((FEC - fec0)) rtx=$((RTX - rtx0))
ams1=$AMS aend1=$AEND


# After the loss: video and audio keep coming.
after=no
for _ in $(seq 10); do
  next_report
  if [ "$V" -ge $((v1 + FPS)) ] && [ "$AU" -gt "$a1" ]; then after=yes; break; fi
done

# The sender's lines of the loss window:
# "target BPS STATE NACKS PLIS FRAMES".
sed -n "$((s0 + 1)),${s1}p" "$work/send.out" >"$work/send.window"
read -r send_bps send_down send_nacks send_plis sent < <(awk '
  $1 == "target" { n++; sum += $2; if ($3 != "connected") down++
                   if (n == 1) { n0 = $4; p0 = $5; f0 = $6 }
                   n1 = $4; p1 = $5; f1 = $6 }
  END { printf "%d %d %d %d %d\n", n ? sum / n : 0, down, n1 - n0, p1 - p0,
               f1 - f0 }' "$work/send.window")
exec 3>&- 4>&- 5<&- 6<&-

decoded=$(( (v1 - v0) * 100 / (sent > 0 ? sent : 1) ))
# Audio played during the loss against the stretch of its time line it
# covers: concealment fills each loss in its place, so only audio that
# never came out (a gap not concealed) falls short; a busy machine does not.
audio_pct=$(( (ams1 - ams0) * 100 / ((aend1 - aend0) > 0 ? (aend1 - aend0) : 1) ))
echo "METRIC loss${LOSS}-lossless-fps=$ref_fps"
echo "METRIC loss${LOSS}-frames-sent=$sent decoded=$((v1 - v0))"
echo "METRIC loss${LOSS}-frames-decoded-pct=$decoded"
echo "METRIC loss${LOSS}-max-video-gap-ms=$max_gap"
echo "METRIC loss${LOSS}-not-connected-reports=$((not_connected + send_down))"
echo "METRIC loss${LOSS}-sender-target-bps=$send_bps"
echo "METRIC loss${LOSS}-nacks-sent=$((nacks1 - nacks0)) nacks-received=$send_nacks"
echo "METRIC loss${LOSS}-plis-sent=$((plis1 - plis0)) plis-received=$send_plis"
echo "METRIC loss${LOSS}-retransmissions-received=$rtx"
role=$(sed -n 's/^role //p' "$work/send.out" | tail -n 1)
echo "METRIC loss${LOSS}-sink-role=${role:-none}"
echo "METRIC loss${LOSS}-media-after=$after"
echo "METRIC loss${LOSS}-audio-played-pct=$audio_pct max-audio-gap-ms=$max_agap"
echo "METRIC loss${LOSS}-audio-concealed=$concealed fec-recovered=$fec"

fail=0
if [ "$REPAIR" != on ]; then
  [ $((nacks1 - nacks0)) -gt 0 ] || { echo "no NACK under loss"; fail=1; }
  [ "$rtx" -eq 0 ] || { echo "$rtx retransmissions with do-retransmission=false"; fail=1; }
  [ "$concealed" -gt 0 ] || { echo "no audio frame was concealed"; fail=1; }
  [ "$fec" -eq 0 ] || { echo "$fec frames recovered from FEC with do-fec=false"; fail=1; }
  exit $fail
fi
[ "$max_gap" -le "$MAX_GAP_MS" ] || echo "a wait of $max_gap ms (see above)"
[ "$decoded" -ge "$MIN_DECODED" ] || { echo "only $decoded % decoded"; fail=1; }
[ $((not_connected + send_down)) -eq 0 ] \
  || { echo "the path looked lost under loss"; fail=1; }
[ "$after" = yes ] || { echo "no video and audio after the loss"; fail=1; }
want=$([ "$ROLE" = sink-offers ] && echo offerer || echo answerer)
[ "$role" = "$want" ] || { echo "the sink was the ${role:-nothing}, not the $want"; fail=1; }
# Lost audio is concealed, the web client's in-band FEC recovers some of
# it, and audio keeps its time (the jitter buffer never holds it back).
[ "$concealed" -gt 0 ] || { echo "no audio frame was concealed"; fail=1; }
[ $((nacks1 - nacks0)) -gt 0 ] && [ "$rtx" -gt 0 ] \
  || { echo "no NACK answered by a retransmission"; fail=1; }
[ "$fec" -gt 0 ] || { echo "no audio frame was recovered from FEC"; fail=1; }
[ "$audio_pct" -ge "$MIN_DECODED" ] \
  || { echo "audio played only $audio_pct % of the time"; fail=1; }
exit $fail
