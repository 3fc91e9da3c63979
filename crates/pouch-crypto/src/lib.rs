#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod alg_id;
mod certificate;
pub mod der;
pub mod keys;
pub mod oid;
mod registry;

pub use alg_id::{algorithm_from_identifier, key_algorithm, signature_algorithm_identifier};
pub use certificate::{CertificateSignature, CertificateVerifier};
pub use registry::{Algorithm, DigestAlgorithm, Level};

use core::fmt;

/// Why a cryptographic operation failed. Verification failures carry no detail on purpose:
/// a signature is valid or it is not.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The signature does not verify under the key.
    #[error("signature invalid")]
    BadSignature,
    /// The public key is malformed or not of the algorithm's type (curve, parameter set).
    #[error("public key unusable for {alg}: {reason}")]
    BadPublicKey {
        /// The algorithm the key was offered for.
        alg: Algorithm,
        /// Why it is unusable.
        reason: &'static str,
    },
    /// The private key is malformed, encrypted, or not of the algorithm's type.
    #[error("private key unusable for {alg}: {reason}")]
    BadPrivateKey {
        /// The algorithm the key was offered for.
        alg: Algorithm,
        /// Why it is unusable.
        reason: &'static str,
    },
    /// This provider does not implement the algorithm.
    #[error("{0} is not supported by this provider")]
    Unsupported(Algorithm),
    /// PEM armour or DER structure could not be read.
    #[error("encoding: {0}")]
    Encoding(&'static str),
    /// The backend failed for a reason of its own (e.g. no randomness available).
    #[error("backend failure: {0}")]
    Backend(&'static str),
    /// A name is not in the registry (e.g. `ES999` as a signature algorithm).
    #[error("{name:?} is not a registered {what}; expected one of {expected}")]
    UnknownName {
        /// What was named: `signature algorithm` or `digest algorithm`.
        what: &'static str,
        /// The name given.
        name: String,
        /// The registered names, comma-separated.
        expected: String,
    },
}

/// A signature algorithm as a provider implements it.
pub trait SignatureScheme: Send + Sync + fmt::Debug {
    /// The registry entry (and so the COSE `alg` value) this implements.
    fn algorithm(&self) -> Algorithm;

    /// Verifies `signature` (in its COSE form: raw `r || s` for ECDSA) over `message` with
    /// the public key given as a DER SubjectPublicKeyInfo.
    fn verify(&self, spki_der: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Error>;

    /// Verifies `signature` over the concatenation of `parts`, exactly as [`verify`] over the
    /// joined message. The default joins them; a backend whose algorithm hashes the message
    /// before signing (ECDSA, RSA-PSS) may hash the parts in place instead, so that a large
    /// embedded record is not copied once more to be verified.
    ///
    /// [`verify`]: SignatureScheme::verify
    fn verify_parts(
        &self,
        spki_der: &[u8],
        parts: &[&[u8]],
        signature: &[u8],
    ) -> Result<(), Error> {
        self.verify(spki_der, &parts.concat(), signature)
    }

    /// Loads a signing key from a DER PKCS#8 `PrivateKeyInfo` (or `OneAsymmetricKey`).
    fn signing_key(&self, pkcs8_der: &[u8]) -> Result<Box<dyn SigningKey>, Error>;

    /// Generates a fresh key pair, as DER PKCS#8 (for demos and test PKIs).
    fn generate_pkcs8(&self) -> Result<Vec<u8>, Error>;
}

/// A private key ready to sign with one algorithm.
pub trait SigningKey: Send + Sync + fmt::Debug {
    /// The algorithm of the signatures this key makes.
    fn algorithm(&self) -> Algorithm;

    /// Signs `message`, giving the signature in its COSE form.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error>;

    /// The matching public key as a DER SubjectPublicKeyInfo.
    fn public_key_spki(&self) -> Vec<u8>;
}

/// A running digest, fed in pieces so that any size streams in constant memory.
pub trait Digest: Send {
    /// Absorbs more input.
    fn update(&mut self, data: &[u8]);
    /// Finishes and returns the digest.
    fn finish(self: Box<Self>) -> Vec<u8>;
}

/// A digest algorithm as a provider implements it.
pub trait DigestScheme: Send + Sync + fmt::Debug {
    /// The registry entry.
    fn algorithm(&self) -> DigestAlgorithm;
    /// Starts a digest.
    fn start(&self) -> Box<dyn Digest>;
}

/// The table of every registered signature algorithm, in registry order, for a provider whose
/// module `$m` names one scheme per algorithm: `ES256`, `ES384`, `ES512`, `EDDSA`, `PS256`,
/// `ML_DSA_44`, `ML_DSA_65`, `ML_DSA_87`. A provider missing one of them does not compile,
/// so the two providers cannot drift apart in what they cover.
#[macro_export]
macro_rules! every_signature_scheme {
    ($m:ident) => {
        &[
            &$m::ES256 as &dyn $crate::SignatureScheme,
            &$m::ES384,
            &$m::ES512,
            &$m::EDDSA,
            &$m::PS256,
            &$m::ML_DSA_44,
            &$m::ML_DSA_65,
            &$m::ML_DSA_87,
        ]
    };
}

/// Everything Pouch needs from a cryptographic backend: a table of `&'static` algorithm
/// objects (as rustls's `CryptoProvider`). Backend crates export a ready-made value; the core
/// crates never pick one.
#[derive(Clone, Copy, Debug)]
pub struct CryptoProvider {
    /// A short name for reports and benchmarks, e.g. `aws-lc-rs`.
    pub name: &'static str,
    /// The signature algorithms, in registry order.
    pub signatures: &'static [&'static dyn SignatureScheme],
    /// The digest algorithms, in registry order.
    pub digests: &'static [&'static dyn DigestScheme],
    /// Fills a buffer with cryptographically secure random bytes (envelope identifiers).
    pub fill_random: fn(&mut [u8]) -> Result<(), Error>,
    /// The signature algorithms of certificates and CRLs this provider verifies, in
    /// [`CertificateSignature::ALL`] order.
    pub certificate_verifiers: &'static [&'static dyn CertificateVerifier],
}

impl CryptoProvider {
    /// The implementation of `alg`, if this provider has one.
    pub fn signature(&self, alg: Algorithm) -> Option<&'static dyn SignatureScheme> {
        self.signatures
            .iter()
            .copied()
            .find(|s| s.algorithm() == alg)
    }

    /// The verifier of a certificate signature algorithm, if this provider has one.
    pub fn certificate_verifier(
        &self,
        alg: CertificateSignature,
    ) -> Option<&'static dyn CertificateVerifier> {
        self.certificate_verifiers
            .iter()
            .copied()
            .find(|v| v.algorithm() == alg)
    }

    /// The implementation of a digest algorithm, if this provider has one.
    pub fn digest(&self, alg: DigestAlgorithm) -> Option<&'static dyn DigestScheme> {
        self.digests.iter().copied().find(|d| d.algorithm() == alg)
    }
}
