//! Keys and certificates as the `openssl` command writes them: `pouch seal` takes a key in
//! every form key tools produce (PKCS #8, SEC 1 `EC PRIVATE KEY` with or without its `EC
//! PARAMETERS` block, PKCS #1 `RSA PRIVATE KEY`, PEM or DER), refuses a key that is not the
//! certificate's before writing anything, and a trust bundle named by a bare file name
//! resolves its files beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::process::Command;

mod common;
use common::{assert_exit, demo_pki, pouch, s, seal_by_nor, workdir};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run openssl (apt-get install openssl): {e}");
        });
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed signer certificate for `key` (PEM), made by openssl.
fn certificate(dir: &Path, key: &str, cert: &str) {
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            key,
            "-out",
            cert,
            "-days",
            "30",
            "-subj",
            "/C=NO/O=openssl keys/CN=signer",
            "-addext",
            "keyUsage=critical,digitalSignature",
            "-addext",
            "extendedKeyUsage=1.3.6.1.5.5.7.3.36",
        ],
    );
}

const LABEL: &str = r#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET"},"creationDateTime":"2026-12-04T10:00:00Z"}"#;

fn seal(dir: &Path, key: &str, cert: &str, out: &str) -> std::process::Output {
    let (label, key, cert) = (dir.join("label.json"), dir.join(key), dir.join(cert));
    let (out, record) = (dir.join(out), dir.join("record.txt"));
    common::seal(&label, &key, &cert, &["-o", s(&out), s(&record)])
}

#[test]
fn keys_in_every_form_openssl_writes_seal_and_verify() {
    let d = workdir("openssl-keys");
    let dir = &d.0;
    std::fs::write(dir.join("label.json"), LABEL).unwrap();
    std::fs::write(dir.join("record.txt"), b"a record").unwrap();
    // SEC 1 with its EC PARAMETERS block (`ecparam -genkey` without -noout), P-256.
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            "sec1.pem",
        ],
    );
    certificate(dir, "sec1.pem", "sec1.crt");
    // The same key as SEC 1 DER and as PKCS #8 PEM.
    openssl(
        dir,
        &[
            "ec", "-in", "sec1.pem", "-outform", "DER", "-out", "sec1.der",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "sec1.pem", "-out", "p8.pem",
        ],
    );
    // P-384 SEC 1 without the parameters block.
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "secp384r1",
            "-genkey",
            "-noout",
            "-out",
            "p384.pem",
        ],
    );
    certificate(dir, "p384.pem", "p384.crt");
    // RSA-2048 as PKCS #1 (PS256).
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa8.pem",
        ],
    );
    openssl(
        dir,
        &["rsa", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem"],
    );
    certificate(dir, "rsa8.pem", "rsa.crt");
    for (key, cert) in [
        ("sec1.pem", "sec1.crt"),
        ("sec1.der", "sec1.crt"),
        ("p8.pem", "sec1.crt"),
        ("p384.pem", "p384.crt"),
        ("rsa1.pem", "rsa.crt"),
    ] {
        let out = seal(dir, key, cert, "sealed.cbor");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{key}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = pouch(&["verify", s(&dir.join("sealed.cbor"))]);
        let text = String::from_utf8_lossy(&v.stdout);
        assert!(text.contains("seal.signature-valid"), "{key}: {text}");
        std::fs::remove_file(dir.join("sealed.cbor")).unwrap();
    }
    // A key that is not the certificate's: refused, exit 3, nothing written.
    let out = seal(dir, "p384.pem", "sec1.crt", "wrong.cbor");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not the private key's") || err.contains("another algorithm"),
        "{err}"
    );
    assert!(!dir.join("wrong.cbor").exists());
    // An EC key whose label says RSA: refused by name.
    let sec1 = std::fs::read_to_string(dir.join("sec1.pem")).unwrap();
    let key_only = &sec1[sec1.find("-----BEGIN EC PRIVATE KEY").unwrap()..];
    std::fs::write(
        dir.join("liar.pem"),
        key_only.replace("EC PRIVATE KEY", "RSA PRIVATE KEY"),
    )
    .unwrap();
    let out = seal(dir, "liar.pem", "sec1.crt", "liar.cbor");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match"));
}

#[test]
fn a_bundle_named_by_a_bare_file_name_reads_its_files_beside_it() {
    let d = workdir("bare-bundle");
    let label = demo_pki(&d.0, &[]);
    std::fs::write(d.0.join("record.txt"), b"r").unwrap();
    let (sealed, record) = (d.0.join("sealed.cbor"), d.0.join("record.txt"));
    let sealed = seal_by_nor(&d.0, "ES384", &label, &["-o", s(&sealed), s(&record)]);
    assert_eq!(sealed.status.code(), Some(0));
    let out = Command::new(env!("CARGO_BIN_EXE_pouch"))
        .args(["verify", "--trust", "bundle.toml", "sealed.cbor"])
        .current_dir(&d.0)
        .output()
        .unwrap();
    assert_exit(&out, 0);
}
