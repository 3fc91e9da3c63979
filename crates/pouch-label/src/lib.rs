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
    LabelElement, OriginatorId, StringError, SuccessionHandling, SuccessorLabel, Text, Token,
    XmlId,
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

/// One of a label's three equal representations (spec/02-label.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// ADatP-4774 XML.
    Xml,
    /// JSON (spec/label.schema.json).
    Json,
    /// Deterministic CBOR, the normative form.
    Cbor,
}

impl Form {
    /// The form's name as options spell it: `xml`, `json` or `cbor`.
    pub const fn name(self) -> &'static str {
        match self {
            Form::Xml => "xml",
            Form::Json => "json",
            Form::Cbor => "cbor",
        }
    }

    /// The form of `bytes`, told by the first byte that is not white space (after a UTF-8
    /// byte-order mark): `<` is XML, `{` JSON, anything else CBOR (whose label map starts
    /// with a major-type-5 byte, never one of those two).
    pub fn guess(bytes: &[u8]) -> Form {
        let first = bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(bytes)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        match first {
            Some(b'<') => Form::Xml,
            Some(b'{') => Form::Json,
            _ => Form::Cbor,
        }
    }
}

/// A label form name that is not `xml`, `json` or `cbor`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("label form {0:?}: expected json, xml or cbor")]
pub struct UnknownForm(pub String);

impl std::str::FromStr for Form {
    type Err = UnknownForm;

    fn from_str(s: &str) -> Result<Form, UnknownForm> {
        [Form::Xml, Form::Json, Form::Cbor]
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownForm(s.to_owned()))
    }
}

impl Label {
    /// Decodes a label in `form`, or in the form [`Form::guess`] tells when `None`. The XML
    /// form also gives the element the label was read from.
    pub fn decode(
        bytes: &[u8],
        form: Option<Form>,
        limits: &Limits,
    ) -> Result<(Option<LabelElement>, Label), Error> {
        match form.unwrap_or_else(|| Form::guess(bytes)) {
            Form::Xml => Label::from_xml(bytes, limits).map(|(r, l)| (Some(r), l)),
            Form::Json => Label::from_json(bytes, limits).map(|l| (None, l)),
            Form::Cbor => Label::from_cbor(bytes, limits).map(|l| (None, l)),
        }
    }

    /// Encodes the label in `form`; XML as the root element `role`.
    pub fn encode(&self, form: Form, role: LabelElement) -> Vec<u8> {
        match form {
            Form::Xml => self.to_xml(role).into_bytes(),
            Form::Json => self.to_json().into_bytes(),
            Form::Cbor => self.to_cbor(),
        }
    }

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
    pub fn from_xml(text: &[u8], limits: &Limits) -> Result<(LabelElement, Label), Error> {
        xml::decode(text, limits)
    }

    /// Encodes an ADatP-4774 XML document with the label as the root element of `role`.
    pub fn to_xml(&self, role: LabelElement) -> String {
        xml::encode(self, role)
    }

    /// A plain one-line marking: classification, privacy mark, then each category's tag name
    /// and values, e.g. `SECRET Releasable To FIN, SWE`. Policy-driven
    /// markings from a SPIF come with `pouch-policy`.
    pub fn marking(&self) -> String {
        check::plain_marking(self)
    }
}
