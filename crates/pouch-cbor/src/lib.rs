#![doc = include_str!("../README.md")]

mod check;
mod encoder;
mod error;
mod head;
mod reader;
mod seq;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod float_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod seq_tests;
#[cfg(test)]
mod tests;

pub use check::{check, check_prefix};
pub use encoder::{Encoder, MapBuilder};
pub use error::{Error, ErrorKind};
pub use reader::{Kind, Reader};
pub use seq::{Frame, SequenceError, SequenceItem, SequenceReader, frame};

/// Resource limits applied by [`check`], [`check_prefix`] and [`Reader::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Longest input accepted, in bytes, checked before anything else
    /// ([`ErrorKind::TooLarge`]). Default: 16 MiB (16,777,216).
    pub max_bytes: usize,
    /// Deepest nesting of arrays, maps and tags ([`ErrorKind::DepthExceeded`]).
    /// A top-level scalar is at depth 0; each array, map or tag is one level
    /// deeper than its enclosing container, so `[]` and `1(0)` have depth 1
    /// and `[[1]]` depth 2. Empty containers count. Default: 16.
    pub max_depth: usize,
    /// Most data items visited ([`ErrorKind::TooManyItems`]); every head
    /// counts, including each map key and value, each array element, each
    /// tag and its content. Default: 65,536.
    pub max_items: usize,
}

impl Limits {
    /// The default limits: 16 MiB, depth 16, 65,536 items.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 16 * 1024 * 1024,
        max_depth: 16,
        max_items: 65_536,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
