# scripts/lib/js.sh - sourced by scripts/test, scripts/demo and scripts/bench.
#
# install_js BUILD_DIR: the test page's and the tests' npm packages
# (playwright-core, scaledrone-node, esbuild) into BUILD_DIR/js, never
# globally, from tests/package-lock.json; again only when the lock changed.
install_js() {
  local dir=$1/js
  mkdir -p "$dir"
  if ! cmp -s tests/package-lock.json "$dir/package-lock.json" \
      || [ ! -d "$dir/node_modules" ]; then
    cp tests/package.json tests/package-lock.json "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
