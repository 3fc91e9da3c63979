#!/usr/bin/env python3
"""Drives the built web validator in headless Chromium through the DevTools protocol.

Loads target/web/index.html from file://, feeds it envelopes and bad inputs through its file
inputs, reads the verdicts from the DOM, runs vectors in the vectors view, uses the label
tools, checks that the page never made a network request, and saves a screenshot of each
state. Standard library only: the protocol runs over a pipe (--remote-debugging-pipe), so no
WebSocket client is needed. Every wait is bounded; the browser is killed at the end.

Usage: web-check.py --chromium BIN --page HTML --inputs DIR --shots DIR [--doc-shot PNG]
The inputs folder is made by scripts/check-web.sh (the demo PKI, envelopes, bad files).
"""

import argparse
import base64
import fcntl
import json
import os
import pathlib
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


class Failure(Exception):
    pass


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies out)."""

    def __init__(self, binary, profile):
        cmd_r, cmd_w = os.pipe()
        out_r, out_w = os.pipe()
        # Copies at 10 or above, so that the child's dup2s onto 3 and 4 cannot clobber them.
        cmd_r2 = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
        out_w2 = fcntl.fcntl(out_w, fcntl.F_DUPFD, 10)

        def child_fds():
            os.dup2(cmd_r2, 3)
            os.dup2(out_w2, 4)

        args = [
            binary,
            "--headless=new",
            "--remote-debugging-pipe",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--allow-file-access-from-files",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
            # Its own process group, so that close() can end the renderers with it.
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(profile, "chromium.log"), "wb"),
        )
        for fd in (cmd_r, out_w, cmd_r2, out_w2):
            os.close(fd)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.replies = {}
        self.events = []
        self.incoming = queue.Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, args=(out_r,), daemon=True)
        self.reader.start()

    def _read(self, fd):
        buf = b""
        with os.fdopen(fd, "rb", buffering=0) as f:
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    self.incoming.put(None)
                    return
                buf += chunk
                while b"\0" in buf:
                    msg, buf = buf.split(b"\0", 1)
                    self.incoming.put(json.loads(msg))

    def _pump(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Failure("timed out waiting for the browser")
        try:
            msg = self.incoming.get(timeout=remaining)
        except queue.Empty:
            raise Failure("timed out waiting for the browser") from None
        if msg is None:
            raise Failure("the browser closed its DevTools pipe (crashed?)")
        if "id" in msg:
            self.replies[msg["id"]] = msg
        else:
            self.events.append(msg)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while mid not in self.replies:
            self._pump(deadline)
        reply = self.replies.pop(mid)
        if "error" in reply:
            raise Failure(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def drain(self):
        while True:
            try:
                msg = self.incoming.get_nowait()
            except queue.Empty:
                return
            if msg is None:
                return
            if "id" in msg:
                self.replies[msg["id"]] = msg
            else:
                self.events.append(msg)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        # Whatever is left of this browser (a hung renderer, or all of it): killed.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


class Page:
    def __init__(self, browser):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "DOM"):
            self.send(f"{domain}.enable")

    def send(self, method, params=None, timeout=60):
        return self.b.send(method, params, self.session, timeout)

    def js(self, expression, timeout=60):
        r = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout,
        )
        if "exceptionDetails" in r:
            raise Failure(f"script error in {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expression, what, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.js(f"!!({expression})"):
                return
            time.sleep(0.1)
        raise Failure(f"timed out after {timeout} s waiting for {what}")

    def set_files(self, selector, paths):
        doc = self.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": doc, "selector": selector})["nodeId"]
        if not node:
            raise Failure(f"no element {selector}")
        self.send("DOM.setFileInputFiles", {"nodeId": node, "files": [str(p) for p in paths]})

    def viewport(self, width, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700},
        )

    def shot(self, path, selector=None):
        if selector:
            self.js(f"document.querySelector({json.dumps(selector)})?.scrollIntoView({{block: 'start'}})")
            time.sleep(0.2)
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        pathlib.Path(path).write_bytes(base64.b64decode(data))


def check(cond, message):
    if not cond:
        raise Failure(message)
    print(f"  ok: {message}")


def run(args):
    inputs = pathlib.Path(args.inputs).resolve()
    shots = pathlib.Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    url = pathlib.Path(args.page).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="pouch-web-chromium-")
    browser = Browser(args.chromium, profile)
    try:
        page = Page(browser)
        page.viewport(1280, 900)
        page.send("Page.navigate", {"url": url})
        page.wait("document.body && document.body.dataset.ready === 'true'", "the validator to start", 120)
        print(f"loaded {url}")
        check(page.js("document.getElementById('status').textContent").startswith("Ready"), "the page says it is ready")
        page.shot(shots / "01-start.png")
        unlabelled = page.js(
            "[...document.querySelectorAll('input, select, textarea')].filter(e => e.labels.length === 0).map(e => e.id)"
        )
        check(not unlabelled, f"every control has a label ({unlabelled})")

        def verify(envelope, *, bundle=False, recipient="", spif=False, detached=None, at=""):
            page.js("document.getElementById('verify-reset').click()")
            page.set_files("#in-envelope", [envelope])
            if bundle:
                page.set_files("#in-bundle", [inputs / "pki/bundle.toml"])
                page.set_files("#in-trust-folder", [inputs / "pki"])
            if detached:
                page.set_files("#in-detached", [detached])
            page.js(f"document.getElementById('in-recipient').value = {json.dumps(recipient)}")
            page.js(f"document.getElementById('in-at').value = {json.dumps(at)}")
            if spif:
                page.js("document.querySelector('#builtin-spifs input[value=\"1\"]').checked = true")
            page.js("document.getElementById('verify-result').replaceChildren()")
            page.js("document.getElementById('verify-button').click()")
            page.wait(
                "document.getElementById('verdict') || !document.getElementById('verify-error').hidden",
                "a verdict or an error",
                120,
            )

        verdict = lambda: page.js("document.getElementById('verdict')?.dataset.exitClass")  # noqa: E731
        flags = lambda: page.js(  # noqa: E731
            "Object.fromEntries([...document.querySelectorAll('[data-flag]')].map(f => [f.dataset.flag, f.dataset.value]))"
        )
        codes = lambda sel: page.js(  # noqa: E731
            f"[...document.querySelectorAll({json.dumps(sel + ' tr[data-code]')})].map(r => r.dataset.code)"
        )
        error = lambda: page.js(  # noqa: E731
            "(e => e.hidden ? null : e.textContent)(document.getElementById('verify-error'))"
        )

        # Which built-in policy is POUCH-DEMO: the check above sets box 1; make sure.
        names = page.js("[...document.querySelectorAll('#builtin-spifs label')].map(l => l.textContent)")
        check(len(names) == 2 and "POUCH-DEMO" in names[1], f"the built-in policies are offered: {names}")

        print("a valid envelope, trusted, under its policy, releasable to FIN")
        verify(inputs / "valid.cbor", bundle=True, recipient="FIN", spif=True)
        check(error() is None, f"no error ({error()})")
        check(verdict() == "0", "exit class 0 (valid)")
        check(
            flags() == {"Valid": "yes", "Trusted": "yes", "Label valid under its policy": "yes", "Releasable": "yes"},
            f"the four verdicts are yes: {flags()}",
        )
        check("seal.signature-valid" in codes("[data-seal='0']"), "seal 1 signature valid")
        check("trust.signer-trusted" in codes("[data-seal='0']"), "seal 1 signer trusted")
        check("release.permitted" in codes("#verify-result"), "release.permitted shown")
        signer = page.js("document.querySelector('[data-seal=\"0\"] dl').textContent")
        check("Norway" in signer or "NOR" in signer, "the signer is shown")
        chain = page.js(
            "[...document.querySelectorAll('[data-seal=\"0\"] table.chain tbody tr')]"
            ".map(r => [...r.cells].map(c => c.textContent))"
        )
        check(len(chain) >= 2 and "Norway" in chain[0][0] and all(a[1] == b[0] for a, b in zip(chain, chain[1:])),
              f"the signer's chain, leaf first, each issued by the next: {[c[0] for c in chain]}")
        xml = page.js("document.querySelector('#label-forms pre[data-form=xml]').textContent")
        check("urn:nato:stanag:4774:confidentialitymetadatalabel:1:0" in xml, "the label as 4774 XML")
        cbor = page.js("document.querySelector('#label-forms pre[data-form=cbor]').textContent")
        check(len(cbor) > 20 and all(c in "0123456789abcdef" for c in cbor), "the label as CBOR hex")
        markings = page.js("document.querySelector('#label-forms dl').textContent")
        check("SECRET" in markings, "the marking is shown")
        meaning = page.js("document.querySelector('tr[data-code=\"seal.signature-valid\"] td:nth-child(3)').textContent")
        check(len(meaning) > 10, f"each code has its registry meaning: {meaning!r}")
        page.shot(shots / "02-valid.png", "#verify-result")
        if args.doc_shot:
            page.viewport(1000, 760)
            page.shot(args.doc_shot, "#verify-result")
            page.viewport(1280, 900)

        print("an envelope dropped on the page")
        page.js("document.getElementById('verify-reset').click()")
        box = page.js("(r => [r.x + r.width / 2, r.y + r.height / 2])(document.getElementById('drop').getBoundingClientRect())")
        drag = {"items": [], "files": [str(inputs / "valid.cbor")], "dragOperationsMask": 1}
        for kind in ("dragEnter", "dragOver", "drop"):
            page.send("Input.dispatchDragEvent", {"type": kind, "x": box[0], "y": box[1], "data": drag})
        page.wait("document.querySelector('#drop .hint').textContent.includes('valid.cbor')", "the dropped file", 10)
        page.js("document.getElementById('verify-button').click()")
        page.wait("document.getElementById('verdict') || !document.getElementById('verify-error').hidden",
                  "a verdict or an error", 120)
        check(verdict() == "0", "the dropped envelope verifies (exit class 0)")

        print("the same envelope for a recipient it is not releasable to")
        verify(inputs / "valid.cbor", bundle=True, recipient="USA", spif=True)
        check(verdict() == "6", "exit class 6 (release denied)")
        check(flags()["Releasable"] == "no", "releasable: no")
        check("release.denied" in codes("#verify-result"), "release.denied shown")
        page.shot(shots / "03-release-denied.png", "#release-decision")

        print("without a trust bundle: valid signatures, trust not checked")
        verify(inputs / "valid.cbor")
        check(verdict() == "0", "exit class 0")
        check(flags()["Trusted"] == "na", "trusted: not checked")

        print("an envelope with two seals (NOR, endorsed by DNK)")
        verify(inputs / "endorsed.cbor", bundle=True)
        check(verdict() == "0", "exit class 0")
        check(page.js("document.querySelectorAll('[data-seal]').length") == 2, "two seals shown")
        page.shot(shots / "04-two-seals.png", "[data-seal='1']")

        print("a tampered envelope (one byte of the record flipped)")
        verify(inputs / "tampered.cbor", bundle=True)
        check(verdict() == "10", "exit class 10 (seal)")
        check(flags()["Valid"] == "no", "valid: no")
        check(flags()["Trusted"] == "no", "trusted: no (a bundle was given, the seal failed)")
        check("seal.signature-invalid" in codes("[data-seal='0']"), "seal.signature-invalid shown")
        page.shot(shots / "05-tampered.png", "#verify-result")

        print("a detached record, the right one and another")
        verify(inputs / "detached.cbor", bundle=True, detached=inputs / "record.txt")
        check(verdict() == "0", "exit class 0 with the record")
        check("payload.digest-match" in codes("#verify-result"), "payload.digest-match shown")
        verify(inputs / "detached.cbor", bundle=True, detached=inputs / "other.txt")
        check(verdict() == "11", "exit class 11 with another record")

        print("bad input: random bytes")
        verify(inputs / "random.bin")
        check(verdict() == "3", "exit class 3 (malformed)")
        # Which decode fault random bytes show depends on their first bytes (spec/03-envelope.md
        # §3.11): any envelope-stage error will do, never a verdict on seals.
        faults = [c for c in codes("#verify-result") if c.startswith("envelope.")]
        check(
            bool(faults) and "envelope.well-formed" not in faults,
            f"an envelope-stage fault is shown ({faults})",
        )
        hint = page.js("document.getElementById('malformed-hint').textContent")
        check("not a Pouch envelope" in hint, f"a clear message: {hint!r}")
        page.shot(shots / "06-random.png", "#verify-result")

        print("bad input: a label instead of an envelope")
        verify(inputs / "label.json")
        check(verdict() == "3", "exit class 3 (malformed)")
        hint = page.js("document.getElementById('malformed-hint').textContent")
        check("is a confidentiality label, not an envelope" in hint, f"says it is a label: {hint!r}")
        page.shot(shots / "07-label-as-envelope.png", "#verify-result")

        print("bad input: a 100 MiB file")
        verify(inputs / "big.bin")
        message = error()
        check(message is not None and "100.0 MiB" in message and "not read" in message, f"a clear message: {message!r}")
        page.shot(shots / "08-too-large.png", "#verify-error")

        print("the page still works after bad input")
        verify(inputs / "valid.cbor", bundle=True, recipient="FIN", spif=True)
        check(error() is None and verdict() == "0", "a valid envelope verifies again")

        print("a vector's inputs by hand: an inline-PEM bundle, a SPIF file, a clearance, a time")
        vec = pathlib.Path(args.repo) / "test-vectors/envelopes"
        page.js("document.getElementById('verify-reset').click()")
        page.set_files("#in-envelope", [vec / "env-rel-clearance-permitted/envelope.cbor"])
        page.set_files("#in-bundle", [inputs / "bundle-inline.toml"])
        page.set_files("#in-spifs", [vec / "policies/pouch-demo.spif.xml"])
        page.set_files("#in-clearance", [vec / "env-rel-clearance-permitted/clearance.json"])
        page.js("document.getElementById('in-recipient').value = 'FIN'")
        page.js("document.getElementById('in-at').value = '2026-11-28T11:00:00Z'")
        page.js("document.getElementById('verify-result').replaceChildren()")
        page.wait("document.getElementById('label-policy').options.length === 4", "the chosen SPIF to load", 30)
        page.js("document.getElementById('verify-button').click()")
        page.wait("document.getElementById('verdict') || !document.getElementById('verify-error').hidden",
                  "a verdict or an error", 120)
        check(error() is None, f"no error ({error()})")
        check(verdict() == "0", "exit class 0")
        check(flags() == {"Valid": "yes", "Trusted": "yes", "Label valid under its policy": "yes", "Releasable": "yes"},
              f"the four verdicts are yes: {flags()}")
        release = page.js("document.getElementById('release-decision').textContent")
        check("permitted" in release, f"release decision shown: {release!r}")
        page.shot(shots / "09-clearance.png", "#release-decision")

        print("the vectors view")
        page.js("document.getElementById('tab-vectors').click()")
        count = page.js("document.querySelectorAll('#vector-list li').length")
        check(count >= 100, f"every vector is listed ({count})")
        for vid in args.vectors:
            page.js(f"document.querySelector('[data-vector={json.dumps(vid)}]').click()")
            page.wait(
                f"document.getElementById('vector-detail').dataset.vector === {json.dumps(vid)} && document.getElementById('vector-verdict')",
                f"vector {vid}",
            )
            v = page.js("document.getElementById('vector-verdict').dataset.verdict")
            rows = page.js("[...document.querySelectorAll('#vector-compare tr[data-same]')].map(r => r.dataset.same)")
            reqs = page.js("document.querySelectorAll('#vector-detail .reqs li').length")
            check(v == "pass" and rows and all(r == "true" for r in rows) and reqs > 0,
                  f"{vid}: expected == actual on {len(rows)} rows, {reqs} requirements shown")
        page.shot(shots / "10-vector.png")
        if args.all_vectors:
            page.js("document.getElementById('run-all').click()")
            page.wait(
                "!document.getElementById('run-all').disabled && document.getElementById('vectors-summary').textContent",
                "every vector to run",
                600,
            )
            summary = page.js("document.getElementById('vectors-summary').textContent")
            check(page.js("document.getElementById('vectors-summary').dataset.fail") == "0", f"no vector fails: {summary}")
            page.shot(shots / "11-all-vectors.png")

        print("label tools, reached with the keyboard")
        page.js("document.getElementById('tab-labels').focus()")
        for kind in ("keyDown", "keyUp"):
            page.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                                 "windowsVirtualKeyCode": 13, "text": "\r"})
        page.wait("!document.getElementById('view-labels').hidden", "the label tools after Enter", 10)
        check(page.js("document.activeElement.id") == "h-labels", "Enter on the tab opens the view and focuses its heading")
        page.js("document.getElementById('label-example').click()")
        page.js("document.getElementById('to-xml').click()")
        out = page.js("document.getElementById('label-output')?.textContent")
        check(out and "ConfidentialityInformation" in out, "JSON to XML")
        page.js("document.getElementById('to-cbor').click()")
        hexed = page.js("document.getElementById('label-output').textContent")
        check(all(c in "0123456789abcdef" for c in hexed) and len(hexed) > 20, "JSON to CBOR hex")
        page.js(f"document.getElementById('label-text').value = {json.dumps(hexed)}")
        page.js("document.getElementById('to-json').click()")
        back = json.loads(page.js("document.getElementById('label-output').textContent"))
        check(back["confidentialityInformation"]["classification"] == "SECRET", "CBOR hex back to JSON")
        pol = page.js(
            "[...document.getElementById('label-policy').options].find(o => o.textContent.startsWith('POUCH-DEMO')).value"
        )
        page.js(f"(s => {{ s.value = {json.dumps(pol)}; s.dispatchEvent(new Event('change')); }})(document.getElementById('label-policy'))")
        page.js("document.getElementById('label-check').click()")
        checked = page.js("[...document.querySelectorAll('#label-codes tr[data-code]')].map(r => r.dataset.code)")
        check("policy.label-valid" in checked or "label.well-formed" in checked, f"checked under POUCH-DEMO: {checked}")
        langs = page.js("[...document.getElementById('label-lang').options].map(o => o.value).filter(Boolean)")
        for lang in langs:
            page.js(f"document.getElementById('label-lang').value = {json.dumps(lang)}")
            page.js("document.getElementById('label-render').click()")
            marking = page.js("document.getElementById('label-marking')?.textContent")
            check(bool(marking), f"marking in {lang}: {marking!r}")
        page.shot(shots / "12-label-tools.png")
        page.js("document.getElementById('label-text').value = '{not a label'")
        page.js("document.getElementById('label-check').click()")
        msg = page.js("(e => e.hidden ? null : e.textContent)(document.getElementById('label-error'))")
        check(msg and "label.malformed" in msg, f"a broken label is a clear error: {msg!r}")

        print("a narrow screen (390 px)")
        page.viewport(390, 844)
        page.js("document.getElementById('tab-verify').click()")
        verify(inputs / "valid.cbor", bundle=True, recipient="FIN", spif=True)
        check(verdict() == "0", "verifies at 390 px")
        width = page.js("document.documentElement.scrollWidth")
        check(width <= 392, f"no sideways scrolling at 390 px (content {width} px wide)")
        page.shot(shots / "13-narrow-verify.png", "#verify-result")
        page.js("document.getElementById('tab-vectors').click()")
        width = page.js("document.documentElement.scrollWidth")
        check(width <= 392, f"vectors view fits 390 px ({width} px)")
        page.shot(shots / "14-narrow-vectors.png")

        browser.drain()
        requests = [
            e["params"]["request"]["url"]
            for e in browser.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        others = [u for u in requests if u != url]
        check(requests and not others, f"no network request but the page itself ({len(requests)} loads of it; others: {others[:5]})")
        thrown = [e["params"] for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
        check(not thrown, f"no uncaught exception in the page ({thrown[:1]})")
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--shots", required=True)
    ap.add_argument("--doc-shot")
    ap.add_argument("--repo", default=str(pathlib.Path(__file__).resolve().parent.parent))
    ap.add_argument("--all-vectors", action="store_true", help="also run every vector in the page")
    ap.add_argument(
        "--vectors",
        nargs="*",
        default=[
            "env-alg-es256",
            "env-alg-ml-dsa-65",
            "env-tampered-payload",
            "env-detached-sha384",
            "env-signer-revoked",
            "env-pol-category-excluded",
            "env-rel-permitted-group",
            "env-rel-clearance-permitted",
        ],
    )
    args = ap.parse_args()
    # `timeout` sends SIGTERM: unwind, so that the browser is closed by run()'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("web-check: terminated"))
    try:
        run(args)
    except Failure as e:
        print(f"web-check: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
    print("web-check: every check passed")


if __name__ == "__main__":
    main()
