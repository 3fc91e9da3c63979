//! A small strict DER walk over the certificate fields the validator reads itself: the
//! validity window, the subject's countryName and the leaf's extensions. Everything else
//! (signatures, constraints, path building) is webpki's.

use pouch_status::{self as status, StatusCode};

use crate::der::{Reader, Tlv, tag};
use crate::oid::{self, Oid};

/// Why a certificate could not be read; only a reason, since the caller knows which
/// certificate it was.
pub(crate) type Malformed = &'static str;

/// The fields of one certificate the validator needs.
#[derive(Clone, Debug)]
pub(crate) struct CertFields<'a> {
    /// The subject Name, whole DER.
    pub(crate) subject: &'a [u8],
    /// The issuer Name's contents (without its SEQUENCE tag and length, as webpki gives names).
    pub(crate) issuer: &'a [u8],
    /// Start of validity, Unix seconds.
    pub(crate) not_before: i64,
    /// End of validity, Unix seconds.
    pub(crate) not_after: i64,
    /// The subjectPublicKeyInfo, whole DER.
    pub(crate) spki: &'a [u8],
    /// The extensions: (OID content octets, critical, extnValue contents).
    pub(crate) extensions: Vec<(&'a [u8], bool, &'a [u8])>,
}

fn next<'a>(reader: &mut Reader<'a>, expected: u8) -> Result<Tlv<'a>, Malformed> {
    reader.expect(expected).map_err(|_| "unexpected structure")
}

/// Reads the fields of a DER certificate.
pub(crate) fn parse(der: &[u8]) -> Result<CertFields<'_>, Malformed> {
    let mut outer = Reader::new(der);
    let cert = next(&mut outer, tag::SEQUENCE)?;
    if !outer.is_empty() {
        return Err("trailing data after the certificate");
    }
    let mut parts = Reader::new(cert.content);
    let tbs = next(&mut parts, tag::SEQUENCE)?;
    let mut tbs = Reader::new(tbs.content);
    let mut first = tbs.any().map_err(|_| "truncated tbsCertificate")?;
    if first.tag == tag::CONTEXT_0 {
        first = next(&mut tbs, tag::INTEGER)?;
    }
    if first.tag != tag::INTEGER {
        return Err("missing serialNumber");
    }
    next(&mut tbs, tag::SEQUENCE)?; // signature
    let issuer = next(&mut tbs, tag::SEQUENCE)?.content;
    let validity = next(&mut tbs, tag::SEQUENCE)?;
    let subject = next(&mut tbs, tag::SEQUENCE)?.whole;
    let spki = next(&mut tbs, tag::SEQUENCE)?.whole;
    let mut times = Reader::new(validity.content);
    let not_before = read_time(&mut times)?;
    let not_after = read_time(&mut times)?;
    if !times.is_empty() {
        return Err("trailing data in validity");
    }
    let mut extensions = Vec::new();
    while !tbs.is_empty() {
        let field = tbs.any().map_err(|_| "malformed tbsCertificate")?;
        if field.tag == tag::CONTEXT_3 {
            read_extensions(field.content, &mut extensions)?;
        }
    }
    Ok(CertFields {
        subject,
        issuer,
        not_before,
        not_after,
        spki,
        extensions,
    })
}

pub(crate) fn read_extensions<'a>(
    explicit: &'a [u8],
    out: &mut Vec<(&'a [u8], bool, &'a [u8])>,
) -> Result<(), Malformed> {
    let mut wrapper = Reader::new(explicit);
    let list = next(&mut wrapper, tag::SEQUENCE)?;
    let mut list = Reader::new(list.content);
    while !list.is_empty() {
        let ext = next(&mut list, tag::SEQUENCE)?;
        let mut fields = Reader::new(ext.content);
        let oid = next(&mut fields, tag::OID)?.content;
        let mut value = fields.any().map_err(|_| "truncated extension")?;
        let mut critical = false;
        if value.tag == tag::BOOLEAN {
            critical = value.content == [0xff];
            value = next(&mut fields, tag::OCTET_STRING)?;
        }
        if value.tag != tag::OCTET_STRING || !fields.is_empty() {
            return Err("malformed extension");
        }
        out.push((oid, critical, value.content));
    }
    Ok(())
}

