//! Property tests: generated labels survive DER encoding and decoding, every DER input
//! re-encodes to itself, and no input makes the decoder panic (POUCH-ESS-030).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pouch_ess::{
    BitString, Encoding, EssLabel, FreeFormField, Limits, MissiCategories, NamedTagSet, Oid,
    PrivacyMark, SecurityCategory, SecurityTag,
};
use proptest::prelude::*;

fn oid_from(first: u32, second: u32, rest: Vec<u64>) -> Oid {
    let mut s = format!("{first}.{second}");
    for arc in rest {
        s.push_str(&format!(".{arc}"));
    }
    s.parse().unwrap()
}

fn oid() -> impl Strategy<Value = Oid> {
    (
        0u32..=2,
        0u32..40,
        prop::collection::vec(any::<u64>(), 0..6),
    )
        .prop_map(|(a, b, rest)| oid_from(a, b, rest))
}

/// Identifiers under 1.2, which no known syntax uses.
fn unknown_type() -> impl Strategy<Value = Oid> {
    prop::collection::vec(0u64..1000, 0..4).prop_map(|rest| oid_from(1, 2, rest))
}

fn bit_string() -> impl Strategy<Value = BitString> {
    (prop::collection::vec(any::<u8>(), 0..12), 0u8..8).prop_map(|(mut bytes, unused)| {
        match bytes.last_mut() {
            Some(last) => *last &= !(((1u16 << unused) - 1) as u8),
            None => return BitString::new(bytes, 0).unwrap(),
        }
        BitString::new(bytes, unused).unwrap()
    })
}

fn attributes() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(prop_oneof![0u64..300, any::<u64>()], 0..8)
}

fn free_form() -> impl Strategy<Value = FreeFormField> {
    prop_oneof![
        bit_string().prop_map(FreeFormField::BitSet),
        attributes().prop_map(FreeFormField::Attributes),
    ]
}

fn security_tag() -> impl Strategy<Value = SecurityTag> {
    let level = prop::option::of(any::<u64>());
    prop_oneof![
        (level.clone(), bit_string())
            .prop_map(|(level, attributes)| SecurityTag::RestrictiveBitMap { level, attributes }),
        (level.clone(), attributes())
            .prop_map(|(level, attributes)| SecurityTag::Enumerated { level, attributes }),
        (level, bit_string())
            .prop_map(|(level, attributes)| SecurityTag::PermissiveBitMap { level, attributes }),
        free_form().prop_map(SecurityTag::FreeForm),
    ]
}

fn tag_sets() -> impl Strategy<Value = Vec<NamedTagSet>> {
    prop::collection::vec(
        (oid(), prop::collection::vec(security_tag(), 0..4))
            .prop_map(|(name, tags)| NamedTagSet { name, tags }),
        0..3,
    )
}

/// A complete DER element of unknown syntax: a primitive, or a SEQUENCE of primitives.
fn opaque_value() -> impl Strategy<Value = Vec<u8>> {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if content.len() < 128 {
            out.push(content.len() as u8);
        } else {
            out.extend([0x81, content.len() as u8]);
        }
        out.extend_from_slice(content);
        out
    }
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| tlv(0x04, &b)),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..4).prop_map(|parts| {
            let inner: Vec<u8> = parts.iter().flat_map(|p| tlv(0x04, p)).collect();
            tlv(0x30, &inner)
        }),
    ]
}

