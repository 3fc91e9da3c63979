//! The signature schemes: one static object per registry entry, dispatching on the algorithm.

use core::fmt;

use ml_dsa::{EncodedSignature, EncodedVerifyingKey, MlDsa44, MlDsa65, MlDsa87, MlDsaParams};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use pouch_crypto::keys::{pkcs8_private_key, spki_public_key};
use pouch_crypto::{Algorithm, Error, SignatureScheme, SigningKey};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use sha2::Sha256;
use signature::{Keypair, Signer, Verifier};

use p256::ecdsa::signature;

/// One signature algorithm on the RustCrypto crates.
#[derive(Debug)]
pub(crate) struct Scheme(Algorithm);

pub(crate) static ES256: Scheme = Scheme(Algorithm::Es256);
pub(crate) static ES384: Scheme = Scheme(Algorithm::Es384);
pub(crate) static ES512: Scheme = Scheme(Algorithm::Es512);
pub(crate) static EDDSA: Scheme = Scheme(Algorithm::EdDsa);
pub(crate) static PS256: Scheme = Scheme(Algorithm::Ps256);
pub(crate) static ML_DSA_44: Scheme = Scheme(Algorithm::MlDsa44);
pub(crate) static ML_DSA_65: Scheme = Scheme(Algorithm::MlDsa65);
pub(crate) static ML_DSA_87: Scheme = Scheme(Algorithm::MlDsa87);

/// PS256 keys must have at least this many bits (the registry's floor; aws-lc's too).
const RSA_MIN_BITS: u32 = 2048;
/// RSA keys this provider generates.
const RSA_GENERATED_BITS: usize = 2048;

/// A loaded private key.
enum Key {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Rsa(rsa::pss::SigningKey<Sha256>),
    MlDsa44(Box<ml_dsa::SigningKey<MlDsa44>>),
    MlDsa65(Box<ml_dsa::SigningKey<MlDsa65>>),
    MlDsa87(Box<ml_dsa::SigningKey<MlDsa87>>),
}

impl Scheme {
    fn bad_public(&self, reason: &'static str) -> Error {
        Error::BadPublicKey {
            alg: self.0,
            reason,
        }
    }

    fn bad_private(&self, reason: &'static str) -> Error {
        Error::BadPrivateKey {
            alg: self.0,
            reason,
        }
    }

    fn load(&self, der: &[u8]) -> Result<Key, Error> {
        let bad = |_| self.bad_private("malformed or unsupported PKCS#8 key");
        Ok(match self.0 {
            Algorithm::Es256 => Key::P256(DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?),
            Algorithm::Es384 => Key::P384(DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?),
            Algorithm::Es512 => Key::P521(DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?),
            Algorithm::EdDsa => Key::Ed25519(DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?),
            Algorithm::Ps256 => {
                let key: rsa::pss::SigningKey<Sha256> =
                    DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?;
                if key.as_ref().n().bit_width_vartime() < RSA_MIN_BITS {
                    return Err(self.bad_private("RSA key shorter than 2048 bits"));
                }
                Key::Rsa(key)
            }
            // ml-dsa 0.1 reads the RFC 9881 `seed` form only (what both providers write).
            Algorithm::MlDsa44 => Key::MlDsa44(Box::new(
                DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?,
            )),
            Algorithm::MlDsa65 => Key::MlDsa65(Box::new(
                DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?,
            )),
            Algorithm::MlDsa87 => Key::MlDsa87(Box::new(
                DecodePrivateKey::from_pkcs8_der(der).map_err(bad)?,
            )),
            _ => return Err(Error::Unsupported(self.0)),
        })
    }
}

fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0; N];
    crate::fill_random(&mut bytes)?;
    Ok(bytes)
}

/// An ECDSA private key from random bytes, retrying the (astronomically rare) out-of-range
/// draws.
fn ec_key<K, const N: usize>(
    mask: u8,
    from_slice: impl Fn(&[u8]) -> Option<K>,
) -> Result<K, Error> {
    for _ in 0..16 {
        let mut bytes = random::<N>()?;
        bytes[0] &= mask;
        if let Some(key) = from_slice(&bytes) {
            return Ok(key);
        }
    }
    Err(Error::Backend("could not draw a valid scalar"))
}

