//! The `pouch` command as a script sees it: outputs, one-line errors, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
use common::pouch_stdin as pouch;
use common::{assert_exit, codes};

const LABEL_JSON: &str = r#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET",
  "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["FIN","SWE"]}]},
  "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#;

fn fixture(rel: &str) -> String {
    format!(
        "{}/../../test-vectors/labels/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn json_on_stdin_converts_to_xml_and_back() {
    let out = pouch(
        &["label", "convert", "--from", "json", "--to", "xml"],
        LABEL_JSON.as_bytes(),
    );
    assert_exit(&out, 0);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<originatorConfidentialityLabel xmlns=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\""));
    assert!(xml.contains("<GenericValue>SWE</GenericValue>"));

    let back = pouch(&["label", "convert", "--to", "json", "-"], xml.as_bytes());
    assert_eq!(back.status.code(), Some(0));
    let a: serde_json::Value = serde_json::from_str(LABEL_JSON).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(a, b);
}

#[test]
fn cbor_output_round_trips_through_check_and_render() {
    let cbor = pouch(&["label", "convert", "--to", "cbor"], LABEL_JSON.as_bytes());
    assert_eq!(cbor.status.code(), Some(0));
    assert_eq!(cbor.stdout.first(), Some(&0xa3), "a map of three entries");
    let render = pouch(&["label", "render", "--from", "cbor"], &cbor.stdout);
    assert_eq!(
        String::from_utf8(render.stdout).unwrap(),
        "SECRET Releasable To FIN, SWE\n"
    );
    let check = pouch(&["label", "check"], &cbor.stdout);
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(check.stdout).unwrap(),
        "-: label.well-formed\n"
    );
}

#[test]
fn a_wrong_input_exits_three_with_a_one_line_reason() {
    let out = pouch(
        &["label", "convert", "--from", "json", "--to", "xml"],
        b"{\"confidentialityInformation\": 1}",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("pouch: -: label.malformed: JSON: "),
        "{err}"
    );

    let labels = pouch_reference::require!(pouch_reference::Suite::Labels);
    let table17 = labels.join("surevine-spiffing/test-data/nato-4774-17-2.nato");
    let out = pouch(&["label", "check", table17.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("missing CreationDateTime"), "{err}");
}

#[test]
fn check_reports_advisory_rules_with_exit_one_and_as_json() {
    let no_review = r#"{"confidentialityInformation":{"policyIdentifier":"PUBLIC","classification":"UNMARKED"},
      "creationDateTime":"2026-11-28T09:15:00Z"}"#;
    let out = pouch(&["label", "check", "--json"], no_review.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        codes(&report["codes"]),
        ["label.well-formed", "label.review-time-missing"]
    );

    let bad = pouch(&["label", "check", "--json"], b"<not-a-label/>");
    assert_eq!(bad.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(report["codes"][0]["code"], "label.malformed");
    assert_eq!(report["codes"][0]["error"], "NotALabel");
}

#[test]
fn usage_and_io_errors_have_their_own_codes() {
    let usage = pouch(&["label", "convert", "--to", "yaml"], b"");
    assert_eq!(usage.status.code(), Some(2));
    let missing = pouch(&["label", "check", "/nonexistent/label.xml"], b"");
    assert_eq!(missing.status.code(), Some(4));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("/nonexistent/label.xml")
    );
}

#[test]
fn every_valid_xml_fixture_converts_through_every_form() {
    for name in ["full.xml", "minimal.xml", "table17-1.xml"] {
        let path = fixture(&format!("xml/valid/{name}"));
        let json = pouch(&["label", "convert", "--to", "json", &path], b"");
        assert_eq!(json.status.code(), Some(0), "{name}");
        let cbor = pouch(&["label", "convert", "--to", "cbor"], &json.stdout);
        let xml = pouch(&["label", "convert", "--to", "xml"], &cbor.stdout);
        let again = pouch(&["label", "convert", "--to", "json"], &xml.stdout);
        assert_eq!(json.stdout, again.stdout, "{name}");
    }
}

#[test]
fn demo_runs_on_embedded_defaults() {
    let out = pouch(&["demo"], b"");
    assert_exit(&out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("same label, same CBOR bytes"));
    assert!(text.contains("refused: label.malformed"));
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let out = pouch(&["label", "schema"], b"");
    let committed = std::fs::read(format!(
        "{}/../../spec/label.schema.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert_eq!(out.stdout, committed);
}
