//! Sealing, endorsing and verifying, with both crypto providers for every algorithm.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::*;
use pouch::{Content, Envelope, Limits, Payload, ReleaseApproval, Role, SealPolicy, Verifier};
use pouch_crypto::{Algorithm, DigestAlgorithm};
use pouch_status as codes;

#[test]
fn every_algorithm_seals_with_one_provider_and_verifies_with_both() {
    for sign_with in providers() {
        for alg in Algorithm::ALL {
            let s = signer(sign_with, "NOR", alg);
            let env = embedded(sign_with, &s, b"the record");
            for verify_with in providers() {
                let report = Verifier::without_trust(verify_with).verify(&env, None);
                assert!(
                    report.is_valid(),
                    "{alg} sealed by {} verified by {}: {:#?}",
                    sign_with.name,
                    verify_with.name,
                    report
                );
                assert!(report.has(codes::SEAL_SIGNATURE_VALID));
                assert_eq!(report.seals[0].algorithm.as_deref(), Some(alg.name()));
                assert_eq!(report.seals[0].country.as_deref(), Some("NO"));
            }
        }
    }
}

#[test]
fn decoded_envelope_keeps_every_fact() {
    let p = pouch_crypto_awslc::provider();
    let s = signer(p, "NOR", Algorithm::Es256);
    let bytes = embedded(p, &s, b"the record");
    let env = Envelope::decode(&bytes, &Limits::default()).unwrap();
    assert_eq!(env.header().id, [7; 16]);
    assert_eq!(env.header().created, now());
    assert_eq!(env.label(), &label());
    assert_eq!(env.payload(), b"the record");
    assert_eq!(
        env.header().content,
        Content::Embedded { content_type: None }
    );
    let h = env.seals()[0].header().unwrap();
    assert_eq!(h.role, Role::Originator);
    assert_eq!(h.chain, s.chain);
    assert_eq!(h.alg, -7);
    assert_eq!(env.to_bytes(), bytes, "re-encoding is the identity");
}

#[test]
fn detached_payload_streams_and_a_changed_record_is_caught() {
    for p in providers() {
        let s = signer(p, "FIN", Algorithm::EdDsa);
        let record: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        for digest in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha384] {
            let env = pouch::seal(
                p,
                &label(),
                Payload::Detached {
                    data: &mut record.as_slice(),
                    digest,
                    content_type: None,
                    location: Some("https://records.example.fi/r/1".into()),
                },
                &request(&s, Role::Originator),
                None,
                None,
            )
            .unwrap();
            let decoded = Envelope::decode(&env, &Limits::default()).unwrap();
            assert_eq!(decoded.payload().len(), digest.output_len());
            let v = Verifier::without_trust(p);
            let ok = v.verify(&env, Some(&mut record.as_slice()));
            assert!(
                ok.is_valid() && ok.has(codes::PAYLOAD_DIGEST_MATCH),
                "{ok:#?}"
            );
            let mut changed = record.clone();
            changed[123_456] ^= 1;
            let bad = v.verify(&env, Some(&mut changed.as_slice()));
            assert!(!bad.is_valid() && bad.has(codes::PAYLOAD_DIGEST_MISMATCH));
            assert!(
                bad.has(codes::SEAL_SIGNATURE_VALID),
                "the seal itself is still valid"
            );
            let unchecked = v.verify(&env, None);
            assert!(unchecked.has(codes::PAYLOAD_NOT_CHECKED));
            assert!(
                unchecked.is_valid(),
                "not checked is a warning, not a failure"
            );
        }
    }
}

