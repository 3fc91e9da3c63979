//! The one size fault every Pouch decoder reports before it reads a byte.

use core::fmt;

/// An input larger than the byte limit its decoder was given. Each decoder checks the whole
/// input's length against its limit before reading anything, so nothing is allocated for an
/// input that is refused here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TooLarge {
    /// The limit in force, in bytes.
    pub limit: usize,
    /// The input's length, in bytes.
    pub actual: usize,
}

impl TooLarge {
    /// `Ok` when an input of `actual` bytes is within `limit` (an input of exactly the limit
    /// is accepted), else the fault.
    pub const fn check(actual: usize, limit: usize) -> Result<(), TooLarge> {
        if actual > limit {
            Err(TooLarge { limit, actual })
        } else {
            Ok(())
        }
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "input of {} bytes exceeds the limit of {} bytes",
            self.actual, self.limit
        )
    }
}

impl std::error::Error for TooLarge {}

/// The byte offset a decoder's message ends with, when it knows one: ` (byte 17)`, or nothing.
/// Every Pouch decoder that reports an offset words it this way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtByte(pub Option<u64>);

impl fmt::Display for AtByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(o) => write!(f, " (byte {o})"),
            None => Ok(()),
        }
    }
}