impl<'a> CertFields<'a> {
    /// The extnValue of the extension `oid`, if present.
    pub(crate) fn extension(&self, oid: &Oid) -> Option<&'a [u8]> {
        self.extensions
            .iter()
            .find(|(id, _, _)| *id == oid.as_bytes())
            .map(|&(_, _, value)| value)
    }

    /// Whether basicConstraints asserts cA.
    pub(crate) fn is_ca(&self) -> Result<bool, Malformed> {
        let Some(value) = self.extension(&oid::EXT_BASIC_CONSTRAINTS) else {
            return Ok(false);
        };
        let mut outer = Reader::new(value);
        let seq = next(&mut outer, tag::SEQUENCE)?;
        let mut fields = Reader::new(seq.content);
        if fields.is_empty() {
            return Ok(false);
        }
        let first = fields.any().map_err(|_| "malformed basicConstraints")?;
        Ok(first.tag == tag::BOOLEAN && first.content == [0xff])
    }

    /// The basicConstraints pathLenConstraint, if the extension has one.
    pub(crate) fn path_len(&self) -> Result<Option<u64>, Malformed> {
        let Some(value) = self.extension(&oid::EXT_BASIC_CONSTRAINTS) else {
            return Ok(None);
        };
        let mut outer = Reader::new(value);
        let seq = next(&mut outer, tag::SEQUENCE)?;
        let mut fields = Reader::new(seq.content);
        while !fields.is_empty() {
            let field = fields.any().map_err(|_| "malformed basicConstraints")?;
            if field.tag == tag::INTEGER {
                let magnitude = crate::der::unsigned_integer_magnitude(field.content)
                    .map_err(|_| "malformed pathLenConstraint")?;
                if magnitude.len() > 8 {
                    return Ok(Some(u64::MAX));
                }
                return Ok(Some(
                    magnitude
                        .iter()
                        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
                ));
            }
        }
        Ok(None)
    }

    /// Whether the certificate is self-issued (subject and issuer names equal), which
    /// RFC 5280 §6.1.4 (l) leaves out of path-length counts.
    pub(crate) fn is_self_issued(&self) -> bool {
        self.subject.len() >= 2
            && crate::der::Reader::new(self.subject)
                .expect(tag::SEQUENCE)
                .is_ok_and(|name| name.content == self.issuer)
    }

    /// The keyUsage bits as a NamedBitList (bit 0 first), if the extension is present.
    pub(crate) fn key_usage(&self) -> Result<Option<KeyUsageBits<'a>>, Malformed> {
        let Some(value) = self.extension(&oid::EXT_KEY_USAGE) else {
            return Ok(None);
        };
        let mut outer = Reader::new(value);
        let bits = next(&mut outer, tag::BIT_STRING)?;
        match bits.content.split_first() {
            Some((&unused, octets)) if unused < 8 => Ok(Some(KeyUsageBits(octets))),
            _ => Err("malformed keyUsage"),
        }
    }

    /// The extendedKeyUsage purposes (OID content octets), if the extension is present.
    pub(crate) fn extended_key_usage(&self) -> Result<Option<Vec<&'a [u8]>>, Malformed> {
        let Some(value) = self.extension(&oid::EXT_EXT_KEY_USAGE) else {
            return Ok(None);
        };
        let mut outer = Reader::new(value);
        let seq = next(&mut outer, tag::SEQUENCE)?;
        let mut list = Reader::new(seq.content);
        let mut purposes = Vec::new();
        while !list.is_empty() {
            purposes.push(next(&mut list, tag::OID)?.content);
        }
        Ok(Some(purposes))
    }

    /// Every countryName value of the subject (PrintableString or UTF8String text).
    pub(crate) fn subject_countries(&self) -> Result<Vec<&'a [u8]>, Malformed> {
        let country = oid::AT_COUNTRY;
        let mut outer = Reader::new(self.subject);
        let name = next(&mut outer, tag::SEQUENCE)?;
        let mut rdns = Reader::new(name.content);
        let mut found = Vec::new();
        while !rdns.is_empty() {
            let rdn = next(&mut rdns, tag::SET)?;
            let mut attrs = Reader::new(rdn.content);
            while !attrs.is_empty() {
                let attr = next(&mut attrs, tag::SEQUENCE)?;
                let mut fields = Reader::new(attr.content);
                let oid = next(&mut fields, tag::OID)?;
                let value = fields.any().map_err(|_| "malformed attribute")?;
                if oid.content == country.as_bytes() {
                    found.push(value.content);
                }
            }
        }
        Ok(found)
    }
}

/// Extensions a trust anchor may mark critical: keyUsage, subjectAltName,
/// basicConstraints, nameConstraints, extendedKeyUsage.
const ANCHOR_CRITICAL_OK: [&[u8]; 5] = [
    oid::EXT_KEY_USAGE.as_bytes(),
    oid::EXT_SUBJECT_ALT_NAME.as_bytes(),
    oid::EXT_BASIC_CONSTRAINTS.as_bytes(),
    oid::EXT_NAME_CONSTRAINTS.as_bytes(),
    oid::EXT_EXT_KEY_USAGE.as_bytes(),
];

