#!/usr/bin/env bash
# The Python binding from a clean slate: a new virtual environment under target/, maturin
# and pytest from PyPI, the abi3 wheel built and installed, the pytest suite, then every
# envelope vector through the Python conformance adapter.
#
#   scripts/check-python.sh            # debug wheel (dependencies still at opt-level 2)
#   scripts/check-python.sh --release  # release wheel, as one would publish
#
# Needs CPython >= 3.9 with venv and pip (PYTHON=... picks the interpreter) and cargo.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
profile=()
if [[ "${1:-}" == "--release" ]]; then
    profile=(--release)
fi

venv="$root/target/python-venv"
wheels="$root/target/python-wheels"
rm -rf "$venv" "$wheels"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" "pytest>=7"

echo "== building the wheel (maturin build ${profile[*]:-(debug)})"
"$venv/bin/maturin" build --quiet -m crates/pouch-py/Cargo.toml "${profile[@]}" --strip \
    --interpreter "$venv/bin/python" --out "$wheels"
"$venv/bin/python" -m pip install --quiet --no-index --force-reinstall "$wheels"/pouch-*.whl

# The tests make their demo PKI with the CLI (`pouch pki demo`).
cargo build --quiet -p pouch-cli -p pouch-vectors
export POUCH_BIN="$root/target/debug/pouch"

echo "== pytest"
(cd crates/pouch-py && "$venv/bin/python" -m pytest -q tests)

# The adapter's shebang is `/usr/bin/env python3`: the venv's, first on PATH.
for provider in aws-lc rustcrypto; do
    echo "== conformance through the Python adapter ($provider)"
    PATH="$venv/bin:$PATH" POUCH_ADAPTER_PROVIDER="$provider" \
        "$root/target/debug/pouch-vectors" conform \
        --adapter "$root/crates/pouch-py/adapter/pouch_adapter.py" \
        --exceptions conformance/exceptions/reference-adapter.toml \
        --out "target/conformance-py/$provider"
done
