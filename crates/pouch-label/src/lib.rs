#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cbor;
mod check;
mod error;
mod json;
mod model;
mod time;
pub mod xml;

pub use check::{Finding, check};
pub use error::{Error, ErrorKind};
pub use json::{LabelJson, json_schema};
pub use model::{
    BitString, Category, CategoryType, CategoryValue, ConfidentialityInformation, IdType, Label,
    OriginatorId, Role, StringError, SuccessionHandling, SuccessorLabel, Text, Token, XmlId,
};
pub use time::{DateTime, TimeError};

/// The XML namespace of ADatP-4774 confidentiality labels.
pub const NAMESPACE: &str = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0";

/// Decoder limits (spec/02-label.md §7). Every decoder of this crate enforces them before it
/// allocates; the defaults are the minimum every Pouch decoder MUST accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded label, in bytes, in any form.
    pub max_bytes: usize,
    /// Most `Category` elements in one `ConfidentialityInformation`.
    pub max_categories: usize,
    /// Most values in one category.
    pub max_values: usize,
    /// Longest string (token, text, URI, identifier), in bytes of UTF-8.
    pub max_string_bytes: usize,
    /// Deepest chain of `SuccessionHandling` (a label with one successor has depth 1).
    pub max_succession_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024,
            max_categories: 64,
            max_values: 512,
            max_string_bytes: 1024,
            max_succession_depth: 4,
        }
    }
}

impl Label {
    /// Decodes the normative CBOR form (spec/pouch.cddl `label`), strictly: deterministic
    /// encoding, no unknown keys, within `limits`.
    pub fn from_cbor(bytes: &[u8], limits: &Limits) -> Result<Label, Error> {
        cbor::decode(bytes, limits)
    }

    /// Decodes the CBOR form from a reader over one item that was already checked as part of
    /// an enclosing deterministic item (see [`pouch_cbor::Reader::item_reader`]), as an
    /// envelope header carries the label: every rule of [`Label::from_cbor`] applies except
    /// that the strict encoding check is not repeated. Error positions count from the label.
    pub fn from_cbor_item(reader: pouch_cbor::Reader<'_>, limits: &Limits) -> Result<Label, Error> {
        cbor::decode_item(reader, limits)
    }

    /// Encodes the normative, deterministic CBOR form.
    pub fn to_cbor(&self) -> Vec<u8> {
        cbor::encode(self)
    }

    /// Decodes the JSON form (spec/label.schema.json), strictly.
    pub fn from_json(text: &[u8], limits: &Limits) -> Result<Label, Error> {
        json::decode(text, limits)
    }

    /// Encodes the JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        json::encode(self)
    }

    /// Decodes an ADatP-4774 XML document whose root is a label element.
    pub fn from_xml(text: &[u8], limits: &Limits) -> Result<(Role, Label), Error> {
        xml::decode(text, limits)
    }

    /// Encodes an ADatP-4774 XML document with the label as the root element of `role`.
    pub fn to_xml(&self, role: Role) -> String {
        xml::encode(self, role)
    }

    /// A plain one-line marking: classification, privacy mark, then each category's tag name
    /// and values, e.g. `SECRET Releasable To FIN, SWE`. Policy-driven
    /// markings from a SPIF come with `pouch-policy`.
    pub fn marking(&self) -> String {
        check::plain_marking(self)
    }
}
