//! Writes the gateway tests' corpus for the benchmark and the two-domain script, so that they
//! measure and show the envelopes the tests check.
//!
//! `cargo run --release -p pouch-gateway --example gateway_corpus -- OUT N [mixed|envelopes|permitted]`
//!
//! * `OUT/pki/`: the trusted demo coalition and `bundle.toml` (the gateway's `[verify] trust`);
//! * `OUT/inputs/NNNNNN.bin`: `N` inputs of the tests' mix (default `mixed`: also messages
//!   that are not envelopes and oversized ones), or envelopes only (`envelopes`: every kind
//!   that decodes, tampered, untrusted and denied included), or only envelopes permitted to
//!   both partners (`permitted`);
//! * `OUT/envelopes.cborseq`: the same inputs as one CBOR sequence, unless `mixed`;
//! * prints the SPIF's path and the count of each kind.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gateway_corpus OUT N [mixed|envelopes|permitted]");
        std::process::exit(2);
    }
    let out = Path::new(&args[1]);
    let n: usize = args[2].parse().unwrap();
    let mode = args.get(3).map_or("mixed", String::as_str);
    let keep = |k: corpus::Kind| match mode {
        "mixed" => true,
        "envelopes" => !k.quarantined(),
        "permitted" => k == corpus::Kind::PermitBoth,
        other => panic!("unknown mode {other}"),
    };
    // Kinds cycle with period 10: build enough to keep n of the wanted ones.
    let per10 = (0..10).filter(|i| keep(corpus::Kind::of(*i))).count();
    let c = corpus::build(out, n.div_ceil(per10) * 10);
    let items: Vec<&corpus::Item> = c.items.iter().filter(|i| keep(i.kind)).take(n).collect();
    let dir = out.join("inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let mut seq = Vec::new();
    let mut counts = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        std::fs::write(dir.join(format!("{i:06}.bin")), &item.bytes).unwrap();
        seq.extend_from_slice(&item.bytes);
        *counts.entry(format!("{:?}", item.kind)).or_insert(0usize) += 1;
    }
    if mode != "mixed" {
        std::fs::write(out.join("envelopes.cborseq"), seq).unwrap();
    }
    println!("spif {}", c.spif.canonicalize().unwrap().display());
    println!("bundle {}", c.bundle.display());
    for (k, v) in counts {
        println!("{k} {v}");
    }
}
