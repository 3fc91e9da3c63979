//! `ApiError` → Python exceptions: a base `PouchError` carrying the stable `.code`, and one
//! subclass per error class, so callers catch what they can handle.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use pouch_api::{ApiError, class};

create_exception!(
    pouch,
    PouchError,
    PyException,
    "Every error Pouch raises. `code` is a registry status code (`label.malformed`, \
     `envelope.malformed`, `seal.signature-invalid`...) or a stable class (`argument`, \
     `key`...); `message` says what was wrong, and where."
);
create_exception!(
    pouch,
    ArgumentError,
    PouchError,
    "An argument is not one the function accepts (code `argument`)."
);
create_exception!(
    pouch,
    PrivateKeyError,
    PouchError,
    "The private key is not PKCS#8 of an algorithm the provider implements (code `key`)."
);
create_exception!(
    pouch,
    CertificateError,
    PouchError,
    "The certificate chain is not PEM certificates or one DER certificate (code `certificate`)."
);
create_exception!(
    pouch,
    TrustBundleError,
    PouchError,
    "The trust bundle does not load (code `trust-bundle`)."
);
create_exception!(
    pouch,
    SpifError,
    PouchError,
    "The security policy (SPIF) does not load (code `spif`)."
);
create_exception!(
    pouch,
    ClearanceError,
    PouchError,
    "The clearance (JSON) does not load (code `clearance`)."
);
create_exception!(
    pouch,
    LabelPolicyError,
    PouchError,
    "The label cannot be rendered, or is not resolved, under the policy (code `label-policy`)."
);
create_exception!(
    pouch,
    CryptoError,
    PouchError,
    "The crypto backend failed, e.g. no randomness (code `crypto`)."
);
create_exception!(
    pouch,
    InternalError,
    PouchError,
    "A bug, never an input's fault (code `internal`)."
);
create_exception!(
    pouch,
    LabelError,
    PouchError,
    "The label does not decode (code `label.*`, e.g. `label.malformed`)."
);
create_exception!(
    pouch,
    EnvelopeError,
    PouchError,
    "The envelope does not decode (code `envelope.*`, e.g. `envelope.malformed`)."
);
create_exception!(
    pouch,
    SealError,
    PouchError,
    "A seal of the envelope is wrong (code `seal.*`, e.g. `seal.signature-invalid`)."
);

create_exception!(
    pouch,
    PayloadError,
    PouchError,
    "The detached record does not match its sealed digest (code `payload.*`)."
);
create_exception!(
    pouch,
    TrustError,
    PouchError,
    "A certificate is not trusted under the trust bundle (code `trust.*`, exit class 13)."
);
create_exception!(
    pouch,
    ReleaseDeniedError,
    PouchError,
    "The policy denies release to a nation (code `release.*`, exit class 6), e.g. a \
     recipient `seal_encrypted` would encrypt to."
);
create_exception!(
    pouch,
    DecryptError,
    PouchError,
    "An encrypted envelope does not decrypt (code `decrypt.*`, exit class 11)."
);

/// The exception for `e`, with `code`, `message` and `exit_class` set as attributes.
pub(crate) fn to_py(py: Python<'_>, e: ApiError) -> PyErr {
    let text = e.to_string();
    let err = match e.code {
        class::ARGUMENT => ArgumentError::new_err(text),
        class::KEY => PrivateKeyError::new_err(text),
        class::CERTIFICATE => CertificateError::new_err(text),
        class::TRUST_BUNDLE => TrustBundleError::new_err(text),
        class::SPIF => SpifError::new_err(text),
        class::CLEARANCE => ClearanceError::new_err(text),
        class::LABEL_POLICY => LabelPolicyError::new_err(text),
        class::CRYPTO => CryptoError::new_err(text),
        class::INTERNAL => InternalError::new_err(text),
        c if c.starts_with("label.") => LabelError::new_err(text),
        c if c.starts_with("envelope.") => EnvelopeError::new_err(text),
        c if c.starts_with("seal.") => SealError::new_err(text),
        c if c.starts_with("payload.") => PayloadError::new_err(text),
        c if c.starts_with("trust.") => TrustError::new_err(text),
        c if c.starts_with("release.") => ReleaseDeniedError::new_err(text),
        c if c.starts_with("decrypt.") => DecryptError::new_err(text),
        _ => PouchError::new_err(text),
    };
    let value = err.value(py);
    // Setting an attribute on a fresh exception instance cannot fail in practice; if it
    // did, the exception still says the code in its text.
    let _ = value.setattr("code", e.code);
    let _ = value.setattr("exit_class", e.exit_class());
    let _ = value.setattr("message", e.message);
    err
}

/// Registers the exception classes on the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PouchError", py.get_type::<PouchError>())?;
    m.add("ArgumentError", py.get_type::<ArgumentError>())?;
    m.add("PrivateKeyError", py.get_type::<PrivateKeyError>())?;
    m.add("CertificateError", py.get_type::<CertificateError>())?;
    m.add("TrustBundleError", py.get_type::<TrustBundleError>())?;
    m.add("SpifError", py.get_type::<SpifError>())?;
    m.add("ClearanceError", py.get_type::<ClearanceError>())?;
    m.add("LabelPolicyError", py.get_type::<LabelPolicyError>())?;
    m.add("CryptoError", py.get_type::<CryptoError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add("LabelError", py.get_type::<LabelError>())?;
    m.add("EnvelopeError", py.get_type::<EnvelopeError>())?;
    m.add("SealError", py.get_type::<SealError>())?;
    m.add("PayloadError", py.get_type::<PayloadError>())?;
    m.add("TrustError", py.get_type::<TrustError>())?;
    m.add("ReleaseDeniedError", py.get_type::<ReleaseDeniedError>())?;
    m.add("DecryptError", py.get_type::<DecryptError>())?;
    Ok(())
}
