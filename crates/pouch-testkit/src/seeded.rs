//! Keys derived from a seed, so that a demo or test PKI regenerates byte for byte.
//!
//! Never for production: anyone who knows the seed knows the key.

use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, keys};

use crate::der;
use crate::{Error, Oid};

fn oid(arcs: &[u32]) -> Result<Vec<u8>, Error> {
    let oid = Oid::from_arcs(arcs.iter().copied()).map_err(|_| Error::InvalidText {
        field: "object identifier",
        reason: "not a valid OID",
    })?;
    Ok(der::oid(&oid))
}

/// `len` bytes from SHA-256 in counter mode over a domain label, the algorithm and the seed.
fn expand(
    provider: &CryptoProvider,
    alg: Algorithm,
    seed: &[u8],
    attempt: u8,
    len: usize,
) -> Result<Vec<u8>, Error> {
    let sha = provider
        .digest(DigestAlgorithm::Sha256)
        .ok_or(Error::Crypto(pouch_crypto::Error::Unsupported(alg)))?;
    let mut out = Vec::with_capacity(len + 32);
    let mut counter: u8 = 0;
    while out.len() < len {
        let mut d = sha.start();
        d.update(b"pouch-pki seeded key v1");
        d.update(alg.name().as_bytes());
        d.update(&[attempt, counter]);
        d.update(seed);
        out.extend(d.finish());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    Ok(out)
}

/// A scalar below the curve order without big-number arithmetic: the orders of P-256 and
/// P-384 begin with four 0xFF bytes and P-521's with 0x01 0xFF, so a candidate whose leading
/// bytes are smaller is below the order; the rare candidate that is not is drawn again.
fn ec_scalar(
    provider: &CryptoProvider,
    alg: Algorithm,
    seed: &[u8],
    len: usize,
) -> Result<Vec<u8>, Error> {
    for attempt in 0..=255u8 {
        let mut d = expand(provider, alg, seed, attempt, len)?;
        let below = if alg == Algorithm::Es512 {
            if let Some(top) = d.first_mut() {
                *top &= 0x01;
            }
            d.get(..2) != Some(&[0x01, 0xff][..])
        } else {
            d.get(..4) != Some(&[0xff; 4][..])
        };
        if below && d.iter().any(|&b| b != 0) {
            return Ok(d);
        }
    }
    Err(Error::Crypto(pouch_crypto::Error::Backend(
        "no scalar in 256 draws",
    )))
}

/// A PKCS#8 key for `alg` derived from `seed`, with its public key included so every
/// provider loads it. `provider` derives the public key; it must load PKCS#8 EC keys without
/// one (RustCrypto does). Supported: ES256, ES384, ES512, EdDSA, ML-DSA-44/65/87.
pub fn seeded_pkcs8(
    provider: &CryptoProvider,
    alg: Algorithm,
    seed: &[u8],
) -> Result<Vec<u8>, Error> {
    let scheme = provider
        .signature(alg)
        .ok_or(Error::Crypto(pouch_crypto::Error::Unsupported(alg)))?;
    let ec = |curve: &[u32], len: usize| -> Result<Vec<u8>, Error> {
        let d = ec_scalar(provider, alg, seed, len)?;
        let alg_id = der::sequence(&[&oid(&[1, 2, 840, 10045, 2, 1])?, &oid(curve)?]);
        let build = |public: Option<&[u8]>| {
            let mut inner: Vec<Vec<u8>> = vec![der::integer_u64(1), der::octet_string(&d)];
            if let Some(p) = public {
                inner.push(der::explicit(1, &der::bit_string(0, p)));
            }
            let refs: Vec<&[u8]> = inner.iter().map(Vec::as_slice).collect();
            let ec_key = der::sequence(&refs);
            der::sequence(&[&der::integer_u64(0), &alg_id, &der::octet_string(&ec_key)])
        };
        let spki = scheme
            .signing_key(&build(None))
            .map_err(Error::Crypto)?
            .public_key_spki();
        let point = keys::spki_public_key(&spki, alg).map_err(Error::Crypto)?;
        Ok(build(Some(point)))
    };
    match alg {
        Algorithm::Es256 => ec(&[1, 2, 840, 10045, 3, 1, 7], 32),
        Algorithm::Es384 => ec(&[1, 3, 132, 0, 34], 48),
        Algorithm::Es512 => ec(&[1, 3, 132, 0, 35], 66),
        Algorithm::EdDsa => {
            let secret = expand(provider, alg, seed, 0, 32)?;
            let alg_id = der::sequence(&[&oid(&[1, 3, 101, 112])?]);
            let v1 = der::sequence(&[
                &der::integer_u64(0),
                &alg_id,
                &der::octet_string(&der::octet_string(&secret)),
            ]);
            let spki = scheme
                .signing_key(&v1)
                .map_err(Error::Crypto)?
                .public_key_spki();
            let public = keys::spki_public_key(&spki, alg).map_err(Error::Crypto)?;
            // OneAsymmetricKey v2 with the public key, [1] IMPLICIT BIT STRING.
            let mut pk = vec![0x00];
            pk.extend_from_slice(public);
            Ok(der::sequence(&[
                &der::integer_u64(1),
                &alg_id,
                &der::octet_string(&der::octet_string(&secret)),
                &der::implicit(1, false, &pk),
            ]))
        }
        Algorithm::MlDsa44 | Algorithm::MlDsa65 | Algorithm::MlDsa87 => {
            let last = match alg {
                Algorithm::MlDsa44 => 17,
                Algorithm::MlDsa65 => 18,
                _ => 19,
            };
            let secret = expand(provider, alg, seed, 0, 32)?;
            let alg_id = der::sequence(&[&oid(&[2, 16, 840, 1, 101, 3, 4, 3, last])?]);
            // ML-DSA-PrivateKey, the seed choice: [0] IMPLICIT OCTET STRING (SIZE (32)).
            let key = der::implicit(0, false, &secret);
            Ok(der::sequence(&[
                &der::integer_u64(0),
                &alg_id,
                &der::octet_string(&key),
            ]))
        }
        other => Err(Error::Crypto(pouch_crypto::Error::Unsupported(other))),
    }
}
