"""Shared fixtures: the repository's paths and a demo PKI made by the `pouch` CLI."""

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
POLICIES = ROOT / "crates" / "pouch-policy" / "policies"
SIGNED = "2026-11-28T10:00:00Z"
AT = "2026-11-28T11:00:00Z"

# A SECRET label under the demo policy, releasable to the COALITION group and to FIN.
DEMO_SECRET = (
    b'{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO",'
    b'"classification":"SECRET","categories":[{"tagName":"Releasable To",'
    b'"type":"PERMISSIVE","values":["COALITION","FIN"]}]},'
    b'"creationDateTime":"2026-11-28T09:00:00Z"}'
)


def pouch_bin():
    """The `pouch` CLI: $POUCH_BIN, else the workspace's debug build, else PATH."""
    for candidate in (
        os.environ.get("POUCH_BIN"),
        str(ROOT / "target" / "debug" / "pouch"),
        shutil.which("pouch"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("no pouch CLI: build it (cargo build -p pouch-cli) or set POUCH_BIN")


def make_demo_pki(out):
    subprocess.run(
        [pouch_bin(), "pki", "demo", "--out", str(out), "--seed", "7"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """The demo coalition (NOR, DNK, NLD) of `pouch pki demo --seed 7`."""
    return make_demo_pki(tmp_path_factory.mktemp("pki") / "demo")


@pytest.fixture(scope="session")
def demo_policy():
    import pouch

    return pouch.Policy.load((POLICIES / "pouch-demo.spif.xml").read_bytes())


class Signer:
    def __init__(self, pki, nation, kind="ES384"):
        self.key = (pki / nation / f"signer-{kind}.key.pem").read_bytes()
        self.chain = (pki / nation / f"signer-{kind}.pem").read_bytes()


@pytest.fixture(scope="session")
def signer(pki):
    return lambda nation="NOR", kind="ES384": Signer(pki, nation, kind)


@pytest.fixture
def ctx(pki):
    """A context trusting the demo bundle, at a time the demo certificates are valid."""
    import pouch

    c = pouch.VerifyContext()
    c.set_trust_file(pki / "bundle.toml")
    c.set_at(AT)
    return c
