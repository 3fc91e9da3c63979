//! `pouch-gateway`: see docs/gateway.md. Exit codes: 0 done, 1 configuration or connection
//! error, 2 usage.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "pouch-gateway",
    version,
    about = "A nation's Pouch gateway on NATS JetStream"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one worker until SIGTERM (SIGHUP reloads the bundle and policies).
    Run {
        /// The configuration file (TOML).
        #[arg(long)]
        config: PathBuf,
        /// This worker's name in logs and audit records (default: host-pid).
        #[arg(long)]
        worker: Option<String>,
    },
    /// Create the streams and the durable consumer the configuration names (idempotent).
    Setup {
        /// The configuration file (TOML).
        #[arg(long)]
        config: PathBuf,
    },
    /// Load the configuration, bundle and policies, and print what would run.
    Check {
        /// The configuration file (TOML).
        #[arg(long)]
        config: PathBuf,
    },
    /// Publish envelope files (or `.cborseq` sequences) to the inbound subject, each with
    /// its SHA-256 as `Nats-Msg-Id`.
    Publish {
        /// The configuration file (TOML).
        #[arg(long)]
        config: PathBuf,
        /// The subject (default: the first inbound subject).
        #[arg(long)]
        subject: Option<String>,
        /// Publish at most this many messages per second (default: as fast as acked).
        #[arg(long)]
        rate: Option<f64>,
        /// Envelope files or CBOR sequences.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Print a stream's messages as JSON lines (sequence, subject, msg id, headers, size,
    /// SHA-256 of the body).
    Read {
        /// The configuration file (TOML): the server to ask.
        #[arg(long)]
        config: PathBuf,
        /// The stream.
        #[arg(long)]
        stream: String,
        /// Print audit records' bodies (JSON) too.
        #[arg(long)]
        body: bool,
        /// At most this many messages.
        #[arg(long, default_value_t = 1000)]
        limit: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            pouch_gateway::log::error("failed", serde_json::json!({"error": format!("{e:#}")}));
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        match cli.command {
            Command::Run { config, worker } => {
                let worker = worker.unwrap_or_else(|| {
                    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                        .map(|h| h.trim().to_owned())
                        .unwrap_or_else(|_| "host".into());
                    format!("{host}-{}", std::process::id())
                });
                pouch_gateway::run(&config, worker).await?;
            }
            Command::Setup { config } => {
                let c = pouch_gateway::Config::load(&config)?;
                pouch_gateway::setup(&c).await?;
                println!("streams and consumer ready on {}", c.nats.url);
            }
            Command::Check { config } => {
                let c = pouch_gateway::Config::load(&config)?;
                let s = pouch_gateway::Snapshot::load(&c, pouch_crypto_awslc::provider(), 1)?;
                println!("configuration {}: valid", config.display());
                println!("snapshot fingerprint {}", s.fingerprint);
                for p in &s.partners {
                    println!("partner {} -> {} (stream {})", p.nation, p.subject, p.stream);
                }
            }
            Command::Publish {
                config,
                subject,
                rate,
                inputs,
            } => {
                let c = pouch_gateway::Config::load(&config)?;
                let subject = match subject.or_else(|| c.inbound.subjects.first().cloned()) {
                    Some(s) => s,
                    None => anyhow::bail!("no --subject and no [inbound] subjects"),
                };
                let mut items = Vec::new();
                for i in &inputs {
                    items.extend(pouch_gateway::read_items(i, 64 << 20)?);
                }
                let n = items.len();
                let (stored, dups) = pouch_gateway::publish_paced(&c, &subject, items, rate).await?;
                println!("published {n} to {subject}: {stored} stored, {dups} duplicates");
            }
            Command::Read {
                config,
                stream,
                body,
                limit,
            } => {
                let c = pouch_gateway::Config::load(&config)?;
                let client = pouch_gateway::connect(&c).await?;
                let sha = pouch_crypto_awslc::provider()
                    .digest(pouch::DigestAlgorithm::Sha256)
                    .context("SHA-256")?;
                for m in pouch_gateway::read_stream(&client, &stream, limit).await? {
                    let mut d = sha.start();
                    d.update(&m.payload);
                    let digest: String = d.finish().iter().map(|b| format!("{b:02x}")).collect();
                    let mut line = serde_json::json!({
                        "sequence": m.sequence, "subject": m.subject, "msg_id": m.msg_id,
                        "headers": m.headers.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
                        "size": m.payload.len(),
                        "sha256": digest,
                    });
                    if body {
                        line["body"] = serde_json::from_slice(&m.payload)
                            .unwrap_or(serde_json::Value::Null);
                    }
                    println!("{line}");
                }
            }
        }
        Ok(())
    })
}
