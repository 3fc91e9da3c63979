//! What every CLI test file needs: running the binary, temporary folders, path text.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Runs `pouch` with `args` and no standard input.
pub fn pouch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pouch"))
        .args(args)
        .output()
        .unwrap()
}

/// Starts `pouch` with `args` and `stdin`, its output piped.
fn spawn(args: &[&str], stdin: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_pouch"))
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs `pouch` with `args`, writing `input` to its standard input.
pub fn pouch_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = spawn(args, Stdio::piped());
    // A command that does not read its standard input may exit first: a broken pipe here is
    // not the test's failure, the exit status says what happened.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

/// A path as the `&str` an argument list takes.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A temporary folder, removed when dropped.
pub struct Dir(pub PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh temporary folder named for the test and this process.
pub fn workdir(name: &str) -> Dir {
    let d = std::env::temp_dir().join(format!("pouch-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Dir(d)
}

/// Runs `pouch` with `args`, killing it if it has not ended after `secs` seconds: for a test
/// of something that must not block. `None` when it had to be killed.
pub fn pouch_within(args: &[&str], secs: u64) -> Option<Output> {
    let mut child = spawn(args, Stdio::null());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Standard error, which must be exactly one line (every error of `pouch` is).
pub fn one_line_error(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    err
}

/// A demo coalition in `dir` (certificates valid from now, since `seal` signs at the present
/// time), a label, a record, and the record sealed by Norway's ES384 signer.
pub struct Sealed {
    /// The folder.
    pub dir: PathBuf,
    /// `bundle.toml`.
    pub bundle: PathBuf,
    /// A NATO SECRET label (JSON).
    pub label: PathBuf,
    /// The record.
    pub record: PathBuf,
    /// The envelope, embedded payload, one ES384 seal.
    pub envelope: PathBuf,
}

impl Sealed {
    /// Makes it all in `dir`.
    pub fn new(dir: &Path) -> Sealed {
        let label = demo_pki(dir, &[]);
        let record = dir.join("record.txt");
        std::fs::write(&record, b"the record").unwrap();
        let sealed = Sealed {
            dir: dir.to_path_buf(),
            bundle: dir.join("bundle.toml"),
            label,
            record,
            envelope: dir.join("env.cbor"),
        };
        let out = sealed.seal(&["-o", s(&sealed.envelope), s(&sealed.record)]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        sealed
    }

    /// A signer's file: `nor("ES384", ".key.pem")` is Norway's ES384 key.
    pub fn nor(&self, alg: &str, ext: &str) -> PathBuf {
        nor(&self.dir, alg, ext)
    }

    /// `pouch seal` with the label, Norway's ES384 key and chain, and `extra`.
    pub fn seal(&self, extra: &[&str]) -> Output {
        seal_by_nor(&self.dir, "ES384", &self.label, extra)
    }
}

/// A file of Norway's demo signer for `alg` in the coalition in `dir`: `nor(dir, "ES384",
/// ".key.pem")` is its key, `".pem"` its certificate chain.
pub fn nor(dir: &Path, alg: &str, ext: &str) -> PathBuf {
    dir.join(format!("NOR/signer-{alg}{ext}"))
}

/// `pouch seal --label LABEL --key KEY --cert CERT`, then `rest` (options, `-o`, the record).
pub fn seal(label: &Path, key: &Path, cert: &Path, rest: &[&str]) -> Output {
    let mut args = vec![
        "seal",
        "--label",
        s(label),
        "--key",
        s(key),
        "--cert",
        s(cert),
    ];
    args.extend_from_slice(rest);
    pouch(&args)
}

/// [`seal`] by Norway's `alg` signer of the demo coalition in `dir`.
pub fn seal_by_nor(dir: &Path, alg: &str, label: &Path, rest: &[&str]) -> Output {
    let key = nor(dir, alg, ".key.pem");
    let cert = nor(dir, alg, ".pem");
    seal(label, &key, &cert, rest)
}

/// Asserts the exit code, showing both output streams when it is another.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts that `text` holds `part`, showing `text` when not.
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not in {text}");
}

/// The `code` of each entry of a JSON report's array of codes.
pub fn codes(entries: &serde_json::Value) -> Vec<&str> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect()
}

/// Writes to `to` the envelope at `env` with one bit flipped near its end, in the last
/// seal's signature: a seal that no longer verifies (exit 10).
pub fn flip_signature_bit(env: &Path, to: &Path) {
    let mut bytes = std::fs::read(env).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 0x40;
    std::fs::write(to, &bytes).unwrap();
}

/// Standard output parsed as one JSON value per line (`verify --json` of many inputs).
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Writes the demo coalition (`pouch pki demo`, with `extra` arguments such as a seed) and a
/// NATO SECRET label (`label.json`) into `dir`; returns the label's path.
pub fn demo_pki(dir: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["pki", "demo", "--out", s(dir)];
    args.extend_from_slice(extra);
    let out = pouch(&args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let label = dir.join("label.json");
    write_label(
        &label,
        r#"{"policyIdentifier":"NATO","classification":"SECRET"}"#,
    );
    label
}

/// Writes a label (JSON) with `confidentiality` as its confidentialityInformation, created
/// 2026-11-28T09:00:00Z and to be reviewed ten years on.
pub fn write_label(path: &Path, confidentiality: &str) {
    let json = format!(
        r#"{{"confidentialityInformation":{confidentiality},
        "creationDateTime":"2026-11-28T09:00:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#
    );
    std::fs::write(path, json).unwrap();
}

/// `pouch pki check-chain --trust BUNDLE --cert CERT`, then `extra`.
pub fn check_chain(bundle: &Path, cert: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "pki",
        "check-chain",
        "--trust",
        s(bundle),
        "--cert",
        s(cert),
    ];
    args.extend_from_slice(extra);
    pouch(&args)
}
