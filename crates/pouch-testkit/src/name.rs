//! Distinguished names: C, O, OU and CN, one attribute per RDN, always in that order.

use std::fmt;

use crate::{Error, Oid, der};

/// RFC 5280 upper bounds (`ub-organization-name` and friends) for the UTF8String attributes.
const MAX_UTF8_ATTRIBUTE: usize = 64;

/// An X.509 distinguished name made of country (PrintableString), organization,
/// organizational unit and common name (UTF8String), written in that order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Name {
    country: Option<String>,
    organization: Option<String>,
    org_unit: Option<String>,
    common_name: Option<String>,
}

impl Name {
    /// An empty name; add attributes with the methods below.
    pub fn new() -> Name {
        Name::default()
    }

    /// Sets `C`: an ISO 3166-1 alpha-2 code of two upper-case letters, e.g. `NO`.
    pub fn country(mut self, alpha2: &str) -> Result<Name, Error> {
        if alpha2.len() != 2 || !alpha2.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::InvalidText {
                field: "country",
                reason: "not two upper-case ASCII letters (ISO 3166-1 alpha-2)",
            });
        }
        self.country = Some(alpha2.to_owned());
        Ok(self)
    }

    /// Sets `O`.
    pub fn organization(mut self, value: &str) -> Result<Name, Error> {
        self.organization = Some(checked("organization", value)?);
        Ok(self)
    }

    /// Sets `OU`.
    pub fn org_unit(mut self, value: &str) -> Result<Name, Error> {
        self.org_unit = Some(checked("organizational unit", value)?);
        Ok(self)
    }

    /// Sets `CN`.
    pub fn common_name(mut self, value: &str) -> Result<Name, Error> {
        self.common_name = Some(checked("common name", value)?);
        Ok(self)
    }

    /// The common name, if set.
    pub fn common_name_value(&self) -> Option<&str> {
        self.common_name.as_deref()
    }

    /// The DER `Name` (an RDNSequence).
    pub fn to_der(&self) -> Vec<u8> {
        let mut rdns = Vec::new();
        if let Some(c) = &self.country {
            // Checked in `country`: two upper-case letters are always printable.
            let value = der::tlv(der::tag::PRINTABLE_STRING, c.as_bytes());
            rdns.push(rdn(&pouch_crypto::oid::AT_COUNTRY, &value));
        }
        let utf8 = [
            (&pouch_crypto::oid::AT_ORGANIZATION, &self.organization),
            (&pouch_crypto::oid::AT_ORG_UNIT, &self.org_unit),
            (&pouch_crypto::oid::AT_COMMON_NAME, &self.common_name),
        ];
        for (oid, value) in utf8 {
            if let Some(v) = value {
                rdns.push(rdn(oid, &der::utf8_string(v)));
            }
        }
        let parts: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
        der::sequence(&parts)
    }
}

fn checked(field: &'static str, value: &str) -> Result<String, Error> {
    let chars = value.chars().count();
    if chars == 0 || chars > MAX_UTF8_ATTRIBUTE {
        return Err(Error::InvalidText {
            field,
            reason: "empty or longer than 64 characters",
        });
    }
    if value.chars().any(char::is_control) {
        return Err(Error::InvalidText {
            field,
            reason: "control character",
        });
    }
    Ok(value.to_owned())
}

/// One RelativeDistinguishedName holding one AttributeTypeAndValue.
fn rdn(oid: &Oid, value: &[u8]) -> Vec<u8> {
    let atv = der::sequence(&[&der::oid(oid), value]);
    der::set_of(&[&atv])
}

impl fmt::Display for Name {
    /// The OpenSSL one-line form, e.g. `C = NO, O = Norway, CN = Norway Root CA`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            ("C", &self.country),
            ("O", &self.organization),
            ("OU", &self.org_unit),
            ("CN", &self.common_name),
        ];
        let mut first = true;
        for (key, value) in parts {
            if let Some(v) = value {
                if !first {
                    f.write_str(", ")?;
                }
                write!(f, "{key} = {v}")?;
                first = false;
            }
        }
        Ok(())
    }
}
