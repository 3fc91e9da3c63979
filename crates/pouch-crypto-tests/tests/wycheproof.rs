//! The Wycheproof suites (read in place from the `wycheproof` reference suite, found through
//! `pouch-reference`: `POUCH_REFERENCE`, default `../shared/reference`), run whole through
//! every provider. Each case ends as Pass, Skip (not a Pouch algorithm or feature),
//! KnownDivergence (listed in `conformance/exceptions/wycheproof.toml` with a reason),
//! UnexpectedFailure (a valid case rejected) or UnexpectedSuccess (an invalid case accepted).
//! Any unexpected outcome fails the test, and so does an exception that no longer occurs.
//!
//! "acceptable" cases (none in the current files) pass whichever way a provider decides.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{PROVIDERS, ml_dsa_pkcs8, ml_dsa_spki, tlv, unhex};
use pouch_crypto::{Algorithm, CertificateSignature, CryptoProvider};
use pouch_reference::Suite;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Exception {
    file: String,
    tc_id: u64,
    provider: String,
    expected: String,
    actual: String,
    reason: String,
}

impl pouch_reference::Exception for Exception {
    fn key(&self) -> String {
        format!("{} #{} ({})", self.file, self.tc_id, self.provider)
    }
}

fn exceptions() -> Vec<Exception> {
    pouch_reference::exceptions("wycheproof").unwrap()
}