#[test]
fn endorsing_appends_a_seal_without_changing_any_existing_byte() {
    let p = pouch_crypto_awslc::provider();
    let nor = signer(p, "NOR", Algorithm::Es384);
    let fin = signer(p, "FIN", Algorithm::MlDsa65);
    let first = embedded(p, &nor, b"record");
    let mut req = request(&fin, Role::Endorser);
    let alt = pouch_label::Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"FIN","classification":"SALAINEN"},
            "creationDateTime":"2026-11-28T10:00:00Z"}"#,
        &pouch_label::Limits::default(),
    )
    .unwrap();
    req.alternative_label = Some(alt.clone());
    req.release = Some(ReleaseApproval {
        recipients: vec!["SWE".into()],
        note: Some("ok".into()),
    });
    let second = pouch::endorse(&first, &req, &Limits::default()).unwrap();

    let a = Envelope::decode(&first, &Limits::default()).unwrap();
    let b = Envelope::decode(&second, &Limits::default()).unwrap();
    assert_eq!(a.body_protected_bytes(), b.body_protected_bytes());
    assert_eq!(a.payload(), b.payload());
    assert_eq!(
        a.seals()[0].protected_bytes(),
        b.seals()[0].protected_bytes()
    );
    assert_eq!(a.seals()[0].signature(), b.seals()[0].signature());
    let h = b.seals()[1].header().unwrap();
    assert_eq!(h.alternative_label.as_ref(), Some(&alt));
    assert_eq!(h.release.as_ref().unwrap().recipients, ["SWE"]);
    assert_eq!(h.role, Role::Endorser);

    for v in providers() {
        let r = Verifier::without_trust(v).verify(&second, None);
        assert!(r.is_valid(), "{r:#?}");
        assert_eq!(r.seals.len(), 2);
    }
}

#[test]
fn seal_policies_count_only_valid_seals() {
    let p = pouch_crypto_awslc::provider();
    let classical = signer(p, "NOR", Algorithm::Es384);
    let pq = signer(p, "NOR", Algorithm::MlDsa65);
    let finland = signer(p, "FIN", Algorithm::EdDsa);
    let one = embedded(p, &classical, b"r");
    let hybrid = pouch::endorse(&one, &request(&pq, Role::Originator), &Limits::default()).unwrap();
    let two_nations =
        pouch::endorse(&one, &request(&finland, Role::Endorser), &Limits::default()).unwrap();

    let v = Verifier::builder(p)
        .seal_policy(SealPolicy::Hybrid)
        .without_trust()
        .build()
        .unwrap();
    assert!(v.verify(&hybrid, None).has(codes::SEAL_POLICY_SATISFIED));
    let r = v.verify(&one, None);
    assert!(r.has(codes::SEAL_POLICY_UNSATISFIED) && !r.is_valid());
    assert!(
        v.verify(&two_nations, None)
            .has(codes::SEAL_POLICY_UNSATISFIED)
    );

    let v = v
        .to_builder()
        .seal_policy(SealPolicy::Nations {
            threshold: 2,
            nations: vec!["NO".into(), "FI".into(), "SE".into()],
        })
        .build()
        .unwrap();
    assert!(
        v.verify(&two_nations, None)
            .has(codes::SEAL_POLICY_SATISFIED)
    );
    assert!(
        v.verify(&hybrid, None).has(codes::SEAL_POLICY_UNSATISFIED),
        "one nation twice is one nation"
    );

    // A restricted algorithm list makes a seal not allowed, and the policy fails.
    let v = Verifier::builder(p)
        .allowed([Algorithm::MlDsa65])
        .without_trust()
        .build()
        .unwrap();
    let r = v.verify(&one, None);
    assert!(r.has(codes::SEAL_ALG_NOT_ALLOWED) && r.has(codes::SEAL_POLICY_UNSATISFIED));
}

/// A registered algorithm the verifier's provider does not implement is the seal's
/// `seal.alg-unsupported` (POUCH-ENV-070), not a failed signature, and no key is tried.
#[test]
fn a_registered_algorithm_the_provider_lacks_is_unsupported() {
    let full = pouch_crypto_awslc::provider();
    let es384 = signer(full, "NOR", Algorithm::Es384);
    let env = embedded(full, &es384, b"r");
    // The same provider without ES384.
    let without: Vec<&'static dyn pouch_crypto::SignatureScheme> = full
        .signatures
        .iter()
        .copied()
        .filter(|s| s.algorithm() != Algorithm::Es384)
        .collect();
    let lacking: &'static pouch_crypto::CryptoProvider =
        Box::leak(Box::new(pouch_crypto::CryptoProvider {
            name: "aws-lc-rs without ES384",
            signatures: Box::leak(without.into_boxed_slice()),
            ..*full
        }));
    let r = Verifier::builder(lacking)
        .without_trust()
        .build()
        .unwrap()
        .verify(&env, None);
    let ids: Vec<&str> = r.seals[0].codes.iter().map(|e| e.code.id()).collect();
    assert_eq!(ids, ["seal.alg-unsupported"], "{r:#?}");
    assert!(r.has(codes::SEAL_POLICY_UNSATISFIED) && !r.is_valid());
    // The full provider verifies the same envelope.
    assert!(Verifier::without_trust(full).verify(&env, None).is_valid());
}

