//! `pouch pki demo`, `seal`, `endorse`, `verify`, `inspect`, `pki check-chain` end to end,
//! with their exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::process::Output;

mod common;
use common::{
    assert_exit, check_chain, codes, demo_pki, flip_signature_bit, nor, pouch, s, seal_by_nor,
    workdir, write_label,
};

/// `pouch endorse` by Norway's `alg` signer of the demo coalition in `dir`, then `rest`.
fn endorse_by_nor(dir: &Path, alg: &str, rest: &[&str]) -> Output {
    let key = nor(dir, alg, ".key.pem");
    let cert = nor(dir, alg, ".pem");
    let mut args = vec!["endorse", "--key", s(&key), "--cert", s(&cert)];
    args.extend_from_slice(rest);
    pouch(&args)
}

#[test]
fn pki_demo_is_deterministic_with_a_seed() {
    let a = workdir("seed-a");
    let b = workdir("seed-b");
    for d in [&a, &b] {
        assert_exit(&pouch(&["pki", "demo", "--out", s(&d.0), "--seed", "7"]), 0);
    }
    for f in [
        "bundle.toml",
        "NOR/root.pem",
        "NOR/signer-ES384.pem",
        "NOR/signer-ML-DSA-65.key.pem",
        "DNK/intermediate.crl",
        "NOR/signer-bad-revoked.pem",
    ] {
        let x = std::fs::read(a.0.join(f)).unwrap();
        let y = std::fs::read(b.0.join(f)).unwrap();
        assert_eq!(x, y, "{f} differs between two runs with the same seed");
    }
}

#[test]
fn seal_endorse_verify_inspect_with_trust() {
    let d = workdir("flow");
    let dir = &d.0;
    let label = demo_pki(dir, &[]);
    let record = dir.join("record.txt");
    std::fs::write(&record, b"the record").unwrap();
    let env = dir.join("env.cbor");
    let out = seal_by_nor(dir, "ES384", &label, &["-o", s(&env), s(&record)]);
    assert_exit(&out, 0);
    let two = dir.join("two.cbor");
    let out = endorse_by_nor(
        dir,
        "ML-DSA-65",
        &["--role", "originator", "-o", s(&two), s(&env)],
    );
    assert_exit(&out, 0);
    let bundle = dir.join("bundle.toml");

    let out = pouch(&[
        "verify",
        "--trust",
        s(&bundle),
        "--seal-policy",
        "hybrid",
        "--json",
        s(&two),
    ]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["seals"][1]["algorithm"], "ML-DSA-65");
    assert_eq!(report["seals"][0]["nation"], "NOR");
    assert_eq!(report["seal_policy"][0]["code"], "seal-policy.satisfied");

    // The revoked signer: signatures valid, signer untrusted, exit 13.
    let three = dir.join("three.cbor");
    let out = endorse_by_nor(dir, "bad-revoked", &["-o", s(&three), s(&two)]);
    assert_exit(&out, 0);
    let out = pouch(&["verify", "--trust", s(&bundle), s(&three)]);
    assert_exit(&out, 13);
    assert!(String::from_utf8_lossy(&out.stdout).contains("trust.revoked"));
    // Without trust, the same envelope is valid: signatures only.
    assert_eq!(pouch(&["verify", s(&three)]).status.code(), Some(0));

    let out = pouch(&["inspect", "--json", s(&two)]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["marking"], "SECRET");
    assert_eq!(doc["seals"].as_array().unwrap().len(), 2);

    // A flipped byte in the signature: exit 10.
    let bad = dir.join("bad.cbor");
    flip_signature_bit(&env, &bad);
    assert_eq!(pouch(&["verify", s(&bad)]).status.code(), Some(10));
    // Not CBOR at all: exit 3.
    assert_eq!(pouch(&["verify", s(&label)]).status.code(), Some(3));
    // Hybrid policy on a single classical seal: exit 12.
    assert_exit(&pouch(&["verify", "--seal-policy", "hybrid", s(&env)]), 12);

    // Detached: digest mismatch exits 11.
    let det = dir.join("det.cbor");
    let out = seal_by_nor(
        dir,
        "EdDSA",
        &label,
        &[
            "--detached",
            "--digest",
            "sha384",
            "-o",
            s(&det),
            s(&record),
        ],
    );
    assert_exit(&out, 0);
    assert_exit(&pouch(&["verify", "--payload", s(&record), s(&det)]), 0);
    std::fs::write(&record, b"the record, changed").unwrap();
    assert_exit(&pouch(&["verify", "--payload", s(&record), s(&det)]), 11);

    // check-chain: a good chain and the expired signer.
    let out = check_chain(&bundle, &nor(dir, "ES384", ".pem"), &["--json"]);
    assert_exit(&out, 0);
    let out = check_chain(&bundle, &nor(dir, "bad-expired", ".pem"), &[]);
    assert_eq!(out.status.code(), Some(13));
    assert!(String::from_utf8_lossy(&out.stdout).contains("trust.not-valid-at-signing"));
}