pub(crate) fn verify_ml_dsa<P: MlDsaParams>(
    raw: &[u8],
    msg: &[u8],
    sig: &[u8],
    alg: Algorithm,
) -> Result<(), Error> {
    let encoded = EncodedVerifyingKey::<P>::try_from(raw).map_err(|_| Error::BadPublicKey {
        alg,
        reason: "public key has the wrong length",
    })?;
    let key = ml_dsa::VerifyingKey::<P>::decode(&encoded);
    let sig = EncodedSignature::<P>::try_from(sig)
        .ok()
        .and_then(|s| ml_dsa::Signature::<P>::decode(&s))
        .ok_or(Error::BadSignature)?;
    key.verify(msg, &sig).map_err(|_| Error::BadSignature)
}

impl SignatureScheme for Scheme {
    fn algorithm(&self) -> Algorithm {
        self.0
    }

    fn verify(&self, spki_der: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        let raw = spki_public_key(spki_der, self.0)?;
        let bad_key = || self.bad_public("not a valid key");
        let bad_sig = |_| Error::BadSignature;
        match self.0 {
            Algorithm::Es256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(|_| bad_key())?;
                let sig = p256::ecdsa::Signature::from_slice(sig).map_err(bad_sig)?;
                key.verify(msg, &sig).map_err(bad_sig)
            }
            Algorithm::Es384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(|_| bad_key())?;
                let sig = p384::ecdsa::Signature::from_slice(sig).map_err(bad_sig)?;
                key.verify(msg, &sig).map_err(bad_sig)
            }
            Algorithm::Es512 => {
                let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(|_| bad_key())?;
                let sig = p521::ecdsa::Signature::from_slice(sig).map_err(bad_sig)?;
                key.verify(msg, &sig).map_err(bad_sig)
            }
            Algorithm::EdDsa => {
                let raw: &[u8; 32] = raw
                    .try_into()
                    .map_err(|_| self.bad_public("wrong length"))?;
                // RFC 8032 §5.1.7: a public key A that does not decode to a point makes the
                // signature invalid; it is not a different failure (aws-lc-rs says the same,
                // and the two providers must agree: found by the envelope_verify fuzz target).
                let key = ed25519_dalek::VerifyingKey::from_bytes(raw)
                    .map_err(|_| Error::BadSignature)?;
                let sig = ed25519_dalek::Signature::from_slice(sig).map_err(bad_sig)?;
                key.verify(msg, &sig).map_err(bad_sig)
            }
            Algorithm::Ps256 => {
                let key = rsa::PublicKey::from_pkcs1_der(raw).map_err(|_| bad_key())?;
                if key.n().bit_width_vartime() < RSA_MIN_BITS {
                    return Err(self.bad_public("RSA key shorter than 2048 bits"));
                }
                let sig = rsa::pss::Signature::try_from(sig).map_err(bad_sig)?;
                rsa::pss::VerifyingKey::<Sha256>::new(key)
                    .verify(msg, &sig)
                    .map_err(bad_sig)
            }
            Algorithm::MlDsa44 => verify_ml_dsa::<MlDsa44>(raw, msg, sig, self.0),
            Algorithm::MlDsa65 => verify_ml_dsa::<MlDsa65>(raw, msg, sig, self.0),
            Algorithm::MlDsa87 => verify_ml_dsa::<MlDsa87>(raw, msg, sig, self.0),
            _ => Err(Error::Unsupported(self.0)),
        }
    }

    fn signing_key(&self, pkcs8_der: &[u8]) -> Result<Box<dyn SigningKey>, Error> {
        pkcs8_private_key(pkcs8_der, self.0)?;
        let key = self.load(pkcs8_der)?;
        let spki = key
            .spki()
            .map_err(|_| Error::Backend("could not encode the public key"))?;
        Ok(Box::new(RcSigningKey {
            alg: self.0,
            key,
            spki,
        }))
    }

    fn generate_pkcs8(&self) -> Result<Vec<u8>, Error> {
        let doc = match self.0 {
            Algorithm::Es256 => {
                ec_key::<_, 32>(0xff, |b| p256::ecdsa::SigningKey::from_slice(b).ok())?
                    .to_pkcs8_der()
            }
            Algorithm::Es384 => {
                ec_key::<_, 48>(0xff, |b| p384::ecdsa::SigningKey::from_slice(b).ok())?
                    .to_pkcs8_der()
            }
            // P-521 scalars are 521 bits in 66 bytes: the top seven bits are zero.
            Algorithm::Es512 => {
                ec_key::<_, 66>(0x01, |b| p521::ecdsa::SigningKey::from_slice(b).ok())?
                    .to_pkcs8_der()
            }
            Algorithm::EdDsa => ed25519_dalek::SigningKey::from_bytes(&random()?).to_pkcs8_der(),
            Algorithm::Ps256 => {
                let key = rsa::PrivateKey::new(&mut getrandom::SysRng, RSA_GENERATED_BITS)
                    .map_err(|_| Error::Backend("RSA key generation failed"))?;
                key.to_pkcs8_der()
            }
            Algorithm::MlDsa44 => {
                ml_dsa::SigningKey::<MlDsa44>::from_seed(&random()?.into()).to_pkcs8_der()
            }
            Algorithm::MlDsa65 => {
                ml_dsa::SigningKey::<MlDsa65>::from_seed(&random()?.into()).to_pkcs8_der()
            }
            Algorithm::MlDsa87 => {
                ml_dsa::SigningKey::<MlDsa87>::from_seed(&random()?.into()).to_pkcs8_der()
            }
            _ => return Err(Error::Unsupported(self.0)),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|_| Error::Backend("could not encode the private key"))
    }
}

