//! The malformed-input corpus (`test-vectors/malformed/`, spec/07-conformance.md §7.8):
//! hostile envelopes with the error class each must produce, and mutations (every
//! truncation, every bit flip) the runner applies to small valid envelopes.
//!
//! The committed corpus stays small: the base envelopes and the hand-made inputs are files;
//! the thousands of truncated and flipped inputs are described in the manifest as a
//! [`Mutation`] of a base, and made by the runner.

mod corpus;
mod run;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::manifest::ExitClass;

pub use run::{FlipFeed, check_outcome, inputs, run};

pub(crate) use corpus::generate;

/// The corpus folder, relative to the project root.
pub const MALFORMED_DIR: &str = "test-vectors/malformed";
/// The manifest's format version.
pub const MALFORMED_FORMAT: u32 = 1;

/// How the runner derives inputs from a case's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mutation {
    /// The file as it is.
    None,
    /// Every proper prefix of the file (lengths 0 to n - 1). CBOR is prefix-free: no proper
    /// prefix of a well-formed item is a well-formed item, so each is incomplete input.
    TruncateAll,
    /// The file with one bit flipped, for every bit (8n inputs).
    FlipAllBits,
}

/// What a case's inputs must produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The exit classes allowed (one for a fixed input; bit flips allow `malformed` and
    /// `seal`).
    pub exit: Vec<ExitClass>,
    /// A code that must be in the report: in the envelope stage for `malformed`, on a seal
    /// for `seal`. `None` when only the class can be known from the construction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// One case of the corpus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable identifier.
    pub id: String,
    /// What the input is and why the class follows.
    pub description: String,
    /// The requirements it tests.
    pub requirements: Vec<String>,
    /// What an adapter must claim.
    pub features: Vec<String>,
    /// The file, relative to the manifest.
    pub input: String,
    /// The case whose file this one mutates, when it is a mutation of another case's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<String>,
    /// How inputs are derived from the file.
    pub mutation: Mutation,
    /// The trust bundle given to the verifier, relative to the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<String>,
    /// The verification time (RFC 3339).
    pub at: String,
    /// The expected class and code.
    pub expect: Expect,
}

/// The corpus manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MalformedManifest {
    /// [`MALFORMED_FORMAT`].
    pub format: u32,
    /// The cases, in generation order.
    pub case: Vec<Case>,
}

impl MalformedManifest {
    /// Reads and parses a corpus manifest.
    pub fn load(path: &Path) -> Result<MalformedManifest, Error> {
        let m: MalformedManifest = crate::manifest::load_toml(path)?;
        crate::manifest::check_format(path, m.format, MALFORMED_FORMAT)?;
        Ok(m)
    }
}
