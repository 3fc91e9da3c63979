//! ADatP-4774 XML codec: the project's vectors (test-vectors/labels/xml-manifest.toml), the
//! public reference labels, and hostile inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pouch_label::xml::labels_in_document;
use pouch_label::{
    BitString, Category, CategoryType, CategoryValue, ConfidentialityInformation, DateTime,
    ErrorKind, IdType, Label, LabelElement, Limits, OriginatorId, SuccessionHandling,
    SuccessorLabel, Text, Token, XmlId,
};
use proptest::prelude::*;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/labels/");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A file of the labels reference suite (a test using it starts with `require!`).
fn reference(rel: &str) -> Vec<u8> {
    let path = pouch_reference::path(pouch_reference::Suite::Labels).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One `[[vector]]` of the manifest.
#[derive(Debug)]
struct Vector {
    id: String,
    file: String,
    expect: String,
    error: Option<String>,
    path: Option<String>,
    description: String,
    requirements: Vec<String>,
}

fn manifest() -> Vec<Vector> {
    let text = String::from_utf8(read(&format!("{VECTORS}xml-manifest.toml"))).unwrap();
    let table: toml::Table = toml::from_str(&text).expect("the manifest is TOML");
    let string =
        |v: &toml::Table, key: &str| v.get(key).and_then(|s| s.as_str()).map(str::to_owned);
    table["vector"]
        .as_array()
        .expect("[[vector]] tables")
        .iter()
        .map(|v| {
            let v = v.as_table().expect("a table");
            for key in v.keys() {
                assert!(
                    [
                        "id",
                        "file",
                        "expect",
                        "error",
                        "path",
                        "description",
                        "requirements"
                    ]
                    .contains(&key.as_str()),
                    "unknown manifest key {key}"
                );
            }
            Vector {
                id: string(v, "id").expect("id"),
                file: string(v, "file").expect("file"),
                expect: string(v, "expect").expect("expect"),
                error: string(v, "error"),
                path: string(v, "path"),
                description: string(v, "description").unwrap_or_default(),
                requirements: v
                    .get("requirements")
                    .and_then(|r| r.as_array())
                    .map(|r| {
                        r.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn round_trip(id: &str, bytes: &[u8]) -> (LabelElement, Label) {
    let limits = Limits::default();
    let (role, label) = Label::from_xml(bytes, &limits).unwrap_or_else(|e| panic!("{id}: {e}"));
    let first = label.to_xml(role);
    let (role2, label2) = Label::from_xml(first.as_bytes(), &limits)
        .unwrap_or_else(|e| panic!("{id} re-encoded: {e}\n{first}"));
    assert_eq!(
        (role, &label),
        (role2, &label2),
        "{id}: re-decoded label differs"
    );
    assert_eq!(first, label2.to_xml(role2), "{id}: second encoding differs");
    (role, label)
}

#[test]
fn manifest_vectors() {
    let vectors = manifest();
    assert!(vectors.len() >= 35, "{} vectors", vectors.len());
    let mut ids = std::collections::HashSet::new();
    for v in &vectors {
        assert!(ids.insert(v.id.clone()), "duplicate id {}", v.id);
        assert!(
            !v.description.is_empty() && !v.requirements.is_empty(),
            "{}",
            v.id
        );
        assert!(
            v.requirements.iter().all(|r| r.starts_with("POUCH-LBL-")),
            "{}",
            v.id
        );
        let bytes = read(&format!("{VECTORS}{}", v.file));
        match v.expect.as_str() {
            "valid" => {
                round_trip(&v.id, &bytes);
            }
            "invalid" => {
                let err = Label::from_xml(&bytes, &Limits::default())
                    .expect_err(&format!("{} must be rejected", v.id));
                assert_eq!(
                    Some(err.kind().name()),
                    v.error.as_deref(),
                    "{}: {err}",
                    v.id
                );
                assert_eq!(Some(err.path()), v.path.as_deref(), "{}: {err}", v.id);
            }
            other => panic!("{}: expect = {other}", v.id),
        }
    }
}

fn valid(name: &str) -> (LabelElement, Label) {
    let bytes = read(&format!("{VECTORS}xml/valid/{name}.xml"));
    Label::from_xml(&bytes, &Limits::default()).unwrap()
}

fn invalid(name: &str) -> pouch_label::Error {
    let bytes = read(&format!("{VECTORS}xml/invalid/{name}.xml"));
    Label::from_xml(&bytes, &Limits::default()).unwrap_err()
}

fn time(s: &str) -> DateTime {
    DateTime::parse_xsd(s).unwrap()
}

fn token(s: &str) -> Token {
    Token::new(s).unwrap()
}

fn text(s: &str) -> Text {
    Text::new(s).unwrap()
}

#[test]
fn full_vector_has_every_field() {
    let (role, label) = valid("full");
    assert_eq!(role, LabelElement::Originator);
    assert_eq!(label.id, Some(XmlId::new("lbl-1").unwrap()));
    assert_eq!(label.review_date_time, Some(time("2030-06-30T12:00:00.5Z")));
    assert_eq!(
        label.creation_date_time,
        time("2025-01-15T09:30:00.123456789Z")
    );
    let ci = &label.confidentiality;
    assert_eq!(
        ci.policy_identifier_uri,
        Some(token("urn:oid:1.3.26.1.3.1"))
    );
    assert_eq!(ci.classification.as_str(), "SECRET");
    assert_eq!(
        ci.privacy_mark.as_ref().unwrap().as_str(),
        "Prüfung & Übung <nicht> «öffentlich» — 機密 \u{1F512}\r"
    );
    assert_eq!(ci.categories.len(), 4);
    assert_eq!(
        ci.categories[0].values,
        vec![
            CategoryValue::Generic(text("NATO")),
            CategoryValue::Generic(text("FIN")),
            CategoryValue::Integer(17),
            CategoryValue::BitString(BitString::new("0101").unwrap()),
        ]
    );
    assert_eq!(ci.categories[1].tag_name.as_str(), "Special Handling & Co");
    assert_eq!(ci.categories[1].category_type, CategoryType::Restrictive);
    assert_eq!(ci.categories[1].values[1], CategoryValue::Integer(u64::MAX));
    assert_eq!(
        ci.categories[1].values[3],
        CategoryValue::Generic(text(" spaced  value "))
    );
    assert_eq!(ci.categories[2].category_type, CategoryType::Informative);
    assert!(ci.categories[3].values.is_empty());
    let originator = label.originator_id.as_ref().unwrap();
    assert_eq!(
        (originator.id_type, originator.value.as_str()),
        (IdType::Rfc822Name, "registry@example.int")
    );
    let first = label.succession_handling.as_ref().unwrap();
    assert_eq!(first.succession_date_time, time("2035-01-01T00:00:00Z"));
    assert_eq!(
        first.successor.confidentiality.classification.as_str(),
        "CONFIDENTIAL"
    );
    let second = first.successor.succession_handling.as_ref().unwrap();
    assert_eq!(
        second.successor.confidentiality.classification.as_str(),
        "UNCLASSIFIED"
    );
    assert!(second.successor.succession_handling.is_none());
}

#[test]
fn whitespace_and_attribute_normalisation() {
    let (_, label) = valid("whitespace-normalisation");
    let ci = &label.confidentiality;
    assert_eq!(label.id.as_ref().unwrap().as_str(), "padded-id");
    assert_eq!(ci.policy_identifier.as_str(), "NATO");
    assert_eq!(
        ci.policy_identifier_uri.as_ref().unwrap().as_str(),
        "urn:oid:1.3.26.1.3.1"
    );
    assert_eq!(ci.classification.as_str(), "NATO UNCLASSIFIED");
    assert_eq!(
        ci.privacy_mark.as_ref().unwrap().as_str(),
        "kept <exactly> & as is  with\ttab"
    );
    assert_eq!(
        ci.categories[0].tag_name.as_str(),
        "Tag\twith\nrefs and a line"
    );
    assert_eq!(ci.categories[0].category_type, CategoryType::Permissive);
    assert_eq!(
        ci.categories[0].values,
        vec![CategoryValue::Generic(text("line one\nline two"))]
    );
    assert_eq!(label.creation_date_time, time("2025-01-15T09:30:00Z"));
}

#[test]
fn roles_and_legacy_spelling() {
    assert_eq!(valid("minimal").0, LabelElement::Originator);
    assert_eq!(valid("role-legacy").0, LabelElement::Legacy);
    assert_eq!(valid("role-alternative").0, LabelElement::Alternative);
    assert_eq!(valid("role-metadata").0, LabelElement::Metadata);
    let (role, label) = valid("legacy-spelling-originator");
    assert_eq!(role, LabelElement::Originator);
    let out = label.to_xml(role);
    assert!(
        out.contains("<originatorConfidentialityLabel xmlns="),
        "{out}"
    );
    assert!(!out.contains("OriginatorConfidentialityLabel"), "{out}");
    assert_eq!(
        valid("prefixed").1.confidentiality.categories[0]
            .tag_name
            .as_str(),
        "Context"
    );
}

#[test]
fn times_convert_to_utc() {
    let (_, label) = valid("time-offset");
    assert_eq!(label.review_date_time, Some(time("2030-01-01T00:00:00Z")));
    assert_eq!(label.creation_date_time, time("2025-06-01T13:45:30.25Z"));
    assert!(
        label
            .to_xml(LabelElement::Originator)
            .contains("<CreationDateTime>2025-06-01T13:45:30.25Z</CreationDateTime>")
    );
}

#[test]
fn error_details() {
    for (id, kind) in [
        (
            "missing-creation-datetime",
            ErrorKind::Missing("CreationDateTime"),
        ),
        (
            "missing-policy-identifier",
            ErrorKind::Missing("PolicyIdentifier"),
        ),
        (
            "unknown-element",
            ErrorKind::UnexpectedElement("Caveat".into()),
        ),
        (
            "element-out-of-order",
            ErrorKind::UnexpectedElement("OriginatorID".into()),
        ),
        (
            "foreign-extension-element",
            ErrorKind::Extension("{urn:example:extension}Note".into()),
        ),
        (
            "foreign-attribute",
            ErrorKind::Extension("{urn:example:extension}source".into()),
        ),
        (
            "unknown-attribute",
            ErrorKind::UnexpectedAttribute("URL".into()),
        ),
        (
            "bad-category-type",
            ErrorKind::CategoryType("MANDATORY".into()),
        ),
        ("bad-idtype", ErrorKind::IdType("emailAddress".into())),
        ("bad-integer-value", ErrorKind::Integer(" 7".into())),
        (
            "not-a-label-root",
            ErrorKind::NotALabel("s4778:BindingInformation".into()),
        ),
        (
            "no-namespace",
            ErrorKind::Namespace {
                element: "originatorConfidentialityLabel".into(),
                found: None,
            },
        ),
        (
            "wrong-namespace",
            ErrorKind::Namespace {
                element: "originatorConfidentialityLabel".into(),
                found: Some("urn:nato:stanag:4774:confidentialitymetadatalabel:0:9".into()),
            },
        ),
        (
            "too-many-categories",
            ErrorKind::LimitExceeded {
                what: "categories",
                limit: 64,
            },
        ),
        (
            "succession-too-deep",
            ErrorKind::LimitExceeded {
                what: "succession levels",
                limit: 4,
            },
        ),
    ] {
        assert_eq!(*invalid(id).kind(), kind, "{id}");
    }
    let doctype = invalid("doctype-entity-bomb");
    assert_eq!(
        *doctype.kind(),
        ErrorKind::Xml("DOCTYPE is not allowed: Pouch refuses DTDs and entity declarations".into())
    );
    assert_eq!(doctype.offset(), Some(39));
    for (id, names) in [
        ("bad-prefix", "\"4774\""),
        ("undefined-entity", "&nato;"),
        ("undeclared-prefix", "\"slab\""),
    ] {
        let ErrorKind::Xml(message) = invalid(id).kind().clone() else {
            panic!()
        };
        assert!(message.contains(names), "{message}");
    }
    // Offsets point at the element where the fault was found.
    let bytes = read(&format!("{VECTORS}xml/invalid/unknown-element.xml"));
    let at = invalid("unknown-element").offset().unwrap() as usize;
    assert!(bytes[at..].starts_with(b"<Caveat>"));
}

#[test]
fn limits_are_enforced() {
    let full = read(&format!("{VECTORS}xml/valid/full.xml"));
    let with = |f: fn(&mut Limits)| {
        let mut limits = Limits::default();
        f(&mut limits);
        Label::from_xml(&full, &limits).unwrap_err().kind().clone()
    };
    assert_eq!(
        with(|l| l.max_bytes = 100),
        ErrorKind::TooLarge(pouch_status::TooLarge {
            limit: 100,
            actual: full.len()
        })
    );
    assert_eq!(
        with(|l| l.max_categories = 3),
        ErrorKind::LimitExceeded {
            what: "categories",
            limit: 3
        }
    );
    assert_eq!(
        with(|l| l.max_values = 3),
        ErrorKind::LimitExceeded {
            what: "category values",
            limit: 3
        }
    );
    assert_eq!(
        with(|l| l.max_string_bytes = 20),
        ErrorKind::LimitExceeded {
            what: "bytes in a string",
            limit: 20
        }
    );
    assert_eq!(
        with(|l| l.max_succession_depth = 1),
        ErrorKind::LimitExceeded {
            what: "succession levels",
            limit: 1
        }
    );
    let limits = Limits {
        max_succession_depth: 2,
        ..Limits::default()
    };
    assert!(Label::from_xml(&full, &limits).is_ok());
}

#[test]
fn reference_binding_object() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let bdo = reference("liturner-nmbs/test.1.bdo.xml");
    let labels = labels_in_document(&bdo, &Limits::default()).unwrap();
    assert_eq!(labels.len(), 1);
    let (role, label) = &labels[0];
    assert_eq!(*role, LabelElement::Originator);
    assert_eq!(label.confidentiality.policy_identifier.as_str(), "PUBLIC");
    assert_eq!(label.confidentiality.classification.as_str(), "UNMARKED");
    assert_eq!(label.creation_date_time, time("2026-06-26T12:47:51Z"));
    assert_eq!(
        *Label::from_xml(&bdo, &Limits::default())
            .unwrap_err()
            .kind(),
        ErrorKind::NotALabel("s4778:BindingInformation".into())
    );
}

fn spif_limits() -> Limits {
    Limits {
        max_bytes: 1 << 20,
        ..Limits::default()
    }
}

#[test]
fn reference_spifs() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let ncia = OriginatorId {
        id_type: IdType::UniformResourceIdentifier,
        value: text("https://www.ncia.nato.int/"),
    };
    let v88 = reference("liturner-nmbs/NATO-Security-Policy-v88.spif.xml");
    assert_eq!(
        *labels_in_document(&v88, &Limits::default())
            .unwrap_err()
            .kind(),
        ErrorKind::TooLarge(pouch_status::TooLarge {
            limit: 64 * 1024,
            actual: v88.len()
        })
    );
    let labels = labels_in_document(&v88, &spif_limits()).unwrap();
    assert_eq!(labels.len(), 2);
    for (role, label) in &labels {
        assert_eq!(*role, LabelElement::Originator);
        assert_eq!(label.confidentiality.policy_identifier.as_str(), "PUBLIC");
        assert_eq!(label.confidentiality.classification.as_str(), "UNMARKED");
        assert_eq!(label.originator_id.as_ref(), Some(&ncia));
        assert_eq!(label.creation_date_time, time("2021-06-18T16:11:43Z"));
    }

    let public = reference("liturner-nmbs/PUBLIC-Security-Policy-v1.spif.xml");
    let labels = labels_in_document(&public, &spif_limits()).unwrap();
    assert_eq!(labels.len(), 2);
    assert_eq!(labels[0].1.creation_date_time, time("2014-09-16T10:00:00Z"));
    assert_eq!(labels[1].1.creation_date_time, time("2021-06-18T16:11:43Z"));
    assert_eq!(labels[0].1.originator_id.as_ref(), Some(&ncia));

    let v79 = reference("surevine-spiffing/test-data/nato-4774-policy.xml");
    let labels = labels_in_document(&v79, &spif_limits()).unwrap();
    assert_eq!(labels.len(), 1);
    let (role, label) = &labels[0];
    assert_eq!(
        *role,
        LabelElement::Originator,
        "OriginatorConfidentialityLabel is read as originator"
    );
    assert_eq!(label.confidentiality.policy_identifier.as_str(), "nato");
    assert_eq!(
        label.confidentiality.classification.as_str(),
        "unclassified"
    );
    assert_eq!(
        label.confidentiality.categories,
        vec![Category {
            tag_name: text("Context"),
            category_type: CategoryType::Permissive,
            uri: None,
            values: vec![CategoryValue::Generic(text("NATO"))],
        }]
    );
    assert_eq!(
        label.originator_id,
        Some(OriginatorId {
            id_type: IdType::UserPrincipalName,
            value: text("MORDRED\\Graeme"),
        })
    );
    assert_eq!(
        label.review_date_time,
        Some(time("2020-08-02T14:06:20.9873126Z"))
    );
    assert_eq!(
        label.creation_date_time,
        time("2015-08-02T14:06:20.9873126Z")
    );
    // Seven fractional digits survive the round trip.
    round_trip("nato-4774-policy", label.to_xml(*role).as_bytes());
}

#[test]
fn table17_originals_are_rejected() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    for i in 1..=6 {
        let bytes = reference(&format!(
            "surevine-spiffing/test-data/nato-4774-17-{i}.nato"
        ));
        let err = Label::from_xml(&bytes, &Limits::default()).unwrap_err();
        let expected = if i == 1 {
            ErrorKind::UnexpectedAttribute("URL".into())
        } else {
            ErrorKind::Missing("CreationDateTime")
        };
        assert_eq!(*err.kind(), expected, "17-{i}: {err}");
        // The corrected copies decode to the same policy and categories.
        let (_, fixed) = valid(&format!("table17-{i}"));
        assert_eq!(fixed.confidentiality.policy_identifier.as_str(), "NATO");
    }
    let (_, first) = valid("table17-1");
    assert_eq!(
        first.confidentiality.policy_identifier_uri,
        Some(token("urn:oid:1.3.26.1.3.1"))
    );
    assert_eq!(first.confidentiality.categories[1].values.len(), 4);
}

#[test]
fn sparrow_labels_are_not_namespace_well_formed() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    for n in 1..=2 {
        let bytes = reference(&format!("fireflans-sparrow/test_labels_label{n}.xml"));
        for err in [
            Label::from_xml(&bytes, &Limits::default()).unwrap_err(),
            labels_in_document(&bytes, &Limits::default()).unwrap_err(),
        ] {
            let ErrorKind::Xml(message) = err.kind() else {
                panic!("label{n}: {err}")
            };
            assert!(message.contains("4774"), "label{n}: {message}");
        }
    }
}

#[test]
fn every_truncation_fails_without_panic() {
    let dir = format!("{VECTORS}xml/valid/");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let end = bytes.iter().rposition(|b| !b" \t\r\n".contains(b)).unwrap() + 1;
        for n in 0..end {
            let cut = &bytes[..n];
            assert!(
                Label::from_xml(cut, &Limits::default()).is_err(),
                "{path:?} cut at {n}"
            );
            assert!(
                labels_in_document(cut, &Limits::default()).is_err(),
                "{path:?} cut at {n}"
            );
        }
    }
}

#[test]
fn nesting_bomb_is_rejected_quickly() {
    let limits = Limits {
        max_bytes: 4 << 20,
        ..Limits::default()
    };
    let depth = 100_000;
    let nest = |name: &str| {
        format!(
            "{}{}",
            format!("<{name}>").repeat(depth),
            format!("</{name}>").repeat(depth)
        )
    };
    let label = |inner: &str| {
        format!(
            "<originatorConfidentialityLabel xmlns=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\">\
             <ConfidentialityInformation><PolicyIdentifier>P</PolicyIdentifier>\
             <Classification>C</Classification>{inner}</ConfidentialityInformation>\
             <CreationDateTime>2025-01-15T09:30:00Z</CreationDateTime></originatorConfidentialityLabel>"
        )
    };
    // "Quickly" is shown by where each refusal stops (a byte counter, not a clock): at the
    // first nested element, or at the reader's nesting bound, never at the end of the input.
    let offset = |err: &pouch_label::Error| err.offset().map(|o| usize::try_from(o).unwrap());
    let inside = label(&nest("a"));
    let err = Label::from_xml(inside.as_bytes(), &limits).unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::UnexpectedElement("a".into()));
    assert_eq!(offset(&err), inside.find("<a>"), "{err}");
    let foreign = label(&nest("x:a").replacen("<x:a>", "<x:a xmlns:x=\"urn:example\">", 1));
    let err = labels_in_document(foreign.as_bytes(), &limits).unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Extension("{urn:example}a".into()));
    assert_eq!(offset(&err), foreign.find("<x:a"), "{err}");
    // Outside any label the document is streamed; the reader's nesting bound stops it (its
    // heap use is bounded by the input's size in tests/memory.rs).
    let outside = format!("<r>{}{}</r>", nest("a"), label(""));
    let err = labels_in_document(outside.as_bytes(), &limits).unwrap_err();
    assert_eq!(err.kind().name(), "Xml", "{err}");
}

