//! The crate's one error type: why a verifier, a signer or a seal could not be made.
//! Verification itself never fails: everything it finds is in the [`crate::Report`].

use crate::ParseError;

/// Why something could not be built, loaded or sealed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither `trust(..)` nor `without_trust()` was called on the verifier builder:
    /// leaving out the trust stage must be explicit (POUCH-ENV-052).
    #[error("no trust bundle given: call trust(..), or without_trust() to verify signatures only")]
    TrustUnset,
    /// A recipient was given to a verifier built with `without_trust()`: a release decision
    /// is made only for seals found valid and trusted, so asking for one without a trust
    /// bundle is an argument error, not a report (spec/05-policy.md POUCH-POL-085).
    #[error(
        "a release decision needs a trust bundle: a recipient was given with without_trust() (POUCH-POL-085)"
    )]
    RecipientWithoutTrust,
    /// The trust bundle does not load, or the chain validator cannot be built over it.
    #[error("trust bundle: {0}")]
    Trust(#[from] pouch_trust::Error),
    /// A security policy (SPIF) does not load.
    #[error("security policy: {0}")]
    Policy(#[from] pouch_policy::Error),
    /// A label does not decode.
    #[error("label: {0}")]
    Label(#[from] pouch_label::Error),
    /// An option's text does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The private key cannot be read or used.
    #[error("key: {0}")]
    Key(String),
    /// The certificate chain cannot be read.
    #[error("certificate chain: {0}")]
    Certificate(String),
    /// The envelope cannot be made or extended.
    #[error(transparent)]
    Envelope(#[from] pouch_envelope::Error),
    /// A recipient was refused before anything was encrypted (spec/10-encryption.md §10.5,
    /// §10.6): its certificate is not trusted, or release to its nation is denied.
    #[error("{0}")]
    Refused(crate::Refusal),
    /// Encryption failed.
    #[error("encryption: {0}")]
    Encrypt(#[from] pouch_encrypt::Error),
    /// The sealed envelope would exceed the envelope limit that every verifier applies
    /// (spec/03-envelope.md §3.9): nothing is returned rather than an envelope no one can
    /// verify. Seal the record detached instead.
    #[error(
        "the envelope would be {size} bytes, over the limit of {limit}: seal the record detached"
    )]
    TooLarge {
        /// The envelope's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}
