//! Clearance files (spec/05-policy.md §5.7.1, POUCH-POL-070..073): the spec's own example,
//! round trips, and malformed files each refused with the JSON path of the fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use pouch_label::{CategoryType, CategoryValue};
use pouch_policy::{Clearance, ClearanceLimits, ErrorKind};

/// The ```json block of §5.7.1, read from the spec itself so that the two cannot drift.
fn spec_example() -> String {
    let spec = std::fs::read_to_string(common::root().join("spec/05-policy.md")).unwrap();
    let section = spec.split("### 5.7.1").nth(1).unwrap();
    let block = section.split("```json").nth(1).unwrap();
    block.split("```").next().unwrap().to_owned()
}

#[test]
fn spec_example_reads() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let c = Clearance::from_json(spec_example().as_bytes()).unwrap();
    assert_eq!(c.policy, "urn:oid:1.3.26.1.3.1");
    assert_eq!(c.classifications, ["SECRET"]);
    assert_eq!(c.categories.len(), 1);
    let cat = &c.categories[0];
    assert_eq!(cat.tag_name.as_str(), "Special Category Designators");
    assert_eq!(cat.category_type, CategoryType::Restrictive);
    assert_eq!(cat.values.len(), 1);
    assert!(matches!(&cat.values[0], CategoryValue::Generic(t) if t.as_str() == "ATOMAL"));
    // The example is a clearance under NATO SPIF v88, as its policy member says.
    assert!(c.is_under(&common::spif(
        "liturner-nmbs/NATO-Security-Policy-v88.spif.xml"
    )));
}

#[test]
fn round_trip_every_value_form() {
    let text = br#"{"policy": "NATO", "classifications": ["SECRET", "CONFIDENTIAL"],
        "categories": [
          {"tagName": "Releasable To", "type": "PERMISSIVE", "values": ["FIN", 752]},
          {"tagName": "Bits", "type": "INFORMATIVE", "values": [{"bitString": "0101"}]}
        ]}"#;
    let c = Clearance::from_json(text).unwrap();
    assert_eq!(c.categories[0].values[1], CategoryValue::Integer(752));
    assert!(
        matches!(&c.categories[1].values[0], CategoryValue::BitString(b) if b.as_str() == "0101")
    );
    let again = Clearance::from_json(c.to_json().as_bytes()).unwrap();
    assert_eq!(again, c);
    // Without categories the member is left out, and still reads back.
    let bare = Clearance {
        policy: "1.3.26.1.3.1".into(),
        classifications: vec!["UNCLASSIFIED".into()],
        categories: Vec::new(),
    };
    assert!(!bare.to_json().contains("categories"));
    assert_eq!(
        Clearance::from_json(bare.to_json().as_bytes()).unwrap(),
        bare
    );
}

