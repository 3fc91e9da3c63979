//! Unit tests for `check`, `check_prefix` and the float helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{Error, ErrorKind, Limits, check, check_prefix};

/// Decodes hex, ignoring spaces.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex: {s}");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

fn err(s: &str) -> Error {
    check(&hex(s), &Limits::default()).expect_err(s)
}

/// Asserts `s` is rejected with `kind` at `position`.
fn rejects(s: &str, kind: ErrorKind, position: usize) {
    let e = err(s);
    assert_eq!((e.kind(), e.position()), (&kind, position), "{s}");
}

fn rejects_with(s: &str, limits: &Limits, kind: ErrorKind, position: usize) {
    let e = check(&hex(s), limits).expect_err(s);
    assert_eq!((e.kind(), e.position()), (&kind, position), "{s}");
}

/// Every deterministic example of RFC 8949 Appendix A, one item per line.
pub(crate) const APPENDIX_A_DETERMINISTIC: &[&str] = &[
    "00",                                                         // 0
    "01",                                                         // 1
    "0a",                                                         // 10
    "17",                                                         // 23
    "1818",                                                       // 24
    "1819",                                                       // 25
    "1864",                                                       // 100
    "1903e8",                                                     // 1000
    "1a000f4240",                                                 // 1000000
    "1b000000e8d4a51000",                                         // 1000000000000
    "1bffffffffffffffff",                                         // 18446744073709551615
    "c249010000000000000000",                                     // bignum 2^64
    "3bffffffffffffffff",                                         // -18446744073709551616
    "c349010000000000000000",                                     // bignum -2^64-1
    "20",                                                         // -1
    "29",                                                         // -10
    "3863",                                                       // -100
    "3903e7",                                                     // -1000
    "f90000",                                                     // 0.0
    "f98000",                                                     // -0.0
    "f93c00",                                                     // 1.0
    "fb3ff199999999999a",                                         // 1.1
    "f93e00",                                                     // 1.5
    "f97bff",                                                     // 65504.0
    "fa47c35000",                                                 // 100000.0
    "fa7f7fffff",                                                 // 3.4028234663852886e+38
    "fb7e37e43c8800759c",                                         // 1.0e+300
    "f90001",                                                     // 5.960464477539063e-8
    "f90400",                                                     // 0.00006103515625
    "f9c400",                                                     // -4.0
    "fbc010666666666666",                                         // -4.1
    "f97c00",                                                     // Infinity
    "f97e00",                                                     // NaN
    "f9fc00",                                                     // -Infinity
    "f4",                                                         // false
    "f5",                                                         // true
    "f6",                                                         // null
    "f7",                                                         // undefined
    "c074323031332d30332d32315432303a30343a30305a",               // 0("2013-03-21T20:04:00Z")
    "c11a514b67b0",                                               // 1(1363896240)
    "c1fb41d452d9ec200000",                                       // 1(1363896240.5)
    "d74401020304",                                               // 23(h'01020304')
    "d818456449455446",                                           // 24(h'6449455446')
    "d82076687474703a2f2f7777772e6578616d706c652e636f6d",         // 32("http://www.example.com")
    "40",                                                         // h''
    "4401020304",                                                 // h'01020304'
    "60",                                                         // ""
    "6161",                                                       // "a"
    "6449455446",                                                 // "IETF"
    "62225c",                                                     // "\"\\"
    "62c3bc",                                                     // "ü"
    "63e6b0b4",                                                   // "水"
    "64f0908591",                                                 // "𐅑"
    "80",                                                         // []
    "83010203",                                                   // [1, 2, 3]
    "8301820203820405",                                           // [1, [2, 3], [4, 5]]
    "98190102030405060708090a0b0c0d0e0f101112131415161718181819", // [1..25]
    "a0",                                                         // {}
    "a201020304",                                                 // {1: 2, 3: 4}
    "a26161016162820203",                                         // {"a": 1, "b": [2, 3]}
    "826161a161626163",                                           // ["a", {"b": "c"}]
    "a56161614161626142616361436164614461656145",                 // {"a": "A", ..., "e": "E"}
];

