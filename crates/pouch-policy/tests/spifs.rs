//! Every SPIF of the reference folder loads; broken and hostile ones are refused with the
//! element and line (spec/05-policy.md §5.2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use pouch_policy::{ErrorKind, Limits, Policy, TagType};

// Every SPIF of common::SPIFS loads. Not well-formed, so refused: food-policy.xml,
// food-policy-missi.xml (a misspelt end tag) and bsi-commercial.xml (truncated); tests below.

/// Counts elements of a local name in the raw text, as an independent check of the loader.
fn count(rel: &str, open_tag: &str) -> usize {
    let text = std::fs::read_to_string(common::reference(rel)).unwrap();
    text.matches(open_tag).filter(|_| true).count()
}

#[test]
fn every_reference_spif_loads() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    for rel in common::SPIFS {
        let p = common::spif(rel);
        assert!(!p.classifications.is_empty(), "{rel}");
        let values: usize = p
            .tag_sets
            .iter()
            .flat_map(|s| &s.tags)
            .map(|t| t.categories.len())
            .sum();
        // Every tagCategory of the file is a value of the policy (no prefix in these counts
        // is ambiguous: "tagCategory " starts only that element).
        let raw =
            count(rel, "tagCategory ") + count(rel, "tagCategory\n") + count(rel, "tagCategory\r");
        assert_eq!(values, raw, "{rel}");
    }
}

#[test]
fn nato_v88_facts() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif("liturner-nmbs/NATO-Security-Policy-v88.spif.xml");
    assert_eq!(
        (p.name.as_str(), p.id.as_str(), p.version.as_str()),
        ("NATO", "1.3.26.1.3.1", "88")
    );
    let names: Vec<&str> = p.classifications.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "UNCLASSIFIED",
            "RESTRICTED",
            "CONFIDENTIAL",
            "SECRET",
            "TOP SECRET"
        ]
    );
    assert_eq!(p.memberships.len(), 14);
    let kfor = p.members_of("KFOR").unwrap();
    assert!(kfor.iter().any(|m| m == "FIN") && kfor.iter().any(|m| m == "SWE"));
    let rel = p.tag_set("Releasable To").unwrap();
    assert_eq!(rel.id, "1.3.26.1.4.2");
    assert_eq!(rel.tags[0].tag_type, TagType::Permissive);
    // French marking data is kept beside the English.
    let unclass = p.classification("UNCLASSIFIED").unwrap();
    assert!(unclass.marking.languages().any(|l| l == "fr"));
    // v88 repeats values in one tag (NATO twice in Releasable To, with OCCAR's lacv 1001):
    // warnings, the first value kept (POUCH-POL-007).
    assert!(
        p.warnings
            .iter()
            .any(|w| w.starts_with("line 1388: tag \"Releasable To\" repeats NATO")),
        "{:?}",
        p.warnings
    );
    assert_eq!(
        rel.tags[0]
            .categories
            .iter()
            .filter(|c| c.lacv == 1001)
            .count(),
        3
    );
}

#[test]
fn nato_v79_facts() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif("surevine-spiffing/test-data/nato-4774-policy.xml");
    assert_eq!((p.name.as_str(), p.version.as_str()), ("NATO", "79"));
    let atomal = &p.tag_set("Additional Sensitivity").unwrap().tags[0].categories[0];
    assert_eq!(atomal.name, "ATOMAL");
    assert_eq!(atomal.excluded_classes, [0, 1]);
    let only = &p.tag_set("Only").unwrap().tags[0];
    assert_eq!(only.tag_type, TagType::EnumeratedPermissive);
}

/// ACME writes equivalentSecCategoryTag unqualified: read as the SPIF element, with a warning.
#[test]
fn acme_unqualified_equivalence_is_read_with_a_warning() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif("fireflans-sparrow/config_spifs_ACME.xml");
    let mock = &p.tag_set("Releasable To").unwrap().tags[0].categories[0];
    assert_eq!(mock.name, "MOCK");
    assert_eq!(mock.equivalents.len(), 1);
    assert_eq!(mock.equivalents[0].lacv, Some(1000));
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("equivalentSecCategoryTag"));
}

#[test]
fn food_policy_borked_is_refused() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let e = common::load_spif("surevine-spiffing/test-data/food-policy-borked.xml").unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Duplicate { what: "excluded classification in category", value } if value == "Ambrosia"),
        "{e}"
    );
    assert_eq!(e.element(), Some("excludedClass"));
    assert_eq!(e.line(), Some(38));
}

