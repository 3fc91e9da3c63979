#!/usr/bin/env bash
# The C binding's checks (docs/binding-c.md): build pouch-ffi, check the committed header
# for drift against cbindgen, compile the C examples and adapter with -Wall -Wextra -Werror,
# run the examples (plain and under valgrind), and run the whole vector suite through the
# C adapter. Run from anywhere; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

CBINDGEN_VERSION=0.29.4
if ! command -v cbindgen >/dev/null 2>&1 || ! cbindgen --version | grep -q "$CBINDGEN_VERSION"; then
    echo "== installing cbindgen $CBINDGEN_VERSION"
    cargo install cbindgen --locked --version "$CBINDGEN_VERSION"
fi
if ! command -v valgrind >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
    echo "== installing gcc and valgrind"
    apt-get update -qq && apt-get install -y -qq gcc valgrind >/dev/null
fi

echo "== cargo build -p pouch-ffi"
cargo build -q -p pouch-ffi

echo "== header drift (crates/pouch-ffi/include/pouch.h)"
fresh="$(mktemp)"
trap 'rm -f "$fresh"' EXIT
cbindgen --quiet --config crates/pouch-ffi/cbindgen.toml --crate pouch-ffi --output "$fresh" \
    crates/pouch-ffi
if ! diff -u crates/pouch-ffi/include/pouch.h "$fresh"; then
    echo "pouch.h is stale: run cbindgen --config crates/pouch-ffi/cbindgen.toml --crate pouch-ffi --output crates/pouch-ffi/include/pouch.h crates/pouch-ffi" >&2
    exit 1
fi

out=target/c
mkdir -p "$out"
lib=target/debug/libpouch.a
cflags=(-std=c11 -Wall -Wextra -Werror -g -Icrates/pouch-ffi/include)
# The static library needs the system libraries the Rust standard library and aws-lc use.
libs=(-lpthread -ldl -lm)

echo "== gcc examples/c/seal_verify.c examples/c/encrypt_open.c examples/c/adapter.c"
gcc "${cflags[@]}" examples/c/seal_verify.c "$lib" "${libs[@]}" -o "$out/seal_verify"
gcc "${cflags[@]}" examples/c/encrypt_open.c "$lib" "${libs[@]}" -o "$out/encrypt_open"
gcc "${cflags[@]}" examples/c/adapter.c "$lib" "${libs[@]}" -o "$out/adapter"

pki=test-vectors/envelopes/pki
label=test-vectors/labels/json/valid/full.json
echo "== run the example"
"$out/seal_verify" "$pki" "$label"

echo "== the example under valgrind"
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    "$out/seal_verify" "$pki" "$label" >/dev/null

# The encryption example needs encryption certificates: the demo coalition's, made by the
# CLI (deterministic with --seed).
echo "== the encryption example (pouch pki demo --encryption), plain and under valgrind"
cargo build -q -p pouch-cli
enc_pki="$out/pki-encryption"
rm -rf "$enc_pki"
./target/debug/pouch pki demo --seed 7 --encryption --out "$enc_pki" >/dev/null
"$out/encrypt_open" "$enc_pki"
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    "$out/encrypt_open" "$enc_pki" >/dev/null

echo "== the vector suite through the C adapter (aws-lc, then rustcrypto)"
cargo build -q -p pouch-vectors --bin pouch-vectors
adapter="$(pwd)/$out/adapter"
for provider in aws-lc rustcrypto; do
    out_dir=target/conformance-c
    [ "$provider" = aws-lc ] || out_dir="target/conformance-c-$provider"
    POUCH_ADAPTER_PROVIDER="$provider" ./target/debug/pouch-vectors conform \
        --adapter "$adapter" \
        --exceptions conformance/exceptions/reference-adapter.toml \
        --out "$out_dir"
done
echo "== C binding: all checks passed"