#[test]
fn appendix_a_deterministic_examples_pass() {
    for s in APPENDIX_A_DETERMINISTIC {
        assert_eq!(check(&hex(s), &Limits::default()), Ok(()), "{s}");
    }
}

#[test]
fn appendix_a_non_shortest_floats_rejected() {
    for s in [
        "fa7f800000",         // Infinity as single
        "fa7fc00000",         // NaN as single
        "faff800000",         // -Infinity as single
        "fb7ff0000000000000", // Infinity as double
        "fb7ff8000000000000", // NaN as double
        "fbfff0000000000000", // -Infinity as double
    ] {
        rejects(s, ErrorKind::NonShortestFloat, 0);
    }
}

#[test]
fn appendix_a_indefinite_lengths_rejected() {
    for s in [
        "5f42010243030405ff",         // (_ h'0102', h'030405')
        "7f657374726561646d696e67ff", // (_ "strea", "ming")
        "9fff",                       // [_ ]
        "9f018202039f0405ffff",       // [_ 1, [2, 3], [_ 4, 5]]
        "9f01820203820405ff",         // [_ 1, [2, 3], [4, 5]]
        "bf61610161629f0203ffff",     // {_ "a": 1, "b": [_ 2, 3]}
        "bf6346756ef563416d7421ff",   // {_ "Fun": true, "Amt": -2}
    ] {
        rejects(s, ErrorKind::IndefiniteLength, 0);
    }
    rejects("83018202039f0405ff", ErrorKind::IndefiniteLength, 5); // [1, [2, 3], [_ 4, 5]]
    rejects("826161bf61626163ff", ErrorKind::IndefiniteLength, 3); // ["a", {_ "b": "c"}]
}

#[test]
fn non_shortest_arguments_rejected() {
    rejects("1817", ErrorKind::NonShortestArgument, 0); // 23 in one extra byte
    rejects("1900ff", ErrorKind::NonShortestArgument, 0); // 255 in two bytes
    rejects("1a0000ffff", ErrorKind::NonShortestArgument, 0); // 65535 in four bytes
    rejects("1b00000000ffffffff", ErrorKind::NonShortestArgument, 0); // u32::MAX in eight
    rejects("3800", ErrorKind::NonShortestArgument, 0); // -1 in one extra byte
    rejects("580100", ErrorKind::NonShortestArgument, 0); // h'00' with a 1-byte length
    rejects("790001 61", ErrorKind::NonShortestArgument, 0); // "a" with a 2-byte length
    rejects("9800", ErrorKind::NonShortestArgument, 0); // [] with a 1-byte count
    rejects("b800", ErrorKind::NonShortestArgument, 0); // {} with a 1-byte count
    rejects("d80100", ErrorKind::NonShortestArgument, 0); // tag 1 in one extra byte
    rejects("8218170a", ErrorKind::NonShortestArgument, 1); // [23 (long), 10]
}

#[test]
fn floats_must_be_shortest_exact() {
    assert_eq!(check(&hex("f93c00"), &Limits::default()), Ok(())); // 1.0 as half
    rejects("fa3f800000", ErrorKind::NonShortestFloat, 0); // 1.0 as single
    rejects("fb3ff0000000000000", ErrorKind::NonShortestFloat, 0); // 1.0 as double
    rejects("fb3ff8000000000000", ErrorKind::NonShortestFloat, 0); // 1.5 as double
    rejects("fa80000000", ErrorKind::NonShortestFloat, 0); // -0.0 as single
    rejects("fa33800000", ErrorKind::NonShortestFloat, 0); // 2^-24 (half subnormal) as single
    rejects("fb3e70000000000000", ErrorKind::NonShortestFloat, 0); // 2^-24 as double
    rejects("fb3ff19999a0000000", ErrorKind::NonShortestFloat, 0); // f32(1.1) as double
    rejects("f97e01", ErrorKind::NonShortestFloat, 0); // NaN with payload
    rejects("f97c01", ErrorKind::NonShortestFloat, 0); // signalling NaN
    rejects("f9fe00", ErrorKind::NonShortestFloat, 0); // negative quiet NaN
    assert_eq!(check(&hex("fa3f8ccccd"), &Limits::default()), Ok(())); // f32(1.1): no half form
    assert_eq!(check(&hex("fa33000000"), &Limits::default()), Ok(())); // 2^-25: below half range
    assert_eq!(check(&hex("fa47800000"), &Limits::default()), Ok(())); // 65536.0: past half max
    rejects("82 01 fa3f800000", ErrorKind::NonShortestFloat, 2); // [1, 1.0 as single]
}

