#!/bin/bash
# obs_netns.sh - the OBS plugin on a bad network, in two network namespaces
# of the test's own joined by a veth pair (tests/integration/netns_pair.sh).
# libobs (tc_obs_peer under xvfb-run) and the relay run in A, GStreamer
# peers (tc_obs_gst_peer) in B.
#
#   pli  The "TempChat Guest" source receives SMPTE bars from a sender whose
#        encoder makes a keyframe only when asked and who does not resend
#        (as when the repairs are lost too). LOSS % of the UDP arriving in
#        A is dropped at random (nftables numgen) for LOSS_SECONDS: frames
#        that cannot be completed make the source send PLIs, keyframes
#        follow (so they answer those PLIs), and the picture goes on after
#        the loss.
#   tbf  The "TempChat Call" output sends a program that no bitrate is
#        enough for (a guest source showing B's random noise over the
#        canvas) to a tempchatsrc in B through a 1 Mbit/s token bucket on
#        A's side of the link: the receiver's transport-cc feedback alone
#        brings the output's video encoder (AV1, as the default
#        tempchatsrc takes it) below the limit.
#   delay The "TempChat Call" output sends its red program to a tempchatsrc
#        in B over a link that holds UDP 100 ms each way (jitter_shim, a
#        user-space link: this kernel has no netem), so the
#        call takes several round trips to connect (ICE checks, the DTLS
#        handshake). The output encodes one keyframe meanwhile and the core
#        sends it the moment DTLS ends: the receiver decodes the program
#        and no keyframe was asked for (a call that connects with none kept
#        asks for one at once).
#
# Usage: obs_netns.sh pli|tbf|delay OBS_PEER GST_PEER RELAY GST_PLUGIN_DIR
#        JITTER_SHIM
# Exit 77 (skipped) without root, ip, nft or tc.
set -eu

MODE=$1 OBS_PEER=$2 GST_PEER=$3 RELAY=$4 PLUGIN_DIR=$5
[ "$MODE" = delay ] && SHIM=$6
CHANNEL=$("$GST_PEER" channel)  # the one the peers use
LOSS=10 LOSS_SECONDS=8
LIMIT=1000000                   # bit/s, the tbf rate below
WAIT=60                         # seconds for the encoder to get below it

command -v nft >/dev/null && command -v tc >/dev/null \
  || { echo "needs nft and tc"; exit 77; }
PREFIX=tcobs RELAY_SIDE=A
. "$(dirname "$0")/../integration/netns_pair.sh"

# start_obs ARGS...: tc_obs_peer in A, its lines on fd 6, its stdin on fd 3.
start_obs() {
  mkfifo "$work/obs.in" "$work/obs.out"
  ip netns exec "$A" xvfb-run -a "$OBS_PEER" "$@" <"$work/obs.in" \
    >"$work/obs.out" 2>"$work/obs.err" &
  obs_pid=$!
  pids="$pids $obs_pid"
  exec 3>"$work/obs.in"
  exec 6<"$work/obs.out"
}

# start_gst NAME MODE ROOM [WxH]: a GStreamer peer in B (stdin held open).
start_gst() {
  local name=$1; shift
  mkfifo "$work/$name.in"
  ip netns exec "$B" "$GST_PEER" "$1" "$url_from_b" "${@:2}" \
    <"$work/$name.in" >"$work/$name.out" 2>/dev/null &
  pids="$pids $!"
  eval "exec {fd_$name}>\"\$work/$name.in\""
}

# next_line PREFIX: the next line of tc_obs_peer starting with PREFIX into
# $LINE; fails when none comes within 10 s.
next_line() {
  while read -r -t 10 LINE <&6; do
    case $LINE in "$1"*) return 0 ;; error*) echo "obs: $LINE"; return 1 ;; esac
  done
  echo "obs: no '$1' line"; tail -20 "$work/obs.err"; return 1
}

# The stats of the guest report in $LINE: DRAWN W H RECEIVED KEYFRAMES PLIS.
guest_stats() {
  set -- $LINE
  DRAWN=$3 W=$4 RECEIVED=$7 KEYFRAMES=$9 PLIS=${11}
}

finish() {
  exec 3>&- 6<&-
  wait "$obs_pid" || echo "tc_obs_peer ended with $?"
}

