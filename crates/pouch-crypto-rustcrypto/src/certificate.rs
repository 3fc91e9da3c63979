//! Certificate and CRL signature verification on the RustCrypto crates: every
//! [`CertificateSignature`]. ECDSA verifies a prehash, so any SHA-2 digest goes with any
//! curve (FIPS 186-5 §6.4.2 truncates or pads it to the curve's order).

use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};
use pouch_crypto::{Algorithm, CertificateSignature as C, CertificateVerifier, Error};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256, Sha384, Sha512};
use signature::Verifier as _;
use signature::hazmat::PrehashVerifier;

use p256::ecdsa::signature;

use crate::schemes::verify_ml_dsa;

/// One certificate signature algorithm on the RustCrypto crates.
#[derive(Debug)]
pub(crate) struct Verifier(C);

/// The digest an algorithm hashes with, for ECDSA's prehash.
fn prehash(alg: C, message: &[u8]) -> Vec<u8> {
    match alg {
        C::EcdsaP256Sha384 | C::EcdsaP384Sha384 | C::EcdsaP521Sha384 => {
            Sha384::digest(message).to_vec()
        }
        C::EcdsaP256Sha512 | C::EcdsaP384Sha512 | C::EcdsaP521Sha512 => {
            Sha512::digest(message).to_vec()
        }
        _ => Sha256::digest(message).to_vec(),
    }
}

fn rsa_key(public_key: &[u8]) -> Result<rsa::PublicKey, Error> {
    // An unusable key makes the signature invalid, as on aws-lc (the providers agree).
    let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| Error::BadSignature)?;
    let bits = key.n().bit_width_vartime() as usize;
    if !(C::RSA_MIN_BITS..=C::RSA_MAX_BITS).contains(&bits) {
        return Err(Error::BadSignature);
    }
    Ok(key)
}

fn pkcs1<D>(public_key: &[u8], message: &[u8], sig: &[u8]) -> Result<(), Error>
where
    D: Digest + sha2::digest::const_oid::AssociatedOid,
{
    let key = rsa::pkcs1v15::VerifyingKey::<D>::new(rsa_key(public_key)?);
    let sig = rsa::pkcs1v15::Signature::try_from(sig).map_err(|_| Error::BadSignature)?;
    key.verify(message, &sig).map_err(|_| Error::BadSignature)
}

fn pss<D>(public_key: &[u8], message: &[u8], sig: &[u8]) -> Result<(), Error>
where
    D: Digest + sha2::digest::FixedOutputReset,
{
    // The salt is the digest's length, as the RFC 4055 parameters Pouch accepts say.
    let key = rsa::pss::VerifyingKey::<D>::new(rsa_key(public_key)?);
    let sig = rsa::pss::Signature::try_from(sig).map_err(|_| Error::BadSignature)?;
    key.verify(message, &sig).map_err(|_| Error::BadSignature)
}

impl CertificateVerifier for Verifier {
    fn algorithm(&self) -> C {
        self.0
    }

    fn verify(&self, public_key: &[u8], message: &[u8], sig: &[u8]) -> Result<(), Error> {
        let bad = |_| Error::BadSignature;
        match self.0 {
            C::RsaPkcs1Sha256 => pkcs1::<Sha256>(public_key, message, sig),
            C::RsaPkcs1Sha384 => pkcs1::<Sha384>(public_key, message, sig),
            C::RsaPkcs1Sha512 => pkcs1::<Sha512>(public_key, message, sig),
            C::RsaPssSha256 => pss::<Sha256>(public_key, message, sig),
            C::RsaPssSha384 => pss::<Sha384>(public_key, message, sig),
            C::RsaPssSha512 => pss::<Sha512>(public_key, message, sig),
            C::EcdsaP256Sha256 | C::EcdsaP256Sha384 | C::EcdsaP256Sha512 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(bad)?;
                let sig = p256::ecdsa::Signature::from_der(sig).map_err(bad)?;
                key.verify_prehash(&prehash(self.0, message), &sig)
                    .map_err(bad)
            }
            C::EcdsaP384Sha256 | C::EcdsaP384Sha384 | C::EcdsaP384Sha512 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(bad)?;
                let sig = p384::ecdsa::Signature::from_der(sig).map_err(bad)?;
                key.verify_prehash(&prehash(self.0, message), &sig)
                    .map_err(bad)
            }
            C::EcdsaP521Sha256 | C::EcdsaP521Sha384 | C::EcdsaP521Sha512 => {
                let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(bad)?;
                let sig = p521::ecdsa::Signature::from_der(sig).map_err(bad)?;
                key.verify_prehash(&prehash(self.0, message), &sig)
                    .map_err(bad)
            }
            C::Ed25519 => {
                let raw: &[u8; 32] = public_key.try_into().map_err(|_| Error::BadSignature)?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(raw).map_err(bad)?;
                let sig = ed25519_dalek::Signature::from_slice(sig).map_err(bad)?;
                key.verify(message, &sig).map_err(bad)
            }
            C::MlDsa44 => verify_ml_dsa::<MlDsa44>(public_key, message, sig, Algorithm::MlDsa44)
                .map_err(|_| Error::BadSignature),
            C::MlDsa65 => verify_ml_dsa::<MlDsa65>(public_key, message, sig, Algorithm::MlDsa65)
                .map_err(|_| Error::BadSignature),
            C::MlDsa87 => verify_ml_dsa::<MlDsa87>(public_key, message, sig, Algorithm::MlDsa87)
                .map_err(|_| Error::BadSignature),
            _ => Err(Error::BadSignature),
        }
    }
}

macro_rules! verifiers {
    ($($name:ident: $alg:ident,)*) => {
        $(static $name: Verifier = Verifier(C::$alg);)*
        /// Every certificate signature algorithm, in [`C::ALL`] order.
        pub(crate) static ALL: &[&dyn CertificateVerifier] = &[$(&$name),*];
    };
}

verifiers! {
    RSA_PKCS1_SHA256: RsaPkcs1Sha256,
    RSA_PKCS1_SHA384: RsaPkcs1Sha384,
    RSA_PKCS1_SHA512: RsaPkcs1Sha512,
    RSA_PSS_SHA256: RsaPssSha256,
    RSA_PSS_SHA384: RsaPssSha384,
    RSA_PSS_SHA512: RsaPssSha512,
    ECDSA_P256_SHA256: EcdsaP256Sha256,
    ECDSA_P256_SHA384: EcdsaP256Sha384,
    ECDSA_P256_SHA512: EcdsaP256Sha512,
    ECDSA_P384_SHA256: EcdsaP384Sha256,
    ECDSA_P384_SHA384: EcdsaP384Sha384,
    ECDSA_P384_SHA512: EcdsaP384Sha512,
    ECDSA_P521_SHA256: EcdsaP521Sha256,
    ECDSA_P521_SHA384: EcdsaP521Sha384,
    ECDSA_P521_SHA512: EcdsaP521Sha512,
    ED25519: Ed25519,
    ML_DSA_44: MlDsa44,
    ML_DSA_65: MlDsa65,
    ML_DSA_87: MlDsa87,
}
