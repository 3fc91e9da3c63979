//! webpki's signature-verification interface, backed by a Pouch [`CryptoProvider`], so that
//! the provider that verifies seals also verifies certificates and CRLs (ML-DSA included).

use core::fmt;

use pouch_crypto::{CertificateSignature, CertificateVerifier, CryptoProvider};
use rustls_pki_types::alg_id;
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};

use crate::der::{Reader, tag};

/// How one certificate signature algorithm appears in X.509: the `AlgorithmIdentifier`
/// contents (without the outer SEQUENCE, as pki-types writes them) of the issuer's key and
/// of the signature. webpki matches both, so each key type and digest pair is one entry.
#[derive(Debug)]
pub(crate) struct X509Algorithm {
    alg: CertificateSignature,
    public_key_alg_id: AlgorithmIdentifier,
    signature_alg_id: AlgorithmIdentifier,
}

const fn entry(
    alg: CertificateSignature,
    public_key_alg_id: AlgorithmIdentifier,
    signature_alg_id: AlgorithmIdentifier,
) -> X509Algorithm {
    X509Algorithm {
        alg,
        public_key_alg_id,
        signature_alg_id,
    }
}

/// Every certificate signature algorithm Pouch accepts (POUCH-TRUST-003), in
/// [`CertificateSignature::ALL`] order. RSA-PSS is accepted with the RFC 4055 parameter
/// sets only (MGF1 with the same digest, salt of the digest's length, trailer 1): webpki
/// compares the whole AlgorithmIdentifier, so other parameters are an unsupported algorithm.
static ALL: [X509Algorithm; 19] = {
    use CertificateSignature as C;
    [
        entry(
            C::RsaPkcs1Sha256,
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PKCS1_SHA256,
        ),
        entry(
            C::RsaPkcs1Sha384,
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PKCS1_SHA384,
        ),
        entry(
            C::RsaPkcs1Sha512,
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PKCS1_SHA512,
        ),
        entry(
            C::RsaPssSha256,
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PSS_SHA256,
        ),
        entry(
            C::RsaPssSha384,
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PSS_SHA384,
        ),
        entry(
            C::RsaPssSha512,
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PSS_SHA512,
        ),
        entry(C::EcdsaP256Sha256, alg_id::ECDSA_P256, alg_id::ECDSA_SHA256),
        entry(C::EcdsaP256Sha384, alg_id::ECDSA_P256, alg_id::ECDSA_SHA384),
        entry(C::EcdsaP256Sha512, alg_id::ECDSA_P256, alg_id::ECDSA_SHA512),
        entry(C::EcdsaP384Sha256, alg_id::ECDSA_P384, alg_id::ECDSA_SHA256),
        entry(C::EcdsaP384Sha384, alg_id::ECDSA_P384, alg_id::ECDSA_SHA384),
        entry(C::EcdsaP384Sha512, alg_id::ECDSA_P384, alg_id::ECDSA_SHA512),
        entry(C::EcdsaP521Sha256, alg_id::ECDSA_P521, alg_id::ECDSA_SHA256),
        entry(C::EcdsaP521Sha384, alg_id::ECDSA_P521, alg_id::ECDSA_SHA384),
        entry(C::EcdsaP521Sha512, alg_id::ECDSA_P521, alg_id::ECDSA_SHA512),
        entry(C::Ed25519, alg_id::ED25519, alg_id::ED25519),
        entry(C::MlDsa44, alg_id::ML_DSA_44, alg_id::ML_DSA_44),
        entry(C::MlDsa65, alg_id::ML_DSA_65, alg_id::ML_DSA_65),
        entry(C::MlDsa87, alg_id::ML_DSA_87, alg_id::ML_DSA_87),
    ]
};

/// One [`X509Algorithm`] bound to the provider's verifier of it. The provider's verifiers
/// are `&'static`, so a validator holds these by value whatever the provider's own lifetime.
pub(crate) struct ProviderVerifier {
    x509: &'static X509Algorithm,
    verifier: &'static dyn CertificateVerifier,
}

impl fmt::Debug for ProviderVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.verifier)
    }
}

/// The verifiers for every certificate signature algorithm `provider` implements.
pub(crate) fn verifiers(provider: &CryptoProvider) -> Vec<ProviderVerifier> {
    ALL.iter()
        .filter_map(|x509| {
            provider
                .certificate_verifier(x509.alg)
                .map(|verifier| ProviderVerifier { x509, verifier })
        })
        .collect()
}

/// Whether `signature` over `message` verifies under the key of `spki` (a whole DER
/// SubjectPublicKeyInfo) with the algorithm `signature_alg` (AlgorithmIdentifier contents)
/// names: the same table webpki uses for certificates, for the CRLs checked here.
pub(crate) fn verify(
    verifiers: &[ProviderVerifier],
    spki: &[u8],
    signature_alg: &[u8],
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Some((key_alg, key)) = split_spki(spki) else {
        return false;
    };
    verifiers
        .iter()
        .filter(|v| {
            v.x509.signature_alg_id.as_ref() == signature_alg
                && v.x509.public_key_alg_id.as_ref() == key_alg
        })
        .any(|v| v.verifier.verify(key, message, signature).is_ok())
}

/// A SubjectPublicKeyInfo's AlgorithmIdentifier contents and subjectPublicKey bits.
fn split_spki(spki: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut outer = Reader::new(spki);
    let seq = outer.expect(tag::SEQUENCE).ok()?;
    let mut fields = Reader::new(seq.content);
    let alg = fields.expect(tag::SEQUENCE).ok()?;
    let bits = fields.expect(tag::BIT_STRING).ok()?;
    match bits.content.split_first() {
        Some((0, key)) if fields.is_empty() && outer.is_empty() => Some((alg.content, key)),
        _ => None,
    }
}

impl SignatureVerificationAlgorithm for ProviderVerifier {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // webpki hands over the subjectPublicKey bits and the signature as X.509 carries
        // it, which is what a certificate verifier takes.
        self.verifier
            .verify(public_key, message, signature)
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
    use crate::der;
    use pouch_crypto::Algorithm;
    use pouch_crypto::signature_algorithm_identifier;

    #[test]
    fn signature_ids_match_the_certificate_builder() {
        use CertificateSignature as C;
        let pairs = [
            (Algorithm::Es256, C::EcdsaP256Sha256),
            (Algorithm::Es384, C::EcdsaP384Sha384),
            (Algorithm::Es512, C::EcdsaP521Sha512),
            (Algorithm::EdDsa, C::Ed25519),
            (Algorithm::Ps256, C::RsaPssSha256),
            (Algorithm::MlDsa44, C::MlDsa44),
            (Algorithm::MlDsa65, C::MlDsa65),
            (Algorithm::MlDsa87, C::MlDsa87),
        ];
        for (alg, cert_alg) in pairs {
            let written = signature_algorithm_identifier(alg).unwrap();
            let x509 = ALL.iter().find(|x| x.alg == cert_alg).unwrap();
            let wrapped = der::tlv(tag::SEQUENCE, x509.signature_alg_id.as_ref());
            assert_eq!(written, wrapped, "{alg}");
        }
    }

    #[test]
    fn the_table_follows_the_registry_order() {
        let order: Vec<CertificateSignature> = ALL.iter().map(|x| x.alg).collect();
        assert_eq!(order, CertificateSignature::ALL);
    }
}
