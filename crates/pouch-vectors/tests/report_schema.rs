//! Real reports against the report's two descriptions: the report the reference adapter
//! prints for every envelope vector and every malformed-input case validates against the
//! generated JSON Schema spec/report.schema.json and the normative CDDL spec/report.cddl.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use pouch_vectors::conform::{open_args, verify_args};
use pouch_vectors::manifest::Operation;
use pouch_vectors::{Manifest, adapter};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn every_vector_report_fits_the_schema_and_the_cddl() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("spec/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let cddl = std::fs::read_to_string(root().join("spec/report.cddl")).unwrap();
    let dir = root().join("test-vectors/envelopes");
    let manifest = Manifest::load(&dir.join("manifest.toml")).unwrap();
    let mut members = BTreeSet::new();
    let mut checked = 0;
    let scratch = std::env::temp_dir().join(format!("pouch-report-schema-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    for v in &manifest.vector {
        let args = match v.operation {
            Operation::Verify => verify_args(v, &dir),
            Operation::Open => open_args(v, &dir, &scratch.join(&v.id)),
        };
        let out = adapter::run(&args);
        assert!(
            out.status != 2 && out.status != 4,
            "{}: the adapter refused its inputs: {}",
            v.id,
            out.stderr
        );
        let report: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", v.id, out.stdout));
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: schema: {errors:#?}", v.id);
        if let Err(e) = cddl::validate_json_from_str(&cddl, &out.stdout, None) {
            panic!(
                "{}: report.cddl refuses the report: {e}\n{}",
                v.id, out.stdout
            );
        }
        collect_members(&report, "", &mut members);
        checked += 1;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(checked, manifest.vector.len());
    // The vectors exercise every member the report can have, so the validation above is
    // not vacuous for any of them.
    for m in [
        "envelope",
        "label",
        "payload",
        "seals",
        "seal_policy",
        "policy",
        "release",
        "seals.index",
        "seals.algorithm",
        "seals.role",
        "seals.signer",
        "seals.country",
        "seals.signing_time",
        "seals.nation",
        "seals.codes",
        "seals.trust",
        "policy.label",
        "policy.policy",
        "policy.codes",
        "release.recipient",
        "release.label",
        "release.codes",
        "decrypt",
        "decrypt.code",
        "envelope.code",
        "envelope.detail",
    ] {
        assert!(members.contains(m), "no vector's report has {m}");
    }
}

/// Dotted member paths (arrays transparent), e.g. `seals.trust`.
fn collect_members(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                collect_members(child, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_members(item, prefix, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_schema_refuses_what_the_cddl_refuses() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("spec/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let cddl = std::fs::read_to_string(root().join("spec/report.cddl")).unwrap();
    for (why, bad) in [
        (
            "an unregistered code",
            r#"{"envelope":[{"code":"envelope.fine"}],"label":[],"payload":[],"seals":[],"seal_policy":[]}"#,
        ),
        (
            "a null detail",
            r#"{"envelope":[{"code":"envelope.malformed","detail":null}],"label":[],"payload":[],"seals":[],"seal_policy":[]}"#,
        ),
        (
            "a missing stage",
            r#"{"envelope":[],"label":[],"payload":[],"seals":[]}"#,
        ),
        (
            "a seal without codes",
            r#"{"envelope":[],"label":[],"payload":[],"seals":[{"index":0}],"seal_policy":[]}"#,
        ),
        (
            "an unknown role",
            r#"{"envelope":[],"label":[],"payload":[],"seals":[{"index":0,"role":"notary","codes":[]}],"seal_policy":[]}"#,
        ),
        (
            "a release without codes",
            r#"{"envelope":[],"label":[],"payload":[],"seals":[],"seal_policy":[],"release":{"recipient":"FIN","codes":[]}}"#,
        ),
    ] {
        let json: serde_json::Value = serde_json::from_str(bad).unwrap();
        let schema_ok = validator.is_valid(&json);
        let cddl_ok = cddl::validate_json_from_str(&cddl, bad, None).is_ok();
        // The registry is a closed list the schema names and the CDDL's pattern only
        // shapes, so only the schema sees an unregistered identifier of the right shape.
        if why == "an unregistered code" {
            assert!(!schema_ok, "the schema accepts {why}");
            continue;
        }
        assert!(!schema_ok, "the schema accepts {why}");
        assert!(!cddl_ok, "report.cddl accepts {why}");
    }
}
