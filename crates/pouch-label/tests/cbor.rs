//! The CBOR form: the CDDL agrees with the encoder, and hostile input gets typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;
mod strategy;

use pouch_cbor::Encoder;
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

const CREATED: &str = "2026-11-28T09:15:00Z";

/// Writes the head of a label map of `members` entries: confidentialityInformation (key 1)
/// of `info_members` entries, the first two policy "NATO" and classification `class`.
fn head<'e>(e: &'e mut Encoder, members: u64, info_members: u64, class: &str) -> &'e mut Encoder {
    e.map(members)
        .u64(1)
        .map(info_members)
        .u64(1)
        .text("NATO")
        .u64(3)
        .text(class)
}

/// Writes creationDateTime (key 3), tagged, as [`CREATED`].
fn created(e: &mut Encoder) -> &mut Encoder {
    e.u64(3).tag(0).text(CREATED)
}

/// Writes successionHandling (key 4) with `at` as its time, up to the successor label.
fn succession(e: &mut Encoder, at: &str) {
    e.u64(4).map(2).u64(1).tag(0).text(at).u64(2);
}

/// A label's CBOR: [`head`] with a SECRET classification, then what `rest` writes.
fn label_cbor(members: u64, info_members: u64, rest: impl FnOnce(&mut Encoder)) -> Vec<u8> {
    let mut e = Encoder::new();
    head(&mut e, members, info_members, "SECRET");
    rest(&mut e);
    e.into_bytes()
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
    let with_category_type = |t: u64| {
        label_cbor(2, 3, |e| {
            e.u64(6).array(1).map(2).u64(1).text("T").u64(2).u64(t);
            created(e);
        })
    };
    for (cbor, accepted, what) in [
        // {1: {1: "NATO", 3: "SECRET"}} : no creation time.
        (label_cbor(1, 2, |_| {}), false, "missing creation time"),
        // Creation time without tag 0.
        (
            label_cbor(2, 2, |e| {
                e.u64(3).text(CREATED);
            }),
            false,
            "untagged time",
        ),
        // Category type 4 is not in the enumeration.
        (with_category_type(4), false, "category type 4"),
        // And the same label with type 2 passes, so the three refusals above are meaningful.
        (with_category_type(2), true, "a well-formed label"),
    ] {
        assert_eq!(
            cddl_accepts(&cddl, &cbor),
            accepted,
            "{what}: expected the CDDL to accept it: {accepted}"
        );
    }
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

/// The CBOR fault that makes `input` no label under `limits`.
fn cbor_fault(input: &[u8], limits: &Limits) -> pouch_cbor::ErrorKind {
    let e = Label::from_cbor(input, limits).unwrap_err();
    match e.kind() {
        pouch_label::ErrorKind::Cbor(kind) => kind.clone(),
        _ => panic!("not a CBOR fault: {e}"),
    }
}

#[test]
fn a_hundred_thousand_levels_of_nesting_are_refused_by_depth() {
    let input = vec![0x81u8; 100_000];
    let limits = Limits {
        max_bytes: 1 << 20,
        ..Limits::default()
    };
    let kind = cbor_fault(&input, &limits);
    assert!(
        matches!(kind, pouch_cbor::ErrorKind::DepthExceeded { .. }),
        "{kind:?}"
    );
}

#[test]
fn ten_bytes_claiming_two_to_the_sixty_three_bytes_are_refused() {
    // A byte string header with an 8-byte length of 2^63, then one byte.
    let input = [0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x00];
    let kind = cbor_fault(&input, &Limits::default());
    assert!(
        matches!(kind, pouch_cbor::ErrorKind::LengthExceedsInput { .. }),
        "{kind:?}"
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
    let bytes = label_cbor(3, 2, |e| {
        created(e).u64(7).null();
    });
    let err = Label::from_cbor(&bytes, &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), &pouch_label::ErrorKind::Unknown("key 7".into()));
    assert_eq!(err.path(), "/");
    // A classification that is an integer.
    let mut e = Encoder::new();
    e.map(2).u64(1).map(2).u64(1).text("NATO").u64(3).u64(3);
    created(&mut e);
    let err = Label::from_cbor(&e.into_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(err.kind().name(), "WrongType");
    assert_eq!(err.path(), "/confidentialityInformation/classification");
    // A successor label may not carry a review time (key 5).
    let bytes = label_cbor(3, 2, |e| {
        created(e);
        succession(e, "2030-01-01T00:00:00Z");
        head(e, 3, 2, "RESTRICTED");
        created(e).u64(5).tag(0).text("2031-01-01T00:00:00Z");
    });
    let err = Label::from_cbor(&bytes, &Limits::default()).unwrap_err();
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
    let bytes = label_cbor(2, 3, |e| {
        e.u64(6).array(3);
        for _ in 0..3 {
            e.map(2).u64(1).text("T").u64(2).u64(2);
        }
        created(e);
    });
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
    let bytes = label_cbor(3, 2, |e| {
        created(e);
        succession(e, "2030-01-01T00:00:00Z");
        head(e, 3, 2, "SECRET");
        created(e);
        succession(e, "2031-01-01T00:00:00Z");
        head(e, 2, 2, "SECRET");
        created(e);
    });
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
    let mut e = Encoder::new();
    e.map(2)
        .u64(1)
        .map(2)
        .u64(1)
        .text("NATO")
        .u64(9)
        .text("SECRET");
    created(&mut e);
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