impl CertFields<'_> {
    /// Why this certificate cannot serve as a trust anchor, if it cannot: webpki uses only an
    /// anchor's name, key and name constraints, so the CA profile of RFC 5280 (4.2.1.3,
    /// 4.2.1.9, 4.1.2.6, 4.2) is checked here.
    pub(crate) fn anchor_defect(&self) -> Option<(StatusCode, &'static str)> {
        let critical_bc = self
            .extensions
            .iter()
            .any(|(id, critical, _)| *id == oid::EXT_BASIC_CONSTRAINTS.as_bytes() && *critical);
        if let Some((oid, _, _)) = self
            .extensions
            .iter()
            .find(|(oid, critical, _)| *critical && !ANCHOR_CRITICAL_OK.contains(oid))
        {
            let _ = oid;
            return Some((
                status::TRUST_UNKNOWN_CRITICAL_EXTENSION,
                "the anchor has a critical extension the validator does not process",
            ));
        }
        if !matches!(self.is_ca(), Ok(true)) || !critical_bc {
            return Some((
                status::TRUST_PATH_CONSTRAINTS,
                "the anchor lacks a critical basicConstraints with cA TRUE",
            ));
        }
        if matches!(self.key_usage(), Ok(Some(bits)) if !bits.has(5)) {
            return Some((
                status::TRUST_PATH_CONSTRAINTS,
                "the anchor's keyUsage lacks keyCertSign",
            ));
        }
        if self.subject.len() <= 2 {
            return Some((
                status::TRUST_CERTIFICATE_MALFORMED,
                "the anchor's subject is empty",
            ));
        }
        None
    }
}

/// A keyUsage NamedBitList.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyUsageBits<'a>(&'a [u8]);

impl KeyUsageBits<'_> {
    /// Whether bit `n` (0 = digitalSignature, 5 = keyCertSign) is set.
    pub(crate) fn has(&self, n: usize) -> bool {
        self.0
            .get(n / 8)
            .is_some_and(|octet| octet & (0x80 >> (n % 8)) != 0)
    }
}

/// An X.509 `Time`: UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ`.
pub(crate) fn read_time(reader: &mut Reader<'_>) -> Result<i64, Malformed> {
    let time = reader.any().map_err(|_| "truncated validity")?;
    let digits = |s: &[u8]| -> Result<i64, Malformed> {
        s.iter().try_fold(0i64, |acc, &b| {
            if b.is_ascii_digit() {
                Ok(acc * 10 + i64::from(b - b'0'))
            } else {
                Err("non-digit in time")
            }
        })
    };
    let (year, rest) = match (time.tag, time.content.len()) {
        (tag::UTC_TIME, 13) => {
            let yy = digits(&time.content[..2])?;
            (
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                &time.content[2..],
            )
        }
        (tag::GENERALIZED_TIME, 15) => (digits(&time.content[..4])?, &time.content[4..]),
        _ => return Err("unsupported time encoding"),
    };
    if rest.last() != Some(&b'Z') {
        return Err("time not in UTC");
    }
    let field = |i: usize| digits(&rest[i..i + 2]);
    let (month, day) = (field(0)?, field(2)?);
    let (hour, minute, second) = (field(4)?, field(6)?, field(8)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = usize::try_from(month - 1)
        .ok()
        .and_then(|m| month_days.get(m))
        .ok_or("month out of range")?;
    if day < 1 || day > *max_day || hour > 23 || minute > 59 || second > 59 {
        return Err("time field out of range");
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days from 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras that
/// start on 1 March so the leap day falls at the end of each computed year.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::der;

    fn time(unix: i64) -> i64 {
        let encoded = der::x509_time(unix).unwrap();
        read_time(&mut Reader::new(&encoded)).unwrap()
    }

    #[test]
    fn times_round_trip_through_the_writer() {
        for unix in [
            0,
            951_782_400,
            1_767_225_600,
            2_524_608_000,
            4_102_444_799,
            -86_400,
        ] {
            assert_eq!(time(unix), unix);
        }
        let generalized = der::generalized_time(1_767_225_600).unwrap();
        assert_eq!(
            read_time(&mut Reader::new(&generalized)).unwrap(),
            1_767_225_600
        );
    }

    #[test]
    fn bad_times_are_refused() {
        for text in [
            &b"260230000000Z"[..],
            b"261301000000Z",
            b"2601010000000",
            b"26010100000Z",
        ] {
            let encoded = der::tlv(tag::UTC_TIME, text);
            assert!(read_time(&mut Reader::new(&encoded)).is_err());
        }
    }
}
