//! POUCH-TRUST-005: an anchor certificate's name constraints bound every path that ends at
//! it. Each case is also given to `openssl verify`, which applies an anchor's constraints
//! (RFC 5937's reading), so the two must agree; where they do not, the test says so.
//!
//! `openssl` must be installed; these tests fail (they do not skip) when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;

use pouch_crypto::{Algorithm, CryptoProvider, SigningKey};
use pouch_status as status;
use pouch_testkit::{Certificate, CertificateBuilder, Name, Validity, seeded_pkcs8};
use pouch_trust::{ChainValidator, der, parse_bundle_with};

const NOW: i64 = 1_795_860_000;

fn provider() -> &'static CryptoProvider {
    pouch_crypto_rustcrypto::provider()
}

fn key(seed: &str) -> Box<dyn SigningKey> {
    let pkcs8 = seeded_pkcs8(provider(), Algorithm::Es256, seed.as_bytes()).unwrap();
    provider()
        .signature(Algorithm::Es256)
        .unwrap()
        .signing_key(&pkcs8)
        .unwrap()
}

fn name(country: &str, org: &str, cn: &str) -> Name {
    Name::new()
        .country(country)
        .unwrap()
        .organization(org)
        .unwrap()
        .common_name(cn)
        .unwrap()
}

fn validity() -> Validity {
    Validity::new(NOW - 3600, NOW + 86_400 * 365).unwrap()
}

/// A root permitting one subtree (a GeneralName, encoded), and a signer under it.
fn pki(permitted: &[u8], leaf_subject: Name, san_dns: Option<&str>) -> (Certificate, Certificate) {
    let root_key = key("anchor-constraints/root");
    let subtree = der::sequence(&[permitted]);
    let constraints = der::sequence(&[&der::implicit(0, true, &subtree)]);
    let root = CertificateBuilder::ca(
        name("NO", "Norway", "Constrained Root"),
        root_key.public_key_spki(),
        validity(),
        None,
    )
    .extension(pouch_crypto::oid::EXT_NAME_CONSTRAINTS, true, constraints)
    .self_sign(provider(), root_key.as_ref())
    .unwrap();
    let mut leaf = CertificateBuilder::signer(
        leaf_subject,
        key("anchor-constraints/leaf").public_key_spki(),
        validity(),
    );
    if let Some(dns) = san_dns {
        let san = der::sequence(&[&der::implicit(2, false, dns.as_bytes())]);
        leaf = leaf.extension(pouch_crypto::oid::EXT_SUBJECT_ALT_NAME, false, san);
    }
    let leaf = leaf.issue(provider(), &root, root_key.as_ref()).unwrap();
    (root, leaf)
}

/// Pouch's verdict: trusted, or the codes.
fn pouch(root: &Certificate, leaf: &Certificate) -> Result<(), Vec<&'static str>> {
    let bundle = parse_bundle_with(
        "format = 1\n[[nation]]\ncode = \"NOR\"\ncountry = \"NO\"\nanchors = [\"root.pem\"]\nrevocation = \"best-effort\"\n",
        "bundle.toml",
        |_| Ok(root.der().to_vec()),
    )
    .unwrap();
    let v = ChainValidator::new(provider(), &bundle).unwrap().validate(
        &[leaf.der().to_vec()],
        NOW,
        NOW,
    );
    if v.trusted {
        Ok(())
    } else {
        Err(v.entries.iter().map(|(c, _)| c.id()).collect())
    }
}

/// `openssl verify`'s verdict: accepted, or its output.
fn openssl(root: &Certificate, leaf: &Certificate) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!(
        "pouch-anchor-constraints-{}-{}",
        std::process::id(),
        leaf.der().len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (r, l) = (dir.join("root.pem"), dir.join("leaf.pem"));
    std::fs::write(&r, root.to_pem()).unwrap();
    std::fs::write(&l, leaf.to_pem()).unwrap();
    let out = Command::new("openssl")
        .args([
            "verify",
            "-attime",
            &NOW.to_string(),
            "-purpose",
            "any",
            "-CAfile",
        ])
        .arg(&r)
        .arg(&l)
        .output()
        .expect("openssl on the PATH");
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr))
    }
}

fn dns(subtree: &str) -> Vec<u8> {
    der::implicit(2, false, subtree.as_bytes())
}

#[test]
fn a_dns_name_constraint_on_the_anchor_bounds_the_signer() {
    let inside = pki(
        &dns("pouch.example.no"),
        name("NO", "Norway", "inside"),
        Some("signer.pouch.example.no"),
    );
    assert_eq!(pouch(&inside.0, &inside.1), Ok(()));
    assert_eq!(openssl(&inside.0, &inside.1), Ok(()));
    let outside = pki(
        &dns("pouch.example.no"),
        name("NO", "Norway", "outside"),
        Some("signer.pouch.example.dk"),
    );
    assert_eq!(
        pouch(&outside.0, &outside.1),
        Err(vec![status::TRUST_PATH_CONSTRAINTS.id()])
    );
    let said = openssl(&outside.0, &outside.1).unwrap_err();
    assert!(said.contains("permitted subtree violation"), "{said}");
}

/// A directoryName constraint (the form a national root would use: C=NO, O=Norway) on the
/// anchor, with a signer whose subject lies inside it and one outside. OpenSSL accepts the
/// one inside and refuses the other. rustls-webpki 0.103 does not evaluate directoryName
/// constraints and refuses every certificate under one (its source: "we don't implement
/// this", rejecting by not matching any permitted subtree), so Pouch refuses both as
/// `trust.path-constraints`: fail-closed, never trusting what a constraint excludes, but a
/// known divergence recorded in spec/04-trust.md POUCH-TRUST-005.
#[test]
fn a_directory_name_constraint_on_the_anchor_is_refused_closed() {
    let norway = der::explicit(
        4,
        &Name::new()
            .country("NO")
            .unwrap()
            .organization("Norway")
            .unwrap()
            .to_der(),
    );
    let inside = pki(&norway, name("NO", "Norway", "inside"), None);
    let outside = pki(&norway, name("DK", "Denmark", "outside"), None);
    assert_eq!(openssl(&inside.0, &inside.1), Ok(()));
    let said = openssl(&outside.0, &outside.1).unwrap_err();
    assert!(said.contains("permitted subtree violation"), "{said}");
    assert_eq!(
        pouch(&outside.0, &outside.1),
        Err(vec![status::TRUST_PATH_CONSTRAINTS.id()])
    );
    // The divergence: a signer OpenSSL accepts is refused, never the other way round.
    assert_eq!(
        pouch(&inside.0, &inside.1),
        Err(vec![status::TRUST_PATH_CONSTRAINTS.id()]),
        "rustls-webpki now evaluates directoryName constraints: update POUCH-TRUST-005's note and this test"
    );
}
