//! Object identifiers, held as their DER content octets so that no arc is ever lost.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::{Error, ErrorKind};

/// The longest OBJECT IDENTIFIER content this crate accepts, in octets (POUCH-ESS-013).
pub const MAX_OID_BYTES: usize = 255;

/// An ASN.1 OBJECT IDENTIFIER. Valid by construction: well-formed base-128 subidentifiers in
/// their shortest form, each at most `u128::MAX`, and at most [`MAX_OID_BYTES`] octets.
///
/// The order (`Ord`) is that of the DER content octets, not the numeric order of the arcs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(Cow<'static, [u8]>);

impl Oid {
    /// An identifier from its DER content octets (without tag and length).
    pub fn from_content(content: &[u8]) -> Result<Oid, Error> {
        check_content(content).map_err(|e| Error::encoding(ErrorKind::BadOid(e)))?;
        Ok(Oid(Cow::Owned(content.to_vec())))
    }

    pub(crate) fn decode(content: &[u8], offset: usize) -> Result<Oid, Error> {
        check_content(content).map_err(|e| Error::at(ErrorKind::BadOid(e), offset))?;
        Ok(Oid(Cow::Owned(content.to_vec())))
    }

    /// For the constants below, whose octets are checked by a unit test.
    const fn known(content: &'static [u8]) -> Oid {
        Oid(Cow::Borrowed(content))
    }

    /// The DER content octets.
    pub fn content(&self) -> &[u8] {
        &self.0
    }

    /// The arcs, e.g. `[2, 16, 840, 1, 101, 2, 1, 8, 3, 0]`.
    pub fn arcs(&self) -> Vec<u128> {
        let mut out = Vec::new();
        for (i, sub) in subidentifiers(&self.0).enumerate() {
            if i == 0 {
                let (a, b) = match sub {
                    0..40 => (0, sub),
                    40..80 => (1, sub - 40),
                    _ => (2, sub - 80),
                };
                out.push(a);
                out.push(b);
            } else {
                out.push(sub);
            }
        }
        out
    }

    /// id-restrictiveAttributes (ACP-145(A)): `RestrictiveTag`, a restrictive bit map.
    pub const RESTRICTIVE_ATTRIBUTES: Oid =
        Oid::known(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x00]);
    /// id-enumeratedPermissiveAttributes (ACP-145(A)): `EnumeratedTag`, permissive.
    pub const ENUMERATED_PERMISSIVE_ATTRIBUTES: Oid =
        Oid::known(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x01]);
    /// id-permissiveAttributes (ACP-145(A)): `PermissiveTag`, a permissive bit map.
    pub const PERMISSIVE_ATTRIBUTES: Oid =
        Oid::known(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x02]);
    /// id-informativeAttributes (ACP-145(A)): `InformativeTag`.
    pub const INFORMATIVE_ATTRIBUTES: Oid =
        Oid::known(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x03]);
    /// id-enumeratedRestrictiveAttributes (ACP-145(A)): `EnumeratedTag`, restrictive.
    pub const ENUMERATED_RESTRICTIVE_ATTRIBUTES: Oid =
        Oid::known(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x04]);
    /// The MISSI security categories (SDN.801): `MissiSecurityCategories`.
    pub const MISSI_SECURITY_CATEGORIES: Oid =
        Oid::known(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x01]);
    /// id-aa-securityLabel (RFC 2634): the CMS attribute that carries an ESSSecurityLabel.
    pub const ID_AA_SECURITY_LABEL: Oid = Oid::known(&[
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x02,
    ]);
}

