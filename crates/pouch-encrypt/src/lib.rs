#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod cert;
mod keys;
pub mod recipients;
mod rng;
pub mod stream;

use std::io::{Read, Write};

use hkdf::Hkdf;
use pouch_crypto::{CryptoProvider, DigestAlgorithm};
use pouch_envelope::{
    Content, ContentType, Encryption, Envelope, EnvelopeHeader, FORMAT_VERSION, Limits,
    MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, SealRequest,
};
use pouch_label::{DateTime, Label};
use pouch_status::StatusCode;
use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use keys::{PrivateKey, PublicKey, RecipientAlg, derive_keypair, unwrap, wrap};
pub use recipients::{MAX_RECIPIENTS, Recipient};
pub use rng::{SeededRng, SystemRng, system_rng};

/// The chunk size Pouch writes unless told otherwise: 64 KiB.
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;

/// Why an envelope could not be encrypted, or a recipient added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A key does not decode for its algorithm.
    #[error("key: {0}")]
    BadKey(String),
    /// HPKE failed.
    #[error("HPKE: {0}")]
    Hpke(String),
    /// Reading the record or writing the ciphertext failed.
    #[error("i/o: {0}")]
    Io(String),
    /// More than 2^32 chunks.
    #[error("the record needs more than 2^32 chunks")]
    TooLarge,
    /// A request outside the limits of the format.
    #[error("{0}")]
    Invalid(String),
    /// Sealing failed.
    #[error("sealing: {0}")]
    Envelope(#[from] pouch_envelope::Error),
    /// The envelope to extend does not decrypt for the given key (adding a recipient).
    #[error("{0}")]
    Decrypt(DecryptError),
    /// A bug: a state the code rules out.
    #[error("internal: {0}")]
    Internal(&'static str),
}

/// Why an encrypted envelope did not open: a registry status code and what exactly, or an
/// i/o failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// A verdict of the decrypt stage (or `payload.digest-mismatch` for a detached record).
    #[error("{}: {detail}", code.id())]
    Status {
        /// The registry code.
        code: StatusCode,
        /// One line for people.
        detail: String,
    },
    /// Reading the ciphertext or writing the plaintext failed.
    #[error("i/o: {0}")]
    Io(String),
}

impl DecryptError {
    pub(crate) fn new(code: StatusCode, detail: impl Into<String>) -> Self {
        DecryptError::Status {
            code,
            detail: detail.into(),
        }
    }

    pub(crate) fn io(detail: String) -> Self {
        DecryptError::Io(detail)
    }

    /// The status code, unless the failure was i/o.
    pub fn code(&self) -> Option<StatusCode> {
        match self {
            DecryptError::Status { code, .. } => Some(*code),
            DecryptError::Io(_) => None,
        }
    }
}

/// A nation to encrypt to: its encryption certificate (already validated by the caller,
/// POUCH-ENC-040) and the public key taken from it.
#[derive(Clone, Debug)]
pub struct RecipientKey {
    /// The nation's code (ISO 3166-1 alpha-3).
    pub nation: String,
    /// The encryption certificate, DER.
    pub certificate: Vec<u8>,
    /// Its public key.
    pub public_key: PublicKey,
}

impl RecipientKey {
    /// The `kid` that addresses this recipient: SHA-256 of the certificate.
    pub fn kid(&self) -> [u8; 32] {
        kid_of(&self.certificate)
    }
}

/// The `kid` of an encryption certificate: its SHA-256 (POUCH-ENC-030).
pub fn kid_of(certificate_der: &[u8]) -> [u8; 32] {
    Sha256::digest(certificate_der).into()
}

/// The record to encrypt.
pub enum Plaintext<'a> {
    /// The ciphertext goes into the envelope (which then holds at most its size limit).
    Embedded {
        /// The record, read to its end.
        data: &'a mut dyn Read,
        /// Its content type.
        content_type: Option<ContentType>,
    },
    /// The ciphertext goes beside the envelope; the envelope holds its digest.
    Detached {
        /// The record, read to its end.
        data: &'a mut dyn Read,
        /// Where the ciphertext is written.
        ciphertext: &'a mut dyn Write,
        /// The digest of the ciphertext the seals cover.
        digest: DigestAlgorithm,
        /// The record's content type.
        content_type: Option<ContentType>,
        /// Where recipients may find the ciphertext (a hint).
        location: Option<String>,
    },
}

