//! spec/coverage.md is current, every MUST has a vector or a reasoned exemption, and the
//! exemption list holds nothing it need not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use pouch_vectors::coverage::{COVERAGE_FILE, compute};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn coverage_table_is_current_and_every_must_is_covered() {
    let c = compute(&root()).unwrap();
    println!("{}", c.summary());
    assert!(c.requirements.len() > 50, "requirements.md not read");
    let path = root().join(COVERAGE_FILE);
    let generated = c.render();
    pouch_testkit::assert_committed(
        &path,
        &generated,
        "UPDATE_SPEC",
        &format!(
            "{COVERAGE_FILE} is stale: run UPDATE_SPEC=1 cargo test -p pouch-vectors --test coverage"
        ),
    )
    .unwrap();
    assert_none(&[
        (c.unknown_citations(), "vectors cite unknown ids"),
        (c.uncovered_must(), "MUST requirements without a vector"),
        (c.needless_exemptions(), "exemptions that are not needed"),
    ]);
}

/// Each list of `lists` is empty, or the test fails with the list and what it means.
fn assert_none(lists: &[(Vec<String>, &str)]) {
    for (list, what) in lists {
        assert_eq!(list, &Vec::<String>::new(), "{what}");
    }
}

#[test]
fn every_registry_code_is_expected_by_a_vector_or_exempted_with_a_reason() {
    let c = compute(&root()).unwrap();
    assert!(c.codes.len() > 80, "the registry was not read");
    assert!(
        c.expected_codes.len() > 60,
        "the manifests' expectations were not read"
    );
    assert_none(&[
        (
            c.codes_without_vector(),
            "status codes no vector expects: add a vector, or an [[exempt-code]] with its reason to spec/coverage-exemptions.toml",
        ),
        (
            c.needless_code_exemptions(),
            "code exemptions that are not needed (the code has a vector, is not registered, or is listed twice)",
        ),
    ]);
    for e in &c.code_exemptions {
        assert!(
            e.reason.len() > 40,
            "{}: the reason says too little",
            e.code
        );
    }
}
