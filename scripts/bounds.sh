#!/usr/bin/env bash
# Time and memory bounds of every decoder on its worst inputs (issue 7): prints, per hostile
# input class, the time per decode and the peak RSS of a process decoding only that input,
# each as a ratio to a valid input of the same size for the same decoder.
# Usage: scripts/bounds.sh [SIZE_KIB]   (default 1024; labels and ESS stay at 60 KiB)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p pouch-fuzz --example bounds
exec target/release/examples/bounds "${1:-1024}"
