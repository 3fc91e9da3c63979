//! The exit class of a verification (spec/07-conformance.md §7.4, docs/cli.md "Exit codes"):
//! the one list from which `pouch verify`, bulk mode, the vector manifests, the conformance
//! adapters, every binding and the help text take their codes.

use core::fmt;

/// How a verification ends: the first stage, in pipeline order, whose codes include an error.
/// The variants follow the pipeline (decode, seals, payload, trust, seal policy, labels under
/// their policies, release), so `Ord` says which of two failures comes first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ExitClass {
    /// No error in any stage that ran (warnings allowed).
    #[default]
    Valid,
    /// The envelope does not decode (`envelope.*` errors).
    Malformed,
    /// A seal's header, algorithm, key or signature failed (`seal.*` errors).
    Seal,
    /// The detached record does not match its sealed digest.
    Payload,
    /// A signer is not trusted or not authorised (`trust.*` errors).
    Trust,
    /// The valid seals do not satisfy the seal policy.
    SealPolicy,
    /// A label of the envelope is not valid under its security policy (`policy.*` errors).
    LabelInvalid,
    /// The release to the recipient is denied.
    ReleaseDenied,
}

impl ExitClass {
    /// Every class, in pipeline order.
    pub const ALL: [ExitClass; 8] = [
        ExitClass::Valid,
        ExitClass::Malformed,
        ExitClass::Seal,
        ExitClass::Payload,
        ExitClass::Trust,
        ExitClass::SealPolicy,
        ExitClass::LabelInvalid,
        ExitClass::ReleaseDenied,
    ];

    /// The process exit status of the class (the `pouch verify` codes of docs/cli.md).
    pub const fn code(self) -> u8 {
        match self {
            ExitClass::Valid => 0,
            ExitClass::Malformed => 3,
            ExitClass::Seal => 10,
            ExitClass::Payload => 11,
            ExitClass::Trust => 13,
            ExitClass::SealPolicy => 12,
            ExitClass::LabelInvalid => 5,
            ExitClass::ReleaseDenied => 6,
        }
    }

    /// The class of an exit status, if it is one.
    pub fn from_code(code: i32) -> Option<ExitClass> {
        Self::ALL.into_iter().find(|c| i32::from(c.code()) == code)
    }

    /// The class's name, as the vector manifests spell it.
    pub const fn name(self) -> &'static str {
        match self {
            ExitClass::Valid => "valid",
            ExitClass::Malformed => "malformed",
            ExitClass::Seal => "seal",
            ExitClass::Payload => "payload",
            ExitClass::Trust => "trust",
            ExitClass::SealPolicy => "seal-policy",
            ExitClass::LabelInvalid => "label-invalid",
            ExitClass::ReleaseDenied => "release-denied",
        }
    }

    /// The class named `name` (see [`ExitClass::name`]).
    pub fn from_name(name: &str) -> Option<ExitClass> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The stage whose error codes give this class; `None` for [`ExitClass::Valid`].
    pub const fn stage(self) -> Option<crate::Stage> {
        use crate::Stage;
        match self {
            ExitClass::Valid => None,
            ExitClass::Malformed => Some(Stage::Envelope),
            ExitClass::Seal => Some(Stage::Seal),
            ExitClass::Payload => Some(Stage::Payload),
            ExitClass::Trust => Some(Stage::Trust),
            ExitClass::SealPolicy => Some(Stage::SealPolicy),
            ExitClass::LabelInvalid => Some(Stage::Policy),
            ExitClass::ReleaseDenied => Some(Stage::Release),
        }
    }
}

impl fmt::Display for ExitClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A negative verdict of a command that is not `verify` (e.g. `label check` found a fault).
pub const EXIT_VERDICT: u8 = 1;
/// The command line is wrong.
pub const EXIT_USAGE: u8 = 2;
/// A file could not be read or written.
pub const EXIT_IO: u8 = 4;

#[cfg(test)]
mod tests {
    use super::ExitClass;

    #[test]
    fn codes_names_and_order_are_one_table() {
        for (i, c) in ExitClass::ALL.iter().enumerate() {
            assert_eq!(ExitClass::from_code(i32::from(c.code())), Some(*c));
            assert_eq!(ExitClass::from_name(c.name()), Some(*c));
            if let Some(next) = ExitClass::ALL.get(i + 1) {
                assert!(c < next, "{c} before {next}");
            }
        }
        assert_eq!(ExitClass::from_code(1), None);
        assert_eq!(ExitClass::from_code(2), None);
        assert_eq!(ExitClass::from_code(4), None);
    }
}
