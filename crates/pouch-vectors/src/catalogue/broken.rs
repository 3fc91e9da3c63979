//! Broken envelopes: each breaks one rule, made by changing bytes of an honest envelope or
//! by assembling one by hand.

use pouch_crypto::Algorithm;
use pouch_status as s;

use super::{Case, refused, report, seal_fault, trusted};
use crate::Error;
use crate::craft::{self, Parts, RawSeal, SealHeaderSpec, SealOpts};
use crate::fixture::{Fixture, NOW, Signer, label, rfc3339, time};

/// Overrides the CDDL verdict of the case just pushed.
fn set_cddl(out: &mut [Case], verdict: Option<&'static str>) {
    if let Some(c) = out.last_mut() {
        c.cddl = Some(verdict);
    }
}

/// A vector whose envelope `bytes` is refused at decoding with `code`.
fn refused_case(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    reqs: &'static [&'static str],
    bytes: Vec<u8>,
    code: s::StatusCode,
) -> Case {
    let mut c = Case::new(id, title, description, reqs);
    c.envelope = bytes;
    c.expect = refused(code);
    c
}

/// A case whose envelope carries `p`'s honest ES384 seal and then `seal`, an ES256 seal
/// written by hand: the honest seal shows the other seals are still verified.
fn beside_honest(
    p: &Parts,
    id: &'static str,
    title: &'static str,
    description: &'static str,
    reqs: &'static [&'static str],
    seal: RawSeal,
) -> Result<Case, Error> {
    let (hp, hs) = p.first_seal()?;
    let mut c = Case::new(id, title, description, reqs);
    c.algorithms = vec![Algorithm::Es384, Algorithm::Es256];
    c.envelope = craft::assemble(&p.body, &p.payload, &[RawSeal::new(hp, hs), seal]);
    Ok(c)
}

fn text_head(s: &str) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    e.text(s);
    e.into_bytes()
}

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = tampered(fx)?;
    out.extend(encodings(fx)?);
    out.extend(headers(fx)?);
    out.extend(structure(fx)?);
    Ok(out)
}

/// An honest one-seal ES384 envelope for vector `id` and its parts.
pub(super) fn honest(
    fx: &Fixture,
    id: &str,
    classification: &str,
) -> Result<(Vec<u8>, Parts, Signer), Error> {
    let sg = fx.signer("NOR", Algorithm::Es384)?;
    let env = craft::originator_embedded(
        id,
        &label("NATO", classification)?,
        super::good::RECORD,
        &sg,
    )?;
    let p = craft::parts(&env)?;
    Ok((env, p, sg))
}

fn invalid_seal() -> crate::Expected {
    report(
        vec![seal_fault(s::SEAL_SIGNATURE_INVALID)],
        s::SEAL_POLICY_UNSATISFIED,
    )
}

