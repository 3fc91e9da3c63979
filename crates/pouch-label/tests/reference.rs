//! Real ADatP-4774 labels, read from the shared reference data, survive XML -> CBOR -> JSON ->
//! XML with the same information, compared as data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use pouch_label::{CategoryType, Label, LabelElement, Limits, xml::labels_in_document};

/// One reference document: where it is, how many labels it embeds, and facts read from it by
/// eye, so the round trip is checked against the source and not only against itself.
struct Case {
    file: &'static str,
    labels: usize,
    policy: &'static str,
    classification: &'static str,
    creation: &'static str,
    originator: Option<&'static str>,
    review: Option<&'static str>,
    categories: &'static [(&'static str, CategoryType, &'static [&'static str])],
}

const CASES: &[Case] = &[
    Case {
        file: "liturner-nmbs/test.1.bdo.xml",
        labels: 1,
        policy: "PUBLIC",
        classification: "UNMARKED",
        creation: "2026-06-26T12:47:51Z",
        originator: None,
        review: None,
        categories: &[],
    },
    Case {
        file: "liturner-nmbs/NATO-Security-Policy-v88.spif.xml",
        labels: 2,
        policy: "PUBLIC",
        classification: "UNMARKED",
        creation: "2021-06-18T16:11:43Z",
        originator: Some("https://www.ncia.nato.int/"),
        review: None,
        categories: &[],
    },
    Case {
        file: "liturner-nmbs/PUBLIC-Security-Policy-v1.spif.xml",
        labels: 2,
        policy: "PUBLIC",
        classification: "UNMARKED",
        creation: "2014-09-16T10:00:00Z",
        originator: Some("https://www.ncia.nato.int/"),
        review: None,
        categories: &[],
    },
    Case {
        file: "surevine-spiffing/test-data/nato-4774-policy.xml",
        labels: 1,
        policy: "nato",
        classification: "unclassified",
        creation: "2015-08-02T14:06:20.9873126Z",
        originator: Some("MORDRED\\Graeme"),
        review: Some("2020-08-02T14:06:20.9873126Z"),
        categories: &[("Context", CategoryType::Permissive, &["NATO"])],
    },
];

fn through_all_forms(role: LabelElement, label: &Label) -> (LabelElement, Label) {
    let limits = Limits::default();
    let cbor = label.to_cbor();
    let a = Label::from_cbor(&cbor, &limits).unwrap();
    let b = Label::from_json(a.to_json().as_bytes(), &limits).unwrap();
    let (r, c) = Label::from_xml(b.to_xml(role).as_bytes(), &limits).unwrap();
    assert_eq!(c.to_cbor(), cbor, "CBOR bytes changed");
    (r, c)
}

#[test]
fn labels_embedded_in_reference_documents_round_trip_as_data() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let limits = Limits {
        max_bytes: 4 << 20,
        ..Limits::default()
    };
    for case in CASES {
        let bytes = std::fs::read(common::reference(case.file))
            .unwrap_or_else(|e| panic!("{}: {e}", case.file));
        let found =
            labels_in_document(&bytes, &limits).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        assert_eq!(found.len(), case.labels, "{}", case.file);
        let (role, label) = &found[0];
        assert_eq!(*role, LabelElement::Originator, "{}", case.file);
        let i = &label.confidentiality;
        assert_eq!(i.policy_identifier.as_str(), case.policy, "{}", case.file);
        assert_eq!(
            i.classification.as_str(),
            case.classification,
            "{}",
            case.file
        );
        assert_eq!(
            label.creation_date_time.to_string(),
            case.creation,
            "{}",
            case.file
        );
        assert_eq!(
            label.originator_id.as_ref().map(|o| o.value.as_str()),
            case.originator,
            "{}",
            case.file
        );
        assert_eq!(
            label.review_date_time.map(|t| t.to_string()).as_deref(),
            case.review,
            "{}",
            case.file
        );
        let cats: Vec<(String, CategoryType, Vec<String>)> = i
            .categories
            .iter()
            .map(|c| {
                (
                    c.tag_name.as_str().to_owned(),
                    c.category_type,
                    c.values.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect();
        let want: Vec<(String, CategoryType, Vec<String>)> = case
            .categories
            .iter()
            .map(|(t, k, v)| {
                (
                    (*t).to_owned(),
                    *k,
                    v.iter().map(|s| (*s).to_owned()).collect(),
                )
            })
            .collect();
        assert_eq!(cats, want, "{}", case.file);
        for (role, label) in &found {
            assert_eq!(
                through_all_forms(*role, label),
                (*role, label.clone()),
                "{}",
                case.file
            );
        }
    }
}

/// The six ADatP-4774 Table 17 examples are refused as published, each naming its fault; the
/// project's corrected fixtures (CreationDateTime added, `URL` -> `URI`) round-trip.
#[test]
fn table_17_examples_are_refused_as_published_and_round_trip_corrected() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let limits = Limits::default();
    for n in 1..=6 {
        let file = format!("surevine-spiffing/test-data/nato-4774-17-{n}.nato");
        let bytes = std::fs::read(common::reference(&file)).unwrap();
        let e = Label::from_xml(&bytes, &limits).unwrap_err();
        let want = if n == 1 {
            "UnexpectedAttribute"
        } else {
            "Missing"
        };
        assert_eq!(e.kind().name(), want, "{file}: {e}");
        let text = e.to_string();
        assert!(
            text.contains(if n == 1 { "URL" } else { "CreationDateTime" }),
            "{file}: {text}"
        );

        let fixed = std::fs::read(
            common::root().join(format!("test-vectors/labels/xml/valid/table17-{n}.xml")),
        )
        .unwrap();
        let (role, label) = Label::from_xml(&fixed, &limits).unwrap();
        assert_eq!(label.confidentiality.policy_identifier.as_str(), "NATO");
        assert_eq!(through_all_forms(role, &label), (role, label));
    }
}

#[test]
fn sparrow_labels_are_refused_for_their_namespace_fault() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    for f in [
        "fireflans-sparrow/test_labels_label1.xml",
        "fireflans-sparrow/test_labels_label2.xml",
    ] {
        let bytes = std::fs::read(common::reference(f)).unwrap();
        let e = Label::from_xml(&bytes, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("4774"), "{f}: {e}");
    }
}
