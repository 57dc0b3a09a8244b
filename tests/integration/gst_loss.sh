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
# coming. The longest wait between two decoded frames (a freeze) is a
# timed figure: printed as a METRIC here and compared against a lossless
# run by bench/gst_loss.sh, since a busy machine alone makes waits of
# several hundred ms. Prints METRIC lines either way.
#
# Usage: gst_loss.sh TEST_GST_CALL RELAY GST_PLUGIN_DIR LOSS SECONDS
# Exit 77 (skipped) without root, ip or nft.
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3 LOSS=$4 SECONDS_LOSS=$5
FPS=30                          # the sender's frame rate
REF=5                           # lossless reports before the loss
MAX_GAP_MS=500
MIN_DECODED=95                  # % of the frames sent

command -v nft >/dev/null || { echo "needs nft"; exit 77; }
PREFIX=tcloss
. "$(dirname "$0")/netns_pair.sh"
room="#it-gst-loss-$id"

mkfifo "$work/recv.in" "$work/send.in" "$work/recv.out"
ip netns exec "$B" "$T" --peer recv-report "$url" "$room" \
  <"$work/recv.in" >"$work/recv.out" &
pids="$pids $!"
exec 3>"$work/recv.in"
exec 6<"$work/recv.out"
ip netns exec "$A" "$T" --peer send-light "$url" "$room" \
  <"$work/send.in" >"$work/send.out" &
pids="$pids $!"
exec 4>"$work/send.in"

# Reads the receiver's next "report" line into V AU GAP STATE NACKS PLIS;
# fails when none comes within 10 s (the peer died or hangs).
next_report() {
  local word
  while read -r -t 10 word V AU GAP STATE NACKS PLIS <&6; do
    [ "$word" = report ] && return 0
    [ "$word" = error ] && { echo "receiver: error $V $AU $GAP"; return 1; }
  done
  echo "receiver: no report"; return 1
}

loss() {
  udp_loss "$1" "$LOSS" "$A" "$B"
}

# Connected and decoding (signaling, ICE, DTLS, the first keyframe).
n=0
until next_report && [ "$V" -gt 0 ]; do
  n=$((n + 1)); [ "$n" -lt 60 ] || { echo "no video within 60 s"; exit 1; }
done
vr=$V
for _ in $(seq "$REF"); do next_report; done
ref_fps=$(( (V - vr) / REF ))

loss on
v0=$V nacks0=$NACKS plis0=$PLIS
s0=$(wc -l <"$work/send.out")
max_gap=0 not_connected=0
for _ in $(seq "$SECONDS_LOSS"); do
  next_report
  [ "$GAP" -le "$max_gap" ] || max_gap=$GAP
  [ "$STATE" = connected ] || not_connected=$((not_connected + 1))
done
loss off
s1=$(wc -l <"$work/send.out")
v1=$V a1=$AU nacks1=$NACKS plis1=$PLIS

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
echo "METRIC loss${LOSS}-lossless-fps=$ref_fps"
echo "METRIC loss${LOSS}-frames-sent=$sent decoded=$((v1 - v0))"
echo "METRIC loss${LOSS}-frames-decoded-pct=$decoded"
echo "METRIC loss${LOSS}-max-video-gap-ms=$max_gap"
echo "METRIC loss${LOSS}-not-connected-reports=$((not_connected + send_down))"
echo "METRIC loss${LOSS}-sender-target-bps=$send_bps"
echo "METRIC loss${LOSS}-nacks-sent=$((nacks1 - nacks0)) nacks-received=$send_nacks"
echo "METRIC loss${LOSS}-plis-sent=$((plis1 - plis0)) plis-received=$send_plis"
echo "METRIC loss${LOSS}-media-after=$after"

fail=0
[ "$max_gap" -le "$MAX_GAP_MS" ] || echo "a wait of $max_gap ms (see above)"
[ "$decoded" -ge "$MIN_DECODED" ] || { echo "only $decoded % decoded"; fail=1; }
[ $((not_connected + send_down)) -eq 0 ] \
  || { echo "the path looked lost under loss"; fail=1; }
[ "$after" = yes ] || { echo "no video and audio after the loss"; fail=1; }
exit $fail
