"""Bad input raises typed exceptions carrying the stable code; nothing panics."""

import pytest

import pouch
from conftest import DEMO_SECRET, ROOT, SIGNED

SUBCLASSES = {
    pouch.ArgumentError: "argument",
    pouch.PrivateKeyError: "key",
    pouch.CertificateError: "certificate",
    pouch.TrustBundleError: "trust-bundle",
    pouch.SpifError: "spif",
    pouch.ClearanceError: "clearance",
    pouch.LabelPolicyError: "label-policy",
    pouch.CryptoError: "crypto",
    pouch.InternalError: "internal",
    pouch.LabelError: "label.",
    pouch.EnvelopeError: "envelope.",
    pouch.SealError: "seal.",
}


def raises(cls, code, fn, *args, **kw):
    with pytest.raises(cls) as info:
        fn(*args, **kw)
    e = info.value
    assert isinstance(e, pouch.PouchError)
    assert e.code == code and e.message and str(e).startswith(code), (e.code, str(e))
    return e


def test_every_class_is_a_pouch_error():
    for cls in SUBCLASSES:
        assert issubclass(cls, pouch.PouchError) and cls is not pouch.PouchError
    assert issubclass(pouch.PouchError, Exception)


def test_sealing_with_bad_inputs(signer):
    s = signer()
    raises(pouch.LabelError, "label.malformed", pouch.seal, b"{", b"r", s.key, s.chain)
    raises(pouch.PrivateKeyError, "key", pouch.seal, DEMO_SECRET, b"r", b"not a key", s.chain)
    raises(pouch.CertificateError, "certificate", pouch.seal, DEMO_SECRET, b"r", s.key, b"")
    raises(pouch.CertificateError, "certificate", pouch.seal, DEMO_SECRET, b"r", s.key,
           b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n")
    for kw in ({"provider": "nope"}, {"role": "king"}, {"alg": "ROT13"},
               {"signing_time": "yesterday"}, {"detached": True, "digest": "md5"}):
        raises(pouch.ArgumentError, "argument", pouch.seal, DEMO_SECRET, b"r", s.key, s.chain, **kw)
    with pytest.raises(TypeError):
        pouch.seal(DEMO_SECRET.decode(), b"r", s.key, s.chain)


def test_endorsing_a_tampered_envelope_is_refused_with_its_code(signer):
    s = signer()
    env = bytearray(pouch.seal(DEMO_SECRET, b"the record", s.key, s.chain, signing_time=SIGNED))
    env[env.find(b"the record")] ^= 1
    raises(pouch.SealError, "seal.signature-invalid", pouch.endorse, bytes(env), s.key, s.chain)
    raises(pouch.EnvelopeError, "envelope.malformed", pouch.endorse, b"\xd8\x62", s.key, s.chain)


def test_inspect_of_garbage_is_an_envelope_error():
    raises(pouch.EnvelopeError, "envelope.malformed", pouch.inspect, b"")
    raises(pouch.EnvelopeError, "envelope.malformed", pouch.inspect, b"\xff" * 64)


def test_context_setters_refuse_bad_values(pki):
    c = pouch.VerifyContext()
    raises(pouch.ArgumentError, "argument", pouch.VerifyContext, "nope")
    for bad in ("some", "nations:x:NOR", "nations:1:"):
        raises(pouch.ArgumentError, "argument", c.set_seal_policy, bad)
    raises(pouch.ArgumentError, "argument", c.set_at, "28/11/2026")
    raises(pouch.ArgumentError, "argument", c.set_recipient, None, b"{}")
    raises(pouch.ArgumentError, "argument", c.set_recipient, " ")
    raises(pouch.ClearanceError, "clearance", c.set_recipient, "DNK", b"[")
    # POUCH-POL-085: a recipient needs a trust bundle, set first; and while one is set the
    # bundle cannot be cleared (the recipient is never dropped).
    raises(pouch.ArgumentError, "argument", c.set_recipient, "DNK")
    t = pouch.VerifyContext()
    t.set_trust_file(pki / "bundle.toml")
    t.set_recipient("DNK")
    raises(pouch.ArgumentError, "argument", t.clear_trust)
    raises(pouch.TrustBundleError, "trust-bundle", c.set_trust, "not = [toml", {})
    bundle = (pki / "bundle.toml").read_text()
    raises(pouch.TrustBundleError, "trust-bundle", c.set_trust, bundle, {})
    raises(pouch.TrustBundleError, "trust-bundle", c.set_trust_file, pki / "missing.toml")


def test_policy_and_label_errors(demo_policy):
    for bad in (b"", b"<notaspif/>", b"\xff\xfe"):
        raises(pouch.SpifError, "spif", pouch.Policy.load, bad)
    raises(pouch.LabelError, "label.malformed", pouch.label_check, b"{}")
    raises(pouch.ArgumentError, "argument", pouch.label_convert, DEMO_SECRET, "yaml")
    raises(pouch.LabelError, "label.malformed", pouch.label_convert, DEMO_SECRET, "json", "xml")
    raises(pouch.ArgumentError, "argument", pouch.label_render, DEMO_SECRET, None, "nb")
    raises(pouch.LabelPolicyError, "label-policy", pouch.label_render,
           DEMO_SECRET.replace(b"SECRET", b"ULTRA"), demo_policy)
    raises(pouch.ArgumentError, "argument", pouch.release, DEMO_SECRET, demo_policy, "")
    raises(pouch.ClearanceError, "clearance", pouch.release, DEMO_SECRET, demo_policy, "DNK", b"[")


def test_every_invalid_label_vector_is_a_label_error():
    n = 0
    for form in ("json", "xml"):
        for f in sorted((ROOT / "test-vectors" / "labels" / form / "invalid").iterdir()):
            raises(pouch.LabelError, "label.malformed", pouch.label_check, f.read_bytes())
            n += 1
    assert n > 10
