//! The signature schemes, one static object per registry entry.

use core::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair as _, ParsedPublicKey,
    PqdsaKeyPair, PqdsaSigningAlgorithm, RsaKeyPair, VerificationAlgorithm,
};
use pouch_crypto::keys::{pkcs8_private_key, spki_public_key};
use pouch_crypto::{Algorithm, Error, SignatureScheme, SigningKey};

/// How aws-lc implements one Pouch algorithm.
#[derive(Clone, Copy)]
enum Kind {
    Ecdsa(&'static EcdsaSigningAlgorithm),
    Ed25519,
    RsaPss,
    MlDsa(&'static PqdsaSigningAlgorithm),
}

/// One signature algorithm on aws-lc-rs.
pub(crate) struct Scheme {
    alg: Algorithm,
    verify: &'static dyn VerificationAlgorithm,
    kind: Kind,
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "aws-lc-rs {}", self.alg)
    }
}

pub(crate) static ES256: Scheme = Scheme {
    alg: Algorithm::Es256,
    verify: &signature::ECDSA_P256_SHA256_FIXED,
    kind: Kind::Ecdsa(&signature::ECDSA_P256_SHA256_FIXED_SIGNING),
};
pub(crate) static ES384: Scheme = Scheme {
    alg: Algorithm::Es384,
    verify: &signature::ECDSA_P384_SHA384_FIXED,
    kind: Kind::Ecdsa(&signature::ECDSA_P384_SHA384_FIXED_SIGNING),
};
pub(crate) static ES512: Scheme = Scheme {
    alg: Algorithm::Es512,
    verify: &signature::ECDSA_P521_SHA512_FIXED,
    kind: Kind::Ecdsa(&signature::ECDSA_P521_SHA512_FIXED_SIGNING),
};
pub(crate) static EDDSA: Scheme = Scheme {
    alg: Algorithm::EdDsa,
    verify: &signature::ED25519,
    kind: Kind::Ed25519,
};
pub(crate) static PS256: Scheme = Scheme {
    alg: Algorithm::Ps256,
    verify: &signature::RSA_PSS_2048_8192_SHA256,
    kind: Kind::RsaPss,
};
pub(crate) static ML_DSA_44: Scheme = Scheme {
    alg: Algorithm::MlDsa44,
    verify: &signature::ML_DSA_44,
    kind: Kind::MlDsa(&signature::ML_DSA_44_SIGNING),
};
pub(crate) static ML_DSA_65: Scheme = Scheme {
    alg: Algorithm::MlDsa65,
    verify: &signature::ML_DSA_65,
    kind: Kind::MlDsa(&signature::ML_DSA_65_SIGNING),
};
pub(crate) static ML_DSA_87: Scheme = Scheme {
    alg: Algorithm::MlDsa87,
    verify: &signature::ML_DSA_87,
    kind: Kind::MlDsa(&signature::ML_DSA_87_SIGNING),
};

/// RSA keys Pouch generates (PS256 demands at least 2048 bits).
const RSA_GENERATED_SIZE: aws_lc_rs::rsa::KeySize = aws_lc_rs::rsa::KeySize::Rsa3072;

