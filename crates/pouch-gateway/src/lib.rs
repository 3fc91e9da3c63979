#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod config;
mod decide;
mod http;
pub mod log;
mod metrics;
mod nats;
mod snapshot;
mod worker;

pub use config::{Config, Http, Inbound, Limits, Nats, Partner, Sink, Source, Streams, Verify};
pub use decide::{
    AUDIT_FORMAT, Decision, Inbound as InboundMeta, Output, OutputKind, PartnerDecision,
    QuarantineReason, decide, envelope_digest, outputs,
};
pub use metrics::Metrics;
pub use nats::{
    StoredMessage, connect, publish_envelopes, publish_paced, read_items, read_stream, setup,
};
pub use snapshot::{Snapshot, SnapshotCell};
pub use worker::{Shutdown, run};

/// What can go wrong outside a decision: the configuration, the files it names, the NATS
/// connection. A decision itself never fails; its outcome is a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is not valid.
    #[error("configuration {path}: {detail}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong, and where.
        detail: String,
    },
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The trust bundle or a policy does not load.
    #[error("{what}: {source}")]
    Pouch {
        /// Which file or setting.
        what: String,
        /// Why (boxed: `pouch::Error` would make every `Result` of this crate large).
        source: Box<pouch::Error>,
    },
    /// The NATS server refused or did not answer.
    #[error("NATS: {0}")]
    Nats(String),
}

impl Error {
    pub(crate) fn nats(what: &str, e: impl std::fmt::Display) -> Self {
        Error::Nats(format!("{what}: {e}"))
    }
}
