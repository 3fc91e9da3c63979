//! The floor of bulk verification: the bare signature verify (aws-lc-rs) of each envelope's
//! own Sig_structure and signature, keys extracted beforehand, for `bench/gateway.py`.
//!
//! `raw_verify ROUNDS FILE.cborseq` prints `raw_ns_per_envelope N` (the best of ROUNDS passes
//! over every envelope: the least disturbed by other load on a shared machine).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Instant;

use pouch::{Algorithm, Envelope, Limits, leaf_info};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args[1].parse().unwrap();
    let items = pouch_gateway::read_items(std::path::Path::new(&args[2]), 64 << 20).unwrap();
    let provider = pouch_crypto_awslc::provider();
    let prepared: Vec<_> = items
        .iter()
        .map(|bytes| {
            let env = Envelope::decode(bytes, &Limits::default()).unwrap();
            let seal = &env.seals()[0];
            let h = seal.header().unwrap();
            let alg = Algorithm::from_cose_id(h.alg).unwrap();
            (
                provider.signature(alg).unwrap(),
                leaf_info(&h.chain[0]).unwrap().spki,
                env.to_be_signed(0).unwrap(),
                seal.signature().to_vec(),
            )
        })
        .collect();
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        for (scheme, spki, tbs, sig) in &prepared {
            // Tampered envelopes fail here as they fail in the pipeline: same work either way.
            let _ = black_box(scheme.verify(spki, tbs, sig));
        }
        best = best.min(t.elapsed().as_nanos() as f64 / prepared.len() as f64);
    }
    println!("raw_ns_per_envelope {best:.0}");
}
