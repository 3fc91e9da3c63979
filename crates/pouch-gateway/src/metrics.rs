//! Counters and a latency histogram, rendered in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Upper bounds of the latency histogram's buckets, seconds.
const BUCKETS: [f64; 14] = [
    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Everything the endpoint reports; shared by the worker's tasks.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Decisions that permitted release to a partner.
    pub permitted: AtomicU64,
    /// Decisions that denied it.
    pub denied: AtomicU64,
    /// Messages quarantined as too large.
    pub quarantined_oversized: AtomicU64,
    /// Messages quarantined as not envelopes.
    pub quarantined_malformed: AtomicU64,
    /// Inbound messages delivered more than once.
    pub redeliveries: AtomicU64,
    /// Inbound messages acknowledged (all outputs stored).
    pub acked: AtomicU64,
    /// Outputs the server reported as duplicates (already stored by an earlier delivery).
    pub duplicate_outputs: AtomicU64,
    /// Outputs whose publication failed or was not acknowledged in time.
    pub publish_failures: AtomicU64,
    /// Snapshots loaded after the first.
    pub reloads: AtomicU64,
    /// Reloads that failed (the old snapshot stayed).
    pub reload_failures: AtomicU64,
    /// The snapshot generation in force.
    pub generation: AtomicU64,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
}

impl Metrics {
    /// Records one message's latency from receipt to acknowledgement.
    pub fn observe_latency(&self, d: std::time::Duration) {
        let s = d.as_secs_f64();
        for (b, c) in BUCKETS.iter().zip(&self.latency_buckets) {
            if s <= *b {
                c.fetch_add(1, Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_sum_us
            .fetch_add(d.as_micros().min(u128::from(u64::MAX)) as u64, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let g = |a: &AtomicU64| a.load(Relaxed);
        let _ = writeln!(
            s,
            "# HELP pouch_gateway_decisions_total Decisions per partner, by outcome.\n# TYPE pouch_gateway_decisions_total counter\npouch_gateway_decisions_total{{outcome=\"permitted\"}} {}\npouch_gateway_decisions_total{{outcome=\"denied\"}} {}",
            g(&self.permitted),
            g(&self.denied)
        );
        let _ = writeln!(
            s,
            "# HELP pouch_gateway_quarantined_total Messages quarantined, by reason.\n# TYPE pouch_gateway_quarantined_total counter\npouch_gateway_quarantined_total{{reason=\"oversized\"}} {}\npouch_gateway_quarantined_total{{reason=\"not-an-envelope\"}} {}",
            g(&self.quarantined_oversized),
            g(&self.quarantined_malformed)
        );
        for (name, help, v) in [
            (
                "pouch_gateway_redeliveries_total",
                "Inbound messages delivered more than once.",
                &self.redeliveries,
            ),
            (
                "pouch_gateway_acked_total",
                "Inbound messages acknowledged after every output was stored.",
                &self.acked,
            ),
            (
                "pouch_gateway_duplicate_outputs_total",
                "Outputs the server dropped as duplicates of an earlier delivery's.",
                &self.duplicate_outputs,
            ),
            (
                "pouch_gateway_publish_failures_total",
                "Outputs not stored (the inbound message is left for redelivery).",
                &self.publish_failures,
            ),
            (
                "pouch_gateway_reloads_total",
                "Snapshots of bundle and policies loaded after the first.",
                &self.reloads,
            ),
            (
                "pouch_gateway_reload_failures_total",
                "Reloads refused; the previous snapshot stayed in force.",
                &self.reload_failures,
            ),
        ] {
            let _ = writeln!(
                s,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                g(v)
            );
        }
        let _ = writeln!(
            s,
            "# HELP pouch_gateway_snapshot_generation The snapshot in force.\n# TYPE pouch_gateway_snapshot_generation gauge\npouch_gateway_snapshot_generation {}",
            g(&self.generation)
        );
        let name = "pouch_gateway_latency_seconds";
        let _ = writeln!(
            s,
            "# HELP {name} From receipt of an inbound message to its acknowledgement.\n# TYPE {name} histogram"
        );
        for (b, c) in BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(s, "{name}_bucket{{le=\"{b}\"}} {}", g(c));
        }
        let count = g(&self.latency_count);
        let _ = writeln!(s, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            s,
            "{name}_sum {}\n{name}_count {count}",
            g(&self.latency_sum_us) as f64 / 1e6
        );
        s
    }
}
