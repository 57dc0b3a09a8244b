#!/usr/bin/env bash
# bench/glass_to_glass.sh - glass-to-glass latency with a time code in the
# picture (bench/glass_to_glass.mjs), per codec: Chromium <-> Chromium,
# gst -> gst, Chromium -> gst, gst -> Chromium and webrtcbin -> webrtcbin
# (GStreamer's default jitterbuffer path, tc_bench_g2g_webrtcbin), ROUNDS
# rounds of SECONDS each after WARMUP seconds of call (45 by default:
# Chromium's lip sync raises its video delay over the first 30-40 s of a
# call, whoever sends), all on loopback (ours through our relay), p50/p95
# per path as ratios to Chromium -> Chromium of the same round (target:
# <= 1.0, no growth) and gst -> gst's to webrtcbin's; after several
# rounds, each path's median ratio over them (bench/rounds.mjs).
#
#   [WARMUP=S] [SIZE=WxH] [CODECS="av1 vp9 h264 vp8"] [PATHS="gst->chromium ..."] \
#     [TC_G2G_NO_AUDIO=1] bench/glass_to_glass.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#                                        (1280x720, every codec, 60 s, 1 round)
# TC_G2G_NO_AUDIO=1: our senders send video only (what a receiver's lip
# sync adds to the video's delay).
#
# A round takes about (WARMUP + SECONDS + 10 s) x 5 paths per codec (4 for
# AV1): 9 minutes a codec with the defaults.
# Needs BUILD_DIR/js with the test packages (npm ci, as scripts/test does).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${2:-60}
rounds=${3:-1}
warmup=${WARMUP:-45}

[ -d "$build/js/node_modules/playwright-core" ] \
  || { echo "no $build/js/node_modules: run npm ci there (scripts/test)"; exit 1; }
# Every round's output, then the median of each path's ratio over the
# rounds (bench/rounds.mjs: one call's figure depends on its start).
for round in $(seq "$rounds"); do
  echo "round $round"
  RELAY="$build/server/tempchat-relay" \
  TC_GST_PLUGIN_DIR="$build/gst-plugin" \
  T="$build/tests/integration/test_gst_latency" \
  G2G_WEBRTCBIN="$build/bench/tc_bench_g2g_webrtcbin" \
  NODE_PATH="$build/js/node_modules" \
  SECONDS_G2G="$secs" WARMUP="$warmup" \
    node "$top/bench/glass_to_glass.mjs"
done | node "$top/bench/rounds.mjs"
