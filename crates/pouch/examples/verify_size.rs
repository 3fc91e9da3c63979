//! Per-envelope verify cost against envelope size, 1 KiB to 100 MiB, embedded and detached, as
//! ratios measured in one run: each size's envelope verify against the raw cryptography it
//! cannot avoid (aws-lc-rs), and against the 1 KiB envelope.
//!
//! `cargo run --release -p pouch --example verify_size -- [MAX_MIB] [ALG,...]`
//! (defaults 100 and `ES256,ES384,ML-DSA-65`). Used by scripts/bench-bulk.sh.
//!
//! * Embedded: `Verifier::verify(envelope, None)` against `SignatureScheme::verify` over the
//!   same Sig_structure and signature. The Sig_structure holds the record, so the raw side
//!   hashes the record too, inside the signature scheme.
//! * Detached: `Verifier::verify(envelope, Some(record))`, the record streamed from memory,
//!   against a raw digest of the same bytes (same 256 KiB chunks) plus the raw signature verify
//!   of the envelope's small Sig_structure. SHA-256 records for ES256, SHA-384 otherwise.
//!
//! Envelopes over the default 64 MiB limit (the 100 MiB embedded one) need
//! `limits.max_envelope_bytes` raised: this example sets it to 128 MiB for every case.
//!
//! Like `verify_ratio`, the two sides alternate in short batches and the median of the
//! per-pair ratios is reported, since this shared machine's speed drifts.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::Cursor;

use pouch::{Envelope, Limits, Payload, Verifier};
use pouch_crypto::{Algorithm, DigestAlgorithm};
use pouch_label::{Label, Limits as LabelLimits};

mod common;

use common::{batch, median, norway, originator, provider};

const CHUNK: usize = 256 * 1024;
const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;

struct Measured {
    /// Median of envelope/raw per pair, with p25 and p75.
    ratio: (f64, f64, f64),
    /// Median nanoseconds per call, envelope and raw.
    env_ns: f64,
    raw_ns: f64,
}

/// Alternates batches of `raw` and `env` (which goes first alternates too) for about
/// `budget_ms`, at least 5 pairs.
fn interleave(budget_ms: f64, raw: &mut dyn FnMut(), env: &mut dyn FnMut()) -> Measured {
    // Calibrate: one call of each (warms caches and the verifier's leaf cache).
    let one = batch(1, env).max(batch(1, raw)).max(1.0);
    // Batches of about 2 ms, or one call when a call is longer.
    let n = ((2e6 / one) as u32).clamp(1, 10_000);
    let pairs = ((budget_ms * 1e6 / (2.0 * one * f64::from(n))) as usize).clamp(5, 401);
    let (mut ratios, mut envs, mut raws) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..pairs {
        let (a, b) = if i % 2 == 0 {
            let a = batch(n, raw);
            (a, batch(n, env))
        } else {
            let b = batch(n, env);
            (batch(n, raw), b)
        };
        ratios.push(b / a);
        envs.push(b / f64::from(n));
        raws.push(a / f64::from(n));
    }
    let med = median(&mut ratios);
    let (p25, p75) = (ratios[ratios.len() / 4], ratios[ratios.len() * 3 / 4]);
    Measured {
        ratio: (med, p25, p75),
        env_ns: median(&mut envs),
        raw_ns: median(&mut raws),
    }
}

fn raw_digest(alg: DigestAlgorithm, data: &[u8]) -> Vec<u8> {
    let mut d = provider().digest(alg).unwrap().start();
    for c in data.chunks(CHUNK) {
        d.update(c);
    }
    d.finish()
}

