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
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}"
secs=${2:-30}
warmup=5
hz=$(getconf CLK_TCK)

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
vp8="vp8enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=2000000 keyframe-max-dist=600 lag-in-frames=0 threads=1 error-resilient=default"

# Baseline: encode only.
gst-launch-1.0 -q $video ! $vp8 ! fakesink >/dev/null 2>&1 &
pids+=($!)
base=$(measure $!)
kill "${pids[-1]}"

# Ours: relay, a receiver, and the measured sender.
start_relay
room=bench$RANDOM
gst-launch-1.0 -q tempchatsrc name=t room=$room signaling-url="$url" channel=bench \
  video-codecs=vp8 decode=false t.video_0 ! fakesink t.audio_0 ! fakesink >/dev/null 2>&1 &
pids+=($!)
gst-launch-1.0 -q $video ! tempchatsink name=s room=$room signaling-url="$url" \
  channel=bench video-codecs=vp8 audiotestsrc is-live=true ! s.audio >/dev/null 2>&1 &
pids+=($!)
ours=$(measure $!)

awk -v b="$base" -v o="$ours" 'BEGIN { printf "sender CPU seconds per minute at 720p30: baseline (vp8enc only) %s, tempchatsink %s, ratio %.2f\n", b, o, o / b }'
# For scripts/bench.
awk -v b="$base" -v o="$ours" 'BEGIN { printf "BENCH {\"bench\":\"sender_cpu\",\"name\":\"tempchatsink 720p30 VP8\",\"unit\":\"cpu s/min\",\"value\":%s,\"baseline\":\"videotestsrc ! vp8enc ! fakesink\",\"baseline_value\":%s,\"ratio\":%.3f}\n", o, b, o / b }'
