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
    if std::env::var_os("UPDATE_SPEC").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COVERAGE_FILE} is stale: run UPDATE_SPEC=1 cargo test -p pouch-vectors --test coverage"
    );
    assert_eq!(
        c.unknown_citations(),
        Vec::<String>::new(),
        "vectors cite unknown ids"
    );
    assert_eq!(
        c.uncovered_must(),
        Vec::<String>::new(),
        "MUST requirements without a vector"
    );
    assert_eq!(
        c.needless_exemptions(),
        Vec::<String>::new(),
        "exemptions that are not needed"
    );
}
