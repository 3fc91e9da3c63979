//! Property tests: encoder output passes the checker and round-trips through
//! the reader; non-deterministic variants fail; arbitrary input never panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use proptest::prelude::*;

use crate::head::f16_to_f64;
use crate::testing::non_deterministic_variants;
use crate::tests::hex;
use crate::{Encoder, Error, Kind, Limits, MapBuilder, Reader, check, check_prefix};

/// A CBOR data model value.
#[derive(Debug, Clone)]
enum Value {
    Unsigned(u64),
    Negative(u64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Tag(u64, Box<Value>),
    Bool(bool),
    Null,
    Undefined,
    Float(f64),
}

fn integer() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..30,
        0u64..70_000,
        any::<u32>().prop_map(u64::from),
        any::<u64>()
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        any::<u64>().prop_map(f64::from_bits),
        any::<u16>().prop_map(f16_to_f64),
        any::<u32>().prop_map(|b| f64::from(f32::from_bits(b))),
        (-2000i32..2000).prop_map(|i| f64::from(i) / 4.0),
        Just(-0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::NAN),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        integer().prop_map(Value::Unsigned),
        integer().prop_map(Value::Negative),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        ".{0,12}".prop_map(Value::Text),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        Just(Value::Undefined),
        float().prop_map(Value::Float),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..6).prop_map(Value::Map),
            (integer(), inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
        ]
    })
}

/// Encodes `v`, dropping map entries whose key repeats an earlier one.
fn encode(v: &Value, e: &mut Encoder) {
    match v {
        Value::Unsigned(n) => drop(e.u64(*n)),
        Value::Negative(n) => drop(e.negative(*n)),
        Value::Bytes(b) => drop(e.bytes(b)),
        Value::Text(t) => drop(e.text(t)),
        Value::Array(items) => {
            e.array(items.len() as u64);
            for item in items {
                encode(item, e);
            }
        }
        Value::Map(entries) => {
            let mut seen = HashSet::new();
            let mut m = MapBuilder::new();
            for (k, v) in entries {
                let kb = encode_one(k);
                if seen.insert(kb.clone()) {
                    m.entry(kb, encode_one(v)).unwrap();
                }
            }
            m.finish(e).unwrap();
        }
        Value::Tag(t, inner) => {
            e.tag(*t);
            encode(inner, e);
        }
        Value::Bool(b) => drop(e.bool(*b)),
        Value::Null => drop(e.null()),
        Value::Undefined => drop(e.undefined()),
        Value::Float(f) => drop(e.f64(*f)),
    }
}

fn encode_one(v: &Value) -> Vec<u8> {
    let mut e = Encoder::new();
    encode(v, &mut e);
    e.into_bytes()
}

/// Reads one value through the reader.
fn decode(r: &mut Reader<'_>) -> Result<Value, Error> {
    Ok(match r.peek_kind() {
        Some(Kind::Unsigned) => Value::Unsigned(r.u64()?),
        Some(Kind::Negative) => Value::Negative(r.negative()?),
        Some(Kind::Bytes) => Value::Bytes(r.bytes()?.to_vec()),
        Some(Kind::Text) => Value::Text(r.text()?.to_owned()),
        Some(Kind::Array) => {
            let n = r.array()?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(decode(r)?);
            }
            Value::Array(items)
        }
        Some(Kind::Map) => {
            let n = r.map()?;
            let mut entries = Vec::new();
            for _ in 0..n {
                let k = decode(r)?;
                entries.push((k, decode(r)?));
            }
            Value::Map(entries)
        }
        Some(Kind::Tag) => {
            let t = r.tag()?;
            Value::Tag(t, Box::new(decode(r)?))
        }
        Some(Kind::Float) => Value::Float(r.f64()?),
        Some(Kind::Simple) => {
            if let Ok(b) = r.bool() {
                Value::Bool(b)
            } else if r.null().is_ok() {
                Value::Null
            } else {
                r.undefined()?;
                Value::Undefined
            }
        }
        None => {
            // At the end: let a read report the error.
            r.u64()?;
            Value::Null
        }
    })
}

/// Whether `v` has a head that can be widened or a string or container
/// that can be made indefinite (only 9-byte heads have neither).
fn has_variants(v: &Value) -> bool {
    match v {
        Value::Unsigned(n) | Value::Negative(n) => *n <= u64::from(u32::MAX),
        Value::Tag(t, inner) => *t <= u64::from(u32::MAX) || has_variants(inner),
        Value::Float(f) => f.is_nan() || crate::head::f64_to_f32_exact(*f).is_some(),
        _ => true,
    }
}

/// Decodes checked `bytes` through the reader and re-encodes them.
fn reencode(bytes: &[u8]) -> Vec<u8> {
    let mut r = Reader::new(bytes, &Limits::default()).unwrap();
    let v = decode(&mut r).unwrap();
    assert!(r.is_at_end());
    encode_one(&v)
}

