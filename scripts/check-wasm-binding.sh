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
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    if ! rustup target add "$target"; then
        say "cannot install the Rust target $target (rustup target add failed):"
        say "the binding was NOT checked."
        exit 2
    fi
fi

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$version" ]; then
    say "no wasm-bindgen in Cargo.lock"
    exit 2
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$version" ]; then
    say "installing wasm-bindgen-cli $version (found: ${have:-none})"
    # --locked first; its lockfile can pin a dependency the index no longer offers (as
    # webpki-roots 1.0.11 for 0.2.130), and then the newest compatible versions are used.
    if ! cargo install wasm-bindgen-cli --version "$version" --locked &&
        ! cargo install wasm-bindgen-cli --version "$version"; then
        say "cannot install wasm-bindgen-cli $version (cargo install failed):"
        say "the binding was NOT checked."
        exit 2
    fi
fi

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