#[test]
fn billion_laughs_is_rejected_quickly() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let refs = format!(
            "&lol{};",
            if i == 1 {
                String::new()
            } else {
                (i - 1).to_string()
            }
        )
        .repeat(10);
        doc.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    doc.push_str(
        "]>\n<originatorConfidentialityLabel xmlns=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\">\
         <ConfidentialityInformation><PolicyIdentifier>&lol9;</PolicyIdentifier>\
         <Classification>C</Classification></ConfidentialityInformation>\
         <CreationDateTime>2025-01-15T09:30:00Z</CreationDateTime></originatorConfidentialityLabel>",
    );
    // Refused where the DTD starts (a byte counter, not a clock): nothing after it is read,
    // so nothing is expanded. tests/memory.rs bounds the heap use as well.
    let doctype = doc.find("<!DOCTYPE");
    for err in [
        Label::from_xml(doc.as_bytes(), &Limits::default()).unwrap_err(),
        labels_in_document(doc.as_bytes(), &Limits::default()).unwrap_err(),
    ] {
        assert_eq!(err.kind().name(), "Xml", "{err}");
        assert_eq!(err.offset().map(|o| o as usize), doctype, "{err}");
    }
    // Without the DTD, the reference is refused, never expanded.
    let body = doc.split_once("]>\n").unwrap().1;
    let err = Label::from_xml(body.as_bytes(), &Limits::default()).unwrap_err();
    let ErrorKind::Xml(message) = err.kind() else {
        panic!("{err}")
    };
    assert!(message.contains("&lol9;"), "{message}");
    assert_eq!(
        err.offset().map(|o| o as usize),
        body.find("&lol9;"),
        "{err}"
    );
}

