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
site=$(mktemp -d)
NODE_PATH=$build/js/node_modules node --input-type=module -e "
  const { buildSite } = await import('$top/tests/web/bundle.mjs');
  await buildSite('$site');"
RELAY_ARGS="--web-root $site"
. "$top/tests/integration/netns_pair.sh"
trap 'cleanup; rm -rf "$site"' EXIT INT TERM
port=$(echo "$url" | sed -n 's|ws://[^:]*:\([0-9]*\)/.*|\1|p')
path=$(echo "$url" | sed -n 's|ws://[^/]*\(/.*\)|\1|p')

# The page at 127.0.0.1 in each namespace: a forwarder to the relay in B.
for ns in "$A" "$B"; do
  mkfifo "$work/fwd-$ns"
  ip netns exec "$ns" node -e "
    const net = require('net');
    net.createServer((c) => {
      const s = net.connect($port, '10.213.0.2');
      c.pipe(s); s.pipe(c);
      c.on('error', () => s.destroy()); s.on('error', () => c.destroy());
    }).listen($port, '127.0.0.1', () => console.log('ready'));" \
    >"$work/fwd-$ns" &
  pids="$pids $!"
  read -r _ <"$work/fwd-$ns"
  printf '#!/bin/sh\nexec ip netns exec %s /usr/bin/chromium "$@"\n' "$ns" \
    >"$work/chromium-$ns"
  chmod +x "$work/chromium-$ns"
done

PAGE="http://127.0.0.1:$port/?signal=ws://127.0.0.1:$port$path" \
WRAP_A="$work/chromium-$A" WRAP_B="$work/chromium-$B" NS_A="$A" NS_B="$B" \
NODE_PATH=$build/js/node_modules node "$top/bench/chromium_loss.mjs"
