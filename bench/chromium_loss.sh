#!/usr/bin/env bash
# bench/chromium_loss.sh - Chromium <-> Chromium with the TempChat test page
# across the namespaces of tests/integration/netns_pair.sh, LOSS % of UDP
# dropped at random both ways for SECONDS: the baseline bench/gst_loss.sh
# prints beside our elements (bench/chromium_loss.mjs drives the browsers).
#
#   bench/chromium_loss.sh BUILD_DIR LOSS SECONDS
#
# Needs root, nft, node with the test packages in BUILD_DIR/js (npm ci, as
# scripts/test does) and /usr/bin/chromium (shared/MACHINE-FACTS.md).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
export LOSS=$2 SECONDS_LOSS=$3
RELAY=$build/server/tempchat-relay PLUGIN_DIR=$build/gst-plugin PREFIX=tccr
export RELAY  # tests/web/harness.mjs (the Chromium arguments) asks for it
site=$(mktemp -d)
. "$top/bench/chromium_ns.sh"
chromium_site "$site"
RELAY_ARGS="--web-root $site"
. "$top/tests/integration/netns_pair.sh"
trap 'cleanup; rm -rf "$site"' EXIT INT TERM
chromium_in_namespaces

NS_A="$A" NS_B="$B" NODE_PATH=$build/js/node_modules \
  node "$top/bench/chromium_loss.mjs"
