//! The gateway's one configuration file (TOML), documented in docs/gateway.md with
//! `examples/gateway/gateway.toml` as the complete example.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// The whole configuration. Unknown keys are refused, so a misspelt limit is an error rather
/// than a silent default.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// How to reach the nation's NATS server.
    pub nats: Nats,
    /// Where envelopes arrive.
    pub inbound: Inbound,
    /// Where every decision is recorded.
    pub audit: Sink,
    /// Where messages that are not envelopes (or too large) go.
    pub quarantine: Sink,
    /// The partner nations a record may be forwarded to, each decided on its own.
    #[serde(rename = "partner")]
    pub partners: Vec<Partner>,
    /// The verification pipeline: trust bundle, SPIFs, seal policy.
    pub verify: Verify,
    /// Sizes, batches and time-outs.
    #[serde(default)]
    pub limits: Limits,
    /// The loopback health and metrics endpoint.
    #[serde(default)]
    pub http: Http,
    /// Stream settings used by `pouch-gateway setup` when it creates the streams.
    #[serde(default)]
    pub streams: Streams,
}

/// The NATS connection.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nats {
    /// Server URL(s), comma-separated, e.g. `nats://127.0.0.1:4222`.
    pub url: String,
    /// A NATS credentials file (JWT and NKey seed), if the server requires one.
    pub credentials: Option<PathBuf>,
    /// The connection name the server shows in its monitoring.
    #[serde(default = "default_client_name")]
    pub name: String,
}

fn default_client_name() -> String {
    "pouch-gateway".into()
}

/// The inbound stream and the durable pull consumer every worker shares.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// The stream envelopes arrive on.
    pub stream: String,
    /// The subjects that stream captures (used by `setup`). May be empty when the stream
    /// only sources another domain's stream.
    #[serde(default)]
    pub subjects: Vec<String>,
    /// The durable consumer's name, shared by every worker.
    pub consumer: String,
    /// Seconds the server waits for an ack before redelivering (used by `setup`).
    #[serde(default = "default_ack_wait")]
    pub ack_wait_secs: u64,
    /// Unacknowledged messages the server hands out at most, over all workers.
    #[serde(default = "default_max_ack_pending")]
    pub max_ack_pending: i64,
    /// Streams of other JetStream domains this stream sources (used by `setup`): how a
    /// partner's gateway output reaches this domain over a leaf node.
    #[serde(default, rename = "source")]
    pub sources: Vec<Source>,
}

fn default_ack_wait() -> u64 {
    30
}

fn default_max_ack_pending() -> i64 {
    1000
}

/// A stream of another JetStream domain to source.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The other domain's stream, e.g. `POUCH_OUT_DNK`.
    pub stream: String,
    /// The other server's JetStream domain, e.g. `nor`.
    pub domain: String,
}

/// An output subject and the stream that stores it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sink {
    /// The stream.
    pub stream: String,
    /// The subject; for the audit stream, the prefix: records go to `SUBJECT.DESTINATION`.
    pub subject: String,
}

/// One partner nation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// The nation's code as the SPIFs' category values spell it, e.g. `DNK`.
    pub nation: String,
    /// The subject records permitted to this nation are published on.
    pub subject: String,
    /// The stream that stores that subject (created by `setup`).
    pub stream: String,
}

/// The verification pipeline.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    /// The trust bundle (TOML, spec/04-trust.md §4.7).
    pub trust: PathBuf,
    /// Security policies (Open XML SPIF 2.1).
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// The seal policy: `all`, `hybrid` or `nations:T:A,B,...`.
    #[serde(default = "default_seal_policy")]
    pub seal_policy: String,
    /// Refuse chains no longer valid at the verification time (POUCH-TRUST-022).
    #[serde(default)]
    pub require_current_validity: bool,
    /// A fixed verification time (RFC 3339) instead of the clock: for replaying a day's
    /// traffic under that day's rules, and for tests with a fixed PKI.
    pub at: Option<String>,
    /// Seconds between checks of the bundle's and policies' files for changes; 0 turns the
    /// watch off (SIGHUP still reloads).
    #[serde(default = "default_reload_poll")]
    pub reload_poll_secs: u64,
}

fn default_seal_policy() -> String {
    "all".into()
}

fn default_reload_poll() -> u64 {
    5
}

