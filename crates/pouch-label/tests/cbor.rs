//! The CBOR form: the CDDL agrees with the encoder, and hostile input gets typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
mod strategy;

use pouch_label::{Label, Limits};
use proptest::prelude::*;

/// spec/pouch.cddl with `label` as its root rule (the validator takes the first rule).
fn label_cddl() -> String {
    let cddl = std::fs::read_to_string(common::root().join("spec/pouch.cddl")).unwrap();
    format!("pouch-label-root = label\n{cddl}")
}

fn cddl_accepts(cddl: &str, cbor: &[u8]) -> bool {
    cddl::validate_cbor_from_slice(cddl, cbor, None).is_ok()
}

fn valid_vector_labels() -> Vec<(String, Label)> {
    common::manifest("json-manifest.toml")
        .into_iter()
        .filter(|(v, _)| v.expect == "valid")
        .map(|(v, b)| (v.id, Label::from_json(&b, &Limits::default()).unwrap()))
        .collect()
}

#[test]
fn every_valid_vector_validates_against_the_cddl() {
    let cddl = label_cddl();
    for (id, label) in valid_vector_labels() {
        let cbor = label.to_cbor();
        if let Err(e) = cddl::validate_cbor_from_slice(&cddl, &cbor, None) {
            panic!("{id}: CDDL rejects the encoder's output: {e}");
        }
    }
}

/// The CDDL must be able to tell a malformed label where its structure says so.
#[test]
fn the_cddl_rejects_structural_faults() {
    let cddl = label_cddl();
    let mut e = pouch_cbor::Encoder::new();
    // {1: {1: "NATO", 3: "SECRET"}} : no creation time.
    e.map(1)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET");
    assert!(
        !cddl_accepts(&cddl, &e.into_bytes()),
        "missing creation time accepted"
    );
    // Creation time without tag 0.
    let mut e = pouch_cbor::Encoder::new();
    e.map(2)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET");
    e.u64(3).text("2026-11-28T09:15:00Z");
    assert!(
        !cddl_accepts(&cddl, &e.into_bytes()),
        "untagged time accepted"
    );
    // Category type 4 is not in the enumeration.
    let mut e = pouch_cbor::Encoder::new();
    e.map(2)
        .u64(1)
        .map(3)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET");
    e.u64(6).array(1).map(2).u64(1).text("T").u64(2).u64(4);
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    assert!(
        !cddl_accepts(&cddl, &e.into_bytes()),
        "category type 4 accepted"
    );
    // And the same label with type 2 passes, so the three refusals above are meaningful.
    let mut e = pouch_cbor::Encoder::new();
    e.map(2)
        .u64(1)
        .map(3)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET");
    e.u64(6).array(1).map(2).u64(1).text("T").u64(2).u64(2);
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    assert!(
        cddl_accepts(&cddl, &e.into_bytes()),
        "a well-formed label refused"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    /// The cddl crate is slow per call, hence fewer cases here than elsewhere.
    #[test]
    fn any_encoded_label_validates_against_the_cddl(label in strategy::label()) {
        let cddl = label_cddl();
        let cbor = label.to_cbor();
        let r = cddl::validate_cbor_from_slice(&cddl, &cbor, None);
        prop_assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string()));
    }
}

#[test]
fn every_truncation_of_a_valid_label_is_a_typed_error() {
    for (id, label) in valid_vector_labels() {
        let cbor = label.to_cbor();
        for n in 0..cbor.len() {
            let e = Label::from_cbor(&cbor[..n], &Limits::default()).unwrap_err();
            assert_eq!(e.kind().name(), "Cbor", "{id} cut at {n}: {e}");
        }
    }
}

#[test]
fn a_hundred_thousand_levels_of_nesting_are_refused_by_depth() {
    let input = vec![0x81u8; 100_000];
    let e = Label::from_cbor(
        &input,
        &Limits {
            max_bytes: 1 << 20,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            pouch_label::ErrorKind::Cbor(pouch_cbor::ErrorKind::DepthExceeded { .. })
        ),
        "{e}"
    );
}

