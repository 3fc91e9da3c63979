//! Shared by the integration tests.
#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::panic
)]

use std::path::PathBuf;

/// The third-party reference data, which stays outside the project (a test using it starts
/// with `pouch_reference::require!`).
pub fn reference(rel: &str) -> PathBuf {
    pouch_reference::path(pouch_reference::Suite::Labels).join(rel)
}

/// Bytes from hex; whitespace is ignored.
pub fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd number of hex digits");
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// Decodes `bytes`, which must be BER departing from DER first by `deviation` at `offset`.
pub fn decode_ber(
    bytes: &[u8],
    deviation: pouch_ess::BerDeviation,
    offset: usize,
) -> pouch_ess::Decoded {
    let d = pouch_ess::EssLabel::decode(bytes, &pouch_ess::Limits::default()).unwrap();
    assert_eq!(d.encoding, pouch_ess::Encoding::Ber { deviation, offset });
    d
}
