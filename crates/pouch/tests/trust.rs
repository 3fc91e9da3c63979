//! The trust stage: signature valid and signer trusted are reported apart, per seal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{NOW, label, now};
use pouch::{Limits, Report, Role, SealPolicy, SealRequest, Verifier};
use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_label::{DateTime, Label};
use pouch_status as codes;
use pouch_testkit::Issued;

fn provider() -> &'static CryptoProvider {
    pouch_crypto_awslc::provider()
}

fn fixture() -> &'static common::Demo {
    common::demo()
}

fn issued(nation: &str, alg: Algorithm) -> (&'static Issued, Vec<u8>) {
    let n = fixture().pki.coalition.nation(nation).unwrap();
    (
        n.signer(alg).unwrap(),
        n.intermediate.certificate.der().to_vec(),
    )
}

fn bad(name: &str) -> (&'static Issued, Vec<u8>) {
    let f = fixture();
    let b = f.pki.bad_signers.iter().find(|b| b.name == name).unwrap();
    (
        &b.issued,
        f.pki
            .coalition
            .nation("NOR")
            .unwrap()
            .intermediate
            .certificate
            .der()
            .to_vec(),
    )
}

fn key(i: &Issued) -> Box<dyn SigningKey> {
    provider()
        .signature(i.algorithm)
        .unwrap()
        .signing_key(&i.pkcs8)
        .unwrap()
}

fn seal_with(
    label: &Label,
    (i, intermediate): (&Issued, Vec<u8>),
    signing_time: DateTime,
) -> Vec<u8> {
    let k = key(i);
    let req = SealRequest::originator(
        k.as_ref(),
        vec![i.certificate.der().to_vec(), intermediate],
        signing_time,
    );
    common::seal_record(provider(), label, &req)
}

fn endorse_with(env: &[u8], (i, intermediate): (&Issued, Vec<u8>)) -> Vec<u8> {
    let k = key(i);
    let req = SealRequest {
        key: k.as_ref(),
        chain: vec![i.certificate.der().to_vec(), intermediate],
        role: Role::Endorser,
        signing_time: now(),
        alternative_label: None,
        release: None,
    };
    pouch::endorse(env, &req, &Limits::default()).unwrap()
}

fn verify_at(env: &[u8], policy: SealPolicy, at: i64) -> Report {
    let f = fixture();
    Verifier::builder(provider())
        .seal_policy(policy)
        .at(DateTime::from_unix(at, 0).unwrap())
        .trust(f.bundle.clone())
        .build()
        .unwrap()
        .verify(env, None)
}

fn verify(env: &[u8]) -> Report {
    verify_at(env, SealPolicy::AllValid, NOW + 60)
}

#[test]
fn trusted_signers_of_every_demo_algorithm_are_trusted() {
    for alg in pouch_testkit::DEMO_SIGNER_ALGORITHMS {
        let env = seal_with(&label(), issued("NOR", alg), now());
        let r = verify(&env);
        assert!(r.is_valid() && r.signers_trusted(), "{alg}: {r:#?}");
        assert_eq!(r.seals[0].nation.as_deref(), Some("NOR"));
        assert!(
            !r.has(codes::TRUST_REVOCATION_NOT_CHECKED),
            "the demo bundle has every CRL"
        );
    }
}

#[test]
fn a_revoked_signer_is_valid_but_not_trusted() {
    let env = seal_with(&label(), bad("revoked"), now());
    let r = verify(&env);
    assert!(r.signatures_valid(), "{r:#?}");
    assert!(!r.is_valid() && !r.signers_trusted());
    assert!(r.has(codes::TRUST_REVOKED));
}

#[test]
fn an_expired_signer_and_one_without_digital_signature_are_named() {
    let r = verify(&seal_with(&label(), bad("expired"), now()));
    assert!(
        r.signatures_valid() && r.has(codes::TRUST_NOT_VALID_AT_SIGNING),
        "{r:#?}"
    );
    let r = verify(&seal_with(&label(), bad("no-digital-signature"), now()));
    assert!(
        r.signatures_valid() && r.has(codes::TRUST_KEY_USAGE),
        "{r:#?}"
    );
}

#[test]
fn expiry_after_signing_is_a_warning_and_a_future_signing_time_an_error() {
    let env = seal_with(&label(), issued("DNK", Algorithm::EdDsa), now());
    // Three years on, every certificate of the path has expired; the seal was made in time.
    // Expiry is a warning; the demo CRLs are stale by then, and revocation is required by
    // default (POUCH-TRUST-031), so the signer is no longer trusted for that reason alone.
    let r = verify_at(&env, SealPolicy::AllValid, NOW + 3 * 365 * 86_400);
    assert!(r.has(codes::TRUST_NOT_VALID_AT_VERIFICATION), "{r:#?}");
    assert!(r.has(codes::TRUST_REVOCATION_UNKNOWN), "{r:#?}");
    assert!(!r.has(codes::TRUST_NOT_VALID_AT_SIGNING), "{r:#?}");
    // Within the CRLs' life, after the signer expired: a warning only.
    let r = verify_at(&env, SealPolicy::AllValid, NOW + 800 * 86_400);
    assert!(r.has(codes::TRUST_NOT_VALID_AT_VERIFICATION), "{r:#?}");
    assert!(r.is_valid(), "a warning only: {r:#?}");
    // A verifier whose clock is a day before the signing time.
    let r = verify_at(&env, SealPolicy::AllValid, NOW - 86_400);
    assert!(
        r.has(codes::TRUST_SIGNING_TIME_IN_FUTURE) && !r.is_valid(),
        "{r:#?}"
    );
}

