//! `pouch verify` over many envelopes: directories, CBOR sequences and standard input, in
//! parallel, reported in input order with the worst verdict as the exit code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

mod common;
use common::{demo_pki, json_lines, pouch, pouch_stdin, s, seal_by_nor, workdir};

/// Seals `n` records with Norway's ES384 demo signer; returns the envelopes' bytes.
fn envelopes(dir: &Path, n: usize) -> Vec<Vec<u8>> {
    let label = demo_pki(dir, &["--seed", "3"]);
    (0..n)
        .map(|i| {
            let record = dir.join(format!("record-{i}.txt"));
            std::fs::write(&record, format!("record number {i}")).unwrap();
            let env = dir.join(format!("sealed-{i}.cbor"));
            let out = seal_by_nor(dir, "ES384", &label, &["-o", s(&env), s(&record)]);
            assert_eq!(out.status.code(), Some(0));
            std::fs::read(&env).unwrap()
        })
        .collect()
}

/// Flips one bit inside the embedded record (the last byte before the seal array is part
/// of the payload in these small envelopes; locate the record text to be sure).
fn tamper(env: &[u8]) -> Vec<u8> {
    let at = env
        .windows(6)
        .position(|w| w == b"record")
        .expect("record text inside the envelope");
    let mut t = env.to_vec();
    t[at] ^= 0x01;
    t
}

/// Writes `items` one after the other to `batch.cborseq` in `dir`: a CBOR-sequence file.
fn cborseq(dir: &Path, items: &[Vec<u8>]) -> PathBuf {
    let f = dir.join("batch.cborseq");
    std::fs::write(&f, items.concat()).unwrap();
    f
}

#[test]
fn a_directory_is_verified_in_name_order_with_the_worst_exit_code() {
    let d = workdir("dir");
    let envs = envelopes(&d.0, 12);
    let inbox = d.0.join("inbox");
    std::fs::create_dir_all(inbox.join("sub")).unwrap();
    for (i, e) in envs.iter().enumerate() {
        let bytes = if i == 7 { tamper(e) } else { e.clone() };
        std::fs::write(inbox.join(format!("m{i:02}.cbor")), bytes).unwrap();
    }
    std::fs::write(inbox.join("sub/z.cbor"), b"\x01\x02 not an envelope").unwrap();
    let out = pouch(&["verify", "--jobs", "2", "--json", s(&inbox)]);
    let lines = json_lines(&out);
    let names: Vec<String> = lines
        .iter()
        .map(|l| {
            Path::new(l["input"].as_str().unwrap())
                .strip_prefix(&inbox)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    let mut want: Vec<String> = (0..12).map(|i| format!("m{i:02}.cbor")).collect();
    want.push("sub/z.cbor".into());
    assert_eq!(names, want, "input order");
    for (i, l) in lines.iter().enumerate().take(12) {
        assert_eq!(l["valid"], i != 7, "{l}");
    }
    assert_eq!(lines[7]["exit"], 10, "the tampered record fails its seal");
    assert_eq!(lines[12]["exit"], 3, "the non-envelope is malformed");
    assert_eq!(out.status.code(), Some(3), "malformed is the worst verdict");

    // The table form: one line per envelope and a summary.
    let out = pouch(&["verify", "--jobs", "2", s(&inbox)]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("VALID ")).count(), 11);
    assert!(text.contains("13 envelopes in"), "{text}");
    assert!(text.contains("seal failed"), "{text}");
}

#[test]
fn a_cbor_sequence_on_stdin_is_framed_item_by_item() {
    let d = workdir("seq");
    let envs = envelopes(&d.0, 3);
    let mut stream = Vec::new();
    for e in &envs {
        stream.extend_from_slice(e);
    }
    // A non-deterministic but well-formed item is still one item: framed, then refused.
    stream.extend_from_slice(&[0x18, 0x05]);
    stream.extend_from_slice(&envs[0]);
    // A truncated tail.
    stream.extend_from_slice(&envs[1][..40]);
    let out = pouch_stdin(&["verify", "--seq", "--json", "-"], &stream);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 6, "{lines:?}");
    let mut offset = 0u64;
    for (i, e) in envs.iter().enumerate() {
        assert_eq!(lines[i]["valid"], true);
        assert_eq!(lines[i]["offset"], offset);
        assert_eq!(lines[i]["input"], format!("<stdin>#{i}"));
        offset += e.len() as u64;
    }
    let codes = |l: &serde_json::Value| l["report"]["envelope"][0]["code"].clone();
    assert_eq!(
        codes(&lines[3]),
        "envelope.not-deterministic",
        "{}",
        lines[3]
    );
    assert_eq!(lines[4]["valid"], true, "the item after it is found");
    assert_eq!(codes(&lines[5]), "envelope.malformed");
    assert!(
        lines[5]["report"]["envelope"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("ends inside"),
        "{}",
        lines[5]
    );
    assert_eq!(out.status.code(), Some(3));

    // The same sequence as a .cborseq file needs no flag.
    let f = cborseq(&d.0, &envs);
    let out = pouch(&["verify", "--json", s(&f)]);
    assert_eq!(json_lines(&out).len(), 3);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn one_thread_and_two_give_the_same_lines() {
    let d = workdir("jobs");
    let envs = envelopes(&d.0, 8);
    let items: Vec<Vec<u8>> = envs
        .iter()
        .enumerate()
        .map(|(i, e)| if i % 3 == 1 { tamper(e) } else { e.clone() })
        .collect();
    let f = cborseq(&d.0, &items);
    let one = pouch(&["verify", "--jobs", "1", "--json", s(&f)]);
    let two = pouch(&["verify", "--jobs", "2", "--json", s(&f)]);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.status.code(), Some(10));
    assert_eq!(two.status.code(), Some(10));
}

#[test]
fn unreadable_inputs_and_misused_flags_are_reported() {
    let d = workdir("bad");
    let envs = envelopes(&d.0, 1);
    let ok = d.0.join("ok.cbor");
    std::fs::write(&ok, &envs[0]).unwrap();
    let missing = d.0.join("missing.cbor");
    let out = pouch(&["verify", "--json", s(&ok), s(&missing)]);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["exit"], 4);
    assert!(
        lines[1]["input"]
            .as_str()
            .unwrap()
            .ends_with("missing.cbor")
    );
    assert!(lines[1]["error"].as_str().unwrap().contains("No such file"));
    assert_eq!(
        out.status.code(),
        Some(4),
        "an unread input is the worst outcome"
    );

    let out = pouch(&["verify", "--payload", s(&ok), s(&ok), s(&ok)]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--payload needs exactly one"));
}