test_pli() {
  local room="obs-pli-$id" n=0 k0 p0 d1 fail=0 end=$((SECONDS + 60))
  start_gst sender send-on-request "$room" 320x240
  start_obs guest "$url" "$room" "$CHANNEL" 0
  # Connected and drawing the bars; then a second for the keyframe
  # every call starts with to arrive.
  until next_line "guest frames" && guest_stats && [ "$DRAWN" -ge 30 ] \
      && [ "$W" = 320 ]; do
    [ "$SECONDS" -lt "$end" ] || { echo "no bars within 60 s"; return 1; }
  done
  for _ in 1 2; do next_line "guest frames"; done
  guest_stats
  k0=$KEYFRAMES p0=$PLIS
  udp_loss on "$LOSS" "$A"
  for _ in $(seq $((LOSS_SECONDS * 2))); do next_line "guest frames"; done
  udp_loss off "$LOSS" "$A"
  guest_stats
  echo "loss: keyframes $k0 -> $KEYFRAMES, PLIs $p0 -> $PLIS"
  d1=$DRAWN
  # After the loss: keyframes answered the PLIs and the picture goes on.
  n=0
  until guest_stats && [ "$DRAWN" -ge $((d1 + 30)) ] \
      && [ "$KEYFRAMES" -gt "$k0" ]; do
    n=$((n + 1)); [ "$n" -lt 20 ] || break
    next_line "guest frames"
  done
  echo "after: drawn $d1 -> $DRAWN, keyframes $KEYFRAMES, PLIs $PLIS"
  echo "METRIC obs-pli-from-loss plis=$((PLIS - p0)) keyframes=$((KEYFRAMES - k0))"
  [ "$PLIS" -gt "$p0" ] || { echo "no PLI under $LOSS % loss"; fail=1; }
  [ "$KEYFRAMES" -gt "$k0" ] || { echo "no keyframe followed"; fail=1; }
  [ "$DRAWN" -ge $((d1 + 30)) ] || { echo "the picture stopped"; fail=1; }
  finish
  return $fail
}

test_tbf() {
  local room="obs-tbf-$id" room_in="obs-tbf-in-$id" seen="" bps
  ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate 1mbit burst 10kb \
    latency 300ms
  start_gst noise send-snow "$room_in" 640x360
  start_gst receiver recv "$room"
  start_obs call "$url" "$room" "$CHANNEL" "$room_in"
  local end=$((SECONDS + WAIT))
  while [ "$SECONDS" -lt "$end" ]; do
    next_line "sender frames" || break
    set -- $LINE
    bps=${15}
    [ "$3" -gt 0 ] || continue          # capture begins once connected
    seen="$seen $bps"
    if [ "$bps" -lt "$LIMIT" ]; then
      echo "encoder bitrate (bit/s):$seen"
      echo "METRIC obs-output-tbf-1mbit-bitrate=$bps"
      finish
      return 0
    fi
  done
  echo "encoder bitrate (bit/s):${seen:- none}: never below $LIMIT in ${WAIT}s"
  tail -5 "$work/receiver.out"
  finish
  return 1
}

test_delay() {
  local room="obs-delay-$id" end=$((SECONDS + 60)) video
  echo "delay 100" >&7
  start_gst receiver recv "$room"
  start_obs call "$url" "$room" "$CHANNEL"
  # Until the receiver decoded its 30th frame; the sender's next report.
  until video=$(grep -m1 '^video ' "$work/receiver.out"); do
    next_line "sender frames" || return 1
    [ "$SECONDS" -lt "$end" ] || { echo "no video within 60 s"; return 1; }
  done
  next_line "sender frames" || return 1
  echo "receiver: $video; sender: $LINE"
  local connected first
  connected=$(sed -n 's/^connected //p' "$work/receiver.out" | head -1)
  first=$(sed -n 's/^first-video //p' "$work/receiver.out" | head -1)
  [ -n "$connected" ] && [ -n "$first" ] \
    && echo "METRIC obs-output-connect-to-first-frame-ms=$(((first - connected) / 1000))"
  finish
  set -- $LINE
  [ "$5" -ge 1 ] || { echo "no keyframe was encoded"; return 1; }
  [ "$7" = 0 ] || { echo "a keyframe was asked for ($7): the one made while connecting was not sent"; return 1; }
  set -- $video
  [ "$4" -gt 200 ] && [ "$5" -lt 60 ] && [ "$6" -lt 60 ] \
    || { echo "the receiver does not show the red program"; return 1; }
}

case $MODE in
  pli) test_pli ;;
  tbf) test_tbf ;;
  delay) test_delay ;;
  *) echo "unknown mode $MODE"; exit 2 ;;
esac
