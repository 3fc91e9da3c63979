//! Schema checks: every envelope vector against spec/pouch.cddl (valid ones pass, malformed
//! ones the CDDL can tell apart fail), and every label the vectors carry against
//! spec/label.schema.json.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use pouch::{Envelope, Limits};
use pouch_vectors::Manifest;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn manifest() -> Manifest {
    Manifest::load(&root().join("test-vectors/envelopes/manifest.toml")).unwrap()
}

#[test]
fn every_envelope_vector_gets_the_cddl_verdict_its_manifest_states() {
    // The validator takes the first rule as the root.
    let cddl = pouch_testkit::envelope_cddl("pouch-envelope-root = pouch-envelope").unwrap();
    let dir = root().join("test-vectors/envelopes");
    let (mut valid, mut invalid, mut wrong) = (0, 0, Vec::new());
    for v in manifest().vector {
        let Some(want) = v.cddl.as_deref() else {
            continue;
        };
        let bytes = std::fs::read(dir.join(&v.inputs.envelope)).unwrap();
        let got = cddl::validate_cbor_from_slice(&cddl, &bytes, None);
        match (want, &got) {
            ("valid", Ok(())) => valid += 1,
            ("invalid", Err(_)) => invalid += 1,
            _ => wrong.push(format!("{}: manifest says {want}, CDDL says {got:?}", v.id)),
        }
    }
    println!("CDDL: {valid} valid and {invalid} invalid as stated");
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(valid >= 30 && invalid >= 10);
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("spec/label.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

/// The originator and alternative labels inside every envelope that decodes, in their JSON
/// form, are valid under the label schema.
#[test]
fn every_label_inside_the_envelope_vectors_validates_against_the_json_schema() {
    let validator = validator();
    let dir = root().join("test-vectors/envelopes");
    let mut n = 0;
    for v in manifest().vector {
        let bytes = std::fs::read(dir.join(&v.inputs.envelope)).unwrap();
        let Ok(env) = Envelope::decode(&bytes, &Limits::default()) else {
            continue;
        };
        let mut labels = vec![env.label().clone()];
        labels.extend(
            env.seals()
                .iter()
                .filter_map(|s| s.header().ok()?.alternative_label.clone()),
        );
        for l in labels {
            let json: serde_json::Value = serde_json::from_str(&l.to_json()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", v.id);
            n += 1;
        }
    }
    println!("{n} labels checked");
    assert!(n >= 45);
}

#[derive(serde::Deserialize)]
struct LabelVectors {
    vector: Vec<LabelVector>,
}

#[derive(serde::Deserialize)]
struct LabelVector {
    id: String,
    file: String,
    schema: Option<String>,
}

/// The JSON label vectors, as their manifest states (pouch-label's tests run the same
/// check; here it runs with the rest of the schema checks CI calls).
#[test]
fn every_json_label_vector_gets_the_schema_verdict_its_manifest_states() {
    let validator = validator();
    let dir = root().join("test-vectors/labels");
    let m: LabelVectors =
        toml::from_str(&std::fs::read_to_string(dir.join("json-manifest.toml")).unwrap()).unwrap();
    let mut n = 0;
    for v in m.vector {
        let want = v
            .schema
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no schema verdict", v.id));
        let text = std::fs::read(dir.join(&v.file)).unwrap();
        let ok = serde_json::from_slice::<serde_json::Value>(&text)
            .map(|j| validator.is_valid(&j))
            .unwrap_or(false);
        assert_eq!(ok, want == "valid", "{}", v.id);
        n += 1;
    }
    assert!(n > 10);
}
