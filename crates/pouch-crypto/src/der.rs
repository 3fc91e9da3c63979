//! The DER reader every Pouch crate but ESS walks X.509, SPKI and PKCS#8 structures with.
//!
//! Lengths are decoded by RustCrypto `der` (definite, minimal, at most four octets, as X.690
//! §10.1 requires); this module adds the element walk the certificate code needs: one-byte
//! tags of any class, the whole encoding of each element kept beside its contents, and an
//! error that says what was wrong and at which byte. It never allocates and never trusts a
//! length beyond the bytes actually present.

use ::der::{Decode, ErrorKind, Length, Reader as _, SliceReader};

/// Tag octets of the universal types Pouch reads and writes.
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE / SEQUENCE OF (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET / SET OF (constructed).
    pub const SET: u8 = 0x31;
    /// `[0]` constructed, context-specific.
    pub const CONTEXT_0: u8 = 0xa0;
    /// `[3]` constructed, context-specific (a certificate's extensions).
    pub const CONTEXT_3: u8 = 0xa3;
}

/// Why DER input could not be read, and where: the offset from the start of the reader that
/// met the fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed DER at byte {position}: {reason}")]
#[non_exhaustive]
pub struct Malformed {
    /// Offset of the element that could not be read.
    pub position: usize,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl Malformed {
    /// A fault at `position`.
    pub fn at(position: usize, reason: &'static str) -> Malformed {
        Malformed { position, reason }
    }
}

/// One element: its one-byte tag, its content octets, and its whole encoding.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    /// The tag octet.
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// Tag, length and content.
    pub whole: &'a [u8],
}

/// Reads consecutive elements from a byte slice, tracking the offset for error reports.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Reader {
            rest: input,
            position: 0,
        }
    }

    fn fail<T>(&self, reason: &'static str) -> Result<T, Malformed> {
        Err(Malformed::at(self.position, reason))
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element, whatever its tag.
    pub fn any(&mut self) -> Result<Tlv<'a>, Malformed> {
        let input = self.rest;
        let Some((&tag, after_tag)) = input.split_first() else {
            return self.fail("unexpected end of input");
        };
        if tag & 0x1f == 0x1f {
            return self.fail("multi-byte tag");
        }
        let mut lengths = match SliceReader::new(after_tag) {
            Ok(reader) => reader,
            Err(_) => return self.fail("input too long"),
        };
        let len = match Length::decode(&mut lengths) {
            Ok(len) => usize::try_from(u32::from(len)).unwrap_or(usize::MAX),
            Err(e) => {
                return self.fail(match e.kind() {
                    ErrorKind::IndefiniteLength => "indefinite length",
                    ErrorKind::Incomplete { .. } => "truncated length",
                    ErrorKind::Overlength => "non-minimal or overlong length",
                    _ => "unreadable length",
                });
            }
        };
        let header = 1 + usize::try_from(u32::from(lengths.position())).unwrap_or(usize::MAX);
        if input.len().saturating_sub(header) < len {
            return self.fail("content runs past the end");
        }
        let (whole, rest) = input.split_at(header + len);
        self.rest = rest;
        self.position += whole.len();
        Ok(Tlv {
            tag,
            content: &whole[header..],
            whole,
        })
    }

    /// The next element, which must carry `tag`; on a mismatch nothing is consumed.
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, Malformed> {
        let before = *self;
        let tlv = self.any()?;
        if tlv.tag != tag {
            *self = before;
            return self.fail("unexpected tag");
        }
        Ok(tlv)
    }

    /// Fails unless every byte has been read.
    pub fn finish(&self) -> Result<(), Malformed> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            self.fail("trailing data")
        }
    }
}

/// Parses `data` as exactly one element with `tag`.
pub fn single(data: &[u8], tag: u8) -> Result<Tlv<'_>, Malformed> {
    let mut reader = Reader::new(data);
    let tlv = reader.expect(tag)?;
    reader.finish()?;
    Ok(tlv)
}

/// The magnitude of a non-negative DER INTEGER's content, without the sign octet.
pub fn unsigned_integer_magnitude(content: &[u8]) -> Result<&[u8], Malformed> {
    match content {
        [] => Err(Malformed::at(0, "empty INTEGER")),
        [b, ..] if b & 0x80 != 0 => Err(Malformed::at(0, "negative INTEGER")),
        [0, b, ..] if b & 0x80 == 0 => Err(Malformed::at(0, "non-minimal INTEGER")),
        [0, rest @ ..] => Ok(rest),
        _ => Ok(content),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn lengths_must_be_definite_minimal_and_present() {
        for (bytes, reason) in [
            (&[0x04, 0x80][..], "indefinite length"),
            (
                &[0x04, 0x81, 0x05, 0, 0, 0, 0, 0],
                "non-minimal or overlong length",
            ),
            (&[0x04, 0x82, 0x00, 0x80], "non-minimal or overlong length"),
            (
                &[0x04, 0x85, 1, 0, 0, 0, 0],
                "non-minimal or overlong length",
            ),
            (&[0x04, 0x82, 0x01], "truncated length"),
            (&[0x04], "truncated length"),
            (&[0x04, 0x03, 1, 2], "content runs past the end"),
            (&[0x1f, 0x01, 0x00], "multi-byte tag"),
            (&[], "unexpected end of input"),
        ] {
            let err = Reader::new(bytes).any().unwrap_err();
            assert_eq!(err.reason, reason, "{bytes:02x?}");
        }
    }

    #[test]
    fn positions_count_from_the_reader_start() {
        let mut reader = Reader::new(&[0x05, 0x00, 0x02, 0x01, 0x07, 0x04]);
        assert_eq!(reader.expect(tag::NULL).unwrap().whole, [0x05, 0x00]);
        let err = reader.expect(tag::OCTET_STRING).unwrap_err();
        assert_eq!((err.position, err.reason), (2, "unexpected tag"));
        assert_eq!(reader.any().unwrap().content, [0x07]);
        assert_eq!(reader.finish().unwrap_err().position, 5);
    }

    #[test]
    fn long_form_lengths_read_the_whole_content() {
        let mut bytes = vec![0x04, 0x81, 0x80];
        bytes.extend([0xaa; 0x80]);
        let tlv = single(&bytes, tag::OCTET_STRING).unwrap();
        assert_eq!(tlv.content.len(), 0x80);
        assert_eq!(tlv.whole.len(), bytes.len());
    }
}