#[test]
fn authorisation_covers_policy_and_classification() {
    // The Netherlands may seal NATO only up to CONFIDENTIAL; the label is NATO SECRET.
    let r = verify(&seal_with(&label(), issued("NLD", Algorithm::Es384), now()));
    assert!(
        r.signatures_valid() && r.has(codes::TRUST_UNAUTHORISED_CLASSIFICATION),
        "{r:#?}"
    );
    let national = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NOR","classification":"HEMMELIG"},
            "creationDateTime":"2026-11-28T09:00:00Z"}"#,
        &pouch_label::Limits::default(),
    )
    .unwrap();
    let r = verify(&seal_with(
        &national,
        issued("NOR", Algorithm::Es384),
        now(),
    ));
    assert!(r.has(codes::TRUST_UNAUTHORISED_POLICY), "{r:#?}");
}

#[test]
fn a_nation_missing_from_the_bundle_has_no_path_and_does_not_count() {
    let f = fixture();
    let mut partial = f.bundle.clone();
    partial.nations.retain(|n| n.code != "DNK");
    let env = endorse_with(
        &seal_with(&label(), issued("NOR", Algorithm::Es384), now()),
        issued("DNK", Algorithm::EdDsa),
    );
    let v = Verifier::builder(provider())
        .at(DateTime::from_unix(NOW + 60, 0).unwrap())
        .seal_policy(SealPolicy::Nations {
            threshold: 2,
            nations: vec!["NOR".into(), "DNK".into()],
        })
        .trust(partial)
        .build()
        .unwrap();
    let r = v.verify(&env, None);
    assert!(
        r.seals[1].signature_valid()
            && r.seals[1]
                .trust
                .iter()
                .any(|e| e.code == codes::TRUST_NO_PATH),
        "{r:#?}"
    );
    assert!(
        r.has(codes::SEAL_POLICY_UNSATISFIED),
        "an untrusted seal is no nation's seal"
    );
    // With the whole bundle, two nations sealed.
    let r = verify_at(
        &env,
        SealPolicy::Nations {
            threshold: 2,
            nations: vec!["NOR".into(), "DNK".into()],
        },
        NOW + 60,
    );
    assert!(
        r.has(codes::SEAL_POLICY_SATISFIED) && r.is_valid(),
        "{r:#?}"
    );
}

#[test]
fn an_invalid_signature_gets_no_trust_codes() {
    let mut env = seal_with(&label(), issued("NOR", Algorithm::Es384), now());
    let n = env.len();
    env[n - 5] ^= 0x01;
    let r = verify(&env);
    assert!(r.has(codes::SEAL_SIGNATURE_INVALID));
    assert!(r.seals[0].trust.is_empty());
}

/// POUCH-TRUST-002: the trust stage's bound on x5chain holds even when a verifier raises its
/// decoder's. With the default limits a ninth certificate is the seal's
/// `seal.header-limit-exceeded`; with the decoder's limit raised to nine, the seal's signature
/// is checked and valid and the trust stage refuses the chain as `trust.chain-too-long`.
#[test]
fn a_chain_over_eight_is_too_long_for_trust_even_when_the_decoder_allows_it() {
    let f = fixture();
    let (i, intermediate) = issued("NOR", Algorithm::Es384);
    let k = key(i);
    let mut chain = vec![i.certificate.der().to_vec()];
    chain.resize(9, intermediate); // duplicates of the intermediate: harmless but for length
    let req = SealRequest::originator(k.as_ref(), chain, now());
    let env = common::seal_record(provider(), &label(), &req);
    let seal_codes = |r: &Report| -> (Vec<&str>, Vec<&str>) {
        let s = &r.seals[0];
        (
            s.codes.iter().map(|e| e.code.id()).collect(),
            s.trust.iter().map(|e| e.code.id()).collect(),
        )
    };
    let default = verify(&env);
    assert_eq!(
        seal_codes(&default),
        (vec!["seal.header-limit-exceeded"], vec![])
    );
    let raised = Verifier::builder(provider())
        .at(DateTime::from_unix(NOW + 60, 0).unwrap())
        .limits(Limits {
            max_chain_len: 9,
            ..Limits::default()
        })
        .trust(f.bundle.clone())
        .build()
        .unwrap()
        .verify(&env, None);
    assert_eq!(
        seal_codes(&raised),
        (vec!["seal.signature-valid"], vec!["trust.chain-too-long"]),
        "{raised:#?}"
    );
    assert!(!raised.is_valid());
}
