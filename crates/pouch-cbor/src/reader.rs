//! A zero-copy pull reader over checked input.

use crate::head::{
    self, Head, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_MAP, MAJOR_NEGATIVE, MAJOR_SIMPLE, MAJOR_TAG,
    MAJOR_TEXT, MAJOR_UNSIGNED,
};
use crate::{Error, ErrorKind, Limits, check};

/// The type of the next data item, as seen by [`Reader::peek_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Major type 0.
    Unsigned,
    /// Major type 1.
    Negative,
    /// Major type 2.
    Bytes,
    /// Major type 3.
    Text,
    /// Major type 4.
    Array,
    /// Major type 5.
    Map,
    /// Major type 6.
    Tag,
    /// false, true, null or undefined.
    Simple,
    /// Half, single or double precision float.
    Float,
}

impl Kind {
    /// A short human-readable name, as used in [`ErrorKind::UnexpectedType`].
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unsigned => "unsigned integer",
            Kind::Negative => "negative integer",
            Kind::Bytes => "byte string",
            Kind::Text => "text string",
            Kind::Array => "array",
            Kind::Map => "map",
            Kind::Tag => "tag",
            Kind::Simple => "simple value",
            Kind::Float => "float",
        }
    }

    fn of(head: &Head) -> Kind {
        match head.major {
            MAJOR_UNSIGNED => Kind::Unsigned,
            MAJOR_NEGATIVE => Kind::Negative,
            MAJOR_BYTES => Kind::Bytes,
            MAJOR_TEXT => Kind::Text,
            MAJOR_ARRAY => Kind::Array,
            MAJOR_MAP => Kind::Map,
            MAJOR_TAG => Kind::Tag,
            _ if (25..=27).contains(&head.ai) => Kind::Float,
            _ => Kind::Simple,
        }
    }
}

/// Names a head for [`ErrorKind::UnexpectedType`], telling simple values apart.
fn describe(head: &Head) -> &'static str {
    match (head.major, head.ai) {
        (MAJOR_SIMPLE, 20 | 21) => "bool",
        (MAJOR_SIMPLE, 22) => "null",
        (MAJOR_SIMPLE, 23) => "undefined",
        _ => Kind::of(head).name(),
    }
}

