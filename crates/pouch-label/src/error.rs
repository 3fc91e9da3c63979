//! The one error type of this crate: what was wrong and where.

use core::fmt;

use crate::model::StringError;
use crate::time::TimeError;

/// A label that could not be decoded, or a document that holds none.
///
/// `path` names the place in the label model, in the JSON member names of
/// spec/02-label.md (e.g. `/confidentialityInformation/categories/1/tagName`); `offset` is
/// the byte offset in the input where the decoder stood, when it knows one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    path: String,
    offset: Option<u64>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, path: impl Into<String>, offset: Option<u64>) -> Self {
        Self {
            kind,
            path: path.into(),
            offset,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Where in the label model (`/` for the whole label).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Byte offset in the input, when known.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = pouch_status::AtByte(self.offset);
        write!(f, "{} at {}{at}", self.kind, self.path)
    }
}

impl std::error::Error for Error {}

/// What was wrong with a label.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The CBOR is not well-formed deterministic CBOR.
    #[error("CBOR: {0}")]
    Cbor(pouch_cbor::ErrorKind),
    /// The JSON text does not parse or does not fit the label's JSON form.
    #[error("JSON: {0}")]
    Json(String),
    /// The XML is not well-formed or not namespace-well-formed.
    #[error("XML: {0}")]
    Xml(String),
    /// A required member is absent.
    #[error("missing {0}")]
    Missing(&'static str),
    /// A member the label form does not define.
    #[error("unknown member {0}")]
    Unknown(String),
    /// A member appears twice.
    #[error("duplicate member {0}")]
    Duplicate(String),
    /// A member has the wrong data type.
    #[error("expected {0}")]
    WrongType(&'static str),
    /// An optional collection is present but empty (absent is the only spelling of none).
    #[error("empty collection: omit it instead")]
    EmptyCollection,
    /// A string breaks its type's rules.
    #[error("{0}")]
    String(StringError),
    /// A date-time breaks its type's rules.
    #[error("{0}")]
    Time(TimeError),
    /// An `IDType` outside the schema's enumeration.
    #[error("unknown IDType {0:?}")]
    IdType(String),
    /// A category `Type` outside the schema's enumeration.
    #[error("unknown category Type {0:?}")]
    CategoryType(String),
    /// An `IntegerValue` outside `[0-9]+` or above 2^64-1.
    #[error("IntegerValue {0:?} is not an integer in 0..=18446744073709551615")]
    Integer(String),
    /// A decoder limit was exceeded.
    #[error("more than {limit} {what}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// An element is in the wrong namespace, or in none.
    #[error(
        "element {element} is in {}, expected urn:nato:stanag:4774:confidentialitymetadatalabel:1:0",
        found.as_deref().map_or_else(|| "no namespace".to_owned(), |n| format!("namespace {n}"))
    )]
    Namespace {
        /// The element's local name.
        element: String,
        /// Its namespace, if any.
        found: Option<String>,
    },
    /// The document's root (or the element given) is not a label element.
    #[error("{0} is not a confidentiality label element")]
    NotALabel(String),
    /// An element that the schema does not allow at this place.
    #[error("unexpected element {0}")]
    UnexpectedElement(String),
    /// An attribute the label schema does not define.
    #[error("unexpected attribute {0}")]
    UnexpectedAttribute(String),
    /// Character data where the schema allows only elements.
    #[error("unexpected text {0:?}")]
    UnexpectedText(String),
    /// A foreign-namespace extension element or attribute, which Pouch cannot carry
    /// losslessly and so refuses rather than drop (POUCH-LBL-041).
    #[error("extension {0} is not supported: Pouch labels carry no foreign extensions")]
    Extension(String),
    /// The document contains no label at all.
    #[error("no confidentiality label found")]
    NoLabel,
    /// The input is larger than the decoder's byte limit.
    #[error(transparent)]
    TooLarge(#[from] pouch_status::TooLarge),
}

impl ErrorKind {
    /// The variant's name, as the vector manifests spell the expected error.
    pub fn name(&self) -> &'static str {
        self.into()
    }
}
