//! Signature algorithms of X.509 certificates and CRLs: what a certification authority
//! signs with. The set is wider than the seal algorithms of the registry, because national
//! CAs sign with RSA PKCS#1 v1.5 and with ECDSA under any SHA-2 digest (OpenSSL's default
//! digest is SHA-256 whatever the curve); none of these is ever a COSE `alg`.

use core::fmt;

use crate::Error;

/// A certificate or CRL signature algorithm: key type and digest, as the certificate's
/// `signatureAlgorithm` and the issuer's `subjectPublicKeyInfo` name them together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateSignature {
    /// sha256WithRSAEncryption (RFC 8017 §8.2, RFC 4055), moduli 2048 to 8192 bits.
    RsaPkcs1Sha256,
    /// sha384WithRSAEncryption.
    RsaPkcs1Sha384,
    /// sha512WithRSAEncryption.
    RsaPkcs1Sha512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-octet salt (RFC 4055), on an
    /// rsaEncryption key.
    RsaPssSha256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-octet salt.
    RsaPssSha384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-octet salt.
    RsaPssSha512,
    /// ecdsa-with-SHA256 by a P-256 key (RFC 5758).
    EcdsaP256Sha256,
    /// ecdsa-with-SHA384 by a P-256 key.
    EcdsaP256Sha384,
    /// ecdsa-with-SHA512 by a P-256 key.
    EcdsaP256Sha512,
    /// ecdsa-with-SHA256 by a P-384 key.
    EcdsaP384Sha256,
    /// ecdsa-with-SHA384 by a P-384 key.
    EcdsaP384Sha384,
    /// ecdsa-with-SHA512 by a P-384 key.
    EcdsaP384Sha512,
    /// ecdsa-with-SHA256 by a P-521 key.
    EcdsaP521Sha256,
    /// ecdsa-with-SHA384 by a P-521 key.
    EcdsaP521Sha384,
    /// ecdsa-with-SHA512 by a P-521 key.
    EcdsaP521Sha512,
    /// id-Ed25519 (RFC 8410).
    Ed25519,
    /// id-ml-dsa-44 (RFC 9881).
    MlDsa44,
    /// id-ml-dsa-65.
    MlDsa65,
    /// id-ml-dsa-87.
    MlDsa87,
}

impl CertificateSignature {
    /// Every certificate signature algorithm, in the order above.
    pub const ALL: [CertificateSignature; 19] = [
        CertificateSignature::RsaPkcs1Sha256,
        CertificateSignature::RsaPkcs1Sha384,
        CertificateSignature::RsaPkcs1Sha512,
        CertificateSignature::RsaPssSha256,
        CertificateSignature::RsaPssSha384,
        CertificateSignature::RsaPssSha512,
        CertificateSignature::EcdsaP256Sha256,
        CertificateSignature::EcdsaP256Sha384,
        CertificateSignature::EcdsaP256Sha512,
        CertificateSignature::EcdsaP384Sha256,
        CertificateSignature::EcdsaP384Sha384,
        CertificateSignature::EcdsaP384Sha512,
        CertificateSignature::EcdsaP521Sha256,
        CertificateSignature::EcdsaP521Sha384,
        CertificateSignature::EcdsaP521Sha512,
        CertificateSignature::Ed25519,
        CertificateSignature::MlDsa44,
        CertificateSignature::MlDsa65,
        CertificateSignature::MlDsa87,
    ];

    /// The smallest RSA modulus accepted, in bits.
    pub const RSA_MIN_BITS: usize = 2048;
    /// The largest RSA modulus accepted, in bits.
    pub const RSA_MAX_BITS: usize = 8192;
}

impl fmt::Display for CertificateSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One certificate signature algorithm as a provider implements it (verification only:
/// Pouch never issues certificates with the algorithms that are not seal algorithms).
pub trait CertificateVerifier: Send + Sync + fmt::Debug {
    /// The algorithm this verifies.
    fn algorithm(&self) -> CertificateSignature;

    /// Verifies `signature` over `message` (a certificate's or CRL's TBS) with `public_key`.
    ///
    /// `public_key` is the content of the issuer's `subjectPublicKey` BIT STRING: a DER
    /// `RSAPublicKey` for RSA, an uncompressed SEC1 point for ECDSA, the raw key for Ed25519
    /// and ML-DSA. `signature` is as X.509 carries it: DER `Ecdsa-Sig-Value` for ECDSA.
    fn verify(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Error>;
}
