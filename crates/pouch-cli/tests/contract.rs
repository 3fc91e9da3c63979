//! The command-line contract of docs/cli.md: every documented exit code is produced, with its
//! documented cause, by a case below; every error is one line naming the option or file and
//! the fault; the table of docs/cli.md and `pouch --help` are the exit-class type's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::process::Output;

use pouch_cli::ExitClass;

mod common;
use common::{
    Sealed, check_chain, flip_signature_bit, json_lines, one_line_error, pouch, pouch_stdin,
    pouch_within, s, seal, workdir, write_label,
};

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// Asserts the exit class and a one-line error naming every one of `names`.
fn refused(out: &Output, class: ExitClass, names: &[&str]) {
    assert_eq!(
        code(out),
        Some(i32::from(class.code())),
        "expected {class}: {out:?}"
    );
    let err = one_line_error(out);
    for n in names {
        assert!(err.contains(n), "{n:?} not in {err:?}");
    }
}

#[test]
fn the_exit_code_table_of_the_docs_is_the_exit_class_type() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    let table = doc
        .split("## Exit codes")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .nth(1)
        .unwrap();
    let mut rows = Vec::new();
    for line in table.lines().skip(2) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let code: u8 = cells[1].parse().unwrap();
        rows.push((code, cells[2].to_owned()));
    }
    let mut want: Vec<ExitClass> = ExitClass::ALL.to_vec();
    want.sort_by_key(|c| c.code());
    assert_eq!(
        rows.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        want.iter().map(|c| c.code()).collect::<Vec<_>>(),
        "docs/cli.md lists other exit codes than ExitClass"
    );
    for ((_, meaning), class) in rows.iter().zip(&want) {
        assert!(
            meaning.starts_with(class.meaning()),
            "docs/cli.md: {} should start with {:?}: {meaning}",
            class.code(),
            class.meaning()
        );
    }
}

#[test]
fn help_prints_the_exit_class_table() {
    for args in [&["--help"][..], &["verify", "--help"], &["seal", "--help"]] {
        let out = pouch(args);
        assert_eq!(code(&out), Some(0));
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains(&ExitClass::help_table()), "{args:?}: {help}");
    }
}

