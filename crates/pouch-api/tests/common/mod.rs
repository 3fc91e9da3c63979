//! Shared helpers: the vectors' PKI held in memory, as a binding without files would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

pub(crate) fn pki(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("envelopes/pki").join(name)).unwrap()
}

/// Every file under `dir`, by its path relative to `dir` with `/` separators.
pub(crate) fn files_under(dir: &Path) -> HashMap<String, Vec<u8>> {
    let mut out = HashMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A context trusting the vectors' bundle at the vectors' time.
pub(crate) fn context(provider: &str, bundle: &str) -> pouch_api::VerifyContext {
    let dir = vectors().join("envelopes/pki");
    let mut ctx = pouch_api::VerifyContext::new(Some(provider)).unwrap();
    let text = std::fs::read_to_string(dir.join(bundle)).unwrap();
    ctx.set_trust(&text, &files_under(&dir)).unwrap();
    ctx.set_at(Some(AT)).unwrap();
    ctx
}

/// The vectors' verification time (manifest `at`).
pub(crate) const AT: &str = "2026-11-28T11:00:00Z";
/// A signing time inside the vectors' certificates' validity.
pub(crate) const SIGNED: &str = "2026-11-28T10:00:00Z";

pub(crate) fn label_json() -> Vec<u8> {
    std::fs::read(vectors().join("labels/json/valid/full.json")).unwrap()
}

pub(crate) fn seal_nor(payload: &[u8], detached: bool) -> Vec<u8> {
    let options = pouch_api::SealOptions {
        detached,
        signing_time: Some(SIGNED.into()),
        ..Default::default()
    };
    pouch_api::seal(
        &label_json(),
        payload,
        &pki("NOR/signer-ES384.key.pem"),
        &pki("NOR/signer-ES384.pem"),
        &options,
    )
    .unwrap()
}
