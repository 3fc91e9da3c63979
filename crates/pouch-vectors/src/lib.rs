#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod adapter;
pub mod annex;
mod catalogue;
pub mod conform;
pub mod coverage;
pub mod craft;
pub mod ess;
pub mod fixture;
mod generate;
pub mod labels;
pub mod malformed;
pub mod manifest;
mod pss;
pub mod sequences;

pub use generate::{Drift, check, generate};
pub use manifest::{
    ExitClass, Expected, Inputs, LabelExpect, Manifest, ReleaseExpect, SealExpect, Vector,
};

use std::path::{Path, PathBuf};

/// The envelope vectors' folder, relative to the project root.
pub const ENVELOPES_DIR: &str = "test-vectors/envelopes";
/// The manifest's file name inside [`ENVELOPES_DIR`].
pub const MANIFEST_FILE: &str = "manifest.toml";
/// The generated spec annex, relative to the project root.
pub const ANNEX_FILE: &str = "spec/annex-a-examples.md";

/// What went wrong generating, checking or running vectors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// A manifest does not parse or is not the expected format.
    #[error("{file}: {reason}")]
    Manifest {
        /// The manifest file.
        file: String,
        /// What is wrong and where.
        reason: String,
    },
    /// Making a vector failed (a fixture, a key, a signature).
    #[error("generate: {0}")]
    Generate(String),
    /// The adapter could not be run or said something the protocol does not allow.
    #[error("adapter: {0}")]
    Adapter(String),
}

impl Error {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

/// A path in the temporary folder that no other run uses: `PREFIX-PID-NANOS` then `suffix`.
pub(crate) fn unique_temp_path(prefix: &str, suffix: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "{prefix}-{}-{}{suffix}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ))
}