/// What to encrypt to, and how.
pub struct EncryptRequest<'a> {
    /// The originator label, in clear.
    pub label: &'a Label,
    /// The recipients, at most [`MAX_RECIPIENTS`].
    pub recipients: &'a [RecipientKey],
    /// Nations wrapped to although release was denied (POUCH-ENC-012).
    pub forced: Vec<String>,
    /// Plaintext bytes per chunk.
    pub chunk_size: u32,
    /// The envelope identifier; fresh random bytes from `rng` when `None`.
    pub id: Option<[u8; 16]>,
    /// The creation time; the seal's signing time when `None`.
    pub created: Option<DateTime>,
}

fn hkdf32(id: &[u8; 16], cek: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA-256's limit of 255 * 32, so expand cannot fail.
    let _ = Hkdf::<Sha256>::new(Some(id), cek).expand(info, out.as_mut_slice());
    out
}

/// The key commitment (POUCH-ENC-011).
pub fn key_commitment(id: &[u8; 16], cek: &[u8]) -> [u8; 32] {
    *hkdf32(id, cek, b"Pouch v1 key commitment")
}

fn payload_key(id: &[u8; 16], cek: &[u8]) -> Zeroizing<[u8; 32]> {
    hkdf32(id, cek, b"Pouch v1 payload key")
}

fn wrap_to(
    r: &RecipientKey,
    id: &[u8; 16],
    cek: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<Recipient, Error> {
    let kid = r.kid();
    let protected = recipients::protected_header(r.public_key.alg(), &kid);
    let info = recipients::recipient_structure(&protected, id);
    let (ek, ciphertext) = keys::wrap(&r.public_key, &info, cek, rng)?;
    Ok(Recipient {
        protected,
        alg_id: r.public_key.alg().cose_id(),
        alg: Some(r.public_key.alg()),
        kid,
        ek,
        ciphertext,
    })
}

fn check_forced(forced: &[String]) -> Result<(), Error> {
    for (i, n) in forced.iter().enumerate() {
        if n.len() != 3 || !n.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::Invalid(format!(
                "forced nation {n:?} is not an alpha-3 code"
            )));
        }
        if i > 0 && forced.get(i - 1).is_some_and(|p| p >= n) {
            return Err(Error::Invalid(
                "forced nations must be sorted and unique".into(),
            ));
        }
    }
    Ok(())
}

/// Encrypts a record to its recipients and seals the result (spec/10-encryption.md): one
/// envelope whose seal covers the label, the encryption header and the ciphertext. Trust in
/// the recipients' certificates and release to their nations are the caller's to decide
/// first (POUCH-ENC-040, POUCH-ENC-050).
pub fn seal_encrypted(
    provider: &CryptoProvider,
    request: &EncryptRequest<'_>,
    plaintext: Plaintext<'_>,
    seal: &SealRequest<'_>,
    rng: &mut impl CryptoRng,
) -> Result<Vec<u8>, Error> {
    if request.recipients.is_empty() || request.recipients.len() > MAX_RECIPIENTS {
        return Err(Error::Invalid(format!(
            "{} recipients; 1..={MAX_RECIPIENTS} allowed",
            request.recipients.len()
        )));
    }
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&request.chunk_size) {
        return Err(Error::Invalid(format!(
            "chunk size {} outside {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}",
            request.chunk_size
        )));
    }
    check_forced(&request.forced)?;
    let id = match request.id {
        Some(id) => id,
        None => {
            let mut id = [0u8; 16];
            rng.fill_bytes(&mut id);
            id
        }
    };
    let mut cek = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(cek.as_mut_slice());
    let content = match &plaintext {
        Plaintext::Embedded { content_type, .. } => Content::Embedded {
            content_type: content_type.clone(),
        },
        Plaintext::Detached {
            digest,
            content_type,
            location,
            ..
        } => Content::Detached {
            digest: *digest,
            content_type: content_type.clone(),
            location: location.clone(),
        },
    };
    let header = EnvelopeHeader {
        version: FORMAT_VERSION,
        id,
        created: request.created.unwrap_or(seal.signing_time),
        label: request.label.clone(),
        content,
        encryption: Some(Encryption {
            chunk_size: request.chunk_size,
            commitment: key_commitment(&id, cek.as_slice()),
            forced: request.forced.clone(),
        }),
    };
    let body = header.to_protected_bytes();
    let stream = stream::Stream::new(
        &payload_key(&id, cek.as_slice()),
        stream::chunk_aad(&body),
        request.chunk_size as usize,
    );
    let payload_field = match plaintext {
        Plaintext::Embedded { data, .. } => {
            let mut ct = Vec::new();
            stream.encrypt(data, &mut ct)?;
            ct
        }
        Plaintext::Detached {
            data,
            ciphertext,
            digest,
            ..
        } => {
            let scheme = provider
                .digest(digest)
                .ok_or(Error::Invalid(format!("{digest} is not provided")))?;
            let mut tee = DigestingWriter {
                inner: ciphertext,
                digest: scheme.start(),
            };
            stream.encrypt(data, &mut tee)?;
            tee.digest.finish()
        }
    };
    let wrapped = request
        .recipients
        .iter()
        .map(|r| wrap_to(r, &id, cek.as_slice(), rng))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(pouch_envelope::seal_prepared(
        &header,
        &payload_field,
        Some(&recipients::encode(&wrapped)),
        seal,
    )?)
}

