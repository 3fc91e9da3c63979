//! The X.509 v3 certificate builder.

use pouch_crypto::{CryptoProvider, DigestAlgorithm, SigningKey};

use crate::der::{self, Reader, tag};
use crate::{Error, Name, Oid, pem};
use pouch_trust::{signature_algorithm_identifier, signature_to_x509};

/// When a certificate is valid: `not_before..=not_after`, in Unix seconds (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Validity {
    not_before: i64,
    not_after: i64,
}

impl Validity {
    /// A window; fails if it ends before it starts. Either end may lie in the past or the
    /// future, so tests can make expired and not-yet-valid certificates.
    pub fn new(not_before: i64, not_after: i64) -> Result<Validity, Error> {
        if not_after < not_before {
            return Err(Error::InvalidValidity {
                not_before,
                not_after,
            });
        }
        Ok(Validity {
            not_before,
            not_after,
        })
    }

    /// Start, Unix seconds.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// End, Unix seconds.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    fn to_der(self) -> Result<Vec<u8>, Error> {
        Ok(der::sequence(&[
            &der::x509_time(self.not_before)?,
            &der::x509_time(self.not_after)?,
        ]))
    }
}

/// What the certified key may do, which fixes basicConstraints and keyUsage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// A certification authority: `cA TRUE` with an optional path length; keyCertSign and
    /// cRLSign.
    Ca {
        /// The pathLenConstraint, if any.
        path_len: Option<u8>,
    },
    /// An end-entity signer: digitalSignature, plus nonRepudiation (contentCommitment) when
    /// asked for.
    Signer {
        /// Whether to assert nonRepudiation / contentCommitment too.
        non_repudiation: bool,
    },
    /// An end entity whose keyUsage is nonRepudiation (contentCommitment) alone, without
    /// digitalSignature: not a valid Pouch signer, for negative tests and demos.
    ContentCommitmentOnly,
    /// A recipient's encryption certificate (spec/10-encryption.md POUCH-ENC-040):
    /// keyAgreement for a DHKEM key, keyEncipherment for a KEM key; no extendedKeyUsage.
    Encryption {
        /// keyAgreement (true) or keyEncipherment (false).
        key_agreement: bool,
    },
}

/// Builds one v3 certificate. Extensions, in order: basicConstraints (critical), keyUsage
/// (critical), extendedKeyUsage (when any usages are set), subjectKeyIdentifier,
/// authorityKeyIdentifier.
///
/// Key identifiers are the leftmost 160 bits of the SHA-256 of the subjectPublicKey BIT
/// STRING contents (RFC 7093 section 2, method 1), computed with the provider's SHA-256.
/// The issuer's key identifier is computed the same way from the issuer's key, so it always
/// equals the subjectKeyIdentifier of an issuer certificate made by this crate.
#[derive(Clone, Debug)]
pub struct CertificateBuilder {
    subject: Name,
    subject_spki: Vec<u8>,
    validity: Validity,
    profile: Profile,
    serial: Option<Vec<u8>>,
    extended_key_usage: Vec<Oid>,
    /// The keyUsage extnValue contents when not the profile's.
    key_usage: Option<Vec<u8>>,
    /// Extensions appended after the standard ones: (OID, critical, extnValue contents).
    extra: Vec<(Oid, bool, Vec<u8>)>,
}

impl CertificateBuilder {
    /// A certificate for the public key `subject_spki` (DER SubjectPublicKeyInfo, as
    /// [`SigningKey::public_key_spki`] gives it). No extended key usage is set.
    pub fn new(subject: Name, subject_spki: Vec<u8>, validity: Validity, profile: Profile) -> Self {
        CertificateBuilder {
            subject,
            subject_spki,
            validity,
            profile,
            serial: None,
            extended_key_usage: Vec::new(),
            key_usage: None,
            extra: Vec::new(),
        }
    }

    /// A CA certificate.
    pub fn ca(
        subject: Name,
        subject_spki: Vec<u8>,
        validity: Validity,
        path_len: Option<u8>,
    ) -> Self {
        Self::new(subject, subject_spki, validity, Profile::Ca { path_len })
    }

    /// A signer certificate: digitalSignature, extended key usage id-kp-documentSigning
    /// (RFC 9336).
    pub fn signer(subject: Name, subject_spki: Vec<u8>, validity: Validity) -> Self {
        let mut builder = Self::new(
            subject,
            subject_spki,
            validity,
            Profile::Signer {
                non_repudiation: false,
            },
        );
        builder.extended_key_usage = vec![pouch_crypto::oid::KP_DOCUMENT_SIGNING];
        builder
    }

