#!/usr/bin/env bash
# Builds the web validator (web/, docs/web-validator.md) into target/web/index.html: one
# self-contained page that verifies envelopes, runs the conformance vectors and converts
# labels in the browser, from file:// or any static host, offline.
#
# Builds crates/pouch-wasm for wasm32-unknown-unknown (release), runs wasm-bindgen
# `--target web`, and inlines the glue, the wasm bytes, the status-code registry and the
# vectors into the page (scripts/build-web.py). Installs the wasm32 target and the
# wasm-bindgen-cli of the lockfile's wasm-bindgen version when missing.
# Usage: scripts/build-web.sh        (CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
say() { echo "build-web: $*" >&2; }

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "python3 3.11 or later is needed (tomllib): the page was NOT built."
    exit 2
fi
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    if ! rustup target add "$target"; then
        say "cannot install the Rust target $target (rustup target add failed):"
        say "the page was NOT built."
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
    # --locked first; its lockfile can pin a dependency the index no longer offers, and
    # then the newest compatible versions are used (as scripts/check-wasm-binding.sh).
    if ! cargo install wasm-bindgen-cli --version "$version" --locked &&
        ! cargo install wasm-bindgen-cli --version "$version"; then
        say "cannot install wasm-bindgen-cli $version (cargo install failed):"
        say "the page was NOT built."
        exit 2
    fi
fi

cargo build --release -p pouch-wasm --target "$target"
pkg="$target_dir/web-pkg"
rm -rf "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" \
    "$target_dir/$target/release/pouch_wasm.wasm"
python3 scripts/build-web.py --pkg "$pkg" --out "$target_dir/web"
say "open $target_dir/web/index.html in a browser (file:// works; nothing is fetched)"
