//! The COSE working group's signature examples (read in place from the `cose-wg-examples`
//! reference suite, found through `pouch-reference`), against the COSE layer Pouch shares with them.
//!
//! The examples are not Pouch envelopes (Pouch's decoder is deliberately strict), so each is
//! decoded with the generic `coset` parser; then, for every signer, the to-be-signed bytes
//! are rebuilt with Pouch's `sig_structure` (COSE_Sign; COSE_Sign1's `Signature1` form is
//! built here with Pouch's CBOR encoder, as Pouch has no Sign1 function) and compared with
//! the example's `ToBeSign_hex` byte for byte, and the signature is verified through each
//! Pouch provider with a SubjectPublicKeyInfo made from the example's JWK.
//!
//! Per example and provider the outcome is Pass, Skip (an algorithm outside the Pouch
//! registry), KnownDivergence (listed in `conformance/exceptions/cose-wg.toml` with a
//! reason), UnexpectedFailure (an example meant to verify was rejected) or UnexpectedSuccess
//! (an example marked `"fail": true` went through every step). Either unexpected outcome
//! fails the test, as does an exception that no longer occurs or a change in the number of
//! signature examples found.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "cose_wg/cose.rs"]
mod cose;
#[path = "cose_wg/keys.rs"]
mod keys;

use cose::{Example, Kind};
use pouch_crypto::CryptoProvider;
use pouch_reference::Outcome;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What `shared/reference/README.md` states about the examples: a missing folder, a parser
/// change or a new copy of the examples must not pass silently.
const SIGN1_EXAMPLES: usize = 21;
const SIGN_EXAMPLES: usize = 34;
const FAIL_EXAMPLES: usize = 12;
/// Examples every provider skips (Ed448 x2, HSS-LMS x2, RSA-PSS-384, RSA-PSS-512): a skip
/// follows from the example's input alone, so any other number means the data changed.
const SKIPPED_EXAMPLES: usize = 6;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Exception {
    /// Path under the examples folder.
    file: String,
    /// `aws-lc-rs`, `rustcrypto` or `both` (case-insensitive).
    provider: String,
    /// `pass` or `fail`: what the example expects.
    expected: String,
    /// What the provider did: `accepted`, or the rejection as the suite prints it.
    actual: String,
    reason: String,
}

impl Exception {
    fn covers(&self, provider: &str) -> bool {
        self.provider.eq_ignore_ascii_case("both") || self.provider.eq_ignore_ascii_case(provider)
    }
}

fn exceptions() -> Vec<Exception> {
    let parsed: Vec<Exception> = pouch_reference::exceptions("cose-wg").unwrap();
    for e in &parsed {
        assert!(
            ["both", "aws-lc-rs", "rustcrypto"].contains(&e.provider.to_lowercase().as_str()),
            "exception {}: unknown provider {:?}",
            e.file,
            e.provider
        );
        assert!(
            ["pass", "fail"].contains(&e.expected.as_str()),
            "exception {}: expected must be pass or fail",
            e.file
        );
    }
    parsed
}

impl pouch_reference::Exception for Exception {
    fn key(&self) -> String {
        format!("{} ({})", self.file, self.provider)
    }
}

/// Every `.json` file under `dir`, as paths relative to `root` with `/`, sorted.
fn json_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            json_files(root, &path, out);
        } else if path.extension().is_some_and(|x| x == "json") {
            let rel = path.strip_prefix(root).expect("under the root");
            let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
            out.push(parts.join("/"));
        }
    }
    out.sort();
}

fn examples(root: &Path) -> Vec<Example> {
    let mut files = Vec::new();
    json_files(root, root, &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(root.join(&file)).expect("read an example");
            let doc: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
            Example::parse(file, &doc)
        })
        .collect()
}

struct Row {
    file: String,
    kind: Kind,
    fail: bool,
    /// Per provider: the outcome and what happened.
    results: Vec<(Outcome, String)>,
}

