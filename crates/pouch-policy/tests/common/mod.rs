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

/// The reference SPIFs that load (the NATO v88 policy first).
pub(crate) const SPIFS: [&str; 8] = [
    "liturner-nmbs/NATO-Security-Policy-v88.spif.xml",
    "liturner-nmbs/PUBLIC-Security-Policy-v1.spif.xml",
    "fireflans-sparrow/config_spifs_ACME.xml",
    "fireflans-sparrow/config_spifs_nato.xml",
    "surevine-spiffing/test-data/nato-4774-policy.xml",
    "surevine-spiffing/test-data/tlp.xml",
    "surevine-spiffing/test-data/tlp-plus.xml",
    "surevine-spiffing/test-data/uk-demo.xml",
];

/// Loads a reference SPIF with the default limits.
pub(crate) fn load_spif(rel: &str) -> Result<Policy, pouch_policy::Error> {
    let bytes = std::fs::read(reference(rel)).unwrap();
    Policy::load(&bytes, &Limits::default())
}

/// Loads a reference SPIF, panicking with the loader's error.
pub(crate) fn spif(rel: &str) -> Policy {
    load_spif(rel).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The fixed creation time of the test labels.
pub(crate) fn created() -> DateTime {
    DateTime::from_unix(1_700_000_000, 0).unwrap()
}

/// A category `tag` of type `ty` with these generic values.
pub(crate) fn category(tag: &str, ty: CategoryType, values: &[&str]) -> Category {
    Category {
        tag_name: Text::new(tag).unwrap(),
        category_type: ty,
        uri: None,
        values: values
            .iter()
            .map(|v| CategoryValue::Generic(Text::new(*v).unwrap()))
            .collect(),
    }
}

/// A label of `policy` at `class` with these categories (tag name, type, values), created at a
/// fixed time.
pub(crate) fn label(policy: &str, class: &str, cats: &[(&str, CategoryType, &[&str])]) -> Label {
    let mut ci =
        ConfidentialityInformation::new(Token::new(policy).unwrap(), Token::new(class).unwrap());
    ci.categories = cats
        .iter()
        .map(|(t, ty, vs)| category(t, *ty, vs))
        .collect();
    Label::new(ci, created())
}
