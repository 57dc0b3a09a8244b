#!/usr/bin/env bash
# bench/av_drift.sh - A/V offset and clock drift over a long gst -> gst
# call through our relay on loopback (test_gst_latency --drift): the
# sender flashes its picture on every whole second of its own clock and
# beeps from its first white frame; the receiver (tempchatsrc) shows
# them. Three calls side by side: the sender's clock on the machine's,
# SKEW_PPM fast and SKEW_PPM slow, as a real sender's crystal may be. A
# line per minute each: the A/V offset (median, worst pair), the sender's
# clock against ours as seen (0 unskewed; -SKEW_PPM/1000 ms a second
# skewed), how long after its timestamp a frame leaves tempchatsrc
# (constant when it follows the sender's clock), its latency, late
# frames. Target: the A/V offset within 5 ms and the change of that hold
# within 20 ms for the whole call, with and without skew.
#
#   bench/av_drift.sh [BUILD_DIR] [SECONDS] [SKEW_PPM]   (1800 s, 100 ppm)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${2:-1800}
skew=${3:-100}
t="$build/tests/integration/test_gst_latency"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

status=0
pids=()
for ppm in 0 "$skew" "-$skew"; do
  "$t" --drift "$secs" "$ppm" >"$dir/$ppm" 2>"$dir/$ppm.err" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
for ppm in 0 "$skew" "-$skew"; do
  echo "sender's clock $ppm ppm off ours"
  grep -v '^started$' "$dir/$ppm" || true
  grep -i 'error\|fail' "$dir/$ppm.err" | head -5 || true
done
exit $status
