"""Seal, verify, tamper, trust and seal policies through the binding."""

import hashlib
import json
import threading

import pytest

import pouch
from conftest import AT, DEMO_SECRET, ROOT, SIGNED

LABEL = (ROOT / "test-vectors" / "labels" / "json" / "valid" / "full.json").read_bytes()
RECORD = b"the record, moved between nations"


def seal(s, payload=RECORD, label=LABEL, **kw):
    return pouch.seal(label, payload, s.key, s.chain, signing_time=SIGNED, **kw)


def registry_ids():
    tomllib = pytest.importorskip("tomllib")
    with open(ROOT / "spec" / "registries" / "status-codes.toml", "rb") as f:
        reg = tomllib.load(f)
    ids = set()

    def walk(v):
        if isinstance(v, dict):
            if isinstance(v.get("id"), str):
                ids.add(v["id"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(reg)
    assert ids, "no ids found in the registry"
    return ids


def test_seal_then_verify_is_valid_and_trusted(signer, ctx):
    env = seal(signer())
    assert isinstance(env, bytes)
    assert env[:2] == b"\xd8\x62", "a tagged COSE_Sign (tag 98) starts d8 62"
    r = ctx.verify(env)
    assert r.is_valid and r.signatures_valid and r.signers_trusted
    assert r.exit_class == 0
    (s,) = r.seals
    assert s.index == 0 and s.algorithm == "ES384" and s.role == "originator"
    assert s.nation == "NOR" and s.signature_valid and s.signer_trusted
    assert "seal.signature-valid" in s.codes and "trust.signer-trusted" in s.trust
    assert json.loads(r.json) == r.to_dict()
    assert r.has("envelope.well-formed") and not r.has("seal.signature-invalid")


def test_every_code_a_report_gives_is_in_the_registry(signer, ctx):
    ids = registry_ids()
    env = seal(signer())
    for r in (ctx.verify(env), ctx.verify(env[:-1]), pouch.VerifyContext().verify(env)):
        assert r.codes and set(r.codes) <= ids, r.json


def test_without_a_bundle_no_trust_stage_runs(signer):
    c = pouch.VerifyContext("rustcrypto")
    c.set_at(AT)
    r = c.verify(seal(signer()))
    assert r.is_valid and not r.signers_trusted
    assert r.seals[0].trust == [] and r.exit_class == 0
    assert c.provider_name == "RustCrypto"


@pytest.mark.parametrize("kind", ["ES384", "EdDSA", "ML-DSA-65"])
@pytest.mark.parametrize("provider", pouch.provider_names())
def test_each_algorithm_with_each_provider(signer, pki, kind, provider):
    env = seal(signer("DNK", kind), provider=provider)
    c = pouch.VerifyContext(provider)
    c.set_trust_file(pki / "bundle.toml")
    c.set_at(AT)
    r = c.verify(env)
    assert r.exit_class == 0 and r.signers_trusted, r.json
    assert r.seals[0].algorithm == kind


def test_a_flipped_payload_byte_breaks_the_signature(signer, ctx):
    env = bytearray(seal(signer()))
    at = env.find(RECORD)
    assert at > 0
    env[at] ^= 0x01
    r = ctx.verify(bytes(env))
    assert not r.is_valid and r.exit_class == 10  # spec §7.4: seal
    assert "seal.signature-invalid" in r.seals[0].codes


def test_a_flipped_label_byte_breaks_the_signature(signer, ctx):
    env = bytearray(seal(signer()))
    at = env.find(b"CONFIDENTIAL")
    assert at > 0
    env[at : at + 12] = b"CONFIDENTIAM"
    r = ctx.verify(bytes(env))
    assert r.exit_class == 10 and r.has("seal.signature-invalid"), r.json


def test_every_truncation_is_malformed_never_an_exception(signer, ctx):
    env = seal(signer())
    for n in range(0, len(env), 7):
        r = ctx.verify(env[:n])
        assert r.exit_class == 3, (n, r.json)  # spec §7.4: malformed
        assert r.seals == []


def test_detached_payload_digest_and_mismatch(signer, ctx):
    env = seal(signer(), detached=True, content_type="text/plain")
    info = pouch.inspect(env)
    assert info["content"]["payload"] == "detached"
    assert info["content"]["digest"] == hashlib.sha256(RECORD).hexdigest()
    assert info["content"]["contentType"] == "text/plain"
    assert RECORD not in env
    ok = ctx.verify(env, RECORD)
    assert ok.exit_class == 0 and ok.has("payload.digest-match")
    bad = ctx.verify(env, RECORD + b"!")
    assert bad.exit_class == 11 and bad.has("payload.digest-mismatch")  # §7.4: payload
    env384 = seal(signer(), detached=True, digest="sha384")
    assert pouch.inspect(env384)["content"]["digest"] == hashlib.sha384(RECORD).hexdigest()


def test_detached_payload_streams_from_a_file_like_object(signer, ctx):
    import io

    class Counting(io.BytesIO):
        calls = 0

        def read(self, n=-1):
            assert 0 < n <= 1 << 20, n  # asked in bounded pieces, never "read it all"
            Counting.calls += 1
            return super().read(n)

    record = bytes(range(256)) * 4096  # 1 MiB
    env = seal(signer(), payload=record, detached=True)
    ok = ctx.verify(env, Counting(record))
    assert ok.exit_class == 0 and ok.has("payload.digest-match"), ok.json
    assert Counting.calls > 1
    bad = ctx.verify(env, io.BytesIO(record[:-1] + b"!"))
    assert bad.exit_class == 11 and bad.has("payload.digest-mismatch")
    with pytest.raises(TypeError):
        ctx.verify(env, 42)


def test_inspect_says_what_was_sealed(signer):
    env = seal(signer(), content_type="application/octet-stream")
    info = pouch.inspect(env)
    assert info["content"] == {
        "payload": "embedded",
        "bytes": len(RECORD),
        "contentType": "application/octet-stream",
    }
    assert info["label"] == json.loads(pouch.label_convert(LABEL, "json"))
    assert len(info["envelopeId"]) == 32
    (s,) = info["seals"]
    assert (s["algorithm"], s["role"], s["certificates"]) == ("ES384", "originator", 2)
    assert s["signingTime"] == SIGNED and "Norway" in s["signer"]


def test_a_signer_of_an_untrusted_nation_fails_trust(signer, pki):
    # A bundle that trusts DNK only: NOR's valid signature is not trusted.
    files = {"DNK/root.pem": (pki / "DNK" / "root.pem").read_bytes()}
    c = pouch.VerifyContext()
    c.set_trust('format = 1\n[[nation]]\ncode = "DNK"\ncountry = "DK"\n'
                'anchors = ["DNK/root.pem"]\n', files)
    c.set_at(AT)
    r = c.verify(seal(signer("NOR")))
    assert r.signatures_valid and not r.is_valid and not r.signers_trusted
    assert r.exit_class == 13, r.json  # §7.4: trust
    c.clear_trust()
    assert c.verify(seal(signer("NOR"))).exit_class == 0


@pytest.mark.parametrize("bad", ["revoked", "expired", "no-digital-signature"])
def test_bad_signers_are_not_trusted(signer, ctx, bad):
    env = seal(signer("NOR", f"bad-{bad}"))
    r = ctx.verify(env)
    assert r.seals[0].signature_valid, r.json
    assert r.exit_class == 13 and not r.seals[0].signer_trusted, r.json


def test_hybrid_and_nations_seal_policies_with_an_endorsement(signer, ctx):
    env = seal(signer("NOR", "ES384"))
    ctx.set_seal_policy("hybrid")
    assert ctx.verify(env).exit_class == 12  # one classical seal: §7.4 seal-policy
    ctx.set_seal_policy("nations:2:NOR,DNK")
    assert ctx.verify(env).exit_class == 12
    both = pouch.endorse(
        env, signer("DNK", "ML-DSA-65").key, signer("DNK", "ML-DSA-65").chain,
        signing_time=AT, release_to=["FIN", " SWE "],
    )
    assert both.startswith(env[:8]) and len(both) > len(env)
    for policy in ("hybrid", "nations:2:NOR,DNK", "all"):
        ctx.set_seal_policy(policy)
        r = ctx.verify(both)
        assert r.exit_class == 0 and r.has("seal-policy.satisfied"), (policy, r.json)
    assert [s.role for s in r.seals] == ["originator", "endorser"]
    assert [s.nation for s in r.seals] == ["NOR", "DNK"]
    assert pouch.inspect(both)["seals"][1]["releaseTo"] == ["FIN", "SWE"]


def test_one_context_verifies_from_many_threads(signer, ctx):
    envs = [seal(signer()), seal(signer())[:-3]]
    want = [ctx.verify(e).json for e in envs]
    got, errors = [], []

    def work():
        try:
            for _ in range(5):
                got.append([ctx.verify(e).json for e in envs])
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(got) == 20 and all(g == want for g in got)


def test_a_seal_under_the_demo_policy_is_label_valid(signer, ctx, demo_policy):
    env = seal(signer(), label=DEMO_SECRET)
    ctx.add_policy(demo_policy)
    r = ctx.verify(env)
    assert r.label_valid is True and r.exit_class == 0, r.json
    assert r.to_dict()["policy"][0]["policy"] == "POUCH-DEMO"
