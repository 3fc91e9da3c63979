//! The error type shared by the checker, the reader and the map builder.

/// Why an input was rejected, or why a read failed.
///
/// Every error carries the byte offset of the item head at which the fault
/// was found (see [`Error::position`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {position}")]
pub struct Error {
    kind: ErrorKind,
    position: usize,
}

impl Error {
    /// Builds an error of `kind` found at byte offset `position`.
    pub(crate) fn new(kind: ErrorKind, position: usize) -> Self {
        Self { kind, position }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Byte offset of the item head where the fault was found.
    ///
    /// For [`ErrorKind::UnsortedMapKeys`] and [`ErrorKind::DuplicateMapKey`]
    /// this is the offset of the offending (second) key; for
    /// [`ErrorKind::TrailingBytes`] it is the offset of the first trailing
    /// byte; for [`ErrorKind::TooLarge`] it is 0.
    pub fn position(&self) -> usize {
        self.position
    }
}

/// The kinds of [`Error`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The input ends before the item does: `expected` bytes are needed from
    /// the error position, only `actual` are left.
    #[error("input ends early: {expected} bytes needed, {actual} left")]
    Incomplete {
        /// Bytes needed from the error position (a lower bound for arrays and maps).
        expected: usize,
        /// Bytes left from the error position.
        actual: usize,
    },
    /// Bytes remain after the single data item.
    #[error("{count} trailing bytes after the data item")]
    TrailingBytes {
        /// Number of bytes after the item.
        count: usize,
    },
    /// Additional information 28, 29 or 30 (reserved, not well-formed).
    #[error("reserved additional information value {value}")]
    ReservedAdditionalInfo {
        /// The additional information value (28..=30).
        value: u8,
    },
    /// An indefinite-length string, array or map, or additional information
    /// 31 on a major type that has no indefinite form.
    #[error("indefinite-length encoding is not deterministic")]
    IndefiniteLength,
    /// A "break" stop code (0xff) outside an indefinite-length item.
    #[error("unexpected break stop code")]
    UnexpectedBreak,
    /// An integer, length, tag number or simple value not in its shortest head form.
    #[error("argument not encoded in its shortest form")]
    NonShortestArgument,
    /// A float that a shorter float encoding represents exactly, or a NaN
    /// other than `0xf97e00`.
    #[error("float not encoded in its shortest form")]
    NonShortestFloat,
    /// A simple value other than false (20), true (21), null (22) and
    /// undefined (23): unassigned one-byte values 0..=19, and every
    /// two-byte (`0xf8 xx`) simple value (values below 32 are not
    /// well-formed; all others are unassigned).
    #[error("simple value {value} is not allowed")]
    InvalidSimpleValue {
        /// The simple value.
        value: u8,
    },
    /// A text string that is not valid UTF-8.
    #[error("text string is not valid UTF-8")]
    InvalidUtf8,
    /// A map key that does not sort after the previous key (bytewise
    /// lexicographic order of the encoded keys, RFC 8949 §4.2.1).
    #[error("map keys are not sorted by their encoded bytes")]
    UnsortedMapKeys,
    /// A map key equal to the previous key.
    #[error("duplicate map key")]
    DuplicateMapKey,
    /// Arrays, maps and tags nest deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    #[error("nesting deeper than the limit of {limit}")]
    DepthExceeded {
        /// The depth limit in force.
        limit: usize,
    },
    /// More data items than [`Limits::max_items`](crate::Limits::max_items).
    #[error("more data items than the limit of {limit}")]
    TooManyItems {
        /// The item limit in force.
        limit: usize,
    },
    /// The input is longer than [`Limits::max_bytes`](crate::Limits::max_bytes).
    #[error("input of {actual} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// The byte limit in force.
        limit: usize,
        /// The input length.
        actual: usize,
    },
    /// A string length or element count that could not fit even in an input
    /// of [`Limits::max_bytes`](crate::Limits::max_bytes), so no longer input
    /// could complete it (shorter claims that run past the end of the input
    /// are [`ErrorKind::Incomplete`]).
    #[error("length {claimed} cannot fit in the {available} bytes available")]
    LengthExceedsInput {
        /// The length (strings) or element count (arrays, maps) in the head.
        claimed: u64,
        /// Bytes left in the input after the head.
        available: usize,
    },
    /// A [`Reader`](crate::Reader) method found another type of item.
    #[error("expected {expected}, found {found}")]
    UnexpectedType {
        /// What the method reads.
        expected: &'static str,
        /// What the next item is.
        found: &'static str,
    },
    /// An integer that does not fit the requested Rust type.
    #[error("integer out of range")]
    IntegerOutOfRange,
}
