//! Envelopes framed by hand from their parts, so that a test or a vector can break one rule
//! of the wire format at a time.

use pouch_cbor::Encoder;

/// One seal as carried: its protected header bytes, its unprotected header (one encoded
/// item, `a0` for the empty map) and its signature.
pub type SealParts<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// A tagged `COSE_Sign` (tag 98) written from its parts exactly as given: the body's
/// protected header and the payload as byte strings, the body's unprotected header
/// `unprotected` (one encoded item) as is, and each seal. Nothing is checked, so any part
/// may break a rule on purpose.
pub fn frame_cose_sign(
    body: &[u8],
    unprotected: &[u8],
    payload: &[u8],
    seals: &[SealParts<'_>],
) -> Vec<u8> {
    let mut e = Encoder::new();
    e.tag(98)
        .array(4)
        .bytes(body)
        .raw(unprotected)
        .bytes(payload)
        .array(seals.len() as u64);
    for (protected, seal_unprotected, signature) in seals {
        e.array(3)
            .bytes(protected)
            .raw(seal_unprotected)
            .bytes(signature);
    }
    e.into_bytes()
}
