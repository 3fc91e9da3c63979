//! Malformed and hostile inputs: each gives the right error kind at the right byte
//! (POUCH-ESS-011, POUCH-ESS-012, POUCH-ESS-013, POUCH-ESS-014), and BER that is not DER is
//! recognised as such (POUCH-ESS-030).
//!
//! Inputs are written by hand from X.690; the offsets are counted from the hex.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::hex;
use pouch_ess::{BerDeviation, Encoding, EssLabel, Limits};

/// A TLV with a short- or long-form length, written here independently of the crate.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 128 {
        out.push(n as u8);
    } else {
        let octets: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | octets.len() as u8);
        out.extend(octets);
    }
    out.extend_from_slice(content);
    out
}

/// A SecurityCategory of type `type_hex` (OID content) holding `value`.
fn category(type_hex: &str, value: &[u8]) -> Vec<u8> {
    tlv(
        0x30,
        &[tlv(0x80, &hex(type_hex)), tlv(0xa1, value)].concat(),
    )
}

const ENUM_PERMISSIVE: &str = "60864801650201080301";
const PERMISSIVE: &str = "60864801650201080302";

/// A label holding only `categories`.
fn with_categories(categories: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &tlv(0x31, &categories.concat()))
}

fn enum_tag(attributes: &[Vec<u8>]) -> Vec<u8> {
    tlv(
        0x30,
        &[hex("06032b1a04"), tlv(0x31, &attributes.concat())].concat(),
    )
}

#[track_caller]
fn fails(input: &[u8], kind: &str, offset: Option<usize>) {
    let e = EssLabel::decode(input, &Limits::default())
        .err()
        .unwrap_or_else(|| panic!("decoded, expected {kind}: {}", hex_of(input)));
    assert_eq!(e.kind().name(), kind, "{e}");
    if offset.is_some() {
        assert_eq!(e.offset(), offset, "{e}");
    }
}

