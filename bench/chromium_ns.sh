# bench/chromium_ns.sh - sourced after tests/integration/netns_pair.sh by
# the benchmarks that run Chromium with the TempChat test page in the
# namespaces $A and $B (the relay in B serving the page: RELAY_ARGS
# "--web-root DIR" from chromium_site). In each namespace a loopback
# forwarder to the relay, so the page is a secure context at 127.0.0.1,
# and a wrapper that starts /usr/bin/chromium there.
#
#   chromium_site DIR          builds the page into DIR (before sourcing
#                              netns_pair.sh)
#   chromium_in_namespaces     after it: sets PAGE, WRAP_A, WRAP_B
chromium_site() {
  NODE_PATH=$build/js/node_modules node --input-type=module -e "
    const { buildSite } = await import('$top/tests/web/bundle.mjs');
    await buildSite('$1');"
}

chromium_in_namespaces() {
  local port path ns
  port=$(echo "$url" | sed -n 's|ws://[^:]*:\([0-9]*\)/.*|\1|p')
  path=$(echo "$url" | sed -n 's|ws://[^/]*\(/.*\)|\1|p')
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
  PAGE="http://127.0.0.1:$port/?signal=ws://127.0.0.1:$port$path"
  WRAP_A="$work/chromium-$A" WRAP_B="$work/chromium-$B"
  export PAGE WRAP_A WRAP_B
}
