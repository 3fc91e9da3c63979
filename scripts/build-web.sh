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
# shellcheck source=scripts/wasm-tools.sh
source scripts/wasm-tools.sh
ensure_wasm_tools "the page"

cargo build --release -p pouch-wasm --target "$target"
pkg="$target_dir/web-pkg"
rm -rf "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" \
    "$target_dir/$target/release/pouch_wasm.wasm"
python3 scripts/build-web.py --pkg "$pkg" --out "$target_dir/web"
say "open $target_dir/web/index.html in a browser (file:// works; nothing is fetched)"
