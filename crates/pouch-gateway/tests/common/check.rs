//! Accounting: every input exactly once per destination in the partner streams, the audit
//! stream and the quarantine stream, and nothing else there.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};

use super::corpus::{Corpus, Kind, PARTNERS, sha256_hex};

/// Messages in a stream (from its info).
pub async fn stream_count(client: &async_nats::Client, stream: &str) -> u64 {
    let js = async_nats::jetstream::new(client.clone());
    match js.get_stream(stream).await {
        Ok(mut s) => s.info().await.map_or(0, |i| i.state.messages),
        Err(_) => 0,
    }
}

/// (pending, ack pending) of the gateway's consumer.
pub async fn consumer_backlog(client: &async_nats::Client) -> Option<(u64, usize)> {
    let js = async_nats::jetstream::new(client.clone());
    let mut c: async_nats::jetstream::consumer::PullConsumer =
        js.get_consumer_from_stream("gateway", "IN").await.ok()?;
    let i = c.info().await.ok()?;
    Some((i.num_pending, i.num_ack_pending))
}

/// Expected total of audit records for the corpus.
pub fn expected_audit(corpus: &Corpus) -> u64 {
    corpus
        .items
        .iter()
        .map(|i| {
            if i.kind.quarantined() {
                1
            } else {
                PARTNERS.len() as u64
            }
        })
        .sum()
}

fn unique_ids(stream: &str, msgs: &[pouch_gateway::StoredMessage]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for m in msgs {
        let id = m
            .msg_id
            .clone()
            .unwrap_or_else(|| panic!("{stream} #{} has no Nats-Msg-Id", m.sequence));
        assert!(ids.insert(id.clone()), "{stream}: {id} stored twice");
    }
    ids
}

/// Checks the four output streams against the corpus; returns a summary line and how many
/// audit records were made on a redelivery.
pub async fn account(client: &async_nats::Client, corpus: &Corpus) -> (String, usize) {
    let digests: Vec<(String, Kind, &[u8])> = corpus
        .items
        .iter()
        .map(|i| (sha256_hex(&i.bytes), i.kind, i.bytes.as_slice()))
        .collect();
    let mut summary = Vec::new();
    for nation in PARTNERS {
        let stream = format!("OUT_{nation}");
        let msgs = pouch_gateway::read_stream(client, &stream, 1 << 20)
            .await
            .unwrap();
        let ids = unique_ids(&stream, &msgs);
        let expected: BTreeSet<String> = digests
            .iter()
            .filter(|(_, k, _)| k.permitted(nation))
            .map(|(d, _, _)| format!("{d}.{nation}"))
            .collect();
        assert_eq!(ids.len(), expected.len(), "{stream}: count");
        assert!(
            ids == expected,
            "{stream}: not exactly the permitted envelopes"
        );
        for m in &msgs {
            let d = sha256_hex(&m.payload);
            assert_eq!(
                m.msg_id.as_deref(),
                Some(format!("{d}.{nation}").as_str()),
                "{stream}: forwarded bytes changed"
            );
            assert_eq!(m.subject, format!("pouch.out.{nation}"));
        }
        summary.push(format!("{stream} {}", msgs.len()));
    }
    let audit = pouch_gateway::read_stream(client, "AUDIT", 1 << 20)
        .await
        .unwrap();
    let ids = unique_ids("AUDIT", &audit);
    assert_eq!(ids.len() as u64, expected_audit(corpus), "AUDIT: count");
    let by_id: BTreeMap<&str, &pouch_gateway::StoredMessage> = audit
        .iter()
        .map(|m| (m.msg_id.as_deref().unwrap_or(""), m))
        .collect();
    for (d, kind, bytes) in &digests {
        let dests: Vec<&str> = if kind.quarantined() {
            vec!["quarantine"]
        } else {
            PARTNERS.to_vec()
        };
        for dest in dests {
            let id = format!("{d}.audit.{dest}");
            let m = by_id
                .get(id.as_str())
                .unwrap_or_else(|| panic!("AUDIT: no record {id} ({kind:?})"));
            let r: serde_json::Value = serde_json::from_slice(&m.payload).unwrap();
            assert_eq!(r["format"], pouch_gateway::AUDIT_FORMAT);
            assert_eq!(r["envelope_sha256"], d.as_str());
            assert_eq!(r["destination"], dest);
            assert_eq!(m.subject, format!("pouch.audit.{dest}"));
            let decision = r["decision"].as_str().unwrap_or("");
            if kind.quarantined() {
                assert_eq!(decision, "quarantined");
                let reason = if *kind == Kind::Oversized {
                    "oversized"
                } else {
                    "not-an-envelope"
                };
                assert_eq!(r["reason"], reason, "{id}");
                assert_eq!(r["size"], bytes.len());
            } else {
                let want = if kind.permitted(dest) {
                    "permitted"
                } else {
                    "denied"
                };
                assert_eq!(decision, want, "{id} ({kind:?}): {}", r["report"]);
                let class = r["class"].as_str().unwrap_or("");
                let want_class = match kind {
                    Kind::Tampered => "seal",
                    Kind::Untrusted => "trust",
                    Kind::Denied => "release-denied",
                    Kind::PermitDnk if dest == "NLD" => "release-denied",
                    _ => "valid",
                };
                assert_eq!(class, want_class, "{id} ({kind:?}): {}", r["report"]);
                assert!(r["report"].is_object(), "{id}: no report");
            }
        }
    }
    let redelivered = audit
        .iter()
        .filter(|m| {
            serde_json::from_slice::<serde_json::Value>(&m.payload)
                .is_ok_and(|r| r["inbound"]["delivered"].as_i64().unwrap_or(0) > 1)
        })
        .count();
    summary.push(format!(
        "AUDIT {} ({redelivered} decided on a redelivery)",
        audit.len()
    ));
    let q = pouch_gateway::read_stream(client, "QUARANTINE", 1 << 20)
        .await
        .unwrap();
    let ids = unique_ids("QUARANTINE", &q);
    let expected: BTreeSet<String> = digests
        .iter()
        .filter(|(_, k, _)| k.quarantined())
        .map(|(d, _, _)| format!("{d}.quarantine"))
        .collect();
    assert!(
        ids == expected,
        "QUARANTINE: not exactly the malformed and oversized messages ({} vs {})",
        ids.len(),
        expected.len()
    );
    for m in &q {
        assert!(
            m.headers
                .iter()
                .any(|(k, _)| k == "Pouch-Quarantine-Reason"),
            "QUARANTINE #{}: no reason",
            m.sequence
        );
    }
    summary.push(format!("QUARANTINE {}", q.len()));
    (summary.join(", "), redelivered)
}
