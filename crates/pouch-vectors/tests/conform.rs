//! The conformance runner against the reference adapter: every vector passes or is a
//! listed known divergence; and the runner does notice a wrong report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

use pouch_vectors::Manifest;
use pouch_vectors::conform::{self, Adapter, VectorResult, Verdict};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn adapter() -> Adapter {
    Adapter::parse(env!("CARGO_BIN_EXE_pouch-conformance-adapter")).unwrap()
}

fn adapter_tag(a: &Adapter) -> String {
    format!("{a:?}")
        .bytes()
        .map(u32::from)
        .sum::<u32>()
        .to_string()
}

fn manifest_path() -> PathBuf {
    root().join("test-vectors/envelopes/manifest.toml")
}

fn exceptions() -> Vec<conform::Exception> {
    conform::load_exceptions(&root().join("conformance/exceptions/reference-adapter.toml")).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pouch-vectors-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An adapter that runs `script` (written as `dir/adapter.sh`) with `sh`.
fn script_adapter(dir: &Path, script: &str) -> Adapter {
    let path = dir.join("adapter.sh");
    std::fs::write(&path, script).unwrap();
    Adapter::parse(&format!("sh {}", path.display())).unwrap()
}

/// An adapter that claims what the real adapter claims and runs `body(real)` for every
/// other call, `real` being the real adapter's path.
fn wrapping_adapter(dir: &Path, body: impl FnOnce(&str) -> String) -> Adapter {
    let real = env!("CARGO_BIN_EXE_pouch-conformance-adapter");
    script_adapter(
        dir,
        &format!(
            "#!/bin/sh\nif [ \"$1\" = features ]; then exec {real} features; fi\n{}",
            body(real)
        ),
    )
}

/// Writes `m` as `dir/manifest.toml`, its path returned.
fn write_manifest(dir: &Path, m: &Manifest) -> PathBuf {
    let path = dir.join("manifest.toml");
    std::fs::write(&path, toml::to_string(m).unwrap()).unwrap();
    path
}

/// The differences of a vector the runner must have failed.
fn differences(v: &VectorResult) -> &[String] {
    match &v.verdict {
        Verdict::Fail { differences } => differences,
        other => panic!("{}: expected a failure, got {other:?}", v.id),
    }
}

#[test]
fn the_reference_adapter_passes_every_vector_or_a_listed_divergence() {
    check_reference(&adapter());
}

/// The same run with the pure-Rust provider behind the adapter, so the backends cannot
/// silently diverge on the vectors.
#[test]
fn the_reference_adapter_on_rustcrypto_agrees() {
    let cmd = format!(
        "env POUCH_ADAPTER_PROVIDER=rustcrypto {}",
        env!("CARGO_BIN_EXE_pouch-conformance-adapter")
    );
    check_reference(&Adapter::parse(&cmd).unwrap());
}

fn check_reference(adapter: &Adapter) {
    let results = conform::run(adapter, &manifest_path(), &exceptions()).unwrap();
    let out = temp(&format!("results-{}", adapter_tag(adapter)));
    conform::write_results(&results, &out).unwrap();
    let md = std::fs::read_to_string(out.join("results.md")).unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    let failed: Vec<_> = results
        .vectors
        .iter()
        .filter(|v| matches!(v.verdict, Verdict::Fail { .. }))
        .collect();
    assert!(failed.is_empty(), "unexplained failures: {failed:#?}");
    let tally = results.tally();
    println!("reference adapter: {tally:?}");
    assert_eq!(
        tally["Skip"], 0,
        "the reference adapter claims every feature the vectors use"
    );
    // The file also lists the malformed corpus's divergences (tests/malformed.rs).
    assert_eq!(
        tally["KnownDivergence"],
        exceptions()
            .iter()
            .filter(|e| !e.id.starts_with(conform::MALFORMED_PREFIX))
            .count()
    );
    assert_eq!(
        json["vectors"].as_array().unwrap().len(),
        results.vectors.len()
    );
    assert!(md.contains("| env-alg-es256 | Pass |"));
    assert_eq!(results.requirements["POUCH-ENV-031"].status, "Pass");
}

/// A manifest with one expected code changed: the runner must report that vector as a
/// failure and leave the rest alone.
#[test]
fn a_wrong_expectation_is_a_failure() {
    let mut m = vectors(&["env-alg-es384", "env-tampered-payload"]);
    for v in &mut m.vector {
        if v.id == "env-tampered-payload" {
            v.expect.seals[0].codes = vec!["seal.signature-valid".into()];
        }
    }
    let out = temp("wrong");
    let path = write_manifest(&out, &m);
    let results = conform::run(&adapter(), &path, &[]).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(results.vectors[0].verdict, Verdict::Pass);
    let differences = differences(&results.vectors[1]);
    assert!(
        differences.iter().any(|d| d.contains("seals[0].codes")),
        "{differences:?}"
    );
}

/// An adapter that claims nothing skips every vector that needs a feature.
#[test]
fn unclaimed_features_are_skipped() {
    let dir = temp("nothing");
    let nothing = script_adapter(&dir, "#!/bin/sh\necho '[]'\n");
    let results = conform::run(&nothing, &manifest_path(), &[]).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        results
            .vectors
            .iter()
            .all(|v| matches!(v.verdict, Verdict::Skip { .. }))
    );
}