    /// Uses this serial number, given as a big-endian unsigned magnitude. Without it the
    /// serial is derived: the first 128 bits of SHA-256 over issuer, subject, key and
    /// validity, with the top bit cleared and the next set (positive, 16 octets).
    pub fn serial(mut self, magnitude: &[u8]) -> Result<Self, Error> {
        let content = der::unsigned_integer_content(magnitude);
        if content == [0] {
            return Err(Error::InvalidSerial("zero"));
        }
        if content.len() > 20 {
            return Err(Error::InvalidSerial("longer than 20 octets"));
        }
        self.serial = Some(content);
        Ok(self)
    }

    /// Asserts nonRepudiation (contentCommitment) besides digitalSignature. Has no effect
    /// on a CA profile.
    pub fn non_repudiation(mut self) -> Self {
        if let Profile::Signer { .. } = self.profile {
            self.profile = Profile::Signer {
                non_repudiation: true,
            };
        }
        self
    }

    /// Replaces the extended key usages; an empty list leaves the extension out.
    pub fn extended_key_usage(mut self, usages: Vec<Oid>) -> Self {
        self.extended_key_usage = usages;
        self
    }

    /// Replaces the profile (basicConstraints and the default keyUsage), keeping everything
    /// else set so far: e.g. a signer's extended key usage on a CA certificate.
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Replaces the profile's keyUsage with these named bits (RFC 5280 §4.2.1.3 numbering:
    /// 0 digitalSignature, 1 contentCommitment, 5 keyCertSign, 6 cRLSign), leaving
    /// basicConstraints as the profile says: e.g. a CA certificate whose keyUsage is
    /// digitalSignature alone, to test the leaf-is-CA rule on its own.
    pub fn key_usage_bits(mut self, bits: &[u8]) -> Self {
        self.key_usage = Some(der::named_bits(bits));
        self
    }

    /// Replaces the keyUsage extnValue contents with `value`, unchecked: for certificates
    /// whose keyUsage does not decode.
    pub fn key_usage_raw(mut self, value: Vec<u8>) -> Self {
        self.key_usage = Some(value);
        self
    }

    /// Appends an extension whose extnValue contents are `value`, unchecked, after the
    /// standard ones: for extensions this builder has no method for (subjectAltName,
    /// nameConstraints) and for negative tests (an unknown critical extension).
    pub fn extension(mut self, oid: Oid, critical: bool, value: Vec<u8>) -> Self {
        self.extra.push((oid, critical, value));
        self
    }

    /// Signs the certificate with its own key (a root CA). `key` must hold the private key
    /// of the subject public key.
    pub fn self_sign(
        &self,
        provider: &CryptoProvider,
        key: &dyn SigningKey,
    ) -> Result<Certificate, Error> {
        if key.public_key_spki() != self.subject_spki {
            return Err(Error::IssuerKeyMismatch);
        }
        self.sign(provider, &self.subject, key)
    }

    /// Signs the certificate as `issuer`, whose private key is `issuer_key`. The issuer is
    /// not checked to be a CA, so negative test cases can be built.
    pub fn issue(
        &self,
        provider: &CryptoProvider,
        issuer: &Certificate,
        issuer_key: &dyn SigningKey,
    ) -> Result<Certificate, Error> {
        if issuer_key.public_key_spki() != issuer.subject_public_key_info {
            return Err(Error::IssuerKeyMismatch);
        }
        self.sign(provider, &issuer.subject, issuer_key)
    }

    fn sign(
        &self,
        provider: &CryptoProvider,
        issuer: &Name,
        key: &dyn SigningKey,
    ) -> Result<Certificate, Error> {
        let alg = key.algorithm();
        let alg_id = signature_algorithm_identifier(alg)?;
        let issuer_der = issuer.to_der();
        let subject_der = self.subject.to_der();
        let validity = self.validity.to_der()?;
        let subject_key_id = key_identifier(provider, &self.subject_spki)?;
        let authority_key_id = key_identifier(provider, &key.public_key_spki())?;
        let serial = match &self.serial {
            Some(content) => der::tlv(tag::INTEGER, content),
            None => {
                let input = [&issuer_der[..], &subject_der, &self.subject_spki, &validity].concat();
                let mut digest = sha256(provider, &input)?;
                digest.truncate(16);
                if let Some(first) = digest.first_mut() {
                    *first = (*first & 0x7f) | 0x40;
                }
                der::unsigned_integer(&digest)
            }
        };
        let extensions = self.extensions(&subject_key_id, &authority_key_id);
        let tbs = der::sequence(&[
            &der::explicit(0, &der::integer_u64(2)),
            &serial,
            &alg_id,
            &issuer_der,
            &validity,
            &subject_der,
            &self.subject_spki,
            &der::explicit(3, &extensions),
        ]);
        let signature = signature_to_x509(alg, &key.sign(&tbs)?)?;
        let cert = der::sequence(&[&tbs, &alg_id, &der::bit_string(0, &signature)]);
        Ok(Certificate {
            der: cert,
            subject: self.subject.clone(),
            subject_public_key_info: self.subject_spki.clone(),
            key_identifier: subject_key_id,
            is_ca: matches!(self.profile, Profile::Ca { .. }),
        })
    }

