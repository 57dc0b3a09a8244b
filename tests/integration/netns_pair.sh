# netns_pair.sh - sourced by the tests that put two peers in network
# namespaces of their own: A and B joined by a veth pair (10.213.0.1 and
# .2), the relay in B (its ws:// URL in $url), a work directory ($work),
# and a cleanup on exit that stops what was started ($pids) and deletes
# the namespaces. Names carry our PID, so parallel runs do not collide.
#
# Before sourcing: RELAY (the relay binary), PLUGIN_DIR, PREFIX (a short
# tag for the names), optionally RELAY_ARGS (more relay options, split on
# spaces), SHIM (jitter_shim: the link is its pair of TUN devices
# instead of a veth pair; "jitter MS" lines written to fd 7 delay UDP) and
# RELAY_SIDE=A (the relay in A instead, listening on every address there:
# $url is then ws://127.0.0.1:PORT/..., for peers in A that take ws:// only
# on loopback, and $url_from_b the same relay for B).
# Exit 77 (skipped) without root or iproute2.

[ "$(id -u)" = 0 ] && command -v ip >/dev/null \
  || { echo "needs root and ip"; exit 77; }

id=$$
A=${PREFIX}A$id B=${PREFIX}B$id VA=tcA$id VB=tcB$id
work=$(mktemp -d)
pids=""

cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$A"
ip netns add "$B"
if [ -n "${SHIM:-}" ]; then
  [ -c /dev/net/tun ] || { echo "needs /dev/net/tun"; exit 77; }
  mkfifo "$work/shim.in" "$work/shim.out"
  "$SHIM" "$A" "$VA" "$B" "$VB" <"$work/shim.in" >"$work/shim.out" &
  pids="$pids $!"
  exec 7>"$work/shim.in" 8<"$work/shim.out"
  read -r line <&8 && [ "$line" = ready ] || { echo "shim did not start"; exit 1; }
else
  ip link add "$VA" type veth peer name "$VB"
  ip link set "$VA" netns "$A"
  ip link set "$VB" netns "$B"
fi
ip -n "$A" addr add 10.213.0.1/24 dev "$VA"
ip -n "$B" addr add 10.213.0.2/24 dev "$VB"
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up

export GST_PLUGIN_PATH="$PLUGIN_DIR" GST_REGISTRY="$work/registry.bin"

mkfifo "$work/relay.out"
relay_ns=$B relay_addr=10.213.0.2
[ "${RELAY_SIDE:-B}" = A ] && relay_ns=$A relay_addr=0.0.0.0
# shellcheck disable=SC2086
ip netns exec "$relay_ns" "$RELAY" --listen "$relay_addr" --port 0 \
  ${RELAY_ARGS:-} >"$work/relay.out" &
pids="$pids $!"
exec 5<"$work/relay.out"        # kept open: the relay may write more
read -r line <&5 || line=""
url=$(echo "$line" | sed -n 's|.*\(ws://[^ ]*\).*|\1|p')
[ -n "$url" ] || { echo "relay did not start"; exit 1; }
if [ "$relay_ns" = "$A" ]; then
  url_from_b=$(echo "$url" | sed 's|ws://[^:/]*|ws://10.213.0.1|')
  url=$(echo "$url" | sed 's|ws://[^:/]*|ws://127.0.0.1|')
fi

# udp_loss on|off PCT NS...: PCT % of the UDP arriving in each NS dropped at
# random (nftables numgen on input: dropping on output makes sendto() fail
# instead), signaling (TCP) untouched (100: the UDP path cut); or no more.
udp_loss() {
  local mode=$1 pct=$2 ns rule
  shift 2
  # numgen's range is 0-99: 100 % is a plain drop (a path cut).
  rule="numgen random mod 100 < $pct drop"
  [ "$pct" -lt 100 ] || rule="drop"
  for ns in "$@"; do
    if [ "$mode" = on ]; then
      ip netns exec "$ns" nft -f - <<NFT
table inet tcloss {
  chain input {
    type filter hook input priority 0; policy accept;
    meta l4proto udp $rule
  }
}
NFT
    else
      ip netns exec "$ns" nft delete table inet tcloss
    fi
  done
}

# The two peers of a call, programs $T (test_gst_call, or test_gst_latency)
# in room $room: the receiver, mode ${1:-recv-report}, in B (its stdin on
# fd 3, its lines on fd 6); the sender, mode $1, in A (stdin on fd 4, its
# lines in $work/send.out), with SINK_ARGS as extra element properties.
# Separate, so a test can choose who joins first.
start_recv() {
  mkfifo "$work/recv.in" "$work/recv.out"
  ip netns exec "$B" "$T" --peer "${1:-recv-report}" "$url" "$room" \
    <"$work/recv.in" >"$work/recv.out" &
  pids="$pids $!"
  exec 3>"$work/recv.in"
  exec 6<"$work/recv.out"
}
start_send() {
  mkfifo "$work/send.in"
  ip netns exec "$A" env TC_TEST_ELEMENT_ARGS="${SINK_ARGS:-}" \
    "$T" --peer "$1" "$url" "$room" <"$work/send.in" >>"$work/send.out" &
  pids="$pids $!"
  exec 4>"$work/send.in"
}

# Both, the receiver first, the sender in mode $1.
start_gst_peers() {
  start_recv
  start_send "$1"
}

# Reads the receiver's next "report" line into V AU GAP STATE NACKS PLIS
# AMS AGAP CONCEALED FEC RTX SIG RECON AEND (test_gst_call.c print_report);
# fails when none comes within 10 s (the peer died or hangs) or the
# receiver posted an error.
next_report() {
  local word
  while read -r -t 10 word V AU GAP STATE NACKS PLIS AMS AGAP CONCEALED FEC RTX \
    SIG RECON AEND _ <&6; do
    [ "$word" = report ] && return 0
    [ "$word" = error ] && { echo "receiver: error $V $AU $GAP"; return 1; }
  done
  echo "receiver: no report"; return 1
}