/// Sizes and time-outs.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Inbound messages larger than this are quarantined without being decoded.
    #[serde(default = "default_max_envelope")]
    pub max_envelope_bytes: usize,
    /// Messages fetched per pull request.
    #[serde(default = "default_batch")]
    pub batch: usize,
    /// Verification threads in this worker process.
    #[serde(default = "default_threads")]
    pub threads: usize,
    /// Seconds to wait for JetStream to acknowledge one output.
    #[serde(default = "default_publish_timeout")]
    pub publish_timeout_secs: u64,
    /// Seconds a pull request waits for messages when the stream is idle.
    #[serde(default = "default_fetch_wait")]
    pub fetch_wait_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_envelope_bytes: default_max_envelope(),
            batch: default_batch(),
            threads: default_threads(),
            publish_timeout_secs: default_publish_timeout(),
            fetch_wait_ms: default_fetch_wait(),
        }
    }
}

fn default_max_envelope() -> usize {
    // The NATS server's default max_payload.
    1 << 20
}
fn default_batch() -> usize {
    64
}
fn default_threads() -> usize {
    1
}
fn default_publish_timeout() -> u64 {
    10
}
fn default_fetch_wait() -> u64 {
    500
}

/// The health and metrics endpoint.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// A loopback address and port, e.g. `127.0.0.1:9464`; port 0 picks a free one (logged).
    /// Absent: no endpoint.
    pub listen: Option<SocketAddr>,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            listen: Some(SocketAddr::from(([127, 0, 0, 1], 9464))),
        }
    }
}

/// How `setup` creates streams.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Streams {
    /// The servers' duplicate window, seconds: a redelivered envelope's outputs are dropped
    /// as duplicates within it. Must exceed the ack wait plus the longest outage survived.
    #[serde(default = "default_dup_window")]
    pub duplicate_window_secs: u64,
    /// Largest message the streams accept.
    #[serde(default = "default_max_msg")]
    pub max_message_bytes: i32,
}

impl Default for Streams {
    fn default() -> Self {
        Self {
            duplicate_window_secs: default_dup_window(),
            max_message_bytes: default_max_msg(),
        }
    }
}

fn default_dup_window() -> u64 {
    3600
}
fn default_max_msg() -> i32 {
    1 << 20
}

impl Config {
    /// Reads and checks a configuration file; relative paths in it are taken from the file's
    /// folder.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut config = Self::parse(&text).map_err(|e| match e {
            Error::Config { detail, .. } => Error::Config {
                path: path.display().to_string(),
                detail,
            },
            other => other,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        resolve(&mut config.verify.trust);
        config.verify.policies.iter_mut().for_each(resolve);
        if let Some(c) = config.nats.credentials.as_mut() {
            resolve(c);
        }
        Ok(config)
    }

    /// Parses configuration text and checks what serde cannot.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |detail: String| Error::Config {
            path: "<text>".into(),
            detail,
        };
        let config: Config = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if config.partners.is_empty() {
            return Err(bad(
                "no [[partner]]: the gateway would decide nothing".into()
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for p in &config.partners {
            if !seen.insert(p.nation.as_str()) {
                return Err(bad(format!("partner {} is listed twice", p.nation)));
            }
            if p.nation.is_empty() || !p.nation.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad(format!(
                    "partner nation {:?} must be letters and digits (it is a subject token)",
                    p.nation
                )));
            }
        }
        if let Some(addr) = config.http.listen
            && !addr.ip().is_loopback()
        {
            return Err(bad(format!(
                "[http] listen = {addr}: the endpoint is served on loopback only"
            )));
        }
        if config.limits.batch == 0 || config.limits.threads == 0 {
            return Err(bad("[limits] batch and threads must be at least 1".into()));
        }
        if config.streams.duplicate_window_secs <= config.inbound.ack_wait_secs {
            return Err(bad(format!(
                "[streams] duplicate_window_secs ({}) must exceed [inbound] ack_wait_secs ({}), or a redelivery could be forwarded twice",
                config.streams.duplicate_window_secs, config.inbound.ack_wait_secs
            )));
        }
        config
            .verify
            .seal_policy
            .parse::<pouch::SealPolicy>()
            .map_err(|e| bad(format!("[verify] seal_policy: {e}")))?;
        if let Some(at) = &config.verify.at {
            pouch::parse_time(at).map_err(|e| bad(format!("[verify] at: {e}")))?;
        }
        Ok(config)
    }
}
