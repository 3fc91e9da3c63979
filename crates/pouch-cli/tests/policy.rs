//! The policy commands as a script sees them (docs/cli.md): `policy check|show`, the
//! `--policy` forms of `label`, and `release`, with their exit codes. Expected markings are
//! spiffing's `tests.xml`; expected lacvs and decisions are read off the SPIF text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Output;

mod common;
use common::pouch_stdin as pouch;
use common::{assert_contains, codes, s, workdir};

/// A file of the labels reference suite (a test using it starts with `require!`).
fn reference(rel: &str) -> String {
    pouch_reference::path(pouch_reference::Suite::Labels)
        .join(rel)
        .display()
        .to_string()
}

fn v88() -> String {
    reference("liturner-nmbs/NATO-Security-Policy-v88.spif.xml")
}

fn spiffing(f: &str) -> String {
    reference(&format!("surevine-spiffing/test-data/{f}"))
}

/// The member of the JSON array `list` whose `name` is `name`.
fn named<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no {name:?} in {list}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const NATO_SECRET_FIN_SWE: &str = r#"{"confidentialityInformation":{"policyIdentifier":"NATO",
  "classification":"SECRET",
  "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["FIN","SWE"]}]},
  "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#;

/// ADatP-4774 Table 17 label 1 (spiffing's nato-4774-17-1.nato) with its errata fixed: the
/// attribute URI for URL, and a creation time.
const TABLE_17_1: &str = r#"{"confidentialityInformation":{"policyIdentifier":"NATO",
  "policyIdentifierUri":"urn:oid:1.3.26.1.3.1","classification":"UNCLASSIFIED",
  "categories":[{"tagName":"Context","type":"PERMISSIVE","values":["NATO","Releasable"]},
    {"tagName":"Releasable To","type":"PERMISSIVE",
     "values":["NATO","ISAF","KFOR","RESOLUTE SUPPORT"]}]},
  "creationDateTime":"2026-11-28T09:15:00Z"}"#;

#[test]
fn policy_check_loads_and_names_the_fault_when_not() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let ok = pouch(&["policy", "check", &v88()], b"");
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("loaded policy NATO (1.3.26.1.3.1), version 88"));
    // v88 repeats NATO in Releasable To: the loader's warning is printed (POUCH-POL-007).
    assert!(stdout(&ok).contains("warning: "), "{}", stdout(&ok));

    // spiffing's food-policy.xml misspells an end tag on line 81.
    let bad = pouch(&["policy", "check", &spiffing("food-policy.xml")], b"");
    assert_eq!(bad.status.code(), Some(3));
    assert!(bad.stdout.is_empty());
    let err = stderr(&bad);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("securityCategoryTagSet") && err.contains("line 81"),
        "{err}"
    );

    let dtd = pouch(
        &["policy", "check", "-"],
        b"<!DOCTYPE x [<!ENTITY a \"b\">]><SPIF/>",
    );
    assert_eq!(dtd.status.code(), Some(3), "{}", stderr(&dtd));
    let missing = pouch(&["policy", "check", "/nonexistent/policy.xml"], b"");
    assert_eq!(missing.status.code(), Some(4));
}

#[test]
fn policy_show_lists_what_the_spif_says() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let text = pouch(&["policy", "show", &v88()], b"");
    assert_eq!(text.status.code(), Some(0));
    let out = stdout(&text);
    // From the SPIF text: SECRET lacv 4 hierarchy 4; Releasable To is 1.3.26.1.4.2, a
    // permissive tag, FIN lacv 246.
    assert!(out.contains("  SECRET lacv 4 hierarchy 4\n"), "{out}");
    assert!(out.contains("  Releasable To (1.3.26.1.4.2)\n"));
    assert!(out.contains("    tag Releasable To: permissive (PERMISSIVE)\n"));
    assert!(out.contains("      FIN lacv 246\n"));
    assert!(out.contains("memberships:\n"));

    let json = pouch(&["policy", "show", "--json", &v88()], b"");
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["id"], "1.3.26.1.3.1");
    assert_eq!(v["classifications"].as_array().unwrap().len(), 5);
    let rel = named(&v["tagSets"], "Releasable To");
    let fin = named(&rel["tags"][0]["values"], "FIN");
    assert_eq!(fin["lacv"], 246);
    // The memberships extension's EAPC group lists Sweden.
    let eapc = named(&v["memberships"], "Euro-Atlantic Partnership Council");
    assert!(
        eapc["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "SWE")
    );

    // Equivalences are shown: tlp-plus maps AMBER to TLP lacv 12 (its text).
    let tlpx = pouch(&["policy", "show", &spiffing("tlp-plus.xml")], b"");
    assert_contains(&stdout(&tlpx), "    = TLP lacv 12 (both)\n");
}

