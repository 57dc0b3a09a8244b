#!/usr/bin/env bash
# bench/recovery.sh - calls that lose their network path or meet a
# bottleneck: ours (tempchatsink -> tempchatsrc, test_gst_call's peers)
# beside Chromium <-> Chromium with the TempChat test page
# (bench/chromium_recovery.mjs), in the same two namespaces of
# tests/integration/netns_pair.sh:
#
#   cut         the UDP path cut for 5 s in the middle of a call and
#               restored (nftables drop on input in both namespaces), ours
#               in both roles (who offers: the relay's --ordered-ids make
#               the second joiner the offerer): the longest wait between
#               two decoded frames, and how much of it came after the
#               restore (that wait less the cut)
#   bottleneck  a 1080p sender behind a 1.5 Mbit/s token bucket (tc tbf on
#               its egress) for 25 s, then lifted for 30 s: the sender's
#               estimate over time (our target-bitrate, Chromium's
#               availableOutgoingBitrate), the time it took to get under
#               the limit and to climb past twice the limit after the lift
#
# Prints a table, METRIC lines and BENCH lines (scripts/bench keeps them
# and plots the estimates over time as bench/results/*-recovery-series.png).
#
#   bench/recovery.sh [BUILD_DIR]
#
# Needs root (namespaces, nftables, tc) and node with the test packages in
# BUILD_DIR/js (npm ci, as scripts/test does).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
T=$build/tests/integration/test_gst_call
RELAY=$build/server/tempchat-relay PLUGIN_DIR=$build/gst-plugin PREFIX=tcrv
export RELAY  # tests/web/harness.mjs (the Chromium arguments) asks for it
CUT_MS=5000 LIMIT=1500000 LIMITED_S=25 LIFTED_S=30
export CUT_MS LIMIT LIMITED_S LIFTED_S

site=$(mktemp -d)
. "$top/bench/chromium_ns.sh"
chromium_site "$site"
RELAY_ARGS="--web-root $site --ordered-ids"
. "$top/tests/integration/netns_pair.sh"
trap 'cleanup; rm -rf "$site"' EXIT INT TERM
chromium_in_namespaces
base=$work

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# Our two peers in a new room, the first one in the room before the second
# joins: ROLE sink-offers (the receiver waits) or src-offers. Each run in a
# work directory of its own (netns_pair.sh's fifos have fixed names).
gst_call() {
  work=$(mktemp -d -p "$base")
  room="#rv-$1-$RANDOM"
  if [ "$1" = sink-offers ]; then
    TC_TEST_ELEMENT_ARGS=${RECV_ARGS:-} start_recv
    until next_report && [ "$STATE" = waiting ]; do :; done
    start_send "$2"
  else
    start_send "$2"
    # (grep ends at the first match; tail then dies of SIGPIPE.)
    { timeout 30 tail -n +1 -f "$work/send.out" || true; } \
      | grep -q -m1 '^state waiting'
    TC_TEST_ELEMENT_ARGS=${RECV_ARGS:-} start_recv
  fi
  local n=0
  until next_report && [ "$V" -ge 60 ]; do
    n=$((n + 1)); [ "$n" -lt 60 ] || { echo "no video within 60 s"; exit 1; }
  done
}

gst_hangup() {
  exec 3>&- 4>&- 6<&-
}

# cut ROLE: "LONGEST_WAIT_MS CUT_MS" of our receiver.
cut_ours() {
  gst_call "$1" send-light
  local t0 longest=0 v_restored cut_ms
  t0=$(date +%s%N)
  udp_loss on 100 "$A" "$B"
  sleep "$((CUT_MS / 1000))"          # the scenario: a 5 s outage
  udp_loss off 100 "$A" "$B"
  cut_ms=$(ms_since "$t0")
  v_restored=$V
  # Reports until a second of video came after the restore (20 at most).
  for _ in $(seq 20); do
    next_report
    [ "$GAP" -le "$longest" ] || longest=$GAP
    [ "$V" -lt $((v_restored + 30)) ] || break
  done
  gst_hangup
  echo "$longest $cut_ms"
}