#[test]
fn document_level_faults() {
    let minimal = String::from_utf8(read(&format!("{VECTORS}xml/valid/minimal.xml"))).unwrap();
    let kind = |doc: &str| {
        Label::from_xml(doc.as_bytes(), &Limits::default())
            .unwrap_err()
            .kind()
            .name()
    };
    assert_eq!(kind(""), "Xml");
    assert_eq!(kind(&format!("{minimal}<second/>")), "Xml");
    assert_eq!(kind(&format!("{minimal}trailing text")), "Xml");
    assert_eq!(kind(&format!("text {minimal}")), "Xml");
    assert_eq!(
        kind(&format!("<!-- c -->{minimal}")),
        "Xml",
        "declaration not first"
    );
    let latin1 = minimal.replace("UNMARKED", "UNMARK\u{c9}D");
    let mut bytes = latin1.into_bytes();
    let at = bytes.windows(2).position(|w| w == [0xC3, 0x89]).unwrap();
    bytes.splice(at..at + 2, [0xC9]);
    assert_eq!(
        Label::from_xml(&bytes, &Limits::default())
            .unwrap_err()
            .kind()
            .name(),
        "Xml"
    );
    assert_eq!(
        kind(&minimal.replace(
            "<ConfidentialityInformation>",
            "<ConfidentialityInformation a='1' a='2'>"
        )),
        "Xml"
    );
    assert_eq!(
        *Label::from_xml(minimal.replace("</ConfidentialityInformation>\n", "</ConfidentialityInformation>\n<CreationDateTime>2025-01-15T09:30:00Z</CreationDateTime>").as_bytes(), &Limits::default())
            .unwrap_err()
            .kind(),
        ErrorKind::Duplicate("CreationDateTime".into())
    );
    assert_eq!(kind(&minimal.replace("UNMARKED", "")), "String");
    assert_eq!(
        labels_in_document(b"<doc><nothing/></doc>", &Limits::default())
            .unwrap_err()
            .kind()
            .name(),
        "NoLabel"
    );
}