/// Calls reader methods chosen by `ops` in turn on an input of `len` bytes,
/// ignoring their results; the reader must never panic nor run past the end.
fn poke(r: &mut Reader<'_>, len: usize, ops: &[u8]) {
    for op in ops {
        let _ = r.peek_kind();
        let _ = match op % 16 {
            0 => r.u64().map(drop),
            1 => r.i64().map(drop),
            2 => r.negative().map(drop),
            3 => r.bytes().map(drop),
            4 => r.text().map(drop),
            5 => r.array().map(drop),
            6 => r.map().map(drop),
            7 => r.tag().map(drop),
            8 => r.bool().map(drop),
            9 => r.null().map(drop),
            10 => r.undefined().map(drop),
            11 => r.f64().map(drop),
            12 => r.skip(),
            13 => r.item_bytes().map(drop),
            _ => Ok(()),
        };
        assert!(r.position() <= len);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encoder_output_is_deterministic_and_round_trips(v in value()) {
        let bytes = encode_one(&v);
        prop_assert_eq!(check(&bytes, &Limits::default()), Ok(()));
        prop_assert_eq!(reencode(&bytes), bytes.clone());
        let mut r = Reader::new(&bytes, &Limits::default()).unwrap();
        prop_assert_eq!(r.item_bytes().unwrap(), bytes.as_slice());
        prop_assert!(r.is_at_end());
    }

    #[test]
    fn sequences_split_with_check_prefix(a in value(), b in value()) {
        let (a, b) = (encode_one(&a), encode_one(&b));
        let mut seq = a.clone();
        seq.extend_from_slice(&b);
        prop_assert_eq!(check_prefix(&seq, &Limits::default()), Ok(a.len()));
        prop_assert_eq!(check_prefix(&seq[a.len()..], &Limits::default()), Ok(b.len()));
    }

    #[test]
    fn non_deterministic_variants_all_fail(v in value()) {
        let bytes = encode_one(&v);
        let variants = non_deterministic_variants(&bytes);
        if has_variants(&v) {
            prop_assert!(!variants.is_empty(), "no variants for {:02x?}", bytes);
        }
        for variant in variants {
            prop_assert_ne!(&variant, &bytes);
            prop_assert!(check(&variant, &Limits::default()).is_err(), "{:02x?} passed", variant);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64), ops in proptest::collection::vec(any::<u8>(), 0..16)) {
        let result = check(&bytes, &Limits::default());
        let _ = check_prefix(&bytes, &Limits::default());
        if result.is_ok() {
            prop_assert_eq!(reencode(&bytes), bytes.clone());
            poke(&mut Reader::new(&bytes, &Limits::default()).unwrap(), bytes.len(), &ops);
        }
    }

    #[test]
    fn mutated_encodings_are_rejected_or_canonical(
        v in value(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        mode in 0u8..3,
        ops in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let mut bytes = encode_one(&v);
        let i = at.index(bytes.len());
        match mode {
            0 => bytes[i] = byte,
            1 => bytes.insert(i, byte),
            _ => drop(bytes.remove(i)),
        }
        let result = check(&bytes, &Limits::default());
        if result.is_ok() {
            // Whatever passes the checker is canonical: re-encoding is identical.
            prop_assert_eq!(reencode(&bytes), bytes.clone());
            poke(&mut Reader::new(&bytes, &Limits::default()).unwrap(), bytes.len(), &ops);
        } else {
            prop_assert!(Reader::new(&bytes, &Limits::default()).is_err());
        }
    }
}

#[test]
fn variants_of_known_items() {
    let has = |item: &str, variant: &str| {
        let variants = non_deterministic_variants(&hex(item));
        assert!(variants.contains(&hex(variant)), "{item}: {variants:02x?}");
        for v in &variants {
            assert!(check(v, &Limits::default()).is_err(), "{v:02x?}");
        }
    };
    has("01", "18 01"); // 1 widened
    has("18 18", "19 0018"); // 24 widened
    has("f9 3c00", "fa 3f800000"); // 1.0: f16 -> f32
    has("fa 47c35000", "fb 40f86a0000000000"); // 100000.0: f32 -> f64
    has("f9 7e00", "fa 7fc00000"); // NaN: f16 -> f32
    has("f5", "f8 15"); // true in the two-byte form
    has("60", "7f 60 ff"); // "" as one empty chunk
    has("42 0102", "5f 42 0102 ff"); // h'0102' indefinite
    has("82 01 02", "9f 01 02 ff"); // [1, 2] indefinite
    has("a2 01 00 02 00", "a2 02 00 01 00"); // {1: 0, 2: 0} swapped
    has("a2 01 00 02 00", "bf 01 00 02 00 ff"); // indefinite map
    has("81 a2 01 00 02 00", "81 a2 02 00 01 00"); // nested swap
    has("c1 00", "d8 01 00"); // tag widened
    has("c1 00", "c1 18 00"); // tag content widened
    assert!(non_deterministic_variants(&hex("1b ffffffffffffffff")).is_empty());
    assert!(
        non_deterministic_variants(&hex("18 17")).is_empty(),
        "invalid input"
    );
    // [0, 1, ..., 23, 0, 1, ...]: 100 one-byte elements.
    let big: Vec<u8> = [0x98, 100]
        .into_iter()
        .chain((0..100).map(|i| i % 24))
        .collect();
    let variants = non_deterministic_variants(&big);
    assert_eq!(
        variants.len(),
        64 + 1,
        "capped widening plus one indefinite"
    );
}
