//! The exit class of a report (spec/07-conformance.md §7.4, docs/cli.md): one number shared
//! by `pouch verify`, the conformance adapters and every binding, so none can diverge. The
//! numbers and the stage order are [`ExitClass`]'s; this module only says which of the
//! report's lists belongs to which stage.

use pouch_status::ExitClass;

use crate::{Entry, Report};

fn has_error<'a>(entries: impl Iterator<Item = &'a Entry>) -> bool {
    ExitClass::has_error(entries.map(|e| &e.code))
}

impl Report {
    /// The exit class: the first stage, in pipeline order (decode, seals, payload, trust,
    /// seal policy, label policy, release), whose codes include an error. The decrypt
    /// stage's errors have the payload class (spec/10-encryption.md §10.9); decryption is
    /// attempted only when every other stage passed, so they decide the class only then.
    pub fn class(&self) -> ExitClass {
        ExitClass::first_failing(|stage| match stage {
            ExitClass::Malformed => has_error(self.envelope.iter()),
            ExitClass::Seal => has_error(self.seals.iter().flat_map(|s| &s.codes)),
            ExitClass::Payload => {
                has_error(self.payload.iter().chain(self.decrypt.iter().flatten()))
            }
            ExitClass::Trust => has_error(self.seals.iter().flat_map(|s| &s.trust)),
            ExitClass::SealPolicy => has_error(self.seal_policy.iter()),
            ExitClass::LabelInvalid => has_error(self.policy.iter().flat_map(|l| &l.codes)),
            ExitClass::ReleaseDenied => self.releasable() == Some(false),
            _ => false,
        })
    }

    /// The exit status of [`Report::class`].
    pub fn exit_class(&self) -> u8 {
        self.class().code()
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
            exit: self.class(),
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
