//! Framing and sequence reading: every RFC 8949 Appendix A item frames to its own length,
//! every prefix asks for more, and a stream read a byte at a time yields the same items.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;

use proptest::prelude::*;

use crate::tests::{APPENDIX_A_DETERMINISTIC, hex};
use crate::{ErrorKind, Frame, SequenceError, SequenceReader, frame};

/// RFC 8949 Appendix A's indefinite-length examples, and non-deterministic but well-formed
/// items: framing must find their ends although the strict check refuses them.
const WELL_FORMED_NOT_DETERMINISTIC: &[&str] = &[
    "5f42010243030405ff",         // (_ h'0102', h'030405')
    "7f657374726561646d696e67ff", // (_ "strea", "ming")
    "9fff",                       // [_ ]
    "9f018202039f0405ffff",       // [_ 1, [2, 3], [_ 4, 5]]
    "83018202039f0405ff",         // [1, [2, 3], [_ 4, 5]]
    "bf61610161629f0203ffff",     // {_ "a": 1, "b": [_ 2, 3]}
    "1817",                       // 23 in one extra byte
    "a2616201616101",             // {"b": 1, "a": 1}: unsorted keys
    "fa3fc00000",                 // 1.5 as a single
];

fn all_items() -> Vec<Vec<u8>> {
    APPENDIX_A_DETERMINISTIC
        .iter()
        .chain(WELL_FORMED_NOT_DETERMINISTIC)
        .map(|s| hex(s))
        .collect()
}

#[test]
fn every_example_frames_to_its_length_and_every_prefix_needs_more() {
    for item in all_items() {
        assert_eq!(
            frame(&item, 16),
            Ok(Frame::Complete(item.len())),
            "{item:02x?}"
        );
        let mut trailing = item.clone();
        trailing.extend_from_slice(&[0x01, 0x02]);
        assert_eq!(frame(&trailing, 16), Ok(Frame::Complete(item.len())));
        for n in 0..item.len() {
            match frame(&item[..n], 16) {
                Ok(Frame::NeedMore(k)) => assert!(k > n && k <= item.len(), "{item:02x?} at {n}"),
                other => panic!("{item:02x?} cut at {n}: {other:?}"),
            }
        }
    }
}

#[test]
fn ill_formed_items_are_refused_with_their_place() {
    let kind = |s: &str| frame(&hex(s), 16).unwrap_err().kind().clone();
    assert_eq!(kind("ff"), ErrorKind::UnexpectedBreak);
    assert_eq!(kind("8201ff"), ErrorKind::UnexpectedBreak);
    assert_eq!(kind("1c"), ErrorKind::ReservedAdditionalInfo { value: 28 });
    assert_eq!(kind("1f"), ErrorKind::IndefiniteLength);
    assert_eq!(kind("df00"), ErrorKind::IndefiniteLength);
    // A chunk of an indefinite byte string must be a definite byte string.
    assert!(matches!(kind("5f6161ff"), ErrorKind::UnexpectedType { .. }));
    assert!(matches!(
        kind("5f5f4100ffff"),
        ErrorKind::UnexpectedType { .. }
    ));
    // A length no usize holds.
    assert!(matches!(
        kind("5bffffffffffffffff"),
        ErrorKind::LengthExceedsInput { .. }
    ));
    let deep = vec![0x81u8; 17];
    assert_eq!(
        frame(&deep, 16).unwrap_err().kind(),
        &ErrorKind::DepthExceeded { limit: 16 }
    );
    // A huge claimed count costs nothing until bytes arrive.
    assert_eq!(
        frame(&hex("9bffffffffffffffff01"), 16),
        Ok(Frame::NeedMore(11))
    );
}

/// A reader that hands out at most `step` bytes per call.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn read_all(data: &[u8], step: usize, max_item: usize) -> Vec<Result<(u64, Vec<u8>), String>> {
    SequenceReader::new(Trickle { data, step }, max_item, 16)
        .map(|r| r.map(|i| (i.offset, i.bytes)).map_err(|e| e.to_string()))
        .collect()
}

#[test]
fn a_stream_yields_its_items_whatever_the_read_size() {
    let items = all_items();
    let stream: Vec<u8> = items.concat();
    for step in [1, 2, 7, 64, 1 << 20] {
        let got = read_all(&stream, step, 1024);
        let mut offset = 0u64;
        assert_eq!(got.len(), items.len(), "step {step}");
        for (g, want) in got.iter().zip(&items) {
            assert_eq!(g, &Ok((offset, want.clone())), "step {step}");
            offset += want.len() as u64;
        }
    }
    assert!(
        read_all(&[], 1, 1024).is_empty(),
        "an empty stream has no items"
    );
}

#[test]
fn an_oversize_or_truncated_or_ill_formed_item_ends_the_sequence() {
    let mut stream = hex("8301020343010203");
    stream.extend(hex("5a00010000")); // a byte string claiming 64 KiB
    stream.extend(vec![0u8; 100]);
    let mut r = SequenceReader::new(stream.as_slice(), 1024, 16);
    assert_eq!(r.next().unwrap().unwrap().bytes, hex("83010203"));
    assert_eq!(r.next().unwrap().unwrap().bytes, hex("43010203"));
    assert!(matches!(
        r.next(),
        Some(Err(SequenceError::TooLarge {
            offset: 8,
            limit: 1024
        }))
    ));
    assert!(r.next().is_none());

    let mut r = SequenceReader::new(&[0x01, 0x82, 0x01][..], 1024, 16);
    assert_eq!(r.next().unwrap().unwrap().bytes, vec![0x01]);
    assert!(matches!(
        r.next(),
        Some(Err(SequenceError::Truncated { offset: 1, len: 2 }))
    ));
    assert!(r.next().is_none());

    let mut r = SequenceReader::new(&[0x01, 0xff, 0x01][..], 1024, 16);
    assert!(r.next().unwrap().is_ok());
    assert!(matches!(
        r.next(),
        Some(Err(SequenceError::Malformed { offset: 1, .. }))
    ));
    assert!(r.next().is_none());
}

#[test]
fn a_claimed_length_does_not_size_the_buffer() {
    // Claims 2^32 bytes; the limit is 1 MiB: refused before any large allocation.
    let stream = hex("5b0000000100000000");
    let mut r = SequenceReader::new(stream.as_slice(), 1 << 20, 16);
    assert!(matches!(
        r.next(),
        Some(Err(SequenceError::TooLarge { .. }))
    ));
}

proptest! {
    #[test]
    fn generated_sequences_frame_back_exactly(
        picks in proptest::collection::vec(0usize..70, 0..40),
        step in 1usize..300,
    ) {
        let all = all_items();
        let items: Vec<Vec<u8>> = picks.iter().map(|&i| all[i % all.len()].clone()).collect();
        let stream = items.concat();
        let got: Vec<Vec<u8>> = read_all(&stream, step, 1024)
            .into_iter()
            .map(|r| r.unwrap().1)
            .collect();
        prop_assert_eq!(got, items);
    }
}
