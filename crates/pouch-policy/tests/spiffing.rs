//! Surevine spiffing's `test-data/tests.xml`, run whole (spec/05-policy.md §8).
//!
//! Every check of every test is one case: validity, label marking, clearance marking, access
//! decision (ACDF), equivalent ("encrypt") marking, per language. Cases not passed are listed
//! in `conformance/exceptions/spiffing.toml`; an unlisted failure, or a listed case that now
//! passes, fails the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::collections::BTreeMap;

use pouch_ess::{EssLabel, Limits as EssLimits};
use pouch_label::{DateTime, Label, Limits as LabelLimits};
use pouch_policy::{Limits, Policy, Recipient, spiffy};
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use serde::Deserialize;

#[derive(Deserialize)]
struct Exception {
    id: String,
    kind: String,
    expected: String,
    actual: String,
}

impl pouch_reference::Exception for Exception {
    fn key(&self) -> String {
        self.id.clone()
    }
}

const DIR: &str = "surevine-spiffing/test-data";

/// The erratum of food-policy.xml: an end tag misspelt, so the file is not well-formed XML.
/// The runner loads the file as it is first (and records the rejection), then the corrected
/// text in memory so that the food tests still run.
const FOOD_ERRATUM: (&str, &str) = ("</securityCategiryTagSet>", "</securityCategoryTagSet>");

fn read(name: &str) -> Option<Vec<u8>> {
    std::fs::read(common::reference(&format!("{DIR}/{name}"))).ok()
}

struct Run {
    results: Vec<(String, String, String)>,
}

impl Run {
    fn case(&mut self, id: String, expected: impl Into<String>, actual: impl Into<String>) {
        self.results.push((id, expected.into(), actual.into()));
    }
}

type Attrs = BTreeMap<String, String>;

fn elements() -> Vec<(String, Attrs)> {
    let text = read("tests.xml").unwrap();
    let mut r = Reader::from_reader(text.as_slice());
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf).unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.as_ref().to_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn created() -> DateTime {
    DateTime::from_unix(1_700_000_000, 0).unwrap()
}

/// The label of a test: spiffy XML through the policy, ADatP-4774 XML decoded as is, or an
/// ESS label (`.ber`) imported under the policy it names (spec/05-policy.md §5.9).
fn label(file: &str, policies: &BTreeMap<String, Policy>) -> Result<Label, String> {
    if file.ends_with(".ber") {
        // spiffing reads a file that is not there as no data; so does this runner.
        let bytes = read(file).unwrap_or_default();
        let ess = EssLabel::decode(&bytes, &EssLimits::default())
            .map_err(|e| format!("ESS: {e}"))?
            .label;
        let mut first_error = None;
        for p in policies.values() {
            match p.from_ess(&ess, created()) {
                Ok(l) => return Ok(l),
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
        }
        return Err(first_error.unwrap_or_else(|| "no policy loaded".to_owned()));
    }
    let bytes = read(file).ok_or_else(|| "no such file".to_owned())?;
    if file.ends_with(".nato") {
        return Label::from_xml(&bytes, &LabelLimits::default())
            .map(|(_, l)| l)
            .map_err(|e| format!("label rejected: {e}"));
    }
    let doc = spiffy::parse(&bytes, &Limits::default()).map_err(|e| e.to_string())?;
    let policy = policies
        .get(&doc.policy_id)
        .ok_or_else(|| format!("unknown policy {}", doc.policy_id))?;
    policy
        .spiffy_label(&doc, created())
        .map_err(|e| e.to_string())
}

fn policy_of<'a>(l: &Label, policies: &'a BTreeMap<String, Policy>) -> Option<&'a Policy> {
    policies.values().find(|p| p.names_this_policy(l))
}