#[test]
fn simple_values() {
    for s in ["f4", "f5", "f6", "f7"] {
        assert_eq!(check(&hex(s), &Limits::default()), Ok(()), "{s}");
    }
    rejects("e0", ErrorKind::InvalidSimpleValue { value: 0 }, 0); // simple(0), unassigned
    rejects("f0", ErrorKind::InvalidSimpleValue { value: 16 }, 0); // simple(16), unassigned
    rejects("f3", ErrorKind::InvalidSimpleValue { value: 19 }, 0); // simple(19), unassigned
    rejects("f814", ErrorKind::InvalidSimpleValue { value: 20 }, 0); // false in two bytes: ill-formed
    rejects("f818", ErrorKind::InvalidSimpleValue { value: 24 }, 0); // simple(24) in two bytes: ill-formed
    rejects("f820", ErrorKind::InvalidSimpleValue { value: 32 }, 0); // simple(32), unassigned
    rejects("f8ff", ErrorKind::InvalidSimpleValue { value: 255 }, 0); // simple(255), unassigned
}

#[test]
fn reserved_additional_info_and_breaks() {
    rejects("1c", ErrorKind::ReservedAdditionalInfo { value: 28 }, 0); // major 0, ai 28
    rejects("3d", ErrorKind::ReservedAdditionalInfo { value: 29 }, 0); // major 1, ai 29
    rejects("fe", ErrorKind::ReservedAdditionalInfo { value: 30 }, 0); // major 7, ai 30
    rejects("81 5c", ErrorKind::ReservedAdditionalInfo { value: 28 }, 1); // [major 2, ai 28]
    rejects("ff", ErrorKind::UnexpectedBreak, 0); // lone break
    rejects("81 ff", ErrorKind::UnexpectedBreak, 1); // [break]
    rejects("a1 ff 00", ErrorKind::UnexpectedBreak, 1); // {break: 0}
    rejects("1f", ErrorKind::IndefiniteLength, 0); // major 0 with ai 31: ill-formed
    rejects("3f", ErrorKind::IndefiniteLength, 0); // major 1 with ai 31: ill-formed
    rejects("df 00", ErrorKind::IndefiniteLength, 0); // major 6 with ai 31: ill-formed
    rejects("5f ff", ErrorKind::IndefiniteLength, 0); // empty indefinite byte string
    rejects("7f 60 ff", ErrorKind::IndefiniteLength, 0); // indefinite "" with one empty chunk
}

