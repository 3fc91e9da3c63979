#!/usr/bin/env bash
# Envelopes made by other tools: a PKI made with the `openssl` command and envelopes made with
# pycose from the spec's text, verified by `pouch verify`; and an envelope `pouch seal` makes
# with the openssl key, verified by pycose (scripts/interop/pycose_envelopes.py).
#
# Needs CPython >= 3.9 with venv and pip, the openssl command and cargo. pycose 1.1.0 decodes
# with cbor2 5 (cbor2 6 returns arrays as tuples, which pycose 1.1.0 does not take), so both
# are pinned.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
venv="$root/target/interop-venv"
work="$root/target/interop"
rm -rf "$venv" "$work"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet "pycose==1.1.0" "cbor2==5.6.5"
cargo build --quiet -p pouch-cli
"$venv/bin/python" scripts/interop/pycose_envelopes.py "$root/target/debug/pouch" "$work"
