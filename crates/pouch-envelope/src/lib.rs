#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cert;
mod envelope;
mod header;

pub use cert::{CertNames, LeafInfo, cert_names, leaf_info};
pub use envelope::{
    COSE_SIGN_TAG, Envelope, Payload, Seal, SealRequest, digest_reader, endorse, seal,
    seal_prepared,
};
pub use header::{
    CONTENT_ALG_A256GCM_STREAM, Content, ContentType, Encryption, EnvelopeHeader, FORMAT_VERSION,
    Fault, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, POUCH_PARAM, RECIPIENTS_PARAM, ReleaseApproval, Role,
    SealHeader,
};

use pouch_cbor::Encoder;

/// Decoder limits (spec/03-envelope.md §3.9); the defaults are the minimum every Pouch
/// decoder MUST accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Whole envelope, embedded payload included.
    pub max_envelope_bytes: usize,
    /// Body protected header.
    pub max_body_header_bytes: usize,
    /// One seal's protected header.
    pub max_seal_header_bytes: usize,
    /// Seals in one envelope.
    pub max_seals: usize,
    /// Certificates in one `x5chain`.
    pub max_chain_len: usize,
    /// One certificate.
    pub max_certificate_bytes: usize,
    /// Parameters in one header map.
    pub max_header_params: usize,
    /// CBOR nesting depth.
    pub max_depth: usize,
    /// Limits of the labels inside (originator and alternative).
    pub label: pouch_label::Limits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_envelope_bytes: 64 << 20,
            max_body_header_bytes: 64 << 10,
            max_seal_header_bytes: 64 << 10,
            max_seals: 16,
            max_chain_len: 8,
            max_certificate_bytes: 16 << 10,
            max_header_params: 16,
            max_depth: 24,
            label: pouch_label::Limits::default(),
        }
    }
}

/// Why an envelope could not be made or extended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The signing backend failed.
    #[error("crypto: {0}")]
    Crypto(pouch_crypto::Error),
    /// A seal needs at least the signer's certificate.
    #[error("a seal needs the signer's certificate chain")]
    NoCertificate,
    /// The envelope to endorse does not decode.
    #[error("{}: {}", .0.code, .0.detail)]
    Malformed(Fault),
    /// The envelope already has as many seals as the limit allows.
    #[error("the envelope already has {0} seals, the limit")]
    TooManySeals(usize),
    /// Reading a detached record failed.
    #[error("reading the record: {0}")]
    Io(String),
    /// A value given as text (a seal policy, a role) does not parse.
    #[error("{what} {value:?}: {reason}")]
    InvalidValue {
        /// What was being parsed, e.g. `seal policy`.
        what: &'static str,
        /// The text given.
        value: String,
        /// What is wrong with it, and what was expected.
        reason: String,
    },
    /// An embedded payload would make the envelope larger than the envelope limit (§3.9).
    #[error(
        "an embedded payload makes an envelope of {size} bytes, over the envelope limit of {limit} bytes; seal the record detached"
    )]
    TooLarge {
        /// The size reached (at least; reading may have stopped there).
        size: u64,
        /// The limit, `Limits::max_envelope_bytes`.
        limit: usize,
    },
}

/// The RFC 9052 `Sig_structure` up to the payload's content: the array head, the context,
/// the three byte strings, and the payload byte string's head. Followed by the payload itself
/// it is [`sig_structure`], so a verifier can hash it in two pieces without copying the
/// payload.
pub fn sig_structure_head(
    body_protected: &[u8],
    sign_protected: &[u8],
    external_aad: &[u8],
    payload_len: usize,
) -> Vec<u8> {
    let size = 64 + body_protected.len() + sign_protected.len() + external_aad.len();
    let mut e = Encoder::with_capacity(size);
    e.array(5)
        .text("Signature")
        .bytes(body_protected)
        .bytes(sign_protected)
        .bytes(external_aad)
        .bytes_head(payload_len as u64);
    e.into_bytes()
}

/// The RFC 9052 §4.4 `Sig_structure` for a `COSE_Signature`:
/// `["Signature", body_protected, sign_protected, external_aad, payload]`.
pub fn sig_structure(
    body_protected: &[u8],
    sign_protected: &[u8],
    external_aad: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let mut out = sig_structure_head(body_protected, sign_protected, external_aad, payload.len());
    out.extend_from_slice(payload);
    out
}
