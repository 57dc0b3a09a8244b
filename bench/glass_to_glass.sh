#!/usr/bin/env bash
# bench/glass_to_glass.sh - glass-to-glass latency with a time code in the
# picture (bench/glass_to_glass.mjs): Chromium <-> Chromium, gst -> gst,
# Chromium -> gst and gst -> Chromium, ROUNDS rounds of SECONDS each after
# WARMUP seconds of call (45 by default: Chromium's lip sync raises its
# video delay over the first 30-40 s of a call, whoever sends), all on
# loopback through our relay, p50/p95 per path and
# as ratios to Chromium -> Chromium of the same round (target: <= 1.0,
# no growth).
#
#   [WARMUP=S] bench/glass_to_glass.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#                                                 (60 s, 3 rounds)
#
# Needs BUILD_DIR/js with the test packages (npm ci, as scripts/test does).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${2:-60}
rounds=${3:-3}
warmup=${WARMUP:-45}

[ -d "$build/js/node_modules/playwright-core" ] \
  || { echo "no $build/js/node_modules: run npm ci there (scripts/test)"; exit 1; }
for round in $(seq "$rounds"); do
  echo "round $round"
  RELAY="$build/server/tempchat-relay" \
  TC_GST_PLUGIN_DIR="$build/gst-plugin" \
  T="$build/tests/integration/test_gst_latency" \
  NODE_PATH="$build/js/node_modules" \
  SECONDS_G2G="$secs" WARMUP="$warmup" \
    node "$top/bench/glass_to_glass.mjs"
done
