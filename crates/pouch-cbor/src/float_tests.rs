//! Unit tests for the half/single precision conversions in `head`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::head::{f16_to_f64, f64_to_f16_exact, f64_to_f32_exact};

#[test]
fn half_precision_round_trips() {
    for bits in 0..=u16::MAX {
        let v = f16_to_f64(bits);
        if v.is_nan() {
            assert_eq!(f64_to_f16_exact(v), None);
        } else {
            assert_eq!(f64_to_f16_exact(v), Some(bits), "{bits:#06x}");
            assert_eq!(f64_to_f32_exact(v).map(f64::from), Some(v));
        }
    }
    assert_eq!(f16_to_f64(0x3c00), 1.0);
    assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
    assert_eq!(f16_to_f64(0x7bff), 65504.0);
    assert_eq!(f64_to_f16_exact(1.1), None);
    assert_eq!(f64_to_f16_exact(65505.0), None);
    assert_eq!(f64_to_f16_exact(2f64.powi(-25)), None);
    assert_eq!(f64_to_f16_exact(1.0 + 2f64.powi(-11)), None); // one bit too many
}

#[test]
fn single_precision_round_trips() {
    let mut bits: u32 = 0;
    loop {
        let f = f32::from_bits(bits);
        if !f.is_nan() {
            let got = f64_to_f32_exact(f64::from(f)).map(f32::to_bits);
            assert_eq!(got, Some(bits), "{bits:#010x}");
        }
        match bits.checked_add(65_521) {
            Some(next) => bits = next,
            None => break,
        }
    }
    assert_eq!(f64_to_f32_exact(1.1), None);
    assert_eq!(f64_to_f32_exact(f64::from(f32::MAX) * 2.0), None);
    assert_eq!(f64_to_f32_exact(2f64.powi(-149)), Some(f32::from_bits(1)));
    assert_eq!(f64_to_f32_exact(2f64.powi(-150)), None);
}
