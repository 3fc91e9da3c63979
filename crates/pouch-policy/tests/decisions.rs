//! Validation, release, equivalence and dominance on the reference SPIFs, with expected
//! outcomes read off the SPIF text (spec/05-policy.md §5.3-5.7).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use pouch_label::CategoryType;
use pouch_policy::{Clearance, Error, ErrorKind, Recipient};

use common::label;

fn codes(s: &[pouch_policy::Status]) -> Vec<&'static str> {
    s.iter().map(|s| s.code.id()).collect()
}

const V88: &str = "liturner-nmbs/NATO-Security-Policy-v88.spif.xml";
const NATO_4774: &str = "surevine-spiffing/test-data/nato-4774-policy.xml";
use CategoryType::{Permissive as P, Restrictive as R};
/// The restrictive ATOMAL marking of the NATO 4774 policy.
const ATOMAL: (&str, CategoryType, &[&str]) = ("Additional Sensitivity", R, &["ATOMAL"]);

/// Validation names every finding, in order, with the label valid only when there is none.
#[test]
fn validation_reports_every_finding() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let v88 = common::spif(V88);
    let nato = common::spif(NATO_4774);
    for (policy, l, want) in [
        // A valid label and marking.
        (
            &v88,
            label("NATO", "SECRET", &[("Releasable To", P, &["FIN", "SWE"])]),
            &["policy.label-valid"][..],
        ),
        // Every failure is reported.
        (
            &v88,
            label(
                "NATO",
                "SECRETISH",
                &[
                    ("Releasable To", R, &["FIN"]),
                    ("Nowhere", P, &["X"]),
                    ("Releasable To", P, &["ATLANTIS"]),
                ],
            ),
            &[
                "policy.classification-unknown",
                "policy.category-type-mismatch",
                "policy.category-unknown",
                "policy.category-value-unknown",
            ],
        ),
        // A label of another policy.
        (&v88, label("PUBLIC", "SECRET", &[]), &["policy.mismatch"]),
        // v79: ATOMAL excludes UNCLASSIFIED and RESTRICTED; SIOP ESI is obsolete.
        (
            &nato,
            label(
                "nato",
                "RESTRICTED",
                &[("Additional Sensitivity", R, &["ATOMAL", "SIOP ESI"])],
            ),
            // Per value in SPIF order: ATOMAL (excludes RESTRICTED), then SIOP ESI (obsolete).
            &[
                "policy.name-case",
                "policy.classification-excluded",
                "policy.obsolete",
            ],
        ),
    ] {
        assert_eq!(codes(&policy.validate(&l)), want, "{l:?}");
    }
}

#[test]
fn release_through_memberships() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    // KFOR's membership (nspif) lists FIN; Releasable To KFOR reaches it.
    let l = label("NATO", "SECRET", &[("Releasable To", P, &["KFOR"])]);
    assert!(p.release(&l, &Recipient::new("FIN")).permitted);
    let d = p.release(&l, &Recipient::new("JPN"));
    assert!(!d.permitted);
    assert_eq!(
        codes(&d.statuses),
        ["release.not-releasable-to", "release.denied"]
    );
    // EAPC is named by its phrase in the memberships.
    let eapc = label("NATO", "SECRET", &[("Releasable To", P, &["EAPC"])]);
    assert!(p.release(&eapc, &Recipient::new("AUT")).permitted);
}

