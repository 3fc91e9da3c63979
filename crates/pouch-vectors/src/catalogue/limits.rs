//! The envelope limits of POUCH-ENV-080, each met exactly ("at", accepted) and passed by
//! one ("over", refused with the code the table's rule names).
//!
//! The whole-envelope limit (64 MiB) has no twin: a committed vector of that size is not
//! reasonable; crates/pouch/tests/front.rs checks it at the limit and one byte over. The
//! depth limit is met both in the framing and inside each protected header, whose content
//! is counted as an item of its own. The protected headers reach their parameter, size and
//! depth limits with private-use parameters (POUCH-ENV-014), so those "at" twins are valid
//! envelopes. The framing's depth cannot be reached by a valid envelope (its unprotected
//! headers are empty, POUCH-ENV-003, so a valid framing is at most six levels deep): that
//! "at" twin breaks one unrelated rule, says which in its description, and expects that rule's
//! code; what matters is that it is not `envelope.limit-exceeded`.

use pouch_crypto::Algorithm;
use pouch_status as s;

use super::broken::honest;
use super::{Case, refused, report, seal_fault, trusted, valid_with_trust};
use crate::Error;
use crate::craft::{self, RawSeal, SealHeaderSpec};
use crate::fixture::{Fixture, NOW, rfc3339};

/// The ENV-080 defaults the vectors are built against (the decoder's own defaults are
/// checked against these by the tests of `pouch-envelope`; here they are facts of the spec).
const MAX_SEALS: usize = 16;
const MAX_CHAIN: usize = 8;
const MAX_CERT: usize = 16 << 10;
const MAX_PARAMS: usize = 16;
const MAX_HEADER: usize = 64 << 10;
const MAX_DEPTH: usize = 24;

/// The first private-use header label (POUCH-ENV-014); successive ones are `FIRST_PRIVATE - i`,
/// which is also their deterministic encoding order.
const FIRST_PRIVATE: i64 = -65537;

const REQS: &[&str] = &["POUCH-ENV-080", "POUCH-CBOR-010"];
/// Requirements of the vectors that grow a protected header with private-use parameters.
const PRIVATE_REQS: &[&str] = &["POUCH-ENV-080", "POUCH-CBOR-010", "POUCH-ENV-014"];

/// `count` private-use parameters `FIRST_PRIVATE, FIRST_PRIVATE - 1, ...`, the last holding
/// `last_value` and the others 0, encoded in key order.
fn extra_params(count: usize, last_value: &[u8]) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    for i in 0..count {
        e.i64(FIRST_PRIVATE - i as i64);
        if i + 1 == count {
            e.raw(last_value);
        } else {
            e.u64(0);
        }
    }
    e.into_bytes()
}

/// A header map (`head` its one-byte map head, fewer than 24 entries) with `extra` inserted
/// just before `before` (the encoding of the text key "pouch" and the head of its map, which
/// sorts after every integer key).
fn insert_params(
    header: &[u8],
    before: &[u8],
    count: usize,
    extra: &[u8],
) -> Result<Vec<u8>, Error> {
    let head = header.first().copied().unwrap_or(0);
    let n = usize::from(head.wrapping_sub(0xa0));
    if head < 0xa0 || n + count > 23 {
        return Err(Error::Generate(format!("header map head {head:#04x}")));
    }
    let mut with = extra.to_vec();
    with.extend_from_slice(before);
    let mut out = craft::replace_once(header, before, &with)?;
    if let Some(b) = out.first_mut() {
        *b = 0xa0 + (n + count) as u8;
    }
    Ok(out)
}

/// A byte-string value of `len` bytes (0x5a filler), encoded.
fn bstr(len: usize) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    e.bytes(&vec![0x5a; len]);
    e.into_bytes()
}

const BODY_POUCH_KEY: &[u8] = &[0x65, b'p', b'o', b'u', b'c', b'h', 0xa4];
const SEAL_POUCH_KEY: &[u8] = &[0x65, b'p', b'o', b'u', b'c', b'h', 0xa2];

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = seals_and_chains(fx)?;
    out.extend(params_and_sizes(fx)?);
    out.extend(depth(fx)?);
    Ok(out)
}

