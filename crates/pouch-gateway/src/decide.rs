//! The decision for one inbound message, and the messages it produces. Pure: no network, no
//! clock but the one the verifier reads, so tests check it without a server.

use bytes::Bytes;
use pouch::{DigestAlgorithm, ExitClass, Report};
use serde_json::json;

use crate::snapshot::{Snapshot, hex};

/// The `format` field of every audit record this version writes (docs/gateway.md, "Audit
/// record").
pub const AUDIT_FORMAT: &str = "pouch-gateway-audit/1";

/// Why a message was quarantined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuarantineReason {
    /// Larger than `[limits] max_envelope_bytes`: not decoded at all.
    Oversized,
    /// Does not decode as an envelope (the report's exit class is `malformed`).
    NotAnEnvelope,
}

impl QuarantineReason {
    /// The reason's name in headers and audit records.
    pub fn as_str(self) -> &'static str {
        match self {
            QuarantineReason::Oversized => "oversized",
            QuarantineReason::NotAnEnvelope => "not-an-envelope",
        }
    }
}

/// The decision for one partner.
#[derive(Clone, Debug)]
pub struct PartnerDecision {
    /// The partner's nation code.
    pub nation: String,
    /// The subject a permitted record goes to.
    pub subject: String,
    /// Valid, signers trusted, seal policy met, label valid, release permitted.
    pub permitted: bool,
    /// The report's exit class (the first failing stage).
    pub class: ExitClass,
    /// The whole report.
    pub report: Report,
}

/// What becomes of one inbound message.
#[derive(Clone, Debug)]
pub enum Decision {
    /// Not an envelope: goes to quarantine, decided for nobody.
    Quarantine {
        /// Why.
        reason: QuarantineReason,
        /// One line naming what was wrong, and where.
        detail: String,
    },
    /// One decision per partner, in the configuration's order.
    Decided(Vec<PartnerDecision>),
}

