//! The exit class: how a Pouch process ends (docs/cli.md, spec/07-conformance.md §7.4). One
//! type, from which `pouch` (single and bulk), its help text, the vector manifests and every
//! binding take their numbers, so none can diverge.

use core::fmt;

use crate::{Severity, Stage, StatusCode};

/// How a Pouch process ends, ordered by the stage that decides it: the command line first,
/// then reading, decoding, the seals, the payload, trust, the seal policy, the labels under
/// their policies, release, and last the verdicts that are no failure of a stage. Earlier is
/// worse: a bulk run ends with the smallest class (`Ord`) over its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ExitClass {
    /// The command line is wrong: an unknown option, a value that does not parse, options
    /// that do not go together.
    Usage,
    /// An input could not be read, or an output written.
    Io,
    /// An input is not what the command expects (`envelope.*` errors for an envelope; a
    /// label, SPIF, clearance, trust bundle, key or certificate that does not parse).
    Malformed,
    /// A seal's header, algorithm, key or signature failed (`seal.*` errors).
    Seal,
    /// The detached record does not match its sealed digest (`payload.digest-mismatch`).
    Payload,
    /// A signer is not trusted or not authorised (`trust.*` errors).
    Trust,
    /// The valid seals do not satisfy the seal policy (`seal-policy.unsatisfied`).
    SealPolicy,
    /// A label is not valid under its policy (`policy.*` errors).
    LabelInvalid,
    /// The release to the recipient is denied (`release.*` errors).
    ReleaseDenied,
    /// The input is well-formed but breaks an advisory rule (`label check`).
    Finding,
    /// Success: every check that ran passed (warnings allowed).
    Valid,
}

impl ExitClass {
    /// Every class, in pipeline order (worst first).
    pub const ALL: [ExitClass; 11] = [
        ExitClass::Usage,
        ExitClass::Io,
        ExitClass::Malformed,
        ExitClass::Seal,
        ExitClass::Payload,
        ExitClass::Trust,
        ExitClass::SealPolicy,
        ExitClass::LabelInvalid,
        ExitClass::ReleaseDenied,
        ExitClass::Finding,
        ExitClass::Valid,
    ];

    /// The classes a verification report can have, in pipeline order: the verdict rule
    /// ([`ExitClass::first_failing`]) looks at them in this order. They are the classes of
    /// [`ExitClass::ALL`] from `Malformed` to `ReleaseDenied`: a report is never a usage or
    /// I/O error, and never a finding.
    pub const VERDICTS: &'static [ExitClass] = Self::ALL.split_at(2).1.split_at(7).0;

    /// The process exit status; stable across releases.
    pub const fn code(self) -> u8 {
        match self {
            ExitClass::Valid => 0,
            ExitClass::Finding => 1,
            ExitClass::Usage => 2,
            ExitClass::Malformed => 3,
            ExitClass::Io => 4,
            ExitClass::LabelInvalid => 5,
            ExitClass::ReleaseDenied => 6,
            ExitClass::Seal => 10,
            ExitClass::Payload => 11,
            ExitClass::SealPolicy => 12,
            ExitClass::Trust => 13,
        }
    }

    /// The class of an exit status, if it is one.
    pub fn from_code(code: i32) -> Option<ExitClass> {
        Self::ALL.into_iter().find(|c| i32::from(c.code()) == code)
    }

