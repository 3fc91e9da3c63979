//! The Sig_structure head followed by the payload is the Sig_structure, at every length where
//! the payload's CBOR head changes size.
#![allow(clippy::unwrap_used, missing_docs)]

#[test]
fn head_and_payload_join_to_the_sig_structure() {
    for len in [0usize, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000] {
        let payload = vec![0xa5u8; len];
        let whole = pouch_envelope::sig_structure(b"\xa1\x01\x26", b"\xa0", b"", &payload);
        let mut joined = pouch_envelope::sig_structure_head(b"\xa1\x01\x26", b"\xa0", b"", len);
        joined.extend_from_slice(&payload);
        assert_eq!(joined, whole, "payload of {len} bytes");
    }
}
