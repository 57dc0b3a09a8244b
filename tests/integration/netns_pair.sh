# netns_pair.sh - sourced by the tests that put two peers in network
# namespaces of their own: A and B joined by a veth pair (10.213.0.1 and
# .2), the relay in B (its ws:// URL in $url), a work directory ($work),
# and a cleanup on exit that stops what was started ($pids) and deletes
# the namespaces. Names carry our PID, so parallel runs do not collide.
#
# Before sourcing: RELAY (the relay binary), PLUGIN_DIR, PREFIX (a short
# tag for the names), optionally RELAY_ARGS (more relay options, split on
# spaces). Exit 77 (skipped) without root or iproute2.

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
ip link add "$VA" type veth peer name "$VB"
ip link set "$VA" netns "$A"
ip link set "$VB" netns "$B"
ip -n "$A" addr add 10.213.0.1/24 dev "$VA"
ip -n "$B" addr add 10.213.0.2/24 dev "$VB"
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up

export GST_PLUGIN_PATH="$PLUGIN_DIR" GST_REGISTRY="$work/registry.bin"

mkfifo "$work/relay.out"
# shellcheck disable=SC2086
ip netns exec "$B" "$RELAY" --listen 10.213.0.2 --port 0 ${RELAY_ARGS:-} \
  >"$work/relay.out" &
pids="$pids $!"
exec 5<"$work/relay.out"        # kept open: the relay may write more
read -r line <&5 || line=""
url=$(echo "$line" | sed -n 's|.*\(ws://[^ ]*\).*|\1|p')
[ -n "$url" ] || { echo "relay did not start"; exit 1; }

# Starts a call between two test_gst_call peers ($T): `recv-report` in B
# (its stdin on fd 3, its lines on fd 6) and mode $1 in A (stdin on fd 4,
# its lines in $work/send.out), both in room $room.
start_gst_peers() {
  mkfifo "$work/recv.in" "$work/send.in" "$work/recv.out"
  ip netns exec "$B" "$T" --peer recv-report "$url" "$room" \
    <"$work/recv.in" >"$work/recv.out" &
  pids="$pids $!"
  exec 3>"$work/recv.in"
  exec 6<"$work/recv.out"
  ip netns exec "$A" "$T" --peer "$1" "$url" "$room" \
    <"$work/send.in" >"$work/send.out" &
  pids="$pids $!"
  exec 4>"$work/send.in"
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
