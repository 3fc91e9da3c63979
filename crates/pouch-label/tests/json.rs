//! The JSON form: the manifest of vectors, the generated schema and its drift.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use pouch_label::{Label, Limits};

fn schema_path() -> std::path::PathBuf {
    common::root().join("spec/label.schema.json")
}

/// spec/label.schema.json is what the Rust types generate; `UPDATE_SCHEMA=1` rewrites it.
#[test]
fn committed_schema_matches_the_generated_one() {
    let generated = serde_json::to_string_pretty(&pouch_label::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(schema_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(schema_path()).expect("spec/label.schema.json exists");
    assert!(
        committed == generated,
        "spec/label.schema.json drifted from the Rust types: run UPDATE_SCHEMA=1 cargo test -p pouch-label --test json"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

#[test]
fn json_vectors_give_their_expected_verdicts() {
    let validator = validator();
    let vectors = common::manifest("json-manifest.toml");
    assert!(vectors.len() >= 10);
    for (v, bytes) in &vectors {
        let got = Label::from_json(bytes, &Limits::default());
        match (v.expect.as_str(), &got) {
            ("valid", Ok(label)) => {
                // JSON -> CBOR -> JSON is the identity on the data.
                let again = Label::from_cbor(&label.to_cbor(), &Limits::default()).unwrap();
                assert_eq!(&again, label, "{}", v.id);
                let rejson = Label::from_json(label.to_json().as_bytes(), &Limits::default());
                assert_eq!(rejson.as_ref(), Ok(label), "{}", v.id);
            }
            ("invalid", Err(e)) => {
                assert_eq!(Some(e.kind().name()), v.error.as_deref(), "{}: {e}", v.id);
                assert_eq!(Some(e.path()), v.path.as_deref(), "{}: {e}", v.id);
            }
            (want, got) => panic!("{}: expected {want}, got {got:?}", v.id),
        }
        let instance: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let schema_ok = validator.is_valid(&instance);
        let want = v
            .schema
            .as_deref()
            .expect("json vectors state the schema verdict");
        assert_eq!(schema_ok, want == "valid", "{}: schema verdict", v.id);
    }
}

#[test]
fn encoder_output_validates_against_the_schema() {
    let validator = validator();
    for (v, bytes) in common::manifest("json-manifest.toml") {
        if let Ok(label) = Label::from_json(&bytes, &Limits::default()) {
            let out: serde_json::Value = serde_json::from_str(&label.to_json()).unwrap();
            assert!(validator.is_valid(&out), "{}", v.id);
        }
    }
}

#[test]
fn json_over_the_size_limit_is_refused_before_parsing() {
    let limits = Limits {
        max_bytes: 16,
        ..Limits::default()
    };
    let e = Label::from_json(b"{\"confidentialityInformation\": {}}", &limits).unwrap_err();
    assert_eq!(e.kind().name(), "TooLarge");
}

#[test]
fn deep_json_nesting_is_a_typed_error() {
    let mut doc = String::from("{\"confidentialityInformation\":");
    doc.push_str(&"[".repeat(100_000));
    let limits = Limits {
        max_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = Label::from_json(doc.as_bytes(), &limits).unwrap_err();
    assert_eq!(e.kind().name(), "Json");
}

/// The annotated CBOR of spec/02-label.md §2.4 is the encoding of the JSON example of §2.11.
#[test]
fn spec_example_bytes_are_the_encoding_of_the_spec_example_json() {
    let spec = std::fs::read_to_string(common::root().join("spec/02-label.md")).unwrap();
    let block = |fence: &str, after: &str| -> String {
        let from = spec.find(after).expect("section present");
        let start = spec[from..].find(fence).expect("fence present") + from + fence.len();
        let end = spec[start..].find("```").unwrap() + start;
        spec[start..end].to_owned()
    };
    let hex: String = block("```cbor-diag\n", "## 2.4")
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<String>()
        .split_whitespace()
        .collect();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let json = block("```json\n", "## 2.11");
    let label = Label::from_json(json.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(
        label.to_cbor(),
        bytes,
        "spec §2.4 bytes differ from the encoder's"
    );
    assert_eq!(Label::from_cbor(&bytes, &Limits::default()).unwrap(), label);
}
