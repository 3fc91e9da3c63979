//! The demonstration policies load, derive each other's labels, and decide releases as
//! their text says.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pouch_label::{Label, Limits as LabelLimits};
use pouch_policy::demo::{COALITION_SPIF, NATIONAL_SPIF};
use pouch_policy::{Limits, Policy, Recipient};

fn policies() -> (Policy, Policy) {
    let l = Limits::default();
    (
        Policy::load(COALITION_SPIF, &l).unwrap(),
        Policy::load(NATIONAL_SPIF, &l).unwrap(),
    )
}

fn label(json: &str) -> Label {
    Label::from_json(json.as_bytes(), &LabelLimits::default()).unwrap()
}

const SECRET_COALITION: &str = r#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO",
  "classification":"SECRET","categories":[{"tagName":"Releasable To","type":"PERMISSIVE",
  "values":["COALITION","FIN"]}]},"creationDateTime":"2026-11-28T09:00:00Z"}"#;

#[test]
fn both_demo_policies_load_without_warnings() {
    let (c, n) = policies();
    assert_eq!(
        (c.name.as_str(), c.id.as_str()),
        ("POUCH-DEMO", "2.999.4774.1")
    );
    assert_eq!(
        (n.name.as_str(), n.id.as_str()),
        ("NOR-DEMO", "2.999.4774.2")
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
    assert_eq!(c.members_of("COALITION").unwrap(), ["NOR", "DNK", "NLD"]);
}

#[test]
fn a_coalition_label_is_valid_marked_and_has_a_norwegian_equivalent() {
    let (c, n) = policies();
    let l = label(SECRET_COALITION);
    let v = c.validate(&l);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].code, pouch_status::POLICY_LABEL_VALID);
    assert_eq!(
        c.marking(&l, None).unwrap(),
        "DEMO SECRET Releasable to COALITION, FIN"
    );
    assert_eq!(
        c.marking(&l, Some("nb")).unwrap(),
        "DEMO HEMMELIG Kan frigis til COALITION, FIN"
    );
    let alt = c.equivalent(&l, &n).unwrap();
    assert_eq!(alt.confidentiality.classification.as_str(), "HEMMELIG");
    assert_eq!(alt.creation_date_time, l.creation_date_time);
    assert_eq!(n.validate(&alt)[0].code, pouch_status::POLICY_LABEL_VALID);
    // The group value maps to the national group, KOALISJON; the national policy's
    // untagged marking data are Norwegian, its `en` data English.
    assert_eq!(
        n.marking(&alt, Some("nb")).unwrap(),
        "HEMMELIG Kan frigis til KOALISJON, FIN"
    );
    assert_eq!(
        n.marking(&alt, None).unwrap(),
        "SECRET Releasable to KOALISJON, FIN"
    );
    // And back again: the same classification and values (the derived label also names
    // the policy by its OID URI).
    let back = n.equivalent(&alt, &c).unwrap().confidentiality;
    assert_eq!(back.classification, l.confidentiality.classification);
    assert_eq!(back.categories, l.confidentiality.categories);
    assert_eq!(
        back.policy_identifier_uri.as_ref().map(|u| u.as_str()),
        Some("urn:oid:2.999.4774.1")
    );
}

#[test]
fn releases_follow_the_list_and_the_coalition_group() {
    let (c, _) = policies();
    let l = label(SECRET_COALITION);
    for (who, permitted) in [
        ("DNK", true),
        ("FIN", true),
        ("NLD", true),
        ("SWE", false),
        ("USA", false),
    ] {
        let d = c.release(&l, &Recipient::new(who));
        assert_eq!(d.permitted, permitted, "{who}: {:?}", d.statuses);
    }
    let d = c.release(&l, &Recipient::new("SWE"));
    assert!(
        d.statuses
            .iter()
            .any(|s| s.code == pouch_status::RELEASE_NOT_RELEASABLE_TO)
    );
    // A restrictive value needs a clearance.
    let crypto = label(
        r#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO",
      "classification":"SECRET","categories":[{"tagName":"Releasable To","type":"PERMISSIVE",
      "values":["DNK"]},{"tagName":"Special Handling","type":"RESTRICTIVE","values":["CRYPTO"]}]},
      "creationDateTime":"2026-11-28T09:00:00Z"}"#,
    );
    let d = c.release(&crypto, &Recipient::new("DNK"));
    assert!(!d.permitted);
    assert!(
        d.statuses
            .iter()
            .any(|s| s.code == pouch_status::RELEASE_CLEARANCE_REQUIRED)
    );
}

/// Regression: import returned categories in the ESS label's DER order, so importing the
/// export of a label with two tag sets could give them back reversed (POUCH-POL-096).
#[test]
fn ess_import_after_export_gives_the_categories_back_in_spif_order() {
    let (c, _) = policies();
    let l = label(
        r#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","policyIdentifierUri":"urn:oid:2.999.4774.1",
      "classification":"SECRET","categories":[{"tagName":"Releasable To","type":"PERMISSIVE",
      "values":["DNK"]},{"tagName":"Special Handling","type":"RESTRICTIVE","values":["CRYPTO"]}]},
      "creationDateTime":"2026-11-28T09:00:00Z"}"#,
    );
    let mut ess = c.to_ess(&l).unwrap();
    for _ in 0..2 {
        // Whatever order the ESS label lists its categories in (DER sorts them by their
        // encodings), the import lists them in SPIF order.
        ess.categories.reverse();
        let back = c.from_ess(&ess, l.creation_date_time).unwrap();
        assert_eq!(
            back.confidentiality.categories,
            l.confidentiality.categories
        );
        assert_eq!(back, l);
    }
}