#[test]
fn map_keys_sorted_bytewise() {
    rejects("a2 6162 01 6161 02", ErrorKind::UnsortedMapKeys, 4); // {"b": 1, "a": 2}
    check(&hex("a2 6161 02 6162 01"), &Limits::default()).unwrap(); // {"a": 2, "b": 1}
    check(&hex("a2 0a 00 20 00"), &Limits::default()).unwrap(); // {10: 0, -1: 0}: 0x0a < 0x20
    rejects("a2 20 00 0a 00", ErrorKind::UnsortedMapKeys, 3); // {-1: 0, 10: 0}
    check(&hex("a2 01 00 6161 00"), &Limits::default()).unwrap(); // {1: 0, "a": 0}: 0x01 < 0x61
    rejects("a2 6161 00 01 00", ErrorKind::UnsortedMapKeys, 4); // {"a": 0, 1: 0}
    // §4.2.1 is bytewise, not RFC 7049 length-first: "b" (61 62) < "aa" (62 61 61).
    check(&hex("a2 6162 00 626161 00"), &Limits::default()).unwrap(); // {"b": 0, "aa": 0}
    rejects("a2 626161 00 6162 00", ErrorKind::UnsortedMapKeys, 5); // {"aa": 0, "b": 0}
    check(&hex("a2 190100 00 20 00"), &Limits::default()).unwrap(); // {256: 0, -1: 0}: 0x19 < 0x20
    check(&hex("a2 02 00 8101 00"), &Limits::default()).unwrap(); // {2: 0, [1]: 0}
    rejects("a3 01 00 03 00 02 00", ErrorKind::UnsortedMapKeys, 5); // {1, 3, 2}
    // Nested map: the fault is reported at the inner key.
    rejects("81 a2 02 00 01 00", ErrorKind::UnsortedMapKeys, 4); // [{2: 0, 1: 0}]
}

#[test]
fn duplicate_map_keys() {
    rejects("a2 01 00 01 00", ErrorKind::DuplicateMapKey, 3); // {1: 0, 1: 0}
    rejects("a2 6161 00 6161 01", ErrorKind::DuplicateMapKey, 4); // {"a": 0, "a": 1}
    rejects("a2 a10100 00 a10100 00", ErrorKind::DuplicateMapKey, 5); // {{1: 0}: 0, {1: 0}: 0}
    rejects("a3 00 00 01 00 01 00", ErrorKind::DuplicateMapKey, 5); // {0, 1, 1}
}

#[test]
fn invalid_utf8() {
    rejects("62 c3 28", ErrorKind::InvalidUtf8, 0); // bad continuation byte
    rejects("61 ff", ErrorKind::InvalidUtf8, 0); // 0xff never appears in UTF-8
    rejects("62 c0 80", ErrorKind::InvalidUtf8, 0); // overlong NUL
    rejects("63 ed a0 80", ErrorKind::InvalidUtf8, 0); // UTF-16 surrogate
    rejects("82 00 61 80", ErrorKind::InvalidUtf8, 2); // [0, lone continuation byte]
    check(&hex("42 c3 28"), &Limits::default()).unwrap(); // the same bytes as a byte string
}

#[test]
fn trailing_bytes() {
    rejects("00 00", ErrorKind::TrailingBytes { count: 1 }, 1); // 0 0
    rejects("8100 ff ff", ErrorKind::TrailingBytes { count: 2 }, 2); // [0] + 2 bytes
    assert_eq!(check_prefix(&hex("00 00"), &Limits::default()), Ok(1));
    assert_eq!(check_prefix(&hex("82 01 02 ff"), &Limits::default()), Ok(3));
    assert_eq!(check_prefix(&hex("6161 1817"), &Limits::default()), Ok(2));
}

#[test]
fn incomplete() {
    let incomplete = |expected, actual| ErrorKind::Incomplete { expected, actual };
    rejects("", incomplete(1, 0), 0); // nothing at all
    rejects("18", incomplete(2, 1), 0); // 1-byte argument missing
    rejects("1901", incomplete(3, 2), 0); // 2-byte argument cut short
    rejects("1b00000000", incomplete(9, 5), 0); // 8-byte argument cut short
    rejects("43 01 02", incomplete(4, 3), 0); // h'010203' cut short
    rejects("82 01", incomplete(1, 0), 2); // [1, <missing>]
    rejects("a1 01", incomplete(1, 0), 2); // {1: <missing>}
    rejects("c1", incomplete(1, 0), 1); // 1(<missing>)
    assert_eq!(
        check_prefix(&hex("82 01"), &Limits::default())
            .unwrap_err()
            .kind(),
        &incomplete(1, 0)
    );
}

