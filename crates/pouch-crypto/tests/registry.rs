//! The algorithm registry file (`spec/registries/algorithms.toml`) and the Rust types agree,
//! both ways: every entry of the file is a variant with the same facts, and every variant is in
//! the file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pouch_crypto::{Algorithm, DigestAlgorithm, Level};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registry {
    signature: Vec<Signature>,
    digest: Vec<Digest>,
    // Encryption entries (spec/10-encryption.md) are checked by crates/pouch-encrypt.
    #[allow(dead_code)]
    content: Vec<toml::Value>,
    #[allow(dead_code)]
    recipient: Vec<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Signature {
    name: String,
    cose: i64,
    level: String,
    #[serde(rename = "post-quantum")]
    post_quantum: bool,
    #[allow(dead_code)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Digest {
    name: String,
    cose: i64,
    level: String,
    #[allow(dead_code)]
    description: String,
}

fn registry() -> Registry {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/registries/algorithms.toml"
    );
    let text = std::fs::read_to_string(path).expect("read the algorithm registry");
    toml::from_str(&text).expect("parse the algorithm registry")
}

fn level(text: &str) -> Level {
    match text {
        "MUST" => Level::Must,
        "SHOULD" => Level::Should,
        other => panic!("unknown level {other:?}"),
    }
}

#[test]
fn signature_algorithms_match_the_registry() {
    let file = registry().signature;
    let from_file: Vec<_> = file
        .iter()
        .map(|s| (s.name.as_str(), s.cose, level(&s.level), s.post_quantum))
        .collect();
    let from_code: Vec<_> = Algorithm::ALL
        .iter()
        .map(|a| (a.name(), a.cose_id(), a.level(), a.is_post_quantum()))
        .collect();
    // Same entries in the same (registry) order, so both directions hold.
    assert_eq!(from_file, from_code);
    for s in &file {
        let alg = Algorithm::from_cose_id(s.cose).expect("registered id");
        assert_eq!(Algorithm::from_name(&s.name), Some(alg));
    }
}

#[test]
fn digest_algorithms_match_the_registry() {
    let file = registry().digest;
    let from_file: Vec<_> = file.iter().map(|d| (d.name.as_str(), d.cose)).collect();
    let from_code: Vec<_> = DigestAlgorithm::ALL
        .iter()
        .map(|d| (d.name(), d.cose_id()))
        .collect();
    assert_eq!(from_file, from_code);
    // The registry only has MUST digests; the type has no level, so check the file says so.
    assert!(file.iter().all(|d| level(&d.level) == Level::Must));
    for d in &file {
        assert_eq!(
            DigestAlgorithm::from_cose_id(d.cose).map(|a| a.name()),
            Some(d.name.as_str())
        );
    }
}
