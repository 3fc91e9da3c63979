//! Object identifiers, and the ones this crate writes.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::Error;

/// An ASN.1 OBJECT IDENTIFIER, held as its arcs. Valid by construction: at least two arcs,
/// the first 0, 1 or 2, and the second below 40 unless the first is 2.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(Cow<'static, [u64]>);

impl Oid {
    /// An identifier from its arcs, e.g. `[1, 3, 6, 1, 5, 5, 7, 3, 36]`.
    pub fn new(arcs: Vec<u64>) -> Result<Oid, Error> {
        check_arcs(&arcs)?;
        Ok(Oid(Cow::Owned(arcs)))
    }

    /// For the constants below, which are known to be valid.
    const fn known(arcs: &'static [u64]) -> Oid {
        Oid(Cow::Borrowed(arcs))
    }

    /// The arcs.
    pub fn arcs(&self) -> &[u64] {
        &self.0
    }

    /// The DER content octets (without tag and length).
    pub fn content(&self) -> Vec<u8> {
        let arcs = self.arcs();
        let mut out = Vec::new();
        // `check_arcs` guarantees two arcs and keeps 40 * first + second far below u64::MAX
        // unless the first arc is 2, where the second may be large; saturate rather than wrap.
        let first = arcs[0].saturating_mul(40).saturating_add(arcs[1]);
        push_base128(&mut out, first);
        for &arc in &arcs[2..] {
            push_base128(&mut out, arc);
        }
        out
    }

    /// id-kp-documentSigning (RFC 9336), the default extended key usage of a signer.
    pub const KP_DOCUMENT_SIGNING: Oid = Oid::known(&[1, 3, 6, 1, 5, 5, 7, 3, 36]);
    /// id-kp-codeSigning (RFC 5280).
    pub const KP_CODE_SIGNING: Oid = Oid::known(&[1, 3, 6, 1, 5, 5, 7, 3, 3]);
    /// id-kp-emailProtection (RFC 5280).
    pub const KP_EMAIL_PROTECTION: Oid = Oid::known(&[1, 3, 6, 1, 5, 5, 7, 3, 4]);

    /// id-at-countryName (X.520).
    pub const AT_COUNTRY: Oid = Oid::known(&[2, 5, 4, 6]);
    /// id-at-organizationName.
    pub const AT_ORGANIZATION: Oid = Oid::known(&[2, 5, 4, 10]);
    /// id-at-organizationalUnitName.
    pub const AT_ORG_UNIT: Oid = Oid::known(&[2, 5, 4, 11]);
    /// id-at-commonName.
    pub const AT_COMMON_NAME: Oid = Oid::known(&[2, 5, 4, 3]);

    /// subjectKeyIdentifier (RFC 5280 §4.2.1.2).
    pub const EXT_SUBJECT_KEY_ID: Oid = Oid::known(&[2, 5, 29, 14]);
    /// keyUsage (RFC 5280 §4.2.1.3).
    pub const EXT_KEY_USAGE: Oid = Oid::known(&[2, 5, 29, 15]);
    /// basicConstraints (RFC 5280 §4.2.1.9).
    pub const EXT_BASIC_CONSTRAINTS: Oid = Oid::known(&[2, 5, 29, 19]);
    /// authorityKeyIdentifier (RFC 5280 §4.2.1.1).
    pub const EXT_AUTHORITY_KEY_ID: Oid = Oid::known(&[2, 5, 29, 35]);
    /// extKeyUsage (RFC 5280 §4.2.1.12).
    pub const EXT_EXT_KEY_USAGE: Oid = Oid::known(&[2, 5, 29, 37]);

    /// ecdsa-with-SHA256 (RFC 5758).
    pub const ECDSA_SHA256: Oid = Oid::known(&[1, 2, 840, 10045, 4, 3, 2]);
    /// ecdsa-with-SHA384.
    pub const ECDSA_SHA384: Oid = Oid::known(&[1, 2, 840, 10045, 4, 3, 3]);
    /// ecdsa-with-SHA512.
    pub const ECDSA_SHA512: Oid = Oid::known(&[1, 2, 840, 10045, 4, 3, 4]);
    /// id-Ed25519 (RFC 8410).
    pub const ED25519: Oid = Oid::known(&[1, 3, 101, 112]);
    /// id-RSASSA-PSS (RFC 4055).
    pub const RSASSA_PSS: Oid = Oid::known(&[1, 2, 840, 113549, 1, 1, 10]);
    /// id-mgf1 (RFC 4055).
    pub const MGF1: Oid = Oid::known(&[1, 2, 840, 113549, 1, 1, 8]);
    /// id-sha256.
    pub const SHA256: Oid = Oid::known(&[2, 16, 840, 1, 101, 3, 4, 2, 1]);
    /// id-ml-dsa-44 (RFC 9881).
    pub const ML_DSA_44: Oid = Oid::known(&[2, 16, 840, 1, 101, 3, 4, 3, 17]);
    /// id-ml-dsa-65.
    pub const ML_DSA_65: Oid = Oid::known(&[2, 16, 840, 1, 101, 3, 4, 3, 18]);
    /// id-ml-dsa-87.
    pub const ML_DSA_87: Oid = Oid::known(&[2, 16, 840, 1, 101, 3, 4, 3, 19]);
}

fn check_arcs(arcs: &[u64]) -> Result<(), Error> {
    match arcs {
        [] | [_] => Err(Error::InvalidOid("fewer than two arcs")),
        [first, ..] if *first > 2 => Err(Error::InvalidOid("first arc above 2")),
        [first, second, ..] if *first < 2 && *second >= 40 => {
            Err(Error::InvalidOid("second arc 40 or above under arc 0 or 1"))
        }
        [2, second, ..] if *second > u64::MAX - 80 => {
            Err(Error::InvalidOid("second arc too large"))
        }
        _ => Ok(()),
    }
}

/// Base-128, most significant group first, continuation bit on all but the last byte.
fn push_base128(out: &mut Vec<u8>, value: u64) {
    let mut groups = [0u8; 10];
    let mut n = 0;
    let mut v = value;
    loop {
        groups[n] = (v & 0x7f) as u8;
        n += 1;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let more = if i == 0 { 0 } else { 0x80 };
        out.push(groups[i] | more);
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arc) in self.arcs().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{arc}")?;
        }
        Ok(())
    }
}

impl FromStr for Oid {
    type Err = Error;

    /// Reads the dotted form, e.g. `1.3.6.1.5.5.7.3.36`.
    fn from_str(s: &str) -> Result<Oid, Error> {
        let arcs = s
            .split('.')
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::InvalidOid("not dotted decimal"));
                }
                part.parse::<u64>()
                    .map_err(|_| Error::InvalidOid("arc too large"))
            })
            .collect::<Result<Vec<u64>, Error>>()?;
        Oid::new(arcs)
    }
}