#[test]
fn every_truncation_of_a_nested_item_is_incomplete() {
    // {"a": [1, h'0203', 1(-500)], "bb": {"c": 1.5}, 24: "xyz"} in sorted order.
    let item = hex("a3 1818 6378797a 6161 83 01 420203 c1 3901f3 626262 a1 6163 f93e00");
    check(&item, &Limits::default()).unwrap();
    for cut in 0..item.len() {
        let e = check(&item[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Incomplete { .. }),
            "cut {cut}: {e}"
        );
        assert!(e.position() <= cut, "cut {cut}: {e}");
    }
}

#[test]
fn length_claims_beyond_limits() {
    // h'' claiming 2^63 bytes, followed by one byte: 10 bytes in all.
    let e = err("5b 8000000000000000 00");
    assert_eq!(
        e.kind(),
        &ErrorKind::LengthExceedsInput {
            claimed: 1 << 63,
            available: 1
        }
    );
    // Map claiming 2^32 pairs.
    rejects(
        "bb 0000000100000000 00",
        ErrorKind::LengthExceedsInput {
            claimed: 1 << 32,
            available: 1,
        },
        0,
    );
    // Map claiming u64::MAX pairs (2 * count overflows u64).
    rejects(
        "bb ffffffffffffffff",
        ErrorKind::LengthExceedsInput {
            claimed: u64::MAX,
            available: 0,
        },
        0,
    );
    // Array of 2^32 elements, nested.
    rejects(
        "81 9b 0000000100000000",
        ErrorKind::LengthExceedsInput {
            claimed: 1 << 32,
            available: 0,
        },
        1,
    );
    // A text length within the input's reach but beyond max_bytes.
    let small = size(3);
    rejects_with(
        "63 6161",
        &small,
        ErrorKind::LengthExceedsInput {
            claimed: 3,
            available: 2,
        },
        0,
    );
    check(&hex("62 6161"), &small).unwrap(); // exactly max_bytes
    rejects_with(
        "63 616161",
        &small,
        ErrorKind::TooLarge {
            limit: 3,
            actual: 4,
        },
        0,
    );
}

/// The default limits but `max_bytes` bytes.
fn size(max_bytes: usize) -> Limits {
    Limits {
        max_bytes,
        ..Limits::default()
    }
}

/// The default limits but a depth of `max_depth`.
fn depth(max_depth: usize) -> Limits {
    Limits {
        max_depth,
        ..Limits::default()
    }
}

/// The default limits but `max_items` items.
fn items(max_items: usize) -> Limits {
    Limits {
        max_items,
        ..Limits::default()
    }
}

/// Checks `input` under `limits`: accepted where `refused_at` is `None`, else refused with
/// `fault` at that position.
fn limited(input: &str, limits: &Limits, fault: ErrorKind, refused_at: Option<usize>) {
    match refused_at {
        None => {
            check(&hex(input), limits).unwrap();
        }
        Some(position) => rejects_with(input, limits, fault, position),
    }
}

#[test]
fn depth_limit() {
    for (input, max_depth, refused_at) in [
        ("00", 0, None),             // scalar: depth 0
        ("80", 0, Some(0)),          // []
        ("c1 00", 0, Some(0)),       // 1(0)
        ("80", 1, None),             // []
        ("a1 00 00", 1, None),       // {0: 0}
        ("81 80", 1, Some(1)),       // [[]]
        ("c1 c1 00", 1, Some(1)),    // 1(1(0))
        ("81 81 00", 2, None),       // [[0]]
        ("82 81 00 81 00", 2, None), // [[0], [0]]: siblings don't add up
        ("a1 81 80 00", 2, Some(2)), // {[[]]: 0}
    ] {
        let fault = ErrorKind::DepthExceeded { limit: max_depth };
        limited(input, &depth(max_depth), fault, refused_at);
    }
}

