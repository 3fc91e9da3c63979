//! Bad input: each fault has its own status code; no input panics; every single-bit change
//! of an envelope is caught.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::*;
use pouch::{Envelope, Limits, Report, Verifier};
use pouch_cbor::Encoder;
use pouch_crypto::Algorithm;
use pouch_status::{self as codes, StatusCode};

fn verify(bytes: &[u8]) -> Report {
    Verifier::without_trust(pouch_crypto_awslc::provider()).verify(bytes, None)
}

fn assert_code(report: &Report, code: StatusCode, what: &str) {
    assert!(report.has(code), "{what}: expected {code}, got {report:#?}");
    assert!(!report.is_valid(), "{what}: reported valid");
}

/// A valid envelope taken apart: body header, payload, and one signer to make seals.
struct Parts {
    body: Vec<u8>,
    payload: Vec<u8>,
    signer: Signer,
    leaf: Vec<u8>,
    /// The protected header of a valid seal by `signer`.
    protected: Vec<u8>,
}

fn parts() -> Parts {
    let p = pouch_crypto_awslc::provider();
    let signer = signer(p, "NOR", Algorithm::Es256);
    let env = Envelope::decode(&embedded(p, &signer, b"record"), &Limits::default()).unwrap();
    Parts {
        body: env.body_protected_bytes().to_vec(),
        payload: env.payload().to_vec(),
        leaf: signer.chain[0].clone(),
        protected: seal_header(Some(-7), &["pouch"], None, &signer.chain[0]),
        signer,
    }
}

impl Parts {
    /// The envelope with one seal, of the protected header `protected`, signed by the signer.
    fn signed_with(&self, protected: Vec<u8>) -> Vec<u8> {
        let sig = sign(&self.signer, &self.body, &protected, &self.payload);
        assemble(&self.body, &self.payload, &[(protected, empty_map(), sig)])
    }
}

fn empty_map() -> Vec<u8> {
    vec![0xa0]
}

#[test]
fn alg_only_in_the_unprotected_header_is_named() {
    let p = parts();
    let protected = seal_header(None, &["pouch"], None, &p.leaf);
    let sig = sign(&p.signer, &p.body, &protected, &p.payload);
    let mut u = Encoder::new();
    u.map(1).u64(1).i64(-7);
    let env = assemble(&p.body, &p.payload, &[(protected, u.into_bytes(), sig)]);
    assert_code(
        &verify(&env),
        codes::SEAL_ALG_UNPROTECTED,
        "alg unprotected",
    );
}

#[test]
fn an_unknown_critical_header_is_named() {
    let p = parts();
    let protected = seal_header(Some(-7), &["pouch"], Some(99), &p.leaf);
    let env = p.signed_with(protected);
    assert_code(
        &verify(&env),
        codes::SEAL_UNKNOWN_CRITICAL_HEADER,
        "unknown crit",
    );
}

#[test]
fn an_unregistered_algorithm_is_named() {
    let p = parts();
    let protected = seal_header(Some(-999), &["pouch"], None, &p.leaf);
    let env = p.signed_with(protected);
    let r = verify(&env);
    assert_code(&r, codes::SEAL_ALG_UNREGISTERED, "unregistered alg");
    assert_eq!(r.seals[0].algorithm.as_deref(), Some("-999"));
}

#[test]
fn a_seal_with_no_signature_is_named() {
    let p = parts();
    let env = assemble(
        &p.body,
        &p.payload,
        &[(p.protected, empty_map(), Vec::new())],
    );
    assert_code(
        &verify(&env),
        codes::SEAL_SIGNATURE_MISSING,
        "empty signature",
    );
}

#[test]
fn a_hand_written_valid_seal_verifies() {
    // The fixtures above differ from this one by one fault each; this proves the rest valid.
    let p = parts();
    let env = p.signed_with(p.protected.clone());
    assert!(verify(&env).is_valid(), "{:#?}", verify(&env));
}

