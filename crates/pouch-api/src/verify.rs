//! [`VerifyContext`]: the string-option face of [`pouch::Verifier`] for the bindings; every
//! stage is `pouch`'s, this only parses options and rebuilds the verifier when one changes.

use std::collections::HashMap;

use pouch::{Algorithm, Limits, Report, SealPolicy, TrustStore, Verifier};
use pouch_crypto::CryptoProvider;
use pouch_policy::{Clearance, Recipient};
use pouch_trust::TrustBundle;

use crate::{ApiError, Policy, provider};

/// The owned settings of a context, from which its verifier is built.
#[derive(Clone)]
struct Settings {
    provider: &'static CryptoProvider,
    trust: Option<TrustStore>,
    seal_policy: SealPolicy,
    at: Option<pouch_label::DateTime>,
    policies: Vec<Policy>,
    recipient: Option<Recipient>,
    allowed: Option<Vec<Algorithm>>,
    require_current_validity: bool,
    max_chain: Option<usize>,
}

/// The verifier of `s`, or why it cannot be made: the one failure left once trust is chosen
/// is a recipient without a trust bundle (spec/05-policy.md POUCH-POL-085), which the
/// setters report instead of dropping the recipient.
fn build(s: &Settings) -> Result<Verifier, ApiError> {
    let mut b = Verifier::builder(s.provider)
        .seal_policy(s.seal_policy.clone())
        .policies(s.policies.iter().map(Policy::shared));
    b = match &s.trust {
        Some(t) => b.trust_store(t.clone()),
        None => b.without_trust(),
    };
    if let Some(at) = s.at {
        b = b.at(at);
    }
    if let Some(r) = &s.recipient {
        b = b.recipient(r.clone());
    }
    if let Some(a) = &s.allowed {
        b = b.allowed(a.iter().copied());
    }
    if let Some(n) = s.max_chain {
        b = b.limits(Limits {
            max_chain_len: n,
            ..Limits::default()
        });
    }
    Ok(b.require_current_validity(s.require_current_validity)
        .build()?)
}

/// What a verification needs, owned and lifetime-free: the crypto provider, the trust
/// bundle, the seal policy, the verification time, security policies, and the recipient
/// with a clearance. Each setter replaces one setting; [`VerifyContext::verify`] may then be
/// called any number of times, from any thread, and reuses the chain validator's and
/// verifier's caches across calls.
pub struct VerifyContext {
    settings: Settings,
    verifier: Verifier,
}

impl core::fmt::Debug for VerifyContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let s = &self.settings;
        f.debug_struct("VerifyContext")
            .field("provider", &s.provider.name)
            .field("trust", &s.trust.is_some())
            .field("seal_policy", &s.seal_policy)
            .field("at", &s.at)
            .field("policies", &s.policies.len())
            .field("recipient", &s.recipient.as_ref().map(|r| &r.code))
            .field("allowed", &s.allowed)
            .field("require_current_validity", &s.require_current_validity)
            .field("max_chain", &s.max_chain)
            .finish()
    }
}

impl VerifyContext {
    /// A context with the named provider (`aws-lc` or `rustcrypto`; `None` is the default
    /// provider, see [`crate::default_provider_name`]), no trust bundle, the seal policy
    /// `all`, the system clock, no security policy and no recipient.
    pub fn new(provider_name: Option<&str>) -> Result<Self, ApiError> {
        let settings = Settings {
            provider: provider(provider_name)?,
            trust: None,
            seal_policy: SealPolicy::AllValid,
            at: None,
            policies: Vec::new(),
            recipient: None,
            allowed: None,
            require_current_validity: false,
            max_chain: None,
        };
        Ok(Self {
            verifier: build(&settings)?,
            settings,
        })
    }

