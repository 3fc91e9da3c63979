//! The front door: the builder's explicit trust choice, the verdict, one-call key loading,
//! and the sealer's refusal of an envelope over the limit (POUCH-ENV-052, POUCH-ENV-081).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

use pouch::{
    Error, ExitClass, LabelRef, SealOptions, Signer, Signers, Verifier, label_from_json, parse_time,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/envelopes")
}

fn provider() -> &'static pouch::CryptoProvider {
    pouch_crypto_awslc::provider()
}

fn signer(alg: &str) -> Signer {
    let pki = dir().join("pki/NOR");
    Signer::load(
        provider(),
        &pki.join(format!("signer-{alg}.key.pem")),
        &pki.join(format!("signer-{alg}.pem")),
    )
    .unwrap()
}

fn label() -> pouch::Label {
    label_from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
        "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION"]}]},
        "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#,
    )
    .unwrap()
}

fn sealed(alg: &str) -> Vec<u8> {
    let opts = SealOptions::new().signing_time(parse_time("2026-11-28T10:00:00Z").unwrap());
    signer(alg).seal(&label(), b"the record", &opts).unwrap()
}

#[test]
fn a_verifier_without_a_trust_choice_is_refused() {
    let e = Verifier::builder(provider()).build().unwrap_err();
    assert!(matches!(e, Error::TrustUnset), "{e}");
}

#[test]
fn without_trust_the_verdict_says_signers_were_not_checked() {
    let r = Verifier::without_trust(provider()).verify(&sealed("ES384"), None);
    let v = r.verdict();
    assert_eq!(v.exit, ExitClass::Valid);
    assert!(v.signatures_valid);
    assert_eq!(v.signers, Signers::NotChecked);
    assert!(
        !v.accepted(),
        "a signature nobody checked the signer of is not accepted"
    );
}

#[test]
fn with_the_bundle_policy_and_recipient_every_answer_is_given() {
    let at = parse_time("2026-11-28T11:00:00Z").unwrap();
    let base = Verifier::builder(provider())
        .trust(pouch::load_bundle(dir().join("pki/bundle.toml")).unwrap())
        .policy(pouch::load_policy(dir().join("policies/pouch-demo.spif.xml")).unwrap())
        .at(at);
    for alg in ["ES384", "EdDSA", "ML-DSA-65"] {
        let env = sealed(alg);
        let permitted = base
            .clone()
            .recipient(pouch::Recipient::new("DNK"))
            .build()
            .unwrap()
            .verify(&env, None);
        let v = permitted.verdict();
        assert!(
            v.accepted() && v.signers == Signers::Trusted,
            "{alg}: {v:?}"
        );
        assert_eq!((v.label_valid, v.releasable), (Some(true), Some(true)));
        assert_eq!(
            permitted.release.as_ref().unwrap().label,
            Some(LabelRef::Originator)
        );
        let denied = base
            .clone()
            .recipient(pouch::Recipient::new("SWE"))
            .build()
            .unwrap()
            .verify(&env, None)
            .verdict();
        assert_eq!(denied.exit, ExitClass::ReleaseDenied, "{alg}: {denied:?}");
        assert_eq!(denied.releasable, Some(false));
    }
}

#[test]
fn a_detached_record_is_streamed_from_any_reader() {
    let opts = SealOptions::new().signing_time(parse_time("2026-11-28T10:00:00Z").unwrap());
    let record = vec![7u8; 300_000];
    let env = signer("ES384")
        .seal_detached(
            &label(),
            &mut record.as_slice(),
            pouch::DigestAlgorithm::Sha256,
            &opts,
        )
        .unwrap();
    let v = Verifier::without_trust(provider());
    assert!(v.verify(&env, Some(&mut record.as_slice())).is_valid());
    let mut other = record.clone();
    other[299_999] ^= 1;
    let r = v.verify(&env, Some(&mut other.as_slice()));
    assert_eq!(r.class(), ExitClass::Payload);
}

/// Regression: an embedded record over the envelope limit was sealed into an envelope no
/// verifier accepts (issue 13's 65 MiB data loss); it is refused, naming the limit.
#[test]
fn an_embedded_record_over_the_envelope_limit_is_refused() {
    let limit = pouch::Limits::default().max_envelope_bytes;
    let s = signer("ES384");
    for size in [limit + 1, limit - 100] {
        let e = s
            .seal(&label(), &vec![0u8; size], &SealOptions::new())
            .unwrap_err();
        match e {
            Error::TooLarge {
                size: got,
                limit: l,
            } => {
                assert!(got > l && l == limit, "{got} {l}");
            }
            other => panic!("{size}: {other}"),
        }
    }
}

/// POUCH-ENV-080's whole-envelope limit at its edge (too large for a committed vector): an
/// envelope of exactly 64 MiB verifies, and the same bytes with one more are refused as
/// `envelope.limit-exceeded`, by their size, before anything else is read.
#[test]
fn an_envelope_of_exactly_the_size_limit_verifies_and_one_byte_more_is_refused() {
    let limit = pouch::Limits::default().max_envelope_bytes;
    let s = signer("ES384");
    // The envelope's overhead around a record whose bstr head is as long as the final one's
    // (five bytes from 64 KiB to 4 GiB); ES384 signatures have a fixed length.
    let probe = 1 << 20;
    let overhead = s
        .seal(&label(), &vec![0u8; probe], &SealOptions::new())
        .unwrap()
        .len()
        - probe;
    let mut env = s
        .seal(&label(), &vec![0x5a; limit - overhead], &SealOptions::new())
        .unwrap();
    assert_eq!(env.len(), limit);
    let v = Verifier::without_trust(provider());
    let r = v.verify(&env, None);
    assert!(r.is_valid(), "{:?}", r.envelope);
    env.push(0);
    let r = v.verify(&env, None);
    let ids: Vec<&str> = r.envelope.iter().map(|e| e.code.id()).collect();
    assert_eq!(ids, ["envelope.limit-exceeded"]);
}

#[test]
fn keys_and_chains_load_in_one_call_or_say_what_is_wrong() {
    let pki = dir().join("pki/NOR");
    let key = std::fs::read(pki.join("signer-EdDSA.key.pem")).unwrap();
    let chain = std::fs::read(pki.join("signer-EdDSA.pem")).unwrap();
    let s = Signer::from_key_and_chain(provider(), &key, &chain).unwrap();
    assert_eq!(s.algorithm(), pouch::Algorithm::EdDsa);
    assert_eq!(s.chain().len(), 2);
    assert!(matches!(
        Signer::from_key_and_chain(provider(), b"not a key", &chain),
        Err(Error::Key(_))
    ));
    assert!(matches!(
        Signer::from_key_and_chain(provider(), &key, b""),
        Err(Error::Certificate(_))
    ));
}
