//! The malformed-input corpus (spec/07-conformance.md §7.8) against the reference adapter,
//! and every single-bit flip of the base through the reference library in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use pouch::Verifier;
use pouch_vectors::conform::{self, Adapter, Verdict};
use pouch_vectors::malformed::{
    FlipFeed, MALFORMED_DIR, MalformedManifest, Mutation, check_outcome, inputs,
};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn manifest_path() -> PathBuf {
    root().join(MALFORMED_DIR).join("manifest.toml")
}

fn exceptions() -> Vec<conform::Exception> {
    conform::load_exceptions(&root().join("conformance/exceptions/reference-adapter.toml")).unwrap()
}

#[test]
fn the_reference_adapter_meets_every_case_or_a_listed_divergence() {
    let adapter = Adapter::parse(env!("CARGO_BIN_EXE_pouch-conformance-adapter")).unwrap();
    let results = pouch_vectors::malformed::run(
        &adapter,
        &manifest_path(),
        &exceptions(),
        FlipFeed::AdapterPerByte,
    )
    .unwrap();
    let failed: Vec<String> = results
        .vectors
        .iter()
        .filter_map(|v| match &v.verdict {
            Verdict::Fail { differences } => Some(format!("{}: {}", v.id, differences.join("; "))),
            Verdict::Skip { missing } => Some(format!("{}: skipped ({missing:?})", v.id)),
            _ => None,
        })
        .collect();
    println!("malformed corpus: {:?}", results.tally());
    assert!(failed.is_empty(), "failures:\n{}", failed.join("\n"));
    let m = MalformedManifest::load(&manifest_path()).unwrap();
    assert_eq!(results.vectors.len(), m.case.len());
    assert_eq!(
        results.tally()["KnownDivergence"],
        exceptions()
            .iter()
            .filter(|e| e.id.starts_with(conform::MALFORMED_PREFIX))
            .count()
    );
}

/// Every flip (8 per byte), fed to the library the adapter wraps: thousands of adapter
/// processes would take minutes, the library takes seconds, and the invariants are the
/// same ones the runner checks on the adapter's output.
#[test]
fn every_bit_flip_of_the_base_is_refused_with_a_typed_report() {
    let m = MalformedManifest::load(&manifest_path()).unwrap();
    let dir = root().join(MALFORMED_DIR);
    let mut seen = 0;
    for case in m
        .case
        .iter()
        .filter(|c| c.mutation == Mutation::FlipAllBits)
    {
        assert!(
            case.trust.is_none(),
            "the in-process run has no trust stage"
        );
        let file = std::fs::read(dir.join(&case.input)).unwrap();
        let v = Verifier::builder(pouch_crypto_awslc::provider())
            .at(pouch_label::DateTime::parse_canonical(&case.at).unwrap())
            .without_trust()
            .build()
            .unwrap();
        let all = inputs(case, &file, false);
        assert_eq!(all.len(), file.len() * 8);
        let mut classes = std::collections::BTreeMap::new();
        for (what, bytes) in all {
            let report = v.verify(&bytes, None);
            let exit = pouch_vectors::adapter::exit_class(&report);
            *classes.entry(exit.name()).or_insert(0usize) += 1;
            let problem = check_outcome(
                case,
                &report.to_json().to_string(),
                Some(i32::from(exit.code())),
            );
            assert!(problem.is_none(), "{} {what}: {problem:?}", case.id);
            seen += 1;
        }
        println!("{}: {} flips, classes {classes:?}", case.id, file.len() * 8);
    }
    assert!(seen > 1000, "no flip case in the corpus");
}

#[test]
fn the_checker_notices_a_wrong_outcome() {
    let m = MalformedManifest::load(&manifest_path()).unwrap();
    let trunc = m
        .case
        .iter()
        .find(|c| c.mutation == Mutation::TruncateAll)
        .unwrap();
    // A valid report with exit 0 is not what a truncation may produce.
    let valid = r#"{"envelope":[{"code":"envelope.well-formed"}],"seals":[{"codes":[{"code":"seal.signature-valid"}]}],"seal_policy":[{"code":"seal-policy.satisfied"}]}"#;
    assert!(check_outcome(trunc, valid, Some(0)).is_some());
    assert!(check_outcome(trunc, "not json", Some(3)).is_some());
    // The right class with the wrong code.
    let other = r#"{"envelope":[{"code":"envelope.trailing-bytes"}]}"#;
    assert!(check_outcome(trunc, other, Some(3)).is_some());
    let right = r#"{"envelope":[{"code":"envelope.malformed"}]}"#;
    assert_eq!(check_outcome(trunc, right, Some(3)), None);
}