#[test]
fn the_originator_labels_advisory_rules_are_reported_as_warnings() {
    let p = pouch_crypto_awslc::provider();
    let s = signer(p, "NOR", Algorithm::EdDsa);
    let no_review = pouch_label::Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET"},
            "creationDateTime":"2026-11-28T10:00:00Z"}"#,
        &pouch_label::Limits::default(),
    )
    .unwrap();
    let env = pouch::seal(
        p,
        &no_review,
        Payload::Embedded {
            data: b"r",
            content_type: Some(pouch::ContentType::Media("text/plain".into())),
        },
        &request(&s, Role::Originator),
        None,
        None,
    )
    .unwrap();
    let r = Verifier::without_trust(p).verify(&env, None);
    assert!(r.is_valid());
    assert!(r.has(codes::LABEL_REVIEW_TIME_MISSING));
}

/// coset, an independent COSE implementation, parses every envelope Pouch writes and
/// computes the same to-be-signed bytes.
#[test]
fn coset_agrees_on_structure_and_sig_structure() {
    use coset::TaggedCborSerializable;
    let p = pouch_crypto_awslc::provider();
    let nor = signer(p, "NOR", Algorithm::Es256);
    let fin = signer(p, "FIN", Algorithm::MlDsa44);
    let env = pouch::endorse(
        &embedded(p, &nor, b"record"),
        &request(&fin, Role::Endorser),
        &Limits::default(),
    )
    .unwrap();
    let sign = coset::CoseSign::from_tagged_slice(&env).unwrap();
    let ours = Envelope::decode(&env, &Limits::default()).unwrap();
    assert_eq!(sign.signatures.len(), 2);
    for i in 0..2 {
        let theirs = sign.tbs_data(&[], &sign.signatures[i]);
        assert_eq!(Some(theirs), ours.to_be_signed(i), "seal {i}");
    }
    assert_eq!(sign.payload.as_deref(), Some(b"record".as_slice()));
    assert_eq!(
        sign.signatures[0].protected.header.alg,
        Some(coset::Algorithm::Assigned(coset::iana::Algorithm::ES256))
    );
    assert_eq!(
        sign.clone().to_tagged_vec().unwrap(),
        env,
        "coset re-encodes the same bytes"
    );
}

/// The CDDL of spec/pouch.cddl accepts what the implementation writes.
#[test]
fn envelopes_validate_against_the_cddl() {
    let cddl = pouch_testkit::envelope_cddl("root = pouch-envelope").unwrap();
    let p = pouch_crypto_awslc::provider();
    let s = signer(p, "SWE", Algorithm::Es256);
    let fin = signer(p, "FIN", Algorithm::EdDsa);
    let one = embedded(p, &s, b"record");
    let two = pouch::endorse(&one, &request(&fin, Role::Endorser), &Limits::default()).unwrap();
    for env in [one, two] {
        if let Err(e) = cddl::validate_cbor_from_slice(&cddl, &env, None) {
            panic!("CDDL rejects an envelope the implementation wrote: {e}");
        }
    }
    // And it refuses the same bytes tagged as a COSE_Sign1 (tag 18, d2) instead of 98 (d8 62).
    let good = embedded(p, &s, b"record");
    assert_eq!(good[..2], [0xd8, 0x62]);
    let mut bad = vec![0xd2];
    bad.extend_from_slice(&good[2..]);
    assert!(cddl::validate_cbor_from_slice(&cddl, &bad, None).is_err());
}