impl SignatureScheme for Scheme {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, spki_der: &[u8], message: &[u8], sig: &[u8]) -> Result<(), Error> {
        // The SPKI's OIDs are checked here, so aws-lc only ever sees a key of its own type.
        let raw = spki_public_key(spki_der, self.alg)?;
        let key = ParsedPublicKey::new(self.verify, raw).map_err(|_| Error::BadPublicKey {
            alg: self.alg,
            reason: "aws-lc rejected the key",
        })?;
        key.verify_sig(message, sig)
            .map_err(|_| Error::BadSignature)
    }

    fn verify_parts(&self, spki_der: &[u8], parts: &[&[u8]], sig: &[u8]) -> Result<(), Error> {
        // ECDSA and RSA-PSS sign a digest: hash the parts where they lie. EdDSA and ML-DSA
        // take the whole message, so for them the parts are joined.
        let digest_alg = match self.alg {
            Algorithm::Es256 | Algorithm::Ps256 => &aws_lc_rs::digest::SHA256,
            Algorithm::Es384 => &aws_lc_rs::digest::SHA384,
            Algorithm::Es512 => &aws_lc_rs::digest::SHA512,
            _ => return self.verify(spki_der, &parts.concat(), sig),
        };
        let raw = spki_public_key(spki_der, self.alg)?;
        let key = ParsedPublicKey::new(self.verify, raw).map_err(|_| Error::BadPublicKey {
            alg: self.alg,
            reason: "aws-lc rejected the key",
        })?;
        let mut ctx = aws_lc_rs::digest::Context::new(digest_alg);
        for p in parts {
            ctx.update(p);
        }
        key.verify_digest_sig(&ctx.finish(), sig)
            .map_err(|_| Error::BadSignature)
    }

    fn signing_key(&self, pkcs8_der: &[u8]) -> Result<Box<dyn SigningKey>, Error> {
        // Check the key type first, so a wrong key is reported as such whatever aws-lc says.
        pkcs8_private_key(pkcs8_der, self.alg)?;
        let bad = |_| Error::BadPrivateKey {
            alg: self.alg,
            reason: "aws-lc rejected the PKCS#8 key",
        };
        let pair = match self.kind {
            Kind::Ecdsa(signing) => {
                Pair::Ecdsa(EcdsaKeyPair::from_pkcs8(signing, pkcs8_der).map_err(bad)?)
            }
            Kind::Ed25519 => Pair::Ed25519(Ed25519KeyPair::from_pkcs8(pkcs8_der).map_err(bad)?),
            Kind::RsaPss => {
                let pair = RsaKeyPair::from_pkcs8(pkcs8_der).map_err(bad)?;
                if pair.public_modulus_len() < 256 {
                    return Err(Error::BadPrivateKey {
                        alg: self.alg,
                        reason: "RSA key shorter than 2048 bits",
                    });
                }
                Pair::Rsa(pair)
            }
            Kind::MlDsa(signing) => {
                Pair::MlDsa(PqdsaKeyPair::from_pkcs8(signing, pkcs8_der).map_err(bad)?)
            }
        };
        let spki = pair
            .spki()
            .ok_or(Error::Backend("aws-lc could not encode the public key"))?;
        Ok(Box::new(AwsSigningKey {
            alg: self.alg,
            pair,
            spki,
        }))
    }

    fn generate_pkcs8(&self) -> Result<Vec<u8>, Error> {
        let failed = |_| Error::Backend("aws-lc key generation failed");
        let rng = SystemRandom::new();
        let doc = match self.kind {
            Kind::Ecdsa(signing) => EcdsaKeyPair::generate_pkcs8(signing, &rng).map_err(failed)?,
            Kind::Ed25519 => Ed25519KeyPair::generate_pkcs8(&rng).map_err(failed)?,
            Kind::RsaPss => {
                let pair = RsaKeyPair::generate(RSA_GENERATED_SIZE).map_err(failed)?;
                let der: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().map_err(failed)?;
                return Ok(der.as_ref().to_vec());
            }
            Kind::MlDsa(signing) => PqdsaKeyPair::generate(signing)
                .and_then(|pair| pair.to_pkcs8v1())
                .map_err(failed)?,
        };
        Ok(doc.as_ref().to_vec())
    }
}

/// A loaded private key.
enum Pair {
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
    MlDsa(PqdsaKeyPair),
}

impl Pair {
    fn spki(&self) -> Option<Vec<u8>> {
        let der = match self {
            Pair::Ecdsa(p) => p.public_key().as_der(),
            Pair::Ed25519(p) => p.public_key().as_der(),
            Pair::Rsa(p) => p.public_key().as_der(),
            Pair::MlDsa(p) => p.public_key().as_der(),
        };
        der.ok().map(|d| d.as_ref().to_vec())
    }
}

struct AwsSigningKey {
    alg: Algorithm,
    pair: Pair,
    spki: Vec<u8>,
}

impl fmt::Debug for AwsSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key material.
        write!(f, "aws-lc-rs {} signing key", self.alg)
    }
}

impl SigningKey for AwsSigningKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = |_| Error::Backend("aws-lc signing failed");
        match &self.pair {
            Pair::Ecdsa(p) => Ok(p
                .sign(&SystemRandom::new(), message)
                .map_err(failed)?
                .as_ref()
                .to_vec()),
            Pair::Ed25519(p) => Ok(p.sign(message).as_ref().to_vec()),
            Pair::Rsa(p) => {
                let mut sig = vec![0; p.public_modulus_len()];
                p.sign(
                    &signature::RSA_PSS_SHA256,
                    &SystemRandom::new(),
                    message,
                    &mut sig,
                )
                .map_err(failed)?;
                Ok(sig)
            }
            Pair::MlDsa(p) => {
                let mut sig = vec![0; p.algorithm().signature_len()];
                let len = p.sign(message, &mut sig).map_err(failed)?;
                sig.truncate(len);
                Ok(sig)
            }
        }
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}