/// The outcome of one example with one provider, and whether it used an exception.
fn judge(
    example: &Example,
    provider: &CryptoProvider,
    exceptions: &[Exception],
    used: &mut [usize],
) -> (Outcome, String) {
    if let Some(reason) = example.skip_reason() {
        return (Outcome::Skip, reason);
    }
    let result = example.run(provider);
    let actual = match &result {
        Ok(()) => "accepted".to_owned(),
        Err(e) => e.clone(),
    };
    let note = if example.countersigned {
        " (countersignature not checked)"
    } else {
        ""
    };
    if result.is_ok() != example.fail {
        let detail = if example.fail {
            format!("rejected as expected: {actual}")
        } else {
            format!("verified{note}")
        };
        return (Outcome::Pass, detail);
    }
    let expected = if example.fail { "fail" } else { "pass" };
    let listed = exceptions.iter().position(|e| {
        e.file == example.file
            && e.covers(provider.name)
            && e.expected == expected
            && e.actual == actual
    });
    match listed {
        Some(i) => {
            used[i] += 1;
            (
                Outcome::KnownDivergence,
                format!("{actual}: {}", exceptions[i].reason),
            )
        }
        None if example.fail => (Outcome::UnexpectedSuccess, actual),
        None => (Outcome::UnexpectedFailure, actual),
    }
}

#[test]
fn cose_wg_signature_examples() {
    let root = pouch_reference::require!(pouch_reference::Suite::CoseWgExamples);
    let examples = examples(&root);
    let exceptions = exceptions();
    let providers = [
        pouch_crypto_awslc::provider(),
        pouch_crypto_rustcrypto::provider(),
    ];
    let mut used = vec![0; exceptions.len()];

    let rows: Vec<Row> = examples
        .iter()
        .map(|example| Row {
            file: example.file.clone(),
            kind: example.kind,
            fail: example.fail,
            results: providers
                .iter()
                .map(|p| judge(example, p, &exceptions, &mut used))
                .collect(),
        })
        .collect();

    println!("COSE WG signature examples ({})", root.display());
    println!(
        "{:<36} {:<5} {:<4} {:<17} {:<17} detail",
        "file", "kind", "exp", "aws-lc-rs", "RustCrypto"
    );
    for row in &rows {
        let kind = if row.kind == Kind::Sign {
            "Sign"
        } else {
            "Sign1"
        };
        let exp = if row.fail { "fail" } else { "pass" };
        let (a, b) = (&row.results[0], &row.results[1]);
        let detail = if a.1 == b.1 {
            a.1.clone()
        } else {
            format!("aws-lc-rs: {} | RustCrypto: {}", a.1, b.1)
        };
        println!(
            "{:<36} {kind:<5} {exp:<4} {:<17} {:<17} {detail}",
            row.file, a.0, b.0
        );
    }

    let mut problems = Vec::new();
    for (p, provider) in providers.iter().enumerate() {
        let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
        for row in &rows {
            *counts.entry(row.results[p].0).or_default() += 1;
            if row.results[p].0.is_failure() {
                problems.push(format!(
                    "{} with {}: {} ({})",
                    row.file, provider.name, row.results[p].0, row.results[p].1
                ));
            }
        }
        let skipped = counts.get(&Outcome::Skip).copied().unwrap_or(0);
        if skipped != SKIPPED_EXAMPLES {
            problems.push(format!(
                "{}: {skipped} examples skipped, not {SKIPPED_EXAMPLES}",
                provider.name
            ));
        }
        let counts: Vec<String> = counts.iter().map(|(o, n)| format!("{o} {n}")).collect();
        println!(
            "summary {}: {} examples: {}",
            provider.name,
            rows.len(),
            counts.join(", ")
        );
    }

    for (e, &n) in exceptions.iter().zip(&used) {
        let wanted = providers.iter().filter(|p| e.covers(p.name)).count();
        if n != wanted {
            problems.push(format!(
                "stale exception {} ({}): diverged with {n} of {wanted} providers",
                e.file, e.provider
            ));
        }
    }

    let sign1 = rows.iter().filter(|r| r.kind == Kind::Sign1).count();
    let sign = rows.iter().filter(|r| r.kind == Kind::Sign).count();
    let fail = rows.iter().filter(|r| r.fail).count();
    assert_eq!(
        (sign1, sign, fail),
        (SIGN1_EXAMPLES, SIGN_EXAMPLES, FAIL_EXAMPLES),
        "signature examples found (Sign1, Sign, marked fail)"
    );
    assert!(
        problems.is_empty(),
        "COSE WG examples:\n{}",
        problems.join("\n")
    );
}