    fn extensions(&self, subject_key_id: &[u8], authority_key_id: &[u8]) -> Vec<u8> {
        let (basic, usage_bits): (Vec<u8>, &[u8]) = match self.profile {
            Profile::Ca { path_len } => {
                let len = path_len
                    .map(|n| der::integer_u64(u64::from(n)))
                    .unwrap_or_default();
                (der::sequence(&[&der::boolean(true), &len]), &[5, 6])
            }
            Profile::Signer { non_repudiation } => (
                der::sequence(&[]),
                if non_repudiation { &[0, 1] } else { &[0] },
            ),
            Profile::ContentCommitmentOnly => (der::sequence(&[]), &[1]),
            Profile::Encryption { key_agreement } => {
                (der::sequence(&[]), if key_agreement { &[4] } else { &[2] })
            }
        };
        let usage = self
            .key_usage
            .clone()
            .unwrap_or_else(|| der::named_bits(usage_bits));
        let mut list = vec![
            extension(&pouch_crypto::oid::EXT_BASIC_CONSTRAINTS, true, &basic),
            extension(&pouch_crypto::oid::EXT_KEY_USAGE, true, &usage),
        ];
        if !self.extended_key_usage.is_empty() {
            let oids: Vec<Vec<u8>> = self.extended_key_usage.iter().map(der::oid).collect();
            let parts: Vec<&[u8]> = oids.iter().map(Vec::as_slice).collect();
            list.push(extension(
                &pouch_crypto::oid::EXT_EXT_KEY_USAGE,
                false,
                &der::sequence(&parts),
            ));
        }
        list.push(extension(
            &pouch_crypto::oid::EXT_SUBJECT_KEY_ID,
            false,
            &der::octet_string(subject_key_id),
        ));
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
        let aki = der::sequence(&[&der::implicit(0, false, authority_key_id)]);
        list.push(extension(
            &pouch_crypto::oid::EXT_AUTHORITY_KEY_ID,
            false,
            &aki,
        ));
        for (oid, critical, value) in &self.extra {
            list.push(extension(oid, *critical, value));
        }
        let parts: Vec<&[u8]> = list.iter().map(Vec::as_slice).collect();
        der::sequence(&parts)
    }
}

/// `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`
fn extension(oid: &Oid, critical: bool, value: &[u8]) -> Vec<u8> {
    let critical = if critical {
        der::boolean(true)
    } else {
        Vec::new()
    };
    der::sequence(&[&der::oid(oid), &critical, &der::octet_string(value)])
}

fn sha256(provider: &CryptoProvider, data: &[u8]) -> Result<Vec<u8>, Error> {
    let scheme = provider
        .digest(DigestAlgorithm::Sha256)
        .ok_or(Error::UnsupportedDigest(DigestAlgorithm::Sha256))?;
    let mut digest = scheme.start();
    digest.update(data);
    Ok(digest.finish())
}

/// The key identifier of a DER SubjectPublicKeyInfo: the leftmost 160 bits of the SHA-256
/// of the subjectPublicKey BIT STRING contents (RFC 7093 section 2, method 1).
pub fn key_identifier(provider: &CryptoProvider, spki_der: &[u8]) -> Result<Vec<u8>, Error> {
    let mut outer = Reader::new(spki_der);
    let spki = outer.expect(tag::SEQUENCE)?;
    let mut fields = Reader::new(spki.content);
    fields.expect(tag::SEQUENCE)?;
    let key = fields.expect(tag::BIT_STRING)?;
    let bits = match key.content.split_first() {
        Some((0, bits)) => bits,
        _ => {
            return Err(Error::Malformed {
                position: 0,
                reason: "subjectPublicKey is not whole octets",
            });
        }
    };
    let mut id = sha256(provider, bits)?;
    id.truncate(20);
    Ok(id)
}

/// An issued certificate: its DER, and what issuing further certificates under it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    subject: Name,
    subject_public_key_info: Vec<u8>,
    key_identifier: Vec<u8>,
    is_ca: bool,
}

impl Certificate {
    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The DER encoding, taken.
    pub fn into_der(self) -> Vec<u8> {
        self.der
    }

    /// PEM with the `CERTIFICATE` label.
    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    /// The subject name.
    pub fn subject(&self) -> &Name {
        &self.subject
    }

    /// The certified public key, DER SubjectPublicKeyInfo.
    pub fn subject_public_key_info(&self) -> &[u8] {
        &self.subject_public_key_info
    }

    /// The subjectKeyIdentifier (20 octets).
    pub fn key_identifier(&self) -> &[u8] {
        &self.key_identifier
    }

    /// Whether this is a CA certificate.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }
}
