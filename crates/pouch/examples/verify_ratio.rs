//! Envelope verify against the raw signature verify, interleaved: on a shared machine whose
//! speed drifts from second to second, timing A for three seconds and then B for three seconds
//! measures the drift as much as the difference. This alternates short batches of A and B,
//! takes the ratio of each adjacent pair, and prints the median ratio and its spread.
//!
//! `cargo run --release -p pouch --example verify_ratio -- [ROUNDS]` (default 301).
//! Used by scripts/bench.sh.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use pouch::{Envelope, Limits, Verifier};

mod common;

use common::{MUST, batch, median, norway, originator, provider, seal_embedded, secret_label};

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(301, |a| a.parse().unwrap());
    let label = secret_label();
    let pki = norway(&MUST);
    let nation = &pki.nations()[0];
    let record: Vec<u8> = (0..1024u32).map(|i| (i * 31 % 251) as u8).collect();
    println!(
        "envelope verify / raw signature verify, interleaved batches, {rounds} rounds (1 KiB embedded record, aws-lc-rs)"
    );
    println!(
        "{:<10} {:>8} {:>8} {:>8}   {:>10} {:>10}",
        "algorithm", "median", "p25", "p75", "raw (us)", "envelope"
    );
    for alg in MUST {
        let issued = nation.signer(alg).unwrap();
        let key = issued.signing_key(provider()).unwrap();
        let req = originator(key.as_ref(), nation, issued);
        let env = seal_embedded(&label, &req, &record, None, None);
        let decoded = Envelope::decode(&env, &Limits::default()).unwrap();
        let tbs = decoded.to_be_signed(0).unwrap();
        let sig = decoded.seals()[0].signature().to_vec();
        let spki = issued.certificate.subject_public_key_info().to_vec();
        let scheme = provider().signature(alg).unwrap();
        let verifier = Verifier::without_trust(provider());
        assert!(verifier.verify(&env, None).is_valid());
        scheme.verify(&spki, &tbs, &sig).unwrap();
        // Batches of about a millisecond each.
        let per = batch(50, &mut || {
            scheme
                .verify(black_box(&spki), black_box(&tbs), black_box(&sig))
                .unwrap()
        }) / 50.0;
        let n = ((1_000_000.0 / per) as u32).max(4);
        let mut ratios = Vec::with_capacity(rounds);
        let (mut raw_total, mut env_total) = (0.0, 0.0);
        for i in 0..rounds {
            // Alternate which goes first, so a drift within a pair cancels over the rounds.
            let (a, b) = if i % 2 == 0 {
                let a = batch(n, &mut || {
                    scheme
                        .verify(black_box(&spki), black_box(&tbs), black_box(&sig))
                        .unwrap()
                });
                let b = batch(n, &mut || {
                    assert!(verifier.verify(black_box(&env), None).is_valid())
                });
                (a, b)
            } else {
                let b = batch(n, &mut || {
                    assert!(verifier.verify(black_box(&env), None).is_valid())
                });
                let a = batch(n, &mut || {
                    scheme
                        .verify(black_box(&spki), black_box(&tbs), black_box(&sig))
                        .unwrap()
                });
                (a, b)
            };
            ratios.push(b / a);
            raw_total += a;
            env_total += b;
        }
        let mut sorted = ratios.clone();
        let med = median(&mut sorted);
        let p25 = sorted[sorted.len() / 4];
        let p75 = sorted[sorted.len() * 3 / 4];
        let calls = f64::from(n) * rounds as f64;
        println!(
            "{:<10} {:>8.3} {:>8.3} {:>8.3}   {:>10.1} {:>10.1}",
            alg.name(),
            med,
            p25,
            p75,
            raw_total / calls / 1000.0,
            env_total / calls / 1000.0
        );
    }
    println!("target: median <= 1.10 for every MUST algorithm (issue 3)");
}
