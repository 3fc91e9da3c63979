//! Key and certificate plumbing that needs no backend: PEM armour, a strict DER walk to the
//! SubjectPublicKeyInfo of a certificate, and recognising a key's algorithm by its OIDs.
//!
//! Every function here takes untrusted bytes: it returns an error or `None` for any malformed
//! input, never panics, and never allocates by a length the input claims.

mod der;
mod pem;
#[cfg(test)]
mod tests;

pub use pem::{MAX_PEM_LEN, pem_blocks, pem_decode};

use crate::{Algorithm, Error};
use der::{BIT_STRING, CONTEXT_0, INTEGER, NULL, OCTET_STRING, Reader, SEQUENCE};

/// DER contents of the object identifiers Pouch recognises.
mod oid {
    /// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480).
    pub(super) const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// secp256r1, 1.2.840.10045.3.1.7.
    pub(super) const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1, 1.3.132.0.34.
    pub(super) const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// secp521r1, 1.3.132.0.35.
    pub(super) const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    /// id-Ed25519, 1.3.101.112 (RFC 8410).
    pub(super) const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    /// rsaEncryption, 1.2.840.113549.1.1.1.
    pub(super) const RSA_ENCRYPTION: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-RSASSA-PSS, 1.2.840.113549.1.1.10 (RFC 4055).
    pub(super) const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// id-ml-dsa-44, 2.16.840.1.101.3.4.3.17 (FIPS 204; RFC 9881).
    pub(super) const ML_DSA_44: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11];
    /// id-ml-dsa-65, 2.16.840.1.101.3.4.3.18.
    pub(super) const ML_DSA_65: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12];
    /// id-ml-dsa-87, 2.16.840.1.101.3.4.3.19.
    pub(super) const ML_DSA_87: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13];
}

/// The SubjectPublicKeyInfo of a DER X.509 certificate, as its complete DER element (ready
/// for [`crate::SignatureScheme::verify`]).
///
/// The walk is strict about the structure it passes through (Certificate → tbsCertificate →
/// version, serialNumber, signature, issuer, validity, subject → subjectPublicKeyInfo) and
/// requires the certificate to be one element with nothing after it; it does not validate
/// the skipped fields' contents, which is the path validator's job.
///
/// # Errors
///
/// [`Error::Encoding`] if the bytes are not such a certificate.
pub fn spki_of_certificate(cert_der: &[u8]) -> Result<&[u8], Error> {
    let cert = der::single(cert_der, SEQUENCE)?;
    let mut cert_fields = Reader::new(cert.value);
    let tbs = cert_fields.expect(SEQUENCE)?;
    // signatureAlgorithm and signatureValue must follow.
    cert_fields.expect(SEQUENCE)?;
    cert_fields.expect(BIT_STRING)?;
    cert_fields.finish()?;

    let mut tbs = Reader::new(tbs.value);
    if tbs.peek_tag() == Some(CONTEXT_0) {
        tbs.any()?;
    }
    tbs.expect(INTEGER)?; // serialNumber
    tbs.expect(SEQUENCE)?; // signature
    tbs.expect(SEQUENCE)?; // issuer
    tbs.expect(SEQUENCE)?; // validity
    tbs.expect(SEQUENCE)?; // subject
    let spki = tbs.expect(SEQUENCE)?;
    parse_spki(spki.full)?;
    Ok(spki.full)
}

/// A parsed SubjectPublicKeyInfo.
struct Spki<'a> {
    alg: der::AlgorithmId<'a>,
    /// The BIT STRING's contents after its unused-bits byte (which must be 0).
    key: &'a [u8],
}

fn parse_spki(spki_der: &[u8]) -> Result<Spki<'_>, Error> {
    let seq = der::single(spki_der, SEQUENCE)?;
    let mut fields = Reader::new(seq.value);
    let alg = der::algorithm_id(&mut fields)?;
    let bits = fields.expect(BIT_STRING)?;
    fields.finish()?;
    match bits.value.split_first() {
        Some((0, key)) => Ok(Spki { alg, key }),
        _ => Err(Error::Encoding("public key BIT STRING has unused bits")),
    }
}

/// The Pouch algorithm an `AlgorithmIdentifier` names, looking at the OID and, for EC keys,
/// the named curve. RSA keys (rsaEncryption or id-RSASSA-PSS) map to PS256, the only RSA
/// algorithm Pouch registers.
fn classify(alg: &der::AlgorithmId<'_>) -> Option<Algorithm> {
    match alg.oid {
        oid::EC_PUBLIC_KEY => {
            let params = alg.params?;
            if params.tag != der::OID {
                return None;
            }
            match params.value {
                oid::P256 => Some(Algorithm::Es256),
                oid::P384 => Some(Algorithm::Es384),
                oid::P521 => Some(Algorithm::Es512),
                _ => None,
            }
        }
        oid::ED25519 => Some(Algorithm::EdDsa),
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => Some(Algorithm::Ps256),
        oid::ML_DSA_44 => Some(Algorithm::MlDsa44),
        oid::ML_DSA_65 => Some(Algorithm::MlDsa65),
        oid::ML_DSA_87 => Some(Algorithm::MlDsa87),
        _ => None,
    }
}