struct DigestingWriter<'a> {
    inner: &'a mut dyn Write,
    digest: Box<dyn pouch_crypto::Digest>,
}

impl Write for DigestingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.digest.update(buf.get(..n).unwrap_or_default());
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The recipients an encrypted envelope carries.
pub fn recipients_of(envelope: &Envelope) -> Result<Vec<Recipient>, DecryptError> {
    if envelope.header().encryption.is_none() {
        return Err(DecryptError::new(
            pouch_status::DECRYPT_NOT_ENCRYPTED,
            "the envelope carries no encryption header",
        ));
    }
    match envelope.recipients_bytes() {
        Some(b) => recipients::decode(b),
        None => Err(DecryptError::new(
            pouch_status::DECRYPT_NO_RECIPIENT,
            "the envelope carries no recipients",
        )),
    }
}

/// Recovers the content key for `key` and its certificate, and checks it against the sealed
/// commitment (POUCH-ENC-031).
fn content_key(
    envelope: &Envelope,
    key: &PrivateKey,
    certificate_der: &[u8],
) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let list = recipients_of(envelope)?;
    let enc = envelope.header().encryption.as_ref().ok_or_else(|| {
        DecryptError::new(pouch_status::DECRYPT_NOT_ENCRYPTED, "no encryption header")
    })?;
    let kid = kid_of(certificate_der);
    let mine: Vec<&Recipient> = list.iter().filter(|r| r.kid == kid).collect();
    if mine.is_empty() {
        return Err(DecryptError::new(
            pouch_status::DECRYPT_NO_RECIPIENT,
            "no recipient is addressed to this certificate",
        ));
    }
    let id = &envelope.header().id;
    let mut last = DecryptError::new(pouch_status::DECRYPT_UNWRAP_FAILED, "HPKE Open failed");
    for r in mine {
        if r.alg != Some(key.alg()) {
            last = DecryptError::new(
                if r.alg.is_none() {
                    pouch_status::DECRYPT_ALG_UNSUPPORTED
                } else {
                    pouch_status::DECRYPT_UNWRAP_FAILED
                },
                format!(
                    "the recipient's alg {} is not the key's {}",
                    r.alg_id,
                    key.alg().name()
                ),
            );
            continue;
        }
        let info = recipients::recipient_structure(&r.protected, id);
        let Some(cek) = keys::unwrap(key, &r.ek, &info, &r.ciphertext) else {
            last = DecryptError::new(
                pouch_status::DECRYPT_UNWRAP_FAILED,
                format!("HPKE Open failed ({})", key.alg().name()),
            );
            continue;
        };
        if cek.len() != 32 || !bool::from(key_commitment(id, &cek).ct_eq(&enc.commitment)) {
            return Err(DecryptError::new(
                pouch_status::DECRYPT_KEY_COMMITMENT_MISMATCH,
                "the unwrapped key does not match the sealed commitment",
            ));
        }
        return Ok(cek);
    }
    Err(last)
}

