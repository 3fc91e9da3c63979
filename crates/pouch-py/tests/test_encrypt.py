"""Encryption through the Python binding (spec/10-encryption.md): sealing to the nations
release permits, bytes and file-like objects streamed, typed refusals, opening, wrong keys,
and no plaintext released on failure. The PKI is `pouch pki demo --encryption`'s."""

import io
import subprocess

import pytest

import pouch
from conftest import AT, POLICIES, SIGNED, pouch_bin

XWING, P384, MLKEM = "HPKE-XWING-KE", "HPKE-1-KE", "HPKE-MLKEM1024-KE"

# SECRET under the demo policy, releasable to Denmark and the Netherlands only.
LABEL = (
    b'{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO",'
    b'"classification":"SECRET","categories":[{"tagName":"Releasable To",'
    b'"type":"PERMISSIVE","values":["DNK","NLD"]}]},'
    b'"creationDateTime":"2026-11-28T09:15:00Z"}'
)
# More than one 64 KiB chunk, so that chunking and its order are exercised.
RECORD = bytes(range(256)) * 1000


@pytest.fixture(scope="module")
def epki(tmp_path_factory):
    out = tmp_path_factory.mktemp("epki") / "demo"
    subprocess.run(
        [pouch_bin(), "pki", "demo", "--out", str(out), "--seed", "7", "--encryption"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


class Party:
    def __init__(self, pki, nation, kem):
        self.chain = (pki / nation / f"encrypt-{kem}.pem").read_bytes()
        self.key = (pki / nation / f"encrypt-{kem}.key.pem").read_bytes()


@pytest.fixture(scope="module")
def world(epki):
    class World:
        trust = pouch.TrustBundle.load(epki / "bundle.toml")
        policy = pouch.Policy.load((POLICIES / "pouch-demo.spif.xml").read_bytes())
        key = (epki / "NOR" / "signer-ES384.key.pem").read_bytes()
        chain = (epki / "NOR" / "signer-ES384.pem").read_bytes()
        dnk = Party(epki, "DNK", XWING)
        nld = Party(epki, "NLD", P384)
        nor = Party(epki, "NOR", MLKEM)

        def context(self, provider=None):
            c = pouch.VerifyContext(provider)
            c.set_trust_file(epki / "bundle.toml")
            c.set_at(AT)
            c.add_policy(self.policy)
            return c

        def seal(self, record, recipients, **kw):
            return pouch.seal_encrypted(
                LABEL,
                record,
                self.key,
                self.chain,
                [r.chain for r in recipients],
                self.trust,
                self.policy,
                signing_time=SIGNED,
                **kw,
            )

    return World()


@pytest.mark.parametrize("provider", pouch.provider_names())
def test_sealed_to_two_nations_each_opens_it(world, provider):
    env = world.seal(RECORD, [world.dnk, world.nld], provider=provider)
    ctx = world.context(provider)
    # A gateway without any key verifies and decides release on the encrypted envelope.
    assert ctx.verify(env).exit_class == 0
    for party, nation in ((world.dnk, "DNK"), (world.nld, "NLD")):
        opened = ctx.open(env, party.key, party.chain)
        assert opened.ok and opened.exit_class == 0 and opened.nation == nation
        assert opened.plaintext == RECORD and opened.written == len(RECORD)
        assert opened.report.has("decrypt.plaintext-authentic")
        assert opened.report.to_dict()["decrypt"][0]["code"] == "decrypt.plaintext-authentic"


def test_a_refused_nation_raises_a_typed_error_of_exit_class_6(world):
    with pytest.raises(pouch.ReleaseDeniedError) as info:
        world.seal(RECORD, [world.dnk, world.nor])
    e = info.value
    assert isinstance(e, pouch.PouchError)
    assert e.code.startswith("release.") and e.exit_class == 6
    assert "NOR" in e.message
    # Forced, it is sealed; NOR's own opening is still denied release (6), nothing out.
    env = world.seal(RECORD, [world.dnk, world.nor], force_release=["NOR"])
    opened = world.context().open(env, world.nor.key, world.nor.chain)
    assert not opened.ok and opened.exit_class == 6 and opened.plaintext is None
    assert opened.report.to_dict()["decrypt"] == []


def test_a_wrong_key_gets_the_decrypt_code_and_no_plaintext(world, tmp_path):
    env = world.seal(RECORD, [world.dnk, world.nld])
    ctx = world.context()
    # Denmark's certificate with the Netherlands' key.
    opened = ctx.open(env, world.nld.key, world.dnk.chain)
    assert not opened.ok and opened.exit_class == 11 and opened.plaintext is None
    codes = [c["code"] for c in opened.report.to_dict()["decrypt"]]
    assert len(codes) == 1 and codes[0].startswith("decrypt.")
    assert codes[0] != "decrypt.plaintext-authentic"
    # Into a path: no file afterwards, and no partial file left beside it.
    out = tmp_path / "plain.bin"
    opened = ctx.open(env, world.nld.key, world.dnk.chain, out=out)
    assert not opened.ok and not out.exists() and list(tmp_path.iterdir()) == []
    # Into a stream: nothing written at all, since the key never unwrapped.
    sink = io.BytesIO()
    assert not ctx.open(env, world.nld.key, world.dnk.chain, out=sink).ok
    assert sink.getvalue() == b""


def test_detached_streams_through_file_like_objects(world, tmp_path):
    ct = tmp_path / "record.ct"
    with ct.open("wb") as f:
        env = world.seal(io.BytesIO(RECORD), [world.dnk], ciphertext=f)
    assert RECORD[:1024] not in ct.read_bytes()
    ctx = world.context()
    out = tmp_path / "plain.bin"
    with ct.open("rb") as f:
        opened = ctx.open(env, world.dnk.key, world.dnk.chain, payload=f, out=out)
    assert opened.ok and out.read_bytes() == RECORD
    sink = io.BytesIO()
    opened = ctx.open(env, world.dnk.key, world.dnk.chain, payload=ct.read_bytes(), out=sink)
    assert opened.ok and sink.getvalue() == RECORD
    # A truncated ciphertext fails its sealed digest (11) before any decryption.
    out.unlink()
    cut = ct.read_bytes()[:-100]
    opened = ctx.open(env, world.dnk.key, world.dnk.chain, payload=io.BytesIO(cut), out=out)
    assert not opened.ok and opened.exit_class == 11 and not out.exists()
    assert opened.report.has("payload.digest-mismatch")


def test_a_holder_adds_a_recipient_release_permits(world):
    env = world.seal(RECORD, [world.dnk])
    added = pouch.add_recipient(
        env, world.dnk.key, world.dnk.chain, world.nld.chain, world.trust, world.policy, at=AT
    )
    opened = world.context().open(added, world.nld.key, world.nld.chain)
    assert opened.ok and opened.plaintext == RECORD
    with pytest.raises(pouch.ReleaseDeniedError) as info:
        pouch.add_recipient(
            env, world.dnk.key, world.dnk.chain, world.nor.chain, world.trust, world.policy, at=AT
        )
    assert info.value.exit_class == 6


def test_bad_keys_chains_and_untrusted_certificates_raise_typed_errors(world, signer):
    env = world.seal(RECORD, [world.dnk])
    ctx = world.context()
    with pytest.raises(pouch.PrivateKeyError):
        ctx.open(env, b"not a key", world.dnk.chain)
    with pytest.raises(pouch.CertificateError):
        ctx.open(env, world.dnk.key, b"")
    # A signing certificate chains, but is no encryption certificate (keyUsage).
    with pytest.raises(pouch.TrustError) as info:
        ctx.open(env, world.dnk.key, signer("DNK").chain)
    assert info.value.exit_class == 13
    with pytest.raises(pouch.ArgumentError):
        pouch.VerifyContext().open(env, world.dnk.key, world.dnk.chain)
    with pytest.raises(TypeError):
        ctx.open(env, world.dnk.key, world.dnk.chain, payload=42)


def test_verifier_options(world):
    env = world.seal(RECORD, [world.dnk])
    ctx = world.context()
    ctx.set_allowed_algs(["EdDSA"])
    r = ctx.verify(env)
    assert r.has("seal.alg-not-allowed") and r.exit_class == 10
    ctx.set_allowed_algs("ES384, ML-DSA-65")
    assert ctx.verify(env).exit_class == 0
    ctx.set_allowed_algs(None)
    ctx.set_require_current_validity(True)
    assert ctx.verify(env).exit_class == 0
    ctx.set_max_chain(1)
    assert ctx.verify(env).has("seal.header-limit-exceeded")
    ctx.set_max_chain(None)
    with pytest.raises(pouch.ArgumentError):
        ctx.set_allowed_algs("ES999")
    assert set(pouch.kem_names()) == {XWING, P384, MLKEM}
    features = pouch.adapter_features()
    for f in ("open", "allowed-algs", "current-validity", "max-chain"):
        assert f in features
    assert {f"kem:{k}" for k in pouch.kem_names()} <= set(features)
