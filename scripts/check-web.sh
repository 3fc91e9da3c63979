#!/usr/bin/env bash
# Builds the web validator (scripts/build-web.sh) and tests it in headless Chromium
# (scripts/web-check.py, over the DevTools protocol): demo envelopes, a tampered one, bad
# input, vectors, label tools, a narrow screen, and no network request. Installs Debian's
# chromium when missing. Screenshots of each state go to target/web-screenshots/ (a CI
# artefact); docs/web-validator.png is refreshed with POUCH_WEB_DOC_SHOT=1.
# Usage: scripts/check-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
say() { echo "check-web: $*" >&2; }

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    say "installing chromium (Debian)"
    if ! { timeout 600 apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium; }; then
        say "cannot install chromium (apt-get failed): the page was NOT tested."
        exit 2
    fi
    chromium=$(command -v chromium)
fi
"$chromium" --version >&2 || true

bash scripts/build-web.sh

# The inputs: a demo coalition valid now (the page verifies at the browser's clock),
# envelopes sealed by the host CLI, and bad files.
cargo build -q -p pouch-cli
pouch="$target_dir/debug/pouch"
work="$target_dir/web-check"
rm -rf "$work"
mkdir -p "$work"
"$pouch" pki demo --out "$work/pki" >/dev/null
cat >"$work/label.json" <<'LABEL'
{"confidentialityInformation": {"policyIdentifier": "POUCH-DEMO", "classification": "SECRET",
  "categories": [{"tagName": "Releasable To", "type": "PERMISSIVE", "values": ["FIN"]}]},
 "creationDateTime": "2026-11-28T09:30:00Z"}
LABEL
printf 'the record: exercise plan, unique marker 7f3a\n' >"$work/record.txt"
printf 'the record: exercise plan, unique marker 7f3b\n' >"$work/other.txt"
nor=(--key "$work/pki/NOR/signer-ES384.key.pem" --cert "$work/pki/NOR/signer-ES384.pem")
dnk=(--key "$work/pki/DNK/signer-ES384.key.pem" --cert "$work/pki/DNK/signer-ES384.pem")
"$pouch" seal --label "$work/label.json" "${nor[@]}" -o "$work/valid.cbor" "$work/record.txt"
"$pouch" endorse "${dnk[@]}" -o "$work/endorsed.cbor" "$work/valid.cbor"
"$pouch" seal --label "$work/label.json" "${nor[@]}" --detached --digest sha384 \
    -o "$work/detached.cbor" "$work/record.txt"
# Tampered: the last byte of the embedded record ("a" of 7f3a) becomes "b".
python3 - "$work/valid.cbor" "$work/tampered.cbor" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find(b"unique marker 7f3a")
assert at > 0, "the record is not in the envelope"
data[at + len("unique marker 7f3")] ^= 0x03
open(sys.argv[2], "wb").write(data)
PY
# The vectors' trust bundle with every certificate and CRL inline (PEM): one file, no others.
python3 - test-vectors/envelopes/pki/bundle.toml "$work/bundle-inline.toml" <<'PY'
import pathlib, re, sys
src = pathlib.Path(sys.argv[1])
def inline(m):
    pem = (src.parent / m.group(1)).read_text().strip()
    return "'''\n" + pem + "\n'''"
text = re.sub(r'"([A-Z]{3}/[^"]+\.(?:pem|crl))"', inline, src.read_text())
pathlib.Path(sys.argv[2]).write_text(text)
PY
head -c 4096 /dev/urandom >"$work/random.bin"
# 100 MiB, sparse: the page must refuse it by its size without reading it.
truncate -s 100M "$work/big.bin"

doc_shot=()
if [ "${POUCH_WEB_DOC_SHOT:-0}" = 1 ]; then
    doc_shot=(--doc-shot docs/web-validator.png)
fi
rm -rf "$target_dir/web-screenshots"
timeout 1200 python3 scripts/web-check.py --chromium "$chromium" \
    --page "$target_dir/web/index.html" --inputs "$work" \
    --shots "$target_dir/web-screenshots" --all-vectors "${doc_shot[@]}"
say "passed; screenshots in $target_dir/web-screenshots"
