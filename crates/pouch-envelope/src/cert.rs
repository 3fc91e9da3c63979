//! What this chapter needs from a signer's certificate: its public key, and its subject for
//! reports. Path validation is the trust chapter's (`pouch-trust`).

use x509_cert::Certificate;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode, Tag, Tagged};

/// id-at-countryName (RFC 4519).
const COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

/// The parts of a leaf certificate that sealing and verifying use.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeafInfo {
    /// The SubjectPublicKeyInfo, DER.
    pub spki: Vec<u8>,
    /// The subject as an RFC 4514 string.
    pub subject: String,
    /// The subject's country (ISO 3166-1 alpha-2), if it names one.
    pub country: Option<String>,
}

/// Reads a DER certificate's public key and subject.
pub fn leaf_info(der: &[u8]) -> Result<LeafInfo, String> {
    let cert = Certificate::from_der(der).map_err(|e| format!("certificate: {e}"))?;
    let tbs = cert.tbs_certificate();
    let spki = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("certificate public key: {e}"))?;
    let country = tbs
        .subject()
        .iter()
        .find(|atv| atv.oid == COUNTRY_NAME)
        .and_then(|atv| {
            core::str::from_utf8(atv.value.value())
                .ok()
                .map(str::to_owned)
        });
    Ok(LeafInfo {
        spki,
        subject: rfc4514(tbs.subject()),
        country,
    })
}

/// What people read of one certificate of a seal's chain (`inspect`); nothing here is judged.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertNames {
    /// The subject as an RFC 4514 string.
    pub subject: String,
    /// The issuer as an RFC 4514 string.
    pub issuer: String,
    /// The start of the validity period, RFC 3339 (`2026-11-28T09:00:00Z`).
    pub not_before: String,
    /// The end of the validity period, RFC 3339.
    pub not_after: String,
}

/// Reads a DER certificate's subject, issuer and validity period.
pub fn cert_names(der: &[u8]) -> Result<CertNames, String> {
    let cert = Certificate::from_der(der).map_err(|e| format!("certificate: {e}"))?;
    let tbs = cert.tbs_certificate();
    let validity = tbs.validity();
    Ok(CertNames {
        subject: rfc4514(tbs.subject()),
        issuer: rfc4514(tbs.issuer()),
        not_before: validity.not_before.to_date_time().to_string(),
        not_after: validity.not_after.to_date_time().to_string(),
    })
}

/// Short names of the attributes signer subjects use (RFC 4514 §3, RFC 4519); others are
/// written as dotted OIDs. A table this small is much cheaper than a full OID database
/// lookup per attribute, and verification formats one subject per seal.
const SHORT_NAMES: [(&str, &str); 9] = [
    ("2.5.4.3", "CN"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.5", "serialNumber"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
];

/// The RFC 4514 string of a name: RDNs last first, attribute values of the string types
/// escaped, others as `#` and hex.
fn rfc4514(name: &x509_cert::name::Name) -> String {
    let mut rdns: Vec<String> = Vec::new();
    for rdn in name.iter_rdn() {
        let atvs: Vec<String> = rdn
            .iter()
            .map(|atv| {
                let oid = atv.oid.to_string();
                let key = SHORT_NAMES
                    .iter()
                    .find(|(o, _)| *o == oid)
                    .map_or(oid.as_str(), |(_, n)| n)
                    .to_owned();
                let text = core::str::from_utf8(atv.value.value()).ok().filter(|_| {
                    // UTF8String, PrintableString, IA5String, TeletexString.
                    matches!(
                        atv.value.tag(),
                        Tag::Utf8String
                            | Tag::PrintableString
                            | Tag::Ia5String
                            | Tag::TeletexString
                    )
                });
                match text {
                    Some(t) => format!("{key}={}", escape(t)),
                    None => {
                        let hex: String = atv
                            .value
                            .value()
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect();
                        format!("{key}=#{hex}")
                    }
                }
            })
            .collect();
        rdns.push(atvs.join("+"));
    }
    rdns.reverse();
    rdns.join(",")
}

fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn subjects_format_as_rfc_4514_with_escapes() {
        // Name: C=NO, O=A+B, CN= x  (built by hand: SET of one ATV each).
        let atv = |oid: &[u8], tag: u8, v: &[u8]| {
            let mut a = vec![0x06, oid.len() as u8];
            a.extend_from_slice(oid);
            a.extend_from_slice(&[tag, v.len() as u8]);
            a.extend_from_slice(v);
            let mut seq = vec![0x30, a.len() as u8];
            seq.extend(a);
            let mut set = vec![0x31, seq.len() as u8];
            set.extend(seq);
            set
        };
        let mut body = atv(&[0x55, 4, 6], 0x13, b"NO");
        body.extend(atv(&[0x55, 4, 10], 0x0c, b"A+B"));
        body.extend(atv(&[0x55, 4, 3], 0x0c, b" x"));
        let mut der = vec![0x30, body.len() as u8];
        der.extend(body);
        let name = x509_cert::name::Name::from_der(&der).unwrap();
        assert_eq!(rfc4514(&name), "CN=\\ x,O=A\\+B,C=NO");
    }
}
