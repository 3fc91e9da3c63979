//! The policy and release stages (spec/05-policy.md §5.8) under the demo SPIFs: a label
//! valid under its policy, each rule of §5.3 broken once, a policy not given, alternative
//! labels, and release decisions with and without clearances.
//!
//! The expected codes follow from the labels as written and the demo SPIFs' text
//! (`crates/pouch-policy/policies/`), read against the rules of §5.3 and §5.7: the label
//! carries `RESTRICTED` with `CRYPTO`, and `CRYPTO` excludes `RESTRICTED`, so
//! `policy.classification-excluded`.

use pouch_crypto::Algorithm;
use pouch_label::{Label, Limits as LabelLimits};
use pouch_policy::{Limits as PolicyLimits, Policy};
use pouch_status::{self as s, StatusCode};

use super::{COALITION_SPIF, Case, NATIONAL_SPIF, ids, report, trusted, valid_with_trust};
use crate::Error;
use crate::craft;
use crate::fixture::Fixture;
use crate::manifest::{LabelExpect, ReleaseExpect, SealExpect};

use super::good::RECORD;

/// A label under `policy` with `classification` and these categories (JSON), created and
/// reviewed like [`crate::fixture::label`], so that no advisory rule fires.
fn demo_label(policy: &str, classification: &str, categories: &str) -> Result<Label, Error> {
    let cats = if categories.is_empty() {
        String::new()
    } else {
        format!(r#","categories":[{categories}]"#)
    };
    let json = format!(
        r#"{{"confidentialityInformation":{{"policyIdentifier":"{policy}","classification":"{classification}"{cats}}},
        "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#
    );
    Label::from_json(json.as_bytes(), &LabelLimits::default())
        .map_err(|e| Error::Generate(format!("label: {e}")))
}

fn rel(values: &str) -> String {
    format!(r#"{{"tagName":"Releasable To","type":"PERMISSIVE","values":[{values}]}}"#)
}

fn sh(values: &str) -> String {
    format!(r#"{{"tagName":"Special Handling","type":"RESTRICTIVE","values":[{values}]}}"#)
}

fn demo_policy(text: &[u8]) -> Result<Policy, Error> {
    Policy::load(text, &PolicyLimits::default())
        .map_err(|e| Error::Generate(format!("demo policy: {e}")))
}

/// A POUCH-DEMO label sealed by Norway (ES384), which the bundle authorises for it.
fn sealed(fx: &Fixture, id: &str, label: &Label) -> Result<Vec<u8>, Error> {
    let nor = fx.signer("NOR", Algorithm::Es384)?;
    craft::originator_embedded(id, label, RECORD, &nor)
}

/// Gives `c` the envelope `sealed`, then endorsed by `endorser` (ML-DSA-65) with
/// `alternative`, and that envelope's two seal algorithms.
fn endorse(
    fx: &Fixture,
    c: &mut Case,
    label: &Label,
    endorser: &str,
    alternative: Label,
) -> Result<(), Error> {
    let env = sealed(fx, c.id, label)?;
    let e = fx.signer(endorser, Algorithm::MlDsa65)?;
    c.envelope = craft::endorse_with_alternative(&env, &e, alternative)?;
    c.algorithms = vec![Algorithm::Es384, Algorithm::MlDsa65];
    Ok(())
}

fn under(label: &str, policy: Option<&str>, codes: &[StatusCode]) -> LabelExpect {
    LabelExpect {
        label: label.into(),
        policy: policy.map(str::to_owned),
        codes: ids(codes),
    }
}

fn originator(codes: &[StatusCode]) -> Vec<LabelExpect> {
    vec![under("originator", Some("POUCH-DEMO"), codes)]
}

fn release(label: Option<&str>, codes: &[StatusCode]) -> Option<ReleaseExpect> {
    Some(ReleaseExpect {
        label: label.map(str::to_owned),
        codes: ids(codes),
    })
}

fn clearance(policy: &str, classes: &[&str], special: &[&str]) -> String {
    let q = |v: &[&str]| {
        v.iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cats = if special.is_empty() {
        String::new()
    } else {
        format!(
            ",\n  \"categories\": [\n    {{\"tagName\": \"Special Handling\", \"type\": \"RESTRICTIVE\", \"values\": [{}]}}\n  ]",
            q(special)
        )
    };
    format!(
        "{{\n  \"policy\": \"{policy}\",\n  \"classifications\": [{}]{cats}\n}}\n",
        q(classes)
    )
}

/// One label under POUCH-DEMO, sealed by Norway, checked under the coalition SPIF.
struct LabelCase {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    requirements: &'static [&'static str],
    classification: &'static str,
    categories: Vec<String>,
    /// Whether the trust stage runs (a classification the policy lacks is one no nation is
    /// authorised for, so the trust stage would fail first).
    trust: bool,
    codes: &'static [StatusCode],
}

fn label_cases() -> Vec<LabelCase> {
    vec![
        LabelCase {
            id: "env-pol-label-valid",
            title: "Label valid under its policy",
            description: "Norway seals a POUCH-DEMO SECRET label releasable to COALITION and FIN with Special Handling CRYPTO. Every name is in the demo SPIF, no value excludes SECRET, no rule is broken: `policy.label-valid`.",
            requirements: &[
                "POUCH-POL-020",
                "POUCH-POL-023",
                "POUCH-POL-024",
                "POUCH-POL-025",
                "POUCH-POL-080",
                "POUCH-POL-083",
            ],
            classification: "SECRET",
            categories: vec![rel(r#""COALITION","FIN""#), sh(r#""CRYPTO""#)],
            trust: true,
            codes: &[s::POLICY_LABEL_VALID],
        },
        LabelCase {
            id: "env-pol-classification-unknown",
            title: "Classification the policy does not define",
            description: "A POUCH-DEMO label classified TOP SECRET, which the demo SPIF lacks. No trust stage (no nation is authorised for a classification the policy lacks). The envelope is valid; the label is not: `policy.classification-unknown`.",
            requirements: &["POUCH-POL-023", "POUCH-POL-080", "POUCH-POL-083"],
            classification: "TOP SECRET",
            categories: vec![rel(r#""FIN""#)],
            trust: false,
            codes: &[s::POLICY_CLASSIFICATION_UNKNOWN],
        },
        LabelCase {
            id: "env-pol-category-unknown",
            title: "Category naming no tag set",
            description: "A POUCH-DEMO SECRET label with a category \"Caveats\", which is no tag set of the demo SPIF: `policy.category-unknown`.",
            requirements: &["POUCH-POL-024"],
            classification: "SECRET",
            categories: vec![
                rel(r#""FIN""#),
                r#"{"tagName":"Caveats","type":"PERMISSIVE","values":["X"]}"#.into(),
            ],
            trust: true,
            codes: &[s::POLICY_CATEGORY_UNKNOWN],
        },
        LabelCase {
            id: "env-pol-category-type-mismatch",
            title: "Category of the wrong type",
            description: "Special Handling given as PERMISSIVE; its only tag is restrictive: `policy.category-type-mismatch` (its values are not looked up: no tag of that type holds them).",
            requirements: &["POUCH-POL-024"],
            classification: "SECRET",
            categories: vec![
                r#"{"tagName":"Special Handling","type":"PERMISSIVE","values":["CRYPTO"]}"#.into(),
            ],
            trust: true,
            codes: &[s::POLICY_CATEGORY_TYPE_MISMATCH],
        },
        LabelCase {
            id: "env-pol-category-value-unknown",
            title: "Value the tag does not define",
            description: "Releasable To FIN and XYZ; XYZ is no value of the tag: `policy.category-value-unknown`.",
            requirements: &["POUCH-POL-025"],
            classification: "SECRET",
            categories: vec![rel(r#""FIN","XYZ""#)],
            trust: true,
            codes: &[s::POLICY_CATEGORY_VALUE_UNKNOWN],
        },
        LabelCase {
            id: "env-pol-classification-excluded",
            title: "Value excluding the label's classification",
            description: "RESTRICTED with Special Handling CRYPTO; the SPIF's CRYPTO lists RESTRICTED as an excludedClass: `policy.classification-excluded`.",
            requirements: &["POUCH-POL-026"],
            classification: "RESTRICTED",
            categories: vec![sh(r#""CRYPTO""#)],
            trust: true,
            codes: &[s::POLICY_CLASSIFICATION_EXCLUDED],
        },
        LabelCase {
            id: "env-pol-category-excluded",
            title: "Value excluding another value of the label",
            description: "SECRET with Special Handling CRYPTO and NUCLEAR, releasable to SWE; NUCLEAR's excludedCategory is Releasable To lacv 752 (SWE): `policy.category-excluded`. NUCLEAR's required CRYPTO is there and two values respect maxSelection 2.",
            requirements: &["POUCH-POL-027", "POUCH-POL-005"],
            classification: "SECRET",
            categories: vec![rel(r#""SWE""#), sh(r#""CRYPTO","NUCLEAR""#)],
            trust: true,
            codes: &[s::POLICY_CATEGORY_EXCLUDED],
        },
        LabelCase {
            id: "env-pol-category-required",
            title: "Required category missing",
            description: "SECRET with Special Handling NUCLEAR alone, releasable to FIN; NUCLEAR requires one or more of Special Handling lacv 1 (CRYPTO): `policy.category-required`.",
            requirements: &["POUCH-POL-028", "POUCH-POL-005"],
            classification: "SECRET",
            categories: vec![rel(r#""FIN""#), sh(r#""NUCLEAR""#)],
            trust: true,
            codes: &[s::POLICY_CATEGORY_REQUIRED],
        },
        LabelCase {
            id: "env-pol-selection-limit",
            title: "More values than the tag's maxSelection",
            description: "Special Handling CRYPTO, PERSONNEL and LEGACY; the tag's maxSelection is 2: `policy.selection-limit`. LEGACY is obsolete: the warning `policy.obsolete` as well (every rule broken is reported, POUCH-POL-021).",
            requirements: &["POUCH-POL-029", "POUCH-POL-021", "POUCH-POL-005"],
            classification: "SECRET",
            categories: vec![sh(r#""CRYPTO","PERSONNEL","LEGACY""#)],
            trust: true,
            codes: &[s::POLICY_SELECTION_LIMIT, s::POLICY_OBSOLETE],
        },
        LabelCase {
            id: "env-pol-obsolete",
            title: "Obsolete value: a warning, the label stays valid",
            description: "Special Handling LEGACY, which the SPIF marks obsolete: the warning `policy.obsolete`, and since no rule is broken, `policy.label-valid`; the exit class is valid.",
            requirements: &["POUCH-POL-030"],
            classification: "SECRET",
            categories: vec![sh(r#""LEGACY""#)],
            trust: true,
            codes: &[s::POLICY_OBSOLETE, s::POLICY_LABEL_VALID],
        },
        LabelCase {
            id: "env-pol-not-in-force",
            title: "Value no longer in force at the verification time",
            description: "Special Handling EXERCISE, in force until 2020-12-31T23:59:59Z; the verification time is 2026-11-28T11:00:00Z: `policy.not-in-force`.",
            requirements: &["POUCH-POL-031", "POUCH-POL-081", "POUCH-POL-005"],
            classification: "SECRET",
            categories: vec![sh(r#""EXERCISE""#)],
            trust: true,
            codes: &[s::POLICY_NOT_IN_FORCE],
        },
        LabelCase {
            id: "env-pol-several-rules",
            title: "Every rule broken is reported",
            description: "RESTRICTED with Releasable To XYZ and Special Handling CRYPTO: XYZ is no value (`policy.category-value-unknown`) and CRYPTO excludes RESTRICTED (`policy.classification-excluded`); both are reported.",
            requirements: &["POUCH-POL-021", "POUCH-POL-025", "POUCH-POL-026"],
            classification: "RESTRICTED",
            categories: vec![rel(r#""XYZ""#), sh(r#""CRYPTO""#)],
            trust: true,
            codes: &[
                s::POLICY_CATEGORY_VALUE_UNKNOWN,
                s::POLICY_CLASSIFICATION_EXCLUDED,
            ],
        },
    ]
}

/// One release case: a POUCH-DEMO SECRET label, the coalition SPIF, a recipient.
struct ReleaseCase {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    requirements: &'static [&'static str],
    categories: Vec<String>,
    recipient: &'static str,
    clearance: Option<String>,
    codes: &'static [StatusCode],
}

fn release_cases() -> Vec<ReleaseCase> {
    let crypto = || vec![rel(r#""FIN""#), sh(r#""CRYPTO""#)];
    vec![
        ReleaseCase {
            id: "env-rel-permitted-direct",
            title: "Release permitted: the recipient is named",
            description: "SECRET releasable to FIN and SWE, recipient FIN: a permissive value names it, nothing is restrictive: `release.permitted`, under the originator label.",
            requirements: &["POUCH-POL-060", "POUCH-POL-062", "POUCH-POL-082"],
            categories: vec![rel(r#""FIN","SWE""#)],
            recipient: "FIN",
            clearance: None,
            codes: &[s::RELEASE_PERMITTED],
        },
        ReleaseCase {
            id: "env-rel-permitted-group",
            title: "Release permitted through a group",
            description: "SECRET releasable to COALITION, recipient DNK: the SPIF's nspif:memberships lists DNK in COALITION: `release.permitted`.",
            requirements: &["POUCH-POL-062", "POUCH-POL-005"],
            categories: vec![rel(r#""COALITION""#)],
            recipient: "DNK",
            clearance: None,
            codes: &[s::RELEASE_PERMITTED],
        },
        ReleaseCase {
            id: "env-rel-not-releasable-to",
            title: "Release denied: not releasable to the recipient",
            description: "SECRET releasable to FIN and SWE, recipient NLD, no clearance: no value names NLD or a group of it: `release.not-releasable-to`, `release.denied`.",
            requirements: &["POUCH-POL-062"],
            categories: vec![rel(r#""FIN","SWE""#)],
            recipient: "NLD",
            clearance: None,
            codes: &[s::RELEASE_NOT_RELEASABLE_TO, s::RELEASE_DENIED],
        },
        ReleaseCase {
            id: "env-rel-clearance-required",
            title: "Release denied: restrictive value, no clearance",
            description: "SECRET releasable to FIN with Special Handling CRYPTO, recipient FIN without a clearance: `release.clearance-required`, `release.denied`.",
            requirements: &["POUCH-POL-063"],
            categories: crypto(),
            recipient: "FIN",
            clearance: None,
            codes: &[s::RELEASE_CLEARANCE_REQUIRED, s::RELEASE_DENIED],
        },
        ReleaseCase {
            id: "env-rel-clearance-permitted",
            title: "Release permitted with a sufficient clearance",
            description: "As env-rel-clearance-required, with a POUCH-DEMO clearance for SECRET holding CRYPTO: `release.permitted`.",
            requirements: &["POUCH-POL-065", "POUCH-POL-066"],
            categories: crypto(),
            recipient: "FIN",
            clearance: Some(clearance("POUCH-DEMO", &["SECRET"], &["CRYPTO"])),
            codes: &[s::RELEASE_PERMITTED],
        },
        ReleaseCase {
            id: "env-rel-clearance-classification",
            title: "Release denied: clearance too low",
            description: "The clearance holds CONFIDENTIAL (hierarchy 3) and CRYPTO; the label is SECRET (hierarchy 4): `release.clearance-classification`, `release.denied`.",
            requirements: &["POUCH-POL-065"],
            categories: crypto(),
            recipient: "FIN",
            clearance: Some(clearance("POUCH-DEMO", &["CONFIDENTIAL"], &["CRYPTO"])),
            codes: &[s::RELEASE_CLEARANCE_CLASSIFICATION, s::RELEASE_DENIED],
        },
        ReleaseCase {
            id: "env-rel-clearance-category",
            title: "Release denied: clearance lacks a restrictive value",
            description: "The clearance holds SECRET and PERSONNEL; the label has CRYPTO: `release.clearance-category`, `release.denied`.",
            requirements: &["POUCH-POL-066"],
            categories: crypto(),
            recipient: "FIN",
            clearance: Some(clearance("POUCH-DEMO", &["SECRET"], &["PERSONNEL"])),
            codes: &[s::RELEASE_CLEARANCE_CATEGORY, s::RELEASE_DENIED],
        },
        ReleaseCase {
            id: "env-rel-clearance-policy-mismatch",
            title: "Release denied: clearance under another policy",
            description: "SECRET releasable to FIN, recipient FIN, with a clearance under NOR-DEMO (HEMMELIG): the clearance may not be used and its mismatch is a reason found: `release.clearance-policy-mismatch`, `release.denied`. The label has no restrictive value, so nothing else is asked of the clearance.",
            requirements: &["POUCH-POL-064"],
            categories: vec![rel(r#""FIN""#)],
            recipient: "FIN",
            clearance: Some(clearance("NOR-DEMO", &["HEMMELIG"], &[])),
            codes: &[s::RELEASE_CLEARANCE_POLICY_MISMATCH, s::RELEASE_DENIED],
        },
    ]
}

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let ok = || report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    let untrusted_ok = || {
        report(
            vec![SealExpect {
                codes: ids(&[s::SEAL_SIGNATURE_VALID]),
                trust: Vec::new(),
            }],
            s::SEAL_POLICY_SATISFIED,
        )
    };

    for lc in label_cases() {
        let label = demo_label("POUCH-DEMO", lc.classification, &lc.categories.join(","))?;
        let mut c = Case::es384(lc.id, lc.title, lc.description, lc.requirements);
        c.envelope = sealed(fx, lc.id, &label)?;
        c.trust = lc.trust;
        c.policies = vec![COALITION_SPIF];
        c.expect = if lc.trust { ok() } else { untrusted_ok() };
        c.expect.policy = originator(lc.codes);
        out.push(c);
    }

    // A label naming its policy by text and URI, both agreeing (POUCH-POL-020).
    let id = "env-pol-named-by-uri";
    let label = demo_label(
        r#"pouch-demo","policyIdentifierUri":"urn:oid:2.999.4774.1"#,
        "SECRET",
        &rel(r#""FIN""#),
    )?;
    let mut c = Case::es384(
        id,
        "Label naming its policy by name and URI",
        "PolicyIdentifier text \"pouch-demo\" (POUCH-DEMO's name in another case) with URI urn:oid:2.999.4774.1, POUCH-DEMO's OID: text and URI name the same policy, so the label is checked under POUCH-DEMO (`policy.name-case`, `policy.label-valid`), and the trust stage finds Norway's POUCH-DEMO authorisation through the same rule.",
        &["POUCH-POL-020", "POUCH-POL-022", "POUCH-POL-084"],
    );
    c.envelope = sealed(fx, id, &label)?;
    c.policies = vec![COALITION_SPIF];
    c.expect = ok();
    c.expect.policy = originator(&[s::POLICY_NAME_CASE, s::POLICY_LABEL_VALID]);
    out.push(c);

    // The policy the label names is not given.
    let id = "env-pol-unavailable";
    let label = demo_label("POUCH-DEMO", "SECRET", &rel(r#""FIN""#))?;
    let mut c = Case::es384(
        id,
        "Label under a policy the verifier was not given",
        "A POUCH-DEMO label checked by a verifier given only NOR-DEMO: the label is not checked, `policy.unavailable` (a warning: the exit class stays valid).",
        &["POUCH-POL-080", "POUCH-POL-083"],
    );
    c.envelope = sealed(fx, id, &label)?;
    c.policies = vec![NATIONAL_SPIF];
    c.expect = ok();
    c.expect.policy = vec![under("originator", None, &[s::POLICY_UNAVAILABLE])];
    out.push(c);

    for rc in release_cases() {
        let label = demo_label("POUCH-DEMO", "SECRET", &rc.categories.join(","))?;
        let mut c = Case::es384(rc.id, rc.title, rc.description, rc.requirements);
        c.envelope = sealed(fx, rc.id, &label)?;
        c.policies = vec![COALITION_SPIF];
        c.recipient = Some(rc.recipient);
        c.clearance = rc.clearance;
        c.expect = ok();
        c.expect.policy = originator(&[s::POLICY_LABEL_VALID]);
        c.expect.release = release(Some("originator"), rc.codes);
        out.push(c);
    }

    // An invalid label is never released; its faults are the release's reasons too.
    let id = "env-rel-label-invalid";
    let label = demo_label(
        "POUCH-DEMO",
        "RESTRICTED",
        &[rel(r#""FIN""#), sh(r#""CRYPTO""#)].join(","),
    )?;
    let mut c = Case::es384(
        id,
        "Release denied: the label is invalid",
        "RESTRICTED releasable to FIN with CRYPTO, which excludes RESTRICTED; recipient FIN. The policy stage reports `policy.classification-excluded`; the release gives that reason, `release.label-invalid` and `release.denied`. The exit class is label-invalid, the earlier stage.",
        &["POUCH-POL-061"],
    );
    c.envelope = sealed(fx, id, &label)?;
    c.policies = vec![COALITION_SPIF];
    c.recipient = Some("FIN");
    c.expect = ok();
    c.expect.policy = originator(&[s::POLICY_CLASSIFICATION_EXCLUDED]);
    c.expect.release = release(
        Some("originator"),
        &[
            s::POLICY_CLASSIFICATION_EXCLUDED,
            s::RELEASE_LABEL_INVALID,
            s::RELEASE_DENIED,
        ],
    );
    out.push(c);

    alternative_cases(fx, &mut out)?;
    identity_cases(fx, &mut out)?;
    steering_cases(fx, &mut out)?;
    Ok(out)
}

/// Alternative labels: checked under their policy, and deciding a release only from a
/// trusted, authorised seal.
fn alternative_cases(fx: &Fixture, out: &mut Vec<Case>) -> Result<(), Error> {
    let coalition = demo_policy(pouch_policy::demo::COALITION_SPIF)?;
    let national = demo_policy(pouch_policy::demo::NATIONAL_SPIF)?;
    let label = demo_label("POUCH-DEMO", "SECRET", &rel(r#""COALITION","FIN""#))?;
    // Norway's own equivalent (HEMMELIG, Kan frigis til KOALISJON, FIN), derived by the
    // SPIF's equivalences as a producer would.
    let alt = coalition
        .equivalent(&label, &national)
        .map_err(|e| Error::Generate(format!("equivalent: {e}")))?;
    let both = || report(vec![trusted(), trusted()], s::SEAL_POLICY_SATISFIED);

    let id = "env-pol-alternative-valid";
    let mut c = Case::new(
        id,
        "Alternative label valid under its policy",
        "Norway seals a POUCH-DEMO SECRET label (ES384) and endorses it (ML-DSA-65) with its NOR-DEMO equivalent, HEMMELIG releasable to KOALISJON and FIN, derived by the SPIF's equivalences. Given both SPIFs, each label is checked under its own: both `policy.label-valid`, originator first, then seal 1.",
        &["POUCH-POL-080", "POUCH-POL-053"],
    );
    endorse(fx, &mut c, &label, "NOR", alt.clone())?;
    c.policies = vec![COALITION_SPIF, NATIONAL_SPIF];
    c.expect = both();
    c.expect.policy = vec![
        under("originator", Some("POUCH-DEMO"), &[s::POLICY_LABEL_VALID]),
        under("seal 1", Some("NOR-DEMO"), &[s::POLICY_LABEL_VALID]),
    ];
    out.push(c);

    let id = "env-pol-alternative-invalid";
    let bad = demo_label(
        "NOR-DEMO",
        "BEGRENSET",
        r#"{"tagName":"Spesialbehandling","type":"RESTRICTIVE","values":["KRYPTO"]}"#,
    )?;
    let mut c = Case::new(
        id,
        "Alternative label invalid under its policy",
        "As env-pol-alternative-valid, but Norway's alternative label is NOR-DEMO BEGRENSET with KRYPTO, which excludes BEGRENSET (Norway is authorised for BEGRENSET, so trust passes): the originator label is valid, seal 1's label `policy.classification-excluded`, and, both policies being given, `policy.not-equivalent` (POUCH-DEMO's equivalences derive HEMMELIG releasable to KOALISJON and FIN); exit label-invalid.",
        &["POUCH-POL-080", "POUCH-POL-026", "POUCH-POL-087"],
    );
    endorse(fx, &mut c, &label, "NOR", bad)?;
    c.policies = vec![COALITION_SPIF, NATIONAL_SPIF];
    c.expect = both();
    c.expect.policy = vec![
        under("originator", Some("POUCH-DEMO"), &[s::POLICY_LABEL_VALID]),
        under(
            "seal 1",
            Some("NOR-DEMO"),
            &[s::POLICY_CLASSIFICATION_EXCLUDED, s::POLICY_NOT_EQUIVALENT],
        ),
    ];
    out.push(c);

    // Release decided under the alternative label: only NOR-DEMO is given.
    let national_only = |c: &mut Case| {
        c.policies = vec![NATIONAL_SPIF];
        c.recipient = Some("DNK");
    };
    let id = "env-rel-alternative-label";
    let mut c = Case::new(
        id,
        "Release decided under a trusted seal's alternative label",
        "The envelope of env-pol-alternative-valid, verified with only NOR-DEMO and recipient DNK. The originator label's policy is not given (`policy.unavailable`), so the release is decided under seal 1's NOR-DEMO label, whose seal is valid and whose signer (Norway) is trusted and authorised for NOR-DEMO HEMMELIG; KOALISJON lists DNK: `release.permitted`, label `seal 1`.",
        &["POUCH-POL-082", "POUCH-POL-062"],
    );
    national_only(&mut c);
    endorse(fx, &mut c, &label, "NOR", alt.clone())?;
    c.expect = both();
    c.expect.policy = vec![
        under("originator", None, &[s::POLICY_UNAVAILABLE]),
        under("seal 1", Some("NOR-DEMO"), &[s::POLICY_LABEL_VALID]),
    ];
    c.expect.release = release(Some("seal 1"), &[s::RELEASE_PERMITTED]);
    out.push(c);

    let id = "env-rel-not-decided-unauthorised";
    let mut c = Case::new(
        id,
        "No release decided: the alternative label's nation is not authorised",
        "Norway seals the POUCH-DEMO label; Denmark endorses with the NOR-DEMO equivalent, a policy the bundle does not authorise Denmark for (`trust.unauthorised-policy`, so the seal policy `all` is unsatisfied and the exit class is trust). Verified with only NOR-DEMO and recipient DNK: the envelope is not valid and trusted, so no release is decided (`release.not-decided`, never `release.permitted`). The policy stage still checks each label and changes no code of the others.",
        &["POUCH-POL-085", "POUCH-POL-083", "POUCH-POL-084"],
    );
    national_only(&mut c);
    endorse(fx, &mut c, &label, "DNK", alt)?;
    c.expect = report(
        vec![
            trusted(),
            valid_with_trust(&[s::TRUST_SIGNER_TRUSTED, s::TRUST_UNAUTHORISED_POLICY]),
        ],
        s::SEAL_POLICY_UNSATISFIED,
    );
    c.expect.policy = vec![
        under("originator", None, &[s::POLICY_UNAVAILABLE]),
        under("seal 1", Some("NOR-DEMO"), &[s::POLICY_LABEL_VALID]),
    ];
    c.expect.release = release(None, &[s::RELEASE_NOT_DECIDED]);
    out.push(c);
    Ok(())
}

/// A NOR-DEMO HEMMELIG label releasable to `values` (Kan frigis til), created like
/// [`demo_label`].
fn national_label(values: &str) -> Result<Label, Error> {
    demo_label(
        "NOR-DEMO",
        "HEMMELIG",
        &format!(r#"{{"tagName":"Kan frigis til","type":"PERMISSIVE","values":[{values}]}}"#),
    )
}

/// One policy identity in every stage, authorisations up to a classification, release only
/// with trusted signers and only on an explicit basis (issue 14).
fn identity_cases(fx: &Fixture, out: &mut Vec<Case>) -> Result<(), Error> {
    let nld = fx.signer("NLD", Algorithm::Es384)?;
    let by_nld = |id: &str, label: &Label| craft::originator_embedded(id, label, RECORD, &nld);

    let id = "env-trust-policy-identifier-conflict";
    let label = demo_label(
        r#"NATO","policyIdentifierUri":"urn:oid:2.999.4774.1"#,
        "SECRET",
        &rel(r#""FIN""#),
    )?;
    let mut c = Case::es384(
        id,
        "Name of one policy, URI of another: authorised for nothing",
        "The Netherlands, authorised for NATO up to SECRET but for POUCH-DEMO only up to CONFIDENTIAL, seals a SECRET label whose PolicyIdentifier says NATO and whose URI is POUCH-DEMO's OID. The authorisation check once read NATO and validation POUCH-DEMO, so the envelope was trusted, valid and releasable. Under one rule the label is malformed under POUCH-DEMO (`policy.identifier-conflict`), the trust stage authorises nothing for it (`trust.unauthorised-policy`), and no release is decided.",
        &["POUCH-POL-020", "POUCH-POL-084", "POUCH-POL-085"],
    );
    c.envelope = by_nld(id, &label)?;
    c.bundle = super::BUNDLE_POLICY;
    c.policies = vec![COALITION_SPIF];
    c.recipient = Some("FIN");
    c.expect = report(
        vec![valid_with_trust(&[
            s::TRUST_SIGNER_TRUSTED,
            s::TRUST_UNAUTHORISED_POLICY,
        ])],
        s::SEAL_POLICY_UNSATISFIED,
    );
    c.expect.policy = originator(&[s::POLICY_IDENTIFIER_CONFLICT]);
    c.expect.release = release(None, &[s::RELEASE_NOT_DECIDED]);
    out.push(c);

    let id = "env-trust-authorised-up-to";
    let label = demo_label("POUCH-DEMO", "RESTRICTED", &rel(r#""FIN""#))?;
    let mut c = Case::es384(
        id,
        "Authorisation up to a classification covers the lower ones",
        "The bundle authorises the Netherlands for POUCH-DEMO listing CONFIDENTIAL alone; it seals a RESTRICTED label. Given the SPIF, the authorisation is resolved through its hierarchy (RESTRICTED 2 <= CONFIDENTIAL 3): trusted, and the label is valid.",
        &["POUCH-POL-033", "POUCH-POL-084"],
    );
    c.envelope = by_nld(id, &label)?;
    c.bundle = super::BUNDLE_POLICY;
    c.policies = vec![COALITION_SPIF];
    c.expect = report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    c.expect.policy = originator(&[s::POLICY_LABEL_VALID]);
    out.push(c);

    let id = "env-trust-authorised-up-to-exceeded";
    let label = demo_label("POUCH-DEMO", "SECRET", &rel(r#""FIN""#))?;
    let mut c = Case::es384(
        id,
        "Authorisation up to a classification does not reach above it",
        "As env-trust-authorised-up-to with a SECRET label: SECRET (4) is above CONFIDENTIAL (3), `trust.unauthorised-classification`.",
        &["POUCH-POL-033", "POUCH-POL-084"],
    );
    c.envelope = by_nld(id, &label)?;
    c.bundle = super::BUNDLE_POLICY;
    c.policies = vec![COALITION_SPIF];
    c.expect = report(
        vec![valid_with_trust(&[
            s::TRUST_SIGNER_TRUSTED,
            s::TRUST_UNAUTHORISED_CLASSIFICATION,
        ])],
        s::SEAL_POLICY_UNSATISFIED,
    );
    c.expect.policy = originator(&[s::POLICY_LABEL_VALID]);
    out.push(c);

    let id = "env-rel-no-basis";
    let label = demo_label("POUCH-DEMO", "SECRET", "")?;
    let mut c = Case::es384(
        id,
        "Release fails closed: a label that names no one",
        "Norway seals a POUCH-DEMO SECRET label with no category; recipient FIN without a clearance. Nothing forbids the release, and nothing gives a basis for it: `release.no-basis`, `release.denied`.",
        &["POUCH-POL-067", "POUCH-POL-060"],
    );
    c.envelope = sealed(fx, id, &label)?;
    c.policies = vec![COALITION_SPIF];
    c.recipient = Some("FIN");
    c.expect = report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    c.expect.policy = originator(&[s::POLICY_LABEL_VALID]);
    c.expect.release = release(
        Some("originator"),
        &[s::RELEASE_NO_BASIS, s::RELEASE_DENIED],
    );
    out.push(c);

    let id = "env-rel-clearance-basis";
    let mut c = Case::es384(
        id,
        "Release on the basis of a clearance",
        "As env-rel-no-basis, with a POUCH-DEMO clearance for SECRET: a clearance that dominates the label is a basis, `release.permitted`.",
        &["POUCH-POL-067", "POUCH-POL-065"],
    );
    c.envelope = sealed(fx, id, &label)?;
    c.policies = vec![COALITION_SPIF];
    c.recipient = Some("FIN");
    c.clearance = Some(clearance("urn:oid:2.999.4774.1", &["SECRET"], &[]));
    c.expect = report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    c.expect.policy = originator(&[s::POLICY_LABEL_VALID]);
    c.expect.release = release(Some("originator"), &[s::RELEASE_PERMITTED]);
    out.push(c);

    let id = "env-rel-not-decided-untrusted";
    let label = demo_label("POUCH-DEMO", "SECRET", &rel(r#""FIN""#))?;
    let outsider = fx.named("untrusted")?;
    let mut c = Case::new(
        id,
        "No release decided for an untrusted signer",
        "A signer whose chain ends at a root the bundle does not hold seals a POUCH-DEMO label releasable to FIN; recipient FIN. The signature is valid, the signer is not trusted (`trust.no-path`), so no release is decided: `release.not-decided`, never `release.permitted` (the report once said permitted while the exit class said untrusted).",
        &["POUCH-POL-085"],
    );
    c.algorithms = vec![Algorithm::Es256];
    c.envelope = craft::originator_embedded(id, &label, RECORD, &outsider)?;
    c.policies = vec![COALITION_SPIF];
    c.recipient = Some("FIN");
    c.expect = report(
        vec![valid_with_trust(&[s::TRUST_NO_PATH])],
        s::SEAL_POLICY_UNSATISFIED,
    );
    c.expect.policy = originator(&[s::POLICY_LABEL_VALID]);
    c.expect.release = release(None, &[s::RELEASE_NOT_DECIDED]);
    out.push(c);
    Ok(())
}

/// Which alternative label decides: not seal order, not other parties' seals (issue 14).
/// Denmark seals a POUCH-DEMO label (ES384); Norway endorses (ML-DSA-65) with the NOR-DEMO
/// equivalent, releasable to KOALISJON and FIN; Denmark, which the policy bundle also
/// authorises for NOR-DEMO, endorses (ML-DSA-65) with a NOR-DEMO label releasable to SWE.
fn steering_cases(fx: &Fixture, out: &mut Vec<Case>) -> Result<(), Error> {
    let coalition = demo_policy(pouch_policy::demo::COALITION_SPIF)?;
    let national = demo_policy(pouch_policy::demo::NATIONAL_SPIF)?;
    let label = demo_label("POUCH-DEMO", "SECRET", &rel(r#""COALITION","FIN""#))?;
    let equivalent = coalition
        .equivalent(&label, &national)
        .map_err(|e| Error::Generate(format!("equivalent: {e}")))?;
    let to_swe = national_label(r#""SWE""#)?;
    let three_seals = |id: &str| -> Result<craft::Parts, Error> {
        let dnk = fx.signer("DNK", Algorithm::Es384)?;
        let env = craft::originator_embedded(id, &label, RECORD, &dnk)?;
        let nor = fx.signer("NOR", Algorithm::MlDsa65)?;
        let env = craft::endorse_with_alternative(&env, &nor, equivalent.clone())?;
        let dnk_ml = fx.signer("DNK", Algorithm::MlDsa65)?;
        craft::parts(&craft::endorse_with_alternative(
            &env,
            &dnk_ml,
            to_swe.clone(),
        )?)
    };
    // The seals of `parts` in the order `order` gives.
    let pick = |parts: &craft::Parts, order: &[usize]| {
        let seals: Vec<craft::RawSeal> = order
            .iter()
            .filter_map(|&i| parts.seals.get(i))
            .map(|(p, sg)| craft::RawSeal::new(p.clone(), sg.clone()))
            .collect();
        craft::assemble(&parts.body, &parts.payload, &seals)
    };
    let setup = |c: &mut Case| {
        c.algorithms = vec![Algorithm::Es384, Algorithm::MlDsa65];
        c.bundle = super::BUNDLE_POLICY;
        c.policies = vec![NATIONAL_SPIF];
        c.recipient = Some("SWE");
    };
    let labels = |first: &str, second: &str| {
        vec![
            under("originator", None, &[s::POLICY_UNAVAILABLE]),
            under(first, Some("NOR-DEMO"), &[s::POLICY_LABEL_VALID]),
            under(second, Some("NOR-DEMO"), &[s::POLICY_LABEL_VALID]),
        ]
    };
    let three = || {
        report(
            vec![trusted(), trusted(), trusted()],
            s::SEAL_POLICY_SATISFIED,
        )
    };

    let id = "env-rel-alternative-conflict";
    let mut c = Case::new(
        id,
        "Alternative labels that disagree decide nothing",
        "Denmark seals a POUCH-DEMO label releasable to COALITION and FIN; Norway endorses with its NOR-DEMO equivalent (KOALISJON, FIN); Denmark, authorised for NOR-DEMO by this bundle, endorses with a NOR-DEMO label releasable to SWE. Verified with NOR-DEMO only, recipient SWE: both alternative labels qualify and say different things, so neither is chosen: `release.label-conflict`, `release.denied`.",
        &["POUCH-POL-086", "POUCH-POL-032", "POUCH-POL-033"],
    );
    setup(&mut c);
    let parts = three_seals(id)?;
    c.envelope = pick(&parts, &[0, 1, 2]);
    c.expect = three();
    c.expect.policy = labels("seal 1", "seal 2");
    c.expect.release = release(None, &[s::RELEASE_LABEL_CONFLICT, s::RELEASE_DENIED]);
    out.push(c);

    let id = "env-rel-alternative-conflict-reordered";
    let mut c = Case::new(
        id,
        "Reordering the seals changes no release",
        "The seals of env-rel-alternative-conflict with the two endorsements swapped, as an intermediary may: the first qualifying label once decided, so SWE became PERMITTED. Seal order decides nothing: `release.label-conflict`, `release.denied`.",
        &["POUCH-POL-086"],
    );
    setup(&mut c);
    let parts = three_seals(id)?;
    c.envelope = pick(&parts, &[0, 2, 1]);
    c.expect = three();
    c.expect.policy = labels("seal 1", "seal 2");
    c.expect.release = release(None, &[s::RELEASE_LABEL_CONFLICT, s::RELEASE_DENIED]);
    out.push(c);

    let id = "env-rel-stripped-seal-policy";
    let mut c = Case::new(
        id,
        "A stripped seal the seal policy requires stops the release",
        "The envelope of env-rel-alternative-conflict with Norway's endorsement stripped, verified with the seal policy nations:2:NOR,DNK that names the parties whose labels the verifier relies on: only Denmark sealed, the seal policy is unsatisfied, so no release is decided (`release.not-decided`).",
        &["POUCH-POL-088", "POUCH-POL-085"],
    );
    setup(&mut c);
    let parts = three_seals(id)?;
    c.envelope = pick(&parts, &[0, 2]);
    c.seal_policy = "nations:2:NOR,DNK".into();
    c.expect = report(vec![trusted(), trusted()], s::SEAL_POLICY_UNSATISFIED);
    c.expect.policy = vec![
        under("originator", None, &[s::POLICY_UNAVAILABLE]),
        under("seal 1", Some("NOR-DEMO"), &[s::POLICY_LABEL_VALID]),
    ];
    c.expect.release = release(None, &[s::RELEASE_NOT_DECIDED]);
    out.push(c);

    let id = "env-rel-no-label";
    let mut c = Case::es384(
        id,
        "No label can decide",
        "Norway seals a POUCH-DEMO label with no alternative label; the verifier holds only NOR-DEMO, recipient DNK: the originator label's policy is not held and no seal asserts a NOR-DEMO label: `release.no-label`, `release.denied`.",
        &["POUCH-POL-082"],
    );
    c.envelope = sealed(fx, id, &label)?;
    c.policies = vec![NATIONAL_SPIF];
    c.recipient = Some("DNK");
    c.expect = report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
    c.expect.policy = vec![under("originator", None, &[s::POLICY_UNAVAILABLE])];
    c.expect.release = release(None, &[s::RELEASE_NO_LABEL, s::RELEASE_DENIED]);
    out.push(c);

    let id = "env-pol-alternative-not-equivalent";
    let wider = national_label(r#""KOALISJON","FIN","SWE""#)?;
    let mut c = Case::new(
        id,
        "An alternative label that is not the equivalent is reported and not used",
        "Norway seals the POUCH-DEMO label (COALITION, FIN) and endorses with a NOR-DEMO label that adds SWE. Given both SPIFs, the alternative label is valid under NOR-DEMO but is not what POUCH-DEMO's equivalences derive: `policy.not-equivalent` (exit label-invalid). The release to SWE is decided under the originator label: `release.not-releasable-to`, `release.denied`.",
        &["POUCH-POL-087", "POUCH-POL-054", "POUCH-POL-082"],
    );
    endorse(fx, &mut c, &label, "NOR", wider)?;
    c.policies = vec![COALITION_SPIF, NATIONAL_SPIF];
    c.recipient = Some("SWE");
    c.expect = report(vec![trusted(), trusted()], s::SEAL_POLICY_SATISFIED);
    c.expect.policy = vec![
        under("originator", Some("POUCH-DEMO"), &[s::POLICY_LABEL_VALID]),
        under(
            "seal 1",
            Some("NOR-DEMO"),
            &[s::POLICY_LABEL_VALID, s::POLICY_NOT_EQUIVALENT],
        ),
    ];
    c.expect.release = release(
        Some("originator"),
        &[s::RELEASE_NOT_RELEASABLE_TO, s::RELEASE_DENIED],
    );
    out.push(c);
    Ok(())
}
