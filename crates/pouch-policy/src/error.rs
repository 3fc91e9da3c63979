//! The one error type of this crate: what was wrong, in which element, on which line.

use core::fmt;

/// A SPIF (or a Surevine "spiffy" label or clearance) that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    element: String,
    line: usize,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, element: &str, line: usize) -> Self {
        Self {
            kind,
            element: element.to_owned(),
            line,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The local name of the element at fault (empty for the document as a whole).
    pub fn element(&self) -> &str {
        &self.element
    }

    /// The 1-based line of the element's start tag.
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.element.is_empty() {
            write!(f, "{} (line {})", self.kind, self.line)
        } else {
            write!(
                f,
                "{} in <{}> (line {})",
                self.kind, self.element, self.line
            )
        }
    }
}

impl std::error::Error for Error {}

/// What was wrong with a policy document.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A limit other than size was exceeded.
    #[error("more than {limit} {what}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Not well-formed or not namespace-well-formed XML, or a DTD or entity.
    #[error("XML: {0}")]
    Xml(String),
    /// The root is not a SPIF (or the expected document element).
    #[error("root element {0} is not {1}")]
    WrongRoot(String, &'static str),
    /// An element in a namespace the document may not use there.
    #[error("element {element} is in namespace {found:?}")]
    Namespace {
        /// The element's local name.
        element: String,
        /// Its namespace (empty for none).
        found: String,
    },
    /// A required element or attribute is absent.
    #[error("missing {0}")]
    Missing(&'static str),
    /// An element or attribute whose value the schema does not allow.
    #[error("invalid {what} {value:?}")]
    Invalid {
        /// What the value is.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// The same thing declared twice.
    #[error("duplicate {what} {value:?}")]
    Duplicate {
        /// What is duplicated (e.g. `excluded classification in category`).
        what: &'static str,
        /// The duplicated name or value.
        value: String,
    },
    /// A reference to something the SPIF does not declare.
    #[error("unknown {what} {value:?}")]
    Unknown {
        /// What kind of name was referred to.
        what: &'static str,
        /// The name.
        value: String,
    },
    /// The input is larger than the decoder's byte limit.
    #[error(transparent)]
    TooLarge(#[from] pouch_status::TooLarge),
}
