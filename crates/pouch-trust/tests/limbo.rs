//! The x509-limbo path-validation suite (C2SP), run through Pouch's `ChainValidator`.
//!
//! Limbo's leaves are TLS certificates, so cases run with `LeafProfile::Eku` (the case's own
//! extended key usages, or serverAuth / clientAuth by validation kind, with RFC 5280 rules for
//! absent extensions) and without a country. Each case is one nation whose anchors are the
//! case's trusted certificates; the x5chain is the peer certificate then the untrusted
//! intermediates; signing and verification time are the case's validation time.
//!
//! Every case is Pass, Skip (see `skip_reason`), KnownDivergence (listed in
//! `conformance/exceptions/x509-limbo.toml`), UnexpectedFailure or UnexpectedSuccess. The
//! test fails on any unexpected outcome and on exceptions that no longer diverge.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use pouch_crypto::keys::pem_decode;
use pouch_reference::Outcome;
use pouch_trust::Oid;
use pouch_trust::{ChainValidator, LeafProfile, Revocation, TrustBundle, TrustedNation};
use serde::Deserialize;

#[derive(Deserialize)]
struct Limbo {
    testcases: Vec<Testcase>,
}

#[derive(Deserialize)]
struct Testcase {
    id: String,
    #[serde(default)]
    features: Vec<String>,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    #[serde(default)]
    extended_key_usage: Vec<String>,
    expected_result: String,
    #[serde(default)]
    crls: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Exception {
    id: String,
    expected: String,
    actual: String,
    /// Checked, with the other entries, by `pouch_reference::exceptions`.
    #[serde(rename = "reason")]
    _reason: String,
}

impl pouch_reference::Exception for Exception {
    fn key(&self) -> String {
        self.id.clone()
    }
}

/// Why a case does not apply to signer chains, if it does not.
fn skip_reason(case: &Testcase) -> Option<&'static str> {
    let id = case.id.as_str();
    if id.contains("::san::") || id.contains("::cn::") || id == "rfc5280::ca-as-leaf-wrong-san" {
        return Some("TLS peer-name matching: Pouch signers have no names to match");
    }
    for feature in &case.features {
        match feature.as_str() {
            "pedantic-public-suffix-wildcard" => {
                return Some("TLS wildcard name matching against the public suffix list");
            }
            "max-chain-depth" => {
                return Some("Pouch's chain limit is fixed (8 certificates), not per call");
            }
            "has-policy-constraints" => return Some("Pouch processes no certificate policies"),
            "pedantic-webpki-eku" | "pedantic-webpki-subscriber-key" => {
                return Some("CA/Browser Forum rules for TLS subscribers, not signer chains");
            }
            _ => {}
        }
    }
    None
}

fn eku_oid(name: &str) -> Oid {
    let dotted = match name {
        "anyExtendedKeyUsage" => "2.5.29.37.0",
        "serverAuth" => "1.3.6.1.5.5.7.3.1",
        "clientAuth" => "1.3.6.1.5.5.7.3.2",
        "codeSigning" => "1.3.6.1.5.5.7.3.3",
        "emailProtection" => "1.3.6.1.5.5.7.3.4",
        "timeStamping" => "1.3.6.1.5.5.7.3.8",
        "OCSPSigning" => "1.3.6.1.5.5.7.3.9",
        other => panic!("unknown EKU {other}"),
    };
    dotted.parse().unwrap()
}

/// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fff]` with `Z` or `+00:00`, to whole Unix seconds (the
/// fraction is dropped: Pouch, like webpki, counts whole seconds).
fn rfc3339(text: &str) -> i64 {
    let num = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let offset = text[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    assert!(offset == "Z" || offset == "+00:00", "{text}");
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + num(11..13) * 3600 + num(14..16) * 60 + num(17..19)
}

fn der(pem: &str, label: &str) -> Vec<u8> {
    pem_decode(pem.as_bytes(), label).unwrap()
}

/// Runs one case: "SUCCESS" if the chain is trusted, else "FAILURE" with the reason.
fn run(case: &Testcase, now: i64) -> (String, String) {
    let bundle = TrustBundle {
        nations: vec![TrustedNation {
            code: "LIMBO".to_owned(),
            country: None,
            anchors: case
                .trusted_certs
                .iter()
                .map(|p| der(p, "CERTIFICATE"))
                .collect(),
            intermediates: Vec::new(),
            crls: case.crls.iter().map(|p| der(p, "X509 CRL")).collect(),
            // Limbo cases without CRLs expect success: a missing CRL is a warning here.
            revocation: Revocation::BestEffort,
            authorisations: Vec::new(),
        }],
    };
    let ekus: Vec<Oid> = if case.extended_key_usage.is_empty() {
        let default = if case.validation_kind == "CLIENT" {
            "clientAuth"
        } else {
            "serverAuth"
        };
        vec![eku_oid(default)]
    } else {
        case.extended_key_usage.iter().map(|n| eku_oid(n)).collect()
    };
    let validator = match ChainValidator::new(&pouch_crypto_awslc::PROVIDER, &bundle) {
        Ok(v) => v.with_leaf_profile(LeafProfile::Eku(ekus)),
        Err(err) => return ("FAILURE".to_owned(), format!("bundle refused: {err}")),
    };
    let mut chain = vec![der(&case.peer_certificate, "CERTIFICATE")];
    chain.extend(
        case.untrusted_intermediates
            .iter()
            .map(|p| der(p, "CERTIFICATE")),
    );
    let time = case.validation_time.as_deref().map_or(now, rfc3339);
    let verdict = validator.validate(&chain, time, time);
    let summary: Vec<String> = verdict
        .entries
        .iter()
        .filter(|(c, _)| !verdict.trusted || c.id() == "trust.signer-trusted")
        .map(|(c, d)| match d {
            Some(d) if !verdict.trusted => format!("{c} ({d})"),
            _ => c.to_string(),
        })
        .collect();
    let result = if verdict.trusted {
        "SUCCESS"
    } else {
        "FAILURE"
    };
    (result.to_owned(), summary.join("; "))
}

fn cases(dir: &Path) -> Vec<(PathBuf, Testcase)> {
    let native = dir.join("generated/limbo-native.json");
    let limbo: Limbo = serde_json::from_slice(&fs::read(&native).unwrap()).unwrap();
    let mut all: Vec<(PathBuf, Testcase)> = limbo
        .testcases
        .into_iter()
        .map(|c| (native.clone(), c))
        .collect();
    let online = dir.join("limbo/_assets/online");
    let mut files: Vec<PathBuf> = fs::read_dir(&online)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".limbo.json"))
        .collect();
    files.sort();
    for file in files {
        let case: Testcase = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
        all.push((file, case));
    }
    all
}

#[test]
fn x509_limbo() {
    let limbo = pouch_reference::require!(pouch_reference::Suite::X509Limbo);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let exceptions: Vec<Exception> = pouch_reference::exceptions("x509-limbo").unwrap();
    let mut listed: BTreeMap<&str, &Exception> = BTreeMap::new();
    for e in &exceptions {
        listed.insert(e.id.as_str(), e);
    }
    let cases = cases(&limbo);
    assert!(cases.len() >= 194 + 14, "only {} cases found", cases.len());
    let mut tally: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut skipped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (file, case) in &cases {
        seen.push(case.id.as_str());
        let outcome = if let Some(reason) = skip_reason(case) {
            if listed.contains_key(case.id.as_str()) {
                problems.push(format!(
                    "{}: skipped ({reason}) but listed as an exception",
                    case.id
                ));
            }
            skipped.entry(reason).or_default().push(case.id.as_str());
            Outcome::Skip
        } else {
            let (actual, detail) = run(case, now);
            match (actual == case.expected_result, listed.get(case.id.as_str())) {
                (true, None) => Outcome::Pass,
                (true, Some(_)) => {
                    problems.push(format!("{}: stale exception, the case passes now", case.id));
                    Outcome::Pass
                }
                (false, Some(e)) if e.expected == case.expected_result && e.actual == actual => {
                    Outcome::KnownDivergence
                }
                (false, other) => {
                    let outcome = if actual == "SUCCESS" {
                        Outcome::UnexpectedSuccess
                    } else {
                        Outcome::UnexpectedFailure
                    };
                    let note = if other.is_some() {
                        " (exception does not match)"
                    } else {
                        ""
                    };
                    problems.push(format!(
                        "{}: {outcome:?}{note}: expected {}, got {actual}: {detail} [{}]",
                        case.id,
                        case.expected_result,
                        file.file_name().unwrap_or_default().to_string_lossy()
                    ));
                    outcome
                }
            }
        };
        *tally.entry(outcome).or_default() += 1;
    }
    for id in listed.keys() {
        if !seen.contains(id) {
            problems.push(format!("{id}: stale exception, no such case"));
        }
    }
    println!("x509-limbo: {} cases", cases.len());
    for (outcome, n) in &tally {
        println!("  {outcome:?}: {n}");
    }
    for (reason, ids) in &skipped {
        println!("  skipped {}: {reason}", ids.len());
        if std::env::var_os("LIMBO_VERBOSE").is_some() {
            println!("    {}", ids.join(" "));
        }
    }
    for p in &problems {
        println!("  {p}");
    }
    assert!(
        problems.is_empty(),
        "{} unexpected outcomes or stale exceptions",
        problems.len()
    );
}
