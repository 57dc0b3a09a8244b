#!/usr/bin/env bash
# `cmake --install` puts libgsttempchat.so (and, built with libavcodec,
# libgsttempchatav1dec.so) in GStreamer's plugin directory: gst-inspect-1.0
# finds the installed copies there and reads their metadata.
# Usage: gst_plugin_found.sh BUILD_DIR PLUGIN_DIR [AV1DEC_BUILT (ON/1)]
set -euo pipefail
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
"$(dirname "$0")/install_tree.sh" "$1" "$dest"
lib="$dest$2/libgsttempchat.so"
[ -f "$lib" ] || { echo "FAIL: not installed at $2" >&2; exit 1; }
# A private registry so the test neither reads nor writes the user's cache.
out=$(GST_REGISTRY="$dest/registry.bin" GST_PLUGIN_SYSTEM_PATH_1_0="$dest$2" \
      GST_PLUGIN_PATH_1_0="" gst-inspect-1.0 tempchat 2>&1) || {
  echo "FAIL: gst-inspect-1.0 tempchat: $out" >&2; exit 1; }
echo "$out" | grep -q "Filename *$lib" || { echo "FAIL: $out" >&2; exit 1; }
echo "$out" | grep -q "Join TempChat" || { echo "FAIL: no description" >&2; exit 1; }
echo "ok: gst-inspect-1.0 found $lib"
case "${3:-}" in
  ON|1|TRUE)
    out=$(GST_REGISTRY="$dest/registry.bin" GST_PLUGIN_SYSTEM_PATH_1_0="$dest$2" \
          GST_PLUGIN_PATH_1_0="" gst-inspect-1.0 tempchatav1dec 2>&1) || {
      echo "FAIL: gst-inspect-1.0 tempchatav1dec: $out" >&2; exit 1; }
    echo "$out" | grep -q "Filename *$dest$2/libgsttempchatav1dec.so" || {
      echo "FAIL: $out" >&2; exit 1; }
    echo "ok: gst-inspect-1.0 found tempchatav1dec" ;;
esac
