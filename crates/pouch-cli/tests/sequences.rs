//! The CBOR-sequence vectors (`test-vectors/sequences/manifest.toml`, spec §3.10) through
//! `pouch verify --seq --json`: every item reported in order with the manifest's offset, exit
//! class and envelope-stage codes, and nothing after the last item it lists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::path::PathBuf;

mod common;
use common::{json_lines, pouch, s};
use pouch_status::ExitClass;

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-vectors/sequences"
    ))
}

fn exit_code(name: &str) -> u8 {
    ExitClass::ALL
        .into_iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("unknown exit class {name}"))
        .code()
}

#[test]
fn every_sequence_vector_is_reported_item_by_item() {
    let text = std::fs::read_to_string(dir().join("manifest.toml")).unwrap();
    let manifest: toml::Value = toml::from_str(&text).unwrap();
    let vectors = manifest["vector"].as_array().unwrap();
    assert!(vectors.len() >= 10, "{} sequence vectors", vectors.len());
    let mut failures = Vec::new();
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        let file = dir().join(v["file"].as_str().unwrap());
        let trust = dir().join(v["trust"].as_str().unwrap());
        let out = pouch(&[
            "verify",
            "--seq",
            "--json",
            "--trust",
            s(&trust),
            "--at",
            v["at"].as_str().unwrap(),
            s(&file),
        ]);
        let lines = json_lines(&out);
        let want = v
            .get("item")
            .and_then(|i| i.as_array())
            .cloned()
            .unwrap_or_default();
        if lines.len() != want.len() {
            failures.push(format!(
                "{id}: {} items reported, {} expected: {lines:?}",
                lines.len(),
                want.len()
            ));
            continue;
        }
        let mut worst = 0u8;
        let mut worst_class = ExitClass::Valid;
        for (i, (got, want)) in lines.iter().zip(&want).enumerate() {
            let exit = exit_code(want["exit"].as_str().unwrap());
            let codes: BTreeSet<&str> = got["report"]["envelope"]
                .as_array()
                .map(|a| a.iter().filter_map(|c| c["code"].as_str()).collect())
                .unwrap_or_default();
            let expected: BTreeSet<&str> = want["envelope"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            if got["offset"].as_u64() != want["offset"].as_integer().map(|o| o as u64)
                || got["exit"].as_u64() != Some(u64::from(exit))
                || codes != expected
            {
                failures.push(format!("{id} item {i}: got {got}, expected {want}"));
            }
            let class = ExitClass::ALL
                .into_iter()
                .find(|c| c.code() == exit)
                .unwrap();
            if class < worst_class {
                worst_class = class;
                worst = exit;
            }
        }
        // The run's exit code is the worst over its items (docs/cli.md).
        if out.status.code() != Some(i32::from(worst)) {
            failures.push(format!(
                "{id}: exit {:?}, expected {worst}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
