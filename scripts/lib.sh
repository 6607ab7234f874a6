# Shared by scripts/run and scripts/test: installs whatever is missing, caches builds outside the
# clone. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/atrium/target}"
TOOLS="$HOME/.cache/atrium/tools"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"
# cargo-leptos writes the static site (WASM, JS, CSS) to target/site inside the clone.
SITE_ROOT="$ROOT/target/site"

WASM_BINDGEN_VERSION=0.2.130
CARGO_LEPTOS_VERSION=0.3.10

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    echo "Rust is not installed. Install it from https://rustup.rs and run this again." >&2
    exit 1
  fi
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once, ~3 min)"
    # No --locked: one of its locked dependencies is no longer on the registry.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once, ~15 min)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js"
    as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm
  fi
}

# Release builds run wasm-opt; Debian's binaryen is too old (the bundle would not hydrate).
ensure_wasm_opt() {
  ensure_node
  if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (npm binaryen@132)"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund binaryen@132
  fi
}

ensure_chromium() {
  # The emoji font makes screenshots show the catalog icons people see on their own machines.
  if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; then
    say "installing Chromium and fonts (Debian packages)"
    as_root apt-get update -qq && as_root apt-get install -y -qq chromium fonts-noto-color-emoji
  fi
}

ensure_end2end_packages() {
  ensure_node
  if [ ! -d end2end/node_modules/playwright-core ]; then
    say "installing browser-test packages"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# The release site (what scripts/run serves and the browser tests drive): the server and the main
# bundle, every island a lazy chunk of it; then the order page's own bundle (the `atrium-order`
# project: its rules and person picker in one module, without the designer), copied to pkg/order.
build_site() {
  cargo leptos build --release --precompress --split --project atrium
  build_order_bundle
}

# The order page's bundle alone, into the site (in development, after `cargo leptos watch`
# has started: it empties the site when it builds, and serves only the main bundle).
build_order_bundle() {
  cargo leptos build --release --precompress --split --project atrium-order --frontend-only
  mkdir -p "$SITE_ROOT/pkg"
  rm -rf "$SITE_ROOT/pkg/order"
  cp -r "$ROOT/target/site-order/pkg/order" "$SITE_ROOT/pkg/order"
}

ensure_build_tools() {
  ensure_rust
  ensure_wasm_bindgen
  ensure_cargo_leptos
}
