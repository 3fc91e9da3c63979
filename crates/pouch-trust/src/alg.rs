//! The two signature forms of ECDSA (the AlgorithmIdentifiers are pouch-crypto's table).

use pouch_crypto::Algorithm;

use crate::Error;
use crate::der::{self, Reader, tag};

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
}
