# bench/lib.sh - sourced by the bench/*.sh scripts.
#
#   bench_setup BUILD_DIR    $top, $build (absolute), $work (removed at exit),
#                            pids[] (killed at exit), GStreamer with the
#                            build's plugin and a registry of its own
#   start_relay              tempchat-relay on a free loopback port; sets $url
#   cpu_ticks PID            utime + stime of a process, in clock ticks
bench_setup() {
  top=$(cd "$(dirname "$0")/.." && pwd)
  build=$(cd "${1:-$top/build}" && pwd)
  work=$(mktemp -d)
  pids=()
  trap bench_cleanup EXIT
  export GST_PLUGIN_PATH="$build/gst-plugin" GST_REGISTRY="$work/registry.bin"
}

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

start_relay() {
  local line
  mkfifo "$work/relay"
  "$build/server/tempchat-relay" --port 0 >"$work/relay" 2>/dev/null &
  pids+=($!)
  read -r -t 10 line <"$work/relay"
  url=${line##* }
}

cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}
