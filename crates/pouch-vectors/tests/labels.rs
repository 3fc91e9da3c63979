//! The generated label limit vectors and XML bombs (`test-vectors/labels/limits-manifest.toml`)
//! through the XML decoder with the default limits, each in heap memory bounded by its size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pouch_label::{Label, Limits};
use pouch_test_alloc::{Counting, peak_during};
use pouch_vectors::labels::{LABEL_LIMITS_MANIFEST, LabelManifest};
use std::path::PathBuf;

// The one test of this binary runs under a counting allocator: nothing else allocates
// while a decode is measured.
#[global_allocator]
static ALLOC: Counting = Counting;

/// Heap allowed above four times the input: the decoder's fixed working set.
const SLACK: usize = 64 * 1024;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn every_label_limit_vector_decodes_as_the_manifest_says() {
    let m: LabelManifest =
        toml::from_str(&std::fs::read_to_string(root().join(LABEL_LIMITS_MANIFEST)).unwrap())
            .unwrap();
    assert!(m.vector.len() >= 10);
    let mut failures = Vec::new();
    for v in &m.vector {
        let bytes = std::fs::read(root().join("test-vectors/labels").join(&v.file)).unwrap();
        let mut got = None;
        let peak = peak_during(|| got = Some(Label::from_xml(&bytes, &Limits::default())));
        let got = got.unwrap();
        // A bomb must be refused in memory proportional to what is read, not to what it
        // claims once expanded (a byte counter, not a clock).
        let bound = 4 * bytes.len() + SLACK;
        if peak > bound {
            failures.push(format!("{}: peak heap {peak} bytes > {bound}", v.id));
        }
        match (v.expect.as_str(), got) {
            ("valid", Ok(_)) => {}
            ("invalid", Err(e))
                if Some(e.kind().name()) == v.error.as_deref()
                    && Some(e.path()) == v.path.as_deref() => {}
            (_, got) => failures.push(format!(
                "{}: expected {} {:?} at {:?}, got {:?}",
                v.id,
                v.expect,
                v.error,
                v.path,
                got.map(|_| ())
                    .map_err(|e| (e.kind().name(), e.path().to_owned()))
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
