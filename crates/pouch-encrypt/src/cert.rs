//! Encryption certificates' public keys (POUCH-ENC-041): SubjectPublicKeyInfo to and from
//! the recipient algorithm and its HPKE public key.

use x509_cert::der::asn1::{AnyRef, BitString};
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::{Error, PublicKey, RecipientAlg};

/// id-ecPublicKey (RFC 5480).
pub const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp384r1 (RFC 5480).
pub const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// id-XWing (draft-connolly-cfrg-xwing-kem).
pub const ID_XWING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.62253.25722");
/// id-alg-ml-kem-1024 (NIST CSOR; draft-ietf-lamps-kyber-certificates).
pub const ID_ML_KEM_1024: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.4.3");

/// The SubjectPublicKeyInfo (DER) of a recipient public key.
pub fn spki_der(pk: &PublicKey) -> Result<Vec<u8>, Error> {
    let (oid, params) = algorithm_of(pk.alg());
    let parameters = params.map(|p| AnyRef::from(&p).into());
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned { oid, parameters },
        subject_public_key: BitString::from_bytes(pk.as_bytes())
            .map_err(|e| Error::BadKey(e.to_string()))?,
    };
    spki.to_der().map_err(|e| Error::BadKey(e.to_string()))
}

/// The recipient public key of a SubjectPublicKeyInfo (DER): its algorithm follows from the
/// key's OID (POUCH-ENC-041); anything else is refused.
pub fn public_key_from_spki(spki_der: &[u8]) -> Result<PublicKey, Error> {
    let spki = SubjectPublicKeyInfoOwned::from_der(spki_der)
        .map_err(|e| Error::BadKey(format!("SubjectPublicKeyInfo: {e}")))?;
    let params = spki
        .algorithm
        .parameters
        .as_ref()
        .map(|p| p.decode_as::<ObjectIdentifier>());
    let alg = match (spki.algorithm.oid, params) {
        (ID_EC_PUBLIC_KEY, Some(Ok(SECP384R1))) => RecipientAlg::P384,
        (ID_XWING, None) => RecipientAlg::XWing,
        (ID_ML_KEM_1024, None) => RecipientAlg::MlKem1024,
        (oid, _) => {
            return Err(Error::BadKey(format!(
                "public key algorithm {oid} is not an encryption key Pouch knows"
            )));
        }
    };
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::BadKey("public key BIT STRING has unused bits".into()))?;
    PublicKey::from_bytes(alg, key)
}