fn sample() -> Label {
    let mut info = ConfidentialityInformation::new(token("NATO"), token("SECRET"));
    info.policy_identifier_uri = Some(token("urn:oid:1.3.26.1.3.1?a=1&b=\"2\""));
    info.privacy_mark = Some(text(" <mark> & \"quoted\" \r\n\tend ]]> "));
    info.categories.push(Category {
        tag_name: text("Tab\there, LF\nthere, CR\rand \"quote\" & <lt> 'apos'"),
        category_type: CategoryType::Restrictive,
        uri: Some(token("urn:x")),
        values: vec![
            CategoryValue::Generic(text("\r\n")),
            CategoryValue::Generic(text("")),
            CategoryValue::Integer(0),
            CategoryValue::BitString(BitString::new("10").unwrap()),
        ],
    });
    let successor = SuccessorLabel {
        confidentiality: ConfidentialityInformation::new(token("NATO"), token("UNCLASSIFIED")),
        originator_id: Some(OriginatorId {
            id_type: IdType::Jid,
            value: text("a@b/c"),
        }),
        creation_date_time: time("2025-01-01T00:00:00Z"),
        succession_handling: None,
    };
    let mut label = Label::new(info, time("2025-01-15T09:30:00.1Z"));
    label.id = Some(XmlId::new("l1").unwrap());
    label.review_date_time = Some(time("2026-01-01T00:00:00Z"));
    label.succession_handling = Some(SuccessionHandling {
        succession_date_time: time("2030-01-01T00:00:00Z"),
        successor: Box::new(successor),
    });
    label
}

