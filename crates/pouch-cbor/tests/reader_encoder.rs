//! Integration tests for `Reader`, `Encoder` and `MapBuilder`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pouch_cbor::{Encoder, ErrorKind, Kind, Limits, MapBuilder, Reader, check};

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// The error of a read expecting `expected` where the next item is `found`.
fn unexpected(expected: &'static str, found: &'static str) -> ErrorKind {
    ErrorKind::UnexpectedType { expected, found }
}

fn encoded(f: impl FnOnce(&mut Encoder)) -> Vec<u8> {
    let mut e = Encoder::new();
    f(&mut e);
    let bytes = e.into_bytes();
    check(&bytes, &Limits::default()).unwrap();
    bytes
}

#[test]
fn unsigned_heads_are_shortest() {
    for (v, h) in [
        (0, "00"),
        (23, "17"),
        (24, "1818"),
        (255, "18ff"),
        (256, "190100"),
        (65_535, "19ffff"),
        (65_536, "1a00010000"),
        (u64::from(u32::MAX), "1affffffff"),
        (1 << 32, "1b0000000100000000"),
        (u64::MAX, "1bffffffffffffffff"),
    ] {
        assert_eq!(
            encoded(|e| {
                e.u64(v);
            }),
            hex(h),
            "{v}"
        );
    }
}

#[test]
fn signed_integers() {
    for (v, h) in [
        (0i64, "00"),
        (-1, "20"),
        (-24, "37"),
        (-25, "3818"),
        (-256, "38ff"),
        (-257, "390100"),
        (i64::MAX, "1b7fffffffffffffff"),
        (i64::MIN, "3b7fffffffffffffff"),
    ] {
        let bytes = encoded(|e| {
            e.i64(v);
        });
        assert_eq!(bytes, hex(h), "{v}");
        assert_eq!(
            Reader::new(&bytes, &Limits::default())
                .unwrap()
                .i64()
                .unwrap(),
            v
        );
    }
    assert_eq!(
        encoded(|e| {
            e.negative(u64::MAX);
        }),
        hex("3bffffffffffffffff")
    );
}

#[test]
fn floats_are_shortest() {
    for (v, h) in [
        (0.0, "f90000"),
        (-0.0, "f98000"),
        (1.0, "f93c00"),
        (1.5, "f93e00"),
        (65504.0, "f97bff"),
        (65536.0, "fa47800000"),
        (100_000.0, "fa47c35000"),
        (1.1, "fb3ff199999999999a"),
        (5.960464477539063e-8, "f90001"),
        (f64::INFINITY, "f97c00"),
        (f64::NEG_INFINITY, "f9fc00"),
        (f64::NAN, "f97e00"),
        (-f64::NAN, "f97e00"),
        (f64::from_bits(0x7ff0_0000_0000_0001), "f97e00"),
        (f64::MIN_POSITIVE / 2.0, "fb0008000000000000"),
    ] {
        let bytes = encoded(|e| {
            e.f64(v);
        });
        assert_eq!(bytes, hex(h), "{v}");
        let back = Reader::new(&bytes, &Limits::default())
            .unwrap()
            .f64()
            .unwrap();
        assert!(
            back.to_bits() == v.to_bits() || (v.is_nan() && back.is_nan()),
            "{v}"
        );
    }
}

#[test]
fn strings_and_containers() {
    let bytes = encoded(|e| {
        e.array(5)
            .bytes(&[1, 2])
            .text("ü")
            .tag(1)
            .u64(7)
            .bool(false)
            .null();
    });
    assert_eq!(bytes, hex("85 420102 62c3bc c107 f4 f6"));
    let long = "x".repeat(300);
    let bytes = encoded(|e| {
        e.text(&long);
    });
    assert_eq!(&bytes[..3], hex("790 12c").as_slice());
}

#[test]
fn map_builder_sorts_and_rejects_duplicates() {
    let mut m = MapBuilder::new();
    m.entry_with(
        |k| {
            k.text("aa");
        },
        |v| {
            v.u64(0);
        },
    )
    .unwrap();
    m.entry_with(
        |k| {
            k.text("b");
        },
        |v| {
            v.u64(1);
        },
    )
    .unwrap();
    m.entry_with(
        |k| {
            k.i64(-1);
        },
        |v| {
            v.u64(2);
        },
    )
    .unwrap();
    m.entry_with(
        |k| {
            k.u64(10);
        },
        |v| {
            v.u64(3);
        },
    )
    .unwrap();
    assert_eq!(m.len(), 4);
    let mut out = Encoder::new();
    m.finish(&mut out).unwrap();
    // 10 (0a) < -1 (20) < "b" (6162) < "aa" (626161)
    assert_eq!(
        out.as_bytes(),
        hex("a4 0a 03 20 02 6162 01 626161 00").as_slice()
    );
    check(out.as_bytes(), &Limits::default()).unwrap();

    let mut m = MapBuilder::new();
    m.entry(vec![0x02], vec![0x00]).unwrap();
    m.entry(vec![0x01], vec![0x00]).unwrap();
    m.entry(vec![0x02], vec![0x01]).unwrap();
    let mut out = Encoder::new();
    out.array(1);
    let e = m.finish(&mut out).unwrap_err();
    // 0x81, then a3 01 00 02 00 | second 02 at offset 6.
    assert_eq!((e.kind(), e.position()), (&ErrorKind::DuplicateMapKey, 6));
    assert_eq!(out.as_bytes(), [0x81], "nothing written on error");

    let mut m = MapBuilder::new();
    let e = m.entry(hex("1817"), vec![0x00]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NonShortestArgument);
    let e = m.entry(vec![0x01, 0x02], vec![0x00]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TrailingBytes { count: 1 });
    assert!(m.is_empty());
    let mut out = Encoder::new();
    m.finish(&mut out).unwrap();
    assert_eq!(out.into_bytes(), [0xa0]);
}

