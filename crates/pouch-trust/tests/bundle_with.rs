//! `parse_bundle_with`: the in-memory bundle reader gives exactly what the file reader does,
//! and names a missing file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use pouch_trust::{load_bundle, parse_bundle_with};

fn vectors_pki() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-vectors/envelopes/pki"
    ))
}

#[test]
fn in_memory_bundle_equals_the_file_bundle() {
    let dir = vectors_pki();
    let from_disk = load_bundle(&dir.join("bundle.toml")).unwrap();
    let text = std::fs::read_to_string(dir.join("bundle.toml")).unwrap();
    let mut asked = Vec::new();
    let in_memory = parse_bundle_with(&text, "bundle.toml", |name| {
        asked.push(name.to_owned());
        std::fs::read(dir.join(name)).map_err(|e| e.to_string())
    })
    .unwrap();
    assert_eq!(in_memory, from_disk);
    assert!(asked.iter().any(|n| n == "NOR/root.pem"), "{asked:?}");
}

#[test]
fn a_missing_file_is_named_with_its_entry() {
    let text = std::fs::read_to_string(vectors_pki().join("bundle.toml")).unwrap();
    let e = parse_bundle_with(&text, "bundle.toml", |name| {
        Err(format!("{name} not given"))
    })
    .unwrap_err();
    let place = e.place().unwrap();
    assert_eq!(place.field_name(), Some(("anchors", Some(0))), "{e}");
    assert!(e.fault().unwrap().to_string().ends_with("not given"), "{e}");
    assert!(e.is_unreadable(), "{e}");
    assert!(
        place
            .path()
            .unwrap()
            .to_string_lossy()
            .ends_with("root.pem"),
        "{e}"
    );
}

#[test]
fn an_oversize_file_is_refused() {
    let text = std::fs::read_to_string(vectors_pki().join("bundle.toml")).unwrap();
    let e =
        parse_bundle_with(&text, "bundle.toml", |_| Ok(vec![0x30; (16 << 20) + 1])).unwrap_err();
    assert!(
        matches!(
            e.fault(),
            Some(pouch_trust::BundleFault::TooLarge { limit }) if *limit == 16 << 20
        ),
        "{e}"
    );
    assert!(e.to_string().contains("larger than"), "{e}");
}
