//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use pouch_policy::{Limits, Policy};

/// The project root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The third-party label reference data, which stays outside the project (a test using it
/// starts with `pouch_reference::require!`).
pub(crate) fn reference(rel: &str) -> PathBuf {
    pouch_reference::path(pouch_reference::Suite::Labels).join(rel)
}

/// Loads a reference SPIF, panicking with the loader's error.
pub(crate) fn spif(rel: &str) -> Policy {
    let bytes = std::fs::read(reference(rel)).unwrap();
    Policy::load(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