#[test]
fn encoding_is_exact_and_deterministic() {
    let label = sample();
    for role in LabelElement::ALL {
        let xml = label.to_xml(role);
        assert!(xml.starts_with(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{} xmlns=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\" Id=\"l1\" ReviewDateTime=\"2026-01-01T00:00:00Z\">\n  <ConfidentialityInformation>\n",
            role.element_name()
        )), "{xml}");
        assert!(
            xml.contains("\n    <SuccessorConfidentialityLabel>\n"),
            "successor has no attributes: {xml}"
        );
        assert!(xml.contains("&#xD;"), "{xml}");
        assert_eq!(xml, label.to_xml(role));
        let (back_role, back) = Label::from_xml(xml.as_bytes(), &Limits::default()).unwrap();
        assert_eq!((back_role, &back), (role, &label), "{xml}");
    }
}

proptest! {
    #[test]
    fn any_text_round_trips(
        mark in "[\\t\\n\\r -~\u{a0}-\u{ff}\u{10000}-\u{10010}]{0,40}",
        tag in "[\\t\\n\\r -~é]{0,20}",
        value in "[\\t\\n\\r <>&\"'a-z\u{fffd}]{0,20}",
    ) {
        let mut label = sample();
        label.confidentiality.privacy_mark = Some(text(&mark));
        label.confidentiality.categories[0].tag_name = text(&tag);
        label.confidentiality.categories[0].values[0] = CategoryValue::Generic(text(&value));
        let xml = label.to_xml(LabelElement::Metadata);
        let (role, back) = Label::from_xml(xml.as_bytes(), &Limits::default()).unwrap();
        prop_assert_eq!(role, LabelElement::Metadata);
        prop_assert_eq!(back, label);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Label::from_xml(&bytes, &Limits::default());
        let _ = labels_in_document(&bytes, &Limits::default());
    }
}