impl Key {
    fn spki(&self) -> Result<Vec<u8>, p256::pkcs8::spki::Error> {
        let doc = match self {
            Key::P256(k) => k.verifying_key().to_public_key_der(),
            Key::P384(k) => k.verifying_key().to_public_key_der(),
            Key::P521(k) => k.verifying_key().to_public_key_der(),
            Key::Ed25519(k) => k.verifying_key().to_public_key_der(),
            Key::Rsa(k) => k.verifying_key().to_public_key_der(),
            Key::MlDsa44(k) => k.verifying_key().to_public_key_der(),
            Key::MlDsa65(k) => k.verifying_key().to_public_key_der(),
            Key::MlDsa87(k) => k.verifying_key().to_public_key_der(),
        }?;
        Ok(doc.as_bytes().to_vec())
    }
}

struct RcSigningKey {
    alg: Algorithm,
    key: Key,
    spki: Vec<u8>,
}

impl fmt::Debug for RcSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key material.
        write!(f, "RustCrypto {} signing key", self.alg)
    }
}

fn sign_with<S: signature::SignatureEncoding>(
    signer: &impl Signer<S>,
    msg: &[u8],
) -> Result<Vec<u8>, Error> {
    signer
        .try_sign(msg)
        .map(|s| s.to_vec())
        .map_err(|_| Error::Backend("signing failed"))
}

impl SigningKey for RcSigningKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        // ECDSA signs per RFC 6979 and ML-DSA with the deterministic variant of FIPS 204, so
        // test vectors regenerate byte for byte; PS256 draws its salt from the OS.
        match &self.key {
            Key::P256(k) => sign_with::<p256::ecdsa::Signature>(k, msg),
            Key::P384(k) => sign_with::<p384::ecdsa::Signature>(k, msg),
            Key::P521(k) => sign_with::<p521::ecdsa::Signature>(k, msg),
            Key::Ed25519(k) => sign_with::<ed25519_dalek::Signature>(k, msg),
            Key::Rsa(k) => sign_with::<rsa::pss::Signature>(k, msg),
            Key::MlDsa44(k) => sign_with::<ml_dsa::Signature<MlDsa44>>(k.as_ref(), msg),
            Key::MlDsa65(k) => sign_with::<ml_dsa::Signature<MlDsa65>>(k.as_ref(), msg),
            Key::MlDsa87(k) => sign_with::<ml_dsa::Signature<MlDsa87>>(k.as_ref(), msg),
        }
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}