#[test]
fn label_check_under_a_policy() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let ok = pouch(
        &["label", "check", "--policy", &v88()],
        NATO_SECRET_FIN_SWE.as_bytes(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(
        stdout(&ok)
            .lines()
            .map(|l| l.split(' ').nth(1).unwrap())
            .collect::<Vec<_>>(),
        ["label.well-formed", "policy.label-valid"]
    );
    // ATLANTIS is no value of Releasable To, and SECRETISH no classification: both said.
    let bad = NATO_SECRET_FIN_SWE
        .replace("SWE", "ATLANTIS")
        .replace("\"SECRET\"", "\"SECRETISH\"");
    let out = pouch(
        &["label", "check", "--json", "--policy", &v88()],
        bad.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(5));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        codes(&v["codes"]),
        [
            "label.well-formed",
            "policy.classification-unknown",
            "policy.category-value-unknown"
        ]
    );
    // Without --policy the same label is only checked for form.
    let plain = pouch(&["label", "check"], bad.as_bytes());
    assert_eq!(plain.status.code(), Some(0));
}

#[test]
fn render_with_a_policy_gives_the_spif_marking_per_language() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let policy = spiffing("nato-4774-policy.xml");
    for (lang, expected) in [
        (
            None,
            "NATO UNCLASSIFIED Releasable to ISAF, KFOR, RESOLUTE SUPPORT",
        ),
        (
            Some("fr"),
            "NATO SANS CLASSIFICATION Communicable a ISAF, KFOR, RESOLUTE SUPPORT",
        ),
        (
            Some("fr-CA"),
            "NATO SANS CLASSIFICATION Communicable a ISAF, KFOR, RESOLUTE SUPPORT",
        ),
    ] {
        let mut args = vec!["label", "render", "--policy", &policy];
        if let Some(l) = lang {
            args.extend(["--lang", l]);
        }
        let out = pouch(&args, TABLE_17_1.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), format!("{expected}\n"));
    }
    // Without --policy, the policy-free marking is unchanged.
    let plain = pouch(&["label", "render"], NATO_SECRET_FIN_SWE.as_bytes());
    assert_eq!(stdout(&plain), "SECRET Releasable To FIN, SWE\n");
    // A label the policy cannot render: exit 5, one line.
    let bad = NATO_SECRET_FIN_SWE.replace("SWE", "ATLANTIS");
    let out = pouch(&["label", "render", "--policy", &policy], bad.as_bytes());
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn equivalent_then_render_matches_spiffing() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    // spiffing test 9: tlpx-amber-eu.xml (TLPX, AMBER lacv 12, Dissemination lacv 0 = EU)
    // encrypted for TLP renders "TLP:AMBER [REGION=EU] [Additional Handling May
    // Apply]/[Imported Data]".
    let label = r#"{"confidentialityInformation":{"policyIdentifier":"TLPX",
      "classification":"AMBER",
      "categories":[{"tagName":"Dissemination","type":"PERMISSIVE","values":["EU"]}]},
      "creationDateTime":"2026-11-28T09:15:00Z"}"#;
    let from = spiffing("tlp-plus.xml");
    let to = spiffing("tlp.xml");
    let eq = pouch(
        &["label", "equivalent", "--policy", &from, "--to", &to],
        label.as_bytes(),
    );
    assert_eq!(eq.status.code(), Some(0), "{}", stderr(&eq));
    let render = pouch(&["label", "render", "--policy", &to], &eq.stdout);
    assert_eq!(
        stdout(&render),
        "TLP:AMBER [REGION=EU] [Additional Handling May Apply]/[Imported Data]\n",
        "{}",
        stderr(&render)
    );
    // The XML form is an alternative label.
    let xml = pouch(
        &[
            "label",
            "equivalent",
            "--policy",
            &from,
            "--to",
            &to,
            "--format",
            "xml",
        ],
        label.as_bytes(),
    );
    assert_contains(&stdout(&xml), "<alternativeConfidentialityLabel");
    // NATO v88 declares no equivalence to TLP: exit 5, naming it.
    let none = pouch(
        &["label", "equivalent", "--policy", &v88(), "--to", &to],
        NATO_SECRET_FIN_SWE.as_bytes(),
    );
    assert_eq!(none.status.code(), Some(5));
    assert_contains(&stderr(&none), "no equivalence");
}

#[test]
fn dominant_of_two_labels() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let d = workdir("dominant");
    let a = d.0.join("a.json");
    let b = d.0.join("b.json");
    std::fs::write(&a, NATO_SECRET_FIN_SWE).unwrap();
    std::fs::write(
        &b,
        NATO_SECRET_FIN_SWE
            .replace("\"SECRET\"", "\"CONFIDENTIAL\"")
            .replace("\"FIN\",", ""),
    )
    .unwrap();
    let out = pouch(
        &["label", "dominant", "--policy", &v88(), s(&a), s(&b)],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // SECRET is above CONFIDENTIAL; permissive values intersect to SWE (POUCH-POL-055/056).
    assert_eq!(v["confidentialityInformation"]["classification"], "SECRET");
    assert_eq!(
        v["confidentialityInformation"]["categories"][0]["values"],
        serde_json::json!(["SWE"])
    );
}