fn tampered(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let reqs: &'static [&'static str] = &["POUCH-ENV-031", "POUCH-ENV-012", "POUCH-ENV-050"];

    // An honest envelope of the classification with one run of bytes replaced after sealing.
    let envelope_id = craft::envelope_id("env-tampered-header")?;
    let mut changed = envelope_id;
    changed[0] ^= 0x01;
    for (id, classification, title, description, from, to) in [
        (
            "env-tampered-label",
            "CONFIDENTIAL",
            "Originator label downgraded after sealing",
            "A NATO CONFIDENTIAL envelope whose label text CONFIDENTIAL is overwritten with UNCLASSIFIED (same length, still well-formed): the label is covered by every seal, so the seal's signature fails.",
            text_head("CONFIDENTIAL"),
            text_head("UNCLASSIFIED"),
        ),
        (
            "env-tampered-payload",
            "SECRET",
            "Embedded record changed after sealing",
            "The first byte of the embedded record `F` becomes `G`: the seal's signature fails.",
            b"FROSTY".to_vec(),
            b"GROSTY".to_vec(),
        ),
        (
            "env-tampered-header",
            "SECRET",
            "Envelope header changed after sealing",
            "One bit of the envelope identifier in the body protected header is flipped: the header is covered by every seal, so the signature fails.",
            envelope_id.to_vec(),
            changed.to_vec(),
        ),
    ] {
        let (env, _, _) = honest(fx, id, classification)?;
        let mut c = Case::es384(id, title, description, reqs);
        c.envelope = craft::replace_once(&env, &from, &to)?;
        c.expect = invalid_seal();
        out.push(c);
    }

    let id = "env-tampered-seal-header";
    let sg = fx.signer("NOR", Algorithm::Es384)?;
    let env = craft::seal(
        id,
        &label("NATO", "SECRET")?,
        pouch::Payload::Embedded {
            data: super::good::RECORD,
            content_type: None,
        },
        &SealOpts::originator(&sg, time(NOW)?),
        time(NOW - 60)?,
    )?;
    let mut c = Case::es384(
        id,
        "Seal header changed after sealing",
        "The seal's signing time is moved one second later in its protected header (the body's creation time is a minute earlier, so only the seal changes): the seal's signature fails.",
        reqs,
    );
    c.envelope = craft::replace_once(&env, rfc3339(NOW)?.as_bytes(), rfc3339(NOW + 1)?.as_bytes())?;
    c.expect = invalid_seal();
    out.push(c);

    let id = "env-tampered-signature";
    let (mut env, _, _) = honest(fx, id, "SECRET")?;
    if let Some(last) = env.last_mut() {
        *last ^= 0x80;
    }
    let mut c = Case::es384(
        id,
        "Seal signature changed",
        "The top bit of the signature's last byte (the envelope's last byte) is flipped.",
        &["POUCH-ENV-031"],
    );
    c.envelope = env;
    c.expect = invalid_seal();
    out.push(c);
    Ok(out)
}

