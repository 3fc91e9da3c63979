//! Signer-chain validation against trust bundles (spec/04-trust.md): test PKIs from
//! `CoalitionSpec` and `CertificateBuilder`, CRLs from `build_crl`, both crypto backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "trust/support.rs"]
mod support;

use common::{NOW, build_spec, coalition, providers};
use pouch_crypto::Algorithm;
use pouch_status as status;
use pouch_testkit::{CertificateBuilder, CoalitionSpec, Profile, Validity};
use pouch_trust::{ChainValidator, certificate_serial};
use support::{
    DAY, YEAR, assert_untrusted, aws, aws_validator, bundle_for, ca_builder, chain, codes,
    current_crl, first_signer_chain, in_norway, issue, key, leaf_key, nations, refused_now,
    signer_name, validate_now, validity, with_crls,
};

#[test]
fn trusted_chains_for_every_algorithm_on_every_backend() {
    for (provider, _) in providers() {
        for alg in Algorithm::ALL {
            if alg == Algorithm::Ps256 && provider.name != aws().name {
                continue; // RSA key generation is slow in the pure-Rust backend
            }
            let coalition = coalition(provider, &nations(1), alg, &[alg]);
            let bundle = bundle_for(&coalition);
            let validator = ChainValidator::new(provider, &bundle).unwrap();
            let pki = &coalition.nations()[0];
            let verdict = validator.validate(&first_signer_chain(pki), NOW, NOW);
            assert!(verdict.trusted, "{alg} on {}: {verdict:#?}", provider.name);
            assert_eq!(verdict.nation, Some(0));
            assert_eq!(
                codes(&verdict),
                ["trust.signer-trusted", "trust.revocation-not-checked"]
            );
        }
    }
}

#[test]
fn mixed_algorithm_chain_ml_dsa_signer_under_ecdsa_root() {
    let coalition = coalition(aws(), &nations(1), Algorithm::Es384, &[Algorithm::MlDsa65]);
    let bundle = bundle_for(&coalition);
    let validator = aws_validator(&bundle);
    let pki = &coalition.nations()[0];
    let verdict = validator.validate(&first_signer_chain(pki), NOW, NOW);
    assert!(verdict.trusted, "{verdict:#?}");
}

#[test]
fn each_signer_is_placed_in_its_own_nation() {
    let coalition = coalition(aws(), &nations(3), Algorithm::Es256, &[Algorithm::Es256]);
    let bundle = bundle_for(&coalition);
    let validator = aws_validator(&bundle);
    for (i, pki) in coalition.nations().iter().enumerate() {
        let verdict = validator.validate(&first_signer_chain(pki), NOW, NOW);
        assert!(verdict.trusted, "{verdict:#?}");
        assert_eq!(verdict.nation, Some(i));
    }
}

#[test]
fn another_nations_signer_has_no_path() {
    let coalition = coalition(aws(), &nations(2), Algorithm::Es256, &[Algorithm::Es256]);
    let mut bundle = bundle_for(&coalition);
    bundle.nations.truncate(1); // trusts Norway only
    let validator = aws_validator(&bundle);
    let (nor, dnk) = (&coalition.nations()[0], &coalition.nations()[1]);
    let own = refused_now(
        &validator,
        &chain(dnk, &dnk.signers[0].certificate),
        status::TRUST_NO_PATH,
    );
    assert_eq!(own.nation, None);
    // Claiming Norway by presenting Norway's intermediate does not help either.
    let claimed = vec![
        dnk.signers[0].certificate.der().to_vec(),
        nor.intermediate.certificate.der().to_vec(),
    ];
    let verdict = refused_now(&validator, &claimed, status::TRUST_NO_PATH);
    assert_eq!(verdict.nation, None);
}