fn category() -> impl Strategy<Value = SecurityCategory> {
    prop_oneof![
        (oid(), bit_string()).prop_map(|(tag_set, attributes)| {
            SecurityCategory::RestrictiveBitMap {
                tag_set,
                attributes,
            }
        }),
        (oid(), attributes()).prop_map(|(tag_set, attributes)| {
            SecurityCategory::EnumeratedPermissive {
                tag_set,
                attributes,
            }
        }),
        (oid(), bit_string()).prop_map(|(tag_set, attributes)| {
            SecurityCategory::PermissiveBitMap {
                tag_set,
                attributes,
            }
        }),
        (oid(), free_form())
            .prop_map(|(tag_set, field)| SecurityCategory::Informative { tag_set, field }),
        (oid(), attributes()).prop_map(|(tag_set, attributes)| {
            SecurityCategory::EnumeratedRestrictive {
                tag_set,
                attributes,
            }
        }),
        (oid(), tag_sets()).prop_map(|(policy, tag_sets)| {
            SecurityCategory::Missi(MissiCategories::Lrbac { policy, tag_sets })
        }),
        tag_sets().prop_map(|s| SecurityCategory::Missi(MissiCategories::Prbac(s))),
        (unknown_type(), opaque_value())
            .prop_map(|(type_id, value_der)| SecurityCategory::Other { type_id, value_der }),
    ]
}

fn privacy_mark() -> impl Strategy<Value = PrivacyMark> {
    prop_oneof![
        "[A-Za-z0-9 '()+,./:=?-]{1,128}".prop_map(PrivacyMark::Printable),
        "\\PC{1,60}".prop_map(PrivacyMark::Utf8),
    ]
}

fn label() -> impl Strategy<Value = EssLabel> {
    (
        prop::option::of(oid()),
        prop::option::of(0u32..=256),
        prop::option::of(privacy_mark()),
        prop::collection::vec(category(), 0..8),
    )
        .prop_map(|(policy, classification, privacy_mark, categories)| {
            let mut l = EssLabel {
                policy,
                classification,
                privacy_mark,
                categories,
            };
            if l == EssLabel::default() {
                l.classification = Some(0);
            }
            l
        })
}

/// The label with every SET OF put in one order, for comparing as sets: encoding and
/// decoding may reorder them, and nothing else.
fn sets_sorted(mut l: EssLabel) -> EssLabel {
    fn sort_tags(sets: &mut [NamedTagSet]) {
        for s in sets.iter_mut() {
            for t in &mut s.tags {
                match t {
                    SecurityTag::Enumerated { attributes, .. }
                    | SecurityTag::FreeForm(FreeFormField::Attributes(attributes)) => {
                        attributes.sort_unstable()
                    }
                    _ => {}
                }
            }
        }
        sets.sort_by_key(|s| format!("{s:?}"));
    }
    for c in &mut l.categories {
        match c {
            SecurityCategory::EnumeratedPermissive { attributes, .. }
            | SecurityCategory::EnumeratedRestrictive { attributes, .. }
            | SecurityCategory::Informative {
                field: FreeFormField::Attributes(attributes),
                ..
            } => attributes.sort_unstable(),
            SecurityCategory::Missi(MissiCategories::Lrbac { tag_sets, .. })
            | SecurityCategory::Missi(MissiCategories::Prbac(tag_sets)) => sort_tags(tag_sets),
            _ => {}
        }
    }
    l.categories.sort_by_key(|c| format!("{c:?}"));
    l
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_labels_round_trip(l in label()) {
        let der = l.to_der().unwrap();
        let d = EssLabel::decode(&der, &Limits::default()).unwrap();
        prop_assert_eq!(d.encoding, Encoding::Der);
        prop_assert_eq!(d.label.to_der().unwrap(), der);
        prop_assert_eq!(sets_sorted(d.label), sets_sorted(l));
    }

    #[test]
    fn mutated_labels_never_panic_and_der_ones_reencode_to_themselves(
        l in label(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = l.to_der().unwrap();
        for (i, b) in edits {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(d) = EssLabel::decode(&bytes, &Limits::default()) {
            let der = d.label.to_der().unwrap();
            if d.encoding == Encoding::Der {
                prop_assert_eq!(der, bytes);
            } else {
                let again = EssLabel::decode(&der, &Limits::default()).unwrap();
                prop_assert_eq!(again.encoding, Encoding::Der);
                prop_assert_eq!(sets_sorted(again.label), sets_sorted(d.label));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = EssLabel::decode(&bytes, &Limits::default());
    }
}
