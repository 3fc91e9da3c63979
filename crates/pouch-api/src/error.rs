//! The one error type of the API, and its stable classes.

use core::fmt;

/// The stable error classes of [`ApiError::code`] that are not registry status codes. A
/// registry code always contains a dot (`label.malformed`); a class never does.
pub mod class {
    /// An argument is not one the function accepts (a provider, form, role, time, seal
    /// policy or digest name, or an empty required value).
    pub const ARGUMENT: &str = "argument";
    /// The private key is not PKCS#8 (PEM or DER) of an algorithm the provider implements.
    pub const KEY: &str = "key";
    /// The certificate chain is not PEM certificates (leaf first) or one DER certificate.
    pub const CERTIFICATE: &str = "certificate";
    /// The trust bundle does not load (its text, a file it names, or a certificate or CRL
    /// in it).
    pub const TRUST_BUNDLE: &str = "trust-bundle";
    /// The security policy (SPIF) does not load.
    pub const SPIF: &str = "spif";
    /// The clearance (JSON) does not load.
    pub const CLEARANCE: &str = "clearance";
    /// The label cannot be rendered, or is not resolved, under the policy given.
    pub const LABEL_POLICY: &str = "label-policy";
    /// The crypto backend failed (e.g. no randomness), or reading a record failed.
    pub const CRYPTO: &str = "crypto";
    /// A panic was caught at a binding's boundary: a bug, never an input's fault.
    pub const INTERNAL: &str = "internal";
}

/// Why a call failed: a registry status-code id (`label.malformed`, `envelope.malformed`,
/// `seal.signature-invalid`...) or one of the stable [`class`]es, and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The status-code id or error class; stable across releases and bindings.
    pub code: &'static str,
    /// What was wrong, and where.
    pub message: String,
}

impl ApiError {
    /// An error of `code` with `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn argument(message: impl Into<String>) -> Self {
        Self::new(class::ARGUMENT, message)
    }
}

impl ApiError {
    /// The exit class this error has (spec/07-conformance.md §7.4, `pouch`'s exit codes):
    /// a registry code's stage decides it (`release.*` 6, `trust.*` 13, `decrypt.*` 11,
    /// `label.*` and `envelope.*` 3...); `argument` is 2, the classes of inputs that do not
    /// load are 3, `crypto` is 4. `None` for `internal`, which is a bug and no verdict.
    pub fn exit_class(&self) -> Option<u8> {
        use pouch_status::ExitClass;
        let c = match self.code {
            class::ARGUMENT => ExitClass::Usage,
            class::KEY
            | class::CERTIFICATE
            | class::TRUST_BUNDLE
            | class::SPIF
            | class::CLEARANCE
            | class::LABEL_POLICY => ExitClass::Malformed,
            class::CRYPTO => ExitClass::Io,
            class::INTERNAL => return None,
            code => {
                let status = pouch_status::StatusCode::from_id(code)?;
                // A label that is the input and does not decode is malformed input.
                ExitClass::of_stage(status.stage()).unwrap_or(ExitClass::Malformed)
            }
        };
        Some(c.code())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<pouch_label::Error> for ApiError {
    fn from(e: pouch_label::Error) -> Self {
        Self::new(pouch_status::LABEL_MALFORMED.id(), e.to_string())
    }
}

impl From<pouch::Fault> for ApiError {
    fn from(f: pouch::Fault) -> Self {
        Self::new(f.code.id(), f.detail)
    }
}

/// The policy crate's one error: the class follows the input at fault, which its place says.
impl From<pouch_policy::Error> for ApiError {
    fn from(e: pouch_policy::Error) -> Self {
        let class = match e.place() {
            pouch_policy::Place::Json(_) => class::CLEARANCE,
            pouch_policy::Place::Label => class::LABEL_POLICY,
            _ => class::SPIF,
        };
        Self::new(class, e.to_string())
    }
}

impl From<pouch_trust::Error> for ApiError {
    fn from(e: pouch_trust::Error) -> Self {
        Self::new(class::TRUST_BUNDLE, e.to_string())
    }
}

impl From<pouch::envelope::Error> for ApiError {
    fn from(e: pouch::envelope::Error) -> Self {
        use pouch::envelope::Error as E;
        match e {
            E::Malformed(f) => f.into(),
            E::NoCertificate => Self::new(class::CERTIFICATE, e.to_string()),
            E::TooManySeals(_) => {
                Self::new(pouch_status::ENVELOPE_LIMIT_EXCEEDED.id(), e.to_string())
            }
            other => Self::new(class::CRYPTO, other.to_string()),
        }
    }
}

impl From<pouch::encryption::Error> for ApiError {
    fn from(e: pouch::encryption::Error) -> Self {
        use pouch::encryption::{DecryptError, Error as E};
        match e {
            E::BadKey(_) => Self::new(class::KEY, e.to_string()),
            E::Envelope(e) => e.into(),
            E::Decrypt(DecryptError::Status { code, detail }) => Self::new(code.id(), detail),
            E::Invalid(_) => Self::argument(e.to_string()),
            E::TooLarge => Self::new(pouch_status::ENVELOPE_LIMIT_EXCEEDED.id(), e.to_string()),
            E::Internal(_) => Self::new(class::INTERNAL, e.to_string()),
            other => Self::new(class::CRYPTO, other.to_string()),
        }
    }
}

impl From<pouch::ParseError> for ApiError {
    fn from(e: pouch::ParseError) -> Self {
        Self::argument(e.to_string())
    }
}

impl From<pouch::Error> for ApiError {
    fn from(e: pouch::Error) -> Self {
        match e {
            pouch::Error::Trust(e) => e.into(),
            pouch::Error::Parse(e) => e.into(),
            pouch::Error::Envelope(e) => e.into(),
            pouch::Error::Key(_) => Self::new(class::KEY, e.to_string()),
            pouch::Error::Certificate(_) => Self::new(class::CERTIFICATE, e.to_string()),
            pouch::Error::TooLarge { .. } => {
                Self::new(pouch_status::ENVELOPE_LIMIT_EXCEEDED.id(), e.to_string())
            }
            pouch::Error::Refused(r) => crate::encrypt::refused(&r),
            pouch::Error::Encrypt(e) => e.into(),
            other => Self::argument(other.to_string()),
        }
    }
}
