//! The report's exit class (spec/07-conformance.md §7.4, docs/cli.md) and its verdict: one
//! rule shared by `pouch verify`, the conformance adapters and every binding, so none can
//! diverge. The classes themselves are `pouch_status::ExitClass`.

use pouch_status::{ExitClass, Severity};

use crate::{Entry, Report};

fn has_error<'a>(mut entries: impl Iterator<Item = &'a Entry>) -> bool {
    entries.any(|e| e.code.severity() == Severity::Error)
}

impl Report {
    /// The exit class: the first stage, in pipeline order (decode, seals, payload, trust,
    /// seal policy, label policy, release), whose codes include an error.
    pub fn exit_class(&self) -> ExitClass {
        if has_error(self.envelope.iter()) {
            ExitClass::Malformed
        } else if has_error(self.seals.iter().flat_map(|s| &s.codes)) {
            ExitClass::Seal
        } else if has_error(self.payload.iter()) {
            ExitClass::Payload
        } else if has_error(self.seals.iter().flat_map(|s| &s.trust)) {
            ExitClass::Trust
        } else if has_error(self.seal_policy.iter()) {
            ExitClass::SealPolicy
        } else if has_error(self.policy.iter().flat_map(|l| &l.codes)) {
            ExitClass::LabelInvalid
        } else if self.releasable() == Some(false) {
            ExitClass::ReleaseDenied
        } else {
            ExitClass::Valid
        }
    }

    /// The report in a few answers, kept apart: intact, signed by whom, label, release.
    pub fn verdict(&self) -> Verdict {
        let signers = if !self.trust_checked {
            Signers::NotChecked
        } else if self.signers_trusted() {
            Signers::Trusted
        } else {
            Signers::Untrusted
        };
        Verdict {
            exit: self.exit_class(),
            signatures_valid: self.signatures_valid(),
            signers,
            seal_policy_satisfied: !has_error(self.seal_policy.iter()),
            label_valid: self.label_valid(),
            releasable: self.releasable(),
        }
    }
}

/// Whether the sealing parties were checked against a trust bundle, and found trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Signers {
    /// Every seal's signer chains to an anchor of the bundle and is authorised.
    Trusted,
    /// Some signer is not trusted or not authorised (or no seal could be checked).
    Untrusted,
    /// The verifier was built without a trust bundle: nobody checked who sealed.
    NotChecked,
}

/// The answers a caller acts on, each separate: a valid signature by a signer nobody trusts
/// is `signatures_valid` with `signers` [`Signers::Untrusted`] or [`Signers::NotChecked`],
/// never "valid".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Verdict {
    /// The exit class: the first failing stage, or [`ExitClass::Valid`].
    pub exit: ExitClass,
    /// Well-formed, every seal's signature valid, payload intact.
    pub signatures_valid: bool,
    /// Who sealed, as far as the trust stage could tell.
    pub signers: Signers,
    /// The seal policy is satisfied.
    pub seal_policy_satisfied: bool,
    /// The originator label under its policy; `None` when no policy given is the label's.
    pub label_valid: Option<bool>,
    /// Release to the recipient; `None` when no recipient was given.
    pub releasable: Option<bool>,
}

impl Verdict {
    /// Everything that ran passed, and the signers were checked and trusted: the envelope
    /// may be relied on (and released, when a recipient was given).
    pub fn accepted(&self) -> bool {
        self.exit == ExitClass::Valid && self.signers == Signers::Trusted
    }
}
