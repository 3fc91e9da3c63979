//! Release under NATO SPIF v88 (spec/05-policy.md §5.7), written from the SPIF's own tags
//! and memberships: nations, groups by name and by phrase, restrictive categories with and
//! without a clearance, a classification above the clearance, and labels with no
//! releasability, which fail closed (POUCH-POL-067, issue 14).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use pouch_label::{CategoryType, Label, Token};
use pouch_policy::{Clearance, Policy, Recipient, TagCategory};

use CategoryType::{Permissive as P, Restrictive as R};

const V88: &str = "liturner-nmbs/NATO-Security-Policy-v88.spif.xml";
const REL: &str = "Releasable To";
const SCD: &str = "Special Category Designators";

/// A NATO label named by its text and its OID, as v88 labels are.
fn label(class: &str, cats: &[(&str, CategoryType, &[&str])]) -> Label {
    let mut l = common::label("NATO", class, cats);
    l.confidentiality.policy_identifier_uri = Some(Token::new("urn:oid:1.3.26.1.3.1").unwrap());
    l
}

fn clearance(classes: &[&str], special: &[&str]) -> Clearance {
    Clearance {
        policy: "urn:oid:1.3.26.1.3.1".into(),
        classifications: classes.iter().map(|c| (*c).to_owned()).collect(),
        categories: if special.is_empty() {
            vec![]
        } else {
            vec![common::category(SCD, R, special)]
        },
    }
}

fn codes(p: &Policy, l: &Label, r: &Recipient) -> Vec<&'static str> {
    p.release(l, r)
        .statuses
        .iter()
        .map(|s| s.code.id())
        .collect()
}

/// The values of the Releasable To tag, as the SPIF lists them.
fn releasable_to(p: &Policy) -> Vec<&TagCategory> {
    let set = p.tag_set(REL).expect("v88 has Releasable To");
    set.tags.iter().flat_map(|t| &t.categories).collect()
}

/// The Releasable To values that are nations (ISO 3166 alpha-3 codes).
fn nations(p: &Policy) -> Vec<&str> {
    let mut out: Vec<&str> = releasable_to(p)
        .iter()
        .map(|k| k.name.as_str())
        .filter(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_uppercase()))
        .collect();
    out.dedup();
    out
}

#[test]
fn each_nation_value_releases_to_that_nation_only() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let nations = nations(&p);
    assert!(nations.len() > 40, "v88 lists {} nations", nations.len());
    for (i, n) in nations.iter().enumerate() {
        let l = label("SECRET", &[(REL, P, &[n])]);
        assert_eq!(
            codes(&p, &l, &Recipient::new(*n)),
            ["release.permitted"],
            "{n}"
        );
        let other = nations[(i + 1) % nations.len()];
        assert_eq!(
            codes(&p, &l, &Recipient::new(other)),
            ["release.not-releasable-to", "release.denied"],
            "{n} to {other}"
        );
    }
    // A code the SPIF does not know is named by nothing.
    let fin = label("SECRET", &[(REL, P, &["FIN", "SWE"])]);
    assert!(p.release(&fin, &Recipient::new("SWE")).permitted);
    assert!(!p.release(&fin, &Recipient::new("XYZ")).permitted);
}

/// Every membership reached from a Releasable To value, by the value's name or by one of its
/// marking phrases, releases to each member and to no nation outside it.
#[test]
fn groups_reach_their_members_by_name_and_by_phrase() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let nations = nations(&p);
    let (mut by_name, mut by_phrase) = (Vec::new(), Vec::new());
    for k in releasable_to(&p) {
        if k.name != k.name.trim() || nations.contains(&k.name.as_str()) {
            continue;
        }
        let phrases: Vec<&str> = k
            .marking
            .data
            .iter()
            .filter_map(|d| d.phrase.as_deref())
            .collect();
        let Some(m) = p.memberships.iter().find(|m| {
            m.name.eq_ignore_ascii_case(&k.name)
                || phrases.iter().any(|ph| ph.eq_ignore_ascii_case(&m.name))
        }) else {
            continue;
        };
        if m.name.eq_ignore_ascii_case(&k.name) {
            by_name.push(k.name.clone());
        } else {
            by_phrase.push(k.name.clone());
        }
        let l = label("SECRET", &[(REL, P, &[k.name.as_str()])]);
        assert!(!m.members.is_empty(), "{}", m.name);
        for member in &m.members {
            assert_eq!(
                codes(&p, &l, &Recipient::new(member.as_str())),
                ["release.permitted"],
                "{} to {member}",
                k.name
            );
        }
        let outsider = nations
            .iter()
            .find(|n| !m.members.iter().any(|x| x == *n))
            .expect("a nation outside the group");
        assert_eq!(
            codes(&p, &l, &Recipient::new(*outsider)),
            ["release.not-releasable-to", "release.denied"],
            "{} to {outsider}",
            k.name
        );
    }
    // KFOR is named by its name; EAPC ("Euro-Atlantic Partnership Council"), IP and MD by
    // their phrases.
    assert!(by_name.iter().any(|n| n == "KFOR"), "{by_name:?}");
    for g in ["EAPC", "IP", "MD"] {
        assert!(by_phrase.iter().any(|n| n == g), "{g}: {by_phrase:?}");
    }
    let eapc = p.members_of("Euro-Atlantic Partnership Council").unwrap();
    assert!(eapc.iter().any(|m| m == "AUT") && !eapc.iter().any(|m| m == "JPN"));
}