#[test]
fn reader_walks_an_item() {
    // {1: [h'0102', "hi", -3], "k": 42(true), "z": null} with an f16 inside.
    let bytes = hex("a3 01 84 420102 626869 22 f93e00 616b d82a f5 617a f6");
    let mut r = Reader::new(&bytes, &Limits::default()).unwrap();
    assert_eq!(r.peek_kind(), Some(Kind::Map));
    assert_eq!(r.map().unwrap(), 3);
    assert_eq!(r.u64().unwrap(), 1);
    assert_eq!(r.array().unwrap(), 4);
    assert_eq!(r.peek_kind(), Some(Kind::Bytes));
    assert_eq!(r.bytes().unwrap(), [1, 2]);
    assert_eq!(r.text().unwrap(), "hi");
    assert_eq!(r.peek_kind(), Some(Kind::Negative));
    assert_eq!(r.i64().unwrap(), -3);
    assert_eq!(r.peek_kind(), Some(Kind::Float));
    assert_eq!(r.f64().unwrap(), 1.5);
    assert_eq!(r.text().unwrap(), "k");
    assert_eq!(r.peek_kind(), Some(Kind::Tag));
    assert_eq!(r.tag().unwrap(), 42);
    assert_eq!(r.peek_kind(), Some(Kind::Simple));
    assert!(r.bool().unwrap());
    assert_eq!(r.text().unwrap(), "z");
    r.null().unwrap();
    assert!(r.is_at_end());
    assert_eq!(r.peek_kind(), None);
    let e = r.u64().unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Incomplete {
            expected: 1,
            actual: 0
        }
    );
    assert_eq!(e.position(), bytes.len());
}

#[test]
fn reader_skip_and_item_bytes() {
    let bytes = hex("83 a1 6161 82 01 02 c1 43 010203 f7");
    let mut r = Reader::new(&bytes, &Limits::default()).unwrap();
    assert_eq!(r.array().unwrap(), 3);
    assert_eq!(r.item_bytes().unwrap(), hex("a1 6161 82 01 02").as_slice());
    assert_eq!(r.position(), 7);
    r.skip().unwrap();
    assert_eq!(r.position(), 12);
    r.undefined().unwrap();
    assert!(r.is_at_end());

    let mut whole = Reader::new(&bytes, &Limits::default()).unwrap();
    assert_eq!(whole.item_bytes().unwrap(), bytes.as_slice());
    assert!(whole.is_at_end());
}

#[test]
fn reader_type_errors_do_not_advance() {
    let bytes = hex("82 6161 f6");
    let mut r = Reader::new(&bytes, &Limits::default()).unwrap();
    let e = r.map().unwrap_err();
    assert_eq!((e.kind(), e.position()), (&unexpected("map", "array"), 0));
    r.array().unwrap();
    let e = r.u64().unwrap_err();
    assert_eq!(
        (e.kind(), e.position()),
        (&unexpected("unsigned integer", "text string"), 1)
    );
    assert_eq!(r.position(), 1);
    assert_eq!(r.text().unwrap(), "a");
    let e = r.bool().unwrap_err();
    assert_eq!(e.kind(), &unexpected("bool", "null"));
    let e = r.bytes().unwrap_err();
    assert_eq!(e.kind(), &unexpected("byte string", "null"));
    let e = r.i64().unwrap_err();
    assert_eq!(e.kind(), &unexpected("integer", "null"));
    r.null().unwrap();
    assert!(r.is_at_end());
}

#[test]
fn reader_integer_ranges() {
    for (h, expected) in [
        ("1b7fffffffffffffff", Ok(i64::MAX)),
        ("1b8000000000000000", Err(ErrorKind::IntegerOutOfRange)),
        ("3b7fffffffffffffff", Ok(i64::MIN)),
        ("3b8000000000000000", Err(ErrorKind::IntegerOutOfRange)),
        ("3bffffffffffffffff", Err(ErrorKind::IntegerOutOfRange)),
    ] {
        let bytes = hex(h);
        let mut r = Reader::new(&bytes, &Limits::default()).unwrap();
        assert_eq!(r.i64().map_err(|e| e.kind().clone()), expected, "{h}");
        if expected.is_err() {
            assert_eq!(r.position(), 0);
        }
    }
    let bytes = hex("3bffffffffffffffff");
    let mut r = Reader::new(&bytes, &Limits::default()).unwrap();
    assert_eq!(r.negative().unwrap(), u64::MAX);
}

#[test]
fn reader_refuses_unchecked_input() {
    let e = Reader::new(&hex("a2 02 00 01 00"), &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnsortedMapKeys);
    let e = Reader::new(&hex("01 02"), &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TrailingBytes { count: 1 });
}
