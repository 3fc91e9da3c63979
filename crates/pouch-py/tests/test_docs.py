"""docs/binding-python.md's example runs as written, and the adapter keeps its protocol."""

import json
import re
import subprocess
import sys

from conftest import ROOT, make_demo_pki

ADAPTER = ROOT / "crates" / "pouch-py" / "adapter" / "pouch_adapter.py"
VECTORS = ROOT / "test-vectors" / "envelopes"


def test_the_documented_example_runs(tmp_path, monkeypatch, capsys):
    doc = (ROOT / "docs" / "binding-python.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert len(blocks) == 1
    make_demo_pki(tmp_path / "demo-pki")
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], "binding-python.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "SECRET Releasable To COALITION, FIN"
    assert json.loads(out[1])["release"]["codes"][-1]["code"] == "release.permitted"


def adapter(*args):
    return subprocess.run(
        [sys.executable, str(ADAPTER), *args], capture_output=True, text=True
    )


def test_adapter_features_are_the_bindings():
    import pouch

    r = adapter("features")
    assert r.returncode == 0
    f = json.loads(r.stdout)
    # Everything the binding implements, except the malformed corpus (left to the C run).
    assert f == [x for x in pouch.adapter_features() if x != "malformed"]
    assert "malformed" in pouch.adapter_features()
    assert {"envelope", "trust", "policy", "release", "alg:ES384"} <= set(f)


def test_adapter_verify_prints_the_report_and_exits_with_its_class():
    import pouch

    env = VECTORS / "env-rel-permitted-direct" / "envelope.cbor"
    # USA is neither named in the label nor a member of the demo SPIF's COALITION.
    assert "USA" not in pouch.inspect(env.read_bytes())["marking"]
    r = adapter(
        "verify", "--envelope", str(env), "--trust", str(VECTORS / "pki" / "bundle.toml"),
        "--at", "2026-11-28T11:00:00Z",
        "--policy", str(VECTORS / "policies" / "pouch-demo.spif.xml"),
        "--recipient", "USA",
    )
    report = json.loads(r.stdout)
    assert report["release"]["codes"][-1]["code"] == "release.denied"
    assert r.returncode == 6  # spec §7.4: release-denied


def test_adapter_usage_and_input_errors_print_nothing():
    env = str(VECTORS / "env-rel-permitted-direct" / "envelope.cbor")
    for args, status in [
        ((), 2),
        (("verify",), 2),
        (("verify", "--envelope", env, "--frobnicate", "x"), 2),
        (("verify", "--envelope", env, "--clearance", env), 2),
        (("verify", "--envelope", env, "--seal-policy", "most"), 2),
        (("verify", "--envelope", env, "--policy", "/nonexistent.xml"), 4),
        (("verify", "--envelope", env, "--policy", env), 4),
        (("verify", "--envelope", "/nonexistent.cbor"), 4),
    ]:
        r = adapter(*args)
        assert (r.returncode, r.stdout) == (status, ""), (args, r)
        assert r.stderr.strip() and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
