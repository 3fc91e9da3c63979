//! Per-envelope verify time of the Pouch library over a set of envelope files, by algorithm,
//! next to the raw aws-lc-rs signature verify of the same envelopes: the Rust side of the
//! pycose comparison in `bench/compare.sh`.
//!
//! `cargo run --release -p pouch --example verify_files -- ROUNDS FILE...`
//!
//! Every file is read first. Each round then times, per algorithm, one pass of
//! `Verifier::verify` over that algorithm's envelopes (signature stage, no trust bundle: the
//! same trust level as pycose, which checks the signature with a key it is given) and one
//! pass of the raw `SignatureScheme::verify` over the same Sig_structures and signatures
//! (public keys extracted beforehand), the two in alternating order. Prints, per algorithm,
//! the median over rounds of nanoseconds per envelope, `pouch ALG NS` and `raw ALG NS`, the
//! median of the per-round ratios pouch / raw, `ratio ALG R`, and `count ALG N`; `ALG` `all`
//! is every envelope in one pass.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use pouch::{Envelope, Limits, Verifier, leaf_info};
use pouch_crypto::Algorithm;

mod common;

use common::{median, provider};

struct Item {
    bytes: Vec<u8>,
    spki: Vec<u8>,
    tbs: Vec<u8>,
    sig: Vec<u8>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().expect("ROUNDS FILE...").parse().unwrap();
    let mut groups: BTreeMap<&'static str, (Algorithm, Vec<Item>)> = BTreeMap::new();
    for path in args {
        let bytes = std::fs::read(&path).unwrap();
        let env = Envelope::decode(&bytes, &Limits::default()).unwrap();
        let seal = &env.seals()[0];
        let header = seal.header().unwrap();
        let alg = Algorithm::from_cose_id(header.alg).unwrap();
        let spki = leaf_info(&header.chain[0]).unwrap().spki;
        let item = Item {
            tbs: env.to_be_signed(0).unwrap(),
            sig: seal.signature().to_vec(),
            spki,
            bytes,
        };
        groups
            .entry(alg.name())
            .or_insert_with(|| (alg, Vec::new()))
            .1
            .push(item);
    }
    let verifier = Verifier::without_trust(provider());
    // Every envelope must verify before it is timed.
    for (name, (alg, items)) in &groups {
        let scheme = provider().signature(*alg).unwrap();
        for it in items {
            assert!(verifier.verify(&it.bytes, None).is_valid(), "{name}");
            scheme.verify(&it.spki, &it.tbs, &it.sig).unwrap();
        }
    }
    let mut sets: Vec<(&str, Vec<(Algorithm, &Item)>)> = groups
        .iter()
        .map(|(name, (alg, items))| (*name, items.iter().map(|i| (*alg, i)).collect()))
        .collect();
    let all: Vec<(Algorithm, &Item)> = sets.iter().flat_map(|(_, v)| v.clone()).collect();
    sets.push(("all", all));
    for (name, items) in &sets {
        let schemes: Vec<_> = items
            .iter()
            .map(|(alg, _)| provider().signature(*alg).unwrap())
            .collect();
        let pouch = || {
            let t = Instant::now();
            for (_, it) in items {
                assert!(verifier.verify(black_box(&it.bytes), None).is_valid());
            }
            t.elapsed().as_nanos() as f64 / items.len() as f64
        };
        let raw = || {
            let t = Instant::now();
            for ((_, it), scheme) in items.iter().zip(&schemes) {
                scheme
                    .verify(black_box(&it.spki), black_box(&it.tbs), black_box(&it.sig))
                    .unwrap();
            }
            t.elapsed().as_nanos() as f64 / items.len() as f64
        };
        let (mut p, mut r, mut q) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..rounds.max(1) {
            let (a, b) = if i % 2 == 0 {
                let a = pouch();
                (a, raw())
            } else {
                let b = raw();
                (pouch(), b)
            };
            p.push(a);
            r.push(b);
            q.push(a / b);
        }
        println!("count {name} {}", items.len());
        println!("pouch {name} {:.0}", median(&mut p));
        println!("raw {name} {:.0}", median(&mut r));
        println!("ratio {name} {:.4}", median(&mut q));
    }
}