fn seals_and_chains(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let (_, p, _) = honest(fx, "env-limit-seals-at", "SECRET")?;
    let (protected, sig) = p.first_seal()?;
    let many: Vec<RawSeal> = (0..MAX_SEALS)
        .map(|_| RawSeal::new(protected.clone(), sig.clone()))
        .collect();
    let mut c = Case::es384(
        "env-limit-seals-at",
        "Sixteen seals",
        "The same valid ES384 seal sixteen times: exactly the default limit of 16 seals (the twin of env-oversize-seals). Every seal verifies and is trusted.",
        REQS,
    );
    c.envelope = craft::assemble(&p.body, &p.payload, &many);
    c.expect = report(vec![trusted(); MAX_SEALS], s::SEAL_POLICY_SATISFIED);
    out.push(c);

    // Chains and certificates: the limits are decoder limits, checked before any trust
    // stage; the vectors run without a bundle, because repeated or filler certificates say
    // nothing about the signer's path and a trust verdict on them is not what is tested.
    let es256 = fx.named("es256")?;
    let t = rfc3339(NOW)?;
    let chain_case = |id: &'static str,
                      title: &'static str,
                      description: &'static str,
                      chain: Vec<Vec<u8>>,
                      ok: bool|
     -> Result<Case, Error> {
        let (_, p, _) = honest(fx, id, "SECRET")?;
        let protected = SealHeaderSpec::es256(&chain, &t).encode();
        let mut c = Case::new(
            id,
            title,
            description,
            &["POUCH-ENV-080", "POUCH-ENV-101", "POUCH-TRUST-002"],
        );
        c.algorithms = vec![Algorithm::Es256];
        c.trust = false;
        c.envelope = craft::one_seal(&es256, &p.body, &p.payload, protected)?;
        c.expect = if ok {
            report(vec![valid_with_trust(&[])], s::SEAL_POLICY_SATISFIED)
        } else {
            report(
                vec![seal_fault(s::SEAL_HEADER_LIMIT_EXCEEDED)],
                s::SEAL_POLICY_UNSATISFIED,
            )
        };
        Ok(c)
    };
    let inter = es256.chain.get(1).cloned().unwrap_or_default();
    let mut eight = es256.chain.clone();
    while eight.len() < MAX_CHAIN {
        eight.push(inter.clone());
    }
    out.push(chain_case(
        "env-limit-chain-at",
        "Eight certificates in x5chain",
        "An ES256 seal whose x5chain repeats the intermediate until it holds eight certificates: exactly the limit (the twin of env-oversize-chain). Verified without a trust bundle: the signature is valid, no trust code, `all` satisfied.",
        eight,
        true,
    )?);
    // The CDDL bounds x5chain at `[2*8 bstr]`: eight is within it.
    let sized = |n: usize| {
        let mut chain = es256.chain.clone();
        chain.push(vec![0x5a; n]);
        chain
    };
    out.push(chain_case(
        "env-limit-certificate-at",
        "A 16 KiB certificate in x5chain",
        "An ES256 seal whose x5chain ends with a 16,384-byte filler certificate after the signer's own two: exactly the one-certificate limit. The decoder does not parse certificates; verified without a trust bundle (the filler is no certificate, which only a trust stage would see), the signature is valid and `all` satisfied.",
        sized(MAX_CERT),
        true,
    )?);
    out.push(chain_case(
        "env-limit-certificate-over",
        "A certificate one byte over 16 KiB",
        "As env-limit-certificate-at with a 16,385-byte filler: a certificate over its limit is the seal's header fault (`seal.header-limit-exceeded`, the detail naming the limit; POUCH-ENV-101), so `all` is unsatisfied.",
        sized(MAX_CERT + 1),
        false,
    )?);
    // The CDDL has no size bound on a certificate; the limit is the decoder's.
    if let Some(c) = out.last_mut() {
        c.cddl = Some(Some("valid"));
    }
    Ok(out)
}

