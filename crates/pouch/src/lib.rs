#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

/// Builder methods that set an optional field of an options struct:
/// `name(mut self, value) -> Self` stores `Some(value)` in the field of the same name.
macro_rules! option_setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = Some(value);
            self
        }
    )*};
}

mod encrypt;
mod error;
mod exit;
mod inspect;
mod options;
mod report;
mod signer;
mod verify;

pub use encrypt::{
    CiphertextOut, EncryptionGate, Opened, RecipientCert, Refusal, nation_of, open, seal_encrypted,
};
pub use error::Error;
pub use exit::{Signers, Verdict};
pub use inspect::inspect;
pub use options::{ParseError, parse_time};
pub use pouch_encrypt as encryption;
pub use pouch_status::ExitClass;
pub use report::{Entry, LabelRef, LabelReport, ReleaseReport, Report, SealReport, report_schema};
pub use signer::{SealOptions, Signer};
pub use verify::{SealPolicy, TrustStore, Verifier, VerifierBuilder};

// What a vendor needs beside the pipeline, so that it adds this crate (and a provider) alone.
pub use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm};
pub use pouch_label::{DateTime, Label};
pub use pouch_policy::{Clearance, Policy, Recipient};
pub use pouch_trust::TrustBundle;

/// Loads a trust bundle file (TOML, spec/04-trust.md §4.7), reading the anchors,
/// intermediates and CRLs it names relative to it.
pub fn load_bundle(path: impl AsRef<std::path::Path>) -> Result<TrustBundle, Error> {
    Ok(pouch_trust::load_bundle(path.as_ref())?)
}

/// Loads a security policy (Open XML SPIF 2.1) from a file, within the default limits.
pub fn load_policy(path: impl AsRef<std::path::Path>) -> Result<Policy, Error> {
    let path = path.as_ref();
    let limits = pouch_policy::Limits::default();
    let mut text = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, limits.max_bytes as u64 + 1),
                &mut text,
            )
        })
        .map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok(Policy::load(&text, &limits)?)
}

/// Decodes a label from its JSON form (spec/02-label.md), within the default limits.
pub fn label_from_json(json: &[u8]) -> Result<Label, Error> {
    Ok(Label::from_json(json, &pouch_label::Limits::default())?)
}

// The envelope format.
pub use pouch_envelope as envelope;
pub use pouch_envelope::{
    COSE_SIGN_TAG, CertNames, Content, ContentType, Envelope, EnvelopeHeader, FORMAT_VERSION,
    Fault, LeafInfo, Limits, POUCH_PARAM, Payload, ReleaseApproval, Role, Seal, SealHeader,
    SealRequest, cert_names, digest_reader, endorse, leaf_info, seal, sig_structure,
    sig_structure_head,
};

/// The repository README's examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RootReadme;