fn main() {
    let max_mib: usize = std::env::args().nth(1).map_or(100, |a| a.parse().unwrap());
    let algs: Vec<Algorithm> = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "ES256,ES384,ML-DSA-65".into())
        .split(',')
        .map(|n| Algorithm::from_name(n).unwrap_or_else(|| panic!("unknown algorithm {n}")))
        .collect();
    let sizes: Vec<usize> = [KIB, 64 * KIB, MIB, 16 * MIB, 100 * MIB]
        .into_iter()
        .filter(|&s| s <= max_mib.max(1) * MIB)
        .collect();
    let label = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET"},
          "creationDateTime":"2026-11-28T09:15:00Z"}"#,
        &LabelLimits::default(),
    )
    .unwrap();
    let pki = norway(&algs);
    let nation = &pki.nations()[0];
    let verifier = Verifier::builder(provider())
        .limits(Limits {
            max_envelope_bytes: 128 * MIB,
            ..Limits::default()
        })
        .without_trust()
        .build()
        .unwrap();
    let big = 128 * MIB;
    let mut record: Vec<u8> = Vec::with_capacity(sizes.last().copied().unwrap_or(KIB));
    let mut x = 0x2545_f491_4f6c_dd1du64;
    while record.len() < record.capacity() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        record.extend_from_slice(&x.to_le_bytes());
    }
    println!(
        "per-envelope verify against size (aws-lc-rs; signature-only verifier, limits.max_envelope_bytes raised to {} MiB)",
        big / MIB
    );
    println!(
        "{:<10} {:<9} {:>8}  {:>7} {:>7} {:>7}  {:>9} {:>9}  {:>12} {:>12}",
        "algorithm",
        "payload",
        "size",
        "env/raw",
        "p25",
        "p75",
        "vs 1 KiB",
        "raw vs 1K",
        "env (us)",
        "raw (us)"
    );
    for &alg in &algs {
        let issued = nation.signer(alg).unwrap();
        let key = issued.signing_key(provider()).unwrap();
        let req = originator(key.as_ref(), nation, issued);
        let spki = issued.certificate.subject_public_key_info().to_vec();
        let scheme = provider().signature(alg).unwrap();
        let digest = if alg == Algorithm::Es256 {
            DigestAlgorithm::Sha256
        } else {
            DigestAlgorithm::Sha384
        };
        for detached in [false, true] {
            let mut base: Option<(f64, f64)> = None;
            for &size in &sizes {
                let data = &record[..size];
                let payload = if detached {
                    Payload::Detached {
                        data: &mut Cursor::new(data),
                        digest,
                        content_type: None,
                        location: None,
                    }
                } else {
                    Payload::Embedded {
                        data,
                        content_type: None,
                    }
                };
                let env = pouch::seal(provider(), &label, payload, &req, None, None).unwrap();
                let decoded = Envelope::decode(&env, verifier.limits()).unwrap();
                let tbs = decoded.to_be_signed(0).unwrap();
                let sig = decoded.seals()[0].signature().to_vec();
                drop(decoded);
                let check = if detached {
                    verifier.verify(&env, Some(&mut Cursor::new(data)))
                } else {
                    verifier.verify(&env, None)
                };
                assert!(check.is_valid(), "{alg:?} {size}: {check:?}");
                let mut raw = || {
                    if detached {
                        black_box(raw_digest(digest, black_box(data)));
                    }
                    scheme
                        .verify(black_box(&spki), black_box(&tbs), black_box(&sig))
                        .unwrap();
                };
                let mut envf = || {
                    let r = if detached {
                        verifier.verify(black_box(&env), Some(&mut Cursor::new(black_box(data))))
                    } else {
                        verifier.verify(black_box(&env), None)
                    };
                    assert!(r.is_valid());
                };
                // Larger cases get more time but fewer pairs (at least 5).
                let budget = if size <= MIB { 400.0 } else { 1500.0 };
                let m = interleave(budget, &mut raw, &mut envf);
                let (b_env, b_raw) = *base.get_or_insert((m.env_ns, m.raw_ns));
                println!(
                    "{:<10} {:<9} {:>8}  {:>7.3} {:>7.3} {:>7.3}  {:>9.1} {:>9.1}  {:>12.1} {:>12.1}",
                    alg.name(),
                    if detached { "detached" } else { "embedded" },
                    if size >= MIB {
                        format!("{} MiB", size / MIB)
                    } else {
                        format!("{} KiB", size / KIB)
                    },
                    m.ratio.0,
                    m.ratio.1,
                    m.ratio.2,
                    m.env_ns / b_env,
                    m.raw_ns / b_raw,
                    m.env_ns / 1e3,
                    m.raw_ns / 1e3
                );
            }
        }
    }
    println!(
        "env/raw: median per-pair ratio of envelope verify to raw verify (+ raw digest when detached);"
    );
    println!(
        "vs 1 KiB: this size's envelope verify time / the 1 KiB envelope's (same algorithm and payload form);"
    );
    println!("raw vs 1K: the same for the raw side. Target (issue 9): env/raw <= 1.15.");
}
