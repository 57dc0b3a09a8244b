#!/usr/bin/env bash
# `cmake --install` puts libgsttempchat.so in GStreamer's plugin directory:
# gst-inspect-1.0 finds the installed copy there and reads its metadata.
# Usage: gst_plugin_found.sh BUILD_DIR PLUGIN_DIR
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
