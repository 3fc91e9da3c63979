//! The trust vectors' constructions, checked with the `openssl` command line, independently of
//! Pouch's validator: each X.509 fault the generator made makes `openssl verify` fail for that
//! reason, and each Pouch-profile fault (country, CA leaf, EKU) is sound X.509 that `openssl
//! verify` accepts, with the fault visible in `openssl x509 -text`. The chains are read from
//! the committed envelopes' x5chain and the anchors from the committed PKI, not from the
//! generator.
//!
//! `openssl` must be installed; these tests fail (they do not skip) when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;
use std::process::{Command, Output};

use pouch::{Envelope, Limits};
use pouch_vectors::fixture::VERIFY_AT;

fn root() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-vectors/envelopes"
    ))
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl ({e}): these tests need it on the PATH"))
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn pem(der: &[u8]) -> String {
    pouch_trust::pem::encode("CERTIFICATE", der)
}

/// A scratch folder per test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let d =
            std::env::temp_dir().join(format!("pouch-trust-openssl-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The x5chain of the vector's only seal.
fn chain(vector: &str) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(root().join(vector).join("envelope.cbor")).unwrap();
    let env = Envelope::decode(&bytes, &Limits::default()).unwrap();
    assert_eq!(env.seals().len(), 1, "{vector}");
    env.seals()[0].header().unwrap().chain.clone()
}

/// `openssl verify` of the vector's chain against `anchor` (relative to the vectors), at
/// the vectors' verification time.
fn verify(vector: &str, anchor: &str) -> Output {
    let s = Scratch::new(vector);
    let chain = chain(vector);
    let leaf = s.write("leaf.pem", &pem(&chain[0]));
    let rest: String = chain[1..].iter().map(|c| pem(c)).collect();
    let ca = root().join(anchor).display().to_string();
    let at = VERIFY_AT.to_string();
    let mut args = vec!["verify", "-attime", &at, "-purpose", "any", "-CAfile", &ca];
    let untrusted;
    if !rest.is_empty() {
        untrusted = s.write("untrusted.pem", &rest);
        args.extend(["-untrusted", &untrusted]);
    }
    args.push(&leaf);
    openssl(&args)
}

fn leaf_text(vector: &str) -> String {
    let s = Scratch::new(&format!("{vector}-text"));
    let leaf = s.write("leaf.pem", &pem(&chain(vector)[0]));
    let out = openssl(&[
        "x509", "-noout", "-text", "-nameopt", "RFC2253", "-in", &leaf,
    ]);
    assert!(out.status.success(), "{vector}: {}", text(&out));
    text(&out)
}

const NOR: &str = "pki/NOR/root.pem";
const CONSTRAINED: &str = "pki/anchor-constrained/root.pem";

#[test]
fn x509_faults_fail_openssl_verify_for_the_reason_constructed() {
    for (vector, anchor, reason) in [
        (
            "env-trust-bad-certificate-signature",
            NOR,
            "certificate signature failure",
        ),
        (
            "env-trust-path-constraints",
            NOR,
            "path length constraint exceeded",
        ),
        (
            "env-trust-anchor-path-length",
            NOR,
            "path length constraint exceeded",
        ),
        (
            "env-trust-unknown-critical-extension",
            NOR,
            "unhandled critical extension",
        ),
        (
            "env-trust-certificate-malformed",
            NOR,
            // OpenSSL decodes every extension of a certificate it is given and refuses
            // the certificate when one does not decode.
            "x509v3_cache_extensions",
        ),
        (
            "env-trust-anchor-name-constraints-violated",
            CONSTRAINED,
            "permitted subtree violation",
        ),
    ] {
        let out = verify(vector, anchor);
        let said = text(&out);
        assert!(
            !out.status.success(),
            "{vector}: openssl accepts the chain:\n{said}"
        );
        assert!(
            said.contains(reason),
            "{vector}: expected `{reason}`:\n{said}"
        );
    }
}

#[test]
fn profile_faults_are_sound_x509_that_openssl_accepts() {
    for (vector, anchor) in [
        ("env-trust-country-mismatch", NOR),
        ("env-trust-leaf-is-ca", NOR),
        ("env-trust-extended-key-usage", NOR),
        ("env-trust-signing-time-in-future", NOR),
        ("env-trust-signing-time-skew-at", NOR),
        ("env-trust-anchor-name-constraints-satisfied", CONSTRAINED),
    ] {
        let out = verify(vector, anchor);
        assert!(out.status.success(), "{vector}: {}", text(&out));
    }
    // What makes each of them fail the Pouch profile (spec/04-trust.md) is in the leaf.
    let country = leaf_text("env-trust-country-mismatch");
    assert!(
        country.contains("Subject: CN=") && country.contains(",C=DK"),
        "{country}"
    );
    let ca = leaf_text("env-trust-leaf-is-ca");
    assert!(ca.contains("CA:TRUE"), "{ca}");
    assert!(
        ca.contains("Digital Signature") && !ca.contains("Certificate Sign"),
        "{ca}"
    );
    let eku = leaf_text("env-trust-extended-key-usage");
    assert!(eku.contains("E-mail Protection"), "{eku}");
    assert!(
        !eku.contains("1.3.6.1.5.5.7.3.36") && !eku.contains("Document Signing"),
        "{eku}"
    );
    let san = leaf_text("env-trust-anchor-name-constraints-satisfied");
    assert!(san.contains("DNS:signer.pouch.example.no"), "{san}");
    let anchor = openssl(&[
        "x509",
        "-noout",
        "-text",
        "-in",
        &root().join(CONSTRAINED).display().to_string(),
    ]);
    let anchor = text(&anchor);
    assert!(
        anchor.contains("X509v3 Name Constraints: critical"),
        "{anchor}"
    );
    assert!(anchor.contains("DNS:pouch.example.no"), "{anchor}");
}

#[test]
fn the_honest_chain_the_faults_start_from_verifies() {
    // Without this, "openssl refuses the faulty chain" could mean the set-up is wrong.
    let out = verify("env-alg-es256", NOR);
    assert!(out.status.success(), "{}", text(&out));
}