/// POUCH-CNF-050: a report whose codes are right but whose shape is not the CDDL's (here a
/// member `verdict` the CDDL does not name) fails, naming the schema.
#[test]
fn a_report_with_a_member_the_cddl_does_not_name_fails() {
    let dir = temp("shape");
    // Adds one member to the real report.
    let adds_a_member = wrapping_adapter(&dir, |real| {
        format!(
            "out=$({real} \"$@\"); code=$?\nprintf '%s' \"$out\" | sed 's/^{{/{{\"verdict\":\"ok\",/'\nexit $code\n"
        )
    });
    let m = vectors(&["env-alg-es384"]);
    let path = write_manifest(&dir, &m);
    let results = conform::run(&adds_a_member, &path, &[]).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let differences = differences(&results.vectors[0]);
    assert!(
        differences
            .iter()
            .any(|d| d.contains("report.cddl") && d.contains("verdict")),
        "{differences:?}"
    );
}

/// The vectors of the manifest whose ids are in `ids`, in manifest order, made absolute (so
/// the manifest can be written anywhere).
fn vectors(ids: &[&str]) -> Manifest {
    let mut m = Manifest::load(&manifest_path()).unwrap();
    m.vector.retain(|v| ids.contains(&v.id.as_str()));
    absolute(&mut m);
    m
}

/// `m`'s vectors with every input path made absolute against the envelope vectors' folder,
/// so the manifest can be written anywhere.
fn absolute(m: &mut Manifest) {
    let dir = root().join("test-vectors/envelopes");
    let abs = |p: &String| dir.join(p).display().to_string();
    for v in &mut m.vector {
        let i = &mut v.inputs;
        i.envelope = abs(&i.envelope);
        for p in [
            &mut i.payload,
            &mut i.trust,
            &mut i.key,
            &mut i.cert,
            &mut i.clearance,
        ] {
            *p = p.as_ref().map(abs);
        }
        i.policies = i.policies.iter().map(abs).collect();
        v.expect.plaintext = v.expect.plaintext.as_ref().map(abs);
    }
}

/// POUCH-CNF-016: for `open` the runner compares the decrypt stage and the plaintext file, so
/// a wrong decrypt code, a wrong plaintext and a plaintext left after a failed decryption
/// are each a failure.
#[test]
fn an_open_vector_checks_the_decrypt_stage_and_the_plaintext_file() {
    let m = vectors(&["enc-xwing-embedded-open", "enc-open-truncated"]);
    assert_eq!(m.vector.len(), 2);
    let dir = temp("open");
    let path = write_manifest(&dir, &m);
    let honest = conform::run(&adapter(), &path, &[]).unwrap();
    assert!(
        honest.vectors.iter().all(|v| v.verdict == Verdict::Pass),
        "{:?}",
        honest.vectors
    );
    // A wrong expected code and a wrong expected plaintext.
    let mut wrong = m.clone();
    wrong.vector[0].expect.plaintext = Some(wrong.vector[0].inputs.envelope.clone());
    wrong.vector[1].expect.decrypt = Some(vec!["decrypt.chunk-invalid".into()]);
    write_manifest(&dir, &wrong);
    let results = conform::run(&adapter(), &path, &[]).unwrap();
    for (v, needle) in results.vectors.iter().zip(["plaintext:", "decrypt:"]) {
        let differences = differences(v);
        assert!(
            differences.iter().any(|d| d.starts_with(needle)),
            "{}: {differences:?}",
            v.id
        );
    }
    // An adapter that leaves an output file although decryption failed.
    let leaks = wrapping_adapter(&dir, |real| {
        format!(
            "{real} \"$@\"; code=$?\nprev=\"\"; for a in \"$@\"; do if [ \"$prev\" = --out ]; then printf leak > \"$a\"; fi; prev=\"$a\"; done\nexit $code\n"
        )
    });
    write_manifest(&dir, &m);
    let results = conform::run(&leaks, &path, &[]).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        results.vectors[0].verdict,
        Verdict::Fail {
            differences: vec![
                "plaintext: 4 bytes written, not the 10000 bytes of ".to_owned()
                    + m.vector[0].expect.plaintext.as_deref().unwrap()
            ],
        }
    );
    let differences = differences(&results.vectors[1]);
    assert!(
        differences
            .iter()
            .any(|d| d.contains("although decryption must fail")),
        "{differences:?}"
    );
}

/// POUCH-CNF-016: an encryption certificate that does not chain to the bundle stops `open`
/// before any report: nothing on standard output, a reason on standard error, exit 13; and
/// no output file.
#[test]
fn open_with_an_untrusted_certificate_exits_13_without_a_report() {
    let dir = root().join("test-vectors/envelopes");
    let out = temp("untrusted-open").join("plaintext");
    let p = |rel: &str| dir.join(rel).display().to_string();
    let args: Vec<String> = [
        "open",
        "--envelope",
        &p("enc-mlkem1024-embedded-open/envelope.cbor"),
        "--key",
        &p("pki/encryption/NOR-HPKE-MLKEM1024-KE.key.pem"),
        "--cert",
        &p("pki/encryption/NOR-HPKE-MLKEM1024-KE.pem"),
        // Norway anchored elsewhere: the encryption certificate has no path.
        "--trust",
        &p("pki/bundle-anchor-constrained.toml"),
        "--at",
        "2026-11-28T11:00:00Z",
        "--policy",
        &p("policies/pouch-demo.spif.xml"),
        "--out",
        &out.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let o = pouch_vectors::adapter::run(&args);
    assert_eq!(o.status, 13, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    assert!(o.stderr.contains("not trusted") && !o.stderr.contains('\n'));
    assert!(!out.exists());
    // The same call with the demo bundle opens.
    let mut args = args;
    args[8] = p("pki/bundle.toml");
    let o = pouch_vectors::adapter::run(&args);
    assert_eq!(o.status, 0, "{}", o.stderr);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(dir.join("enc-mlkem1024-embedded-open/plaintext.bin")).unwrap()
    );
    let _ = std::fs::remove_dir_all(out.parent().unwrap());
}
