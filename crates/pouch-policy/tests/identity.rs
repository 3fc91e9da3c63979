//! One policy identity (POUCH-POL-020, 032), authorisation through the hierarchy
//! (POUCH-POL-033), label equivalence (POUCH-POL-054) and release that fails closed
//! (POUCH-POL-067), on the demo SPIFs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pouch_label::{Label, Limits as LabelLimits};
use pouch_policy::demo::{COALITION_SPIF, NATIONAL_SPIF};
use pouch_policy::{Clearance, Error, ErrorKind, Limits, Policy, PolicyMatch, Recipient};

fn policies() -> (Policy, Policy) {
    let l = Limits::default();
    (
        Policy::load(COALITION_SPIF, &l).unwrap(),
        Policy::load(NATIONAL_SPIF, &l).unwrap(),
    )
}

/// A label from its policy identifier members (JSON, without braces), classification and
/// categories (JSON array items).
fn label(policy: &str, class: &str, cats: &str) -> Label {
    let cats = if cats.is_empty() {
        String::new()
    } else {
        format!(r#","categories":[{cats}]"#)
    };
    let json = format!(
        r#"{{"confidentialityInformation":{{{policy},"classification":"{class}"{cats}}},"creationDateTime":"2026-11-28T09:00:00Z"}}"#
    );
    Label::from_json(json.as_bytes(), &LabelLimits::default()).unwrap()
}

/// A SECRET label releasable to FIN whose policy identifier is `name` and whose URI is `uri`.
fn secret_rel_fin(name: &str, uri: &str) -> Label {
    let policy = format!(r#""policyIdentifier":"{name}","policyIdentifierUri":"{uri}""#);
    label(&policy, "SECRET", REL_FIN)
}

fn codes(s: &[pouch_policy::Status]) -> Vec<&'static str> {
    s.iter().map(|s| s.code.id()).collect()
}

const DEMO: &str = r#""policyIdentifier":"POUCH-DEMO""#;
const REL_FIN: &str = r#"{"tagName":"Releasable To","type":"PERMISSIVE","values":["FIN"]}"#;

#[test]
fn name_and_uri_must_name_the_same_policy() {
    let (demo, nor) = policies();
    let agree = secret_rel_fin("POUCH-DEMO", "urn:oid:2.999.4774.1");
    assert_eq!(demo.identify(&agree), PolicyMatch::Names { exact: true });
    assert_eq!(nor.identify(&agree), PolicyMatch::Other);
    assert_eq!(codes(&demo.validate(&agree)), ["policy.label-valid"]);
    // The URI prefix is compared ignoring case; the text by OID as well as by name.
    let by_oid = secret_rel_fin("2.999.4774.1", "URN:OID:2.999.4774.1");
    assert_eq!(demo.identify(&by_oid), PolicyMatch::Names { exact: true });
    let case = label(r#""policyIdentifier":"pouch-demo""#, "SECRET", REL_FIN);
    assert_eq!(demo.identify(&case), PolicyMatch::Names { exact: false });
    assert_eq!(
        codes(&demo.validate(&case)),
        ["policy.name-case", "policy.label-valid"]
    );
}

/// The authorisation bypass of issue 14: a label whose name says one policy and whose URI
/// names another was read as the first by authorisation and as the second by validation.
#[test]
fn name_of_one_policy_with_uri_of_another_is_malformed_under_both() {
    let (demo, nor) = policies();
    let l = secret_rel_fin("NOR-DEMO", "urn:oid:2.999.4774.1");
    assert!(matches!(demo.identify(&l), PolicyMatch::Conflict { .. }));
    assert!(matches!(nor.identify(&l), PolicyMatch::Conflict { .. }));
    assert!(!demo.names_this_policy(&l) && !nor.names_this_policy(&l));
    assert_eq!(codes(&demo.validate(&l)), ["policy.identifier-conflict"]);
    assert_eq!(codes(&nor.validate(&l)), ["policy.identifier-conflict"]);
    let d = demo.release(&l, &Recipient::new("FIN"));
    assert!(!d.permitted);
    assert_eq!(
        codes(&d.statuses),
        [
            "policy.identifier-conflict",
            "release.label-invalid",
            "release.denied"
        ]
    );
    // A name no policy has, with this policy's URI: also a conflict, not a silent match.
    let unnamed = secret_rel_fin("DEMO POLICY", "urn:oid:2.999.4774.1");
    assert!(matches!(
        demo.identify(&unnamed),
        PolicyMatch::Conflict { .. }
    ));
    assert_eq!(nor.identify(&unnamed), PolicyMatch::Other);
}

#[test]
fn clearances_and_authorisations_name_a_policy_one_way() {
    let (demo, _) = policies();
    for name in [
        "POUCH-DEMO",
        "pouch-demo",
        "2.999.4774.1",
        "urn:oid:2.999.4774.1",
    ] {
        assert!(demo.is_called(name), "{name}");
    }
    for name in ["NOR-DEMO", "2.999.4774.2", "urn:oid:2.999.4774", "POUCH"] {
        assert!(!demo.is_called(name), "{name}");
    }
}

#[test]
fn authorisation_reaches_down_the_hierarchy() {
    let (demo, _) = policies();
    let up_to = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let secret = up_to(&["SECRET"]);
    for c in [
        "UNCLASSIFIED",
        "RESTRICTED",
        "CONFIDENTIAL",
        "SECRET",
        "secret",
    ] {
        assert!(demo.covers(&secret, c), "{c}");
    }
    let confidential = up_to(&["RESTRICTED", "CONFIDENTIAL"]);
    assert!(demo.covers(&confidential, "UNCLASSIFIED"));
    assert!(!demo.covers(&confidential, "SECRET"));
    // A classification the policy lacks is covered by nothing; a listed name it lacks covers
    // nothing.
    assert!(!demo.covers(&secret, "TOP SECRET"));
    assert!(!demo.covers(&up_to(&["TOP SECRET"]), "UNCLASSIFIED"));
    assert!(!demo.covers(&[], "UNCLASSIFIED"));
}

#[test]
fn the_derived_label_is_the_equivalent_and_a_different_one_is_not() {
    let (demo, nor) = policies();
    let l = label(
        DEMO,
        "SECRET",
        r#"{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION","FIN"]}"#,
    );
    let alt = demo.equivalent(&l, &nor).unwrap();
    assert!(demo.is_equivalent(&l, &nor, &alt).unwrap());
    // The same meaning spelled otherwise (values reordered, one by lacv) is the equivalent.
    let spelled = label(
        r#""policyIdentifier":"NOR-DEMO""#,
        "HEMMELIG",
        r#"{"tagName":"Kan frigis til","type":"PERMISSIVE","values":["FIN"]},
           {"tagName":"Kan frigis til","type":"PERMISSIVE","values":[1000]}"#,
    );
    assert!(demo.is_equivalent(&l, &nor, &spelled).unwrap());
    // One more nation, or a lower classification, is not.
    let wider = label(
        r#""policyIdentifier":"NOR-DEMO""#,
        "HEMMELIG",
        r#"{"tagName":"Kan frigis til","type":"PERMISSIVE","values":["KOALISJON","FIN","SWE"]}"#,
    );
    assert!(!demo.is_equivalent(&l, &nor, &wider).unwrap());
    let lower = label(
        r#""policyIdentifier":"NOR-DEMO""#,
        "KONFIDENSIELT",
        r#"{"tagName":"Kan frigis til","type":"PERMISSIVE","values":["KOALISJON","FIN"]}"#,
    );
    assert!(!demo.is_equivalent(&l, &nor, &lower).unwrap());
    // A label under another policy than the target says nothing there.
    assert!(!demo.is_equivalent(&l, &nor, &l).unwrap());
    // No equivalence declared for the target: no label is the equivalent.
    assert!(matches!(
        demo.is_equivalent(&l, &demo, &l).map_err(Error::into_kind),
        Err(ErrorKind::NoEquivalentPolicy { .. })
    ));
    assert!(demo.same_meaning(&l, &l));
}

/// Release fails closed: a label that names no one is not released on a code alone.
#[test]
fn release_without_a_basis_is_denied() {
    let (demo, _) = policies();
    let bare = label(DEMO, "SECRET", "");
    let d = demo.release(&bare, &Recipient::new("FIN"));
    assert!(!d.permitted);
    assert_eq!(codes(&d.statuses), ["release.no-basis", "release.denied"]);
    // A clearance under the policy that dominates the label is a basis.
    let cleared = |classes: &[&str]| Clearance {
        policy: "urn:oid:2.999.4774.1".into(),
        classifications: classes.iter().map(|c| (*c).to_owned()).collect(),
        categories: vec![],
    };
    let ok = Recipient::new("FIN").with_clearance(cleared(&["SECRET"]));
    assert_eq!(
        codes(&demo.release(&bare, &ok).statuses),
        ["release.permitted"]
    );
    let low = Recipient::new("FIN").with_clearance(cleared(&["CONFIDENTIAL"]));
    assert_eq!(
        codes(&demo.release(&bare, &low).statuses),
        ["release.clearance-classification", "release.denied"]
    );
    // A clearance under another policy is no basis.
    let other = Recipient::new("FIN").with_clearance(Clearance {
        policy: "NOR-DEMO".into(),
        classifications: vec!["HEMMELIG".into()],
        categories: vec![],
    });
    assert_eq!(
        codes(&demo.release(&bare, &other).statuses),
        [
            "release.clearance-policy-mismatch",
            "release.no-basis",
            "release.denied"
        ]
    );
    // Naming the recipient is a basis without a clearance.
    let named = label(DEMO, "SECRET", REL_FIN);
    assert!(demo.release(&named, &Recipient::new("FIN")).permitted);
}
