//! What the envelope costs on top of the cryptography it wraps, with the aws-lc-rs provider.
//!
//! Every benchmark comes in a pair, measured one right after the other, so that
//! `scripts/bench.sh` can print ratios from one run (absolute times on a shared 2-core
//! machine mean little):
//!
//! * `verify/{envelope,raw}/ALG`: `Verifier::verify` of an envelope with a 1 KiB embedded
//!   record, against `SignatureScheme::verify` with the leaf's SPKI over that envelope's own
//!   Sig_structure and signature (so the message has the same size and the signature the
//!   same kind).
//! * `seal/{envelope,raw}/ALG`: `pouch::seal` of a 1 KiB record, against
//!   `SigningKey::sign` of a message the size of that seal's Sig_structure.
//! * `detached/{verify,raw-digest}/DIGEST`: verifying a detached envelope with the record
//!   streamed from memory, against the provider's digest over the same bytes fed in the same
//!   256 KiB chunks.
//! * `verify-parts/PART/ALG`: the non-cryptographic steps of `verify` on their own (decoding,
//!   reading the leaf certificate and, within that, formatting its subject, building the
//!   Sig_structure, the label rules), to say where any overhead comes from.
//!
//! `POUCH_BENCH_DETACHED_MIB` sets the detached record's size (default 64).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::Cursor;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use pouch::{Envelope, Limits, Payload, SealRequest, Verifier, leaf_info};
use pouch_crypto::{Algorithm, DigestAlgorithm, SigningKey};
use pouch_label::Label;
use pouch_testkit::Coalition;

#[path = "../examples/common/mod.rs"]
mod common;

use common::{MUST, NOW, norway, now, provider, secret_label, xorshift_bytes};

/// The embedded record.
const RECORD_BYTES: usize = 1024;
/// The chunk size `digest_reader` reads with, used for the raw digest too.
const CHUNK: usize = 256 * 1024;

/// Deterministic bytes (not all equal, so nothing can shortcut them).
fn record(len: usize) -> Vec<u8> {
    xorshift_bytes(0x9E37_79B9_7F4A_7C15, len, 24)
}

struct Signer {
    alg: Algorithm,
    key: Box<dyn SigningKey>,
    chain: Vec<Vec<u8>>,
    spki: Vec<u8>,
}

impl Signer {
    fn new(coalition: &Coalition, alg: Algorithm) -> Signer {
        let nation = &coalition.nations()[0];
        let issued = nation.signer(alg).unwrap();
        let key = issued.signing_key(provider()).unwrap();
        let spki = issued.certificate.subject_public_key_info().to_vec();
        // The key `verify` uses is the one read from the leaf certificate: the same bytes.
        assert_eq!(leaf_info(issued.certificate.der()).unwrap().spki, spki);
        Signer {
            alg,
            key,
            chain: nation.signer_chain(issued),
            spki,
        }
    }

    fn request(&self) -> SealRequest<'_> {
        SealRequest::originator(self.key.as_ref(), self.chain.clone(), now())
    }
}

fn seal_embedded(label: &Label, req: &SealRequest<'_>, data: &[u8]) -> Vec<u8> {
    common::seal_embedded(label, req, data, Some([7; 16]), Some(now()))
}

fn embedded(c: &mut Criterion) {
    let coalition = norway(&MUST);
    let label = secret_label();
    let data = record(RECORD_BYTES);
    let verifier = Verifier::without_trust(provider());
    let limits = Limits::default();
    let signers: Vec<Signer> = MUST.iter().map(|a| Signer::new(&coalition, *a)).collect();

    let mut verify = c.benchmark_group("verify");
    for s in &signers {
        let name = s.alg.name();
        let scheme = provider().signature(s.alg).unwrap();
        let envelope = seal_embedded(&label, &s.request(), &data);
        assert!(
            verifier.verify(&envelope, None).is_valid(),
            "{name}: envelope does not verify"
        );
        let decoded = Envelope::decode(&envelope, &limits).unwrap();
        let tbs = decoded.to_be_signed(0).unwrap();
        let signature = decoded.seals()[0].signature().to_vec();
        scheme.verify(&s.spki, &tbs, &signature).unwrap();
        eprintln!(
            "{name}: envelope {} bytes, Sig_structure {} bytes, signature {} bytes, leaf certificate {} bytes",
            envelope.len(),
            tbs.len(),
            signature.len(),
            s.chain[0].len()
        );
        // Warm: one verifier for many envelopes from the same signer (its leaf is parsed
        // once), as a gateway runs.
        verify.bench_function(BenchmarkId::new("envelope", name), |b| {
            b.iter(|| verifier.verify(black_box(&envelope), None));
        });
        // Cold: a fresh verifier per envelope, so the leaf certificate is parsed every time.
        verify.bench_function(BenchmarkId::new("envelope-cold", name), |b| {
            b.iter(|| Verifier::without_trust(provider()).verify(black_box(&envelope), None));
        });
        verify.bench_function(BenchmarkId::new("raw", name), |b| {
            b.iter(|| scheme.verify(black_box(&s.spki), black_box(&tbs), black_box(&signature)));
        });
    }
    verify.finish();

    let mut seal = c.benchmark_group("seal");
    for s in &signers {
        let name = s.alg.name();
        let req = s.request();
        let envelope = seal_embedded(&label, &req, &data);
        let tbs = Envelope::decode(&envelope, &limits)
            .unwrap()
            .to_be_signed(0)
            .unwrap();
        seal.bench_function(BenchmarkId::new("envelope", name), |b| {
            b.iter(|| seal_embedded(black_box(&label), &req, black_box(&data)));
        });
        seal.bench_function(BenchmarkId::new("raw", name), |b| {
            b.iter(|| s.key.sign(black_box(&tbs)).unwrap());
        });
    }
    seal.finish();

    // Where the difference between `verify/envelope` and `verify/raw` goes: each step of
    // `Verifier::verify` other than the signature check, alone.
    let mut parts = c.benchmark_group("verify-parts");
    for s in &signers {
        let name = s.alg.name();
        let envelope = seal_embedded(&label, &s.request(), &data);
        let decoded = Envelope::decode(&envelope, &limits).unwrap();
        parts.bench_function(BenchmarkId::new("decode", name), |b| {
            b.iter(|| Envelope::decode(black_box(&envelope), &limits).unwrap());
        });
        parts.bench_function(BenchmarkId::new("leaf-info", name), |b| {
            b.iter(|| leaf_info(black_box(&s.chain[0])).unwrap());
        });
        // Of `leaf-info`: the RFC 4514 subject string alone (x509-cert's `Display` for `Name`).
        parts.bench_function(BenchmarkId::new("sig-structure", name), |b| {
            b.iter(|| black_box(&decoded).to_be_signed(0).unwrap());
        });
        parts.bench_function(BenchmarkId::new("label-check", name), |b| {
            b.iter(|| pouch_label::check(black_box(&decoded).label()));
        });
    }
    parts.finish();
}

