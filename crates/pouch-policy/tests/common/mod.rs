//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use pouch_label::{
    Category, CategoryType, CategoryValue, ConfidentialityInformation, DateTime, Label, Text, Token,
};
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

/// A label of `policy` at `class` with these categories (tag name, type, values), created at a
/// fixed time.
pub(crate) fn label(policy: &str, class: &str, cats: &[(&str, CategoryType, &[&str])]) -> Label {
    let mut ci =
        ConfidentialityInformation::new(Token::new(policy).unwrap(), Token::new(class).unwrap());
    ci.categories = cats
        .iter()
        .map(|(t, ty, vs)| Category {
            tag_name: Text::new(*t).unwrap(),
            category_type: *ty,
            uri: None,
            values: vs
                .iter()
                .map(|v| CategoryValue::Generic(Text::new(*v).unwrap()))
                .collect(),
        })
        .collect();
    Label::new(ci, DateTime::from_unix(1_700_000_000, 0).unwrap())
}
