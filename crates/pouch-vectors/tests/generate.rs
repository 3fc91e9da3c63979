//! The committed vectors and annex are exactly what the generator makes: CI and
//! `cargo test --workspace` catch any drift.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use pouch_vectors::{ExitClass, Manifest};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn regenerating_the_vectors_changes_no_byte() {
    let drift = pouch_vectors::check(&root()).unwrap();
    assert!(
        drift.is_empty(),
        "vectors drifted (run `cargo run -p pouch-vectors -- generate` and review):\n{}",
        drift
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn manifest() -> Manifest {
    Manifest::load(&root().join("test-vectors/envelopes/manifest.toml")).unwrap()
}

#[test]
fn every_vector_names_existing_files_and_known_codes() {
    let m = manifest();
    let dir = root().join("test-vectors/envelopes");
    for v in &m.vector {
        assert!(dir.join(&v.inputs.envelope).is_file(), "{}", v.id);
        let i = &v.inputs;
        for p in i
            .payload
            .iter()
            .chain(&i.trust)
            .chain(&i.policies)
            .chain(&i.clearance)
        {
            assert!(dir.join(p).is_file(), "{}: {p}", v.id);
        }
        assert!(i.clearance.is_none() || i.recipient.is_some(), "{}", v.id);
        let e = &v.expect;
        let all = e
            .envelope
            .iter()
            .chain(&e.label)
            .chain(&e.payload)
            .chain(&e.seal_policy)
            .chain(e.seals.iter().flat_map(|s| s.codes.iter().chain(&s.trust)))
            .chain(e.policy.iter().flat_map(|l| &l.codes))
            .chain(e.release.iter().flat_map(|r| &r.codes));
        for code in all {
            assert!(
                pouch_status::StatusCode::from_id(code).is_some(),
                "{}: {code} is not in the registry",
                v.id
            );
        }
        assert_eq!(e.exit, e.implied_exit(), "{}: exit class", v.id);
        assert!(!v.requirements.is_empty(), "{}: no requirement", v.id);
    }
}

/// The brief's list of cases, each present: a vector set that lost one fails here.
#[test]
fn the_required_kinds_of_vector_are_all_there() {
    let m = manifest();
    let has = |id: &str| m.vector.iter().any(|v| v.id == id);
    for id in [
        "env-alg-es256",
        "env-alg-es384",
        "env-alg-eddsa",
        "env-alg-ml-dsa-65",
        "env-detached-sha256",
        "env-detached-digest-mismatch",
        "env-multi-three-nations",
        "env-policy-hybrid-satisfied",
        "env-policy-hybrid-unsatisfied",
        "env-policy-nations-satisfied",
        "env-policy-nations-unsatisfied",
        "env-endorse-alternative-label",
        "env-tampered-label",
        "env-tampered-payload",
        "env-tampered-header",
        "env-tampered-signature",
        "env-nondeterministic-length",
        "env-unknown-critical-header",
        "env-seal-alg-unprotected",
        "env-seal-alg-unregistered",
        "env-signer-expired",
        "env-signer-not-yet-valid",
        "env-signer-revoked",
        "env-signer-no-digital-signature",
        "env-signer-untrusted",
        "env-nation-unauthorised-classification",
        "env-truncated",
        "env-oversize-seals",
    ] {
        assert!(has(id), "missing vector {id}");
    }
    let positive = m
        .vector
        .iter()
        .filter(|v| v.expect.exit == ExitClass::Valid)
        .count();
    assert!(positive >= 10 && m.vector.len() - positive >= 20);
}
