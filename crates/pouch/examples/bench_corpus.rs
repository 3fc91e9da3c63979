//! Writes the records, keys and envelopes that `scripts/bench-bulk.sh` and `bench/compare.sh`
//! measure, so that every tool in a comparison works on the same bytes with the same keys.
//!
//! `cargo run --release -p pouch --example bench_corpus -- OUT N M`
//!
//! * `OUT/pki/`: a seeded coalition laid out as `pouch pki demo` writes it (NOR, DNK, NLD; a
//!   root and an intermediate CA each, ES384) but with ES256, ES384 and ML-DSA-65 signers, each
//!   CA's CRL, and `bundle.toml`. The demo coalition itself has no ES256 signer in good
//!   standing, and the comparison with CMS needs one.
//! * `OUT/bulk-1x.cborseq`: `N` envelopes (CBOR sequence, RFC 8742), each a 1 KiB embedded
//!   record, signers cycling over the three nations and the three algorithms.
//!   `OUT/bulk-10x.cborseq`: the same `N` envelopes ten times over (10 N), to show that peak
//!   memory does not grow with the input's length; repeating costs the verifier nothing it
//!   could skip (it caches parsed leaves and chains, never verdicts).
//! * `OUT/cmp/`: `M` records for the peer comparison, `rNNNNN.bin` (1 KiB), each sealed
//!   (embedded) by an ES256 or ES384 signer in turn into `pouch/rNNNNN.pouch`, and
//!   `signers.tsv` (`rNNNNN<TAB>NATION<TAB>ALG`) naming the key and chain, so the script can
//!   make the CMS SignedData of the same record with the same key and certificates;
//!   `probe-ALG.pouch`, one envelope per signer algorithm (ML-DSA-65 included), to ask each
//!   peer which it can decode at all.
//!
//! Labels are NATO CONFIDENTIAL, which every nation of the bundle may seal, so each envelope
//! verifies with `pouch verify --trust OUT/pki/bundle.toml --at 2026-11-28T12:00:00Z`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Write;
use std::path::Path;

use pouch_crypto::Algorithm;
use pouch_label::{Label, Limits as LabelLimits};
use pouch_testkit::build_crl;
use pouch_testkit::{CoalitionSpec, DemoPki, Issued, NationPki, demo_nations, seeded_pkcs8};

mod common;

use common::{NOW, originator, provider, seal_embedded, xorshift_bytes};

const SIGNERS: [Algorithm; 3] = [Algorithm::Es256, Algorithm::Es384, Algorithm::MlDsa65];
const RECORD: usize = 1024;

/// A deterministic 1 KiB record: an xorshift stream seeded by its index.
fn record(i: u64) -> Vec<u8> {
    let seed = 0x9e37_79b9_7f4a_7c15u64 ^ (i.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
    xorshift_bytes(seed, RECORD, 32)
}

fn label() -> Label {
    Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"CONFIDENTIAL",
          "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK","NLD","NOR"]}]},
          "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#,
        &LabelLimits::default(),
    )
    .unwrap()
}

/// The seeded coalition with its CRLs, as a `DemoPki` so that it writes the same layout and
/// bundle as `pouch pki demo`.
fn pki() -> DemoPki {
    // Keys and certificates come from the deterministic provider, as `pouch pki demo --seed`.
    let rc = pouch_crypto_rustcrypto::provider();
    let coalition = CoalitionSpec::new(Algorithm::Es384, &SIGNERS, NOW)
        .unwrap()
        .build_with_keys(rc, &demo_nations().unwrap(), &mut |slot| {
            let what = format!(
                "bench/{}/{:?}/{}",
                slot.nation.code_alpha3(),
                slot.role,
                slot.algorithm.name()
            );
            seeded_pkcs8(rc, slot.algorithm, what.as_bytes())
        })
        .unwrap();
    let mut crls = Vec::new();
    for n in coalition.nations() {
        for (file, ca) in [("intermediate", &n.intermediate), ("root", &n.root)] {
            let key = ca.signing_key(rc).unwrap();
            let crl = build_crl(
                rc,
                &ca.certificate,
                key.as_ref(),
                &[],
                NOW - 3600,
                NOW + 30 * 86_400,
            )
            .unwrap();
            crls.push((format!("{}/{file}.crl", n.nation.code_alpha3()), crl));
        }
    }
    DemoPki {
        coalition,
        bad_signers: Vec::new(),
        crls,
    }
}

fn seal_one(nation: &NationPki, signer: &Issued, label: &Label, data: &[u8]) -> Vec<u8> {
    let key = signer.signing_key(provider()).unwrap();
    let req = originator(key.as_ref(), nation, signer);
    seal_embedded(label, &req, data, None, None)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: bench_corpus OUT N M");
        std::process::exit(2);
    }
    let out = Path::new(&args[1]);
    let n: u64 = args[2].parse().unwrap();
    let m: u64 = args[3].parse().unwrap();
    fs::create_dir_all(out.join("cmp/pouch")).unwrap();
    let pki = pki();
    pki.write(&out.join("pki")).unwrap();
    let label = label();
    let nations = pki.coalition.nations();

    // The bulk sequence: signer k of nation j for envelope i, cycling through all nine.
    let mut seq = Vec::new();
    for i in 0..n {
        let nation = &nations[(i / 3 % 3) as usize];
        let signer = nation.signer(SIGNERS[(i % 3) as usize]).unwrap();
        seq.extend(seal_one(nation, signer, &label, &record(i)));
    }
    fs::write(out.join("bulk-1x.cborseq"), &seq).unwrap();
    let mut f = fs::File::create(out.join("bulk-10x.cborseq")).unwrap();
    for _ in 0..10 {
        f.write_all(&seq).unwrap();
    }

    // The peer comparison: ES256 and ES384 only (what CMS and pycose are compared on).
    let mut tsv = String::new();
    for i in 0..m {
        let name = format!("r{i:05}");
        let nation = &nations[(i / 2 % 3) as usize];
        let alg = [Algorithm::Es256, Algorithm::Es384][(i % 2) as usize];
        let data = record(1_000_000 + i);
        let env = seal_one(nation, nation.signer(alg).unwrap(), &label, &data);
        fs::write(out.join(format!("cmp/{name}.bin")), &data).unwrap();
        fs::write(out.join(format!("cmp/pouch/{name}.pouch")), &env).unwrap();
        tsv.push_str(&format!(
            "{name}\t{}\t{}\n",
            nation.nation.code_alpha3(),
            alg.name()
        ));
    }
    fs::write(out.join("cmp/signers.tsv"), tsv).unwrap();
    // One envelope per signer algorithm, to ask the peers what they can decode at all.
    let nor = &nations[0];
    for alg in SIGNERS {
        let env = seal_one(nor, nor.signer(alg).unwrap(), &label, &record(2_000_000));
        fs::write(out.join(format!("cmp/probe-{}.pouch", alg.name())), env).unwrap();
    }
    println!(
        "bench corpus in {}: {n} envelopes (x1 and x10 sequences), {m} comparison records",
        out.display()
    );
}
