//! The report's two descriptions agree: spec/report.schema.json is what the Rust types
//! generate, and it names the same members, required and optional alike, as the normative
//! CDDL spec/report.cddl. (crates/pouch-vectors/tests/report_schema.rs validates real reports
//! against both.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

fn spec(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec")).join(file)
}

/// spec/report.schema.json is what the Rust types generate; `UPDATE_SCHEMA=1` rewrites it.
#[test]
fn committed_report_schema_matches_the_generated_one() {
    let generated = serde_json::to_string_pretty(&pouch::report_schema()).unwrap() + "\n";
    pouch_testkit::assert_committed(
        &spec("report.schema.json"),
        &generated,
        "UPDATE_SCHEMA",
        "spec/report.schema.json drifted from the Rust types: run UPDATE_SCHEMA=1 cargo test -p pouch --test report_schema",
    )
    .unwrap();
}

/// Member name -> optional, for each map rule of the CDDL: `rule = {` ... `}` with one
/// `? name: type` or `name: type` per line (the form spec/report.cddl is written in).
fn cddl_members(text: &str) -> BTreeMap<String, BTreeMap<String, bool>> {
    let mut rules = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, bool>)> = None;
    for raw in text.lines() {
        let line = raw.split(';').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some((name, rest)) = line.split_once('=')
            && rest.trim() == "{"
        {
            current = Some((name.trim().to_owned(), BTreeMap::new()));
            continue;
        }
        if line == "}" {
            if let Some((name, members)) = current.take() {
                rules.insert(name, members);
            }
            continue;
        }
        if let Some((_, members)) = current.as_mut() {
            let (optional, member) = match line.strip_prefix('?') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let (key, _) = member
                .split_once(':')
                .unwrap_or_else(|| panic!("not a member line: {raw}"));
            members.insert(key.trim().to_owned(), optional);
        }
    }
    assert!(current.is_none(), "unclosed rule in report.cddl");
    rules
}

/// Member name -> optional, for an object schema.
fn schema_members(schema: &Value) -> BTreeMap<String, bool> {
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no properties: {schema}"))
        .keys()
        .map(|k| (k.clone(), !required.contains(k.as_str())))
        .collect()
}

#[test]
fn cddl_and_schema_name_the_same_members() {
    let cddl = cddl_members(&std::fs::read_to_string(spec("report.cddl")).unwrap());
    let schema = pouch::report_schema();
    // Each CDDL map rule and the schema object it corresponds to.
    let pairs = [
        ("report", &schema),
        ("entry", &schema["$defs"]["Entry"]),
        ("seal-report", &schema["$defs"]["SealReport"]),
        ("label-report", &schema["$defs"]["LabelReport"]),
        ("release-report", &schema["$defs"]["ReleaseReport"]),
    ];
    assert_eq!(
        cddl.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        pairs.iter().map(|(r, _)| *r).collect::<BTreeSet<_>>(),
        "report.cddl's map rules"
    );
    for (rule, object) in pairs {
        assert_eq!(
            object["additionalProperties"],
            Value::Bool(false),
            "{rule}: the schema must refuse members the CDDL does not name"
        );
        assert_eq!(
            cddl[rule],
            schema_members(object),
            "{rule}: report.cddl and report.schema.json disagree (member -> optional)"
        );
    }
    // Every code the schema allows is a registry code, and every registry code is allowed.
    let codes = schema["$defs"]["Entry"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(codes, pouch_status::ALL.len());
}

#[test]
fn the_cddl_is_well_formed_and_accepts_a_minimal_report_but_not_an_unknown_member() {
    let cddl = std::fs::read_to_string(spec("report.cddl")).unwrap();
    let minimal = r#"{"envelope":[{"code":"envelope.malformed","detail":"cut"}],"label":[],"payload":[],"seals":[],"seal_policy":[]}"#;
    cddl::validate_json_from_str(&cddl, minimal, None).unwrap();
    let extra =
        r#"{"envelope":[],"label":[],"payload":[],"seals":[],"seal_policy":[],"verdict":"ok"}"#;
    assert!(cddl::validate_json_from_str(&cddl, extra, None).is_err());
    let bad_ref = r#"{"envelope":[],"label":[],"payload":[],"seals":[],"seal_policy":[],"release":{"recipient":"FIN","label":"seal one","codes":[{"code":"release.denied"}]}}"#;
    assert!(cddl::validate_json_from_str(&cddl, bad_ref, None).is_err());
}
