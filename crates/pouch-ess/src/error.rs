//! The one error type of this crate: what was wrong, and at which byte.

use core::fmt;

/// A label that could not be decoded or encoded.
///
/// `offset` is the byte offset in the input of the element at fault (its identifier octet),
/// when decoding; encoding errors have none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    offset: Option<usize>,
}

impl Error {
    pub(crate) fn at(kind: ErrorKind, offset: usize) -> Self {
        Self {
            kind,
            offset: Some(offset),
        }
    }

    pub(crate) fn encoding(kind: ErrorKind) -> Self {
        Self { kind, offset: None }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Byte offset in the input, when decoding.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            self.kind,
            pouch_status::AtByte(self.offset.map(|o| o as u64))
        )
    }
}

impl std::error::Error for Error {}

/// What was wrong with an ESS label's encoding or content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ends inside an element.
    #[error("input ends early: expected {expected}")]
    Truncated {
        /// What the decoder was reading.
        expected: &'static str,
    },
    /// A length claims more content than its enclosing element holds.
    #[error("length {claimed} runs past the {available} bytes available")]
    LengthOverrun {
        /// The length the element claims.
        claimed: u64,
        /// The bytes actually left in the enclosing element.
        available: usize,
    },
    /// A long-form length of more than eight octets, or the reserved octet 0xFF.
    #[error("unsupported length encoding")]
    BadLength,
    /// An indefinite length (0x80): BER allows it, Pouch does not (POUCH-ESS-011).
    #[error("indefinite length is not supported")]
    IndefiniteLength,
    /// An element whose tag is not the one the syntax allows here.
    #[error("expected {expected}, found tag 0x{found:02x}")]
    UnexpectedTag {
        /// What the syntax allows at this place.
        expected: &'static str,
        /// The identifier octet found.
        found: u8,
    },
    /// Bytes after the end of the element that should have ended the input or its parent.
    #[error("unexpected data after {after}")]
    TrailingData {
        /// The element that should have been the last.
        after: &'static str,
    },
    /// Elements nested deeper than the limit.
    #[error("elements nested deeper than {limit}")]
    DepthExceeded {
        /// The limit.
        limit: usize,
    },
    /// A count limit was exceeded.
    #[error("more than {limit} {what}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// An INTEGER that is empty or not in its shortest form.
    #[error("INTEGER is empty or not minimally encoded")]
    BadInteger,
    /// A negative INTEGER where the syntax allows only 0..MAX.
    #[error("negative INTEGER where {what} must be non-negative")]
    NegativeInteger {
        /// The field.
        what: &'static str,
    },
    /// An INTEGER above the largest value the field allows.
    #[error("{what} exceeds {max}")]
    IntegerTooLarge {
        /// The field.
        what: &'static str,
        /// The largest value allowed.
        max: u64,
    },
    /// A malformed OBJECT IDENTIFIER.
    #[error("bad OBJECT IDENTIFIER: {0}")]
    BadOid(&'static str),
    /// A malformed BIT STRING.
    #[error("bad BIT STRING: {0}")]
    BadBitString(&'static str),
    /// A string that breaks its type's rules.
    #[error("bad {what}: {reason}")]
    BadString {
        /// The field.
        what: &'static str,
        /// The rule broken.
        reason: &'static str,
    },
    /// A SET component that appears twice.
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// A label, or a collection, that the syntax requires to hold at least one element.
    #[error("empty {0}: the syntax requires at least one element")]
    Empty(&'static str),
    /// The input is valid BER but not DER, and DER was required.
    #[error("not DER: {0}")]
    NotDer(crate::BerDeviation),
    /// A value that this crate cannot encode as the syntax requires.
    #[error("cannot encode: {0}")]
    Unencodable(&'static str),
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