/// Decides one message with one snapshot.
pub fn decide(snapshot: &Snapshot, bytes: &[u8]) -> Decision {
    if bytes.len() > snapshot.max_envelope_bytes {
        return Decision::Quarantine {
            reason: QuarantineReason::Oversized,
            detail: format!(
                "{} bytes, more than the limit of {}",
                bytes.len(),
                snapshot.max_envelope_bytes
            ),
        };
    }
    let reports = snapshot.verifier.verify_for(bytes, &snapshot.recipients);
    let mut out = Vec::with_capacity(reports.len());
    for (partner, report) in snapshot.partners.iter().zip(reports) {
        let class = report.class();
        if class == ExitClass::Malformed {
            // Decoding does not depend on the partner: the first says it for all.
            let detail = report
                .envelope
                .iter()
                .map(|e| match &e.detail {
                    Some(d) => format!("{}: {d}", e.code.id()),
                    None => e.code.id().to_owned(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            return Decision::Quarantine {
                reason: QuarantineReason::NotAnEnvelope,
                detail,
            };
        }
        let permitted = report.verdict().accepted() && report.releasable() == Some(true);
        out.push(PartnerDecision {
            nation: partner.nation.clone(),
            subject: partner.subject.clone(),
            permitted,
            class,
            report,
        });
    }
    Decision::Decided(out)
}

/// The SHA-256 of the envelope's bytes, hex: the root of every message id it produces.
pub fn envelope_digest(snapshot: &Snapshot, bytes: &[u8]) -> String {
    match snapshot.provider.digest(DigestAlgorithm::Sha256) {
        Some(d) => {
            let mut h = d.start();
            h.update(bytes);
            hex(&h.finish())
        }
        // Every provider has SHA-256 (the envelope format requires it); were one without,
        // ids would still be unique per content, only longer.
        None => hex(bytes),
    }
}

/// Where the inbound message came from, for the audit record.
#[derive(Clone, Debug, Default)]
pub struct Inbound {
    /// The inbound stream.
    pub stream: String,
    /// Its sequence number there.
    pub sequence: u64,
    /// How many times it has been delivered (1 the first time).
    pub delivered: i64,
    /// When the server stored it, Unix nanoseconds (for end-to-end latency).
    pub published_unix_ns: i128,
}

/// What an output is, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// The envelope, forwarded to a partner.
    Forward,
    /// An audit record.
    Audit,
    /// The message, quarantined.
    Quarantine,
}

/// One message to publish, with its de-duplication id.
#[derive(Clone, Debug)]
pub struct Output {
    /// What it is.
    pub kind: OutputKind,
    /// The subject.
    pub subject: String,
    /// `Nats-Msg-Id`: `SHA256HEX.DESTINATION`, the same on every delivery of the same bytes.
    pub msg_id: String,
    /// Further headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub payload: Bytes,
}

/// The messages one decision produces: per partner a forward when permitted and always an
/// audit record (`AUDIT.NATION`); for a quarantined message, the message itself on the
/// quarantine subject and one audit record (`AUDIT.quarantine`).
pub fn outputs(
    config: &crate::Config,
    snapshot: &Snapshot,
    worker: &str,
    inbound: &Inbound,
    bytes: &Bytes,
    decision: &Decision,
) -> Vec<Output> {
    let digest = envelope_digest(snapshot, bytes);
    let decided_at_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    let latency_us = (inbound.published_unix_ns > 0)
        .then(|| (decided_at_ns - inbound.published_unix_ns).max(0) / 1000);
    let record = |destination: &str, decision: &str| {
        json!({
            "format": AUDIT_FORMAT,
            "envelope_sha256": digest,
            "destination": destination,
            "decision": decision,
            "inbound": {
                "stream": inbound.stream,
                "sequence": inbound.sequence,
                "delivered": inbound.delivered,
            },
            "snapshot": {"fingerprint": snapshot.fingerprint, "generation": snapshot.generation},
            "worker": worker,
            "decided_at_unix_ms": decided_at_ns / 1_000_000,
            "latency_us": latency_us,
        })
    };
    let audit = |destination: &str, body: serde_json::Value| Output {
        kind: OutputKind::Audit,
        subject: format!("{}.{destination}", config.audit.subject),
        msg_id: format!("{digest}.audit.{destination}"),
        headers: vec![("Pouch-Envelope-Sha256", digest.clone())],
        payload: Bytes::from(serde_json::to_vec(&body).unwrap_or_default()),
    };
    match decision {
        Decision::Quarantine { reason, detail } => {
            let mut r = record("quarantine", "quarantined");
            r["reason"] = json!(reason.as_str());
            r["detail"] = json!(detail);
            r["size"] = json!(bytes.len());
            vec![
                Output {
                    kind: OutputKind::Quarantine,
                    subject: config.quarantine.subject.clone(),
                    msg_id: format!("{digest}.quarantine"),
                    headers: vec![
                        ("Pouch-Envelope-Sha256", digest.clone()),
                        ("Pouch-Quarantine-Reason", reason.as_str().to_owned()),
                        ("Pouch-Quarantine-Detail", header_safe(detail)),
                    ],
                    payload: bytes.clone(),
                },
                audit("quarantine", r),
            ]
        }
        Decision::Decided(per_partner) => {
            let mut out = Vec::with_capacity(2 * per_partner.len());
            for d in per_partner {
                let mut r = record(&d.nation, if d.permitted { "permitted" } else { "denied" });
                r["class"] = json!(d.class.name());
                r["exit"] = json!(d.class.code());
                r["report"] = d.report.to_json();
                if d.permitted {
                    out.push(Output {
                        kind: OutputKind::Forward,
                        subject: d.subject.clone(),
                        msg_id: format!("{digest}.{}", d.nation),
                        headers: vec![
                            ("Pouch-Envelope-Sha256", digest.clone()),
                            ("Pouch-Released-To", d.nation.clone()),
                            ("Pouch-Snapshot", snapshot.fingerprint.clone()),
                        ],
                        payload: bytes.clone(),
                    });
                }
                out.push(audit(&d.nation, r));
            }
            out
        }
    }
}

/// A header value on one line, bounded: details quote the input.
fn header_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(512)
        .collect()
}
