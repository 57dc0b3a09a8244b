#!/bin/bash
# gst_jitter.sh - tempchatsrc's adaptive latency on a path whose delay
# jitters, as a user on a busy network meets it: the peers in two network
# namespaces joined by jitter_shim (a user-space link: this kernel has no
# netem), UDP delayed by a random 0..30 ms each packet (so also reordered)
# for a while, then not.
#
#   netns A: sender (test_gst_latency --peer "send 20")
#   netns B: tempchat-relay and the receiver (--peer recv-report: each
#            second "report LATENCY_MS LATE_FRAMES FRAMES", frames late
#            when they reach the pad after their time plus the latency
#            tempchatsrc reports)
#
# Passes when the latency is under 50 ms before the jitter, grows under it
# until no frame is late (the last 15 s of it; one in 200 is allowed for
# the stalls of a loaded machine, which a fixed 20 ms latency turns into a
# third of the frames), and falls under 50 ms again once the jitter stops.
# Prints METRIC lines.
#
# Usage: gst_jitter.sh TEST_GST_LATENCY RELAY GST_PLUGIN_DIR JITTER_SHIM
# Exit 77 (skipped) without root, ip or /dev/net/tun.
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3 SHIM=$4
JITTER_MS=30
CLEAN_MAX_MS=50

PREFIX=tcjit
. "$(dirname "$0")/netns_pair.sh"
room="#it-gst-jitter-$id"

start_gst_peers "send 20"

# The receiver's next report (test_gst_latency's, not netns_pair.sh's) into
# LAT LATE FRAMES; fails after 10 s.
next_latency_report() {
  local word rest
  while read -r -t 10 word LAT LATE FRAMES rest <&6; do
    if [ "$word" = report ]; then
      [ -z "$rest" ] || { echo "receiver: $rest"; return 1; }
      return 0
    fi
  done
  echo "receiver: no report"; return 1
}

n=0
until next_latency_report && [ "$FRAMES" -gt 0 ]; do
  n=$((n + 1)); [ "$n" -lt 60 ] || { echo "no media within 60 s"; exit 1; }
done
# Settled: the median of the last 5 of 10 clean seconds (one stall of a
# busy machine raises the latency for a few seconds, rightly).
for _ in $(seq 10); do next_latency_report; echo "$LAT"; done >"$work/clean"
clean=$(tail -n 5 "$work/clean" | sort -n | sed -n 3p)

echo "jitter $JITTER_MS" >&7
most=0 late_learning=0 late=0 frames=0
for i in $(seq 25); do
  next_latency_report
  [ "$LAT" -le "$most" ] || most=$LAT
  if [ "$i" -le 10 ]; then
    late_learning=$((late_learning + LATE))
  else
    late=$((late + LATE)) frames=$((frames + FRAMES))
  fi
done
jittered=$LAT

echo "jitter 0" >&7
after=$LAT
for i in $(seq 20); do
  next_latency_report
  after=$LAT
  [ "$LAT" -ge "$CLEAN_MAX_MS" ] || break
done
exec 3>&- 4>&- 7>&-

echo "METRIC jitter-clean-latency-ms=$clean"
echo "METRIC jitter-${JITTER_MS}ms-latency-ms=$jittered most=$most"
echo "METRIC jitter-late-frames-first-10s=$late_learning"
echo "METRIC jitter-late-frames-last-15s=$late of $frames"
echo "METRIC jitter-latency-after-ms=$after within ${i}s"

fail=0
[ "$clean" -lt "$CLEAN_MAX_MS" ] || { echo "latency $clean ms before jitter"; fail=1; }
[ "$most" -ge "$JITTER_MS" ] || { echo "latency only grew to $most ms"; fail=1; }
[ $((late * 200)) -le "$frames" ] \
  || { echo "$late of $frames frames late under jitter"; fail=1; }
[ "$after" -lt "$CLEAN_MAX_MS" ] || { echo "latency still $after ms"; fail=1; }
exit $fail