/// A private key file (spec/10-encryption.md §10.5): PKCS#8 v1 (RFC 5208) whose
/// AlgorithmIdentifier is the one of [`spki_der`]. Its privateKey OCTET STRING holds, for
/// P-384, an `ECPrivateKey` (RFC 5915: version 1 and the 48-byte scalar), as every EC key
/// tool writes and reads it; for the post-quantum KEMs, the HPKE serialization of the key
/// (RFC 9180 `SerializePrivateKey`: the seed).
pub fn private_key_pkcs8(sk: &crate::PrivateKey) -> Result<Vec<u8>, Error> {
    use x509_cert::der::asn1::OctetStringRef;
    let (oid, params) = algorithm_of(sk.alg());
    let alg = AlgorithmIdentifierOwned {
        oid,
        parameters: params.map(|p| AnyRef::from(&p).into()),
    };
    let fail = |e: x509_cert::der::Error| Error::BadKey(e.to_string());
    let inner = match sk.alg() {
        RecipientAlg::P384 => {
            // ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING }
            let mut fields = Vec::new();
            1u8.encode_to_vec(&mut fields).map_err(fail)?;
            OctetStringRef::new(sk.as_bytes())
                .map_err(fail)?
                .encode_to_vec(&mut fields)
                .map_err(fail)?;
            let len = x509_cert::der::Length::try_from(fields.len()).map_err(fail)?;
            let mut seq = Vec::new();
            x509_cert::der::Header::new(x509_cert::der::Tag::Sequence, len)
                .encode_to_vec(&mut seq)
                .map_err(fail)?;
            seq.extend_from_slice(&fields);
            zeroize::Zeroizing::new(seq)
        }
        _ => zeroize::Zeroizing::new(sk.as_bytes().to_vec()),
    };
    let mut body = Vec::new();
    0u8.encode_to_vec(&mut body).map_err(fail)?;
    alg.encode_to_vec(&mut body).map_err(fail)?;
    OctetStringRef::new(&inner)
        .map_err(fail)?
        .encode_to_vec(&mut body)
        .map_err(fail)?;
    let mut out = Vec::new();
    let len = x509_cert::der::Length::try_from(body.len()).map_err(fail)?;
    x509_cert::der::Header::new(x509_cert::der::Tag::Sequence, len)
        .encode_to_vec(&mut out)
        .map_err(fail)?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// A recipient's private key as a file holds it (POUCH-ENC-042): PEM or DER, PKCS#8, or for
/// P-384 also the SEC 1 `EC PRIVATE KEY` that `openssl ec` writes. The one loader of the
/// command line, the bindings and the conformance adapter.
pub fn private_key_from(input: &[u8]) -> Result<crate::PrivateKey, Error> {
    let der = pouch_crypto::keys::private_key_pkcs8(input)
        .map_err(|e| Error::BadKey(format!("key: {e}")))?;
    private_key_from_pkcs8(&der)
}

/// The scalar of an RFC 5915 `ECPrivateKey` on P-384: version 1, the 48-byte privateKey,
/// and optionally `[0]` parameters (which must name secp384r1) and `[1]` publicKey.
fn p384_scalar(ec_private_key: &[u8]) -> Result<Vec<u8>, Error> {
    use x509_cert::der::asn1::{Any, OctetString};
    use x509_cert::der::{Reader, SliceReader, Tag, TagNumber, Tagged};
    let fail = |e: x509_cert::der::Error| Error::BadKey(format!("ECPrivateKey: {e}"));
    let mut r = SliceReader::new(ec_private_key).map_err(fail)?;
    let (version, d, curve_ok) = r
        .sequence(|r| {
            let v: u8 = r.decode()?;
            let d: OctetString = r.decode()?;
            let mut curve_ok = true;
            while !r.is_finished() {
                let field: Any = r.decode()?;
                if field.tag()
                    == (Tag::ContextSpecific {
                        constructed: true,
                        number: TagNumber(0),
                    })
                {
                    curve_ok = ObjectIdentifier::from_der(field.value()) == Ok(SECP384R1);
                }
            }
            Ok((v, d, curve_ok))
        })
        .map_err(fail)?;
    if !r.is_finished() || version != 1 {
        return Err(Error::BadKey("ECPrivateKey: not version 1 alone".into()));
    }
    if !curve_ok {
        return Err(Error::BadKey(
            "ECPrivateKey: its parameters name another curve than secp384r1".into(),
        ));
    }
    Ok(d.as_bytes().to_vec())
}

/// Reads a private key file written by [`private_key_pkcs8`] (or by any tool that writes a
/// P-384 key as PKCS#8, e.g. `openssl genpkey -algorithm EC`).
pub fn private_key_from_pkcs8(der: &[u8]) -> Result<crate::PrivateKey, Error> {
    use x509_cert::der::asn1::OctetString;
    use x509_cert::der::{Reader, SliceReader};
    let fail = |e: x509_cert::der::Error| Error::BadKey(format!("PKCS#8: {e}"));
    let mut r = SliceReader::new(der).map_err(fail)?;
    let (version, alg, key) = r
        .sequence(|r| {
            let v: u8 = r.decode()?;
            let a: AlgorithmIdentifierOwned = r.decode()?;
            let k: OctetString = r.decode()?;
            Ok((v, a, k))
        })
        .map_err(fail)?;
    if !r.is_finished() || version != 0 {
        return Err(Error::BadKey("PKCS#8: not a version 1 key alone".into()));
    }
    let params = alg
        .parameters
        .as_ref()
        .map(|p| p.decode_as::<ObjectIdentifier>());
    let ra = match (alg.oid, params) {
        (ID_EC_PUBLIC_KEY, Some(Ok(SECP384R1))) => RecipientAlg::P384,
        (ID_XWING, None) => RecipientAlg::XWing,
        (ID_ML_KEM_1024, None) => RecipientAlg::MlKem1024,
        (oid, _) => {
            return Err(Error::BadKey(format!(
                "PKCS#8: algorithm {oid} is not an encryption key Pouch knows"
            )));
        }
    };
    match ra {
        RecipientAlg::P384 => {
            let d = zeroize::Zeroizing::new(p384_scalar(key.as_bytes())?);
            crate::PrivateKey::from_bytes(ra, &d)
        }
        _ => crate::PrivateKey::from_bytes(ra, key.as_bytes()),
    }
}

fn algorithm_of(alg: RecipientAlg) -> (ObjectIdentifier, Option<ObjectIdentifier>) {
    match alg {
        RecipientAlg::P384 => (ID_EC_PUBLIC_KEY, Some(SECP384R1)),
        RecipientAlg::XWing => (ID_XWING, None),
        RecipientAlg::MlKem1024 => (ID_ML_KEM_1024, None),
    }
}
