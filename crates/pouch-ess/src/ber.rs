//! A bounded BER reader with definite lengths, which notes the first departure from DER.
//!
//! The reader never allocates: it hands out slices of the input, after checking each length
//! against the bytes that are really there.

use crate::{BerDeviation, Error, ErrorKind, Limits};

/// Identifier octets of the universal types and the tags used here.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// `[0] IMPLICIT OBJECT IDENTIFIER` (SecurityCategory `type`).
    pub(crate) const CATEGORY_TYPE: u8 = 0x80;
    /// `[1] EXPLICIT` (SecurityCategory `value`).
    pub(crate) const CATEGORY_VALUE: u8 = 0xa1;
    /// Constructed bit of an identifier octet.
    pub(crate) const CONSTRUCTED: u8 = 0x20;
}

/// Decoding state shared by a whole decode: limits, counts, the first BER deviation.
pub(crate) struct Ctx<'l> {
    pub(crate) limits: &'l Limits,
    elements: usize,
    pub(crate) deviation: Option<(BerDeviation, usize)>,
}

impl<'l> Ctx<'l> {
    pub(crate) fn new(limits: &'l Limits) -> Self {
        Ctx {
            limits,
            elements: 0,
            deviation: None,
        }
    }

    /// Records a departure from DER; the first one is the one reported.
    pub(crate) fn note(&mut self, deviation: BerDeviation, offset: usize) {
        if self.deviation.is_none() {
            self.deviation = Some((deviation, offset));
        }
    }

    /// Checks a nesting depth against the limit.
    pub(crate) fn depth(&self, depth: usize, offset: usize) -> Result<(), Error> {
        let limit = self.limits.max_depth;
        if depth > limit {
            return Err(Error::at(ErrorKind::DepthExceeded { limit }, offset));
        }
        Ok(())
    }
}

/// One element: identifier octet, content, and where it sits in the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) content: &'a [u8],
    /// The element's whole encoding, identifier to last content octet.
    pub(crate) whole: &'a [u8],
    /// Offset of the identifier octet in the input.
    pub(crate) offset: usize,
    /// Offset of the first content octet in the input.
    pub(crate) content_offset: usize,
}

impl<'a> Tlv<'a> {
    /// The elements inside a constructed element.
    pub(crate) fn items(&self) -> Items<'a> {
        Items {
            rest: self.content,
            offset: self.content_offset,
        }
    }

    pub(crate) fn unexpected(&self, expected: &'static str) -> Error {
        Error::at(
            ErrorKind::UnexpectedTag {
                expected,
                found: self.tag,
            },
            self.offset,
        )
    }
}

