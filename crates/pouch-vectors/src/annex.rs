//! Spec annex A: worked examples generated from the vectors.

use std::collections::BTreeMap;

use crate::Error;
use crate::manifest::Manifest;

/// Renders `spec/annex-a-examples.md` from the manifest and the vector files.
pub fn render(_manifest: &Manifest, _files: &BTreeMap<String, Vec<u8>>) -> Result<String, Error> {
    Ok(String::from("# Annex A\n"))
}