fn params_and_sizes(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    // Body protected header: parameters. Refused at decoding, so the seal is left as is.
    for (id, title, count, code, description) in [
        (
            "env-limit-body-params-at",
            "Sixteen parameters in the body protected header",
            MAX_PARAMS,
            None,
            "The body protected header gains private-use parameters -65537, -65538, ... (each 0; POUCH-ENV-014) until it holds sixteen: exactly the limit. The envelope is sealed over that header by a trusted ES256 signer: it is valid, the private-use parameters ignored.",
        ),
        (
            "env-limit-body-params-over",
            "Seventeen parameters in the body protected header",
            MAX_PARAMS + 1,
            Some(s::ENVELOPE_LIMIT_EXCEEDED),
            "As env-limit-body-params-at with seventeen parameters: the count is refused before any is read.",
        ),
    ] {
        out.push(body_case(fx, id, title, description, code, |body| {
            let n = usize::from(body.first().copied().unwrap_or(0xa0).wrapping_sub(0xa0));
            let extra = extra_params(count - n, &[0x00]);
            insert_params(body, BODY_POUCH_KEY, count - n, &extra)
        })?);
    }

    // Body protected header: size, padded by one private-use parameter.
    for (id, title, size, code, description) in [
        (
            "env-limit-body-header-at",
            "A 64 KiB body protected header",
            MAX_HEADER,
            None,
            "The body protected header gains private-use parameter -65537 (POUCH-ENV-014) holding a filler byte string sized so the header is exactly 65,536 bytes: the limit. The envelope is sealed over that header by a trusted ES256 signer: it is valid.",
        ),
        (
            "env-limit-body-header-over",
            "A body protected header one byte over 64 KiB",
            MAX_HEADER + 1,
            Some(s::ENVELOPE_LIMIT_EXCEEDED),
            "As env-limit-body-header-at with a header of 65,537 bytes: refused by its size before it is read.",
        ),
    ] {
        out.push(body_case(fx, id, title, description, code, |body| {
            pad_to(size, |n| {
                insert_params(body, BODY_POUCH_KEY, 1, &extra_params(1, &bstr(n)))
            })
        })?);
    }

    // Seal protected header: parameters and size, with a re-signed ES256 seal.
    let es256 = fx.named("es256")?;
    let t = rfc3339(NOW)?;
    let plain = SealHeaderSpec::es256(&es256.chain, &t).encode();
    let seal_case = |id: &'static str,
                     title: &'static str,
                     description: &'static str,
                     protected: Vec<u8>,
                     expect: crate::Expected,
                     trust: bool|
     -> Result<Case, Error> {
        let (_, p, _) = honest(fx, id, "SECRET")?;
        let mut c = Case::new(id, title, description, REQS);
        c.algorithms = vec![Algorithm::Es256];
        c.trust = trust;
        c.envelope = craft::one_seal(&es256, &p.body, &p.payload, protected)?;
        c.expect = expect;
        c.cddl = Some(Some("invalid"));
        Ok(c)
    };
    let header_fault = |code| report(vec![seal_fault(code)], s::SEAL_POLICY_UNSATISFIED);
    let seal_valid = || report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    let n = usize::from(plain.first().copied().unwrap_or(0xa0).wrapping_sub(0xa0));
    for (id, title, count, code, description) in [
        (
            "env-limit-seal-params-at",
            "Sixteen parameters in a seal protected header",
            MAX_PARAMS,
            None,
            "The seal protected header gains private-use parameters -65537, -65538, ... (each 0; POUCH-ENV-014) until it holds sixteen: exactly the limit; the seal is re-signed by its trusted ES256 signer. The seal is valid and trusted, the private-use parameters ignored.",
        ),
        (
            "env-limit-seal-params-over",
            "Seventeen parameters in a seal protected header",
            MAX_PARAMS + 1,
            Some(s::SEAL_HEADER_LIMIT_EXCEEDED),
            "As env-limit-seal-params-at with seventeen parameters: the count is checked when the map's head is read, before any parameter, so the limit is what is reported: `seal.header-limit-exceeded` on the seal whose header exceeds it (POUCH-ENV-101; the envelope decodes: its other parts are within limits).",
        ),
    ] {
        let protected = insert_params(
            &plain,
            SEAL_POUCH_KEY,
            count - n,
            &extra_params(count - n, &[0x00]),
        )?;
        let mut c = seal_case(
            id,
            title,
            description,
            protected,
            code.map_or_else(seal_valid, header_fault),
            true,
        )?;
        c.requirements = PRIVATE_REQS;
        c.cddl = Some(Some("valid"));
        out.push(c);
    }

    // The private-use range's edge (POUCH-ENV-014): -65536 is not private use, so a body
    // header carrying it is refused, sealed or not.
    {
        let id = "env-param-not-private-use";
        let mut e = pouch_cbor::Encoder::new();
        e.i64(-65536).u64(0);
        let param = e.into_bytes();
        let mut c = body_case(
            fx,
            id,
            "A body protected header parameter just outside the private-use range",
            "The body protected header gains parameter -65536 (value 0), the last label before COSE's private-use range, and is sealed by a trusted ES256 signer. Pouch defines no such parameter and it is not private use (POUCH-ENV-014 allows labels below -65536 only), so the envelope is `envelope.malformed`. The twin of env-limit-body-params-at, whose labels start at -65537. The `cddl` verdict is not stated: spec/pouch.cddl refuses the label (`nint .lt -65536`), but the Rust `cddl` crate the schema test uses cannot evaluate that control on a map key (see pouch-testkit's `envelope_cddl`).",
            Some(s::ENVELOPE_MALFORMED),
            |body| insert_params(body, BODY_POUCH_KEY, 1, &param),
        )?;
        c.cddl = Some(None);
        out.push(c);
    }
    // A seal protected header with parameter 100: undefined, not private use.
    {
        let mut e = pouch_cbor::Encoder::new();
        e.u64(100).u64(0);
        let protected = insert_params(&plain, SEAL_POUCH_KEY, 1, &e.into_bytes())?;
        let mut c = seal_case(
            "env-seal-param-undefined",
            "A seal protected header parameter Pouch does not define",
            "A trusted ES256 seal whose protected header gains parameter 100 (value 0) and is re-signed. The label is neither one the seal header table defines nor private use (POUCH-ENV-014), so the seal is `seal.header-malformed` (POUCH-ENV-030), its own fault. spec/pouch.cddl refuses it; the `cddl` verdict is not stated because the Rust `cddl` crate lets any label through a map with a `*` entry (see pouch-testkit's `envelope_cddl`).",
            protected,
            header_fault(s::SEAL_HEADER_MALFORMED),
            true,
        )?;
        c.requirements = PRIVATE_REQS;
        c.cddl = Some(None);
        out.push(c);
    }

    // Seal header size: filler certificates make it exactly 64 KiB while staying valid.
    let sized = |size: usize| -> Result<Vec<u8>, Error> {
        pad_to(size, |last| {
            let mut chain = es256.chain.clone();
            chain.extend([
                vec![0x5a; MAX_CERT],
                vec![0x5a; MAX_CERT],
                vec![0x5a; MAX_CERT],
            ]);
            chain.push(vec![0x5a; last]);
            Ok(SealHeaderSpec::es256(&chain, &t).encode())
        })
    };
    let mut c = seal_case(
        "env-limit-seal-header-at",
        "A 64 KiB seal protected header",
        "An ES256 seal whose x5chain is the signer's two certificates followed by four filler certificates (three of 16,384 bytes, one sized to fit) so the seal protected header is exactly 65,536 bytes: the limit. Verified without a trust bundle (the fillers are no certificates, which only a trust stage would see): the signature is valid and `all` satisfied.",
        sized(MAX_HEADER)?,
        report(vec![valid_with_trust(&[])], s::SEAL_POLICY_SATISFIED),
        false,
    )?;
    c.cddl = Some(Some("valid"));
    out.push(c);
    let mut c = seal_case(
        "env-limit-seal-header-over",
        "A seal protected header one byte over 64 KiB",
        "As env-limit-seal-header-at with the last filler one byte longer (65,537 bytes): the seal's header is refused by its size, on that seal: `seal.header-limit-exceeded` (POUCH-ENV-101).",
        sized(MAX_HEADER + 1)?,
        header_fault(s::SEAL_HEADER_LIMIT_EXCEEDED),
        false,
    )?;
    c.cddl = Some(Some("valid"));
    out.push(c);
    Ok(out)
}

