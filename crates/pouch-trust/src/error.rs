//! The one error type of this crate.

use std::path::PathBuf;

use pouch_crypto::{Algorithm, DigestAlgorithm};

/// Why building, encoding or writing a certificate failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The crypto provider refused an operation (bad key, unsupported algorithm, ...).
    #[error("crypto provider: {0}")]
    Crypto(#[from] pouch_crypto::Error),
    /// The provider has no implementation of this signature algorithm.
    #[error("the provider has no {0} implementation")]
    UnsupportedAlgorithm(Algorithm),
    /// The provider has no implementation of this digest algorithm.
    #[error("the provider has no {0} implementation")]
    UnsupportedDigest(DigestAlgorithm),
    /// A distinguished-name attribute, nation or other text value is not acceptable.
    #[error("invalid {field}: {reason}")]
    InvalidText {
        /// Which value was rejected.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A time cannot be written as UTCTime or GeneralizedTime (year outside 0000..=9999).
    #[error("time {0} (Unix seconds) is outside the years 0000..=9999")]
    TimeOutOfRange(i64),
    /// `not_after` lies before `not_before`.
    #[error("validity ends ({not_after}) before it starts ({not_before})")]
    InvalidValidity {
        /// Start, Unix seconds.
        not_before: i64,
        /// End, Unix seconds.
        not_after: i64,
    },
    /// A serial number is zero, or longer than the 20 octets RFC 5280 allows.
    #[error("invalid serial number: {0}")]
    InvalidSerial(&'static str),
    /// The issuer's signing key does not match the public key in the issuer certificate.
    #[error("the issuer key does not match the issuer certificate")]
    IssuerKeyMismatch,
    /// DER input (a certificate, an SPKI, a signature) could not be read.
    #[error("malformed DER at byte {position}: {reason}")]
    Malformed {
        /// Offset into the input where reading failed.
        position: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// A signature AlgorithmIdentifier is not one this crate writes.
    #[error("unknown signature algorithm identifier")]
    UnknownSignatureAlgorithm,
    /// Writing a file failed.
    #[error("writing {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
}

impl From<pouch_crypto::der::Malformed> for Error {
    fn from(e: pouch_crypto::der::Malformed) -> Self {
        Error::Malformed {
            position: e.position,
            reason: e.reason,
        }
    }
}
