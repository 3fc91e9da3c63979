//! A small DER writer (X.690 distinguished encoding) for the certificates and CRLs the test
//! PKIs build; reading goes through the one reader, [`pouch_crypto::der`], re-exported here.
//!
//! Every function returns a complete TLV (tag, length, value). Output depends only on the
//! input, so certificates regenerate byte for byte.

use crate::time::{CivilTime, civil_from_unix};
use crate::{Error, Oid};

pub use pouch_crypto::der::tag;

/// A TLV with a one-byte tag (all this crate needs: tag numbers up to 30).
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// Definite length: short form below 128, else the minimal long form.
fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = (len as u64).to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// SEQUENCE of already-encoded elements, in the order given.
pub fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &concat(elements))
}

/// SET OF already-encoded elements, sorted by their encodings as DER requires (X.690 11.6).
pub fn set_of(elements: &[&[u8]]) -> Vec<u8> {
    let mut sorted = elements.to_vec();
    sorted.sort();
    tlv(tag::SET, &concat(&sorted))
}

/// INTEGER holding the non-negative number whose big-endian magnitude is `magnitude`:
/// leading zero octets dropped, one 0x00 put back when the top bit would read as a sign.
/// An empty or all-zero magnitude encodes zero.
pub fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    tlv(tag::INTEGER, &unsigned_integer_content(magnitude))
}

/// The content octets of a non-negative INTEGER with this big-endian magnitude.
pub fn unsigned_integer_content(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude.iter().take_while(|&&b| b == 0).count();
    let digits = &magnitude[skip..];
    match digits.first() {
        None => vec![0],
        Some(&b) if b & 0x80 != 0 => [&[0u8][..], digits].concat(),
        Some(_) => digits.to_vec(),
    }
}

/// INTEGER from a `u64`.
pub fn integer_u64(value: u64) -> Vec<u8> {
    unsigned_integer(&value.to_be_bytes())
}

/// OBJECT IDENTIFIER.
pub fn oid(oid: &Oid) -> Vec<u8> {
    tlv(tag::OID, oid.as_bytes())
}

/// BIT STRING with `unused` (0..=7) unused bits at the end of the last octet.
pub fn bit_string(unused: u8, bits: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bits.len() + 1);
    content.push(if bits.is_empty() { 0 } else { unused & 7 });
    content.extend_from_slice(bits);
    tlv(tag::BIT_STRING, &content)
}

/// BIT STRING for a NamedBitList (X.690 11.2.2): bit 0 is the most significant bit of the
/// first octet, and trailing zero bits are removed.
pub fn named_bits(set_bits: &[u8]) -> Vec<u8> {
    let Some(&highest) = set_bits.iter().max() else {
        return bit_string(0, &[]);
    };
    let mut octets = vec![0u8; usize::from(highest / 8) + 1];
    for &bit in set_bits {
        octets[usize::from(bit / 8)] |= 0x80 >> (bit % 8);
    }
    bit_string(7 - highest % 8, &octets)
}

/// OCTET STRING.
pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, bytes)
}

/// UTF8String.
pub fn utf8_string(text: &str) -> Vec<u8> {
    tlv(tag::UTF8_STRING, text.as_bytes())
}

/// Whether every character is in the PrintableString set (X.680 41.4).
pub fn is_printable(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b))
}

/// PrintableString; fails on characters outside its set.
pub fn printable_string(text: &str) -> Result<Vec<u8>, Error> {
    if !is_printable(text) {
        return Err(Error::InvalidText {
            field: "PrintableString",
            reason: "character outside the PrintableString set",
        });
    }
    Ok(tlv(tag::PRINTABLE_STRING, text.as_bytes()))
}

/// BOOLEAN (DER: TRUE is 0xFF).
pub fn boolean(value: bool) -> Vec<u8> {
    tlv(tag::BOOLEAN, &[if value { 0xff } else { 0x00 }])
}

/// NULL.
pub fn null() -> Vec<u8> {
    tlv(tag::NULL, &[])
}

/// UTCTime `YYMMDDHHMMSSZ`; only for the years 1950..=2049.
pub fn utc_time(unix_seconds: i64) -> Result<Vec<u8>, Error> {
    let t = civil_from_unix(unix_seconds)?;
    if !(1950..=2049).contains(&t.year) {
        return Err(Error::TimeOutOfRange(unix_seconds));
    }
    let text = format!("{:02}{}", t.year % 100, hms(&t));
    Ok(tlv(tag::UTC_TIME, text.as_bytes()))
}

/// GeneralizedTime `YYYYMMDDHHMMSSZ` (no fractional seconds, as RFC 5280 requires).
pub fn generalized_time(unix_seconds: i64) -> Result<Vec<u8>, Error> {
    let t = civil_from_unix(unix_seconds)?;
    let text = format!("{:04}{}", t.year, hms(&t));
    Ok(tlv(tag::GENERALIZED_TIME, text.as_bytes()))
}

/// An X.509 `Time`: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
pub fn x509_time(unix_seconds: i64) -> Result<Vec<u8>, Error> {
    let t = civil_from_unix(unix_seconds)?;
    if (1950..=2049).contains(&t.year) {
        utc_time(unix_seconds)
    } else {
        generalized_time(unix_seconds)
    }
}

fn hms(t: &CivilTime) -> String {
    format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        t.month, t.day, t.hour, t.minute, t.second
    )
}

/// `[n] EXPLICIT`: a constructed context-specific tag wrapping a complete encoding.
pub fn explicit(tag_number: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xa0 | (tag_number & 0x1f), inner)
}

/// `[n] IMPLICIT`: a context-specific tag replacing the element's own tag; `content` is the
/// element's content octets, `constructed` whether the replaced type was constructed.
pub fn implicit(tag_number: u8, constructed: bool, content: &[u8]) -> Vec<u8> {
    let form = if constructed { 0xa0 } else { 0x80 };
    tlv(form | (tag_number & 0x1f), content)
}

pub use pouch_crypto::der::{Malformed, Reader, Tlv, unsigned_integer_magnitude};

#[cfg(test)]
mod tests;