fn encodings(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let reqs: &'static [&'static str] = &["POUCH-ENV-002", "POUCH-CBOR-001", "POUCH-GEN-001"];
    // An honest ES384 envelope re-encoded: CDDL judges the data model, and these encodings
    // carry a valid one.
    let mk = |id, title, description, reqs, bytes, code| {
        let mut c = refused_case(id, title, description, reqs, bytes, code);
        c.algorithms = vec![Algorithm::Es384];
        c.cddl = Some(Some("valid"));
        c
    };

    let (env, p, _) = honest(fx, "env-nondeterministic-length", "SECRET")?;
    // The payload's head rewritten with a one-byte length argument although it fits in five bits
    // is impossible here (the record is longer than 23 bytes), so use a two-byte argument.
    let len = p.payload.len();
    let short = [0x58, len as u8];
    let long = [0x59, 0x00, len as u8];
    let mut needle = short.to_vec();
    needle.extend_from_slice(p.payload.get(..8).unwrap_or_default());
    let mut with = long.to_vec();
    with.extend_from_slice(p.payload.get(..8).unwrap_or_default());
    out.push(mk("env-nondeterministic-length", "Length not in its shortest form", "The payload's byte-string length is written with a two-byte argument although one byte holds it (RFC 8949 §4.2.1 preferred serialisation).", reqs, craft::replace_once(&env, &needle, &with)?, s::ENVELOPE_NOT_DETERMINISTIC));

    let (env, _, _) = honest(fx, "env-nondeterministic-tag", "SECRET")?;
    let mut bytes = vec![0xd9, 0x00, 0x62];
    bytes.extend_from_slice(env.get(2..).unwrap_or_default());
    out.push(mk(
        "env-nondeterministic-tag",
        "Tag 98 not in its shortest form",
        "The COSE_Sign tag 98 is written with a two-byte argument (d9 0062) instead of d8 62.",
        reqs,
        bytes,
        s::ENVELOPE_NOT_DETERMINISTIC,
    ));

    let (_, p, _) = honest(fx, "env-nondeterministic-indefinite", "SECRET")?;
    let mut e = pouch_cbor::Encoder::new();
    e.tag(98).array(4).bytes(&p.body).map(0).bytes(&p.payload);
    e.raw(&[0x9f]);
    for (protected, sig) in &p.seals {
        e.array(3).bytes(protected).map(0).bytes(sig);
    }
    e.raw(&[0xff]);
    out.push(mk("env-nondeterministic-indefinite", "Indefinite-length seal array", "The seal array is written with an indefinite length (9f ... ff), which deterministic CBOR forbids. The fault lies after the body: the whole item is checked before any part is acted on, so no seal is reported.", &["POUCH-ENV-002", "POUCH-ENV-103", "POUCH-CBOR-001", "POUCH-CBOR-002", "POUCH-GEN-001"], e.into_bytes(), s::ENVELOPE_NOT_DETERMINISTIC));

    let (_, p, _) = honest(fx, "env-duplicate-key", "SECRET")?;
    let seals: Vec<RawSeal> = p
        .seals
        .iter()
        .map(|(protected, sig)| RawSeal::new(protected.clone(), sig.clone()))
        .collect();
    out.push(mk(
        "env-duplicate-key",
        "Repeated map key",
        "The body's unprotected header is {1: 1, 1: 1}: a map that repeats a key.",
        &["POUCH-ENV-002"],
        craft::assemble_with_unprotected(
            &p.body,
            &[0xa2, 0x01, 0x01, 0x01, 0x01],
            &p.payload,
            &seals,
        ),
        s::ENVELOPE_DUPLICATE_KEY,
    ));
    // The CDDL's empty-header is {}: a map with entries is not one, repeated or not.
    set_cddl(&mut out, Some("invalid"));

    let (mut env, _, _) = honest(fx, "env-trailing-bytes", "SECRET")?;
    env.push(0x00);
    out.push(mk(
        "env-trailing-bytes",
        "Bytes after the envelope",
        "One zero byte follows an otherwise valid envelope.",
        &["POUCH-ENV-002", "POUCH-CBOR-002"],
        env,
        s::ENVELOPE_TRAILING_BYTES,
    ));
    // CDDL validates one data item; what follows it is outside its view.
    set_cddl(&mut out, None);
    Ok(out)
}

