//! Any label survives every conversion; CBOR output is deterministic and strictly decodable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod strategy;

use pouch_label::{Label, LabelElement, Limits};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_label_round_trips_through_all_three_forms(label in strategy::label(), r in 0usize..4) {
        let limits = Limits::default();
        let role = LabelElement::ALL[r];
        let cbor = label.to_cbor();
        let from_cbor = Label::from_cbor(&cbor, &limits).unwrap();
        prop_assert_eq!(&from_cbor, &label);
        let from_json = Label::from_json(from_cbor.to_json().as_bytes(), &limits).unwrap();
        prop_assert_eq!(&from_json, &label);
        let (back_role, from_xml) = Label::from_xml(from_json.to_xml(role).as_bytes(), &limits).unwrap();
        prop_assert_eq!(back_role, role);
        prop_assert_eq!(&from_xml, &label);
        prop_assert_eq!(from_xml.to_cbor(), cbor);
    }

    #[test]
    fn cbor_output_passes_the_strict_checker_and_re_encodes_identically(label in strategy::label()) {
        let cbor = label.to_cbor();
        pouch_cbor::check(&cbor, &pouch_cbor::Limits::default()).unwrap();
        let again = Label::from_cbor(&cbor, &Limits::default()).unwrap().to_cbor();
        prop_assert_eq!(again, cbor);
    }

    #[test]
    fn non_deterministic_encodings_of_the_same_label_are_refused(label in strategy::label()) {
        let cbor = label.to_cbor();
        let variants = pouch_cbor::testing::non_deterministic_variants(&cbor);
        prop_assert!(!variants.is_empty());
        for v in variants {
            let e = Label::from_cbor(&v, &Limits::default()).unwrap_err();
            prop_assert_eq!(e.kind().name(), "Cbor", "{}", e);
        }
    }
}