#[test]
fn item_limit() {
    for (input, max_items, refused_at) in [
        ("83 01 02 03", 4, None), // [1, 2, 3]: 4 items
        ("83 01 02 03", 3, Some(3)),
        ("a1 01 c1 02", 4, None), // {1: 1(2)}: map, key, tag, content
        ("a1 01 c1 02", 3, Some(3)),
        ("00", 0, Some(0)),
    ] {
        let fault = ErrorKind::TooManyItems { limit: max_items };
        limited(input, &items(max_items), fault, refused_at);
    }
}

#[test]
fn size_limit_checked_first() {
    let limits = size(2);
    // Even ill-formed input reports TooLarge first.
    rejects_with(
        "ff ff ff",
        &limits,
        ErrorKind::TooLarge {
            limit: 2,
            actual: 3,
        },
        0,
    );
    let e = check_prefix(&hex("00 00 00"), &limits).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::TooLarge {
            limit: 2,
            actual: 3
        }
    );
    assert_eq!(Limits::default().max_bytes, 16 * 1024 * 1024);
    assert_eq!(Limits::default().max_depth, 16);
    assert_eq!(Limits::default().max_items, 65_536);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // The work done is shown by where each walk stops (a byte counter, not a clock): at the
    // depth limit's byte with limits, at the end of the input without.
    for byte in [0x81u8, 0xc1, 0xa1] {
        let deep = vec![byte; 100_000];
        rejects_with(
            &deep.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            &Limits::default(),
            ErrorKind::DepthExceeded { limit: 16 },
            16,
        );
        // Without any limits the walk ends where the input does.
        let unlimited = Limits {
            max_bytes: usize::MAX,
            max_depth: usize::MAX,
            max_items: usize::MAX,
        };
        let e = check(&deep, &unlimited).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Incomplete { .. }), "{e}");
        assert_eq!(e.position(), 100_000);
    }
}

#[test]
fn every_single_byte_input() {
    for b in 0..=255u8 {
        let result = check(&[b], &Limits::default());
        let ok = matches!(b, 0x00..=0x17 | 0x20..=0x37 | 0x40 | 0x60 | 0x80 | 0xa0 | 0xf4..=0xf7);
        assert_eq!(result.is_ok(), ok, "{b:#04x}: {result:?}");
        if let Err(e) = result {
            assert!(e.position() <= 1, "{b:#04x}: {e}");
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn every_two_byte_input_never_panics() {
    let mut ok = 0;
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            if check(&[a, b], &Limits::default()).is_ok() {
                ok += 1;
            }
        }
    }
    // 24..=255 as 0x18 xx, -25..=-256 as 0x38 xx, 1-byte strings (valid
    // UTF-8 only for ASCII), one-element arrays of a one-byte item, and
    // tags 0..=23 on a one-byte item.
    let one_byte_items = 24 + 24 + 4 + 4; // ints, empty containers, simple values
    let expected = 232 + 232 + 256 + 128 + one_byte_items + 24 * one_byte_items;
    assert_eq!(ok, expected);
}

#[test]
fn error_display_names_the_position() {
    let e = err("82 01 1817");
    assert_eq!(
        e.to_string(),
        "argument not encoded in its shortest form at byte 2"
    );
}

#[test]
fn item_reader_covers_exactly_the_next_item_and_advances_past_it() {
    // [{"a": [1, 2]}, 7]
    let input = hex("82 a1 61 61 82 01 02 07");
    let mut r = crate::Reader::new(&input, &Limits::default()).unwrap();
    assert_eq!(r.array().unwrap(), 2);
    let mut inner = r.item_reader().unwrap();
    assert_eq!(inner.input_len(), 6);
    assert_eq!(inner.map().unwrap(), 1);
    assert_eq!(inner.text().unwrap(), "a");
    assert_eq!(inner.array().unwrap(), 2);
    assert_eq!((inner.u64().unwrap(), inner.u64().unwrap()), (1, 2));
    assert!(inner.is_at_end());
    assert_eq!(r.u64().unwrap(), 7);
    assert!(r.is_at_end());
    assert!(r.item_reader().is_err(), "no item left to read");
}
