#!/usr/bin/env bash
# bench/gst_loss.sh - tempchatsink -> tempchatsrc across two network
# namespaces with random loss both ways (tests/integration/gst_loss.sh),
# SECONDS of loss per run, REPEATS runs at each of 0 % (the baseline of this
# invocation: what the machine itself allows), 5 % and 10 %. Prints each
# run's METRIC lines and a table: frames decoded, longest video gap, reports
# not `connected` (a path that looked lost), the sender's mean target,
# NACKs and PLIs, media after the loss.
#
#   bench/gst_loss.sh [BUILD_DIR] [SECONDS] [REPEATS]    (60 s, 5 runs)
#
# Needs root (namespaces, nftables). Read the loss runs against the 0 % runs:
# on a busy machine the baseline already shows what the CPU costs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${2:-60}
repeats=${3:-5}

printf '%-5s %-3s %8s %7s %6s %9s %11s %9s %6s %s\n' loss run fps decoded% \
  gap-ms not-conn target-bps nacks plis after
for loss in 0 5 10; do
  for run in $(seq "$repeats"); do
    out=$(bash "$top/tests/integration/gst_loss.sh" \
      "$build/tests/integration/test_gst_call" "$build/server/tempchat-relay" \
      "$build/gst-plugin" "$loss" "$secs" 2>&1 || true)
    echo "$out" | grep '^METRIC' >&2
    m() { echo "$out" | sed -n "s/^METRIC loss$loss-$1=\([^ ]*\).*/\1/p"; }
    printf '%-5s %-3s %8s %7s %6s %9s %11s %9s %6s %s\n' "$loss%" "$run" \
      "$(m lossless-fps)" "$(m frames-decoded-pct)" "$(m max-video-gap-ms)" \
      "$(m not-connected-reports)" "$(m sender-target-bps)" "$(m nacks-sent)" \
      "$(m plis-sent)" "$(m media-after)"
  done
done