    /// The class's name as vector manifests spell it (`valid`, `seal-policy`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            ExitClass::Usage => "usage",
            ExitClass::Io => "io",
            ExitClass::Malformed => "malformed",
            ExitClass::Seal => "seal",
            ExitClass::Payload => "payload",
            ExitClass::Trust => "trust",
            ExitClass::SealPolicy => "seal-policy",
            ExitClass::LabelInvalid => "label-invalid",
            ExitClass::ReleaseDenied => "release-denied",
            ExitClass::Finding => "finding",
            ExitClass::Valid => "valid",
        }
    }

    /// The class with this name.
    pub fn from_name(name: &str) -> Option<ExitClass> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// What the status means, in one line: the start of its row in docs/cli.md and its
    /// line in `pouch --help`.
    pub const fn meaning(self) -> &'static str {
        match self {
            ExitClass::Valid => "success",
            ExitClass::Finding => "negative verdict",
            ExitClass::Usage => "usage error",
            ExitClass::Malformed => "malformed input",
            ExitClass::Io => "I/O error",
            ExitClass::LabelInvalid => "a label is not valid under the policy",
            ExitClass::ReleaseDenied => "the release to the recipient is denied",
            ExitClass::Seal => "a seal's signature, algorithm or key failed",
            ExitClass::Payload => "the detached record does not match its sealed digest",
            ExitClass::SealPolicy => "the valid seals do not satisfy the seal policy",
            ExitClass::Trust => "a signer is not trusted or not authorised",
        }
    }

    /// The verdict class of a registry stage's errors: `None` for the label profile's
    /// stage, whose errors are `Malformed` only where a label is the input.
    pub const fn of_stage(stage: Stage) -> Option<ExitClass> {
        match stage {
            Stage::Envelope => Some(ExitClass::Malformed),
            Stage::Seal => Some(ExitClass::Seal),
            Stage::Payload | Stage::Decrypt => Some(ExitClass::Payload),
            Stage::Trust => Some(ExitClass::Trust),
            Stage::SealPolicy => Some(ExitClass::SealPolicy),
            Stage::Policy => Some(ExitClass::LabelInvalid),
            Stage::Release => Some(ExitClass::ReleaseDenied),
            Stage::Label => None,
        }
    }

    /// The verdict rule (spec/07-conformance.md §7.4): the first class of
    /// [`ExitClass::VERDICTS`], in pipeline order, whose stage `failed`; `Valid` when none.
    pub fn first_failing(mut failed: impl FnMut(ExitClass) -> bool) -> ExitClass {
        Self::VERDICTS
            .iter()
            .copied()
            .find(|c| failed(*c))
            .unwrap_or(ExitClass::Valid)
    }

    /// Whether any of `codes` is an error: how a stage fails.
    pub fn has_error<'a>(codes: impl IntoIterator<Item = &'a StatusCode>) -> bool {
        codes.into_iter().any(|c| c.severity() == Severity::Error)
    }

    /// The exit-status table of `pouch --help`: one line per class, by number.
    pub fn help_table() -> String {
        let mut classes = Self::ALL;
        classes.sort_by_key(|c| c.code());
        let mut s = String::from("Exit codes:");
        for c in classes {
            s.push_str(&format!("\n  {:<3} {}", c.code(), c.meaning()));
        }
        s
    }
}

impl Default for ExitClass {
    /// `Valid`: what a vector expects unless it says otherwise.
    fn default() -> Self {
        ExitClass::Valid
    }
}

impl fmt::Display for ExitClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<ExitClass> for u8 {
    fn from(c: ExitClass) -> u8 {
        c.code()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ExitClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ExitClass {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ExitClass::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown exit class {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::ExitClass;

    #[test]
    fn codes_and_names_are_distinct_and_round_trip() {
        let mut codes: Vec<u8> = ExitClass::ALL.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ExitClass::ALL.len());
        for c in ExitClass::ALL {
            assert_eq!(ExitClass::from_code(i32::from(c.code())), Some(c));
            assert_eq!(ExitClass::from_name(c.name()), Some(c));
        }
        assert_eq!(ExitClass::from_code(7), None);
    }

    #[test]
    fn all_is_in_declaration_order_and_verdicts_follow_it() {
        assert!(ExitClass::ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(ExitClass::VERDICTS.windows(2).all(|w| w[0] < w[1]));
        // The verdicts are exactly the classes of the registry's error stages.
        for c in ExitClass::ALL {
            let of_a_stage = crate::ALL
                .iter()
                .any(|s| ExitClass::of_stage(s.stage()) == Some(c));
            assert_eq!(ExitClass::VERDICTS.contains(&c), of_a_stage, "{c:?}");
        }
    }

    #[test]
    fn the_first_failing_stage_decides() {
        let failed = [ExitClass::LabelInvalid, ExitClass::Trust];
        assert_eq!(
            ExitClass::first_failing(|c| failed.contains(&c)),
            ExitClass::Trust
        );
        assert_eq!(ExitClass::first_failing(|_| false), ExitClass::Valid);
    }
}