/// Each case: what it shows, the class it must end with, and how to run it.
#[test]
fn every_documented_exit_code_has_its_documented_cause() {
    let d = workdir("contract");
    let k = Sealed::new(&d.0);
    let dir = &k.dir;
    let env = s(&k.envelope);
    let bundle = s(&k.bundle);
    let mut seen = BTreeSet::new();
    let mut check = |class: ExitClass, out: Output, names: &[&str]| {
        // Verdicts print reports, not errors: their code is the whole check.
        if names.is_empty() {
            assert_eq!(code(&out), Some(i32::from(class.code())), "{out:?}");
        } else {
            refused(&out, class, names);
        }
        seen.insert(class);
    };

    // 0 and 1: `label check` of a label that breaks no advisory rule, and of one that does.
    check(
        ExitClass::Valid,
        pouch(&["label", "check", s(&k.label)]),
        &[],
    );
    let no_review = dir.join("no-review.json");
    std::fs::write(
        &no_review,
        r#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET"},
        "creationDateTime":"2026-11-28T09:00:00Z"}"#,
    )
    .unwrap();
    check(
        ExitClass::Finding,
        pouch(&["label", "check", s(&no_review)]),
        &[],
    );

    // 2: the command line is wrong.
    check(
        ExitClass::Usage,
        pouch(&["verify", "--at", "yesterday", env]),
        &["--at", "yesterday"],
    );
    check(
        ExitClass::Usage,
        pouch(&["verify", "--at", "99999-01-01T00:00:00Z", env]),
        &["--at", "99999"],
    );
    check(
        ExitClass::Usage,
        k.seal(&["--alg", "ES999", "-o", s(&dir.join("x.cbor")), s(&k.record)]),
        &["--alg", "ES999", "not a registered signature algorithm"],
    );
    for (policy, fault) in [
        ("bogus", "expected all, hybrid or nations"),
        ("nations:1:", "empty nation code"),
        ("nations:0:A", "threshold"),
        ("nations:3:NOR,DNK", "threshold"),
        ("nations:1:NOR,NOR", "twice"),
    ] {
        check(
            ExitClass::Usage,
            pouch(&["verify", "--seal-policy", policy, env]),
            &["--seal-policy", fault],
        );
    }
    check(
        ExitClass::Usage,
        pouch(&["verify", "--recipient", "DNK", env]),
        &["--recipient", "--trust", "trusted"],
    );
    check(
        ExitClass::Usage,
        pouch(&["verify", "--payload", s(&k.record), env]),
        &["--payload", "embeds its payload"],
    );
    check(ExitClass::Usage, pouch(&["verify"]), &["ENVELOPE"]);

    // 3: an input is not what the command expects, whichever command reads it.
    let not_json = dir.join("not-a-label.json");
    std::fs::write(&not_json, b"{\"confidentialityInformation\": 1}").unwrap();
    let out_file = dir.join("never.cbor");
    let never = ["-o", s(&out_file), s(&k.record)];
    let key = k.nor("ES384", ".key.pem");
    let key_cert = k.nor("ES384", ".pem");
    check(
        ExitClass::Malformed,
        seal(&not_json, &key, &key_cert, &never),
        &["not-a-label.json", "label.malformed"],
    );
    let bad_bundle = dir.join("bad-bundle.toml");
    std::fs::write(&bad_bundle, b"format = 1\n[[nation]\n").unwrap();
    check(
        ExitClass::Malformed,
        pouch(&["verify", "--trust", s(&bad_bundle), env]),
        &["bad-bundle.toml", "trust bundle"],
    );
    check(
        ExitClass::Malformed,
        check_chain(&bad_bundle, &key_cert, &[]),
        &["bad-bundle.toml"],
    );
    let bad_key = dir.join("bad.key.pem");
    std::fs::write(
        &bad_key,
        b"-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    for (key, cert, names) in [
        (&bad_key, &key_cert, ["bad.key.pem", "key"]),
        (&key, &k.label, ["label.json", "certificate"]),
    ] {
        check(
            ExitClass::Malformed,
            seal(&k.label, key, cert, &never),
            &names,
        );
    }
    let broken_spif = dir.join("broken.spif.xml");
    std::fs::write(
        &broken_spif,
        b"<spif:SPIF xmlns:spif=\"http://www.xmlspif.org/spif\">",
    )
    .unwrap();
    check(
        ExitClass::Malformed,
        pouch(&["policy", "check", s(&broken_spif)]),
        &["broken.spif.xml"],
    );
    let coalition = dir.join("policies/pouch-demo.spif.xml");
    check(
        ExitClass::Malformed,
        pouch(&[
            "release",
            "--policy",
            s(&coalition),
            "--recipient",
            "DNK",
            "--clearance",
            s(&not_json),
            s(&k.label),
        ]),
        &["not-a-label.json"],
    );
    check(ExitClass::Malformed, pouch(&["verify", s(&k.label)]), &[]);
    assert!(!out_file.exists(), "a failed seal wrote its output");

    // 4: a file that cannot be read.
    check(
        ExitClass::Io,
        pouch(&["verify", s(&dir.join("missing.cbor"))]),
        &["missing.cbor"],
    );

    // 5: a label invalid under the policy given.
    let cosmic = dir.join("cosmic.json");
    write_label(
        &cosmic,
        r#"{"policyIdentifier":"POUCH-DEMO","classification":"COSMIC"}"#,
    );
    check(
        ExitClass::LabelInvalid,
        pouch(&["label", "check", "--policy", s(&coalition), s(&cosmic)]),
        &[],
    );

    // 6: the release denied (Sweden is not on the list).
    let demo_label = dir.join("demo.json");
    write_label(
        &demo_label,
        r#"{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
        "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK"]}]}"#,
    );
    let demo_env = dir.join("demo.cbor");
    let out = seal(
        &demo_label,
        &key,
        &key_cert,
        &["-o", s(&demo_env), s(&k.record)],
    );
    assert_eq!(code(&out), Some(0), "{out:?}");
    check(
        ExitClass::ReleaseDenied,
        pouch(&[
            "verify",
            "--trust",
            bundle,
            "--policy",
            s(&coalition),
            "--recipient",
            "SWE",
            s(&demo_env),
        ]),
        &[],
    );

    // 10: a flipped bit in the signature.
    let flipped = dir.join("flipped.cbor");
    flip_signature_bit(&k.envelope, &flipped);
    check(ExitClass::Seal, pouch(&["verify", s(&flipped)]), &[]);

    // 11: a detached record that changed.
    let det = dir.join("det.cbor");
    let out = k.seal(&["--detached", "-o", s(&det), s(&k.record)]);
    assert_eq!(code(&out), Some(0), "{out:?}");
    let changed = dir.join("changed.txt");
    std::fs::write(&changed, b"the record, changed").unwrap();
    check(
        ExitClass::Payload,
        pouch(&["verify", "--payload", s(&changed), s(&det)]),
        &[],
    );

    // 12: one classical seal under the hybrid policy.
    check(
        ExitClass::SealPolicy,
        pouch(&["verify", "--seal-policy", "hybrid", env]),
        &[],
    );

    // 13: a chain the bundle does not trust (the expired signer).
    check(
        ExitClass::Trust,
        check_chain(&k.bundle, &k.nor("bad-expired", ".pem"), &[]),
        &[],
    );

    let missing: Vec<_> = ExitClass::ALL
        .iter()
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "no case for {missing:?}");
}

