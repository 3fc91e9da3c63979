//! Shared by the integration tests: paths and the vector manifests.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::path::PathBuf;

use serde::Deserialize;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The third-party reference data, which stays outside the project (a test using it starts
/// with `pouch_reference::require!`).
pub fn reference(rel: &str) -> PathBuf {
    pouch_reference::path(pouch_reference::Suite::Labels).join(rel)
}

/// One manifest entry of `test-vectors/labels/*-manifest.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    pub id: String,
    pub file: String,
    pub expect: String,
    pub error: Option<String>,
    pub path: Option<String>,
    pub schema: Option<String>,
    pub description: String,
    pub requirements: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    vector: Vec<Vector>,
}

/// Loads a manifest and the bytes of each of its files.
pub fn manifest(name: &str) -> Vec<(Vector, Vec<u8>)> {
    let dir = root().join("test-vectors/labels");
    let text = std::fs::read_to_string(dir.join(name)).expect("manifest readable");
    let m: Manifest = toml::from_str(&text).expect("manifest parses");
    m.vector
        .into_iter()
        .map(|v| {
            let bytes = std::fs::read(dir.join(&v.file))
                .unwrap_or_else(|e| panic!("{}: {}: {e}", v.id, v.file));
            (v, bytes)
        })
        .collect()
}
