#!/usr/bin/env python3
"""Assembles the web validator (web/) into one self-contained HTML file.

Chromium refuses to fetch() a .wasm or to load a module script from file://, so everything
is inlined: the stylesheet, the data the page needs (the status-code registry, the envelope
vectors with their files, the demo SPIFs), the wasm-bindgen `--target web` glue with the
wasm bytes as base64, and the page's script, in one inline module. The page then works from
file:// or any static host, offline.

Usage: build-web.py --pkg DIR (wasm-bindgen output) --out DIR
Called by scripts/build-web.sh; standard library only (tomllib: Python 3.11 or later).
"""

import argparse
import base64
import json
import pathlib
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("build-web: Python 3.11 or later is needed (tomllib)")

REPO = pathlib.Path(__file__).resolve().parent.parent
WEB = REPO / "web"
VECTORS = REPO / "test-vectors" / "envelopes"
# The files a vector may name: envelopes, records, bundles and what they name, SPIFs,
# clearances. Private keys are never an input of verification and stay out of the page.
SKIP_SUFFIXES = (".key.pem",)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def registry():
    doc = tomllib.loads((REPO / "spec/registries/status-codes.toml").read_text("utf-8"))
    return [
        {k: c.get(k) for k in ("id", "stage", "severity", "requirements", "description")}
        for c in doc["code"]
    ]


def vectors():
    manifest = tomllib.loads((VECTORS / "manifest.toml").read_text("utf-8"))
    files = {}
    for path in sorted(VECTORS.rglob("*")):
        if path.is_file() and path.name != "manifest.toml" and not path.name.endswith(SKIP_SUFFIXES):
            files[path.relative_to(VECTORS).as_posix()] = b64(path.read_bytes())
    exceptions_path = REPO / "conformance/exceptions/reference-adapter.toml"
    exceptions = tomllib.loads(exceptions_path.read_text("utf-8")).get("exception", [])
    return {
        "vectors": manifest["vector"],
        "files": files,
        "exceptions": [e for e in exceptions if not e.get("id", "").startswith("mal-")],
    }


def policies():
    folder = REPO / "crates/pouch-policy/policies"
    return [{"name": p.name, "bytes": b64(p.read_bytes())} for p in sorted(folder.glob("*.xml"))]


def script_safe(text: str) -> str:
    """Text that cannot end the <script> element it is inlined in."""
    return text.replace("</", "<\\/")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pkg", required=True, type=pathlib.Path)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    args = ap.parse_args()

    glue = (args.pkg / "pouch_wasm.js").read_text("utf-8")
    wasm = (args.pkg / "pouch_wasm_bg.wasm").read_bytes()
    if "__wbg_init" not in glue:
        sys.exit("build-web: the wasm-bindgen glue has no __wbg_init (not --target web?)")
    data = {"registry": registry(), "conformance": vectors(), "policies": policies()}
    data_json = script_safe(json.dumps(data, separators=(",", ":")))

    app = (WEB / "app.js").read_text("utf-8")
    # One module: the glue's exports stay legal (unused), its names stay out of the page's
    # block, and top-level await instantiates the wasm asynchronously (a synchronous compile
    # of a large module on the main thread is refused by some browsers).
    module = "\n".join(
        [
            glue,
            f'const POUCH_WASM_BASE64 = "{b64(wasm)}";',
            "{",
            app,
            "}",
        ]
    )
    html = (WEB / "index.html").read_text("utf-8")
    parts = {
        "<!-- @STYLE -->": "<style>\n" + (WEB / "style.css").read_text("utf-8") + "</style>",
        "<!-- @DATA -->": f'<script type="application/json" id="pouch-data">{data_json}</script>',
        "<!-- @SCRIPT -->": '<script type="module">\n' + script_safe(module) + "\n</script>",
    }
    for marker, content in parts.items():
        if html.count(marker) != 1:
            sys.exit(f"build-web: web/index.html must hold {marker} exactly once")
        html = html.replace(marker, content)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / "index.html"
    out.write_text(html, "utf-8")
    print(
        f"build-web: {out} ({len(html.encode()) >> 10} KiB: wasm {len(wasm) >> 10} KiB, "
        f"{len(data['conformance']['vectors'])} vectors, {len(data['registry'])} status codes)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