/// What a provider did with one case.
enum Actual {
    Accepted,
    Rejected(String),
    Skipped(&'static str),
}

struct Case {
    tc_id: u64,
    expected: String,
    actual: Actual,
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

fn bytes(v: &Value, name: &str) -> Vec<u8> {
    unhex(field(v, name).unwrap_or(""))
}

/// Every test of every group, with its group, in file order.
fn tests(doc: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    doc["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tests"].as_array().unwrap().iter().map(move |t| (g, t)))
}

fn case(t: &Value, actual: Actual) -> Case {
    Case {
        tc_id: t["tcId"].as_u64().unwrap(),
        expected: field(t, "result").unwrap().to_owned(),
        actual,
    }
}

fn outcome(r: Result<(), pouch_crypto::Error>) -> Actual {
    match r {
        Ok(()) => Actual::Accepted,
        Err(e) => Actual::Rejected(e.to_string()),
    }
}

/// Signature verification files (ECDSA P1363, EdDSA, ML-DSA verify).
fn run_verify(doc: &Value, p: &CryptoProvider, alg: Algorithm, hash: Option<&str>) -> Vec<Case> {
    let scheme = p.signature(alg).unwrap();
    tests(doc)
        .map(|(g, t)| {
            if hash.is_some_and(|h| field(g, "sha") != Some(h)) {
                return case(
                    t,
                    Actual::Skipped("curve/hash pair is not a Pouch algorithm"),
                );
            }
            if !bytes(t, "ctx").is_empty() {
                return case(
                    t,
                    Actual::Skipped("Pouch signs with the empty context only"),
                );
            }
            let spki = bytes(g, "publicKeyDer");
            case(
                t,
                outcome(scheme.verify(&spki, &bytes(t, "msg"), &bytes(t, "sig"))),
            )
        })
        .collect()
}

/// ECDSA files with ASN.1 DER signatures: the X.509 form, so they go through the
/// provider's certificate verifier of the curve and digest (POUCH-TRUST-003), which takes
/// the uncompressed point as a certificate's subjectPublicKey carries it.
fn run_certificate_verify(doc: &Value, p: &CryptoProvider, alg: CertificateSignature) -> Vec<Case> {
    let verifier = p.certificate_verifier(alg).unwrap();
    tests(doc)
        .map(|(g, t)| {
            let key = unhex(g["publicKey"]["uncompressed"].as_str().unwrap_or(""));
            case(
                t,
                outcome(verifier.verify(&key, &bytes(t, "msg"), &bytes(t, "sig"))),
            )
        })
        .collect()
}

/// ML-DSA signing files: `seed` (keys as RFC 9881 seeds) or `noseed` (expanded keys).
fn run_sign(doc: &Value, p: &CryptoProvider, alg: Algorithm, seed: bool) -> Vec<Case> {
    let scheme = p.signature(alg).unwrap();
    let deterministic = p.name == "RustCrypto";
    tests(doc)
        .map(|(g, t)| {
            if !bytes(t, "ctx").is_empty() {
                return case(
                    t,
                    Actual::Skipped("Pouch signs with the empty context only"),
                );
            }
            if t.get("msg").is_none() {
                return case(
                    t,
                    Actual::Skipped("external mu (Sign_internal) is not in the Pouch API"),
                );
            }
            if !seed && deterministic {
                return case(
                    t,
                    Actual::Skipped("ml-dsa 0.1 reads only the seed form of PKCS#8"),
                );
            }
            let pkcs8 = match (seed, field(g, "privateKeyPkcs8")) {
                (true, Some(der)) => unhex(der),
                (true, None) => ml_dsa_pkcs8(alg, &tlv(0x80, &bytes(g, "privateSeed"))),
                (false, _) => ml_dsa_pkcs8(alg, &tlv(0x04, &bytes(g, "privateKey"))),
            };
            let spki = ml_dsa_spki(alg, &bytes(g, "publicKey"));
            let (msg, expected_sig) = (bytes(t, "msg"), bytes(t, "sig"));
            let key = match scheme.signing_key(&pkcs8) {
                Ok(key) => key,
                Err(e) => return case(t, Actual::Rejected(e.to_string())),
            };
            if key.public_key_spki() != spki {
                return case(t, Actual::Rejected("derived public key differs".into()));
            }
            let sig = match key.sign(&msg) {
                Ok(sig) => sig,
                Err(e) => return case(t, Actual::Rejected(e.to_string())),
            };
            let randomized = bytes(t, "rnd").iter().any(|&b| b != 0);
            let actual = if deterministic && !randomized {
                if sig == expected_sig {
                    Actual::Accepted
                } else {
                    Actual::Rejected("signature differs from the vector".into())
                }
            } else {
                // Hedged signing: check ours and the vector's verify under the vector's key.
                outcome(
                    scheme
                        .verify(&spki, &msg, &sig)
                        .and_then(|()| scheme.verify(&spki, &msg, &expected_sig)),
                )
            };
            case(t, actual)
        })
        .collect()
}

fn run_file(vectors: &Path, file: &str, p: &CryptoProvider) -> Vec<Case> {
    let text =
        std::fs::read_to_string(vectors.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let skip_all = |reason| {
        tests(&doc)
            .map(|(_, t)| case(t, Actual::Skipped(reason)))
            .collect()
    };
    let ml_dsa = |name: &str| match name {
        n if n.starts_with("mldsa_44") => Algorithm::MlDsa44,
        n if n.starts_with("mldsa_65") => Algorithm::MlDsa65,
        _ => Algorithm::MlDsa87,
    };
    match file {
        "ecdsa_secp256r1_sha256_p1363_test.json" => {
            run_verify(&doc, p, Algorithm::Es256, Some("SHA-256"))
        }
        "ecdsa_secp384r1_sha384_p1363_test.json" => {
            run_verify(&doc, p, Algorithm::Es384, Some("SHA-384"))
        }
        "ecdsa_secp521r1_sha512_p1363_test.json" => {
            run_verify(&doc, p, Algorithm::Es512, Some("SHA-512"))
        }
        f if f.starts_with("ecdsa_") && f.contains("_p1363_") => {
            skip_all("curve/hash pair is not a Pouch algorithm")
        }
        "ecdsa_secp256r1_sha256_test.json" => {
            run_certificate_verify(&doc, p, CertificateSignature::EcdsaP256Sha256)
        }
        "ecdsa_secp384r1_sha384_test.json" => {
            run_certificate_verify(&doc, p, CertificateSignature::EcdsaP384Sha384)
        }
        "ecdsa_secp384r1_sha256_test.json" => {
            run_certificate_verify(&doc, p, CertificateSignature::EcdsaP384Sha256)
        }
        f if f.starts_with("ecdsa_") => skip_all("no certificate verifier for this curve"),
        "ed25519_test.json" => run_verify(&doc, p, Algorithm::EdDsa, None),
        f if f.starts_with("mldsa_") && f.ends_with("_verify_test.json") => {
            run_verify(&doc, p, ml_dsa(f), None)
        }
        f if f.starts_with("mldsa_") && f.ends_with("_sign_seed_test.json") => {
            run_sign(&doc, p, ml_dsa(f), true)
        }
        f if f.starts_with("mldsa_") && f.ends_with("_sign_noseed_test.json") => {
            run_sign(&doc, p, ml_dsa(f), false)
        }
        _ => skip_all("no Pouch algorithm in this file"),
    }
}

/// Runs one file through every provider, prints a summary line per provider and fails on
/// any unexpected outcome or stale exception.
fn suite(file: &str) {
    let vectors = pouch_reference::require!(Suite::Wycheproof).join("testvectors_v1");
    let exceptions = exceptions();
    let mut problems = Vec::new();
    for p in PROVIDERS {
        let listed: Vec<&Exception> = exceptions
            .iter()
            .filter(|e| e.file == file && e.provider == p.name)
            .collect();
        let (mut pass, mut skip, mut known, mut fail, mut success) = (0, 0, 0, 0, 0);
        let mut skip_reasons: Vec<&str> = Vec::new();
        let cases = run_file(&vectors, file, p);
        for c in &cases {
            let exception = listed.iter().find(|e| e.tc_id == c.tc_id);
            let agrees = match (&c.actual, c.expected.as_str()) {
                (Actual::Skipped(reason), _) => {
                    skip += 1;
                    if !skip_reasons.contains(reason) {
                        skip_reasons.push(reason);
                    }
                    continue;
                }
                (_, "acceptable")
                | (Actual::Accepted, "valid")
                | (Actual::Rejected(_), "invalid") => true,
                _ => false,
            };
            let actual = match &c.actual {
                Actual::Accepted => "accepted".to_owned(),
                Actual::Rejected(why) => format!("rejected ({why})"),
                Actual::Skipped(_) => unreachable!(),
            };
            match (agrees, exception) {
                (true, None) => pass += 1,
                (true, Some(_)) => problems.push(format!(
                    "{file} #{} [{}]: stale exception, the case now passes",
                    c.tc_id, p.name
                )),
                (false, Some(e)) => {
                    known += 1;
                    assert_eq!(
                        e.expected, c.expected,
                        "{file} #{}: exception's expected",
                        c.tc_id
                    );
                    println!(
                        "  known divergence #{} [{}]: {actual} (listed: {}; reason: {})",
                        c.tc_id, p.name, e.actual, e.reason
                    );
                }
                (false, None) if c.expected == "valid" => {
                    fail += 1;
                    problems.push(format!(
                        "{file} #{} [{}]: UnexpectedFailure: valid case {actual}",
                        c.tc_id, p.name
                    ));
                }
                (false, None) => {
                    success += 1;
                    problems.push(format!(
                        "{file} #{} [{}]: UnexpectedSuccess: invalid case {actual}",
                        c.tc_id, p.name
                    ));
                }
            }
        }
        for e in &listed {
            if !cases.iter().any(|c| c.tc_id == e.tc_id) {
                problems.push(format!(
                    "{file} #{} [{}]: exception for a missing case",
                    e.tc_id, p.name
                ));
            }
        }
        println!(
            "wycheproof {file} [{}]: {} cases: Pass {pass}, Skip {skip}, KnownDivergence {known}, \
             UnexpectedFailure {fail}, UnexpectedSuccess {success}",
            p.name,
            cases.len()
        );
        for reason in skip_reasons {
            println!("  skipped: {reason}");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

macro_rules! suites {
    ($($name:ident => $file:literal,)*) => {
        $( #[test] fn $name() { suite($file); } )*

        /// Every file of the reference directory has a suite above, and every exception names one.
        #[test]
        fn every_file_is_run_and_every_exception_names_a_file() {
            let vectors = pouch_reference::require!(Suite::Wycheproof).join("testvectors_v1");
            let known = [$($file),*];
            let mut on_disk: Vec<String> = std::fs::read_dir(vectors)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.ends_with(".json"))
                .collect();
            on_disk.sort();
            let mut listed: Vec<String> = known.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(on_disk, listed, "files on disk vs suites");
            let providers: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
            for e in exceptions() {
                assert!(known.contains(&e.file.as_str()), "exception names unknown file {}", e.file);
                assert!(providers.contains(&e.provider.as_str()), "unknown provider {}", e.provider);
            }
        }
    };
}

suites! {
    ecdsa_p256_sha256_p1363 => "ecdsa_secp256r1_sha256_p1363_test.json",
    ecdsa_p384_sha384_p1363 => "ecdsa_secp384r1_sha384_p1363_test.json",
    ecdsa_p521_sha512_p1363 => "ecdsa_secp521r1_sha512_p1363_test.json",
    ecdsa_p256_sha256_der => "ecdsa_secp256r1_sha256_test.json",
    ecdsa_p384_sha384_der => "ecdsa_secp384r1_sha384_test.json",
    ecdsa_p384_sha256_der => "ecdsa_secp384r1_sha256_test.json",
    ed25519 => "ed25519_test.json",
    mldsa_44_verify => "mldsa_44_verify_test.json",
    mldsa_65_verify => "mldsa_65_verify_test.json",
    mldsa_87_verify => "mldsa_87_verify_test.json",
    mldsa_44_sign_seed => "mldsa_44_sign_seed_test.json",
    mldsa_65_sign_seed => "mldsa_65_sign_seed_test.json",
    mldsa_87_sign_seed => "mldsa_87_sign_seed_test.json",
    mldsa_44_sign_noseed => "mldsa_44_sign_noseed_test.json",
    mldsa_65_sign_noseed => "mldsa_65_sign_noseed_test.json",
    mldsa_87_sign_noseed => "mldsa_87_sign_noseed_test.json",
}
