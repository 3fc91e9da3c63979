//! Key and certificate plumbing that needs no backend: PEM armour, a strict DER walk to the
//! SubjectPublicKeyInfo of a certificate, and recognising a key's algorithm by its OIDs.
//!
//! Every function here takes untrusted bytes: it returns an error or `None` for any malformed
//! input, never panics, and never allocates by a length the input claims.

mod legacy;
mod pem;
#[cfg(test)]
mod tests;

pub use legacy::private_key_pkcs8;
pub use pem::{MAX_PEM_LEN, pem_blocks, pem_decode};

use ::der::Decode;
use ::der::asn1::BitStringRef;
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use crate::alg_id::key_algorithm;
use crate::der::{Reader, single, tag};
use crate::{Algorithm, Error, oid};

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
    let walk = || -> Result<&[u8], crate::der::Malformed> {
        let cert = single(cert_der, tag::SEQUENCE)?;
        let mut cert_fields = Reader::new(cert.content);
        let tbs = cert_fields.expect(tag::SEQUENCE)?;
        // signatureAlgorithm and signatureValue must follow.
        cert_fields.expect(tag::SEQUENCE)?;
        cert_fields.expect(tag::BIT_STRING)?;
        cert_fields.finish()?;

        let mut tbs = Reader::new(tbs.content);
        if tbs.peek_tag() == Some(tag::CONTEXT_0) {
            tbs.any()?;
        }
        tbs.expect(tag::INTEGER)?; // serialNumber
        tbs.expect(tag::SEQUENCE)?; // signature
        tbs.expect(tag::SEQUENCE)?; // issuer
        tbs.expect(tag::SEQUENCE)?; // validity
        tbs.expect(tag::SEQUENCE)?; // subject
        Ok(tbs.expect(tag::SEQUENCE)?.whole)
    };
    let spki = walk().map_err(|e| Error::Encoding(e.reason))?;
    parse_spki(spki)?;
    Ok(spki)
}

/// A parsed SubjectPublicKeyInfo.
struct Spki<'a> {
    alg: AlgorithmIdentifierRef<'a>,
    /// The BIT STRING's contents after its unused-bits byte (which must be 0).
    key: &'a [u8],
}

fn parse_spki(spki_der: &[u8]) -> Result<Spki<'_>, Error> {
    let spki = SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|_| Error::Encoding("malformed SubjectPublicKeyInfo"))?;
    let bits: BitStringRef<'_> = spki.subject_public_key;
    match bits.as_bytes() {
        Some(key) => Ok(Spki {
            alg: spki.algorithm,
            key,
        }),
        None => Err(Error::Encoding("public key BIT STRING has unused bits")),
    }
}

/// The algorithm of a DER SubjectPublicKeyInfo, by its OIDs; `None` if it is malformed or
/// of no Pouch algorithm.
pub fn algorithm_of_spki(spki_der: &[u8]) -> Option<Algorithm> {
    key_algorithm(&parse_spki(spki_der).ok()?.alg)
}

/// The algorithm of a DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`, by its OIDs; `None`
/// if it is malformed or of no Pouch algorithm.
pub fn algorithm_of_pkcs8(pkcs8_der: &[u8]) -> Option<Algorithm> {
    key_algorithm(&parse_pkcs8(pkcs8_der).ok()?.0)
}

fn parse_pkcs8(pkcs8_der: &[u8]) -> Result<(AlgorithmIdentifierRef<'_>, &[u8]), Error> {
    let malformed = |e: crate::der::Malformed| Error::Encoding(e.reason);
    let seq = single(pkcs8_der, tag::SEQUENCE).map_err(malformed)?;
    let mut fields = Reader::new(seq.content);
    let version = fields.expect(tag::INTEGER).map_err(malformed)?;
    if version.content != [0] && version.content != [1] {
        return Err(Error::Encoding("PKCS#8: unknown version"));
    }
    let alg = fields.expect(tag::SEQUENCE).map_err(malformed)?;
    let alg = AlgorithmIdentifierRef::from_der(alg.whole)
        .map_err(|_| Error::Encoding("PKCS#8: malformed AlgorithmIdentifier"))?;
    let key = fields.expect(tag::OCTET_STRING).map_err(malformed)?;
    // [0] attributes and [1] publicKey may follow; their contents are the backend's concern.
    while !fields.is_empty() {
        fields.any().map_err(malformed)?;
    }
    Ok((alg, key.content))
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
    if key_algorithm(&spki.alg) != Some(alg) {
        return Err(bad("key is of another algorithm or curve"));
    }
    let params = spki.alg.parameters;
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
                (oid::RSA_ENCRYPTION, Some(p)) => p.is_null(),
                (oid::RSASSA_PSS, None) => true,
                _ => false,
            };
            if !params_ok {
                return Err(bad("unsupported RSA key parameters"));
            }
            single(spki.key, tag::SEQUENCE).map_err(|_| bad("malformed RSAPublicKey"))?;
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
    if key_algorithm(&id) != Some(alg) {
        return Err(bad("key is of another algorithm or curve"));
    }
    Ok(key)
}
