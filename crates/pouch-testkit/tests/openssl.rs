//! Independent checks with the `openssl` command-line tool: it parses every certificate this
//! crate makes and verifies the chains of every algorithm it supports.
//!
//! `openssl` must be installed; these tests fail (they do not skip) when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// One helper module for the PKI crates' tests (the scratch folder is named per crate).
#[path = "../../pouch-trust/tests/common/mod.rs"]
mod common;
mod support;

use std::path::Path;
use std::process::{Command, Output};

use common::{NOW, Scratch, build_spec, coalition, providers};
use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_testkit::{Certificate, CoalitionSpec, Nation, Validity, demo_nations};
use support::written_coalition;

const CLASSICAL: [Algorithm; 5] = [
    Algorithm::Es256,
    Algorithm::Es384,
    Algorithm::Es512,
    Algorithm::EdDsa,
    Algorithm::Ps256,
];
const ML_DSA: [Algorithm; 3] = [Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87];

fn openssl(args: &[&str]) -> Output {
    match Command::new("openssl").args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run `openssl {}`: {e}. These tests need the OpenSSL command-line tool on \
             the PATH (e.g. `apt-get install openssl`).",
            args.join(" ")
        ),
    }
}

fn openssl_ok(args: &[&str]) -> String {
    let out = openssl(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "`openssl {}` failed:\n{stdout}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Whether this openssl verifies ML-DSA (OpenSSL 3.5 and later).
fn openssl_has_ml_dsa() -> bool {
    openssl_ok(&["list", "-signature-algorithms"]).contains("ML-DSA")
}

fn x509_text(dir: &Path, cert: &Certificate) -> String {
    let path = dir.join("cert.der");
    std::fs::write(&path, cert.der()).unwrap();
    openssl_ok(&[
        "x509",
        "-inform",
        "DER",
        "-noout",
        "-text",
        "-in",
        path.to_str().unwrap(),
    ])
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn signature_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::Es256 => "ecdsa-with-SHA256",
        Algorithm::Es384 => "ecdsa-with-SHA384",
        Algorithm::Es512 => "ecdsa-with-SHA512",
        Algorithm::EdDsa => "ED25519",
        Algorithm::Ps256 => "rsassaPss",
        Algorithm::MlDsa44 => "2.16.840.1.101.3.4.3.17",
        Algorithm::MlDsa65 => "2.16.840.1.101.3.4.3.18",
        _ => "2.16.840.1.101.3.4.3.19",
    }
}

fn verify_chain(dir: &Path, leaf_file: &str, at: i64) -> Output {
    let p = |f: &str| dir.join(f).to_str().unwrap().to_owned();
    openssl(&[
        "verify",
        "-attime",
        &at.to_string(),
        "-purpose",
        "any",
        "-CAfile",
        &p("root.pem"),
        "-untrusted",
        &p("intermediate.pem"),
        &p(leaf_file),
    ])
}

fn output_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn openssl_is_installed() {
    let version = openssl_ok(&["version"]);
    eprintln!("using {version}");
    if !openssl_has_ml_dsa() {
        eprintln!("this openssl has no ML-DSA: ML-DSA chains are checked by the provider only");
    }
}

#[test]
fn openssl_verifies_classical_chains() {
    for (provider, _) in providers() {
        for alg in CLASSICAL {
            check_chain_of(provider, alg, &[alg], true);
        }
        // Mixed: an ES384 PKI certifying signers of every classical algorithm.
        check_chain_of(provider, Algorithm::Es384, &CLASSICAL, true);
    }
}

#[test]
fn ml_dsa_chains_per_openssl_capability() {
    let verify = openssl_has_ml_dsa();
    for (provider, _) in providers() {
        check_chain_of(provider, Algorithm::MlDsa65, &ML_DSA, verify);
        // Classical CAs certifying ML-DSA signers: openssl must still load the leaf's key.
        check_chain_of(provider, Algorithm::Es384, &ML_DSA, verify);
    }
}

/// Builds a Norwegian PKI, writes it out, has openssl parse every certificate, and (when
/// `verify`) verify every signer chain; always checks the signers' PKCS#8 keys when
/// openssl knows their algorithm.
fn check_chain_of(provider: &CryptoProvider, root: Algorithm, signers: &[Algorithm], verify: bool) {
    let scratch = Scratch::new("openssl");
    let nation = Nation::new("NOR", "NO", "Norway").unwrap();
    let coalition = coalition(provider, &[nation], root, signers);
    coalition.write_to_dir(scratch.path()).unwrap();
    let dir = scratch.path().join("NOR");
    let pki = &coalition.nations()[0];

    let text = x509_text(&dir, &pki.root.certificate);
    for needle in [
        "Version: 3 (0x2)",
        &format!("Signature Algorithm: {}", signature_name(root)),
        "Issuer: C = NO, O = Norway, CN = Norway Pouch Root CA",
        "Subject: C = NO, O = Norway, CN = Norway Pouch Root CA",
        // NOW - 1 hour, and NOW + 3652 days (UTCTime both).
        "Not Before: Dec 31 23:00:00 2025 GMT",
        "Not After : Jan  1 00:00:00 2036 GMT",
        "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:1",
        "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign",
        &format!(
            "X509v3 Subject Key Identifier: \n                {}",
            colon_hex(pki.root.certificate.key_identifier())
        ),
        "X509v3 Authority Key Identifier",
    ] {
        assert!(
            text.contains(needle),
            "root ({root}) lacks {needle:?}:\n{text}"
        );
    }
    if root == Algorithm::Ps256 {
        for needle in [
            "Hash Algorithm: sha256",
            "Mask Algorithm: mgf1 with sha256",
            "Salt Length: 0x20",
        ] {
            assert!(
                text.contains(needle),
                "PSS parameters lack {needle:?}:\n{text}"
            );
        }
    }

    let text = x509_text(&dir, &pki.intermediate.certificate);
    for needle in [
        "Issuer: C = NO, O = Norway, CN = Norway Pouch Root CA",
        "Subject: C = NO, O = Norway, CN = Norway Pouch Intermediate CA",
        "CA:TRUE, pathlen:0",
        &colon_hex(pki.root.certificate.key_identifier()),
        &colon_hex(pki.intermediate.certificate.key_identifier()),
    ] {
        assert!(
            text.contains(needle),
            "intermediate ({root}) lacks {needle:?}:\n{text}"
        );
    }

    for signer in &pki.signers {
        let alg = signer.algorithm;
        let text = x509_text(&dir, &signer.certificate);
        for needle in [
            &format!("Signature Algorithm: {}", signature_name(root)),
            "Issuer: C = NO, O = Norway, CN = Norway Pouch Intermediate CA",
            &format!(
                "Subject: C = NO, O = Norway, OU = Pouch signers, CN = Norway Pouch Signer {alg}"
            ),
            "X509v3 Basic Constraints: critical\n                CA:FALSE",
            "X509v3 Key Usage: critical\n                Digital Signature\n",
            // OpenSSL 3.0 has no name for id-kp-documentSigning; later versions may.
            "X509v3 Extended Key Usage: \n                ",
            &colon_hex(signer.certificate.key_identifier()),
            &colon_hex(pki.intermediate.certificate.key_identifier()),
        ] {
            assert!(
                text.contains(needle),
                "signer {alg} lacks {needle:?}:\n{text}"
            );
        }
        assert!(
            text.contains("1.3.6.1.5.5.7.3.36") || text.contains("Document Signing"),
            "signer {alg} lacks id-kp-documentSigning:\n{text}"
        );

        if verify {
            let out = verify_chain(&dir, &format!("signer-{alg}.pem"), NOW);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && stdout.trim_end().ends_with(": OK"),
                "openssl verify of a {root} chain to a {alg} signer failed:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // OpenSSL 3.0 reads PKCS#8 v1 only; aws-lc writes Ed25519 keys as v2
        // (OneAsymmetricKey with the public key), which it rejects as "unsupported".
        let v2_key = signer.pkcs8.get(2..5) == Some(&[0x02, 0x01, 0x01][..]);
        if !(v2_key || alg.is_post_quantum() && !openssl_has_ml_dsa()) {
            let key = dir.join(format!("signer-{alg}.key.pem"));
            let from_key = openssl_ok(&["pkey", "-in", key.to_str().unwrap(), "-pubout"]);
            let leaf = dir.join(format!("signer-{alg}.pem"));
            let from_cert =
                openssl_ok(&["x509", "-in", leaf.to_str().unwrap(), "-noout", "-pubkey"]);
            assert_eq!(
                from_key, from_cert,
                "{alg} key file does not match its certificate"
            );
        }
    }
}

#[test]
fn openssl_rejects_expired_and_not_yet_valid_signers() {
    let (provider, _) = providers()[0];
    let scratch = Scratch::new("expired");
    let nations = [Nation::new("NOR", "NO", "Norway").unwrap()];
    let ca_window = Validity::new(NOW - 30 * 86_400, NOW + 365 * 86_400).unwrap();
    let spec = CoalitionSpec::new(Algorithm::Es256, &[Algorithm::Es256], NOW)
        .unwrap()
        .root_validity(ca_window)
        .intermediate_validity(ca_window)
        .signer_validity(Validity::new(NOW - 10 * 86_400, NOW - 86_400).unwrap());
    spec.build(provider, &nations)
        .unwrap()
        .write_to_dir(scratch.path())
        .unwrap();
    let dir = scratch.path().join("NOR");
    let out = verify_chain(&dir, "signer-ES256.pem", NOW);
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("certificate has expired"),
        "{}",
        output_text(&out)
    );
    // Within the window it verifies.
    assert!(
        verify_chain(&dir, "signer-ES256.pem", NOW - 2 * 86_400)
            .status
            .success()
    );
    // Before the window: not yet valid.
    let out = verify_chain(&dir, "signer-ES256.pem", NOW - 20 * 86_400);
    assert!(
        output_text(&out).contains("certificate is not yet valid"),
        "{}",
        output_text(&out)
    );
}

#[test]
fn openssl_reads_generalized_time_from_2050() {
    let (provider, _) = providers()[0];
    let scratch = Scratch::new("gentime");
    let nations = [Nation::new("NOR", "NO", "Norway").unwrap()];
    // 2049-12-31T23:59:59Z to 2050-01-01T00:00:00Z: UTCTime, then GeneralizedTime.
    let window = Validity::new(2_524_607_999, 2_524_608_000).unwrap();
    let spec = CoalitionSpec::new(Algorithm::EdDsa, &[Algorithm::EdDsa], NOW)
        .unwrap()
        .signer_validity(window);
    let coalition = build_spec(provider, &spec, &nations);
    let signer = &coalition.nations()[0].signers[0];
    let text = x509_text(scratch.path(), &signer.certificate);
    assert!(
        text.contains("Not Before: Dec 31 23:59:59 2049 GMT"),
        "{text}"
    );
    assert!(
        text.contains("Not After : Jan  1 00:00:00 2050 GMT"),
        "{text}"
    );
    let path = scratch.path().join("cert.der");
    let asn1 = openssl_ok(&["asn1parse", "-inform", "DER", "-in", path.to_str().unwrap()]);
    assert!(asn1.contains("UTCTIME           :491231235959Z"), "{asn1}");
    assert!(
        asn1.contains("GENERALIZEDTIME   :20500101000000Z"),
        "{asn1}"
    );
}

#[test]
fn openssl_parses_the_demo_coalition_with_every_algorithm() {
    let (scratch, coalition) = written_coalition(
        "demo",
        &demo_nations().unwrap(),
        Algorithm::Es384,
        &Algorithm::ALL,
    );
    for pki in coalition.nations() {
        let code = pki.nation.code_alpha3();
        for issued in [&pki.root, &pki.intermediate]
            .into_iter()
            .chain(&pki.signers)
        {
            // asn1parse checks the DER structure whatever the algorithm.
            let path = scratch.path().join("one.der");
            std::fs::write(&path, issued.certificate.der()).unwrap();
            openssl_ok(&["asn1parse", "-inform", "DER", "-in", path.to_str().unwrap()]);
            let text = x509_text(scratch.path(), &issued.certificate);
            assert!(text.contains(&format!(
                "C = {}, O = {}",
                pki.nation.country_alpha2(),
                pki.nation.name()
            )));
        }
        let dir = scratch.path().join(code);
        for alg in CLASSICAL {
            let out = verify_chain(&dir, &format!("signer-{alg}.pem"), NOW);
            assert!(
                out.status.success(),
                "{code} {alg}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
