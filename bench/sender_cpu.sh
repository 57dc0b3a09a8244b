#!/usr/bin/env bash
# bench/sender_cpu.sh - CPU seconds per minute our sender uses, per codec
# and size, as a ratio against the bare encoder pipeline (`videotestsrc !
# <encoder with tempchatsink's settings> ! fakesink`) run the same way in
# the same invocation (these machines are noisy: read the ratios).
#
#   bench/sender_cpu.sh [BUILD_DIR] [SECONDS] [CODECS] [SIZES]
#       (30 s after 5 s; "VP8"; "1280x720")  e.g. "AV1 VP9 H264 VP8" "640x360 1280x720 1920x1080"
#
# Both encode the same live 30 fps I420 test pattern with the settings
# tempchatsink gives that codec (gst-plugin/gsttempchatencoder.c) at the
# quality's start bitrate, and an Opus tone; ours also packetizes, encrypts,
# paces and sends to a tempchatsrc receiver (decode=false, video-codecs
# the one codec) through tempchat-relay on loopback, which counts the
# frames that arrive. CPU is read from /proc after a warm-up, over SECONDS,
# for the sender only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}"
secs=${2:-30}
codecs=${3:-VP8}
sizes=${4:-1280x720}
warmup=5
hz=$(getconf CLK_TCK)

# measure PID [FILE]: CPU seconds per minute over $secs after $warmup
# seconds; with FILE (a receiver's -v output), also the frames per second
# it reported rendered over the same window ("CPU FPS").
measure() {
  local pid=$1 file=${2:-} a b fa=0 fb=0
  sleep "$warmup"   # a benchmark's fixed window, not a test's wait
  a=$(cpu_ticks "$pid")
  [ -z "$file" ] || fa=$(rendered "$file")
  sleep "$secs"
  b=$(cpu_ticks "$pid")
  [ -z "$file" ] || fb=$(rendered "$file")
  awk -v a="$a" -v b="$b" -v hz="$hz" -v s="$secs" -v fa="$fa" -v fb="$fb" \
    'BEGIN { printf "%.2f %.1f", (b - a) / hz * 60 / s, (fb - fa) / s }'
}

# The last frame count fpsdisplaysink reported in FILE.
rendered() {
  sed -n 's/.*rendered: \([0-9]*\).*/\1/p' "$1" | tail -n 1 | grep . || echo 0
}

# The sink's encoder for CODEC at the start bitrate of a WIDTH's quality.
encoder() {
  local kbps=$2
  case $1 in
    VP8|VP9) local shoot="undershoot=100 overshoot=15"
      [ "$1" = VP8 ] || shoot="undershoot=50 overshoot=50"
      echo "${1,,}enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=${kbps}000 keyframe-max-dist=600 lag-in-frames=0 threads=1 error-resilient=default buffer-size=1000 buffer-initial-size=500 buffer-optimal-size=600 $shoot max-intra-bitrate=300" ;;
    AV1) echo "av1enc usage-profile=realtime end-usage=cbr cpu-used=10 target-bitrate=$kbps keyframe-max-dist=600 lag-in-frames=0 threads=2 row-mt=true tile-columns=1 min-quantizer=4 max-quantizer=56 buf-sz=1000 buf-initial-sz=600 buf-optimal-sz=600 undershoot-pct=50 overshoot-pct=50" ;;
    H264) echo "x264enc tune=zerolatency speed-preset=ultrafast bitrate=$kbps key-int-max=600 threads=2" ;;
  esac
}

# start bitrate (kbit/s) and quality name of a frame height
quality() {
  case $1 in
    360) echo "500 360p" ;;
    720) echo "2000 720p" ;;
    1080) echo "4500 1080p" ;;
    *) echo "2000 720p" ;;
  esac
}

start_relay
printf '%-6s %-10s %12s %12s %7s %12s\n' codec size "bare s/min" "ours s/min" ratio "frames/s in"
for size in $sizes; do
  w=${size%x*} h=${size#*x}
  read -r kbps q <<<"$(quality "$h")"
  video="videotestsrc is-live=true pattern=ball ! video/x-raw,width=$w,height=$h,framerate=30/1"
  for codec in $codecs; do
    # Baseline: encode only (the same video and an Opus tone).
    gst-launch-1.0 -q $video,format=I420 ! $(encoder "$codec" "$kbps") \
      ! fakesink audiotestsrc is-live=true ! opusenc bitrate=128000 \
      ! fakesink >/dev/null 2>&1 &
    pids+=($!)
    read -r base _ <<<"$(measure $!)"
    kill "${pids[-1]}"
    # Ours: a receiver counting what arrives, and the measured sender.
    room=bench$RANDOM
    gst-launch-1.0 -v tempchatsrc name=t room=$room signaling-url="$url" channel=bench \
      video-codecs="${codec,,}" quality="$q" decode=false \
      t.video_0 ! fpsdisplaysink video-sink=fakesink text-overlay=false sync=false \
      t.audio_0 ! fakesink >"$work/recv.out" 2>&1 &
    pids+=($!)
    recv=$!
    gst-launch-1.0 -q $video,format=I420 ! tempchatsink name=s room=$room signaling-url="$url" \
      channel=bench video-codecs="${codec,,}" quality="$q" \
      audiotestsrc is-live=true ! s.audio >/dev/null 2>&1 &
    pids+=($!)
    read -r ours fps <<<"$(measure $! "$work/recv.out")"
    kill "$recv" "${pids[-1]}"
    awk -v c="$codec" -v sz="$size" -v b="$base" -v o="$ours" -v f="$fps" 'BEGIN {
      printf "%-6s %-10s %12.2f %12.2f %7.2f %12.1f\n", c, sz, b, o, o / b, f
      printf "BENCH {\"bench\":\"sender_cpu\",\"name\":\"tempchatsink %s %s\",\"unit\":\"cpu s/min\",\"value\":%s,\"baseline\":\"the bare encoder pipeline\",\"baseline_value\":%s,\"ratio\":%.3f,\"frames_per_s_received\":%s}\n", sz, c, o, b, o / b, f
    }'
  done
done