#[test]
fn expired_at_signing_is_an_error_expired_since_is_a_warning() {
    let long = Validity::new(NOW - 5 * YEAR, NOW + 5 * YEAR).unwrap();
    let spec = CoalitionSpec::new(Algorithm::EdDsa, &[Algorithm::EdDsa], NOW)
        .unwrap()
        .root_validity(long)
        .intermediate_validity(long)
        .signer_validity(Validity::new(NOW - 2 * YEAR, NOW - YEAR).unwrap());
    let coalition = build_spec(aws(), &spec, &nations(1));
    let bundle = bundle_for(&coalition);
    let validator = aws_validator(&bundle);
    let pki = &coalition.nations()[0];
    let x5chain = first_signer_chain(pki);

    let since = validator.validate(&x5chain, NOW - YEAR - DAY, NOW);
    assert!(since.trusted, "{since:#?}");
    assert!(
        since.has(status::TRUST_NOT_VALID_AT_VERIFICATION),
        "{since:#?}"
    );

    let at_signing = refused_now(&validator, &x5chain, status::TRUST_NOT_VALID_AT_SIGNING);
    assert_eq!(at_signing.nation, Some(0), "the path exists, only not then");
    // The same verdicts from a validator that meets the chain first at NOW.
    let fresh = aws_validator(&bundle);
    assert_eq!(fresh.validate(&x5chain, NOW, NOW), at_signing);
    assert_eq!(fresh.validate(&x5chain, NOW - YEAR - DAY, NOW), since);
}

#[test]
fn not_yet_valid_at_signing() {
    let spec = CoalitionSpec::new(Algorithm::Es256, &[Algorithm::Es256], NOW)
        .unwrap()
        .signer_validity(Validity::new(NOW + DAY, NOW + YEAR).unwrap());
    let coalition = build_spec(aws(), &spec, &nations(1));
    let bundle = bundle_for(&coalition);
    let validator = aws_validator(&bundle);
    let pki = &coalition.nations()[0];
    let verdict = refused_now(
        &validator,
        &first_signer_chain(pki),
        status::TRUST_NOT_VALID_AT_SIGNING,
    );
    // Regression (found by vector env-signer-not-yet-valid): a path never valid at signing
    // is not also "valid at signing, expired since", the warning's meaning.
    assert!(
        !verdict
            .entries
            .iter()
            .any(|(c, _)| *c == status::TRUST_NOT_VALID_AT_VERIFICATION),
        "{verdict:#?}"
    );
    let later = validator.validate(&first_signer_chain(pki), NOW + 2 * DAY, NOW + 2 * DAY);
    assert!(later.trusted, "{later:#?}");
}

#[test]
fn signing_time_in_the_future_allows_five_minutes_of_skew() {
    in_norway(Algorithm::Es256, |pki, validator| {
        let leaf = first_signer_chain(pki);
        assert!(validator.validate(&leaf, NOW + 300, NOW).trusted);
        assert_untrusted(
            &validator.validate(&leaf, NOW + 301, NOW),
            status::TRUST_SIGNING_TIME_IN_FUTURE,
        );
    });
}

#[test]
fn revoked_leaf_is_an_error() {
    let coalition = coalition(aws(), &nations(1), Algorithm::Es384, &[Algorithm::Es384]);
    let pki = &coalition.nations()[0];
    let leaf = &pki.signers[0].certificate;
    let serial = certificate_serial(leaf.der()).unwrap();
    let bundle = with_crls(&coalition, &[b"\x01\x02", &serial], true);
    let validator = aws_validator(&bundle);
    let verdict = refused_now(&validator, &chain(pki, leaf), status::TRUST_REVOKED);
    assert_eq!(verdict.nation, Some(0));
}

