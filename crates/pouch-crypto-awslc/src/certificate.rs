//! Certificate and CRL signature verification on aws-lc-rs: every
//! [`CertificateSignature`], each one aws-lc verification algorithm.

use core::fmt;

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use pouch_crypto::{CertificateSignature as C, CertificateVerifier, Error};

/// One certificate signature algorithm on aws-lc-rs.
pub(crate) struct Verifier {
    alg: C,
    lc: &'static dyn VerificationAlgorithm,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "aws-lc-rs {} (X.509)", self.alg)
    }
}

impl CertificateVerifier for Verifier {
    fn algorithm(&self) -> C {
        self.alg
    }

    fn verify(&self, public_key: &[u8], message: &[u8], sig: &[u8]) -> Result<(), Error> {
        // aws-lc's RSA parameters bound the modulus to 2048..=8192 bits and its ECDSA ones
        // the curve; a key outside them fails like a bad signature.
        UnparsedPublicKey::new(self.lc, public_key)
            .verify(message, sig)
            .map_err(|_| Error::BadSignature)
    }
}

macro_rules! verifiers {
    ($($name:ident: $alg:ident => $lc:expr,)*) => {
        $(static $name: Verifier = Verifier { alg: C::$alg, lc: &$lc };)*
        /// Every certificate signature algorithm, in [`C::ALL`] order.
        pub(crate) static ALL: &[&dyn CertificateVerifier] = &[$(&$name),*];
    };
}

verifiers! {
    RSA_PKCS1_SHA256: RsaPkcs1Sha256 => signature::RSA_PKCS1_2048_8192_SHA256,
    RSA_PKCS1_SHA384: RsaPkcs1Sha384 => signature::RSA_PKCS1_2048_8192_SHA384,
    RSA_PKCS1_SHA512: RsaPkcs1Sha512 => signature::RSA_PKCS1_2048_8192_SHA512,
    RSA_PSS_SHA256: RsaPssSha256 => signature::RSA_PSS_2048_8192_SHA256,
    RSA_PSS_SHA384: RsaPssSha384 => signature::RSA_PSS_2048_8192_SHA384,
    RSA_PSS_SHA512: RsaPssSha512 => signature::RSA_PSS_2048_8192_SHA512,
    ECDSA_P256_SHA256: EcdsaP256Sha256 => signature::ECDSA_P256_SHA256_ASN1,
    ECDSA_P256_SHA384: EcdsaP256Sha384 => signature::ECDSA_P256_SHA384_ASN1,
    ECDSA_P256_SHA512: EcdsaP256Sha512 => signature::ECDSA_P256_SHA512_ASN1,
    ECDSA_P384_SHA256: EcdsaP384Sha256 => signature::ECDSA_P384_SHA256_ASN1,
    ECDSA_P384_SHA384: EcdsaP384Sha384 => signature::ECDSA_P384_SHA384_ASN1,
    ECDSA_P384_SHA512: EcdsaP384Sha512 => signature::ECDSA_P384_SHA512_ASN1,
    ECDSA_P521_SHA256: EcdsaP521Sha256 => signature::ECDSA_P521_SHA256_ASN1,
    ECDSA_P521_SHA384: EcdsaP521Sha384 => signature::ECDSA_P521_SHA384_ASN1,
    ECDSA_P521_SHA512: EcdsaP521Sha512 => signature::ECDSA_P521_SHA512_ASN1,
    ED25519: Ed25519 => signature::ED25519,
    ML_DSA_44: MlDsa44 => signature::ML_DSA_44,
    ML_DSA_65: MlDsa65 => signature::ML_DSA_65,
    ML_DSA_87: MlDsa87 => signature::ML_DSA_87,
}