/// The honest envelope of vector `id` with its body protected header grown by `grow` (to or
/// past a limit), sealed over it by the trusted ES256 signer: valid when `code` is `None`,
/// otherwise refused at decoding with `code`.
fn body_case(
    fx: &Fixture,
    id: &'static str,
    title: &'static str,
    description: &'static str,
    code: Option<s::StatusCode>,
    grow: impl FnOnce(&[u8]) -> Result<Vec<u8>, Error>,
) -> Result<Case, Error> {
    let (_, p, _) = honest(fx, id, "SECRET")?;
    let body = grow(&p.body)?;
    let payload = &p.payload;
    let es256 = fx.named("es256")?;
    let t = rfc3339(NOW)?;
    let protected = SealHeaderSpec::es256(&es256.chain, &t).encode();
    let mut c = Case::new(id, title, description, PRIVATE_REQS);
    c.algorithms = vec![Algorithm::Es256];
    c.envelope = craft::one_seal(&es256, &body, payload, protected)?;
    c.expect = match code {
        Some(code) => refused(code),
        None => report(vec![trusted()], s::SEAL_POLICY_SATISFIED),
    };
    c.cddl = Some(Some("valid"));
    Ok(c)
}

/// Finds the filler length that makes `make(filler)` exactly `size` bytes (the filler's
/// head has the same length over the range searched).
fn pad_to(size: usize, make: impl Fn(usize) -> Result<Vec<u8>, Error>) -> Result<Vec<u8>, Error> {
    let probe = 1024;
    let base = make(probe)?.len();
    let n = (size + probe)
        .checked_sub(base)
        .ok_or(Error::Generate(format!(
            "cannot pad {base} bytes to {size}"
        )))?;
    let out = make(n)?;
    if out.len() != size {
        return Err(Error::Generate(format!(
            "padded to {} not {size}",
            out.len()
        )));
    }
    Ok(out)
}