fn check_content(content: &[u8]) -> Result<(), &'static str> {
    if content.is_empty() {
        return Err("empty");
    }
    if content.len() > MAX_OID_BYTES {
        return Err("longer than 255 octets");
    }
    let mut start = true;
    let mut value: u128 = 0;
    for &b in content {
        if start && b == 0x80 {
            return Err("subidentifier with a leading 0x80 octet");
        }
        value = value
            .checked_mul(128)
            .ok_or("subidentifier above 2^128-1")?
            | u128::from(b & 0x7f);
        start = b & 0x80 == 0;
        if start {
            value = 0;
        }
    }
    if !start {
        return Err("last subidentifier unterminated");
    }
    Ok(())
}

/// The subidentifiers of checked content.
fn subidentifiers(content: &[u8]) -> impl Iterator<Item = u128> + '_ {
    content.split_inclusive(|b| b & 0x80 == 0).map(|sub| {
        sub.iter()
            .fold(0u128, |v, b| (v << 7) | u128::from(b & 0x7f))
    })
}

fn push_base128(out: &mut Vec<u8>, mut v: u128) {
    let mut septets = [0u8; 19];
    let mut n = 0;
    loop {
        septets[n] = (v & 0x7f) as u8;
        n += 1;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        out.push(septets[i] | if i == 0 { 0 } else { 0x80 });
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

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

impl FromStr for Oid {
    type Err = Error;

    /// Parses dotted decimal, e.g. `1.3.26.1.3.1`.
    fn from_str(s: &str) -> Result<Oid, Error> {
        let bad = |why| Error::encoding(ErrorKind::BadOid(why));
        let mut arcs = Vec::new();
        for part in s.split('.') {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("arcs must be decimal numbers separated by dots"));
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(bad("arc with a leading zero"));
            }
            arcs.push(part.parse::<u128>().map_err(|_| bad("arc above 2^128-1"))?);
        }
        let (first, second) = match arcs[..] {
            [a, b, ..] => (a, b),
            _ => return Err(bad("fewer than two arcs")),
        };
        if first > 2 || (first < 2 && second >= 40) {
            return Err(bad(
                "first arc above 2, or second arc above 39 under 0 or 1",
            ));
        }
        let combined = (first * 40)
            .checked_add(second)
            .ok_or(bad("second arc too large"))?;
        let mut content = Vec::new();
        push_base128(&mut content, combined);
        for &arc in &arcs[2..] {
            push_base128(&mut content, arc);
        }
        Oid::from_content(&content)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_their_dotted_form() {
        for (oid, dotted) in [
            (Oid::RESTRICTIVE_ATTRIBUTES, "2.16.840.1.101.2.1.8.3.0"),
            (
                Oid::ENUMERATED_PERMISSIVE_ATTRIBUTES,
                "2.16.840.1.101.2.1.8.3.1",
            ),
            (Oid::PERMISSIVE_ATTRIBUTES, "2.16.840.1.101.2.1.8.3.2"),
            (Oid::INFORMATIVE_ATTRIBUTES, "2.16.840.1.101.2.1.8.3.3"),
            (
                Oid::ENUMERATED_RESTRICTIVE_ATTRIBUTES,
                "2.16.840.1.101.2.1.8.3.4",
            ),
            (Oid::MISSI_SECURITY_CATEGORIES, "2.16.840.1.101.2.1.8.1"),
            (Oid::ID_AA_SECURITY_LABEL, "1.2.840.113549.1.9.16.2.2"),
        ] {
            assert_eq!(oid.to_string(), dotted);
            assert_eq!(dotted.parse::<Oid>().unwrap(), oid);
        }
    }

    #[test]
    fn large_arcs_survive() {
        let s = "2.25.340282366920938463463374607431768211455";
        let oid: Oid = s.parse().unwrap();
        assert_eq!(oid.to_string(), s);
        assert!(
            "2.25.340282366920938463463374607431768211456"
                .parse::<Oid>()
                .is_err()
        );
        assert!("3.1".parse::<Oid>().is_err());
        assert!("1.40".parse::<Oid>().is_err());
        assert!("1".parse::<Oid>().is_err());
        assert!("1..2".parse::<Oid>().is_err());
    }
}
