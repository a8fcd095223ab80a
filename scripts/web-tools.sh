# Sourced by scripts/run and scripts/test. Installs what building and testing the widget needs,
# each piece only if it is missing:
#   - the wasm32-unknown-unknown target (rustup);
#   - Trunk 0.21.14 (0.22 needs a newer rustc than 1.95);
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (with its own lockfile
#     when that builds, else without: it has pinned a crate the registry here did not serve);
#   - wasm-opt from the npm package binaryen, playwright-core and axe-core, into e2e/node_modules
#     (no lockfile is written, so no registry address ends up in the tree);
#   - for tests only: Debian's chromium and chromium-driver.
# Trunk cannot download tools here, so every build runs with --offline.

web_step() { printf '\n==> %s\n' "$*"; }

ensure_web_tools() {
  # playwright-core needs Node 20 or newer; say so now rather than after the long builds.
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt 20 ]; then
    echo "error: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
    return 1
  fi
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    web_step "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  export PATH="$HOME/.cargo/bin:$PWD/e2e/node_modules/.bin:$PATH"
  if ! trunk --version 2>/dev/null | grep -q '0\.21\.14'; then
    web_step "installing Trunk 0.21.14 (about 8 minutes on 2 cores)"
    cargo install --locked trunk --version 0.21.14
  fi
  local bindgen
  bindgen=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)
  if [ -z "$bindgen" ]; then
    echo "error: no wasm-bindgen version in Cargo.lock" >&2
    return 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -qF "$bindgen"; then
    web_step "installing wasm-bindgen-cli $bindgen (about 3 minutes)"
    # Its own lockfile first; it pins a crate version the registry here has not always served,
    # so fall back to resolving afresh.
    cargo install --locked wasm-bindgen-cli --version "$bindgen" || cargo install wasm-bindgen-cli --version "$bindgen"
  fi
  if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ]; then
    web_step "installing binaryen (wasm-opt) and playwright-core from npm"
    (cd e2e && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
  fi
}

ensure_browser() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    return 0
  fi
  web_step "installing Debian's chromium and chromium-driver"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
}

# Builds dist/: the widget with Trunk, then the pages Trunk does not build (the docs page, its
# hostile variant, the help panel) and the single-file demo, and prints the sizes.
build_site() {
  web_step "trunk build --release --offline"
  trunk build --release --offline
  web_step "pages and the single-file demo (scripts/pages.mjs)"
  cargo build --quiet --locked --bin vnet-flows
  node scripts/pages.mjs dist cargo run --quiet --locked --bin vnet-flows --
  print_sizes
}

# The test build of the same pages, with `--features test-panic` (a way to make a widget fail),
# into target/dist-failure, for e2e/failure.mjs. Never shipped: dist/ is the release build.
build_failure_site() {
  web_step "trunk build --release --offline --features test-panic (test build, target/dist-failure)"
  trunk build --release --offline --features test-panic --dist target/dist-failure
  node scripts/pages.mjs target/dist-failure cargo run --quiet --locked --bin vnet-flows --
}

# Prints the raw, gzip -9 and brotli (when available) sizes of what a page loads for the widget
# (its stylesheet is inside the wasm), and of the single-file demo.
print_sizes() {
  local f raw gz br
  for f in dist/vnet-flows-widget_bg.wasm dist/vnet-flows-widget.js dist/snippets/*/www/element.js \
    dist/vnet-flows.js dist/loading.js dist/vnet-flows-demo.html; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9c "$f" | wc -c)
    br=""
    if command -v brotli >/dev/null; then br=" brotli $(brotli -c "$f" | wc -c)"; fi
    printf '%-52s raw %7d  gzip %7d%s\n' "$(basename "$f")" "$raw" "$gz" "$br"
  done
}
