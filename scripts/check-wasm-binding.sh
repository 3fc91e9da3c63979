#!/usr/bin/env bash
# Builds the WebAssembly binding (crates/pouch-wasm) with wasm-bindgen-cli, runs its Node
# tests and the conformance suite through its adapter. Installs the wasm32 target and the
# wasm-bindgen-cli of the lockfile's wasm-bindgen version when missing.
# Usage: scripts/check-wasm-binding.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
say() { echo "check-wasm-binding: $*" >&2; }

if ! command -v node >/dev/null; then
    say "node is not installed: the binding was NOT checked."
    exit 2
fi
# shellcheck source=scripts/wasm-tools.sh
source scripts/wasm-tools.sh
ensure_wasm_tools "the binding"

cargo build -p pouch-wasm --target "$target"
pkg="$target_dir/pouch-wasm/pkg"
wasm-bindgen --target nodejs --out-dir "$pkg" "$target_dir/$target/debug/pouch_wasm.wasm"
say "package in $pkg ($(du -h "$pkg/pouch_wasm_bg.wasm" | cut -f1) of wasm, debug build)"

# The host `pouch` makes the demo PKI the Node tests seal with.
cargo build -p pouch-cli
POUCH_WASM_PKG="$pkg" POUCH_BIN="$target_dir/debug/pouch" \
    node --test crates/pouch-wasm/tests/node/

POUCH_WASM_PKG="$pkg" cargo run -q -p pouch-vectors --bin pouch-vectors -- conform \
    --adapter crates/pouch-wasm/adapter/pouch-adapter \
    --exceptions conformance/exceptions/reference-adapter.toml \
    --out "$target_dir/conformance-wasm"
say "Node tests and conformance suite passed"
