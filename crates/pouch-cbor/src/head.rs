//! Item heads (initial byte plus argument) and half/single/double float helpers.

use crate::{Error, ErrorKind};

/// Major type 0: unsigned integer.
pub(crate) const MAJOR_UNSIGNED: u8 = 0;
/// Major type 1: negative integer.
pub(crate) const MAJOR_NEGATIVE: u8 = 1;
/// Major type 2: byte string.
pub(crate) const MAJOR_BYTES: u8 = 2;
/// Major type 3: text string.
pub(crate) const MAJOR_TEXT: u8 = 3;
/// Major type 4: array.
pub(crate) const MAJOR_ARRAY: u8 = 4;
/// Major type 5: map.
pub(crate) const MAJOR_MAP: u8 = 5;
/// Major type 6: tag.
pub(crate) const MAJOR_TAG: u8 = 6;
/// Major type 7: simple values and floats.
pub(crate) const MAJOR_SIMPLE: u8 = 7;

/// A decoded item head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head {
    /// Major type, 0..=7.
    pub(crate) major: u8,
    /// Additional information, 0..=27 (28..=31 are rejected by [`read_head`]).
    pub(crate) ai: u8,
    /// The argument (for floats: the raw bits).
    pub(crate) arg: u64,
    /// Length of the head in bytes (1, 2, 3, 5 or 9).
    pub(crate) len: usize,
}

/// Reads the head at `pos`. Rejects reserved additional information and
/// every use of additional information 31 (indefinite lengths and break).
pub(crate) fn read_head(input: &[u8], pos: usize) -> Result<Head, Error> {
    let rest = input.get(pos..).unwrap_or(&[]);
    let Some(&first) = rest.first() else {
        return Err(Error::new(
            ErrorKind::Incomplete {
                expected: 1,
                actual: 0,
            },
            pos,
        ));
    };
    let major = first >> 5;
    let ai = first & 0x1f;
    let extra = argument_bytes(ai, pos)?;
    if ai == 31 {
        let kind = if major == MAJOR_SIMPLE {
            ErrorKind::UnexpectedBreak
        } else {
            ErrorKind::IndefiniteLength
        };
        return Err(Error::new(kind, pos));
    }
    let Some(arg_bytes) = rest.get(1..1 + extra) else {
        return Err(Error::new(
            ErrorKind::Incomplete {
                expected: 1 + extra,
                actual: rest.len(),
            },
            pos,
        ));
    };
    let arg = argument(ai, arg_bytes);
    Ok(Head {
        major,
        ai,
        arg,
        len: 1 + extra,
    })
}

/// How many argument bytes follow a head's first byte whose additional information is `ai`:
/// none below 24 and for 31 (an indefinite length or a break, which the caller judges), 1, 2, 4
/// or 8 for 24 to 27. 28 to 30 are reserved (RFC 8949 §3): an error at `pos`.
pub(crate) fn argument_bytes(ai: u8, pos: usize) -> Result<usize, Error> {
    match ai {
        0..=23 | 31 => Ok(0),
        24 => Ok(1),
        25 => Ok(2),
        26 => Ok(4),
        27 => Ok(8),
        _ => Err(Error::new(
            ErrorKind::ReservedAdditionalInfo { value: ai },
            pos,
        )),
    }
}

/// A head's argument: `ai` itself below 24, else the big-endian `bytes` that follow.
pub(crate) fn argument(ai: u8, bytes: &[u8]) -> u64 {
    if ai < 24 {
        u64::from(ai)
    } else {
        bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    }
}

