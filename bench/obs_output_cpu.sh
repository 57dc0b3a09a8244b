#!/usr/bin/env bash
# bench/obs_output_cpu.sh - CPU seconds per minute the "TempChat Call"
# output adds to OBS at 720p30, in each video codec it sends (AV1, VP9,
# H264, VP8), as a ratio against OBS's own recording encoders (x264
# veryfast CBR 2 Mbit/s + AAC into a null output) on the same scene, all
# run in the same invocation (these machines are noisy: read the ratio).
#
#   bench/obs_output_cpu.sh [BUILD_DIR] [SECONDS]
#
# The scene (tc_obs_bench, libobs under xvfb-run with Mesa's software GL) is
# a 1280x720 "TempChat Guest" source showing a GStreamer peer's moving ball,
# so each run pays for receiving, decoding and rendering it; an idle run
# (scene only) is subtracted from each. Ours also sends the program to a
# tempchatsrc through tempchat-relay on loopback, one that takes only the
# codec of the run (its video-codecs).
#
# A loaded machine skews those (a saturated CPU drops frames, so a run
# costs less); the encoders alone are compared first, per frame on the
# same pictures (tc_obs_encoder_bench), which holds whatever else runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}"
secs=${2:-30}
warmup=8
export LIBGL_ALWAYS_SOFTWARE=1 TC_OBS_BENCH_MODULES=1
hz=$(getconf CLK_TCK)
peer="$build/tests/obs/tc_obs_gst_peer"
bench="$build/tests/obs/tc_obs_bench"

# measure PID: CPU seconds per minute over $secs after $warmup seconds
measure() {
  local pid=$1 a b
  sleep "$warmup"   # a benchmark's fixed window, not a test's wait
  a=$(cpu_ticks "$pid")
  sleep "$secs"
  b=$(cpu_ticks "$pid")
  awk -v a="$a" -v b="$b" -v hz="$hz" -v s="$secs" \
    'BEGIN { printf "%.2f", (b - a) / hz * 60 / s }'
}

start_relay
# tc_obs_gst_peer's channel: a relay's rooms belong to their channel.
channel=$("$peer" channel)
in=benchin$RANDOM
out=benchout$RANDOM
codecs=(AV1 VP9 H264 VP8)
# The peers run until their stdin closes: a fifo kept open by sleep.
mkfifo "$work/hold"
sleep infinity >"$work/hold" &
pids+=($!)
"$peer" send-ball "$url" "$in" 1280x720 <"$work/hold" >/dev/null 2>&1 &
pids+=($!)
for c in "${codecs[@]}"; do
  "$peer" recv "$url" "$out$c" "${c,,}" <"$work/hold" >/dev/null 2>&1 &
  pids+=($!)
done

# run MODE [OUT_ROOM]: CPU seconds per minute of tc_obs_bench in MODE
run() {
  local mode=$1 room=${2:-$out} pid
  mkfifo "$work/out-$mode$room"
  xvfb-run -a "$bench" "$mode" "$url" "$in" "$channel" "$room" \
    <"$work/hold" >"$work/out-$mode$room" 2>/dev/null &
  pids+=($!)
  exec 3<"$work/out-$mode$room"
  pid=""
  while [ -z "$pid" ] && read -r -t 30 line <&3; do
    case $line in "pid "*) pid=${line#pid } ;; esac
  done
  # libobs logs to stdout: keep the pipe drained.
  cat <&3 >/dev/null &
  pids+=($!)
  measure "$pid"
  kill "$pid"
  exec 3<&-
}

"$build/tests/obs/tc_obs_encoder_bench" 300 2>/dev/null

idle=$(run idle)
x264=$(run x264)
echo "OBS CPU seconds per minute at 720p30: scene only $idle, with x264+AAC recording $x264"
for c in "${codecs[@]}"; do
  ours=$(run tempchat "$out$c")
  awk -v i="$idle" -v x="$x264" -v o="$ours" -v c="$c" 'BEGIN {
    printf "with the TempChat Call output in %s: %s; added by the encoders: x264+AAC %.2f, TempChat Call (%s+Opus, sending) %.2f, ratio %.2f\n", c, o, x - i, c, o - i, (o - i) / (x - i) }'
done
