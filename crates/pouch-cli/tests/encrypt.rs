//! `pouch seal --encrypt-to` and `pouch open` end to end (spec/10-encryption.md): a nation
//! whose release is denied is refused with exit 6 and nothing written; forcing records it;
//! a gateway verifies the encrypted envelope without a key; the recipient opens it, and a
//! changed ciphertext or an unreleased nation leaves no output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
use common::{assert_exit, pouch, s, seal, workdir};

use pouch::encryption::{RecipientAlg, cert, derive_keypair};
use pouch_testkit::{Profile, Validity, demo_pki};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn pem(label: &str, der: &[u8]) -> String {
    pouch_trust::pem::encode(label, der)
}

#[test]
fn encrypt_to_released_nations_gateway_verifies_recipient_opens() {
    let d = workdir("encrypt");
    let dir = &d.0;
    let provider = pouch_crypto_awslc::provider();
    let t = now();
    let pki = demo_pki(provider, Some(11), t).unwrap();
    let bundle = pki.write(dir).unwrap();
    // Encryption certificates for Denmark (X-Wing) and the Netherlands (P-384).
    for (code, alg) in [("DNK", RecipientAlg::XWing), ("NLD", RecipientAlg::P384)] {
        let n = pki.coalition.nation(code).unwrap();
        let (sk, pk) = derive_keypair(alg, code.as_bytes());
        let c = n
            .issue_encryption(
                provider,
                cert::spki_der(&pk).unwrap(),
                alg.name(),
                Validity::new(t - 3600, t + 86_400).unwrap(),
                Profile::Encryption {
                    key_agreement: alg == RecipientAlg::P384,
                },
            )
            .unwrap();
        let chain =
            pem("CERTIFICATE", c.der()) + &pem("CERTIFICATE", n.intermediate.certificate.der());
        std::fs::write(dir.join(format!("{code}-enc.pem")), chain).unwrap();
        std::fs::write(
            dir.join(format!("{code}-enc.key.pem")),
            pem("PRIVATE KEY", &cert::private_key_pkcs8(&sk).unwrap()),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("demo.spif.xml"),
        pouch_policy::demo::COALITION_SPIF,
    )
    .unwrap();
    std::fs::write(
        dir.join("label.json"),
        br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
          "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK"]}]},
          "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#,
    )
    .unwrap();
    let record = b"a record for Denmark only".repeat(1000);
    std::fs::write(dir.join("record.txt"), &record).unwrap();
    let p = |f: &str| dir.join(f);
    let (bundle, spif) = (s(&bundle).to_owned(), s(&p("demo.spif.xml")).to_owned());
    let (label, key, chain, rec) = (
        p("label.json"),
        p("NOR/signer-ES384.key.pem"),
        p("NOR/signer-ES384.pem"),
        p("record.txt"),
    );
    let seal = |to: &str, extra: &[&str], out: &str| {
        let mut args = vec!["--encrypt-to", to, "--recipient-cert"];
        let dnk = format!("DNK={}", s(&p("DNK-enc.pem")));
        let nld = format!("NLD={}", s(&p("NLD-enc.pem")));
        let outp = p(out);
        args.extend([dnk.as_str(), "--recipient-cert", nld.as_str()]);
        args.extend(["--trust", &bundle, "--policy", &spif]);
        args.extend(extra);
        args.extend(["-o", s(&outp), s(&rec)]);
        seal(&label, &key, &chain, &args)
    };
    // The Netherlands is not released to: exit 6, with the reason, nothing written.
    let refused = seal("DNK,NLD", &[], "refused.cbor");
    assert_exit(&refused, 6);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("release."));
    assert!(!p("refused.cbor").exists());
    // Forced: sealed, and the forced nation is recorded.
    let forced = seal("DNK,NLD", &["--force-release", "NLD"], "forced.cbor");
    assert_exit(&forced, 0);
    // Denmark only.
    let ok = seal("DNK", &[], "env.cbor");
    assert_exit(&ok, 0);
    let env = s(&p("env.cbor")).to_owned();
    // inspect shows the forced nation (sealed) apart from the recipients (not sealed).
    let i = pouch(&["inspect", "--json", s(&p("forced.cbor"))]);
    assert_eq!(i.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&i.stdout).unwrap();
    assert_eq!(
        doc["encryption"]["forcedRelease"],
        serde_json::json!(["NLD"])
    );
    assert_eq!(
        doc["encryption"]["recipientsNotSealed"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The gateway: no key, verifies and decides release.
    let verify = |env: &str, extra: &[&str], recipient: &str| {
        let mut args = vec!["verify", env];
        args.extend(extra);
        args.extend([
            "--trust",
            &bundle,
            "--policy",
            &spif,
            "--recipient",
            recipient,
        ]);
        pouch(&args)
    };
    assert_eq!(verify(&env, &[], "DNK").status.code(), Some(0));
    assert_eq!(verify(&env, &[], "NLD").status.code(), Some(6));
    // `who`'s encryption key and certificate open `env` into `out`.
    let open_with = |env: &str, extra: &[&str], who: &str, out: &str| {
        let key = p(&format!("{who}-enc.key.pem"));
        let cert = p(&format!("{who}-enc.pem"));
        let outp = p(out);
        let mut args = vec!["open", env];
        args.extend(extra);
        args.extend(["--key", s(&key), "--cert", s(&cert)]);
        args.extend(["--trust", &bundle, "--policy", &spif, "-o", s(&outp)]);
        pouch(&args)
    };
    let open = |env: &str, who: &str, out: &str| open_with(env, &[], who, out);
    // Denmark opens.
    let o = open(&env, "DNK", "plain.txt");
    assert_exit(&o, 0);
    assert_eq!(std::fs::read(p("plain.txt")).unwrap(), record);
    // The Netherlands on the forced envelope: verification passes, release to NLD is
    // denied, so nothing is decrypted or written.
    let o = open(s(&p("forced.cbor")), "NLD", "nld.txt");
    assert_eq!(o.status.code(), Some(6));
    assert!(!p("nld.txt").exists());
    // The same with the Dutch P-384 key as `openssl ec` writes it (SEC 1, EC PRIVATE KEY):
    // the key loads (a key that did not would exit 3) and release is what refuses.
    let sec1 = std::process::Command::new("openssl")
        .args([
            "ec",
            "-in",
            s(&p("NLD-enc.key.pem")),
            "-out",
            s(&p("NLD-sec1-enc.key.pem")),
        ])
        .output()
        .expect("the openssl command (apt-get install openssl)");
    assert!(
        sec1.status.success(),
        "{}",
        String::from_utf8_lossy(&sec1.stderr)
    );
    assert!(
        std::fs::read_to_string(p("NLD-sec1-enc.key.pem"))
            .unwrap()
            .contains("BEGIN EC PRIVATE KEY")
    );
    std::fs::copy(p("NLD-enc.pem"), p("NLD-sec1-enc.pem")).unwrap();
    let o = open(s(&p("forced.cbor")), "NLD-sec1", "nld.txt");
    assert_exit(&o, 6);
    // Detached: the ciphertext beside the envelope, verified by its digest, opened in place.
    let ct = p("record.ct");
    let det = seal("DNK", &["--detached", "--ciphertext", s(&ct)], "det.cbor");
    assert_exit(&det, 0);
    let det_env = s(&p("det.cbor")).to_owned();
    let vd = verify(&det_env, &["--payload", s(&ct)], "DNK");
    assert_exit(&vd, 0);
    let open_detached =
        |ct: &std::path::Path, out: &str| open_with(&det_env, &["--ciphertext", s(ct)], "DNK", out);
    let o = open_detached(&ct, "det.txt");
    assert_exit(&o, 0);
    assert_eq!(std::fs::read(p("det.txt")).unwrap(), record);
    // A truncated ciphertext: the digest fails verification (exit 11), nothing written.
    let full = std::fs::read(&ct).unwrap();
    std::fs::write(p("short.ct"), &full[..full.len() - 100]).unwrap();
    let o = open_detached(&p("short.ct"), "short.txt");
    assert_eq!(o.status.code(), Some(11));
    assert!(!p("short.txt").exists());
    // A changed ciphertext byte: the seal fails first; nothing written.
    let mut bytes = std::fs::read(&env).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(p("bad.cbor"), &bytes).unwrap();
    let o = open(s(&p("bad.cbor")), "DNK", "bad.txt");
    assert_ne!(o.status.code(), Some(0));
    assert!(!p("bad.txt").exists());
}