fn headers(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let t = rfc3339(NOW)?;

    // Body: an extra critical parameter, re-signed so only that rule is broken.
    let (_, p, sg) = honest(fx, "env-unknown-critical-header", "SECRET")?;
    let mut body = p.body.clone();
    let head = body.first().copied().unwrap_or(0);
    if let Some(b) = body.first_mut() {
        *b = head + 1; // one more map entry (the map has fewer than 23)
    }
    let crit_old = [0x02, 0x81, 0x65, b'p', b'o', b'u', b'c', b'h'];
    let crit_new = [
        0x02, 0x82, 0x65, b'p', b'o', b'u', b'c', b'h', 0x19, 0x03, 0xe7,
    ];
    body = craft::replace_once(&body, &crit_old, &crit_new)?;
    let key = [0x65, b'p', b'o', b'u', b'c', b'h', 0xa4];
    let mut with_param = vec![0x19, 0x03, 0xe7, 0xf5];
    with_param.extend_from_slice(&key);
    body = craft::replace_once(&body, &key, &with_param)?;
    let mut c = Case::es384(
        "env-unknown-critical-header",
        "Unknown critical parameter in the body",
        "The body protected header gains parameter 999 (true) and lists it in crit; the envelope is re-signed, so only the unknown critical parameter is wrong.",
        &["POUCH-ENV-011", "POUCH-ENV-010"],
    );
    c.envelope = craft::resigned_body(&p, &sg, &body)?;
    c.expect = refused(s::ENVELOPE_UNKNOWN_CRITICAL_HEADER);
    out.push(c);

    // Version 2, re-signed.
    let (_, p, sg) = honest(fx, "env-version-unsupported", "SECRET")?;
    let needle = [0x65, b'p', b'o', b'u', b'c', b'h', 0xa4, 0x01, 0x01];
    let mut v2 = needle;
    v2[8] = 0x02;
    let body = craft::replace_once(&p.body, &needle, &v2)?;
    let mut c = Case::es384(
        "env-version-unsupported",
        "Unsupported format version",
        "The envelope header's format version is 2; the envelope is re-signed so nothing else is wrong.",
        &["POUCH-ENV-011"],
    );
    c.envelope = craft::resigned_body(&p, &sg, &body)?;
    c.expect = refused(s::ENVELOPE_VERSION_UNSUPPORTED);
    out.push(c);

    // Seal headers written by hand with the ES256 signer.
    let es256 = fx.named("es256")?;
    let (_, p, _) = honest(fx, "env-seal-hand-written", "SECRET")?;
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        Option<i64>,
        bool,
        bool,
        Vec<u8>,
        bool,
        pouch_status::StatusCode,
    );
    let rows: Vec<Row> = vec![
        (
            "env-seal-alg-unprotected",
            "alg in the unprotected header",
            "The seal's alg (-7) is left out of its protected header and put in its unprotected header; the signature is otherwise correct.",
            &["POUCH-ENV-003"],
            None,
            true,
            false,
            vec![0xa1, 0x01, 0x26],
            false,
            s::SEAL_ALG_UNPROTECTED,
        ),
        (
            "env-seal-alg-unregistered",
            "Unregistered algorithm",
            "The seal states alg -47 (ES256K in the IANA registry, not in Pouch's), signed with an ES256 key.",
            &["POUCH-ENV-070"],
            Some(-47),
            true,
            false,
            vec![0xa0],
            false,
            s::SEAL_ALG_UNREGISTERED,
        ),
        (
            "env-seal-alg-eddsa-polymorphic",
            "The polymorphic EdDSA value",
            "The seal states alg -8, the polymorphic EdDSA of RFC 9053, which RFC 9864 deprecates and Pouch 0.2 does not register (Ed25519 is -19, POUCH-ENV-072); signed with the ES256 key, since the verdict comes before any key is used.",
            &[
                "POUCH-ENV-070",
                "POUCH-ENV-072",
                "POUCH-ENV-104",
                "POUCH-IOP-001",
            ],
            Some(-8),
            true,
            false,
            vec![0xa0],
            false,
            s::SEAL_ALG_UNREGISTERED,
        ),
        (
            "env-seal-unknown-critical-header",
            "Unknown critical parameter in a seal",
            "The seal's protected header gains parameter 999 (true) and lists it in crit; the signature over it is correct.",
            &["POUCH-ENV-030"],
            Some(-7),
            true,
            true,
            vec![0xa0],
            false,
            s::SEAL_UNKNOWN_CRITICAL_HEADER,
        ),
        (
            "env-seal-no-x5chain",
            "Seal without x5chain",
            "The seal's protected header has no x5chain; the signature over it is correct.",
            &["POUCH-ENV-030"],
            Some(-7),
            false,
            false,
            vec![0xa0],
            false,
            s::SEAL_HEADER_MALFORMED,
        ),
        (
            "env-seal-signature-missing",
            "Empty signature",
            "The seal's signature is the empty byte string.",
            &["POUCH-ENV-031"],
            Some(-7),
            true,
            false,
            vec![0xa0],
            true,
            s::SEAL_SIGNATURE_MISSING,
        ),
    ];
    for (id, title, description, reqs, alg, with_chain, crit, unprotected, empty_sig, code) in rows
    {
        let protected = SealHeaderSpec {
            alg,
            chain: with_chain.then_some(es256.chain.as_slice()),
            unknown_critical: crit,
            signing_time: &t,
        }
        .encode();
        let signature = if empty_sig {
            Vec::new()
        } else {
            craft::sign(&es256, &p.body, &protected, &p.payload)?
        };
        let seal = RawSeal {
            protected,
            unprotected,
            signature,
        };
        let mut c = beside_honest(&p, id, title, description, reqs, seal)?;
        c.expect = report(
            vec![trusted(), seal_fault(code)],
            s::SEAL_POLICY_UNSATISFIED,
        );
        // The seal header map's CDDL requires alg (a registered one), x5chain, and
        // crit = ["pouch"] with no other key; an empty signature is still a bstr.
        if code != s::SEAL_SIGNATURE_MISSING {
            c.cddl = Some(Some("invalid"));
        }
        out.push(c);
    }
    // An ES256 seal over `p` whose hand-written header carries `chain`.
    let es256_seal = |chain: &[Vec<u8>]| -> Result<RawSeal, Error> {
        let protected = SealHeaderSpec::es256(chain, &t).encode();
        let signature = craft::sign(&es256, &p.body, &protected, &p.payload)?;
        Ok(RawSeal::new(protected, signature))
    };
    // alg ES256 over a leaf whose key is ES384's.
    let es384 = fx.signer("NOR", Algorithm::Es384)?;
    let mut c = beside_honest(
        &p,
        "env-seal-key-mismatch",
        "Seal algorithm and leaf key disagree",
        "A seal states alg ES256 and carries Norway's ES384 signer chain; the signature is made with an ES256 key. The leaf's key is not of the seal's algorithm.",
        &["POUCH-ENV-033"],
        es256_seal(&es384.chain)?,
    )?;
    c.expect = report(
        vec![trusted(), seal_fault(s::SEAL_KEY_UNUSABLE)],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);

    // A label that does not decode, inside an envelope re-signed over it.
    let (_, p2, sg) = honest(fx, "env-label-malformed", "SECRET")?;
    let body = craft::replace_once(
        &p2.body,
        &text_head("2026-11-28T09:15:00Z"),
        &text_head("2026-11-28T09:15:00+01:00"),
    )?;
    let mut c = Case::es384(
        "env-label-malformed",
        "Originator label that does not decode",
        "The originator label's creation time is rewritten with a UTC offset (+01:00), which the label profile forbids (canonical UTC only); the envelope is re-signed over it. A malformed label makes the envelope malformed.",
        &["POUCH-LBL-040", "POUCH-LBL-012", "POUCH-ENV-001"],
    );
    c.envelope = craft::resigned_body(&p2, &sg, &body)?;
    c.expect = refused(s::ENVELOPE_MALFORMED);
    out.push(c);

    // The hand-written header itself is right: the same construction with nothing broken.
    let mut c = beside_honest(
        &p,
        "env-seal-hand-written",
        "Hand-written seal header, nothing broken",
        "The control for the seal-header vectors: the same hand-written ES256 seal header with every parameter present, beside an honest ES384 seal. Both verify.",
        &["POUCH-ENV-030", "POUCH-ENV-031"],
        es256_seal(&es256.chain)?,
    )?;
    c.expect = report(vec![trusted(), trusted()], s::SEAL_POLICY_SATISFIED);
    out.push(c);
    Ok(out)
}

