//! The exit class of a report (spec/07-conformance.md §7.4, docs/cli.md): one number shared
//! by `pouch verify`, the conformance adapters and every binding, so none can diverge.

use pouch_status::Severity;

use crate::{Entry, Report};

/// No stage that ran has an error (warnings allowed).
pub const EXIT_VALID: u8 = 0;
/// The envelope does not decode (`envelope.*` errors).
pub const EXIT_MALFORMED: u8 = 3;
/// A label is not valid under its policy (policy stage).
pub const EXIT_LABEL_INVALID: u8 = 5;
/// Release to the recipient is denied (release stage).
pub const EXIT_RELEASE_DENIED: u8 = 6;
/// A seal's header, algorithm, key or signature failed.
pub const EXIT_SIGNATURE: u8 = 10;
/// The detached record does not match its sealed digest.
pub const EXIT_PAYLOAD: u8 = 11;
/// The valid seals do not satisfy the seal policy.
pub const EXIT_SEAL_POLICY: u8 = 12;
/// A signer is not trusted or not authorised (trust stage).
pub const EXIT_UNTRUSTED: u8 = 13;

fn has_error<'a>(mut entries: impl Iterator<Item = &'a Entry>) -> bool {
    entries.any(|e| e.code.severity() == Severity::Error)
}

impl Report {
    /// The exit class: the first stage, in pipeline order (decode, seals, payload, trust,
    /// seal policy, label policy, release), whose codes include an error.
    pub fn exit_class(&self) -> u8 {
        if has_error(self.envelope.iter()) {
            EXIT_MALFORMED
        } else if has_error(self.seals.iter().flat_map(|s| &s.codes)) {
            EXIT_SIGNATURE
        } else if has_error(self.payload.iter()) {
            EXIT_PAYLOAD
        } else if has_error(self.seals.iter().flat_map(|s| &s.trust)) {
            EXIT_UNTRUSTED
        } else if has_error(self.seal_policy.iter()) {
            EXIT_SEAL_POLICY
        } else if has_error(self.policy.iter().flat_map(|l| &l.codes)) {
            EXIT_LABEL_INVALID
        } else if self.releasable() == Some(false) {
            EXIT_RELEASE_DENIED
        } else {
            EXIT_VALID
        }
    }
}