/// The algorithm of a DER SubjectPublicKeyInfo, by its OIDs; `None` if it is malformed or
/// of no Pouch algorithm.
pub fn algorithm_of_spki(spki_der: &[u8]) -> Option<Algorithm> {
    classify(&parse_spki(spki_der).ok()?.alg)
}

/// The algorithm of a DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`, by its OIDs; `None`
/// if it is malformed or of no Pouch algorithm.
pub fn algorithm_of_pkcs8(pkcs8_der: &[u8]) -> Option<Algorithm> {
    classify(&parse_pkcs8(pkcs8_der).ok()?.0)
}

fn parse_pkcs8(pkcs8_der: &[u8]) -> Result<(der::AlgorithmId<'_>, &[u8]), Error> {
    let seq = der::single(pkcs8_der, SEQUENCE)?;
    let mut fields = Reader::new(seq.value);
    let version = fields.expect(INTEGER)?;
    if version.value != [0] && version.value != [1] {
        return Err(Error::Encoding("PKCS#8: unknown version"));
    }
    let alg = der::algorithm_id(&mut fields)?;
    let key = fields.expect(OCTET_STRING)?;
    // [0] attributes and [1] publicKey may follow; their contents are the backend's concern.
    while !fields.is_empty() {
        fields.any()?;
    }
    Ok((alg, key.value))
}

/// The public key inside `spki_der` in the form backends take, after checking that the SPKI
/// is well-formed and of `alg`'s key type:
///
/// - ES256/384/512: the uncompressed point `04 || x || y` (RFC 5480; compressed points are
///   refused, so every provider sees the same keys);
/// - EdDSA: the 32-byte Ed25519 key (parameters must be absent, RFC 8410);
/// - PS256: the `RSAPublicKey` DER (rsaEncryption with NULL parameters, or id-RSASSA-PSS
///   without parameters; PSS keys restricted by parameters are refused);
/// - ML-DSA: the raw encoded key of the parameter set (parameters absent, RFC 9881).
///
/// # Errors
///
/// [`Error::BadPublicKey`] naming `alg` and the reason.
pub fn spki_public_key(spki_der: &[u8], alg: Algorithm) -> Result<&[u8], Error> {
    let bad = |reason| Error::BadPublicKey { alg, reason };
    let spki = parse_spki(spki_der).map_err(|_| bad("malformed SubjectPublicKeyInfo"))?;
    if classify(&spki.alg) != Some(alg) {
        return Err(bad("key is of another algorithm or curve"));
    }
    let params = spki.alg.params;
    let expected_len = match alg {
        Algorithm::Es256 => Some(65),
        Algorithm::Es384 => Some(97),
        Algorithm::Es512 => Some(133),
        Algorithm::EdDsa => Some(32),
        Algorithm::MlDsa44 => Some(1312),
        Algorithm::MlDsa65 => Some(1952),
        Algorithm::MlDsa87 => Some(2592),
        _ => None,
    };
    match alg {
        Algorithm::Es256 | Algorithm::Es384 | Algorithm::Es512 => {
            if spki.key.first() != Some(&0x04) {
                return Err(bad("EC point is not uncompressed"));
            }
        }
        Algorithm::Ps256 => {
            let params_ok = match (spki.alg.oid, params) {
                (oid::RSA_ENCRYPTION, Some(p)) => p.tag == NULL && p.value.is_empty(),
                (oid::RSASSA_PSS, None) => true,
                _ => false,
            };
            if !params_ok {
                return Err(bad("unsupported RSA key parameters"));
            }
            der::single(spki.key, SEQUENCE).map_err(|_| bad("malformed RSAPublicKey"))?;
        }
        _ => {
            if params.is_some() {
                return Err(bad("algorithm parameters must be absent"));
            }
        }
    }
    if expected_len.is_some_and(|n| n != spki.key.len()) {
        return Err(bad("public key has the wrong length"));
    }
    Ok(spki.key)
}

/// The `privateKey` OCTET STRING contents of a PKCS#8 key, after checking it is of `alg`'s
/// key type (as [`algorithm_of_pkcs8`]).
///
/// # Errors
///
/// [`Error::BadPrivateKey`] naming `alg` and the reason.
pub fn pkcs8_private_key(pkcs8_der: &[u8], alg: Algorithm) -> Result<&[u8], Error> {
    let bad = |reason| Error::BadPrivateKey { alg, reason };
    let (id, key) = parse_pkcs8(pkcs8_der).map_err(|_| bad("malformed PKCS#8"))?;
    if classify(&id) != Some(alg) {
        return Err(bad("key is of another algorithm or curve"));
    }
    Ok(key)
}
