#!/usr/bin/env bash
# bench/sender_cpu.sh - CPU seconds per minute our 720p sender uses, as a
# ratio against a plain `videotestsrc ! vp8enc ! fakesink` run the same way
# in the same invocation (these machines are noisy: read the ratio).
#
#   bench/sender_cpu.sh [BUILD_DIR] [SECONDS]
#
# Both pipelines encode the same live 1280x720 30 fps test pattern with the
# VP8 settings tempchatsink uses; ours also encodes Opus, packetizes, encrypts
# and sends to a tempchatsrc receiver through tempchat-relay on loopback.
# CPU is read from /proc after a warm-up, over SECONDS, for the sender only.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${2:-30}
warmup=5
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export GST_PLUGIN_PATH="$build/gst-plugin" GST_REGISTRY="$work/registry.bin"
hz=$(getconf CLK_TCK)

cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

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

video="videotestsrc is-live=true pattern=ball ! video/x-raw,width=1280,height=720,framerate=30/1"
vp8="vp8enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=2000000 keyframe-max-dist=600 lag-in-frames=0 threads=2 error-resilient=default"

# Baseline: encode only.
gst-launch-1.0 -q $video ! $vp8 ! fakesink >/dev/null 2>&1 &
pids+=($!)
base=$(measure $!)
kill "${pids[-1]}"

# Ours: relay, a receiver, and the measured sender.
mkfifo "$work/relay"
"$build/server/tempchat-relay" --port 0 >"$work/relay" 2>/dev/null &
pids+=($!)
read -r -t 10 line <"$work/relay"
url=${line##* }
room=bench$RANDOM
gst-launch-1.0 -q tempchatsrc name=t room=$room signaling-url="$url" channel=bench \
  decode=false t.video_0 ! fakesink t.audio_0 ! fakesink >/dev/null 2>&1 &
pids+=($!)
gst-launch-1.0 -q $video ! tempchatsink name=s room=$room signaling-url="$url" \
  channel=bench audiotestsrc is-live=true ! s.audio >/dev/null 2>&1 &
pids+=($!)
ours=$(measure $!)

awk -v b="$base" -v o="$ours" 'BEGIN { printf "sender CPU seconds per minute at 720p30: baseline (vp8enc only) %s, tempchatsink %s, ratio %.2f\n", b, o, o / b }'