/// Appends the shortest head for `major` and `arg` to `out`.
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let mt = major << 5;
    // The `as` casts below are guarded by the range checks.
    if arg < 24 {
        out.push(mt | arg as u8);
    } else if arg <= u64::from(u8::MAX) {
        out.push(mt | 24);
        out.push(arg as u8);
    } else if arg <= u64::from(u16::MAX) {
        out.push(mt | 25);
        out.extend_from_slice(&(arg as u16).to_be_bytes());
    } else if arg <= u64::from(u32::MAX) {
        out.push(mt | 26);
        out.extend_from_slice(&(arg as u32).to_be_bytes());
    } else {
        out.push(mt | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

/// Appends a head with the given additional information (24..=27) and
/// argument, whether or not it is the shortest. Used by the testing helpers.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn write_head_with_ai(out: &mut Vec<u8>, major: u8, ai: u8, arg: u64) {
    out.push((major << 5) | ai);
    let bytes = arg.to_be_bytes();
    let n = match ai {
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        _ => 0,
    };
    out.extend_from_slice(bytes.get(8 - n..).unwrap_or(&[]));
}

/// The smallest argument that needs additional information `ai` (24..=27)
/// in shortest form.
pub(crate) fn min_arg_for_ai(ai: u8) -> u64 {
    match ai {
        24 => 24,
        25 => 1 << 8,
        26 => 1 << 16,
        27 => 1 << 32,
        _ => 0,
    }
}

/// Converts IEEE 754 half-precision bits to an `f64` (exactly).
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let negative = bits & 0x8000 != 0;
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    let magnitude = match exp {
        0 => mant * 2f64.powi(-24),
        0x1f if mant == 0.0 => f64::INFINITY,
        0x1f => f64::NAN,
        _ => (1024.0 + mant) * 2f64.powi(exp - 25),
    };
    if negative { -magnitude } else { magnitude }
}

/// The bits of `v` in a binary format with `exp_bits` exponent bits and
/// `mant_bits` fraction bits (half: 5/10, single: 8/23), if that format
/// represents `v` exactly. NaN never converts.
fn narrow_exact(v: f64, exp_bits: u32, mant_bits: u32) -> Option<u64> {
    let bits = v.to_bits();
    let sign = (bits >> 63) << (exp_bits + mant_bits);
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let mant = bits & ((1u64 << 52) - 1);
    let max_field = (1u64 << exp_bits) - 1;
    if exp == 0x7ff {
        // Infinity converts; NaN does not.
        return (mant == 0).then_some(sign | (max_field << mant_bits));
    }
    if exp == 0 {
        // Zero converts; f64 subnormals are far below any narrower range.
        return (mant == 0).then_some(sign);
    }
    let bias = (1i32 << (exp_bits - 1)) - 1;
    let e = exp - 1023;
    let mant_bits_i = mant_bits as i32;
    if (1 - bias..=bias).contains(&e) {
        let drop = 52 - mant_bits;
        if mant & ((1u64 << drop) - 1) != 0 {
            return None;
        }
        return Some(sign | (((e + bias) as u64) << mant_bits) | (mant >> drop));
    }
    // Subnormal in the narrow format: v = m * 2^min_e with 0 < m < 2^mant_bits.
    let min_e = 1 - bias - mant_bits_i;
    if (min_e..1 - bias).contains(&e) {
        let sig = mant | (1u64 << 52);
        let shift = (52 + min_e - e) as u32; // 53 - mant_bits ..= 52
        if sig & ((1u64 << shift) - 1) != 0 {
            return None;
        }
        return Some(sign | (sig >> shift));
    }
    None
}

/// Half-precision bits representing `v` exactly, if any.
pub(crate) fn f64_to_f16_exact(v: f64) -> Option<u16> {
    narrow_exact(v, 5, 10).and_then(|b| u16::try_from(b).ok())
}

/// Single-precision value representing `v` exactly, if any.
pub(crate) fn f64_to_f32_exact(v: f64) -> Option<f32> {
    narrow_exact(v, 8, 23)
        .and_then(|b| u32::try_from(b).ok())
        .map(f32::from_bits)
}

/// The canonical encoding of NaN: half-precision quiet NaN `0xf97e00`.
pub(crate) const CANONICAL_NAN_F16: u16 = 0x7e00;
