//! webpki's signature-verification interface, backed by a Pouch [`CryptoProvider`], so that
//! the provider that verifies seals also verifies certificates and CRLs (ML-DSA included).

use core::fmt;

use pouch_crypto::{Algorithm, CryptoProvider, SignatureScheme};
use rustls_pki_types::alg_id;
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};

use crate::alg::signature_from_x509;
use crate::der::{self, tag};

/// How one Pouch algorithm appears in X.509: the `AlgorithmIdentifier` contents (without
/// the outer SEQUENCE, as pki-types writes them) of its keys and of its signatures.
#[derive(Debug)]
pub(crate) struct X509Algorithm {
    alg: Algorithm,
    public_key_alg_id: AlgorithmIdentifier,
    signature_alg_id: AlgorithmIdentifier,
}

/// ECDSA P-256 with SHA-256 (RFC 5758).
static ECDSA_P256_SHA256: X509Algorithm = X509Algorithm {
    alg: Algorithm::Es256,
    public_key_alg_id: alg_id::ECDSA_P256,
    signature_alg_id: alg_id::ECDSA_SHA256,
};
/// ECDSA P-384 with SHA-384.
static ECDSA_P384_SHA384: X509Algorithm = X509Algorithm {
    alg: Algorithm::Es384,
    public_key_alg_id: alg_id::ECDSA_P384,
    signature_alg_id: alg_id::ECDSA_SHA384,
};
/// ECDSA P-521 with SHA-512.
static ECDSA_P521_SHA512: X509Algorithm = X509Algorithm {
    alg: Algorithm::Es512,
    public_key_alg_id: alg_id::ECDSA_P521,
    signature_alg_id: alg_id::ECDSA_SHA512,
};
/// Ed25519 (RFC 8410), parameters absent.
static ED25519: X509Algorithm = X509Algorithm {
    alg: Algorithm::EdDsa,
    public_key_alg_id: alg_id::ED25519,
    signature_alg_id: alg_id::ED25519,
};
/// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-octet salt (RFC 4055), on an
/// rsaEncryption key.
static RSA_PSS_SHA256: X509Algorithm = X509Algorithm {
    alg: Algorithm::Ps256,
    public_key_alg_id: alg_id::RSA_ENCRYPTION,
    signature_alg_id: alg_id::RSA_PSS_SHA256,
};
/// ML-DSA-44, 2.16.840.1.101.3.4.3.17, parameters absent (RFC 9881).
static ML_DSA_44: X509Algorithm = X509Algorithm {
    alg: Algorithm::MlDsa44,
    public_key_alg_id: alg_id::ML_DSA_44,
    signature_alg_id: alg_id::ML_DSA_44,
};
/// ML-DSA-65, 2.16.840.1.101.3.4.3.18.
static ML_DSA_65: X509Algorithm = X509Algorithm {
    alg: Algorithm::MlDsa65,
    public_key_alg_id: alg_id::ML_DSA_65,
    signature_alg_id: alg_id::ML_DSA_65,
};
/// ML-DSA-87, 2.16.840.1.101.3.4.3.19.
static ML_DSA_87: X509Algorithm = X509Algorithm {
    alg: Algorithm::MlDsa87,
    public_key_alg_id: alg_id::ML_DSA_87,
    signature_alg_id: alg_id::ML_DSA_87,
};

/// Every certificate signature algorithm Pouch accepts, in registry order.
static ALL: [&X509Algorithm; 8] = [
    &ECDSA_P256_SHA256,
    &ECDSA_P384_SHA384,
    &ECDSA_P521_SHA512,
    &ED25519,
    &RSA_PSS_SHA256,
    &ML_DSA_44,
    &ML_DSA_65,
    &ML_DSA_87,
];

/// One [`X509Algorithm`] bound to the provider's implementation of it. The provider's
/// schemes are `&'static`, so a validator holds these by value whatever the provider's
/// own lifetime.
pub(crate) struct ProviderVerifier {
    x509: &'static X509Algorithm,
    scheme: &'static dyn SignatureScheme,
}

impl fmt::Debug for ProviderVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} for X.509", self.scheme)
    }
}

/// The verifiers for every algorithm `provider` implements.
pub(crate) fn verifiers(provider: &CryptoProvider) -> Vec<ProviderVerifier> {
    ALL.iter()
        .filter_map(|&x509| {
            provider
                .signature(x509.alg)
                .map(|scheme| ProviderVerifier { x509, scheme })
        })
        .collect()
}

impl SignatureVerificationAlgorithm for ProviderVerifier {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // webpki hands over the subjectPublicKey bits; providers take a whole SPKI.
        let alg_id = der::tlv(tag::SEQUENCE, self.x509.public_key_alg_id.as_ref());
        let spki = der::sequence(&[&alg_id, &der::bit_string(0, public_key)]);
        let cose = signature_from_x509(self.x509.alg, signature).map_err(|_| InvalidSignature)?;
        self.scheme
            .verify(&spki, message, &cose)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.x509.public_key_alg_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.x509.signature_alg_id
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::alg::signature_algorithm_identifier;

    #[test]
    fn signature_ids_match_the_certificate_builder() {
        for x509 in ALL {
            let written = signature_algorithm_identifier(x509.alg).unwrap();
            let wrapped = der::tlv(tag::SEQUENCE, x509.signature_alg_id.as_ref());
            assert_eq!(written, wrapped, "{}", x509.alg);
        }
    }
}