#[test]
fn ten_bytes_claiming_two_to_the_sixty_three_bytes_are_refused() {
    // A byte string header with an 8-byte length of 2^63, then one byte.
    let input = [0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x00];
    let e = Label::from_cbor(&input, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            pouch_label::ErrorKind::Cbor(pouch_cbor::ErrorKind::LengthExceedsInput { .. })
        ),
        "{e}"
    );
}

#[test]
fn a_map_claiming_two_to_the_thirty_two_pairs_is_refused() {
    let input = [0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x01, 0x02];
    let e = Label::from_cbor(&input, &Limits::default()).unwrap_err();
    assert_eq!(e.kind().name(), "Cbor", "{e}");
}

#[test]
fn unknown_keys_and_wrong_types_are_named_with_their_place() {
    // Key 7 at the top level is not defined.
    let mut e = pouch_cbor::Encoder::new();
    e.map(3)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET");
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z").u64(7).null();
    let err = Label::from_cbor(&e.into_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), &pouch_label::ErrorKind::Unknown("key 7".into()));
    assert_eq!(err.path(), "/");
    // A classification that is an integer.
    let mut e = pouch_cbor::Encoder::new();
    e.map(2).u64(1).map(2).u64(1).text("NATO").u64(3).u64(3);
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    let err = Label::from_cbor(&e.into_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(err.kind().name(), "WrongType");
    assert_eq!(err.path(), "/confidentialityInformation/classification");
    // A successor label may not carry a review time (key 5).
    let mut e = pouch_cbor::Encoder::new();
    e.map(3)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET");
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    e.u64(4)
        .map(2)
        .u64(1)
        .tag(0)
        .text("2030-01-01T00:00:00Z")
        .u64(2);
    e.map(3)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("RESTRICTED");
    e.u64(3)
        .tag(0)
        .text("2026-11-28T09:15:00Z")
        .u64(5)
        .tag(0)
        .text("2031-01-01T00:00:00Z");
    let err = Label::from_cbor(&e.into_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), &pouch_label::ErrorKind::Unknown("key 5".into()));
    assert_eq!(err.path(), "/successionHandling/successor");
}

#[test]
fn limits_refuse_too_many_categories_and_deep_succession() {
    let tight = Limits {
        max_categories: 2,
        max_succession_depth: 1,
        ..Limits::default()
    };
    let mut e = pouch_cbor::Encoder::new();
    e.map(2)
        .u64(1)
        .map(3)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text("SECRET")
        .u64(6)
        .array(3);
    for _ in 0..3 {
        e.map(2).u64(1).text("T").u64(2).u64(2);
    }
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    let bytes = e.into_bytes();
    assert!(Label::from_cbor(&bytes, &Limits::default()).is_ok());
    let err = Label::from_cbor(&bytes, &tight).unwrap_err();
    assert_eq!(
        err.kind(),
        &pouch_label::ErrorKind::LimitExceeded {
            what: "categories",
            limit: 2
        }
    );

    // Two levels of succession against a limit of one.
    let mut e = pouch_cbor::Encoder::new();
    let info = |e: &mut pouch_cbor::Encoder| {
        e.map(2).u64(1).text("NATO").u64(3).text("SECRET");
    };
    e.map(3).u64(1);
    info(&mut e);
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    e.u64(4)
        .map(2)
        .u64(1)
        .tag(0)
        .text("2030-01-01T00:00:00Z")
        .u64(2)
        .map(3)
        .u64(1);
    info(&mut e);
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    e.u64(4)
        .map(2)
        .u64(1)
        .tag(0)
        .text("2031-01-01T00:00:00Z")
        .u64(2)
        .map(2)
        .u64(1);
    info(&mut e);
    e.u64(3).tag(0).text("2026-11-28T09:15:00Z");
    let bytes = e.into_bytes();
    assert!(Label::from_cbor(&bytes, &Limits::default()).is_ok());
    let err = Label::from_cbor(&bytes, &tight).unwrap_err();
    assert_eq!(err.kind().name(), "LimitExceeded", "{err}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_cbor_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = Label::from_cbor(&bytes, &Limits::default());
    }
}

