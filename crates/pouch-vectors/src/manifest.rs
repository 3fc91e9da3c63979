//! The envelope vector manifest (`test-vectors/envelopes/manifest.toml`), loaded with serde.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::Error;

/// The manifest's format version.
pub const MANIFEST_FORMAT: u32 = 1;

/// The whole manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: u32,
    /// The vectors, in generation order.
    pub vector: Vec<Vector>,
}

impl Manifest {
    /// Reads and parses a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, Error> {
        let m: Manifest = load_toml(path)?;
        check_format(path, m.format, MANIFEST_FORMAT)?;
        Ok(m)
    }
}

/// Reads the TOML file at `path` as a `T`: what every manifest and data file of the
/// vectors is loaded with, so a file that does not parse is reported the same way.
pub(crate) fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| Error::Manifest {
        file: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Refuses a manifest whose `format` is not the one this runner reads.
pub(crate) fn check_format(path: &Path, format: u32, reads: u32) -> Result<(), Error> {
    if format != reads {
        return Err(Error::Manifest {
            file: path.display().to_string(),
            reason: format!("format {format} (this runner reads {reads})"),
        });
    }
    Ok(())
}

/// One vector: what it is, what it checks, its inputs and the report it must produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Vector {
    /// Unique, stable; also the vector's folder name.
    pub id: String,
    /// One line.
    pub title: String,
    /// How the vector was made and why the expected report follows.
    pub description: String,
    /// The requirement ids it checks.
    pub requirements: Vec<String>,
    /// The adapter features it needs (spec/07-conformance.md §7.3); an adapter that does
    /// not claim one of them skips the vector.
    pub features: Vec<String>,
    /// The adapter operation the runner calls (§7.2): `verify` (the default) or `open`.
    #[serde(default, skip_serializing_if = "Operation::is_verify")]
    pub operation: Operation,
    /// What to give the implementation.
    pub inputs: Inputs,
    /// What the implementation must report.
    pub expect: Expected,
    /// The verdict of `spec/pouch.cddl` (rule `pouch-envelope`) on the envelope bytes:
    /// `valid` or `invalid`; absent when the CDDL cannot tell (it sees the data model, not
    /// the encoding, and one data item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cddl: Option<String>,
}

/// The inputs of one vector; paths are relative to the manifest's folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Inputs {
    /// The envelope bytes.
    pub envelope: String,
    /// The detached record, when the verifier is given one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The trust bundle (shared by the vectors), when the trust stage runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<String>,
    /// The seal policy: `all`, `hybrid` or `nations:T:A,B,...`.
    pub seal_policy: String,
    /// The verification time, RFC 3339 UTC.
    pub at: String,
    /// SPIF policies: the policy stage runs when there is one (`--policy`, repeated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    /// The recipient nation or organisation code: the release stage runs when it is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The recipient's clearance file (spec/05-policy.md §5.7.1), with a recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearance: Option<String>,
    /// For `open`: the opener's PKCS #8 private key (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// For `open`: the opener's encryption certificate chain (PEM, leaf first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
    /// The signature algorithms the verifier allows (`--allowed-algs`, registry names);
    /// empty: every algorithm it implements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_algs: Vec<String>,
    /// The strict mode of POUCH-TRUST-022 (`--require-current-validity`).
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub require_current_validity: bool,
    /// The decoder's `x5chain` limit (`--max-chain`), when raised above the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chain: Option<u32>,
}

/// The adapter operation a vector is run with (spec/07-conformance.md §7.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// `ADAPTER verify`.
    #[default]
    Verify,
    /// `ADAPTER open`: verify, decide release to the opener's nation, decrypt.
    Open,
}

impl Operation {
    /// Whether this is the default, `verify`.
    pub fn is_verify(&self) -> bool {
        *self == Operation::Verify
    }
}

/// The expected report: code identifiers per stage and per seal, and the exit class.
/// Within one stage the comparison is by set (order and repetition do not matter).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Expected {
    /// The exit class.
    pub exit: ExitClass,
    /// Decode stage.
    pub envelope: Vec<String>,
    /// Originator label's advisory rules.
    #[serde(default)]
    pub label: Vec<String>,
    /// Detached payload.
    #[serde(default)]
    pub payload: Vec<String>,
    /// Seal policy.
    #[serde(default)]
    pub seal_policy: Vec<String>,
    /// Each label under its policy, in report order (the originator label, then each
    /// seal's alternative label); empty when the policy stage does not run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<LabelExpect>,
    /// The release decision; absent when the release stage does not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<ReleaseExpect>,
    /// Each seal, in envelope order.
    #[serde(default)]
    pub seals: Vec<SealExpect>,
    /// The decrypt stage of an `open` vector: empty when decryption is not attempted,
    /// otherwise one code; absent for a `verify` vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decrypt: Option<Vec<String>>,
    /// For an `open` vector whose decryption succeeds: the file (relative to the manifest)
    /// the plaintext written must equal byte for byte. When it is absent the runner checks
    /// that no plaintext file was left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plaintext: Option<String>,
}

/// The expected codes of one seal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealExpect {
    /// Header, algorithm, key and signature codes.
    pub codes: Vec<String>,
    /// Trust-stage codes (empty when the stage does not run for this seal).
    #[serde(default)]
    pub trust: Vec<String>,
}

/// The expected policy-stage codes of one label (spec/05-policy.md §5.8).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelExpect {
    /// Which label: `originator` or `seal N`.
    pub label: String,
    /// The name of the policy it was checked under; absent when the verifier holds none
    /// that the label names (`policy.unavailable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The codes.
    pub codes: Vec<String>,
}

/// The expected release decision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseExpect {
    /// The label that decided (`originator` or `seal N`); absent when none could
    /// (`release.no-label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The codes, ending with `release.permitted` or `release.denied`.
    pub codes: Vec<String>,
}

/// How an implementation's process ends (spec/07-conformance.md §7.4): the first failing
/// stage in pipeline order. The one type every Pouch component takes its numbers from.
pub use pouch_status::ExitClass;

impl Expected {
    /// The exit class that the expected codes imply: the first stage, in pipeline order
    /// (decode, seals, payload, trust, seal policy, policy, release), holding an
    /// error-severity code; decrypt errors have the payload class (POUCH-CNF-015).
    pub fn implied_exit(&self) -> ExitClass {
        fn err<'a>(mut ids: impl Iterator<Item = &'a String>) -> bool {
            ids.any(|id| {
                pouch_status::StatusCode::from_id(id)
                    .is_some_and(|c| c.severity() == pouch_status::Severity::Error)
            })
        }
        ExitClass::first_failing(|stage| match stage {
            ExitClass::Malformed => err(self.envelope.iter()),
            ExitClass::Seal => err(self.seals.iter().flat_map(|s| &s.codes)),
            ExitClass::Payload => err(self.payload.iter().chain(self.decrypt.iter().flatten())),
            ExitClass::Trust => err(self.seals.iter().flat_map(|s| &s.trust)),
            ExitClass::SealPolicy => err(self.seal_policy.iter()),
            ExitClass::LabelInvalid => err(self.policy.iter().flat_map(|l| &l.codes)),
            ExitClass::ReleaseDenied => err(self.release.iter().flat_map(|r| &r.codes)),
            _ => false,
        })
    }
}
