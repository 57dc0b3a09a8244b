#!/bin/sh
# bwe_tbf.sh - a tempchatsink sender behind a 1 Mbit/s token bucket (tc tbf)
# must bring its target bitrate below the limit by itself, as a browser
# would: the only thing telling it is the receiver's transport-cc feedback.
#
#   netns A: sender (test_gst_call --peer send-report: 720p, starts at 2 Mbit/s)
#            veth egress: tbf rate 1mbit
#   netns B: tempchat-relay and the receiver (test_gst_call --peer recv)
#
# Usage: [CC=none | LIFT=1] bwe_tbf.sh TEST_GST_CALL RELAY GST_PLUGIN_DIR
# CC=none runs the sink with congestion-control=none and checks the
# opposite: for 15 s the sink has no target and its encoder stays at the
# start bitrate (720p: 2 Mbit/s), above the limit (what that setting
# promises).
# LIFT=1: quality=1080p (starts at 4.5 Mbit/s) behind 1.5 Mbit/s. Once the
# target is below the limit, the median of the next 10 s of targets must
# stay below it (settled, not probing above it), and the median video
# bitrate sent then (retransmissions included) below twice it (the sender's
# picture is noise, which no encoder fits in the target: what it sends is
# held down by the frames it leaves out); then the tbf is removed and the
# target must climb past twice the limit. The times each took are
# METRIC lines (the "within 5 s" of the issue is a figure, not a pass
# condition: a busy machine stretches it).
# Exit 77 (skipped) without root or iproute2 (netns_pair.sh sets up the
# namespaces, the relay and the cleanup).
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3
LIMIT=1000000                   # bit/s, the tbf rate below
WAIT=60                         # seconds to see the target below it
CC=${CC:-gcc}
LIFT=${LIFT:-0}
sink_args= recv_args=
[ "$CC" = gcc ] || { sink_args="congestion-control=$CC"; WAIT=15; }
# 1080p both ways: the receiver's quality caps what it asks for (720p's
# 3 Mbit/s would stop the climb).
[ "$LIFT" = 0 ] || { LIMIT=1500000; sink_args="quality=1080p"
  recv_args="quality=1080p"; WAIT=100; }
HOLD=10                         # LIFT: seconds the target must stay settled

command -v tc >/dev/null || { echo "needs tc"; exit 77; }
PREFIX=tcbwe
. "$(dirname "$0")/netns_pair.sh"
ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate "$LIMIT"bit \
  burst 10kb latency 300ms
room="#it-bwe-tbf-$id"

# The peers run until their stdin closes: hold it open with fifos.
mkfifo "$work/recv.in" "$work/send.in" "$work/send.out"
ip netns exec "$B" env TC_TEST_ELEMENT_ARGS="$recv_args" \
  "$T" --peer recv "$url" "$room" <"$work/recv.in" >"$work/recv.out" &
pids="$pids $!"
exec 3>"$work/recv.in"
ip netns exec "$A" env TC_TEST_ELEMENT_ARGS="$sink_args" \
  "$T" --peer send-report "$url" "$room" <"$work/send.in" \
  >"$work/send.out" &
pids="$pids $!"
exec 4>"$work/send.in"

# Reads the sender's "target N" lines as they come (a shell loop: awk may
# buffer a pipe's input); done at the first one below the limit, failed when
# the sender ends or WAIT passes first. Every value seen goes to $work/seen.
# LIFT: then HOLD seconds of targets (their median below the limit), the
# tbf removed, and the first target above twice the limit.
export LIMIT LIFT HOLD work A VA
result=$(timeout "$WAIT" sh -c '
  n=0 phase=down t0=$(date +%s%N)
  ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
  median() { sort -n "$1" | sed -n "$(( ($(wc -l <"$1") + 1) / 2 ))p"; }
  while read -r word value rest; do
    case $word in
      error) echo "error $value $rest"; exit ;;
      encoder) echo "$value" >>"$work/encoder" ;;
      target) n=$((n + 1)); echo "$value" >>"$work/seen"
        case $phase in
          down) [ "$value" -lt "$LIMIT" ] || continue
            echo "below $value after $n reports ($(ms "$t0") ms)"
            [ "$LIFT" = 1 ] || exit
            phase=hold t1=$(date +%s%N) ;;
          hold) echo "$value" >>"$work/held"
            # "STATE NACKS PLIS FRAMES SENT_BPS OVERSHOOT"
            echo "$rest" | cut -d" " -f5 >>"$work/sent"
            [ "$(ms "$t1")" -ge $((HOLD * 1000)) ] || continue
            median=$(median "$work/held") sent=$(median "$work/sent")
            [ "$median" -lt "$LIMIT" ] \
              || { echo "unsettled: median $median over ${HOLD}s"; exit; }
            # What left, retransmissions included: an encoder that cannot
            # get down to the target (noise) sent 6.7 Mbit/s into the
            # 1.5 Mbit/s link until frames were left out for it.
            [ "$sent" -lt $((2 * LIMIT)) ] \
              || { echo "flooding: sent median $sent over ${HOLD}s"; exit; }
            ip netns exec "$A" tc qdisc del dev "$VA" root
            phase=climb t2=$(date +%s%N) ;;
          climb) [ "$value" -gt $((2 * LIMIT)) ] || continue
            echo "held median $median, sent median $sent;" \
              "lifted: $value after $(ms "$t2") ms"
            exit ;;
        esac ;;
    esac
  done' <"$work/send.out" || true)
exec 3>&- 4>&- 5<&-
if [ "$CC" != gcc ]; then
  # No target at all, and the encoder at one bitrate above the limit.
  values=$(sort -u "$work/encoder" 2>/dev/null | tr '\n' ' ')
  echo "congestion-control=$CC: encoder bitrates (bit/s): $values"
  [ ! -s "$work/seen" ] || { echo "a target with congestion control off"; exit 1; }
  reports=$(wc -l <"$work/encoder" 2>/dev/null || echo 0)
  [ "$reports" -ge 12 ] || { echo "only $reports reports in ${WAIT}s"; exit 1; }
  [ "$(sort -u "$work/encoder" | wc -l)" -eq 1 ] \
    && [ "$(head -n 1 "$work/encoder")" -gt "$LIMIT" ] && exit 0
  echo "the encoder's bitrate moved although congestion control is off"; exit 1
fi
echo "sender: ${result:-no target below $LIMIT within ${WAIT}s}"
case "$result" in
  *lifted*) echo "METRIC tbf-1.5mbit-1080p" $result; exit 0 ;;
  below*) [ "$LIFT" = 0 ] || {
            echo "unsettled, flooding, or no climb after the lift"
            echo "targets seen (bit/s): $(tr '\n' ' ' <"$work/seen")"; exit 1; }
          echo "METRIC tbf-1mbit-target-bps=$(echo "$result" | cut -d' ' -f2)"
          exit 0 ;;
  *) echo "targets seen (bit/s): $(tr '\n' ' ' <"$work/seen" 2>/dev/null)"
     echo "receiver said:"; cat "$work/recv.out"; exit 1 ;;
esac