#[test]
fn full_crl_coverage_has_no_warning_and_gaps_are_named() {
    let coalition = coalition(aws(), &nations(1), Algorithm::Es384, &[Algorithm::Es384]);
    let pki = &coalition.nations()[0];
    let leaf = first_signer_chain(pki);
    let full = with_crls(&coalition, &[b"\x01\x02"], true);
    let verdict = validate_now(&full, &leaf);
    assert_eq!(codes(&verdict), ["trust.signer-trusted"]);

    let partial = with_crls(&coalition, &[], false);
    let verdict = validate_now(&partial, &leaf);
    assert!(verdict.trusted, "{verdict:#?}");
    let (code, detail) = &verdict.entries[1];
    assert_eq!(*code, status::TRUST_REVOCATION_NOT_CHECKED);
    assert!(
        detail.as_deref().unwrap().contains("intermediate 1"),
        "{detail:?}"
    );
}

#[test]
fn a_crl_of_another_issuer_revokes_nothing() {
    let coalition = coalition(aws(), &nations(2), Algorithm::Es256, &[Algorithm::Es256]);
    let (nor, dnk) = (&coalition.nations()[0], &coalition.nations()[1]);
    let leaf = &nor.signers[0].certificate;
    let serial = certificate_serial(leaf.der()).unwrap();
    // Denmark's intermediate "revokes" Norway's signer's serial.
    let crl = current_crl(&dnk.intermediate, &[&serial]);
    let mut bundle = bundle_for(&coalition);
    bundle.nations[1].crls.push(crl);
    let verdict = validate_now(&bundle, &chain(nor, leaf));
    assert!(verdict.trusted, "{verdict:#?}");
    assert!(verdict.has(status::TRUST_REVOCATION_NOT_CHECKED));
}

#[test]
fn leaf_without_digital_signature() {
    in_norway(Algorithm::Es256, |pki, validator| {
        let spki = leaf_key(aws(), &pki.nation, Algorithm::Es256).public_key_spki();
        let builder = CertificateBuilder::new(
            signer_name(pki, "commitment"),
            spki,
            validity(),
            Profile::ContentCommitmentOnly,
        )
        .extended_key_usage(vec![pouch_crypto::oid::KP_DOCUMENT_SIGNING]);
        let leaf = issue(aws(), pki, builder);
        let verdict = refused_now(validator, &chain(pki, &leaf), status::TRUST_KEY_USAGE);
        assert_eq!(verdict.nation, Some(0));
    });
}

#[test]
fn leaf_without_document_signing_eku() {
    in_norway(Algorithm::Es256, |pki, validator| {
        let spki = leaf_key(aws(), &pki.nation, Algorithm::Es256).public_key_spki();
        for usages in [vec![], vec![pouch_crypto::oid::KP_EMAIL_PROTECTION]] {
            let builder =
                CertificateBuilder::signer(signer_name(pki, "no eku"), spki.clone(), validity())
                    .extended_key_usage(usages.clone());
            let leaf = issue(aws(), pki, builder);
            refused_now(
                validator,
                &chain(pki, &leaf),
                status::TRUST_EXTENDED_KEY_USAGE,
            );
        }
        // documentSigning among others is fine.
        let builder = CertificateBuilder::signer(signer_name(pki, "several"), spki, validity())
            .extended_key_usage(vec![
                pouch_crypto::oid::KP_EMAIL_PROTECTION,
                pouch_crypto::oid::KP_DOCUMENT_SIGNING,
            ]);
        let leaf = issue(aws(), pki, builder);
        assert!(validator.validate(&chain(pki, &leaf), NOW, NOW).trusted);
    });
}

#[test]
fn ca_certificate_as_leaf() {
    in_norway(Algorithm::Es256, |pki, validator| {
        let spki = leaf_key(aws(), &pki.nation, Algorithm::Es256).public_key_spki();
        let builder = CertificateBuilder::ca(signer_name(pki, "ca leaf"), spki, validity(), None)
            .extended_key_usage(vec![pouch_crypto::oid::KP_DOCUMENT_SIGNING]);
        let leaf = issue(aws(), pki, builder);
        refused_now(validator, &chain(pki, &leaf), status::TRUST_LEAF_IS_CA);
    });
}

