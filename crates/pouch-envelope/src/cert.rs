//! What this chapter needs from a signer's certificate: its public key, and its subject for
//! reports. Path validation is the trust chapter's (`pouch-pki`).

use x509_cert::Certificate;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode};

/// id-at-countryName (RFC 4519).
const COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

/// The parts of a leaf certificate that sealing and verifying use.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        subject: tbs.subject().to_string(),
        country,
    })
}