#[test]
fn release_needs_clearance_for_restrictive() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(NATO_4774);
    let l = label("NATO", "SECRET", &[ATOMAL]);
    let low = Clearance {
        policy: "urn:oid:1.3.26.1.3.1".into(),
        classifications: vec!["CONFIDENTIAL".into()],
        categories: vec![],
    };
    let ok = Clearance {
        policy: "1.3.26.1.3.1".into(),
        classifications: vec!["TOP SECRET".into()],
        categories: vec![common::category("Additional Sensitivity", R, &["ATOMAL"])],
    };
    assert!(
        p.release(&l, &Recipient::new("DEU").with_clearance(ok))
            .permitted
    );
    let invalid = label("NATO", "UNCLASSIFIED", &[ATOMAL]);
    for (label, recipient, want) in [
        // No permissive value names DEU, and it holds no clearance: no basis either.
        (
            &l,
            Recipient::new("DEU"),
            [
                "release.no-basis",
                "release.clearance-required",
                "release.denied",
            ],
        ),
        (
            &l,
            Recipient::new("DEU").with_clearance(low),
            [
                "release.clearance-category",
                "release.clearance-classification",
                "release.denied",
            ],
        ),
        (
            &invalid,
            Recipient::new("DEU"),
            [
                "policy.classification-excluded",
                "release.label-invalid",
                "release.denied",
            ],
        ),
    ] {
        let d = p.release(label, &recipient);
        assert_eq!(codes(&d.statuses), want);
    }
}

#[test]
fn equivalence_keeps_the_originator_and_names_what_is_missing() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let tlpx = common::spif("surevine-spiffing/test-data/tlp-plus.xml");
    let tlp = common::spif("surevine-spiffing/test-data/tlp.xml");
    let l = label("TLPX", "AMBER", &[("Dissemination", P, &["EU"])]);
    let before = l.clone();
    let eq = tlpx.equivalent(&l, &tlp).unwrap();
    assert_eq!(l, before);
    assert_eq!(eq.confidentiality.policy_identifier.as_str(), "TLP");
    assert_eq!(eq.confidentiality.classification.as_str(), "AMBER");
    // TLP declares no equivalence for the value Storage of TLPX... and TLP -> PUBLIC none.
    let public = common::spif("liturner-nmbs/PUBLIC-Security-Policy-v1.spif.xml");
    assert!(matches!(
        tlpx.equivalent(&l, &public).map_err(Error::into_kind),
        Err(ErrorKind::NoEquivalentPolicy { .. })
    ));
    let handling = label(
        "TLPX",
        "AMBER",
        &[
            ("Dissemination", P, &["EU"]),
            ("Mandatory Data Handling", R, &["Anonymize"]),
        ],
    );
    match tlpx.equivalent(&handling, &tlp).map_err(Error::into_kind) {
        Err(ErrorKind::NoEquivalentCategory { value, .. }) => assert_eq!(value, "Anonymize"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn dominance() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(NATO_4774);
    let a = label(
        "NATO",
        "CONFIDENTIAL",
        &[
            ("Releasable To", P, &["FIN", "SWE"]),
            ("Additional Sensitivity", R, &["SIOP"]),
        ],
    );
    let b = label(
        "NATO",
        "SECRET",
        &[
            ("Releasable To", P, &["SWE", "NOR"]),
            ("Additional Sensitivity", R, &["BOHEMIA"]),
        ],
    );
    let (d, statuses) = p.dominant(&[a.clone(), b]).unwrap();
    assert_eq!(d.confidentiality.classification.as_str(), "SECRET");
    let find = |t: &str| {
        d.confidentiality
            .categories
            .iter()
            .find(|c| c.tag_name.as_str() == t)
            .map(|c| c.values.iter().map(ToString::to_string).collect::<Vec<_>>())
    };
    assert_eq!(find("Releasable To").unwrap(), ["SWE"]);
    let mut r = find("Additional Sensitivity").unwrap();
    r.sort();
    assert_eq!(r, ["BOHEMIA", "SIOP"]);
    assert_eq!(codes(&statuses), ["policy.label-valid"]);
    // A permissive tag absent from one label is dropped.
    let c = label("NATO", "SECRET", &[]);
    let (d, _) = p.dominant(&[a, c]).unwrap();
    assert!(
        d.confidentiality
            .categories
            .iter()
            .all(|c| c.tag_name.as_str() != "Releasable To")
    );
    assert!(matches!(
        p.dominant(&[]).map_err(Error::into_kind),
        Err(ErrorKind::NoLabels)
    ));
}