fn detached(c: &mut Criterion) {
    let mib: usize = std::env::var("POUCH_BENCH_DETACHED_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let coalition = norway(&MUST);
    let label = secret_label();
    let data = record(mib << 20);
    let verifier = Verifier::without_trust(provider());

    let mut group = c.benchmark_group("detached");
    group
        .throughput(Throughput::Bytes(data.len() as u64))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat);
    for (digest, alg) in [
        (DigestAlgorithm::Sha256, Algorithm::Es256),
        (DigestAlgorithm::Sha384, Algorithm::Es384),
    ] {
        let name = digest.name();
        let signer = Signer::new(&coalition, alg);
        let envelope = pouch::seal(
            provider(),
            &label,
            Payload::Detached {
                data: &mut Cursor::new(&data[..]),
                digest,
                content_type: None,
                location: None,
            },
            &signer.request(),
            Some([7; 16]),
            Some(now()),
        )
        .unwrap();
        let report = verifier.verify(&envelope, Some(&mut Cursor::new(&data[..])));
        assert!(report.is_valid() && report.has(pouch_status::PAYLOAD_DIGEST_MATCH));
        let scheme = provider().digest(digest).unwrap();

        group.bench_function(BenchmarkId::new("verify", name), |b| {
            b.iter(|| {
                let mut r = Cursor::new(black_box(&data[..]));
                verifier.verify(black_box(&envelope), Some(&mut r))
            });
        });
        group.bench_function(BenchmarkId::new("raw-digest", name), |b| {
            b.iter(|| {
                let mut d = scheme.start();
                for chunk in black_box(&data[..]).chunks(CHUNK) {
                    d.update(chunk);
                }
                d.finish()
            });
        });
    }
    group.finish();
}

/// Issue 4's benchmark: verifying envelopes from one signer with the trust stage (warm
/// validator: its chain cache holds the path) against signature-only verification of the
/// same envelope; and one cold chain validation (a fresh validator, full path building).
fn trust(c: &mut Criterion) {
    use pouch_trust::ChainValidator;
    let pki = pouch_testkit::demo_pki(provider(), None, NOW).unwrap();
    let bundle = pki.trust_bundle().unwrap();
    let nor = pki.coalition.nation("NOR").unwrap();
    let mut group = c.benchmark_group("trust");
    for alg in [Algorithm::Es384, Algorithm::MlDsa65] {
        let issued = nor.signer(alg).unwrap();
        let key = issued.signing_key(provider()).unwrap();
        let chain = nor.signer_chain(issued);
        let req = SealRequest::originator(key.as_ref(), chain.clone(), now());
        let envelope = seal_embedded(&secret_label(), &req, &record(RECORD_BYTES));
        let at = pouch_label::DateTime::from_unix(NOW + 60, 0).unwrap();
        let plain = Verifier::builder(provider())
            .at(at)
            .without_trust()
            .build()
            .unwrap();
        let trusted = plain.to_builder().trust(bundle.clone()).build().unwrap();
        let r = trusted.verify(&envelope, None);
        assert!(r.is_valid() && r.signers_trusted(), "{r:?}");
        let name = alg.name();
        group.bench_function(BenchmarkId::new("signature-only", name), |b| {
            b.iter(|| plain.verify(black_box(&envelope), None));
        });
        group.bench_function(BenchmarkId::new("with-trust", name), |b| {
            b.iter(|| trusted.verify(black_box(&envelope), None));
        });
        group.bench_function(BenchmarkId::new("cold-chain", name), |b| {
            b.iter(|| {
                let v = ChainValidator::new(provider(), &bundle).unwrap();
                v.validate(black_box(&chain), NOW, NOW + 60)
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Bounded so that scripts/bench.sh stays within minutes on 2 cores; the command line
    // (`--warm-up-time`, `--measurement-time`) overrides these.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = embedded, detached, trust
}
criterion_main!(benches);