/// Each malformed file, the JSON path the error must name, and a check of its kind.
#[test]
fn malformed_files_name_the_fault() {
    type Check = fn(&ErrorKind) -> bool;
    let cases: &[(&str, &str, Check)] = &[
        ("[]", "/", |k| matches!(k, ErrorKind::WrongType(_))),
        ("{", "/", |k| matches!(k, ErrorKind::Json(_))),
        (r#"{"classifications": ["S"]}"#, "/", |k| {
            matches!(k, ErrorKind::MissingMember("policy"))
        }),
        (r#"{"policy": "P"}"#, "/", |k| {
            matches!(k, ErrorKind::MissingMember("classifications"))
        }),
        (
            r#"{"policy": "P", "classifications": ["S"], "colour": 1}"#,
            "/colour",
            |k| matches!(k, ErrorKind::UnknownMember(m) if m == "colour"),
        ),
        (
            r#"{"policy": "P", "policy": "Q", "classifications": ["S"]}"#,
            "/",
            |k| matches!(k, ErrorKind::Json(m) if m.contains("duplicate member \"policy\"")),
        ),
        (
            r#"{"policy": null, "classifications": ["S"]}"#,
            "/policy",
            |k| matches!(k, ErrorKind::WrongType(_)),
        ),
        (
            r#"{"policy": " ", "classifications": ["S"]}"#,
            "/policy",
            |k| matches!(k, ErrorKind::Empty("policy")),
        ),
        (
            r#"{"policy": "P", "classifications": "SECRET"}"#,
            "/classifications",
            |k| matches!(k, ErrorKind::WrongType(_)),
        ),
        (
            r#"{"policy": "P", "classifications": []}"#,
            "/classifications",
            |k| matches!(k, ErrorKind::Empty("classifications")),
        ),
        (
            r#"{"policy": "P", "classifications": ["S", 3]}"#,
            "/classifications/1",
            |k| matches!(k, ErrorKind::WrongType(_)),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": []}"#,
            "/categories",
            |k| matches!(k, ErrorKind::Empty("categories")),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "PERMISSIVE"}]}"#,
            "/categories/0",
            |k| matches!(k, ErrorKind::MissingMember("values")),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "permissive", "values": ["A"]}]}"#,
            "/categories/0/type",
            |k| matches!(k, ErrorKind::WrongType(_)),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "PERMISSIVE", "values": ["A"], "uri": "x"}]}"#,
            "/categories/0/uri",
            |k| matches!(k, ErrorKind::UnknownMember(_)),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "PERMISSIVE", "values": ["A", -1]}]}"#,
            "/categories/0/values/1",
            |k| matches!(k, ErrorKind::WrongType(_)),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "PERMISSIVE", "values": [1.5]}]}"#,
            "/categories/0/values/0",
            |k| matches!(k, ErrorKind::WrongType(_)),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "INFORMATIVE", "values": [{"bitString": "012"}]}]}"#,
            "/categories/0/values/0/bitString",
            |k| matches!(k, ErrorKind::Refused { .. }),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T", "type": "INFORMATIVE", "values": [{"bits": "01"}]}]}"#,
            "/categories/0/values/0/bits",
            |k| matches!(k, ErrorKind::UnknownMember(_)),
        ),
        (
            r#"{"policy": "P", "classifications": ["S"], "categories": [{"tagName": "T\u0007", "type": "PERMISSIVE", "values": ["A"]}]}"#,
            "/categories/0/tagName",
            |k| matches!(k, ErrorKind::Refused { .. }),
        ),
    ];
    for (text, path, check) in cases {
        let e = Clearance::from_json(text.as_bytes()).expect_err(text);
        assert_eq!(e.json_path(), Some(*path), "{text}: {e}");
        assert!(check(e.kind()), "{text}: {e}");
    }
}

#[test]
fn limits_are_enforced() {
    let limits = ClearanceLimits {
        max_bytes: 200,
        max_classifications: 2,
        max_categories: 1,
        max_values: 2,
        max_string_bytes: 10,
    };
    let too_big = format!(
        r#"{{"policy": "{}", "classifications": ["S"]}}"#,
        "P".repeat(200)
    );
    let e = Clearance::from_json_with_limits(too_big.as_bytes(), &limits).unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::TooLarge(pouch_status::TooLarge { limit: 200, .. })
    ));
    let cases = [
        (
            r#"{"policy": "P", "classifications": ["A", "B", "C"]}"#,
            "/classifications",
        ),
        (
            r#"{"policy": "12345678901", "classifications": ["A"]}"#,
            "/policy",
        ),
        (
            r#"{"policy": "P", "classifications": ["A"], "categories": [{"tagName": "T", "type": "PERMISSIVE", "values": ["A", "B", "C"]}]}"#,
            "/categories/0/values",
        ),
    ];
    for (text, path) in cases {
        let e = Clearance::from_json_with_limits(text.as_bytes(), &limits).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::LimitExceeded { .. }),
            "{text}: {e}"
        );
        assert_eq!(e.json_path(), Some(path));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!(
        r#"{{"policy": "P", "classifications": ["S"], "categories": {}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = Clearance::from_json(text.as_bytes()).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Json(_)), "{e}");
}
