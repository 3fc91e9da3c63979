//! The constants agree with `spec/registries/status-codes.toml`, entry for entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registry {
    code: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    stage: String,
    severity: String,
    requirements: Vec<String>,
    description: String,
}

fn registry() -> Registry {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/registries/status-codes.toml"
    );
    let text = std::fs::read_to_string(path).expect("registry file");
    toml::from_str(&text).expect("registry parses")
}

#[test]
fn constants_match_registry_in_order() {
    let reg = registry();
    let ids: Vec<&str> = reg.code.iter().map(|e| e.id.as_str()).collect();
    let consts: Vec<&str> = pouch_status::ALL.iter().map(|c| c.id()).collect();
    assert_eq!(ids, consts, "registry and constants list different codes");
    for (entry, code) in reg.code.iter().zip(pouch_status::ALL) {
        assert_eq!(entry.stage, code.stage().as_str(), "stage of {}", entry.id);
        assert_eq!(
            entry.severity,
            code.severity().as_str(),
            "severity of {}",
            entry.id
        );
    }
}

#[test]
fn registry_entries_are_complete_and_unique() {
    let reg = registry();
    let mut seen = std::collections::BTreeSet::new();
    for e in &reg.code {
        assert!(seen.insert(e.id.clone()), "duplicate code {}", e.id);
        assert!(
            !e.description.trim().is_empty(),
            "{} has no description",
            e.id
        );
        assert!(!e.requirements.is_empty(), "{} cites no requirement", e.id);
        let (stage, rest) = e.id.split_once('.').expect("stage.name form");
        assert_eq!(stage, e.stage, "{} is not under its stage", e.id);
        assert!(
            rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} has characters outside [a-z-]",
            e.id
        );
    }
}
