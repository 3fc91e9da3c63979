//! The exit class of a report (spec/07-conformance.md §7.4, docs/cli.md): one number shared
//! by `pouch verify`, the conformance adapters and every binding, so none can diverge. The
//! numbers and the stage order are [`ExitClass`]'s; this module only says which of the
//! report's lists belongs to which stage.

use pouch_status::ExitClass;

use crate::{Entry, Report};

/// No stage that ran has an error (warnings allowed).
pub const EXIT_VALID: u8 = ExitClass::Valid.code();
/// The envelope does not decode (`envelope.*` errors).
pub const EXIT_MALFORMED: u8 = ExitClass::Malformed.code();
/// A label is not valid under its policy (policy stage).
pub const EXIT_LABEL_INVALID: u8 = ExitClass::LabelInvalid.code();
/// Release to the recipient is denied (release stage).
pub const EXIT_RELEASE_DENIED: u8 = ExitClass::ReleaseDenied.code();
/// A seal's header, algorithm, key or signature failed.
pub const EXIT_SIGNATURE: u8 = ExitClass::Seal.code();
/// The detached record does not match its sealed digest.
pub const EXIT_PAYLOAD: u8 = ExitClass::Payload.code();
/// The valid seals do not satisfy the seal policy.
pub const EXIT_SEAL_POLICY: u8 = ExitClass::SealPolicy.code();
/// A signer is not trusted or not authorised (trust stage).
pub const EXIT_UNTRUSTED: u8 = ExitClass::Trust.code();

fn has_error<'a>(entries: impl Iterator<Item = &'a Entry>) -> bool {
    ExitClass::has_error(entries.map(|e| &e.code))
}

impl Report {
    /// The exit class: the first stage, in pipeline order (decode, seals, payload, trust,
    /// seal policy, label policy, release), whose codes include an error.
    pub fn class(&self) -> ExitClass {
        ExitClass::first_failing(|stage| match stage {
            ExitClass::Malformed => has_error(self.envelope.iter()),
            ExitClass::Seal => has_error(self.seals.iter().flat_map(|s| &s.codes)),
            ExitClass::Payload => has_error(self.payload.iter()),
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
}
