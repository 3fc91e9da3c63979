#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod encrypt;
mod envelope;
mod error;
mod label;
mod verify;

use std::sync::Arc;

pub use encrypt::{
    EncryptOptions, Opened, RecipientOptions, Reopen, TrustBundle, add_recipient, file_ciphertext,
    seal_encrypted,
};
pub use envelope::{EndorseOptions, SealOptions, endorse, inspect, seal};
pub use error::{ApiError, class};
pub use label::{label_check, label_convert, label_render, policy_load, release};
pub use pouch::{Report, SealReport};
pub use verify::{VerifyContext, parse_seal_policy};

use pouch_crypto::CryptoProvider;
use pouch_label::DateTime;

/// The provider names [`VerifyContext::new`], [`SealOptions`] and [`EndorseOptions`]
/// accept, in this build.
pub fn provider_names() -> &'static [&'static str] {
    #[cfg(feature = "awslc")]
    {
        &["aws-lc", "rustcrypto"]
    }
    #[cfg(not(feature = "awslc"))]
    {
        &["rustcrypto"]
    }
}

/// The provider used when none is named: `aws-lc` when built with the `awslc` feature
/// (the default), otherwise `rustcrypto`.
pub fn default_provider_name() -> &'static str {
    provider_names().first().copied().unwrap_or("rustcrypto")
}

pub(crate) fn provider(name: Option<&str>) -> Result<&'static CryptoProvider, ApiError> {
    match name.unwrap_or(default_provider_name()) {
        #[cfg(feature = "awslc")]
        "aws-lc" | "aws-lc-rs" | "awslc" => Ok(pouch_crypto_awslc::provider()),
        "rustcrypto" | "RustCrypto" => Ok(pouch_crypto_rustcrypto::provider()),
        other => Err(ApiError::argument(format!(
            "provider {other:?}: this build has {}",
            provider_names().join(", ")
        ))),
    }
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime, ApiError> {
    DateTime::parse_canonical(s).map_err(|e| ApiError::argument(format!("time {s:?}: {e}")))
}

/// A loaded security policy (Open XML SPIF 2.1), shared cheaply: cloning it clones a handle.
#[derive(Clone, Debug)]
pub struct Policy(Arc<pouch_policy::Policy>);

impl Policy {
    pub(crate) fn inner(&self) -> &pouch_policy::Policy {
        &self.0
    }

    pub(crate) fn shared(&self) -> Arc<pouch_policy::Policy> {
        Arc::clone(&self.0)
    }

    /// The policy's name, e.g. `NATO`.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The policy's identifier (an OID).
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The warnings loading it gave (the document loaded nonetheless).
    pub fn warnings(&self) -> Vec<String> {
        self.0.warnings.iter().map(ToString::to_string).collect()
    }
}

/// The report as JSON (spec/07-conformance.md §7.5), exactly as `pouch verify --json` and
/// every conformance adapter print it, on one line.
pub fn report_json(report: &Report) -> String {
    report.to_json().to_string()
}

/// The report's exit class (spec/07-conformance.md §7.4): `pouch verify`'s exit code.
pub fn exit_class(report: &Report) -> u8 {
    report.exit_class()
}

/// The recipient algorithms (KEMs, by registry name) this build encrypts to and decrypts
/// with, whichever provider signs: `HPKE-XWING-KE`, `HPKE-1-KE`, `HPKE-MLKEM1024-KE`.
pub fn kem_names() -> Vec<&'static str> {
    pouch::encryption::RecipientAlg::ALL
        .iter()
        .map(|a| a.name())
        .collect()
}

/// The features a conformance adapter built on this API claims (spec/07-conformance.md
/// §7.3) with the named provider.
pub fn adapter_features(provider_name: Option<&str>) -> Result<Vec<String>, ApiError> {
    let p = provider(provider_name)?;
    let mut f: Vec<String> = [
        "envelope",
        "detached",
        "trust",
        "seal-policy:hybrid",
        "seal-policy:nations",
        "policy",
        "release",
        "malformed",
        "open",
        "allowed-algs",
        "current-validity",
        "max-chain",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Decryption is pouch-encrypt's (pure Rust) whichever signature provider is chosen, so
    // every build opens every recipient algorithm of spec/10-encryption.md §10.4.
    f.extend(kem_names().iter().map(|k| format!("kem:{k}")));
    f.extend(
        pouch_crypto::Algorithm::ALL
            .iter()
            .filter(|a| p.signature(**a).is_some())
            .map(|a| format!("alg:{}", a.name())),
    );
    Ok(f)
}