/// Decrypts an encrypted envelope for the holder of `key` (whose encryption certificate is
/// `certificate_der`) into `output`, which receives plaintext as chunks authenticate: the
/// caller MUST release it only on `Ok` (POUCH-ENC-022). For a detached record give its
/// ciphertext in `detached`; its digest is compared with the sealed one at the end.
///
/// This is the decrypt stage only: verifying the envelope and deciding release to the
/// recipient's nation come first (POUCH-ENC-070), in the `pouch` crate.
pub fn open(
    provider: &CryptoProvider,
    envelope_bytes: &[u8],
    limits: &Limits,
    key: &PrivateKey,
    certificate_der: &[u8],
    detached: Option<&mut dyn Read>,
    output: &mut dyn Write,
) -> Result<u64, DecryptError> {
    let (envelope, payload) = Envelope::decode_borrowing_payload(envelope_bytes, limits)
        .map_err(|f| DecryptError::new(f.code, f.detail))?;
    let cek = content_key(&envelope, key, certificate_der)?;
    let header = envelope.header();
    let chunk = header
        .encryption
        .as_ref()
        .map(|e| e.chunk_size as usize)
        .unwrap_or_default();
    let stream = stream::Stream::new(
        &payload_key(&header.id, &cek),
        stream::chunk_aad(envelope.body_protected_bytes()),
        chunk,
    );
    match (&header.content, detached) {
        (Content::Embedded { .. }, _) => {
            let mut ct: &[u8] = payload;
            stream.decrypt(&mut ct, output, &mut |_| {})
        }
        (Content::Detached { digest, .. }, Some(input)) => {
            let scheme = provider.digest(*digest).ok_or_else(|| {
                DecryptError::new(
                    pouch_status::PAYLOAD_DIGEST_MISMATCH,
                    format!("{digest} is not provided"),
                )
            })?;
            let mut d = scheme.start();
            let n = stream.decrypt(input, output, &mut |b| d.update(b))?;
            if d.finish().as_slice() != payload {
                return Err(DecryptError::new(
                    pouch_status::PAYLOAD_DIGEST_MISMATCH,
                    "the ciphertext's digest is not the sealed digest",
                ));
            }
            Ok(n)
        }
        (Content::Detached { .. }, None) => Err(DecryptError::new(
            pouch_status::DECRYPT_TRUNCATED,
            "the record is detached and its ciphertext was not given",
        )),
    }
}

/// Adds a recipient to an encrypted envelope without re-encrypting and without changing any
/// byte a seal covers (POUCH-ENC-060): the holder of `key` unwraps the content key, checks
/// it against the commitment, and wraps it to `new`. Validating `new`'s certificate and
/// deciding release to its nation are the caller's to do first.
pub fn add_recipient(
    envelope_bytes: &[u8],
    limits: &Limits,
    key: &PrivateKey,
    certificate_der: &[u8],
    new: &RecipientKey,
    rng: &mut impl CryptoRng,
) -> Result<Vec<u8>, Error> {
    let envelope = Envelope::decode(envelope_bytes, limits)
        .map_err(|f| Error::Decrypt(DecryptError::new(f.code, f.detail)))?;
    let cek = content_key(&envelope, key, certificate_der).map_err(Error::Decrypt)?;
    let mut list = recipients_of(&envelope).map_err(Error::Decrypt)?;
    if list.len() >= MAX_RECIPIENTS {
        return Err(Error::Invalid(format!(
            "the envelope already has {MAX_RECIPIENTS} recipients, the limit"
        )));
    }
    let kid = new.kid();
    if list.iter().any(|r| r.kid == kid) {
        return Err(Error::Invalid(format!(
            "{} is already a recipient with this certificate",
            new.nation
        )));
    }
    list.push(wrap_to(new, &envelope.header().id, &cek, rng)?);
    Ok(envelope.to_bytes_with_recipients(&recipients::encode(&list)))
}