fn run_test(n: usize, a: &Attrs, policies: &BTreeMap<String, Policy>, run: &mut Run) {
    let file = a.get("label").unwrap();
    let lang = a.get("xml:lang").map(String::as_str);
    let id = |check: &str| {
        format!(
            "{n}:{file}:{check}{}",
            lang.map(|l| format!(":{l}")).unwrap_or_default()
        )
    };
    let checks: Vec<&str> = [
        "valid",
        "label-marking",
        "clearance-marking",
        "acdf-result",
        "encrypt-marking",
        "exception",
    ]
    .into_iter()
    .filter(|k| a.contains_key(*k))
    .collect();
    let l = match label(file, policies) {
        Ok(l) => l,
        Err(e) => {
            for k in checks {
                // An expected exception is met by an error that says it (ignoring case),
                // as for policies; Pouch's message goes on to say more.
                let met = k == "exception" && e.to_lowercase().contains(&a[k].to_lowercase());
                run.case(
                    id(k),
                    a[k].clone(),
                    if met { a[k].clone() } else { e.clone() },
                );
            }
            return;
        }
    };
    if let Some(x) = a.get("exception") {
        run.case(id("exception"), x.clone(), "no exception");
    }
    let policy = policy_of(&l, policies).unwrap();
    let clearance = a.get("clearance").map(|c| {
        let doc = spiffy::parse(&read(c).unwrap(), &Limits::default()).unwrap();
        let p = policies.get(&doc.policy_id).unwrap();
        p.spiffy_clearance(&doc).unwrap()
    });
    if let Some(v) = a.get("valid") {
        let ok = policy
            .validate(&l)
            .iter()
            .all(|s| s.code.severity() != pouch_status::Severity::Error);
        run.case(id("valid"), v.clone(), ok.to_string());
    }
    if let Some(m) = a.get("label-marking") {
        let actual = policy.marking(&l, lang).unwrap_or_else(|e| e.to_string());
        run.case(id("label-marking"), m.clone(), actual);
    }
    // Under an equivalent policy, when the test maps the label ("encrypt").
    let (dp, dl) = match a.get("encrypt") {
        Some(oid) => {
            let target = policies.get(oid).unwrap();
            match policy.equivalent(&l, target) {
                Ok(eq) => {
                    let m = target.marking(&eq, lang).unwrap_or_else(|e| e.to_string());
                    run.case(id("encrypt-marking"), a["encrypt-marking"].clone(), m);
                    (target, eq)
                }
                Err(e) => {
                    run.case(
                        id("encrypt-marking"),
                        a["encrypt-marking"].clone(),
                        e.to_string(),
                    );
                    return;
                }
            }
        }
        None => (policy, l),
    };
    if let Some(c) = &clearance {
        if let Some(m) = a.get("clearance-marking") {
            let cp = policies.values().find(|p| c.is_under(p)).unwrap();
            let actual = cp
                .clearance_marking(c, lang)
                .unwrap_or_else(|e| e.to_string());
            run.case(id("clearance-marking"), m.clone(), actual);
        }
        if let Some(r) = a.get("acdf-result") {
            // A recipient known only by its clearance: no code names it.
            let who = Recipient::new("").with_clearance(c.clone());
            let d = dp.release(&dl, &who);
            run.case(
                id("acdf-result"),
                r.clone(),
                if d.permitted { "1" } else { "0" },
            );
        }
    }
}

#[test]
fn spiffing_suite() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let mut run = Run {
        results: Vec::new(),
    };
    let mut policies: BTreeMap<String, Policy> = BTreeMap::new();
    let mut n = 0;
    for (name, a) in elements() {
        match name.as_str() {
            "sequence" => policies.clear(),
            "policy" => {
                let file = &a["spif"];
                let bytes = read(file).unwrap();
                let loaded = Policy::load(&bytes, &Limits::default());
                match (a.get("exception"), loaded) {
                    (Some(x), Err(e)) => run.case(
                        format!("policy:{file}"),
                        x.clone(),
                        if e.to_string().to_lowercase().contains(&x.to_lowercase()) {
                            x.clone()
                        } else {
                            e.to_string()
                        },
                    ),
                    (Some(x), Ok(_)) => run.case(format!("policy:{file}"), x.clone(), "loaded"),
                    (None, Ok(p)) => {
                        run.case(format!("policy:{file}"), "loads", "loads");
                        policies.insert(p.id.clone(), p);
                    }
                    (None, Err(e)) => {
                        run.case(format!("policy:{file}"), "loads", e.to_string());
                        let fixed = String::from_utf8(bytes)
                            .unwrap()
                            .replace(FOOD_ERRATUM.0, FOOD_ERRATUM.1);
                        if let Ok(p) = Policy::load(fixed.as_bytes(), &Limits::default()) {
                            policies.insert(p.id.clone(), p);
                        }
                    }
                }
            }
            "test" => {
                n += 1;
                run_test(n, &a, &policies, &mut run);
            }
            _ => {}
        }
    }
    let exceptions: Vec<Exception> = pouch_reference::exceptions("spiffing").unwrap();
    let mut by_id: BTreeMap<&str, &Exception> = BTreeMap::new();
    for e in &exceptions {
        by_id.insert(e.id.as_str(), e);
    }
    let (mut pass, mut skip, mut known, mut bad) = (0, 0, 0, Vec::new());
    for (id, expected, actual) in &run.results {
        let exc = by_id.remove(id.as_str());
        match (expected == actual, exc) {
            (true, None) => pass += 1,
            (true, Some(_)) => bad.push(format!("UnexpectedSuccess {id}: stale exception")),
            (false, Some(e)) if e.expected == *expected && e.actual == *actual => {
                if e.kind == "skip" {
                    skip += 1;
                } else {
                    known += 1;
                }
            }
            (false, _) => bad.push(format!(
                "UnexpectedFailure {id}: expected {expected:?}, actual {actual:?}"
            )),
        }
    }
    for id in by_id.keys() {
        bad.push(format!("exception {id} matches no case"));
    }
    println!(
        "spiffing tests.xml: {} cases: {pass} pass, {skip} skip, {known} known divergence, {} unexpected",
        run.results.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
