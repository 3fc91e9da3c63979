//! The reference adapter of the Pouch conformance protocol (spec/07-conformance.md):
//! `pouch-conformance-adapter features` and `pouch-conformance-adapter verify ...`.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = pouch_vectors::adapter::run(&args);
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    if !out.stderr.is_empty() {
        eprintln!("pouch-conformance-adapter: {}", out.stderr);
    }
    ExitCode::from(u8::try_from(out.status).unwrap_or(1))
}
