#!/usr/bin/env bash
# bench/transport_cpu.sh - the CPU a sender spends on transport alone:
# one pre-encoded 1080p30 VP8 clip (about 6 Mbit/s, encoded once before,
# never while measured) sent in a loop by tempchatsink and by GStreamer's
# webrtcbin (rtpvp8pay ! webrtcbin), each to a receiver on loopback that
# does not decode (bench/transport.c). Prints CPU seconds per minute, per
# Mbit/s and peak RSS of each sender, and ours as a ratio to webrtcbin's
# (target: <= 0.5, and under 1 % of a core absolute).
#
# Then CALLS such calls from one process each (ours to receivers in one
# other process, webrtcbin to its forked receivers): CPU per call and the
# calls one core would carry at that cost.
#
#   bench/transport_cpu.sh [BUILD_DIR] [SECONDS] [CALLS]   (30 s after 5 s, 8)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}"
secs=${2:-30}
calls=${3:-8}
warmup=5
bench="$build/bench/tc_bench_transport"

# The clip: 10 s of a moving zone plate, detailed enough that the CBR
# encoder makes about its target (noise would overshoot it tenfold).
gst-launch-1.0 -q videotestsrc num-buffers=300 pattern=zone-plate kx2=20 ky2=20 kt=1 \
  ! video/x-raw,width=1920,height=1080,framerate=30/1 \
  ! vp8enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=6000000 \
    keyframe-max-dist=300 lag-in-frames=0 threads=2 \
  ! matroskamux ! filesink location="$work/clip.mkv"

# receivers ROOM N: N tempchatsrc (rooms ROOM-0..) in one other process,
# taking VP8 without decoding.
receivers() {
  local desc=() i
  for i in $(seq 0 $(($2 - 1))); do
    desc+=(tempchatsrc name=t$i room="$1-$i" signaling-url="$url" channel=bench
      video-codecs=vp8 quality=1080p decode=false t$i.video_0 ! fakesink)
  done
  gst-launch-1.0 -q "${desc[@]}" >/dev/null 2>&1 &
  pids+=($!)
}

# run_both CALLS: "ours-result|webrtcbin-result" for CALLS sending calls in
# one process each.
run_both() {
  local room=bench$RANDOM$1 o t
  receivers "$room" "$1"
  o=$("$bench" "$work/clip.mkv" "$secs" "$warmup" ours "$url" "$room" "$1" | sed -n 's/^RESULT //p')
  kill "${pids[-1]}"
  t=$("$bench" "$work/clip.mkv" "$secs" "$warmup" webrtcbin "$1" | sed -n 's/^RESULT //p')
  [ -n "$o" ] && [ -n "$t" ] || { echo "a sender failed ($1 calls)" >&2; exit 1; }
  echo "$o|$t"
}

start_relay
both=$(run_both 1)
ours=${both%|*} theirs=${both#*|}
scale=$(run_both "$calls")
scale_ours=${scale%|*} scale_theirs=${scale#*|}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
# The kernel's share (sys) is printed beside the total: on loopback the
# UDP send and much of the receive side are charged to the sender, about
# the same for both, and a sender's own code moves little of it. So are
# the sender process's context switches a second (its threads' wake-ups).
awk -v oc="$(field cpu_s_per_min "$ours")" -v tc="$(field cpu_s_per_min "$theirs")" \
    -v os="$(field sys_s_per_min "$ours")" -v ts="$(field sys_s_per_min "$theirs")" \
    -v orss="$(field rss_kb "$ours")" -v trss="$(field rss_kb "$theirs")" \
    -v mbit="$(field mbit_s "$ours")" -v op="$(field packets "$ours")" \
    -v tp="$(field packets "$theirs")" -v ow="$(field switches_s "$ours")" \
    -v tw="$(field switches_s "$theirs")" 'BEGIN {
  printf "sender            CPU s/min  of it kernel  per Mbit/s  %% of a core  peak RSS MB  switches/s  packets\n"
  printf "tempchatsink      %9.2f  %12.2f  %10.3f  %11.2f  %11.1f  %10d  %d sent\n", oc, os, oc / mbit, oc / 60 * 100, orss / 1024, ow, op
  printf "webrtcbin         %9.2f  %12.2f  %10.3f  %11.2f  %11.1f  %10d  %d received\n", tc, ts, tc / mbit, tc / 60 * 100, trss / 1024, tw, tp
  printf "clip %.2f Mbit/s; ratio CPU %.2f (target <= 0.5), RSS %.2f; our kernel time alone is %.2f of webrtcbin'"'"'s total", mbit, oc / tc, orss / trss, os / tc
  if (tc > ts) printf ", the rest (our own code) %.2f of its rest", (oc - os) / (tc - ts)
  printf "\n"
  printf "BENCH {\"bench\":\"transport_cpu\",\"name\":\"1080p VP8 %.1f Mbit/s sender\",\"unit\":\"cpu s/min\",\"value\":%.3f,\"baseline\":\"webrtcbin\",\"baseline_value\":%.3f,\"ratio\":%.3f,\"target\":0.5,\"rss_mb\":%.1f,\"baseline_rss_mb\":%.1f,\"core_percent\":%.2f,\"sys\":%.3f,\"baseline_sys\":%.3f}\n", mbit, oc, tc, oc / tc, orss / 1024, trss / 1024, oc / 60 * 100, os, ts
}'
awk -v oc="$(field cpu_s_per_min "$scale_ours")" -v tc="$(field cpu_s_per_min "$scale_theirs")" \
    -v os="$(field sys_s_per_min "$scale_ours")" -v ts="$(field sys_s_per_min "$scale_theirs")" \
    -v n="$calls" -v op="$(field packets "$scale_ours")" -v tp="$(field packets "$scale_theirs")" 'BEGIN {
  printf "%d calls in one process: tempchatsink %.2f CPU s/min per call (%.2f of it kernel; %.0f calls per core, %d packets sent), webrtcbin %.2f (%.2f kernel; %.0f per core, %d received); ratio %.2f\n", n, oc / n, os / n, 60 * n / oc, op, tc / n, ts / n, 60 * n / tc, tp, oc / tc
  printf "BENCH {\"bench\":\"transport_cpu\",\"name\":\"%d calls in one process, per call\",\"unit\":\"cpu s/min\",\"value\":%.3f,\"baseline\":\"webrtcbin\",\"baseline_value\":%.3f,\"ratio\":%.3f,\"target\":0.5,\"calls_per_core\":%.0f,\"baseline_calls_per_core\":%.0f}\n", n, oc / n, tc / n, oc / tc, 60 * n / oc, 60 * n / tc
}'
