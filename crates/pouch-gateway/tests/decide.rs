//! The decision without a server: one verification shared by every partner gives, for each,
//! exactly the report of a verifier built with that partner as recipient.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{TempDir, corpus};
use pouch::{Recipient, Verifier};
use pouch_gateway::{Decision, Snapshot, decide};

#[test]
fn verify_for_equals_one_verifier_per_recipient() {
    let dir = TempDir::new("decide");
    let c = corpus::build(&dir.0, 40);
    let config = common::write_config(&dir.0, "nats://127.0.0.1:1", &c, None);
    let config = pouch_gateway::Config::load(&config).unwrap();
    let snap = Snapshot::load(&config, pouch_crypto_awslc::provider(), 1).unwrap();
    let recipients: Vec<Recipient> = corpus::PARTNERS
        .iter()
        .map(|n| Recipient::new(*n))
        .collect();
    let single: Vec<Verifier> = recipients
        .iter()
        .map(|r| {
            snap.verifier
                .to_builder()
                .recipient(r.clone())
                .build()
                .unwrap()
        })
        .collect();
    for (i, item) in c.items.iter().enumerate() {
        let shared = snap.verifier.verify_for(&item.bytes, &recipients);
        assert_eq!(shared.len(), recipients.len());
        for (v, r) in single.iter().zip(&shared) {
            assert_eq!(
                v.verify(&item.bytes, None).to_json(),
                r.to_json(),
                "input {i} ({:?})",
                item.kind
            );
        }
        match decide(&snap, &item.bytes) {
            Decision::Quarantine { reason, detail } => {
                assert!(
                    item.kind.quarantined(),
                    "input {i} ({:?}) quarantined: {detail}",
                    item.kind
                );
                let want = if item.kind == corpus::Kind::Oversized {
                    "oversized"
                } else {
                    "not-an-envelope"
                };
                assert_eq!(reason.as_str(), want);
                assert!(!detail.is_empty());
            }
            Decision::Decided(ds) => {
                assert!(
                    !item.kind.quarantined(),
                    "input {i} ({:?}) decided",
                    item.kind
                );
                for d in ds {
                    assert_eq!(
                        d.permitted,
                        item.kind.permitted(&d.nation),
                        "input {i} ({:?}) for {}",
                        item.kind,
                        d.nation
                    );
                }
            }
        }
    }
}
