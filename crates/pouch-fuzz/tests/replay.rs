//! Replays every fuzz target over its committed corpus and crash regressions on stable, so
//! CI checks what the fuzzer found without nightly. A target panics on a broken invariant;
//! here that fails the test and names the file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_target_replays_its_corpus_and_regressions() {
    let mut tally = Vec::new();
    for (name, target) in pouch_fuzz::TARGETS {
        let corpus = inputs(&fuzz_dir().join("corpus").join(name));
        let regressions = inputs(&fuzz_dir().join("regressions").join(name));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{name} is empty: run `cargo run -p pouch-fuzz --example seed`"
        );
        for f in corpus.iter().chain(&regressions) {
            let data = std::fs::read(f).unwrap();
            let r = std::panic::catch_unwind(|| target(&data));
            assert!(r.is_ok(), "{name} failed on {}", f.display());
        }
        tally.push(format!("{name} {}+{}", corpus.len(), regressions.len()));
    }
    println!("replayed (corpus+regressions): {}", tally.join(", "));
}

#[test]
fn every_target_has_a_cargo_fuzz_harness() {
    for (name, _) in pouch_fuzz::TARGETS {
        let f = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(
            text.contains(&format!("pouch_fuzz::{name}(")),
            "{} does not call pouch_fuzz::{name}",
            f.display()
        );
    }
}