fn depth(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    // 98([body, {1: X}, payload, seals]): the tag, the array and the map are three levels
    // (spec/01-cbor.md §1.2), so X = k nested arrays gives depth 3 + k.
    for (id, title, depth, code, description) in [
        (
            "env-limit-depth-at",
            "Nesting depth 24",
            MAX_DEPTH,
            s::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY,
            "The body's unprotected header is {1: [[...[]...]]} with 21 nested arrays, so the envelope's nesting depth is exactly 24, the limit (tag 98, the COSE_Sign array and the map are three levels). The unprotected header must be empty (POUCH-ENV-003), so the envelope is refused for that unrelated reason, not for its depth: with every unprotected header empty, a valid envelope's framing is at most six levels deep, so no valid envelope can meet this limit.",
        ),
        (
            "env-limit-depth-over",
            "Nesting depth 25",
            MAX_DEPTH + 1,
            s::ENVELOPE_LIMIT_EXCEEDED,
            "As env-limit-depth-at with 22 nested arrays: depth 25, refused while the whole item is checked, before the unprotected header is looked at.",
        ),
    ] {
        let (_, p, _) = honest(fx, id, "SECRET")?;
        let (protected, sig) = p.first_seal()?;
        let mut unprotected = pouch_cbor::Encoder::new();
        unprotected.map(1).u64(1).raw(&nested(depth - 3));
        let mut c = Case::es384(
            id,
            title,
            description,
            &["POUCH-ENV-080", "POUCH-CBOR-010", "POUCH-ENV-003"],
        );
        c.envelope = craft::assemble_with_unprotected(
            &p.body,
            &unprotected.into_bytes(),
            &p.payload,
            &[RawSeal::new(protected, sig)],
        );
        c.expect = refused(code);
        c.cddl = Some(Some("invalid"));
        out.push(c);
    }
    out.extend(header_depth(fx)?);
    Ok(out)
}

