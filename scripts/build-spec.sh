#!/usr/bin/env bash
# Renders the specification (spec/, mdBook) into target/spec-book/ and fails on any chapter
# missing from spec/SUMMARY.md. Installs mdbook from crates.io if it is not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mdbook >/dev/null 2>&1; then
    echo "mdbook not found: installing it with cargo install mdbook --locked" >&2
    if ! cargo install mdbook --locked --quiet; then
        echo "error: could not install mdbook (is crates.io reachable?); the specification was not built" >&2
        exit 1
    fi
fi

# Every chapter file must be in the book: a chapter left out of SUMMARY.md would not render.
missing=0
for f in spec/*.md; do
    name="$(basename "$f")"
    [ "$name" = SUMMARY.md ] && continue
    if ! grep -q "($name)" spec/SUMMARY.md; then
        echo "error: spec/$name is not listed in spec/SUMMARY.md" >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1

mdbook build spec
echo "specification rendered: target/spec-book/index.html" >&2
