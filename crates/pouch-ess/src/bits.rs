//! BIT STRING values: the bit maps of restrictive and permissive categories.

use crate::{Error, ErrorKind};

/// The highest bit position [`BitString::from_positions`] accepts, plus one: a bit map of
/// 64 KiB, the size of the largest label the default limits let in (POUCH-ESS-013).
pub const MAX_BITS: u64 = 64 * 1024 * 8;

/// A BIT STRING: `len` bits, bit 0 being the most significant bit of the first octet (X.690
/// 8.6.2). Valid by construction: the unused bits of the last octet are zero.
///
/// The length is kept exactly as decoded, trailing zero bits included: ACP-145 bit maps are
/// plain `BIT STRING`s, not named-bit lists, so DER keeps their trailing zeros (X.690 11.2.2
/// applies only to named-bit lists) and a round trip must too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BitString {
    bytes: Vec<u8>,
    len: usize,
}

impl BitString {
    /// A bit string of `bytes`, whose last octet has `unused` (0..=7) trailing bits that are
    /// not part of the value and must be zero.
    pub fn new(bytes: Vec<u8>, unused: u8) -> Result<BitString, Error> {
        let bad = |why| Error::encoding(ErrorKind::BadBitString(why));
        if unused > 7 {
            return Err(bad("more than 7 unused bits"));
        }
        match bytes.last() {
            None if unused != 0 => return Err(bad("unused bits in an empty bit string")),
            Some(&last) if last & low_mask(unused) != 0 => {
                return Err(bad("unused bits are not zero"));
            }
            _ => {}
        }
        let len = bytes.len() * 8 - usize::from(unused);
        Ok(BitString { bytes, len })
    }

    /// The shortest bit string with exactly the bits at `positions` set (the lacvs of a bit
    /// map category); bits may repeat. Positions at or above [`MAX_BITS`] are refused.
    pub fn from_positions(positions: &[u64]) -> Result<BitString, Error> {
        let Some(&highest) = positions.iter().max() else {
            return Ok(BitString::default());
        };
        if highest >= MAX_BITS {
            return Err(Error::encoding(ErrorKind::IntegerTooLarge {
                what: "bit position",
                max: MAX_BITS - 1,
            }));
        }
        // Bounded by MAX_BITS above, so the allocation is at most 64 KiB.
        let len = highest as usize + 1;
        let mut bytes = vec![0u8; len.div_ceil(8)];
        for &p in positions {
            let p = p as usize;
            bytes[p / 8] |= 0x80 >> (p % 8);
        }
        Ok(BitString { bytes, len })
    }

    /// Decodes BIT STRING content octets. Returns the value and whether the unused bits were
    /// non-zero (BER allows any padding; DER requires zeros, which the value keeps).
    pub(crate) fn decode(content: &[u8], offset: usize) -> Result<(BitString, bool), Error> {
        let bad = |why| Error::at(ErrorKind::BadBitString(why), offset);
        let Some((&unused, bits)) = content.split_first() else {
            return Err(bad("no initial octet"));
        };
        if unused > 7 {
            return Err(bad("more than 7 unused bits"));
        }
        let mut bytes = bits.to_vec();
        let mut padded = false;
        match bytes.last_mut() {
            None if unused != 0 => return Err(bad("unused bits in an empty bit string")),
            Some(last) if *last & low_mask(unused) != 0 => {
                *last &= !low_mask(unused);
                padded = true;
            }
            _ => {}
        }
        let len = bytes.len() * 8 - usize::from(unused);
        Ok((BitString { bytes, len }, padded))
    }

    /// The number of bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the bit string has no bits at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The octets, the last one padded with zero bits.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bits of the last octet are padding (0..=7).
    pub fn unused_bits(&self) -> u8 {
        ((8 - self.len % 8) % 8) as u8
    }

    /// Whether bit `position` is set (false beyond the end).
    pub fn bit(&self, position: usize) -> bool {
        self.bytes
            .get(position / 8)
            .is_some_and(|b| b & (0x80 >> (position % 8)) != 0)
    }

    /// The positions of the set bits, ascending: the lacvs of a bit map category.
    pub fn positions(&self) -> impl Iterator<Item = u64> + '_ {
        self.bytes.iter().enumerate().flat_map(|(i, &b)| {
            (0..8u64).filter_map(move |j| (b & (0x80 >> j) != 0).then_some(i as u64 * 8 + j))
        })
    }

    /// The DER content octets: the unused-bit count, then the octets.
    pub(crate) fn content(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes.len() + 1);
        out.push(self.unused_bits());
        out.extend_from_slice(&self.bytes);
        out
    }
}

/// The mask of the `unused` low bits of an octet.
fn low_mask(unused: u8) -> u8 {
    ((1u16 << unused) - 1) as u8
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip() {
        let b = BitString::from_positions(&[8, 56, 0, 8]).unwrap();
        assert_eq!(b.len(), 57);
        assert_eq!(b.unused_bits(), 7);
        assert_eq!(b.positions().collect::<Vec<_>>(), vec![0, 8, 56]);
        assert!(b.bit(56) && !b.bit(57) && !b.bit(1000));
        assert!(BitString::from_positions(&[MAX_BITS]).is_err());
        assert!(BitString::from_positions(&[]).unwrap().is_empty());
    }

    #[test]
    fn constructor_refuses_bad_padding() {
        assert!(BitString::new(vec![0x81], 1).is_err());
        assert!(BitString::new(vec![], 1).is_err());
        assert!(BitString::new(vec![0x80], 8).is_err());
        assert_eq!(BitString::new(vec![0x80, 0x00], 0).unwrap().len(), 16);
    }
}
