#!/bin/bash
# gst_signaling_blip.sh - signaling and media are separate: a tempchatsink
# -> tempchatsrc call (the peers in two network namespaces joined by a veth
# pair, the relay in B) goes on while the relay is killed and started again
# on its port. Both elements reconnect and rejoin the room meanwhile.
#
# Passes when it is the same call throughout (neither peer sees the other
# join again), the receiver keeps decoding video with its stats saying
# `connected` all along, and signaling is back (`signaling-connected`,
# `signaling-reconnects` 1) within 15 s. The longest wait between two
# decoded video buffers from the kill on is a METRIC beside the one of the
# reports before it (a busy machine alone makes waits of several hundred
# ms); a wait over 1.5 s fails, as a call made again would cause.
#
# Usage: gst_signaling_blip.sh TEST_GST_CALL RELAY GST_PLUGIN_DIR
# Exit 77 (skipped) without root or ip.
set -eu

T=$1 RELAY=$2 PLUGIN_DIR=$3
MAX_GAP_MS=1500

PREFIX=tcblip
. "$(dirname "$0")/netns_pair.sh"
room="#it-gst-blip-$id"
relay_pid=${pids# }
relay_pid=${relay_pid%% *}
port=${url##*:}
port=${port%%/*}

start_gst_peers send-light

# Connected and decoding, then a few steady reports.
n=0
until next_report && [ "$V" -gt 0 ]; do
  n=$((n + 1)); [ "$n" -lt 60 ] || { echo "no video within 60 s"; exit 1; }
done
ref_gap=0
for _ in 1 2 3; do
  next_report
  [ "$GAP" -le "$ref_gap" ] || ref_gap=$GAP
done
[ "$SIG" = in-room ] && [ "$RECON" = 0 ] \
  || { echo "signaling not in the room before the kill: $SIG $RECON"; exit 1; }

# The relay crashes and comes back on its port.
kill -9 "$relay_pid"
wait "$relay_pid" 2>/dev/null || true
exec 5<&-
ip netns exec "$B" "$RELAY" --listen 10.213.0.2 --port "$port" \
  >"$work/relay2.out" 2>&1 &
pids="$pids $!"
t0=$(date +%s%N)

max_gap=0 down=0 back=""
v0=$V
for _ in $(seq 15); do
  next_report
  [ "$GAP" -le "$max_gap" ] || max_gap=$GAP
  [ "$STATE" = connected ] || down=$((down + 1))
  if [ -z "$back" ] && [ "$SIG" = in-room ] && [ "$RECON" -ge 1 ]; then
    back=$(( ($(date +%s%N) - t0) / 1000000 ))
  fi
  [ -n "$back" ] && [ "$V" -ge $((v0 + 150)) ] && break
done
exec 3>&- 4>&- 6<&-
echo "METRIC blip-max-video-gap-ms=$max_gap before-kill=$ref_gap"
echo "METRIC blip-signaling-back-ms=${back:-none}"
echo "METRIC blip-video-decoded-after-kill=$((V - v0))"

fail=0
[ -n "$back" ] || { echo "signaling not back within 15 s"; fail=1; }
[ "$max_gap" -lt "$MAX_GAP_MS" ] || { echo "a wait of $max_gap ms"; fail=1; }
[ "$down" -eq 0 ] || { echo "the call was not connected in $down reports"; fail=1; }
[ "$V" -gt "$v0" ] || { echo "no video after the kill"; fail=1; }
# One PEER_JOINED each ("role ..."): the call was never made again.
roles=$(grep -c '^role' "$work/send.out" || true)
[ "$roles" -eq 1 ] || { echo "the sender joined $roles calls"; fail=1; }
if grep -q '^error' "$work/send.out"; then
  echo "sender: $(grep '^error' "$work/send.out" | head -1)"; fail=1
fi
exit $fail
