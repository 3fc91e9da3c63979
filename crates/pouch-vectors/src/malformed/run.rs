//! Running the corpus: deriving each case's inputs, feeding them to the adapter (or, for the
//! bit flips when asked, to the reference library in-process), and checking each outcome.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::{Case, MalformedManifest, Mutation};
use crate::Error;
use crate::conform::{
    Adapter, Exception, Observed, Results, VectorResult, Verdict, manifest_dir, missing_features,
};
use crate::manifest::ExitClass;

/// Where the inputs of a `flip-all-bits` case go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlipFeed {
    /// One flip per byte (bit `offset mod 8`), each to the adapter: every byte of the base
    /// is disturbed once, at a cost of one adapter call per byte.
    AdapterPerByte,
    /// Every flip, each to the adapter.
    AdapterAll,
}

/// The inputs a case stands for: `(label, bytes)` in order, the label naming the mutation
/// (`prefix 17`, `bit 1234`). `per_byte` selects one flip per byte for `flip-all-bits`.
pub fn inputs(case: &Case, file: &[u8], per_byte: bool) -> Vec<(String, Vec<u8>)> {
    match case.mutation {
        Mutation::None => vec![("as is".to_owned(), file.to_vec())],
        Mutation::TruncateAll => (0..file.len())
            .map(|n| {
                (
                    format!("prefix {n}"),
                    file.get(..n).unwrap_or_default().to_vec(),
                )
            })
            .collect(),
        Mutation::FlipAllBits => {
            let bits: Vec<usize> = if per_byte {
                (0..file.len()).map(|i| i * 8 + i % 8).collect()
            } else {
                (0..file.len() * 8).collect()
            };
            bits.into_iter()
                .map(|bit| {
                    let mut v = file.to_vec();
                    if let Some(b) = v.get_mut(bit / 8) {
                        *b ^= 0x80 >> (bit % 8);
                    }
                    (format!("bit {bit}"), v)
                })
                .collect()
        }
    }
}

/// Checks one outcome (stdout, exit status) against a case: the report is the adapter's
/// JSON, the exit class is one the case allows, the stage the class names holds an error
/// code, and the case's code, if any, is in that stage. Returns what is wrong, if anything.
pub fn check_outcome(case: &Case, stdout: &str, status: Option<i32>) -> Option<String> {
    let json: Value = match serde_json::from_str(stdout) {
        Ok(j) => j,
        Err(e) => {
            return Some(format!(
                "stdout is not a JSON report ({e}); exit {status:?}"
            ));
        }
    };
    let o = match Observed::from_json(&json) {
        Ok(o) => o,
        Err(e) => return Some(format!("report: {e}")),
    };
    let Some(exit) = status.and_then(ExitClass::from_code) else {
        return Some(format!("exit status {status:?} is no exit class"));
    };
    if !case.expect.exit.contains(&exit) {
        return Some(format!(
            "exit {}, expected one of {:?}",
            exit.name(),
            case.expect
                .exit
                .iter()
                .map(|e| e.name())
                .collect::<Vec<_>>()
        ));
    }
    let implied = o.as_expected().implied_exit();
    if implied != exit {
        return Some(format!(
            "exit {} but the report's codes imply {}",
            exit.name(),
            implied.name()
        ));
    }
    let codes: BTreeSet<&str> = match exit {
        ExitClass::Seal => o
            .seals
            .iter()
            .flat_map(|(c, _)| c)
            .map(String::as_str)
            .collect(),
        _ => o
            .stages
            .get("envelope")
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect(),
    };
    match &case.expect.code {
        Some(c) if !codes.contains(c.as_str()) => {
            Some(format!("expected {c} in the report, got {codes:?}"))
        }
        _ => None,
    }
}

fn feed(adapter: &Adapter, case: &Case, dir: &Path, bytes: &[u8], tmp: &Path) -> Option<String> {
    if let Err(e) = std::fs::write(tmp, bytes) {
        return Some(format!("{}: {e}", tmp.display()));
    }
    let mut args = vec![
        "verify".to_owned(),
        "--envelope".into(),
        tmp.display().to_string(),
    ];
    if let Some(t) = &case.trust {
        args.extend(["--trust".into(), dir.join(t).display().to_string()]);
    }
    args.extend([
        "--seal-policy".into(),
        "all".into(),
        "--at".into(),
        case.at.clone(),
    ]);
    match adapter.call_args(&args) {
        Ok((out, _, status)) => check_outcome(case, &out, status),
        Err(e) => Some(e.to_string()),
    }
}

/// Runs every case of the corpus manifest through `adapter`, one result per case (a case
/// passes when every input it stands for does; the first few failures are listed).
pub fn run(
    adapter: &Adapter,
    manifest_path: &Path,
    exceptions: &[Exception],
    flips: FlipFeed,
) -> Result<Results, Error> {
    let manifest = MalformedManifest::load(manifest_path)?;
    let dir = manifest_dir(manifest_path)?;
    let features = adapter.features()?;
    let tmp = crate::unique_temp_path("pouch-malformed", ".cbor");
    let mut vectors = Vec::new();
    for case in &manifest.case {
        let missing = missing_features(&case.features, &features);
        let verdict = if missing.is_empty() {
            let path = dir.join(&case.input);
            let file = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let all = inputs(case, &file, flips == FlipFeed::AdapterPerByte);
            let total = all.len();
            let mut diffs = Vec::new();
            let mut failed = 0usize;
            for (what, bytes) in all {
                if let Some(d) = feed(adapter, case, &dir, &bytes, &tmp) {
                    failed += 1;
                    if diffs.len() < 5 {
                        diffs.push(format!("{what}: {d}"));
                    }
                }
            }
            if failed > diffs.len() {
                diffs.push(format!("{failed} of {total} inputs failed"));
            }
            let exception = exceptions.iter().find(|e| e.id == case.id);
            Verdict::judge(diffs, exception)
        } else {
            Verdict::Skip { missing }
        };
        vectors.push(VectorResult {
            id: case.id.clone(),
            requirements: case.requirements.clone(),
            verdict,
        });
    }
    let _ = std::fs::remove_file(&tmp);
    Ok(Results::from_vectors(
        features.into_iter().collect(),
        vectors,
    ))
}
