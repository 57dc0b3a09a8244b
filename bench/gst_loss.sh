#!/usr/bin/env bash
# bench/gst_loss.sh - tempchatsink -> tempchatsrc across two network
# namespaces with random loss both ways (tests/integration/gst_loss.sh),
# SECONDS of loss per run, REPEATS runs at each of 0 % (what the machine
# itself allows), 5 % and 10 %; each run followed by Chromium <-> Chromium
# with the test page in the same namespaces and the same loss
# (bench/chromium_loss.sh), the baseline of this invocation. Our peers run
# in both roles each time (sink-offers, src-offers: the test's ROLE).
# Prints each run's METRIC lines and a table: frames decoded of those sent,
# the longest video gap (ours) or Chromium's freezes (count/seconds),
# reports not `connected` (a path that looked lost), the sender's mean
# target (ours) or available outgoing bitrate (Chromium), NACKs and PLIs
# the receiver sent, audio frames concealed/recovered from FEC (ours),
# media after the loss.
#
#   bench/gst_loss.sh [BUILD_DIR] [SECONDS] [REPEATS] [LOSSES]
#                                      (60 s, 5 runs, LOSSES "0 5 10")
#
# Needs root (namespaces, nftables); Chromium runs when BUILD_DIR/js has the
# test packages (npm ci, as scripts/test does).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${2:-60}
repeats=${3:-5}

losses=${4:-0 5 10}

row() { printf '%-5s %-3s %-17s %8s %11s %9s %11s %9s %6s %9s %s\n' "$@"; }
row loss run peers decoded% gap/freeze not-conn target-bps nacks plis \
  conc/fec after
for loss in $losses; do
  for run in $(seq "$repeats"); do
    for role in sink-offers src-offers; do
      out=$(ROLE=$role bash "$top/tests/integration/gst_loss.sh" \
        "$build/tests/integration/test_gst_call" \
        "$build/server/tempchat-relay" "$build/gst-plugin" "$loss" "$secs" \
        2>&1 || true)
      echo "$out" | grep '^METRIC' >&2
      m() { echo "$out" | sed -n "s/^METRIC ${2:-}loss$loss-$1=\([^ ]*\).*/\1/p"; }
      fec=$(echo "$out" | sed -n 's/.*fec-recovered=\([0-9]*\).*/\1/p')
      row "$loss%" "$run" "gst $role" "$(m frames-decoded-pct)" \
        "$(m max-video-gap-ms)ms" "$(m not-connected-reports)" \
        "$(m sender-target-bps)" "$(m nacks-sent)" "$(m plis-sent)" \
        "$(m audio-concealed)/$fec" "$(m media-after)"
    done
    [ -d "$build/js/node_modules/playwright-core" ] || continue
    out=$(bash "$top/bench/chromium_loss.sh" "$build" "$loss" "$secs" 2>&1 \
      || true)
    echo "$out" | grep '^METRIC' >&2
    freezes="$(m freezes chromium-)/$(echo "$out" \
      | sed -n 's/.*freeze-s=\([0-9.]*\).*/\1/p')s"
    row "$loss%" "$run" chromium "$(m frames-decoded-pct chromium-)" \
      "$freezes" "$(m not-connected-reports chromium-)" \
      "$(m sender-bwe-bps chromium-)" "$(m nacks-sent chromium-)" \
      "$(m plis-sent chromium-)" - "$(m media-after chromium-)"
  done
done