#[test]
fn a_bundle_naming_a_missing_file_names_file_and_entry() {
    let d = workdir("badbundle");
    let bundle = d.0.join("bundle.toml");
    std::fs::write(&bundle, "format = 1\n[[nation]]\ncode = \"NOR\"\ncountry = \"NO\"\nanchors = [\"missing/root.pem\"]\n").unwrap();
    let out = check_chain(&bundle, &bundle, &[]);
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing/root.pem") && err.contains("nation NOR, anchors[0]"),
        "{err}"
    );
}

#[test]
fn verify_with_policies_and_a_recipient_adds_the_label_and_release_stages() {
    let d = workdir("policy");
    let dir = &d.0;
    // Certificates valid from now: `seal` signs at the present time.
    assert_exit(&pouch(&["pki", "demo", "--out", s(dir)]), 0);
    let coalition = dir.join("policies/pouch-demo.spif.xml");
    let national = dir.join("policies/nor-demo.spif.xml");
    let label = dir.join("label.json");
    write_label(
        &label,
        r#"{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
        "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION","FIN"]}]}"#,
    );
    let record = dir.join("record.txt");
    std::fs::write(&record, b"the record").unwrap();
    // Each envelope: the record sealed under one label by Norway's ES384 signer.
    let seal = |label: &Path, env: &Path| {
        let out = seal_by_nor(dir, "ES384", label, &["-o", s(env), s(&record)]);
        assert_exit(&out, 0);
    };
    let env = dir.join("env.cbor");
    seal(&label, &env);
    let bundle = dir.join("bundle.toml");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust", s(&bundle), "--json"];
        args.extend_from_slice(extra);
        args.push(s(&env));
        pouch(&args)
    };
    let out = verify(&["--policy", s(&coalition), "--recipient", "DNK"]);
    assert_exit(&out, 0);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["policy"][0]["codes"][0]["code"], "policy.label-valid");
    assert_eq!(r["release"]["label"], "originator");
    // Sweden is not on the list: the envelope is valid, the release denied: exit 6.
    let out = verify(&["--policy", s(&coalition), "--recipient", "SWE"]);
    assert_eq!(out.status.code(), Some(6));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        codes(&r["release"]["codes"]),
        ["release.not-releasable-to", "release.denied"]
    );
    // A restrictive value needs a clearance that holds it.
    let crypto = dir.join("crypto.json");
    write_label(
        &crypto,
        r#"{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
        "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK"]},
        {"tagName":"Special Handling","type":"RESTRICTIVE","values":["CRYPTO"]}]}"#,
    );
    let env3 = dir.join("env3.cbor");
    seal(&crypto, &env3);
    let cleared = dir.join("cleared.json");
    std::fs::write(
        &cleared,
        r#"{"policy":"POUCH-DEMO","classifications":["SECRET"],
        "categories":[{"tagName":"Special Handling","type":"RESTRICTIVE","values":["CRYPTO"]}]}"#,
    )
    .unwrap();
    let bare = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust", s(&bundle), "--policy", s(&coalition)];
        args.extend_from_slice(extra);
        args.push(s(&env3));
        pouch(&args)
    };
    assert_eq!(bare(&["--recipient", "DNK"]).status.code(), Some(6));
    let out = bare(&["--recipient", "DNK", "--clearance", s(&cleared)]);
    assert_exit(&out, 0);
    let out = bare(&["--recipient", "DNK", "--clearance", s(&label)]);
    assert_eq!(out.status.code(), Some(3), "a label is not a clearance");

    // Only the national policy, and no alternative label in the envelope: no label decides.
    let out = verify(&["--policy", s(&national), "--recipient", "FIN"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&out.stdout).contains("release.no-label"));
    // A label invalid under the policy: exit 5 (the NATO-identified label names no policy
    // given, so it is the unknown classification under a policy that names it).
    let bad = dir.join("bad.json");
    write_label(
        &bad,
        r#"{"policyIdentifier":"POUCH-DEMO","classification":"COSMIC"}"#,
    );
    let env2 = dir.join("env2.cbor");
    seal(&bad, &env2);
    let out = pouch(&["verify", "--policy", s(&coalition), "--json", s(&env2)]);
    assert_exit(&out, 5);
    assert!(String::from_utf8_lossy(&out.stdout).contains("policy.classification-unknown"));
    // A SPIF that does not load: exit 3, naming it.
    let broken = dir.join("broken.spif.xml");
    std::fs::write(
        &broken,
        b"<spif:SPIF xmlns:spif=\"http://www.xmlspif.org/spif\">",
    )
    .unwrap();
    let out = verify(&["--policy", s(&broken)]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.spif.xml"));
}