/// Reads `label` back as the second element of a checked array, as an envelope header does.
fn from_item(label_cbor: &[u8], limits: &Limits) -> Result<Label, pouch_label::Error> {
    let mut outer = vec![0x82, 0x00];
    outer.extend_from_slice(label_cbor);
    let cbor_limits = pouch_cbor::Limits {
        max_bytes: 1 << 20,
        max_depth: 32,
        max_items: 1 << 20,
    };
    let mut r = pouch_cbor::Reader::new(&outer, &cbor_limits).unwrap();
    assert_eq!(r.array().unwrap(), 2);
    r.u64().unwrap();
    Label::from_cbor_item(r.item_reader().unwrap(), limits)
}

#[test]
fn a_label_read_inside_a_checked_item_decodes_as_it_does_alone() {
    for (id, label) in valid_vector_labels() {
        let cbor = label.to_cbor();
        assert_eq!(from_item(&cbor, &Limits::default()).unwrap(), label, "{id}");
        // The size limit still applies although the strict check is not repeated.
        let small = Limits {
            max_bytes: cbor.len() - 1,
            ..Limits::default()
        };
        let (alone, inside) = (
            Label::from_cbor(&cbor, &small).unwrap_err(),
            from_item(&cbor, &small).unwrap_err(),
        );
        assert_eq!(alone.kind(), inside.kind(), "{id}");
    }
    // Semantic faults are reported identically, place included.
    let mut e = pouch_cbor::Encoder::new();
    e.map(2)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(9)
        .text("SECRET")
        .u64(3)
        .tag(0)
        .text("2026-11-28T09:15:00Z");
    let bytes = e.into_bytes();
    let alone = Label::from_cbor(&bytes, &Limits::default()).unwrap_err();
    let inside = from_item(&bytes, &Limits::default()).unwrap_err();
    assert_eq!(alone.to_string(), inside.to_string());
}

proptest! {
    #[test]
    fn any_label_read_inside_a_checked_item_round_trips(label in strategy::label()) {
        let cbor = label.to_cbor();
        prop_assert_eq!(from_item(&cbor, &Limits::default()).unwrap(), label);
    }
}

/// `test-vectors/labels/cbor-manifest.toml`: every CBOR-form vector gets its verdict, a valid
/// one re-encodes to exactly its own bytes (one label, one encoding) and the CDDL accepts it,
/// an invalid one is refused with the kind and at the path the manifest names.
#[test]
fn cbor_vectors_give_their_expected_verdicts() {
    let cddl = label_cddl();
    let vectors = common::manifest("cbor-manifest.toml");
    assert!(vectors.len() >= 20);
    let mut failures = Vec::new();
    for (v, bytes) in &vectors {
        match (
            v.expect.as_str(),
            Label::from_cbor(bytes, &Limits::default()),
        ) {
            ("valid", Ok(label)) => {
                if &label.to_cbor() != bytes {
                    failures.push(format!("{}: re-encoding differs", v.id));
                }
                if !cddl_accepts(&cddl, bytes) {
                    failures.push(format!("{}: the CDDL refuses a valid label", v.id));
                }
            }
            ("invalid", Err(e))
                if Some(e.kind().name()) == v.error.as_deref()
                    && Some(e.path()) == v.path.as_deref() => {}
            (want, got) => failures.push(format!(
                "{}: expected {want} {:?} at {:?}, got {:?}",
                v.id,
                v.error,
                v.path,
                got.map(|_| ())
                    .map_err(|e| (e.kind().name(), e.path().to_owned(), e.to_string()))
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