/// [`fails`] for each `(hex input, kind, offset)`.
fn fails_each(cases: &[(&str, &str, Option<usize>)]) {
    for (input, kind, offset) in cases {
        fails(&hex(input), kind, *offset);
    }
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

const STUPID: &str = "3116 020133 060129 0c0e56414755454c5920534543524554";

#[test]
fn every_truncation_is_an_error() {
    let full = hex(STUPID);
    for n in 0..full.len() {
        let e = EssLabel::decode(&full[..n], &Limits::default()).unwrap_err();
        assert!(
            matches!(e.kind().name(), "Truncated" | "LengthOverrun"),
            "prefix of {n} bytes: {e}"
        );
    }
}

#[test]
fn structure_faults() {
    fails_each(&[
        // Not a SET.
        ("3006 020104 060129", "UnexpectedTag", Some(0)),
        // Something after the label.
        (
            "3116 020133 060129 0c0e56414755454c5920534543524554 00",
            "TrailingData",
            Some(24),
        ),
        // Indefinite length.
        ("3180 020104 0000", "IndefiniteLength", Some(0)),
        // Nine length octets.
        ("3189 010000000000000000", "BadLength", Some(0)),
        // The reserved length octet.
        ("31ff", "BadLength", Some(0)),
        // A length of 2^32-1 over 3 bytes: refused before anything is allocated.
        ("3184ffffffff 020104", "LengthOverrun", Some(0)),
        // An inner length past its parent's end.
        ("3103 020504", "LengthOverrun", Some(2)),
        // A high tag number.
        ("3103 1f0100", "UnexpectedTag", Some(2)),
        // No component at all.
        ("3100", "Empty", Some(0)),
        // An unknown component type (BOOLEAN).
        ("3103 0101ff", "UnexpectedTag", Some(2)),
        // Two classifications; a UTF8String and a PrintableString mark.
        ("3106 020101 020102", "Duplicate", Some(5)),
        ("3106 0c0141 130141", "Duplicate", Some(5)),
        // Empty categories.
        ("3102 3100", "Empty", Some(2)),
        // A category that is not a SEQUENCE.
        ("3104 3102 3100", "UnexpectedTag", Some(4)),
        // Type explicitly tagged [0] instead of implicitly.
        (
            "310d 310b 3009 a003060129 a1020500",
            "UnexpectedTag",
            Some(6),
        ),
        // No value.
        ("3107 3105 3003 800129", "Truncated", None),
        // A value with two elements inside [1].
        (
            "310d 310b 3009 800129 a104 05000500",
            "TrailingData",
            Some(13),
        ),
    ]);
}

#[test]
fn integer_faults() {
    fails_each(&[
        ("3104 02020101", "IntegerTooLarge", Some(2)), // 257 > ub-integer-options
        ("310b 0209010000000000000000", "IntegerTooLarge", Some(2)), // 2^64
        ("3103 0201ff", "NegativeInteger", Some(2)),
        ("3104 02020004", "BadInteger", Some(2)),
        ("3104 0202ff80", "BadInteger", Some(2)),
        ("3102 0200", "BadInteger", Some(2)),
    ]);
    // A security attribute of 2^64 in an enumerated category.
    let big = enum_tag(&[hex("0209010000000000000000")]);
    fails(
        &with_categories(&[category(ENUM_PERMISSIVE, &big)]),
        "IntegerTooLarge",
        None,
    );
    let max = enum_tag(&[hex("020900ffffffffffffffff")]);
    EssLabel::decode(
        &with_categories(&[category(ENUM_PERMISSIVE, &max)]),
        &Limits::default(),
    )
    .unwrap();
}

#[test]
fn string_faults() {
    fails_each(&[
        // IA5String is not an ESSPrivacyMark alternative.
        ("3105 1603616263", "UnexpectedTag", Some(2)),
        // A constructed UTF8String (BER allows it; Pouch does not).
        ("3107 2c05 0c03616263", "UnexpectedTag", Some(2)),
        // '@' and '*' are not PrintableString characters.
        ("3105 1303614062", "BadString", Some(2)),
        ("3103 13012a", "BadString", Some(2)),
        // Not UTF-8.
        ("3104 0c02c328", "BadString", Some(2)),
        // Empty marks.
        ("3102 0c00", "BadString", Some(2)),
        ("3102 1300", "BadString", Some(2)),
    ]);
    // A PrintableString of 129 characters breaks ub-privacy-mark-length.
    let long = tlv(0x31, &tlv(0x13, &[b'A'; 129]));
    fails(&long, "BadString", Some(3));
    let ok = tlv(0x31, &tlv(0x13, &[b'A'; 128]));
    EssLabel::decode(&ok, &Limits::default()).unwrap();
}

#[test]
fn oid_and_bit_string_faults() {
    // An empty OID, a non-minimal arc, a truncated arc: each BadOid at the OID.
    for oid in ["3102 0600", "3104 06028001", "3103 060181"] {
        fails(&hex(oid), "BadOid", Some(2));
    }
    let perm = |bits: &str| {
        let tag = tlv(0x30, &[hex("06032b1a04"), hex(bits)].concat());
        with_categories(&[category(PERMISSIVE, &tag)])
    };
    fails(&perm("03020880"), "BadBitString", None); // 8 unused bits
    fails(&perm("030101"), "BadBitString", None); // unused bits, no octets
    fails(&perm("0300"), "BadBitString", None); // no initial octet
    fails(&perm("310302010105"), "UnexpectedTag", None); // a SET where a BIT STRING goes
    // Non-zero padding is BER: decoded, flagged, and cleared on re-encoding.
    let padded = perm("03020781");
    let d = EssLabel::decode(&padded, &Limits::default()).unwrap();
    assert!(matches!(
        d.encoding,
        Encoding::Ber {
            deviation: BerDeviation::BitStringPadding,
            ..
        }
    ));
    assert_eq!(d.label.to_der().unwrap(), perm("03020780"));
}

#[test]
fn limits_hold() {
    // 65 categories: one more than ub-security-categories.
    let one = category(ENUM_PERMISSIVE, &enum_tag(&[hex("020101")]));
    let many = with_categories(&vec![one.clone(); 65]);
    fails(&many, "LimitExceeded", None);
    EssLabel::decode(&with_categories(&vec![one; 64]), &Limits::default()).unwrap();

    // Input size.
    let small = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let e = EssLabel::decode(&hex(STUPID), &small).unwrap_err();
    assert_eq!(e.kind().name(), "TooLarge");

    // Nesting inside an unknown category value.
    let mut value = hex("0500");
    for _ in 0..20 {
        value = tlv(0x30, &value);
    }
    let deep = with_categories(&[category("2a03", &value)]);
    fails(&deep, "DepthExceeded", None);

    // Element count.
    let attrs: Vec<Vec<u8>> = (0..100u8).map(|i| vec![0x02, 0x01, i & 0x7f]).collect();
    let wide = with_categories(&[category(ENUM_PERMISSIVE, &enum_tag(&attrs))]);
    let few = Limits {
        max_elements: 50,
        ..Limits::default()
    };
    let e = EssLabel::decode(&wide, &few).unwrap_err();
    assert_eq!(e.kind().name(), "LimitExceeded");
    let narrow = Limits {
        max_attributes: 99,
        ..Limits::default()
    };
    let e = EssLabel::decode(&wide, &narrow).unwrap_err();
    assert_eq!(e.kind().name(), "LimitExceeded");
}

#[test]
fn ber_forms_are_recognised_and_reencoded_as_der() {
    // A long-form length for a short content.
    let long = hex("318106 020104 060129");
    let d = common::decode_ber(&long, BerDeviation::LongLength, 0);
    assert_eq!(d.label.to_der().unwrap(), hex("3106 020104 060129"));

    // SET OF elements out of order: attribute 5 before 3.
    let unsorted = with_categories(&[category(
        ENUM_PERMISSIVE,
        &enum_tag(&[hex("020105"), hex("020103")]),
    )]);
    let d = EssLabel::decode(&unsorted, &Limits::default()).unwrap();
    assert!(matches!(
        d.encoding,
        Encoding::Ber {
            deviation: BerDeviation::SetOfOrder,
            ..
        }
    ));
    let sorted = with_categories(&[category(
        ENUM_PERMISSIVE,
        &enum_tag(&[hex("020103"), hex("020105")]),
    )]);
    assert_eq!(d.label.to_der().unwrap(), sorted);

    // Long lengths inside an unknown value are made minimal too.
    let other = with_categories(&[category("2a03", &hex("30820002 0500"))]);
    let d = EssLabel::decode(&other, &Limits::default()).unwrap();
    assert_ne!(d.encoding, Encoding::Der);
    let minimal = with_categories(&[category("2a03", &hex("3002 0500"))]);
    assert_eq!(d.label.to_der().unwrap(), minimal);
}

#[test]
fn encoder_refuses_what_the_decoder_would() {
    use pouch_ess::{Oid, PrivacyMark, SecurityCategory};
    let refused = |l: EssLabel, kind: &str| {
        let e = l.to_der().unwrap_err();
        assert_eq!(e.kind().name(), kind, "{e}");
        assert_eq!(e.offset(), None);
    };
    refused(EssLabel::default(), "Empty");
    refused(
        EssLabel {
            classification: Some(257),
            ..EssLabel::default()
        },
        "IntegerTooLarge",
    );
    for mark in [
        PrivacyMark::Printable("a@b".into()),
        PrivacyMark::Printable("A".repeat(129)),
        PrivacyMark::Utf8(String::new()),
    ] {
        refused(
            EssLabel {
                privacy_mark: Some(mark),
                ..EssLabel::default()
            },
            "BadString",
        );
    }
    let other = |type_id: Oid, value_der: Vec<u8>| EssLabel {
        categories: vec![SecurityCategory::Other { type_id, value_der }],
        ..EssLabel::default()
    };
    refused(
        other(Oid::PERMISSIVE_ATTRIBUTES, hex("0500")),
        "Unencodable",
    );
    refused(other("1.2.3".parse().unwrap(), hex("0502")), "Unencodable");
    refused(
        other("1.2.3".parse().unwrap(), hex("0500 0500")),
        "Unencodable",
    );
    refused(other("1.2.3".parse().unwrap(), vec![]), "Unencodable");
    let one = SecurityCategory::Other {
        type_id: "1.2.3".parse().unwrap(),
        value_der: hex("0500"),
    };
    refused(
        EssLabel {
            categories: vec![one; 65],
            ..EssLabel::default()
        },
        "LimitExceeded",
    );
    // A UTF-8 mark of any characters is fine, and `from_text` picks the narrowest form.
    assert_eq!(
        PrivacyMark::from_text("NATO SECRET"),
        PrivacyMark::Printable("NATO SECRET".into())
    );
    assert_eq!(
        PrivacyMark::from_text("Très secret"),
        PrivacyMark::Utf8("Très secret".into())
    );
}
