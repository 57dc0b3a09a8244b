#!/bin/sh
# bwe_tbf.sh - a tempchatsink sender behind a 1 Mbit/s token bucket (tc tbf)
# must bring its target bitrate below the limit by itself, as a browser
# would: the only thing telling it is the receiver's transport-cc feedback.
#
#   netns A: sender (test_gst_call --peer send-report: 720p, starts at 2 Mbit/s)
#            veth egress: tbf rate 1mbit
#   netns B: tempchat-relay and the receiver (test_gst_call --peer recv)
#
# Usage: bwe_tbf.sh TEST_GST_CALL RELAY GST_PLUGIN_DIR
# Exit 77 (skipped) without root or iproute2. Names carry our PID, so
# parallel runs do not collide; everything is removed on exit.
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3
LIMIT=1000000                   # bit/s, the tbf rate below
WAIT=60                         # seconds to see the target below it

[ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v tc >/dev/null \
  || { echo "needs root, ip and tc"; exit 77; }

id=$$
A=tcbweA$id B=tcbweB$id VA=tcA$id VB=tcB$id
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
ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate 1mbit burst 10kb \
  latency 300ms

export GST_PLUGIN_PATH="$PLUGIN_DIR" GST_REGISTRY="$work/registry.bin"

mkfifo "$work/relay.out"
ip netns exec "$B" "$RELAY" --listen 10.213.0.2 --port 0 >"$work/relay.out" &
pids="$pids $!"
exec 5<"$work/relay.out"        # kept open: the relay may write more
read -r line <&5 || line=""
url=$(echo "$line" | sed -n 's|.*\(ws://[^ ]*\).*|\1|p')
[ -n "$url" ] || { echo "relay did not start"; exit 1; }
room="#it-bwe-tbf-$id"

# The peers run until their stdin closes: hold it open with fifos.
mkfifo "$work/recv.in" "$work/send.in" "$work/send.out"
ip netns exec "$B" "$T" --peer recv "$url" "$room" <"$work/recv.in" \
  >"$work/recv.out" &
pids="$pids $!"
exec 3>"$work/recv.in"
ip netns exec "$A" "$T" --peer send-report "$url" "$room" <"$work/send.in" \
  >"$work/send.out" &
pids="$pids $!"
exec 4>"$work/send.in"

# Reads the sender's "target N" lines as they come (a shell loop: awk may
# buffer a pipe's input); done at the first one below the limit, failed when
# the sender ends or WAIT passes first. Every value seen goes to $work/seen.
export LIMIT work
result=$(timeout "$WAIT" sh -c '
  n=0
  while read -r word value rest; do
    case $word in
      error) echo "error $value $rest"; exit ;;
      target) n=$((n + 1)); echo "$value" >>"$work/seen"
        if [ "$value" -lt "$LIMIT" ]; then
          echo "below $value after $n reports"; exit
        fi ;;
    esac
  done' <"$work/send.out" || true)
exec 3>&- 4>&- 5<&-
echo "sender: ${result:-no target below $LIMIT within ${WAIT}s}"
case "$result" in
  below*) echo "METRIC tbf-1mbit-target-bps=$(echo "$result" | cut -d' ' -f2)"
          exit 0 ;;
  *) echo "targets seen (bit/s): $(tr '\n' ' ' <"$work/seen" 2>/dev/null)"
     echo "receiver said:"; cat "$work/recv.out"; exit 1 ;;
esac