/// The elements of one content, read front to back.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Items<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Items<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Items {
            rest: input,
            offset: 0,
        }
    }

    /// The identifier octet of the next element, if any.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element, or `None` at the end of the content.
    pub(crate) fn next(
        &mut self,
        ctx: &mut Ctx<'_>,
        expected: &'static str,
    ) -> Result<Option<Tlv<'a>>, Error> {
        let input = self.rest;
        let start = self.offset;
        let Some((&tag, after_tag)) = input.split_first() else {
            return Ok(None);
        };
        ctx.elements += 1;
        if ctx.elements > ctx.limits.max_elements {
            return Err(Error::at(
                ErrorKind::LimitExceeded {
                    what: "elements",
                    limit: ctx.limits.max_elements,
                },
                start,
            ));
        }
        if tag & 0x1f == 0x1f {
            // High tag numbers: no syntax Pouch reads uses them (POUCH-ESS-011).
            return Err(Error::at(
                ErrorKind::UnexpectedTag {
                    expected,
                    found: tag,
                },
                start,
            ));
        }
        let truncated = |what| Error::at(ErrorKind::Truncated { expected: what }, start);
        let Some((&first, after_first)) = after_tag.split_first() else {
            return Err(truncated("a length"));
        };
        let (len, header) = match first {
            0..=0x7f => (u64::from(first), 2),
            0x80 => return Err(Error::at(ErrorKind::IndefiniteLength, start)),
            0xff => return Err(Error::at(ErrorKind::BadLength, start)),
            _ => {
                let n = usize::from(first & 0x7f);
                if n > 8 {
                    return Err(Error::at(ErrorKind::BadLength, start));
                }
                let Some(octets) = after_first.get(..n) else {
                    return Err(truncated("length octets"));
                };
                let len = octets.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b));
                if octets.first() == Some(&0) || len < 0x80 {
                    ctx.note(BerDeviation::LongLength, start);
                }
                (len, 2 + n)
            }
        };
        let available = input.len() - header;
        let len = match usize::try_from(len) {
            Ok(l) if l <= available => l,
            _ => {
                return Err(Error::at(
                    ErrorKind::LengthOverrun {
                        claimed: len,
                        available,
                    },
                    start,
                ));
            }
        };
        let (whole, rest) = input.split_at(header + len);
        self.rest = rest;
        self.offset = start + header + len;
        Ok(Some(Tlv {
            tag,
            content: &whole[header..],
            whole,
            offset: start,
            content_offset: start + header,
        }))
    }

    /// The next element, which must be there.
    pub(crate) fn take(
        &mut self,
        ctx: &mut Ctx<'_>,
        expected: &'static str,
    ) -> Result<Tlv<'a>, Error> {
        let at = self.offset;
        self.next(ctx, expected)?
            .ok_or(Error::at(ErrorKind::Truncated { expected }, at))
    }

    /// The next element, which must be there and carry `tag`.
    pub(crate) fn expect(
        &mut self,
        ctx: &mut Ctx<'_>,
        tag: u8,
        expected: &'static str,
    ) -> Result<Tlv<'a>, Error> {
        let tlv = self.take(ctx, expected)?;
        if tlv.tag != tag {
            return Err(tlv.unexpected(expected));
        }
        Ok(tlv)
    }

    /// Checks that nothing follows.
    pub(crate) fn finish(&self, after: &'static str) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Error::at(ErrorKind::TrailingData { after }, self.offset))
        }
    }
}

/// A non-negative INTEGER of at most `max`, from its content octets.
pub(crate) fn uint(tlv: &Tlv<'_>, what: &'static str, max: u64) -> Result<u64, Error> {
    let at = |kind| Error::at(kind, tlv.offset);
    let c = tlv.content;
    match c {
        [] => return Err(at(ErrorKind::BadInteger)),
        [0x00, b, ..] if b & 0x80 == 0 => return Err(at(ErrorKind::BadInteger)),
        [0xff, b, ..] if b & 0x80 != 0 => return Err(at(ErrorKind::BadInteger)),
        [b, ..] if b & 0x80 != 0 => return Err(at(ErrorKind::NegativeInteger { what })),
        _ => {}
    }
    let digits = c.strip_prefix(&[0]).unwrap_or(c);
    let too_large = || at(ErrorKind::IntegerTooLarge { what, max });
    if digits.len() > 8 {
        return Err(too_large());
    }
    let value = digits.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b));
    if value > max {
        return Err(too_large());
    }
    Ok(value)
}

/// Re-encodes an element of unknown syntax with minimal lengths, walking its constructed
/// elements within the depth limit. SET order is left as received: without the syntax, a
/// SET cannot be told from a SET OF, whose DER orders differ (POUCH-ESS-031).
pub(crate) fn reencode(tlv: &Tlv<'_>, ctx: &mut Ctx<'_>, depth: usize) -> Result<Vec<u8>, Error> {
    ctx.depth(depth, tlv.offset)?;
    if tlv.tag & tag::CONSTRUCTED == 0 {
        return Ok(crate::der::tlv(tlv.tag, tlv.content));
    }
    let mut content = Vec::with_capacity(tlv.content.len());
    let mut items = tlv.items();
    while let Some(child) = items.next(ctx, "an element")? {
        content.extend_from_slice(&reencode(&child, ctx, depth + 1)?);
    }
    Ok(crate::der::tlv(tlv.tag, &content))
}
