//! A PS256 signer whose salt is derived, so that a PS256 vector regenerates byte for byte.
//!
//! RSASSA-PSS (RFC 8017 §9.1) draws a fresh salt for each signature; both providers take it
//! from the operating system, as they must. A vector must come out the same each time it is
//! generated, so the generator's PS256 signer takes its salt from a generator seeded with
//! SHA-256 of a fixed domain string and the message. The signature is an ordinary PSS
//! signature (salt length 32, MGF1 with SHA-256, as RFC 8230 fixes for PS256): a verifier
//! cannot tell it from one with a random salt. Never for anything but test vectors.

use core::convert::Infallible;
use core::fmt;

use pouch_crypto::{Algorithm, Error as CryptoError, SigningKey};
use rand_core::{TryCryptoRng, TryRng};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use sha2::{Digest, Sha256};

/// The PKCS #8 RSA-2048 key of the vectors' PS256 signer. It is the one key of the vectors
/// not derived from the seed: RSA key generation from a seed would depend on one library
/// version's prime search, so the key was made once with
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` (written as PKCS #8 DER
/// with `openssl pkcs8 -topk8 -nocrypt -outform DER`) and is kept.
pub(crate) const PS256_PKCS8: &[u8] = include_bytes!("../keys/ps256-signer.pk8");

/// A PS256 key whose salt is a function of the message.
pub(crate) struct DerivedSaltPs256 {
    key: rsa::pss::SigningKey<Sha256>,
    spki: Vec<u8>,
}

impl DerivedSaltPs256 {
    /// Loads the PKCS #8 key; `spki` is its SubjectPublicKeyInfo as the provider writes it.
    pub(crate) fn new(pkcs8: &[u8], spki: Vec<u8>) -> Result<Self, CryptoError> {
        let key = rsa::pss::SigningKey::<Sha256>::from_pkcs8_der(pkcs8)
            .map_err(|_| CryptoError::Backend("PS256 vector key is not an RSA PKCS#8 key"))?;
        Ok(DerivedSaltPs256 { key, spki })
    }
}

impl fmt::Debug for DerivedSaltPs256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PS256 vector signing key (derived salt)")
    }
}

impl SigningKey for DerivedSaltPs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Ps256
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut seed = Sha256::new();
        seed.update(b"pouch-vectors PS256 salt\0");
        seed.update(message);
        let mut rng = CounterRng {
            seed: seed.finalize().into(),
            counter: 0,
        };
        self.key
            .try_sign_with_rng(&mut rng, message)
            .map(|s| s.to_vec())
            .map_err(|_| CryptoError::Backend("PS256 signing failed"))
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

/// SHA-256 in counter mode over a seed: block i is SHA-256(seed || i as u64 big-endian).
/// It feeds the PSS salt and the RSA blinding factor; blinding does not change the result.
struct CounterRng {
    seed: [u8; 32],
    counter: u64,
}

impl CounterRng {
    fn block(&mut self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.seed);
        h.update(self.counter.to_be_bytes());
        self.counter = self.counter.wrapping_add(1);
        h.finalize().into()
    }
}

impl TryRng for CounterRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let b = self.block();
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let b = self.block();
        Ok(u64::from_be_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ]))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(32) {
            let b = self.block();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for CounterRng {}