#[test]
fn an_embedded_payload_over_the_envelope_limit_is_refused_and_nothing_is_written() {
    let d = workdir("too-large");
    let k = Sealed::new(&d.0);
    let big = d.0.join("big.bin");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(65 << 20).unwrap();
    let out_file = d.0.join("big.cbor");
    let out = k.seal(&["-o", s(&out_file), s(&big)]);
    refused(
        &out,
        ExitClass::Malformed,
        &["envelope limit of 67108864 bytes", "detached"],
    );
    assert!(!out_file.exists(), "a refused seal left {out_file:?}");
    let leftovers: Vec<_> = std::fs::read_dir(&d.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The same record sealed detached is fine.
    let out = k.seal(&["--detached", "-o", s(&out_file), s(&big)]);
    assert_eq!(code(&out), Some(0), "{out:?}");
    assert!(std::fs::metadata(&out_file).unwrap().len() < 1 << 20);
}

#[test]
fn a_failed_seal_leaves_an_existing_output_untouched() {
    let d = workdir("keep-output");
    let k = Sealed::new(&d.0);
    let before = std::fs::read(&k.envelope).unwrap();
    let out = k.seal(&["--alg", "ML-DSA-65", "-o", s(&k.envelope), s(&k.record)]);
    assert_eq!(
        code(&out),
        Some(3),
        "an ES384 key is no ML-DSA-65 key: {out:?}"
    );
    assert_eq!(std::fs::read(&k.envelope).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_verified_directory_is_reported_unread_not_waited_on() {
    let d = workdir("fifo");
    let k = Sealed::new(&d.0);
    let inbox = d.0.join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(&k.envelope, inbox.join("a.cbor")).unwrap();
    let fifo = inbox.join("b.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = pouch_within(&["verify", "--json", s(&inbox)], 60)
        .expect("pouch verify waited on the FIFO");
    assert_eq!(code(&out), Some(i32::from(ExitClass::Io.code())), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["exit"], 0);
    assert_eq!(lines[1]["exit"], 4);
    assert!(
        lines[1]["error"].as_str().unwrap().contains("FIFO"),
        "{}",
        lines[1]
    );
}

#[test]
fn one_parser_per_option_accepts_what_the_docs_show() {
    let d = workdir("parsers");
    let k = Sealed::new(&d.0);
    let env = s(&k.envelope);
    for (args, want) in [
        (&["--at", "2026-12-01T10:00:00+01:00"][..], 0),
        (&["--seal-policy", "all"], 0),
        (&["--seal-policy", "nations:1:NO, SE"], 0),
        (&["--seal-policy", "nations:2:NO,SE"], 12),
    ] {
        let mut a = vec!["verify"];
        a.extend_from_slice(args);
        a.push(env);
        let out = pouch(&a);
        assert_eq!(code(&out), Some(want), "{args:?}: {out:?}");
    }
    for (role, digest) in [("releasing-authority", "sha384"), ("endorser", "SHA-256")] {
        let out_file = d.0.join(format!("{role}.cbor"));
        let out = k.seal(&[
            "--detached",
            "--role",
            role,
            "--digest",
            digest,
            "--alg",
            "es384",
            "-o",
            s(&out_file),
            s(&k.record),
        ]);
        assert_eq!(code(&out), Some(0), "{out:?}");
    }
    let out = pouch_stdin(&["seal", "--role", "king"], b"");
    refused(&out, ExitClass::Usage, &["--role", "king"]);
}

/// A seal whose signer's certificate has expired since it signed: accepted with a warning by
/// default, refused in the strict mode (spec/04-trust.md POUCH-TRUST-022), which needs --trust.
#[test]
fn require_current_validity_refuses_a_seal_whose_signer_has_since_expired() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/envelopes");
    let env = root.join("env-alg-es384/envelope.cbor");
    // Revocation best-effort, so that the CRLs' own expiry does not decide the case.
    let bundle = root.join("pki/bundle-no-crls.toml");
    // The vector PKI's signer certificates end on 2028-11-27.
    let after = "2029-01-01T00:00:00Z";
    let base = [
        "verify",
        "--json",
        "--trust",
        s(&bundle),
        "--at",
        after,
        s(&env),
    ];
    let lax = pouch(&base);
    assert_eq!(
        code(&lax),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lax.stdout)
    );
    assert!(String::from_utf8_lossy(&lax.stdout).contains("trust.not-valid-at-verification"));
    let mut strict_args = base.to_vec();
    strict_args.insert(1, "--require-current-validity");
    let strict = pouch(&strict_args);
    assert_eq!(code(&strict), Some(i32::from(ExitClass::Trust.code())));
    assert!(String::from_utf8_lossy(&strict.stdout).contains("trust.current-validity-required"));
    let no_trust = pouch(&["verify", "--require-current-validity", s(&env)]);
    assert_eq!(code(&no_trust), Some(i32::from(ExitClass::Usage.code())));
}

/// A bundle whose nation folders are symbolic links leaving the bundle's directory is refused
/// as malformed (POUCH-TRUST-061): the command line loads bundles through the trust crate's
/// one loader, not a resolver of its own.
#[cfg(unix)]
#[test]
fn a_bundle_reaching_outside_its_directory_through_a_link_is_refused() {
    let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/envelopes")
        .canonicalize()
        .unwrap();
    let dir = workdir("bundle-link");
    let bundle = dir.0.join("bundle.toml");
    std::fs::copy(vectors.join("pki/bundle-no-crls.toml"), &bundle).unwrap();
    for nation in ["NOR", "DNK", "NLD"] {
        std::os::unix::fs::symlink(vectors.join("pki").join(nation), dir.0.join(nation)).unwrap();
    }
    let env = vectors.join("env-alg-es384/envelope.cbor");
    let out = pouch(&["verify", "--trust", s(&bundle), s(&env)]);
    refused(
        &out,
        ExitClass::Malformed,
        &["outside the bundle's directory"],
    );
}