/// bsi-commercial.xml ends without `</SPIF>`: truncated, not well-formed.
#[test]
fn bsi_commercial_truncated_is_refused() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let e = common::load_spif("surevine-spiffing/test-data/bsi-commercial.xml").unwrap_err();
    assert!(e.to_string().contains("unexpected end of document"), "{e}");
    assert_eq!(e.element(), Some("SPIF"));
}

#[test]
fn food_policy_end_tag_mismatch_is_refused() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    for (file, line) in [("food-policy.xml", 81), ("food-policy-missi.xml", 85)] {
        let bytes = std::fs::read(common::reference(&format!(
            "surevine-spiffing/test-data/{file}"
        )))
        .unwrap();
        let e = Policy::load(&bytes, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("securityCategiryTagSet"), "{e}");
        assert_eq!(
            (e.element(), e.line()),
            (Some("securityCategoryTagSet"), Some(line)),
            "{file}"
        );
        // With the one end tag corrected, the policy loads.
        let fixed = String::from_utf8(bytes)
            .unwrap()
            .replace("securityCategiryTagSet", "securityCategoryTagSet");
        assert!(
            Policy::load(fixed.as_bytes(), &Limits::default()).is_ok(),
            "{file}"
        );
    }
}

const MINI: &str = r#"<SPIF xmlns="http://www.xmlspif.org/spif"><securityPolicyId name="X" id="1.2"/><securityClassifications><securityClassification name="A" lacv="1" hierarchy="1"/></securityClassifications></SPIF>"#;

fn load(s: &str) -> Result<Policy, pouch_policy::Error> {
    Policy::load(s.as_bytes(), &Limits::default())
}

#[test]
fn minimal_spif_loads() {
    assert_eq!(load(MINI).unwrap().name, "X");
}

#[test]
fn doctype_and_entities_are_refused() {
    let e = load(&format!("<!DOCTYPE SPIF [<!ENTITY a \"b\">]>\n{MINI}")).unwrap_err();
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    let e = load(&MINI.replace("name=\"A\"", "name=\"&a;\"")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Xml(_)), "{e}");
}

#[test]
fn limits_are_enforced() {
    let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
    let e = Policy::load(deep.as_bytes(), &Limits::default()).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::LimitExceeded {
                what: "nesting depth",
                ..
            }
        ),
        "{e}"
    );
    let huge = MINI.replace("name=\"A\"", &format!("name=\"{}\"", "A".repeat(5000)));
    let e = load(&huge).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::LimitExceeded { .. }), "{e}");
    let tight = Limits {
        max_elements: 3,
        ..Limits::default()
    };
    let e = Policy::load(MINI.as_bytes(), &tight).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::LimitExceeded {
                what: "elements",
                ..
            }
        ),
        "{e}"
    );
    let small = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(matches!(
        Policy::load(MINI.as_bytes(), &small).unwrap_err().kind(),
        ErrorKind::TooLarge(_)
    ));
}

#[test]
fn wrong_namespaces_are_refused() {
    let e = load(&MINI.replace("http://www.xmlspif.org/spif", "urn:other")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Namespace { .. }), "{e}");
    let inner = MINI.replace(
        "<securityPolicyId",
        "<o:securityPolicyId xmlns:o=\"urn:other\"",
    );
    let e = load(&inner).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Namespace { .. }), "{e}");
    assert_eq!(e.element(), Some("securityPolicyId"));
}

#[test]
fn broken_rules_are_refused_naming_the_element() {
    let dup = MINI.replace(
        "</securityClassifications>",
        "<securityClassification name=\"B\" lacv=\"1\" hierarchy=\"2\"/></securityClassifications>",
    );
    let e = load(&dup).unwrap_err();
    assert_eq!(e.element(), Some("securityClassification"));
    let no_id = MINI.replace("<securityPolicyId name=\"X\" id=\"1.2\"/>", "");
    assert!(matches!(
        load(&no_id).unwrap_err().kind(),
        ErrorKind::Missing("securityPolicyId")
    ));
    let bad_lacv = MINI.replace("lacv=\"1\"", "lacv=\"x\"");
    assert!(matches!(
        load(&bad_lacv).unwrap_err().kind(),
        ErrorKind::Invalid { what: "lacv", .. }
    ));
}
