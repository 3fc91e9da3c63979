//! What every CLI test file needs: running the binary, temporary folders, path text.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `pouch` with `args` and no standard input.
pub fn pouch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pouch"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `pouch` with `args`, writing `input` to its standard input.
pub fn pouch_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pouch"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
