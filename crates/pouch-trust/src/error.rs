//! The one error type of this crate: certificate building, bundle loading and validator
//! construction all fail with [`Error`].

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
    /// A trust bundle, or a file it names, could not be loaded; or one of its certificates
    /// or CRLs could not be loaded into a chain validator.
    #[error("{place}: {fault}")]
    Bundle {
        /// Where: the file, nation and item (boxed, as is the fault, to keep `Error` small).
        place: Box<BundlePlace>,
        /// What was wrong.
        fault: Box<BundleFault>,
    },
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

impl Error {
    /// Whether this is a file that could not be read at all (an I/O fault, which a command
    /// line reports as such), rather than one that was read and found malformed.
    pub fn is_unreadable(&self) -> bool {
        match self {
            Error::Io { .. } => true,
            Error::Bundle { fault, .. } => matches!(**fault, BundleFault::Unreadable(_)),
            _ => false,
        }
    }
}

/// Where in a trust bundle a fault lies: the file at fault (the bundle, or a file it names),
/// the `[[nation]]` entry, and the item in it, as far as each is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundlePlace {
    file: Option<PathBuf>,
    nation: Option<String>,
    field: Option<&'static str>,
    index: Option<usize>,
}

impl BundlePlace {
    pub(crate) fn file(file: &std::path::Path) -> Self {
        BundlePlace {
            file: Some(file.to_path_buf()),
            ..BundlePlace::default()
        }
    }

    pub(crate) fn in_file(mut self, file: &std::path::Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    pub(crate) fn nation(mut self, code: &str) -> Self {
        self.nation = Some(code.to_owned());
        self
    }

    pub(crate) fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub(crate) fn item(mut self, field: &'static str, index: usize) -> Self {
        self.field = Some(field);
        self.index = Some(index);
        self
    }

    /// The file at fault, when the fault is in a file.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    /// The code of the `[[nation]]` entry at fault.
    pub fn nation_code(&self) -> Option<&str> {
        self.nation.as_deref()
    }

    /// The field at fault (`format`, `anchors`, `crls`, `authorisation`...) and, for a
    /// list, the index in it.
    pub fn field_name(&self) -> Option<(&'static str, Option<usize>)> {
        self.field.map(|f| (f, self.index))
    }
}

impl std::fmt::Display for BundlePlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        match (&self.nation, self.field, self.index) {
            (None, None, _) => f.write_str("bundle"),
            (None, Some(field), _) => f.write_str(field),
            (Some(code), None, _) => write!(f, "nation {code}"),
            (Some(code), Some(field), None) => write!(f, "nation {code}, {field}"),
            (Some(code), Some(field), Some(i)) => write!(f, "nation {code}, {field}[{i}]"),
        }
    }
}

/// What was wrong with a trust bundle or a file it names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleFault {
    /// The file could not be opened or read, or the host could not give it.
    #[error("{0}")]
    Unreadable(String),
    /// The file is larger than a bundle file may be.
    #[error("larger than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The bundle is not UTF-8 text.
    #[error("not UTF-8")]
    NotUtf8,
    /// The bundle is not TOML of the bundle's shape (the TOML reader's message).
    #[error("{0}")]
    Syntax(String),
    /// The bundle's `format` is not the one this reader knows.
    #[error(
        "format {found} is not {}, the one this reader knows",
        crate::BUNDLE_FORMAT
    )]
    Format {
        /// The format the bundle names.
        found: u32,
    },
    /// The bundle has no `[[nation]]`.
    #[error("no [[nation]]")]
    NoNation,
    /// A nation's code is neither ISO 3166-1 alpha-3 nor an organisation code.
    #[error("code must be ISO 3166-1 alpha-3 or an organisation code (A-Z, 0-9, -)")]
    BadCode,
    /// The same nation code twice.
    #[error("appears twice")]
    Duplicate,
    /// A `country` that is not ISO 3166-1 alpha-2.
    #[error("country {0:?} is not ISO 3166-1 alpha-2")]
    BadCountry(String),
    /// A nation without a trust anchor.
    #[error("no trust anchor")]
    NoAnchor,
    /// A `revocation` setting the reader does not know.
    #[error("revocation {0:?} is neither \"required\" nor \"best-effort\"")]
    BadRevocation(String),
    /// An authorisation without a policy or without classifications.
    #[error("needs a policy and at least one classification")]
    IncompleteAuthorisation,
    /// A path as written leaves the bundle's directory (absolute, or with `..`).
    #[error(
        "{0:?} leaves the bundle's directory (absolute or with ..); allow_outside = true permits it"
    )]
    Escapes(String),
    /// A path that resolves, through symbolic links, outside the bundle's directory.
    #[error(
        "resolves to {}, outside the bundle's directory (allow_outside = true permits it)",
        .0.display()
    )]
    Outside(PathBuf),
    /// A file that is neither PEM with the expected label nor DER.
    #[error("neither PEM ({0}) nor DER")]
    NotPemOrDer(&'static str),
    /// PEM armour that does not decode.
    #[error("{0}")]
    Pem(pouch_crypto::Error),
    /// PEM without a block of the expected label.
    #[error("no PEM block labelled {0}")]
    NoPemBlock(&'static str),
    /// A certificate or CRL of the bundle that does not parse (what was wrong with it).
    #[error("{0}")]
    Malformed(&'static str),
    /// A certificate or CRL that the path builder (webpki) refuses, with its reason.
    #[error("{0}")]
    Refused(String),
}

impl Error {
    /// Where in a trust bundle the fault lies, for a bundle fault.
    pub fn place(&self) -> Option<&BundlePlace> {
        match self {
            Error::Bundle { place, .. } => Some(&**place),
            _ => None,
        }
    }

    /// What was wrong with the trust bundle, for a bundle fault.
    pub fn fault(&self) -> Option<&BundleFault> {
        match self {
            Error::Bundle { fault, .. } => Some(&**fault),
            _ => None,
        }
    }
}