#[test]
fn restrictive_categories_need_a_clearance_holding_them() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let atomal = label("SECRET", &[(REL, P, &["FIN"]), (SCD, R, &["ATOMAL"])]);
    assert_eq!(
        codes(&p, &atomal, &Recipient::new("FIN")),
        ["release.clearance-required", "release.denied"]
    );
    let cleared = |c: Clearance| Recipient::new("FIN").with_clearance(c);
    assert_eq!(
        codes(&p, &atomal, &cleared(clearance(&["SECRET"], &["ATOMAL"]))),
        ["release.permitted"]
    );
    assert_eq!(
        codes(&p, &atomal, &cleared(clearance(&["SECRET"], &["CRYPTO"]))),
        ["release.clearance-category", "release.denied"]
    );
    // Two restrictive values: the clearance must hold both.
    let both = label(
        "SECRET",
        &[(REL, P, &["FIN"]), (SCD, R, &["ATOMAL", "CRYPTO"])],
    );
    assert_eq!(
        codes(&p, &both, &cleared(clearance(&["TOP SECRET"], &["ATOMAL"]))),
        ["release.clearance-category", "release.denied"]
    );
    assert!(
        p.release(
            &both,
            &cleared(clearance(&["TOP SECRET"], &["ATOMAL", "CRYPTO"]))
        )
        .permitted
    );
    // Naming the recipient does not lift the restriction, and a clearance does not make a
    // nation the label does not name a recipient.
    assert_eq!(
        codes(
            &p,
            &atomal,
            &Recipient::new("SWE").with_clearance(clearance(&["SECRET"], &["ATOMAL"]))
        ),
        ["release.not-releasable-to", "release.denied"]
    );
}

#[test]
fn a_classification_above_the_clearance_is_denied() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let ts = label("TOP SECRET", &[(REL, P, &["DEU"])]);
    let deu = |c: &[&str]| Recipient::new("DEU").with_clearance(clearance(c, &[]));
    assert_eq!(
        codes(&p, &ts, &deu(&["SECRET"])),
        ["release.clearance-classification", "release.denied"]
    );
    assert_eq!(
        codes(&p, &ts, &deu(&["CONFIDENTIAL", "SECRET"])),
        ["release.clearance-classification", "release.denied"]
    );
    assert_eq!(codes(&p, &ts, &deu(&["TOP SECRET"])), ["release.permitted"]);
    // A clearance under another policy is not used.
    let other = Recipient::new("DEU").with_clearance(Clearance {
        policy: "urn:oid:2.999.4774.1".into(),
        classifications: vec!["SECRET".into()],
        categories: vec![],
    });
    assert_eq!(
        codes(&p, &ts, &other),
        ["release.clearance-policy-mismatch", "release.denied"]
    );
}

/// The fail-open of issue 14: TOP SECRET with no releasability, decided with no clearance,
/// was permitted to any recipient code, RUS and JPN included.
#[test]
fn a_label_with_no_releasability_is_not_released_on_a_code_alone() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let ts = label("TOP SECRET", &[]);
    for who in ["RUS", "JPN", "DEU", "NATO"] {
        assert_eq!(
            codes(&p, &ts, &Recipient::new(who)),
            ["release.no-basis", "release.denied"],
            "{who}"
        );
    }
    let cleared = |c: &[&str]| Recipient::new("DEU").with_clearance(clearance(c, &[]));
    assert_eq!(
        codes(&p, &ts, &cleared(&["TOP SECRET"])),
        ["release.permitted"]
    );
    assert_eq!(
        codes(&p, &ts, &cleared(&["SECRET"])),
        ["release.clearance-classification", "release.denied"]
    );
    // Restrictive values alone name no one either.
    let crypto = label("SECRET", &[(SCD, R, &["CRYPTO"])]);
    assert_eq!(
        codes(&p, &crypto, &Recipient::new("RUS")),
        [
            "release.no-basis",
            "release.clearance-required",
            "release.denied"
        ]
    );
    assert!(
        p.release(
            &crypto,
            &Recipient::new("RUS").with_clearance(clearance(&["SECRET"], &["CRYPTO"]))
        )
        .permitted
    );
}