#[test]
fn convert_to_and_from_ess() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let ess = pouch(
        &["label", "convert", "--to", "ess", "--policy", &v88()],
        NATO_SECRET_FIN_SWE.as_bytes(),
    );
    assert_eq!(ess.status.code(), Some(0), "{}", stderr(&ess));
    // SET { INTEGER 4 (SECRET's lacv), OID 1.3.26.1.3.1, ... }.
    assert_eq!(
        &ess.stdout[..13],
        &[
            0x31, 0x81, 0x87, 0x02, 0x01, 0x04, 0x06, 0x05, 0x2b, 0x1a, 0x01, 0x03, 0x01
        ]
    );
    let v88 = v88();
    let from_ess = [
        "label", "convert", "--from", "ess", "--to", "json", "--policy", &v88,
    ];
    let back = pouch(&from_ess, &ess.stdout);
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    let v: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    let ci = &v["confidentialityInformation"];
    assert_eq!(ci["policyIdentifierUri"], "urn:oid:1.3.26.1.3.1");
    assert_eq!(ci["classification"], "SECRET");
    assert_eq!(
        ci["categories"][0]["values"],
        serde_json::json!(["FIN", "SWE"])
    );

    // spiffing's stupid-label.ber names policy 1.1.
    let stupid = std::fs::read(spiffing("stupid-label.ber")).unwrap();
    let out = pouch(&from_ess, &stupid);
    assert_eq!(out.status.code(), Some(5));
    assert_contains(&stderr(&out), "unknown policy id: 1.1");
    // Truncated DER is malformed input; ESS without a policy is a usage error.
    let cut = pouch(&from_ess, &ess.stdout[..20]);
    assert_eq!(cut.status.code(), Some(3));
    let usage = pouch(
        &["label", "convert", "--from", "ess", "--to", "json"],
        &stupid,
    );
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn release_permits_and_denies_with_reasons() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let permit = pouch(
        &["release", "--policy", &v88(), "--recipient", "FIN"],
        NATO_SECRET_FIN_SWE.as_bytes(),
    );
    assert_eq!(permit.status.code(), Some(0), "{}", stderr(&permit));
    assert!(stdout(&permit).starts_with("-: permit release to FIN\n"));

    let deny = pouch(
        &[
            "release",
            "--json",
            "--policy",
            &v88(),
            "--recipient",
            "NOR",
        ],
        NATO_SECRET_FIN_SWE.as_bytes(),
    );
    assert_eq!(deny.status.code(), Some(6));
    let v: serde_json::Value = serde_json::from_slice(&deny.stdout).unwrap();
    assert_eq!(v["decision"], "deny");
    assert_eq!(
        codes(&v["codes"]),
        ["release.not-releasable-to", "release.denied"]
    );

    // A restrictive ATOMAL label: needs a clearance holding ATOMAL at SECRET or above.
    let atomal = NATO_SECRET_FIN_SWE.replace(
        "]}]}",
        "]},{\"tagName\":\"Special Category Designators\",\"type\":\"RESTRICTIVE\",\"values\":[\"ATOMAL\"]}]}",
    );
    let d = workdir("release");
    let cleared = d.0.join("cleared.json");
    std::fs::write(
        &cleared,
        r#"{"policy": "urn:oid:1.3.26.1.3.1", "classifications": ["SECRET"],
            "categories": [{"tagName": "Special Category Designators", "type": "RESTRICTIVE",
                            "values": ["ATOMAL"]}]}"#,
    )
    .unwrap();
    let low = d.0.join("low.json");
    std::fs::write(
        &low,
        r#"{"policy": "NATO", "classifications": ["CONFIDENTIAL"]}"#,
    )
    .unwrap();
    let broken = d.0.join("broken.json");
    std::fs::write(
        &broken,
        r#"{"policy": "NATO", "classification": ["SECRET"]}"#,
    )
    .unwrap();
    let run = |clearance: &std::path::Path| {
        pouch(
            &[
                "release",
                "--policy",
                &v88(),
                "--recipient",
                "FIN",
                "--clearance",
                s(clearance),
            ],
            atomal.as_bytes(),
        )
    };
    let ok = run(&cleared);
    let short = run(&low);
    let bad = run(&broken);
    let none = pouch(
        &["release", "--policy", &v88(), "--recipient", "FIN"],
        atomal.as_bytes(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert_eq!(short.status.code(), Some(6));
    assert!(stdout(&short).contains("release.clearance-classification"));
    assert!(stdout(&short).contains("release.clearance-category"));
    assert_eq!(none.status.code(), Some(6));
    assert!(stdout(&none).contains("release.clearance-required"));
    assert_eq!(bad.status.code(), Some(3));
    assert_contains(&stderr(&bad), "/classification");
}

#[test]
fn help_lists_the_new_exit_codes() {
    let out = pouch(&["release", "--help"], b"");
    let help = stdout(&out);
    assert_contains(&help, "  5   a label is not valid under the policy");
    assert_contains(&help, "  6   the release to the recipient is denied");
}
