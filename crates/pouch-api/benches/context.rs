//! The cost of one verification three ways: a borrowed `Verifier` built once (the Rust
//! caller's way), the owned `VerifyContext` (validator and verifier kept in a self_cell),
//! and rebuilding the validator and verifier from owned parts on every call.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pouch::{Trust, Verifier};
use pouch_trust::{ChainValidator, load_bundle};

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/envelopes");
    let env = std::fs::read(dir.join("env-alg-es384/envelope.cbor")).unwrap();
    let provider = pouch_crypto_rustcrypto::provider();
    let bundle = load_bundle(&dir.join("pki/bundle.toml")).unwrap();
    let at = pouch_label::DateTime::parse_canonical("2026-11-28T11:00:00Z")
        .unwrap()
        .unix_seconds();

    let validator = ChainValidator::new(provider, &bundle).unwrap();
    let mut borrowed = Verifier::new(provider);
    borrowed.at = Some(at);
    borrowed.trust = Some(Trust {
        bundle: &bundle,
        validator: &validator,
    });
    assert!(borrowed.verify(&env, None).signers_trusted());

    let mut files = HashMap::new();
    for n in ["NOR", "DNK", "NLD"] {
        for f in [
            "root.pem",
            "intermediate.pem",
            "root.crl",
            "intermediate.crl",
        ] {
            let name = format!("{n}/{f}");
            files.insert(
                name.clone(),
                std::fs::read(dir.join("pki").join(&name)).unwrap(),
            );
        }
    }
    let mut ctx = pouch_api::VerifyContext::new(Some("rustcrypto")).unwrap();
    ctx.set_trust(
        &std::fs::read_to_string(dir.join("pki/bundle.toml")).unwrap(),
        &files,
    )
    .unwrap();
    ctx.set_at(Some("2026-11-28T11:00:00Z")).unwrap();
    assert!(ctx.verify(&env, None).signers_trusted());

    let mut g = c.benchmark_group("verify ES384 + trust (rustcrypto)");
    g.bench_function("borrowed Verifier", |b| {
        b.iter(|| borrowed.verify(&env, None))
    });
    g.bench_function("VerifyContext (self_cell)", |b| {
        b.iter(|| ctx.verify(&env, None))
    });
    g.bench_function("rebuilt per call", |b| {
        b.iter(|| {
            let validator = ChainValidator::new(provider, &bundle).unwrap();
            let mut v = Verifier::new(provider);
            v.at = Some(at);
            v.trust = Some(Trust {
                bundle: &bundle,
                validator: &validator,
            });
            v.verify(&env, None)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
