//! Reload without restart, the health and metrics endpoint, and a graceful stop, against a
//! real nats-server.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::check::{consumer_backlog, stream_count};
use common::{Rig, corpus, metric, signal, try_get};

fn get(port: u16, path: &str) -> (u16, String) {
    try_get(port, path).unwrap_or_else(|| panic!("GET {path} on port {port} failed"))
}

/// Replaces the file at `path` with `text` the way a deployment should: written beside,
/// then renamed over, so the gateway never reads half a file.
fn replace_file(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension("toml.new");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Waits (bounded) for `cond` on the metrics text.
fn wait_metrics(port: u16, what: &str, cond: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((200, body)) = try_get(port, "/metrics")
            && cond(&body)
        {
            return body;
        }
        assert!(Instant::now() < deadline, "metrics never showed {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Norway's signers are dropped from the bundle while the worker runs; after SIGHUP the
/// same kind of envelope that was permitted is denied as untrusted, and the audit records
/// name the two snapshots. The endpoint counts it all; SIGTERM stops the worker cleanly.
#[test]
fn sighup_swaps_the_bundle_and_metrics_count_it() {
    let Some(rig) = Rig::start("reload", 20, true) else {
        return;
    };
    let (server, corpus, config) = (&rig.server, &rig.corpus, &rig.config);
    let port = rig.http.unwrap();
    // SIGHUP alone reloads in this test: the poll is turned off (before the worker starts;
    // `setup` does not read it).
    let text = std::fs::read_to_string(config).unwrap();
    std::fs::write(
        config,
        text.replace("reload_poll_secs = 1", "reload_poll_secs = 0"),
    )
    .unwrap();
    let cfg = pouch_gateway::Config::load(config).unwrap();
    let worker = rig.worker("r");
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Health comes up once connected.
    let deadline = Instant::now() + Duration::from_secs(30);
    while try_get(port, "/healthz").map(|r| r.0) != Some(200) {
        assert!(Instant::now() < deadline, "/healthz never answered 200");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(get(port, "/nope").0, 404);

    // First half: decided under the bundle as written.
    let (first, second) = corpus.items.split_at(10);
    let publish = |items: &[corpus::Item]| {
        rt.block_on(pouch_gateway::publish_envelopes(
            &cfg,
            "pouch.in",
            items.iter().map(|i| i.bytes.clone()).collect::<Vec<_>>(),
        ))
        .unwrap()
    };
    publish(first);
    let permitted_first: u64 = first
        .iter()
        .map(|i| {
            corpus::PARTNERS
                .iter()
                .filter(|n| i.kind.permitted(n))
                .count() as u64
        })
        .sum();
    let m = wait_metrics(port, "the first 10 acked", |b| {
        metric(b, "pouch_gateway_acked_total") == 10
    });
    assert_eq!(
        metric(&m, "pouch_gateway_decisions_total{outcome=\"permitted\"}"),
        permitted_first
    );
    assert_eq!(
        metric(&m, "pouch_gateway_quarantined_total{reason=\"oversized\"}"),
        1
    );
    assert_eq!(
        metric(
            &m,
            "pouch_gateway_quarantined_total{reason=\"not-an-envelope\"}"
        ),
        1
    );
    assert_eq!(metric(&m, "pouch_gateway_latency_seconds_count"), 10);
    assert_eq!(metric(&m, "pouch_gateway_snapshot_generation"), 1);

    // Drop Norway from the bundle (written beside, renamed over), then SIGHUP.
    let bundle = std::fs::read_to_string(&corpus.bundle).unwrap();
    let kept: Vec<&str> = bundle
        .split("\n[[nation]]\n")
        .filter(|b| !b.contains("code = \"NOR\""))
        .collect();
    assert_eq!(kept.len(), 3, "the bundle's layout changed: {bundle}");
    replace_file(&corpus.bundle, &kept.join("\n[[nation]]\n"));
    signal(worker.child.id(), "HUP");
    wait_metrics(port, "generation 2", |b| {
        metric(b, "pouch_gateway_snapshot_generation") == 2
    });

    publish(second);
    let m = wait_metrics(port, "all 20 acked", |b| {
        metric(b, "pouch_gateway_acked_total") == 20
    });
    assert_eq!(
        metric(&m, "pouch_gateway_decisions_total{outcome=\"permitted\"}"),
        permitted_first,
        "a release after Norway left the bundle"
    );
    assert_eq!(metric(&m, "pouch_gateway_reloads_total"), 1);

    rt.block_on(async {
        let c = async_nats::connect(server.url()).await.unwrap();
        assert_eq!(consumer_backlog(&c).await, Some((0, 0)));
        assert_eq!(stream_count(&c, "AUDIT").await, 2 * 16 + 4);
        let audit = pouch_gateway::read_stream(&c, "AUDIT", 100).await.unwrap();
        let mut fingerprints = std::collections::BTreeMap::new();
        for m in &audit {
            let r: serde_json::Value = serde_json::from_slice(&m.payload).unwrap();
            let sha = r["envelope_sha256"].as_str().unwrap().to_owned();
            let kind = second
                .iter()
                .find(|i| corpus::sha256_hex(&i.bytes) == sha)
                .map(|i| i.kind);
            let in_second = kind.is_some();
            let generation = r["snapshot"]["generation"].as_u64().unwrap();
            assert_eq!(generation, if in_second { 2 } else { 1 }, "{sha}");
            fingerprints.insert(generation, r["snapshot"]["fingerprint"].clone());
            if in_second && r["decision"] != "quarantined" {
                assert_eq!(r["decision"], "denied");
                let want = if kind == Some(corpus::Kind::Tampered) {
                    "seal"
                } else {
                    "trust"
                };
                assert_eq!(r["class"], want, "{sha}: {}", r["report"]);
            }
        }
        assert_eq!(fingerprints.len(), 2);
        assert_ne!(fingerprints[&1], fingerprints[&2]);
    });
    let status = worker.stop();
    assert!(status.success(), "worker exit after SIGTERM: {status}");
}

/// Without SIGHUP: a changed file under the bundle's folder is picked up by the poll; a
/// bundle that no longer parses is refused and the snapshot in force stays.
#[test]
fn a_changed_file_reloads_and_a_broken_bundle_is_refused() {
    let Some(rig) = Rig::start("poll", 1, true) else {
        return;
    };
    let (corpus, port) = (&rig.corpus, rig.http.unwrap());
    let worker = rig.worker("p");
    wait_metrics(port, "generation 1", |b| {
        metric(b, "pouch_gateway_snapshot_generation") == 1
    });
    // A comment added to the bundle changes its bytes, not its meaning: a new snapshot.
    let good = std::fs::read_to_string(&corpus.bundle).unwrap();
    replace_file(&corpus.bundle, &format!("{good}\n# reissued\n"));
    wait_metrics(port, "generation 2 from the poll", |b| {
        metric(b, "pouch_gateway_snapshot_generation") == 2
    });
    replace_file(&corpus.bundle, "format = 1\n[[nation]\n");
    let m = wait_metrics(port, "a refused reload", |b| {
        metric(b, "pouch_gateway_reload_failures_total") >= 1
    });
    assert_eq!(metric(&m, "pouch_gateway_snapshot_generation"), 2);
    assert_eq!(metric(&m, "pouch_gateway_reloads_total"), 1);
    assert_eq!(get(port, "/healthz").0, 200);
    let status = worker.stop();
    assert!(status.success(), "worker exit after SIGTERM: {status}");
}
