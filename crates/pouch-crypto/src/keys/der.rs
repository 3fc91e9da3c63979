//! A small strict DER reader: enough to walk certificates, SPKI and PKCS#8 structures.
//!
//! It never allocates and never trusts a length beyond the bytes actually present.

use crate::Error;

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
/// `[0]` constructed, context-specific (the certificate version).
pub(crate) const CONTEXT_0: u8 = 0xa0;

/// One tag-length-value element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    /// The whole element, header included.
    pub(crate) full: &'a [u8],
}

/// Reads consecutive elements from a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { rest: data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next element, whatever its tag.
    pub(crate) fn any(&mut self) -> Result<Tlv<'a>, Error> {
        let data = self.rest;
        let (&tag, after_tag) = data
            .split_first()
            .ok_or(Error::Encoding("DER: unexpected end of input"))?;
        if tag & 0x1f == 0x1f {
            return Err(Error::Encoding("DER: high tag numbers are not supported"));
        }
        let (&first, mut after_len) = after_tag
            .split_first()
            .ok_or(Error::Encoding("DER: truncated length"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 {
                return Err(Error::Encoding("DER: indefinite length"));
            }
            if count > 4 {
                return Err(Error::Encoding("DER: length too large"));
            }
            if after_len.len() < count {
                return Err(Error::Encoding("DER: truncated length"));
            }
            let (bytes, rest) = after_len.split_at(count);
            after_len = rest;
            let len = bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            // Minimal encoding: no leading zero byte, and long form only from 128 on.
            if bytes[0] == 0 || len < 0x80 {
                return Err(Error::Encoding("DER: non-minimal length"));
            }
            len
        };
        if after_len.len() < len {
            return Err(Error::Encoding("DER: length exceeds the input"));
        }
        let (value, rest) = after_len.split_at(len);
        let header = data.len() - after_len.len();
        self.rest = rest;
        Ok(Tlv {
            tag,
            value,
            full: &data[..header + len],
        })
    }

    /// Reads the next element, which must carry `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, Error> {
        let tlv = self.any()?;
        if tlv.tag != tag {
            return Err(Error::Encoding("DER: unexpected tag"));
        }
        Ok(tlv)
    }

    /// Fails unless every byte has been read.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Error::Encoding("DER: trailing data"))
        }
    }
}

/// Parses `data` as exactly one element with `tag` and returns its contents.
pub(crate) fn single(data: &[u8], tag: u8) -> Result<Tlv<'_>, Error> {
    let mut reader = Reader::new(data);
    let tlv = reader.expect(tag)?;
    reader.finish()?;
    Ok(tlv)
}

/// An `AlgorithmIdentifier`: the OID's contents and the parameters' full element, if any.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AlgorithmId<'a> {
    pub(crate) oid: &'a [u8],
    pub(crate) params: Option<Tlv<'a>>,
}

pub(crate) fn algorithm_id<'a>(reader: &mut Reader<'a>) -> Result<AlgorithmId<'a>, Error> {
    let seq = reader.expect(SEQUENCE)?;
    let mut inner = Reader::new(seq.value);
    let oid = inner.expect(OID)?.value;
    let params = if inner.is_empty() {
        None
    } else {
        Some(inner.any()?)
    };
    inner.finish()?;
    Ok(AlgorithmId { oid, params })
}
