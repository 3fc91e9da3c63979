//! Signature AlgorithmIdentifiers and the two signature forms of ECDSA.

use pouch_crypto::Algorithm;

use crate::der::{self, Reader, tag};
use crate::{Error, Oid};

/// The DER `AlgorithmIdentifier` an X.509 certificate signed with `alg` carries.
///
/// ECDSA (RFC 5758), Ed25519 (RFC 8410) and ML-DSA (RFC 9881) have absent parameters;
/// RSASSA-PSS (RFC 4055) carries SHA-256, MGF1 with SHA-256 and a 32-byte salt, with NULL
/// parameters in the hash identifiers as OpenSSL and webpki write them.
pub fn signature_algorithm_identifier(alg: Algorithm) -> Result<Vec<u8>, Error> {
    let bare = |oid: &Oid| der::sequence(&[&der::oid(oid)]);
    Ok(match alg {
        Algorithm::Es256 => bare(&Oid::ECDSA_SHA256),
        Algorithm::Es384 => bare(&Oid::ECDSA_SHA384),
        Algorithm::Es512 => bare(&Oid::ECDSA_SHA512),
        Algorithm::EdDsa => bare(&Oid::ED25519),
        Algorithm::MlDsa44 => bare(&Oid::ML_DSA_44),
        Algorithm::MlDsa65 => bare(&Oid::ML_DSA_65),
        Algorithm::MlDsa87 => bare(&Oid::ML_DSA_87),
        Algorithm::Ps256 => {
            let sha256 = der::sequence(&[&der::oid(&Oid::SHA256), &der::null()]);
            let mgf1 = der::sequence(&[&der::oid(&Oid::MGF1), &sha256]);
            let params = der::sequence(&[
                &der::explicit(0, &sha256),
                &der::explicit(1, &mgf1),
                &der::explicit(2, &der::integer_u64(32)),
            ]);
            der::sequence(&[&der::oid(&Oid::RSASSA_PSS), &params])
        }
        other => return Err(Error::UnsupportedAlgorithm(other)),
    })
}

/// The algorithm whose identifier [`signature_algorithm_identifier`] writes as `der`.
pub fn algorithm_from_identifier(der: &[u8]) -> Result<Algorithm, Error> {
    Algorithm::ALL
        .into_iter()
        .find(|&alg| signature_algorithm_identifier(alg).is_ok_and(|id| id == der))
        .ok_or(Error::UnknownSignatureAlgorithm)
}

/// The byte length of one ECDSA scalar (r or s) for `alg`, or `None` if not ECDSA.
fn ecdsa_scalar_len(alg: Algorithm) -> Option<usize> {
    match alg {
        Algorithm::Es256 => Some(32),
        Algorithm::Es384 => Some(48),
        Algorithm::Es512 => Some(66),
        _ => None,
    }
}

/// Converts a signature from the COSE form a provider makes to the form X.509 carries in
/// its BIT STRING: ECDSA's raw `r || s` becomes DER `Ecdsa-Sig-Value ::= SEQUENCE { r
/// INTEGER, s INTEGER }`; other algorithms are returned unchanged.
pub fn signature_to_x509(alg: Algorithm, cose: &[u8]) -> Result<Vec<u8>, Error> {
    let Some(n) = ecdsa_scalar_len(alg) else {
        return Ok(cose.to_vec());
    };
    if cose.len() != 2 * n {
        return Err(Error::Malformed {
            position: 0,
            reason: "raw ECDSA signature of wrong length",
        });
    }
    let (r, s) = cose.split_at(n);
    Ok(der::sequence(&[
        &der::unsigned_integer(r),
        &der::unsigned_integer(s),
    ]))
}

/// The inverse of [`signature_to_x509`]: DER `Ecdsa-Sig-Value` back to fixed-width
/// `r || s`; other algorithms are returned unchanged.
pub fn signature_from_x509(alg: Algorithm, x509: &[u8]) -> Result<Vec<u8>, Error> {
    let Some(n) = ecdsa_scalar_len(alg) else {
        return Ok(x509.to_vec());
    };
    let mut outer = Reader::new(x509);
    let seq = outer.expect(tag::SEQUENCE)?;
    if !outer.is_empty() {
        return Err(Error::Malformed {
            position: seq.whole.len(),
            reason: "trailing data",
        });
    }
    let mut inner = Reader::new(seq.content);
    let mut raw = Vec::with_capacity(2 * n);
    for _ in 0..2 {
        let int = inner.expect(tag::INTEGER)?;
        let magnitude = der::unsigned_integer_magnitude(int.content)?;
        if magnitude.len() > n {
            return Err(Error::Malformed {
                position: 0,
                reason: "ECDSA scalar too long",
            });
        }
        raw.resize(raw.len() + n - magnitude.len(), 0);
        raw.extend_from_slice(magnitude);
    }
    if !inner.is_empty() {
        return Err(Error::Malformed {
            position: 0,
            reason: "trailing data in Ecdsa-Sig-Value",
        });
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn ecdsa_high_bit_scalars_gain_a_zero_octet() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80; // r = 0x80 00..00: needs a leading 0x00
        raw[63] = 0x01; // s = 1: shrinks to one octet
        let der = signature_to_x509(Algorithm::Es256, &raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x21, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x01]);
        assert_eq!(signature_from_x509(Algorithm::Es256, &der).unwrap(), raw);
    }

    #[test]
    fn ecdsa_round_trip_for_p521_lengths() {
        let mut raw: Vec<u8> = (0..132u8).map(|i| i.wrapping_mul(37) | 1).collect();
        raw[0] = 0x01; // neither scalar has its top bit set, so neither gains a 0x00
        raw[66] = 0x01;
        let der = signature_to_x509(Algorithm::Es512, &raw).unwrap();
        // 2 * (2 + 66) = 136 content octets: long-form length 0x81 0x88.
        assert_eq!(&der[..3], &[0x30, 0x81, 0x88]);
        assert_eq!(signature_from_x509(Algorithm::Es512, &der).unwrap(), raw);
        assert!(signature_to_x509(Algorithm::Es512, &raw[1..]).is_err());
    }

    #[test]
    fn non_ecdsa_signatures_pass_through() {
        let sig = [1u8, 2, 3];
        assert_eq!(signature_to_x509(Algorithm::EdDsa, &sig).unwrap(), sig);
        assert_eq!(signature_from_x509(Algorithm::MlDsa65, &sig).unwrap(), sig);
    }

    #[test]
    fn identifiers_round_trip_and_match_known_encodings() {
        for alg in Algorithm::ALL {
            let id = signature_algorithm_identifier(alg).unwrap();
            assert_eq!(algorithm_from_identifier(&id).unwrap(), alg);
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
    }
}