#[test]
fn duplicate_keys_trailing_bytes_and_non_deterministic_encodings_are_named() {
    let p = parts();
    // A duplicate key in the (empty) body unprotected header: {1: 1, 1: 1}.
    let env = assemble_with(&p.body, &[0xa2, 0x01, 0x01, 0x01, 0x01], &p.payload, &[]);
    assert_code(
        &verify(&env),
        codes::ENVELOPE_DUPLICATE_KEY,
        "duplicate key",
    );

    let good = embedded(pouch_crypto_awslc::provider(), &p.signer, b"record");
    let mut trailing = good.clone();
    trailing.push(0x00);
    assert_code(
        &verify(&trailing),
        codes::ENVELOPE_TRAILING_BYTES,
        "trailing bytes",
    );

    for variant in pouch_cbor::testing::non_deterministic_variants(&good)
        .into_iter()
        .take(40)
    {
        let r = verify(&variant);
        assert_code(
            &r,
            codes::ENVELOPE_NOT_DETERMINISTIC,
            "non-deterministic variant",
        );
    }
}

#[test]
fn structural_faults_are_named() {
    let p = parts();
    let sig = sign(&p.signer, &p.body, &p.protected, &p.payload);
    // Untagged.
    let env = assemble(
        &p.body,
        &p.payload,
        &[(p.protected.clone(), empty_map(), sig.clone())],
    );
    assert_code(&verify(&env[2..]), codes::ENVELOPE_MALFORMED, "untagged");
    // A non-empty body unprotected header.
    let mut kid = Encoder::new();
    kid.map(1).u64(4).bytes(b"kid");
    let seals = [(p.protected.clone(), empty_map(), sig.clone())];
    let env = assemble_with(&p.body, &kid.into_bytes(), &p.payload, &seals);
    assert_code(
        &verify(&env),
        codes::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY,
        "kid",
    );
    // No seal at all.
    let env = assemble(&p.body, &p.payload, &[]);
    assert_code(&verify(&env), codes::ENVELOPE_MALFORMED, "no seal");
    // Too many seals.
    let many: Vec<_> = (0..17)
        .map(|_| (p.protected.clone(), empty_map(), sig.clone()))
        .collect();
    let env = assemble(&p.body, &p.payload, &many);
    assert_code(&verify(&env), codes::ENVELOPE_LIMIT_EXCEEDED, "17 seals");
    // Every truncation.
    let good = embedded(pouch_crypto_awslc::provider(), &p.signer, b"record");
    for n in 0..good.len() {
        let r = verify(&good[..n]);
        assert!(!r.is_valid() && !r.envelope.is_empty(), "cut at {n}");
    }
}

#[test]
fn an_unsupported_format_version_is_named() {
    let p = parts();
    // Rewrite the envelope header's version field 1 -> 2 in the body (key 1, value 1: 01 01
    // right after the "pouch" text key and map(4) head a4).
    let needle = [0x65, b'p', b'o', b'u', b'c', b'h', 0xa4, 0x01, 0x01];
    let at = p
        .body
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    let mut body = p.body.clone();
    body[at + needle.len() - 1] = 0x02;
    let sig = sign(&p.signer, &body, &p.protected, &p.payload);
    let env = assemble(&body, &p.payload, &[(p.protected, empty_map(), sig)]);
    assert_code(
        &verify(&env),
        codes::ENVELOPE_VERSION_UNSUPPORTED,
        "version 2",
    );
}

/// Flips every bit of one envelope per algorithm: each flip must make verification fail
/// with an error-severity code, never pass and never panic.
#[test]
fn every_single_bit_flip_is_caught_for_every_algorithm() {
    let p = pouch_crypto_awslc::provider();
    let v = Verifier::without_trust(p);
    for alg in Algorithm::ALL {
        let s = signer(p, "SWE", alg);
        let good = embedded(p, &s, b"r");
        assert!(v.verify(&good, None).is_valid());
        let mut seen = std::collections::BTreeMap::<&str, usize>::new();
        for bit in 0..good.len() * 8 {
            let mut bad = good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let r = v.verify(&bad, None);
            let first_error = r
                .entries()
                .find(|e| e.code.severity() == pouch_status::Severity::Error)
                .unwrap_or_else(|| panic!("{alg}: flipping bit {bit} went unnoticed"));
            *seen.entry(first_error.code.id()).or_default() += 1;
        }
        eprintln!(
            "{alg}: {} bits flipped, first errors: {seen:?}",
            good.len() * 8
        );
    }
}

#[test]
fn random_bytes_never_panic_the_verifier() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let good = embedded(pouch_crypto_awslc::provider(), &parts().signer, b"record");
    for round in 0..2_000 {
        let mut bytes = good.clone();
        for _ in 0..(round % 7 + 1) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x as usize) % bytes.len();
            bytes[i] = (x >> 32) as u8;
        }
        let _ = verify(&bytes);
    }
}