/// A pull reader over one deterministic data item.
///
/// [`Reader::new`] runs [`check`] first, so the whole input is known to be
/// one well-formed deterministic item when reading starts. The reader is a
/// flat cursor: [`Reader::array`], [`Reader::map`] and [`Reader::tag`] read
/// only the head, and the caller then reads the elements (or calls
/// [`Reader::skip`]). A failed read returns an error carrying the position of
/// the item and does not advance.
///
/// The counts returned by [`Reader::array`] and [`Reader::map`] are safe to
/// use as loop bounds, since the check proved that every element exists and
/// so each count is bounded by the input length. Callers must still not
/// pre-allocate more than that count.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Checks `input` with [`check`] and returns a reader positioned at its start.
    ///
    /// # Errors
    /// Any error from [`check`].
    pub fn new(input: &'a [u8], limits: &Limits) -> Result<Self, Error> {
        check(input, limits)?;
        Ok(Self { input, pos: 0 })
    }

    /// Length in bytes of the input this reader walks.
    pub fn input_len(&self) -> usize {
        self.input.len()
    }

    /// Byte offset of the next item head.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Whether every byte has been read.
    pub fn is_at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// The type of the next item, or `None` at the end of the input.
    pub fn peek_kind(&self) -> Option<Kind> {
        head::read_head(self.input, self.pos)
            .ok()
            .map(|h| Kind::of(&h))
    }

    fn head(&self) -> Result<Head, Error> {
        head::read_head(self.input, self.pos)
    }

    fn unexpected(&self, expected: &'static str, head: &Head) -> Error {
        Error::new(
            ErrorKind::UnexpectedType {
                expected,
                found: describe(head),
            },
            self.pos,
        )
    }

    /// Reads the argument of a head of major type `major`.
    fn argument(&mut self, major: u8, expected: &'static str) -> Result<u64, Error> {
        let h = self.head()?;
        if h.major != major {
            return Err(self.unexpected(expected, &h));
        }
        self.pos += h.len;
        Ok(h.arg)
    }

    /// Reads an unsigned integer (major type 0).
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn u64(&mut self) -> Result<u64, Error> {
        self.argument(MAJOR_UNSIGNED, Kind::Unsigned.name())
    }

    /// Reads a negative integer (major type 1) and returns its argument
    /// `n`; the integer is `-1 - n`. Covers the range an `i64` cannot.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn negative(&mut self) -> Result<u64, Error> {
        self.argument(MAJOR_NEGATIVE, Kind::Negative.name())
    }

    /// Reads an integer of major type 0 or 1.
    ///
    /// # Errors
    /// [`ErrorKind::IntegerOutOfRange`] when it does not fit an `i64`;
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn i64(&mut self) -> Result<i64, Error> {
        let h = self.head()?;
        let magnitude =
            i64::try_from(h.arg).map_err(|_| Error::new(ErrorKind::IntegerOutOfRange, self.pos));
        let value = match h.major {
            MAJOR_UNSIGNED => magnitude?,
            MAJOR_NEGATIVE => -1 - magnitude?,
            _ => return Err(self.unexpected("integer", &h)),
        };
        self.pos += h.len;
        Ok(value)
    }

    /// Reads the payload of the string item with major type `major`.
    fn string(&mut self, major: u8, expected: &'static str) -> Result<&'a [u8], Error> {
        let h = self.head()?;
        if h.major != major {
            return Err(self.unexpected(expected, &h));
        }
        let start = self.pos + h.len;
        let data = usize::try_from(h.arg)
            .ok()
            .and_then(|len| self.input.get(start..start.checked_add(len)?))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::LengthExceedsInput {
                        claimed: h.arg,
                        available: self.input.len().saturating_sub(start),
                    },
                    self.pos,
                )
            })?;
        self.pos = start + data.len();
        Ok(data)
    }

    /// Reads a byte string, borrowing its payload from the input.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn bytes(&mut self) -> Result<&'a [u8], Error> {
        self.string(MAJOR_BYTES, Kind::Bytes.name())
    }

    /// Reads a text string, borrowing it from the input.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn text(&mut self) -> Result<&'a str, Error> {
        let pos = self.pos;
        let data = self.string(MAJOR_TEXT, Kind::Text.name())?;
        std::str::from_utf8(data).map_err(|_| {
            self.pos = pos;
            Error::new(ErrorKind::InvalidUtf8, pos)
        })
    }

    /// Reads an array head and returns the number of elements that follow.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn array(&mut self) -> Result<u64, Error> {
        self.argument(MAJOR_ARRAY, Kind::Array.name())
    }

    /// Reads a map head and returns the number of key/value pairs that follow.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn map(&mut self) -> Result<u64, Error> {
        self.argument(MAJOR_MAP, Kind::Map.name())
    }

    /// Reads a tag head and returns the tag number; the tagged item follows.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn tag(&mut self) -> Result<u64, Error> {
        self.argument(MAJOR_TAG, Kind::Tag.name())
    }

    /// Reads one of the simple values 20..=23.
    fn simple(&mut self, expected: &'static str, accept: &[u8]) -> Result<u8, Error> {
        let h = self.head()?;
        if h.major != MAJOR_SIMPLE || !accept.contains(&h.ai) {
            return Err(self.unexpected(expected, &h));
        }
        self.pos += h.len;
        Ok(h.ai)
    }

    /// Reads `false` or `true`.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn bool(&mut self) -> Result<bool, Error> {
        Ok(self.simple("bool", &[20, 21])? == 21)
    }

    /// Reads `null`.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn null(&mut self) -> Result<(), Error> {
        self.simple("null", &[22]).map(|_| ())
    }

    /// Reads `undefined`.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn undefined(&mut self) -> Result<(), Error> {
        self.simple("undefined", &[23]).map(|_| ())
    }

    /// Reads a half, single or double precision float as an `f64` (exactly).
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedType`] for any other item.
    pub fn f64(&mut self) -> Result<f64, Error> {
        let h = self.head()?;
        let value = match (h.major, h.ai) {
            (MAJOR_SIMPLE, 25) => head::f16_to_f64(u16::try_from(h.arg).unwrap_or(0)),
            (MAJOR_SIMPLE, 26) => f64::from(f32::from_bits(u32::try_from(h.arg).unwrap_or(0))),
            (MAJOR_SIMPLE, 27) => f64::from_bits(h.arg),
            _ => return Err(self.unexpected(Kind::Float.name(), &h)),
        };
        self.pos += h.len;
        Ok(value)
    }

    /// Skips one whole item, including everything nested in it.
    ///
    /// # Errors
    /// Only if the input is malformed, which [`Reader::new`] rules out.
    pub fn skip(&mut self) -> Result<(), Error> {
        let mut pos = self.pos;
        // Items still to skip; bounded by the input length after the check.
        let mut pending: u64 = 1;
        while pending > 0 {
            pending -= 1;
            let h = head::read_head(self.input, pos)?;
            let next = pos + h.len;
            match h.major {
                MAJOR_BYTES | MAJOR_TEXT => {
                    let available = self.input.len().saturating_sub(next);
                    match usize::try_from(h.arg) {
                        Ok(len) if len <= available => pos = next + len,
                        _ => {
                            return Err(Error::new(
                                ErrorKind::LengthExceedsInput {
                                    claimed: h.arg,
                                    available,
                                },
                                pos,
                            ));
                        }
                    }
                }
                MAJOR_ARRAY | MAJOR_MAP | MAJOR_TAG => {
                    let more = match h.major {
                        MAJOR_ARRAY => h.arg,
                        MAJOR_MAP => h.arg.saturating_mul(2),
                        _ => 1,
                    };
                    pending = pending.saturating_add(more);
                    pos = next;
                }
                _ => pos = next,
            }
        }
        self.pos = pos;
        Ok(())
    }

    /// Returns the encoded bytes of the next whole item and advances past it.
    ///
    /// # Errors
    /// As [`Reader::skip`].
    pub fn item_bytes(&mut self) -> Result<&'a [u8], Error> {
        let start = self.pos;
        self.skip()?;
        let end = self.pos;
        self.input.get(start..end).ok_or_else(|| {
            Error::new(
                ErrorKind::Incomplete {
                    expected: end - start,
                    actual: self.input.len().saturating_sub(start),
                },
                start,
            )
        })
    }

    /// Returns a reader over exactly the next item and advances past it.
    ///
    /// The new reader does not check its input again: the item was checked as part of this
    /// reader's input, under this reader's limits (bytes, depth, items). A decoder that needs
    /// tighter limits for the item (say, a smaller size) applies them itself; a structural
    /// decoder that never calls [`Reader::skip`] is bounded by its own structure.
    ///
    /// # Errors
    /// As [`Reader::skip`].
    pub fn item_reader(&mut self) -> Result<Reader<'a>, Error> {
        let input = self.item_bytes()?;
        Ok(Reader { input, pos: 0 })
    }
}