/// `k` nested arrays, the innermost empty: `[[...[]...]]`, `k` levels deep.
fn nested(k: usize) -> Vec<u8> {
    let mut v = vec![0x81; k.saturating_sub(1)];
    v.push(0x80);
    v
}

/// The depth limit inside each protected header, whose content is counted as an item of its
/// own with its map at depth 1 (POUCH-ENV-080): parameter 100 holding `k` nested arrays
/// makes the header's depth `1 + k`.
fn header_depth(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    for (id, title, depth, code, description) in [
        (
            "env-limit-body-header-depth-at",
            "Nesting depth 24 inside the body protected header",
            MAX_DEPTH,
            None,
            "The body protected header gains private-use parameter -65537 (POUCH-ENV-014) holding 23 nested arrays, so the header's content (its map at depth 1) is exactly 24 levels deep: the limit. The envelope is sealed over that header by a trusted ES256 signer: it is valid.",
        ),
        (
            "env-limit-body-header-depth-over",
            "Nesting depth 25 inside the body protected header",
            MAX_DEPTH + 1,
            Some(s::ENVELOPE_LIMIT_EXCEEDED),
            "As env-limit-body-header-depth-at with 24 nested arrays: the header's content is 25 levels deep, refused before its parameters are read.",
        ),
    ] {
        out.push(body_case(fx, id, title, description, code, |body| {
            insert_params(
                body,
                BODY_POUCH_KEY,
                1,
                &extra_params(1, &nested(depth - 1)),
            )
        })?);
    }
    let es256 = fx.named("es256")?;
    let t = rfc3339(NOW)?;
    let plain = SealHeaderSpec::es256(&es256.chain, &t).encode();
    for (id, title, depth, code, description) in [
        (
            "env-limit-seal-header-depth-at",
            "Nesting depth 24 inside a seal protected header",
            MAX_DEPTH,
            None,
            "An ES256 seal whose protected header gains private-use parameter -65537 (POUCH-ENV-014) holding 23 nested arrays, so the header's content is exactly 24 levels deep: the limit; the seal is re-signed by its trusted signer. The seal is valid and trusted.",
        ),
        (
            "env-limit-seal-header-depth-over",
            "Nesting depth 25 inside a seal protected header",
            MAX_DEPTH + 1,
            Some(s::SEAL_HEADER_LIMIT_EXCEEDED),
            "As env-limit-seal-header-depth-at with 24 nested arrays: 25 levels, a fault of that seal alone (`seal.header-limit-exceeded`, POUCH-ENV-101); the envelope decodes.",
        ),
    ] {
        let (_, p, _) = honest(fx, id, "SECRET")?;
        let protected = insert_params(
            &plain,
            SEAL_POUCH_KEY,
            1,
            &extra_params(1, &nested(depth - 1)),
        )?;
        let mut c = Case::new(id, title, description, PRIVATE_REQS);
        c.algorithms = vec![Algorithm::Es256];
        c.envelope = craft::one_seal(&es256, &p.body, &p.payload, protected)?;
        c.expect = match code {
            Some(code) => report(vec![seal_fault(code)], s::SEAL_POLICY_UNSATISFIED),
            None => report(vec![trusted()], s::SEAL_POLICY_SATISFIED),
        };
        c.cddl = Some(Some("valid"));
        out.push(c);
    }
    Ok(out)
}
