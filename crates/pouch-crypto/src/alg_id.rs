//! Pouch's one table of X.509 algorithm identifiers: which `AlgorithmIdentifier` of a key
//! names which [`Algorithm`], and which `AlgorithmIdentifier` a certificate signed with an
//! algorithm carries.

use ::der::asn1::AnyRef;
use ::der::{Decode, Encode, Tag, TagNumber, Tagged};
use spki::AlgorithmIdentifierRef;

use crate::oid::{self, Oid};
use crate::{Algorithm, Error};

/// The Pouch algorithm a key's `AlgorithmIdentifier` names, looking at the OID and, for EC
/// keys, the named curve. RSA keys (rsaEncryption or id-RSASSA-PSS) map to PS256, the only
/// RSA algorithm Pouch registers.
pub fn key_algorithm(id: &AlgorithmIdentifierRef<'_>) -> Option<Algorithm> {
    match id.oid {
        oid::EC_PUBLIC_KEY => {
            let params = id.parameters?;
            if params.tag() != Tag::ObjectIdentifier {
                return None;
            }
            let curve = Oid::from_bytes(params.value()).ok()?;
            match curve {
                oid::SECP256R1 => Some(Algorithm::Es256),
                oid::SECP384R1 => Some(Algorithm::Es384),
                oid::SECP521R1 => Some(Algorithm::Es512),
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

/// The OID of the signature algorithm a certificate signed with `alg` names.
fn signature_oid(alg: Algorithm) -> Oid {
    match alg {
        Algorithm::Es256 => oid::ECDSA_SHA256,
        Algorithm::Es384 => oid::ECDSA_SHA384,
        Algorithm::Es512 => oid::ECDSA_SHA512,
        Algorithm::EdDsa => oid::ED25519,
        Algorithm::Ps256 => oid::RSASSA_PSS,
        Algorithm::MlDsa44 => oid::ML_DSA_44,
        Algorithm::MlDsa65 => oid::ML_DSA_65,
        Algorithm::MlDsa87 => oid::ML_DSA_87,
    }
}

/// One element with `tag` around `content`, DER-encoded.
fn element(tag: Tag, content: &[u8]) -> Result<Vec<u8>, der::Error> {
    AnyRef::new(tag, content)?.to_der()
}

fn explicit(number: u32, inner: &[u8]) -> Result<Vec<u8>, der::Error> {
    let tag = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(number),
    };
    element(tag, inner)
}

fn identifier(oid: Oid, parameters: Option<&[u8]>) -> Result<Vec<u8>, der::Error> {
    let parameters = parameters.map(AnyRef::from_der).transpose()?;
    AlgorithmIdentifierRef { oid, parameters }.to_der()
}

/// The RSASSA-PSS parameters of PS256 (RFC 4055): SHA-256, MGF1 with SHA-256, a 32-octet
/// salt, with NULL parameters in the hash identifiers as OpenSSL and webpki write them.
fn pss_sha256_parameters() -> Result<Vec<u8>, der::Error> {
    let null = AnyRef::NULL.to_der()?;
    let sha256 = identifier(oid::SHA256, Some(&null))?;
    let mgf1 = identifier(oid::MGF1, Some(&sha256))?;
    let salt = 32u8.to_der()?;
    let fields = [
        explicit(0, &sha256)?,
        explicit(1, &mgf1)?,
        explicit(2, &salt)?,
    ]
    .concat();
    element(Tag::Sequence, &fields)
}

/// The DER `AlgorithmIdentifier` an X.509 certificate signed with `alg` carries.
///
/// ECDSA (RFC 5758), Ed25519 (RFC 8410) and ML-DSA (RFC 9881) have absent parameters;
/// RSASSA-PSS (RFC 4055) carries SHA-256, MGF1 with SHA-256 and a 32-byte salt.
///
/// # Errors
///
/// [`Error::Encoding`] if the identifier could not be written (which DER's length limits
/// make impossible for these few bytes).
pub fn signature_algorithm_identifier(alg: Algorithm) -> Result<Vec<u8>, Error> {
    let oid = signature_oid(alg);
    let written = if alg == Algorithm::Ps256 {
        pss_sha256_parameters().and_then(|params| identifier(oid, Some(&params)))
    } else {
        identifier(oid, None)
    };
    written.map_err(|_| Error::Encoding("AlgorithmIdentifier could not be written"))
}

/// The algorithm whose identifier [`signature_algorithm_identifier`] writes as `der`, if any.
pub fn algorithm_from_identifier(der: &[u8]) -> Option<Algorithm> {
    Algorithm::ALL
        .into_iter()
        .find(|&alg| signature_algorithm_identifier(alg).is_ok_and(|id| id == der))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn identifiers_round_trip_and_match_known_encodings() {
        for alg in Algorithm::ALL {
            let id = signature_algorithm_identifier(alg).unwrap();
            assert_eq!(algorithm_from_identifier(&id), Some(alg));
        }
        let es256 = signature_algorithm_identifier(Algorithm::Es256).unwrap();
        assert_eq!(
            es256,
            [
                0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02
            ]
        );
        // The well-known RSASSA-PSS SHA-256 identifier (as in webpki's alg-rsa-pss-sha256.der).
        let pss = signature_algorithm_identifier(Algorithm::Ps256).unwrap();
        let expected = "304106092a864886f70d01010a3034a00f300d06096086480165030402010500\
                        a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120";
        let hex: String = pss.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
        assert_eq!(algorithm_from_identifier(&pss[..pss.len() - 1]), None);
    }
}