# bottleneck: our sender's targets, "SERIES [[s, Mbit/s], ...]" and
# "SETTLE_S CLIMB_S" (-1: never).
bottleneck_ours() {
  # 1080p both ways: the receiver's quality caps what it asks for (720p's
  # 3 Mbit/s would stop the climb).
  SINK_ARGS="quality=1080p" RECV_ARGS="quality=1080p"
  gst_call sink-offers send-report
  SINK_ARGS= RECV_ARGS=
  local s0 t0 lifted=0 line settle=-1 climb=-1 series="" t word bps
  s0=$(wc -l <"$work/send.out")
  ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate "$LIMIT"bit \
    burst 10kb latency 300ms
  t0=$(date +%s%N)
  # The sender prints "target BPS ..." every 250 ms.
  exec 9< <(tail -n +"$((s0 + 1))" -f "$work/send.out")
  while read -r -t 10 word bps _ <&9; do
    [ "$word" = target ] || continue
    t=$(ms_since "$t0")
    if [ "$lifted" = 0 ] && [ "$t" -ge $((LIMITED_S * 1000)) ]; then
      ip netns exec "$A" tc qdisc del dev "$VA" root
      lifted=$t
    fi
    series="$series[$(awk -v t="$t" -v b="$bps" 'BEGIN { printf "%.2f,%.3f", t / 1000, b / 1e6 }')],"
    [ "$settle" != -1 ] || [ "$bps" -ge "$LIMIT" ] || settle=$t
    [ "$lifted" = 0 ] || [ "$climb" != -1 ] || [ "$bps" -le $((2 * LIMIT)) ] \
      || climb=$((t - lifted))
    [ "$t" -lt $(((LIMITED_S + LIFTED_S) * 1000)) ] || break
  done
  exec 9<&-
  gst_hangup
  echo "SERIES [${series%,}]"
  awk -v s="$settle" -v c="$climb" 'BEGIN {
    printf "%.2f %.2f\n", s < 0 ? -1 : s / 1000, c < 0 ? -1 : c / 1000 }'
}

chromium() {
  (cd "$top" && MODE=$1 NS_A="$A" NS_B="$B" VA="$VA" \
    NODE_PATH=$build/js/node_modules node bench/chromium_recovery.mjs)
}

field() { sed -n "s/.*$1=\([-0-9.]*\).*/\1/p" <<<"$2"; }
bench_row() {  # NAME UNIT OURS CHROMIUM [EXTRA_JSON]
  awk -v n="$1" -v u="$2" -v o="$3" -v c="$4" -v x="${5:-}" 'BEGIN {
    printf "BENCH {\"bench\":\"recovery\",\"name\":\"%s\",\"unit\":\"%s\",\"value\":%s,\"baseline\":\"Chromium <-> Chromium\",\"baseline_value\":%s,\"ratio\":%s%s}\n",
      n, u, o, c, (c > 0 && o >= 0) ? sprintf("%.3f", o / c) : "null", x }'
}

echo "== link cut for $((CUT_MS / 1000)) s mid-call" >&2
chrome=$(chromium cut)
echo "$chrome" >&2
c_wait=$(field chromium-cut-freeze-ms "$chrome")
c_cut=$(field cut-ms "$chrome")
# The wait can end a frame interval before the cut does (the last frame
# came just before the cut, the first just after the restore): 0 then.
after_restore() { local a=$(($1 - $2)); echo $((a < 0 ? 0 : a)); }
c_after=$(after_restore "$c_wait" "$c_cut")
printf '%-28s %12s %10s %14s\n' "cut" "longest wait" "cut" "after restore"
printf '%-28s %10s ms %7s ms %11s ms\n' "Chromium <-> Chromium" "$c_wait" "$c_cut" "$c_after"
for role in sink-offers src-offers; do
  read -r wait_ms cut_ms < <(cut_ours "$role") \
    || { echo "the $role call failed" >&2; exit 1; }
  after=$(after_restore "$wait_ms" "$cut_ms")
  printf '%-28s %10s ms %7s ms %11s ms\n' "gst ($role)" "$wait_ms" "$cut_ms" "$after"
  echo "METRIC recovery-cut-$role-longest-wait-ms=$wait_ms cut-ms=$cut_ms after-restore-ms=$after"
  bench_row "path cut 5 s, $role: media back after the restore" ms "$after" "$c_after"
done

echo "== a 1.5 Mbit/s bottleneck at 1080p, lifted after $LIMITED_S s" >&2
chrome=$(chromium bottleneck)
c_series=$(sed -n 's/^SERIES //p' <<<"$chrome")
c_settle=$(field chromium-settle-s "$chrome") c_climb=$(field climb-s "$chrome")
ours=$(bottleneck_ours)
o_series=$(sed -n 's/^SERIES //p' <<<"$ours")
read -r o_settle o_climb < <(tail -n 1 <<<"$ours")
printf '%-28s %14s %22s\n' "bottleneck" "under 1.5 Mbit/s" "past 3 Mbit/s after lift"
printf '%-28s %12s s %20s s\n' "Chromium <-> Chromium" "$c_settle" "$c_climb"
printf '%-28s %12s s %20s s\n' "gst" "$o_settle" "$o_climb"
echo "METRIC recovery-bottleneck-settle-s=$o_settle climb-s=$o_climb chromium-settle-s=$c_settle chromium-climb-s=$c_climb"
bench_row "1080p behind 1.5 Mbit/s: estimate under it after" s "$o_settle" "$c_settle" \
  ",\"series\":$o_series,\"baseline_series\":$c_series,\"series_labels\":{\"x\":\"s since the token bucket went on (lifted at ${LIMITED_S} s)\",\"y\":\"send-side estimate, Mbit/s\"}"
bench_row "1080p after the 1.5 Mbit/s bucket is lifted: past 3 Mbit/s after" s "$o_climb" "$c_climb"