#[test]
fn sub_ca_under_a_path_length_zero_intermediate_breaks_path_constraints() {
    in_norway(Algorithm::EdDsa, |pki, validator| {
        let sub_key = leaf_key(aws(), &pki.nation, Algorithm::EdDsa);
        let sub = issue(aws(), pki, ca_builder(pki, "sub CA", sub_key.as_ref()));
        let leaf_spki = sub_key.public_key_spki(); // any key will do for the leaf
        let leaf =
            CertificateBuilder::signer(signer_name(pki, "deep signer"), leaf_spki, validity())
                .issue(aws(), &sub, sub_key.as_ref())
                .unwrap();
        let x5chain = vec![
            leaf.der().to_vec(),
            sub.der().to_vec(),
            pki.intermediate.certificate.der().to_vec(),
        ];
        refused_now(validator, &x5chain, status::TRUST_PATH_CONSTRAINTS);
    });
}

#[test]
fn bad_certificate_signature() {
    in_norway(Algorithm::EdDsa, |pki, validator| {
        let mut x5chain = first_signer_chain(pki);
        let last = x5chain[0].len() - 1;
        x5chain[0][last] ^= 0x01; // inside the Ed25519 signature
        refused_now(validator, &x5chain, status::TRUST_BAD_CERTIFICATE_SIGNATURE);
    });
}

#[test]
fn chain_too_long_is_refused_before_parsing() {
    in_norway(Algorithm::Es256, |pki, validator| {
        let mut x5chain = first_signer_chain(pki);
        let int = x5chain[1].clone();
        x5chain.resize(8, int); // eight is the limit, duplicates are harmless
        assert!(validator.validate(&x5chain, NOW, NOW).trusted);
        x5chain.push(b"not even DER".to_vec());
        let verdict = validator.validate(&x5chain, NOW, NOW);
        assert_eq!(codes(&verdict), ["trust.chain-too-long"]);
        assert_eq!(verdict.nation, None);
    });
}

#[test]
fn garbage_and_damaged_der_give_codes_not_panics() {
    in_norway(Algorithm::EdDsa, |pki, validator| {
        let good = first_signer_chain(pki);
        for junk in [
            &b""[..],
            b"\x30",
            b"\x30\x80\x00\x00",
            b"\xff\xff\xff",
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        ] {
            refused_now(
                validator,
                &[junk.to_vec()],
                status::TRUST_CERTIFICATE_MALFORMED,
            );
            let verdict = validator.validate(&[good[0].clone(), junk.to_vec()], NOW, NOW);
            assert!(!verdict.trusted, "{verdict:#?}");
        }
        assert_untrusted(&validator.validate(&[], NOW, NOW), status::TRUST_NO_PATH);
        let leaf = &good[0];
        for cut in 0..leaf.len() {
            assert!(
                !validator
                    .validate(&[leaf[..cut].to_vec(), good[1].clone()], NOW, NOW)
                    .trusted
            );
        }
        for i in 0..leaf.len() {
            let mut damaged = leaf.clone();
            damaged[i] ^= 0x01;
            let verdict = validator.validate(&[damaged, good[1].clone()], NOW, NOW);
            assert!(!verdict.trusted, "flipping byte {i}: {verdict:#?}");
        }
    });
}

