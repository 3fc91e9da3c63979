#!/usr/bin/env bash
# Checks that the pure-Rust crypto provider builds for wasm32-unknown-unknown (the browser
# binding's target). Usage: scripts/check-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    if ! rustup target add "$target"; then
        echo "check-wasm: cannot install the Rust target $target (rustup target add failed);" >&2
        echo "check-wasm: the wasm32 build was NOT checked." >&2
        exit 2
    fi
fi

cargo build -p pouch-crypto-rustcrypto --target "$target"
echo "check-wasm: pouch-crypto-rustcrypto builds for $target"
