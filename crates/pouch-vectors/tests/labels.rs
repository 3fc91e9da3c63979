//! The generated label limit vectors and XML bombs (`test-vectors/labels/limits-manifest.toml`)
//! through the XML decoder with the default limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pouch_label::{Label, Limits};
use pouch_vectors::labels::{LABEL_LIMITS_MANIFEST, LabelManifest};

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
        let start = Instant::now();
        let got = Label::from_xml(&bytes, &Limits::default());
        // A bomb must be refused in time proportional to what is read, not to what it claims.
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{}: {:?}",
            v.id,
            start.elapsed()
        );
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
