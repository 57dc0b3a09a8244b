#!/bin/sh
# bwe_tbf.sh - a tempchatsink sender behind a 1 Mbit/s token bucket (tc tbf)
# must bring its target bitrate below the limit by itself, as a browser
# would: the only thing telling it is the receiver's transport-cc feedback.
#
#   netns A: sender (test_gst_call --peer send-report: 720p, starts at 2 Mbit/s)
#            veth egress: tbf rate 1mbit
#   netns B: tempchat-relay and the receiver (test_gst_call --peer recv)
#
# Usage: [CC=none] bwe_tbf.sh TEST_GST_CALL RELAY GST_PLUGIN_DIR
# CC=none runs the sink with congestion-control=none and checks the
# opposite: for 15 s the sink has no target and its encoder stays at the
# start bitrate (720p: 2 Mbit/s), above the limit (what that setting
# promises).
# Exit 77 (skipped) without root or iproute2 (netns_pair.sh sets up the
# namespaces, the relay and the cleanup).
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3
LIMIT=1000000                   # bit/s, the tbf rate below
WAIT=60                         # seconds to see the target below it
CC=${CC:-gcc}
sink_args=
[ "$CC" = gcc ] || { sink_args="congestion-control=$CC"; WAIT=15; }

command -v tc >/dev/null || { echo "needs tc"; exit 77; }
PREFIX=tcbwe
. "$(dirname "$0")/netns_pair.sh"
ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate 1mbit burst 10kb \
  latency 300ms
room="#it-bwe-tbf-$id"

# The peers run until their stdin closes: hold it open with fifos.
mkfifo "$work/recv.in" "$work/send.in" "$work/send.out"
ip netns exec "$B" "$T" --peer recv "$url" "$room" <"$work/recv.in" \
  >"$work/recv.out" &
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
export LIMIT work
result=$(timeout "$WAIT" sh -c '
  n=0
  while read -r word value rest; do
    case $word in
      error) echo "error $value $rest"; exit ;;
      encoder) echo "$value" >>"$work/encoder" ;;
      target) n=$((n + 1)); echo "$value" >>"$work/seen"
        if [ "$value" -lt "$LIMIT" ]; then
          echo "below $value after $n reports"; exit
        fi ;;
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
  below*) echo "METRIC tbf-1mbit-target-bps=$(echo "$result" | cut -d' ' -f2)"
          exit 0 ;;
  *) echo "targets seen (bit/s): $(tr '\n' ' ' <"$work/seen" 2>/dev/null)"
     echo "receiver said:"; cat "$work/recv.out"; exit 1 ;;
esac