fn structure(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let (env, p, _) = honest(fx, "env-structure", "SECRET")?;
    let (protected, sig) = p.first_seal()?;

    out.push(refused_case(
        "env-untagged",
        "Untagged COSE_Sign",
        "A valid envelope without its tag 98.",
        &["POUCH-ENV-001"],
        env.get(2..).unwrap_or_default().to_vec(),
        s::ENVELOPE_MALFORMED,
    ));

    let mut e = pouch_cbor::Encoder::new();
    e.tag(18)
        .array(4)
        .bytes(&p.body)
        .map(0)
        .bytes(&p.payload)
        .bytes(&sig);
    out.push(refused_case(
        "env-cose-sign1",
        "COSE_Sign1 instead of COSE_Sign",
        "The body, payload and a signature as a tagged COSE_Sign1 (tag 18).",
        &["POUCH-ENV-001"],
        e.into_bytes(),
        s::ENVELOPE_MALFORMED,
    ));

    out.push(refused_case(
        "env-no-seal",
        "No seal",
        "A COSE_Sign whose seal array is empty.",
        &["POUCH-ENV-001"],
        craft::assemble(&p.body, &p.payload, &[]),
        s::ENVELOPE_MALFORMED,
    ));

    let mut kid = pouch_cbor::Encoder::new();
    kid.map(1).u64(4).bytes(b"kid");
    out.push(refused_case(
        "env-unprotected-header-not-empty",
        "Body unprotected header not empty",
        "The body's unprotected header carries kid (4): nothing may be unprotected.",
        &["POUCH-ENV-003"],
        craft::assemble_with_unprotected(
            &p.body,
            &kid.into_bytes(),
            &p.payload,
            &[RawSeal::new(protected.clone(), sig.clone())],
        ),
        s::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY,
    ));

    out.push(refused_case(
        "env-truncated",
        "Truncated envelope",
        "The first half of a valid envelope: a byte string claims more bytes than remain, which is incomplete input.",
        &["POUCH-ENV-001", "POUCH-CBOR-011"],
        env.get(..env.len() / 2).unwrap_or_default().to_vec(),
        s::ENVELOPE_MALFORMED,
    ));

    out.push(refused_case(
        "env-empty",
        "Empty input",
        "Zero bytes.",
        &["POUCH-ENV-001"],
        Vec::new(),
        s::ENVELOPE_MALFORMED,
    ));

    let many: Vec<RawSeal> = (0..17)
        .map(|_| RawSeal::new(protected.clone(), sig.clone()))
        .collect();
    out.push(refused_case(
        "env-oversize-seals",
        "Seventeen seals",
        "The same valid seal seventeen times: one more than the default limit of 16 seals.",
        &["POUCH-ENV-080", "POUCH-CBOR-010"],
        craft::assemble(&p.body, &p.payload, &many),
        s::ENVELOPE_LIMIT_EXCEEDED,
    ));
    // `[+ seal]` has no upper bound: the seal limit is the decoder's, not the CDDL's.
    set_cddl(&mut out, Some("valid"));

    let es256 = fx.named("es256")?;
    let mut chain = es256.chain.clone();
    while chain.len() < 9 {
        chain.push(es256.chain.get(1).cloned().unwrap_or_default());
    }
    let t = rfc3339(NOW)?;
    let long = SealHeaderSpec::es256(&chain, &t).encode();
    let sig9 = craft::sign(&es256, &p.body, &long, &p.payload)?;
    // A chain over the limit is that seal's header fault, not the envelope's (POUCH-ENV-080):
    // the seal is reported, no trust stage runs for it, and `all` is unsatisfied.
    let mut c = Case::new(
        "env-oversize-chain",
        "Nine certificates in x5chain",
        "An ES256 seal whose x5chain repeats the intermediate until it holds nine certificates, one more than the limit of 8. The envelope decodes; the seal's header is refused (`seal.header-limit-exceeded`, the detail naming the limit; POUCH-ENV-101), so the seal is not valid and the seal policy `all` is unsatisfied.",
        &["POUCH-ENV-080", "POUCH-ENV-101", "POUCH-TRUST-002"],
    );
    c.envelope = craft::assemble(&p.body, &p.payload, &[RawSeal::new(long, sig9)]);
    // The CDDL bounds x5chain at 8 (`[2*8 bstr]`) inside the seal's protected header.
    c.cddl = Some(Some("invalid"));
    c.expect = report(
        vec![seal_fault(s::SEAL_HEADER_LIMIT_EXCEEDED)],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);
    Ok(out)
}