    /// Applies `change` and rebuilds the verifier; when the new settings make no verifier
    /// (a recipient without a trust bundle), nothing changes and the reason is returned.
    fn update(&mut self, change: impl FnOnce(&mut Settings)) -> Result<(), ApiError> {
        let mut settings = self.settings.clone();
        change(&mut settings);
        self.verifier = build(&settings)?;
        self.settings = settings;
        Ok(())
    }

    /// Sets the trust bundle: its TOML text, and the bytes of each file it names (PEM or
    /// DER, by the path written in the bundle). Nothing is read from a filesystem.
    pub fn set_trust(
        &mut self,
        bundle_toml: &str,
        files: &HashMap<String, Vec<u8>>,
    ) -> Result<(), ApiError> {
        self.set_trust_with(bundle_toml, |name| {
            files
                .get(name)
                .cloned()
                .ok_or_else(|| format!("the bundle names {name}, which was not given"))
        })
    }

    /// Sets the trust bundle from its TOML text, asking `resolve` for the bytes of each file
    /// it names (by the path written in the bundle), or why it cannot give them: for hosts
    /// that read only the files a bundle names (a conformance adapter, spec/07-conformance.md
    /// POUCH-CNF-010) without parsing the bundle themselves.
    pub fn set_trust_with(
        &mut self,
        bundle_toml: &str,
        resolve: impl FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<(), ApiError> {
        let bundle = pouch_trust::parse_bundle_with(bundle_toml, "bundle.toml", resolve)?;
        self.set_bundle(bundle)
    }

    /// Sets the trust bundle from a file, reading the files it names relative to it (for
    /// native hosts; [`VerifyContext::set_trust`] needs no filesystem).
    pub fn set_trust_file(&mut self, path: &std::path::Path) -> Result<(), ApiError> {
        let bundle = pouch_trust::load_bundle(path)?;
        self.set_bundle(bundle)
    }

    fn set_bundle(&mut self, bundle: TrustBundle) -> Result<(), ApiError> {
        let store = TrustStore::new(self.settings.provider, bundle)?;
        self.update(|s| s.trust = Some(store))
    }

    /// Removes the trust bundle: the trust stage no longer runs. An argument error while a
    /// recipient is set (remove it first): a release decision needs trusted seals
    /// (spec/05-policy.md POUCH-POL-085), and dropping the recipient quietly would make
    /// the next report say nothing about release.
    pub fn clear_trust(&mut self) -> Result<(), ApiError> {
        if self.settings.recipient.is_some() {
            return Err(ApiError::argument(
                "a recipient is set, and a release decision needs a trust bundle: remove the recipient first (POUCH-POL-085)",
            ));
        }
        self.update(|s| s.trust = None)
    }

    /// Sets the seal policy: `all`, `hybrid` or `nations:T:A,B,...`.
    pub fn set_seal_policy(&mut self, policy: &str) -> Result<(), ApiError> {
        let p: SealPolicy = policy.parse()?;
        self.update(|s| s.seal_policy = p)
    }

    /// Sets the verification time (RFC 3339, e.g. `2026-11-28T11:00:00Z`); `None` is the
    /// system clock at each call. WebAssembly hosts without a clock must set it.
    pub fn set_at(&mut self, at: Option<&str>) -> Result<(), ApiError> {
        let at = at.map(crate::parse_time).transpose()?;
        self.update(|s| s.at = at)
    }

    /// Adds a security policy: the policy stage then runs for every label of the envelope.
    pub fn add_policy(&mut self, policy: &Policy) {
        let p = policy.clone();
        // Adding a policy changes nothing that can make the build fail: the settings were
        // buildable before. Should that ever change, the policy is not added.
        let _ = self.update(|s| s.policies.push(p));
    }

    /// Sets the recipient (nation or organisation code) and, optionally, its clearance
    /// (JSON, spec/05-policy.md §5.7.1): the release stage then runs. `None` removes it.
    /// An argument error when no trust bundle is set: set it first (spec/05-policy.md
    /// POUCH-POL-085, a release decision is made only for trusted seals).
    pub fn set_recipient(
        &mut self,
        recipient: Option<&str>,
        clearance_json: Option<&[u8]>,
    ) -> Result<(), ApiError> {
        let r = match recipient {
            None if clearance_json.is_some() => {
                return Err(ApiError::argument("a clearance needs a recipient"));
            }
            None => None,
            Some(code) if code.trim().is_empty() => {
                return Err(ApiError::argument("the recipient code is empty"));
            }
            Some(code) => {
                let mut r = Recipient::new(code);
                if let Some(c) = clearance_json {
                    r.clearance = Some(Clearance::from_json(c)?);
                }
                if self.settings.trust.is_none() {
                    return Err(ApiError::argument(
                        "a recipient needs a trust bundle: set the trust bundle first (POUCH-POL-085)",
                    ));
                }
                Some(r)
            }
        };
        self.update(|s| s.recipient = r)
    }

    /// Sets the trust bundle from one already loaded (shared with [`crate::seal_encrypted`]).
    pub fn set_trust_bundle(&mut self, bundle: &crate::TrustBundle) -> Result<(), ApiError> {
        self.set_bundle(bundle.inner().clone())
    }

    /// Accepts only these signature algorithms (comma-separated registry names, e.g.
    /// `ES384,ML-DSA-65`): a seal of another is `seal.alg-not-allowed`. `None` accepts every
    /// algorithm the provider implements (the default).
    pub fn set_allowed_algs(&mut self, algs: Option<&str>) -> Result<(), ApiError> {
        let allowed = algs
            .map(|list| {
                list.split(',')
                    .map(|a| {
                        a.trim()
                            .parse::<Algorithm>()
                            .map_err(|e| ApiError::argument(e.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        self.update(|s| s.allowed = allowed)
    }

    /// Requires every certificate of a signer's path to be valid at the verification time
    /// too, not only at the signing time (spec/04-trust.md POUCH-TRUST-022): a path expired
    /// since is `trust.current-validity-required`.
    pub fn set_require_current_validity(&mut self, require: bool) -> Result<(), ApiError> {
        self.update(|s| s.require_current_validity = require)
    }

    /// Sets the decoder's limit of certificates in one `x5chain` (spec/03-envelope.md §3.9);
    /// `None` is the default limit. Zero is an argument error.
    pub fn set_max_chain(&mut self, max: Option<usize>) -> Result<(), ApiError> {
        if max == Some(0) {
            return Err(ApiError::argument("the chain limit must be at least 1"));
        }
        self.update(|s| s.max_chain = max)
    }

    /// The trust store, when a bundle is set.
    pub(crate) fn trust_store(&self) -> Option<&TrustStore> {
        self.settings.trust.as_ref()
    }

    /// The verification time set, if any.
    pub(crate) fn at(&self) -> Option<pouch_label::DateTime> {
        self.settings.at
    }

    /// The provider's name (`aws-lc-rs` or `RustCrypto`).
    pub fn provider_name(&self) -> &'static str {
        self.settings.provider.name
    }

    /// Verifies `envelope`; `detached` is the record when the payload is detached (without
    /// it, the payload is not checked). Never fails: everything found is in the report.
    pub fn verify(&self, envelope: &[u8], detached: Option<&[u8]>) -> Report {
        match detached {
            Some(mut record) => self.verifier.verify(envelope, Some(&mut record)),
            None => self.verifier.verify(envelope, None),
        }
    }

    /// As [`VerifyContext::verify`], streaming a detached record from `record` in bounded
    /// memory.
    pub fn verify_reader(&self, envelope: &[u8], record: &mut dyn std::io::Read) -> Report {
        self.verifier.verify(envelope, Some(record))
    }

    /// The verifier this context holds.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

/// Parses `all`, `hybrid`, or `nations:T:A,B,...` (the one parser, [`SealPolicy`]'s
/// `FromStr`).
pub fn parse_seal_policy(s: &str) -> Result<SealPolicy, ApiError> {
    Ok(s.parse()?)
}
