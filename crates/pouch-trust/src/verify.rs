//! Taking a certificate apart again, to check its signature with a provider.

use pouch_crypto::{Algorithm, CryptoProvider};

use crate::Error;
use crate::alg::signature_from_x509;
use crate::der::{Reader, tag};

/// The three parts of a DER `Certificate`, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateParts<'a> {
    /// The whole DER `TBSCertificate`: the signed bytes.
    pub tbs: &'a [u8],
    /// The whole DER `signatureAlgorithm` AlgorithmIdentifier.
    pub signature_algorithm: &'a [u8],
    /// The `signatureValue` BIT STRING contents, in X.509 form.
    pub signature: &'a [u8],
}

impl<'a> CertificateParts<'a> {
    /// Splits `der` into its parts, checking only the outer structure.
    pub fn parse(der: &'a [u8]) -> Result<Self, Error> {
        let mut outer = Reader::new(der);
        let cert = outer.expect(tag::SEQUENCE)?;
        if !outer.is_empty() {
            return Err(Error::Malformed {
                position: cert.whole.len(),
                reason: "trailing data",
            });
        }
        let mut fields = Reader::new(cert.content);
        let tbs = fields.expect(tag::SEQUENCE)?;
        let alg = fields.expect(tag::SEQUENCE)?;
        let sig = fields.expect(tag::BIT_STRING)?;
        if !fields.is_empty() {
            return Err(Error::Malformed {
                position: 0,
                reason: "extra fields in Certificate",
            });
        }
        let signature = match sig.content.split_first() {
            Some((0, bits)) => bits,
            _ => {
                return Err(Error::Malformed {
                    position: 0,
                    reason: "signature is not whole octets",
                });
            }
        };
        // The inner signature field of TBSCertificate must repeat the outer one.
        let mut tbs_fields = Reader::new(tbs.content);
        tbs_fields.expect(0xa0)?;
        tbs_fields.expect(tag::INTEGER)?;
        if tbs_fields.expect(tag::SEQUENCE)?.whole != alg.whole {
            return Err(Error::Malformed {
                position: 0,
                reason: "inner and outer algorithms differ",
            });
        }
        Ok(CertificateParts {
            tbs: tbs.whole,
            signature_algorithm: alg.whole,
            signature,
        })
    }
}

/// Verifies the signature of certificate `cert_der` with the issuer's public key
/// (`issuer_spki`, DER SubjectPublicKeyInfo) using `provider`, converting an ECDSA
/// signature back to the raw form providers take. Returns the signature algorithm.
pub fn verify_signature(
    provider: &CryptoProvider,
    cert_der: &[u8],
    issuer_spki: &[u8],
) -> Result<Algorithm, Error> {
    let parts = CertificateParts::parse(cert_der)?;
    let alg = pouch_crypto::algorithm_from_identifier(parts.signature_algorithm)
        .ok_or(Error::UnknownSignatureAlgorithm)?;
    let scheme = provider
        .signature(alg)
        .ok_or(Error::UnsupportedAlgorithm(alg))?;
    let raw = signature_from_x509(alg, parts.signature)?;
    scheme.verify(issuer_spki, parts.tbs, &raw)?;
    Ok(alg)
}