#[test]
fn intermediate_cycle_terminates_without_a_path() {
    let coalition = coalition(aws(), &nations(2), Algorithm::EdDsa, &[Algorithm::EdDsa]);
    let (nor, dnk) = (&coalition.nations()[0], &coalition.nations()[1]);
    // A and B certify each other; the leaf is under A; the bundle trusts only Denmark.
    let a_key = leaf_key(aws(), &nor.nation, Algorithm::EdDsa);
    let b_key = key(aws(), &nor.intermediate);
    let b_self = ca_builder(nor, "B", b_key.as_ref())
        .self_sign(aws(), b_key.as_ref())
        .unwrap();
    let a = ca_builder(nor, "A", a_key.as_ref())
        .issue(aws(), &b_self, b_key.as_ref())
        .unwrap();
    let b = ca_builder(nor, "B", b_key.as_ref())
        .issue(aws(), &a, a_key.as_ref())
        .unwrap();
    let leaf = CertificateBuilder::signer(
        signer_name(nor, "looped"),
        a_key.public_key_spki(),
        validity(),
    )
    .issue(aws(), &a, a_key.as_ref())
    .unwrap();
    let mut bundle = bundle_for(&coalition);
    bundle.nations.remove(0);
    let x5chain = vec![
        leaf.der().to_vec(),
        a.der().to_vec(),
        b.der().to_vec(),
        b_self.der().to_vec(),
    ];
    let verdict = validate_now(&bundle, &x5chain);
    assert_untrusted(&verdict, status::TRUST_NO_PATH);
    let _ = dnk;
}

#[test]
fn country_must_match_the_nation() {
    let coalition = coalition(aws(), &nations(1), Algorithm::Es256, &[Algorithm::Es256]);
    let pki = &coalition.nations()[0];
    let leaf = first_signer_chain(pki);
    let mut bundle = bundle_for(&coalition);
    bundle.nations[0].country = Some("DK".to_owned());
    let verdict = validate_now(&bundle, &leaf);
    assert_untrusted(&verdict, status::TRUST_COUNTRY_MISMATCH);
    assert_eq!(verdict.nation, Some(0));
    bundle.nations[0].country = None; // an organisation: any country
    assert!(validate_now(&bundle, &leaf).trusted);
}

#[test]
fn second_validation_is_served_from_the_cache_and_agrees_with_a_fresh_one() {
    let spec = CoalitionSpec::new(Algorithm::Es256, &[Algorithm::Es256], NOW)
        .unwrap()
        .signer_validity(Validity::new(NOW - 3600, NOW + YEAR).unwrap());
    let coalition = build_spec(aws(), &spec, &nations(1));
    let pki = &coalition.nations()[0];
    let leaf = first_signer_chain(pki);
    let bundle = bundle_for(&coalition);
    let cached = aws_validator(&bundle);
    let first = cached.validate(&leaf, NOW, NOW);
    assert!(first.trusted);
    assert_eq!((cached.cache_len(), cached.cache_hits()), (1, 0));
    assert_eq!(cached.validate(&leaf, NOW, NOW), first);
    assert_eq!((cached.cache_len(), cached.cache_hits()), (1, 1));
    let times = [NOW - YEAR, NOW - 7200, NOW, NOW + 2 * YEAR, NOW + 20 * YEAR];
    for signing in times {
        for verification in times {
            let fresh = aws_validator(&bundle);
            assert_eq!(
                cached.validate(&leaf, signing, verification),
                fresh.validate(&leaf, signing, verification),
                "signing {signing}, verification {verification}"
            );
        }
    }
    assert_eq!(cached.cache_len(), 1);
}

#[test]
fn bad_bundle_items_are_named() {
    let coalition = coalition(aws(), &nations(1), Algorithm::Es256, &[Algorithm::Es256]);
    let mut bundle = bundle_for(&coalition);
    bundle.nations[0].crls.push(b"junk".to_vec());
    let named = |err: pouch_trust::Error| {
        let place = err.place().cloned().unwrap();
        (place.nation_code().map(str::to_owned), place.field_name())
    };
    let err = ChainValidator::new(aws(), &bundle).err().unwrap();
    assert_eq!(named(err), (Some("NOR".into()), Some(("crls", Some(0)))));
    bundle.nations[0].anchors.push(vec![0x30, 0x00]);
    let err = ChainValidator::new(aws(), &bundle).err().unwrap();
    assert_eq!(named(err), (Some("NOR".into()), Some(("anchors", Some(1)))));
}
