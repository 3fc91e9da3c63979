//! STREAM (POUCH-ENC-021, POUCH-ENC-022): truncation, reordering, duplication, dropping and
//! appending of chunks are each detected and named; nothing is accepted that was not sealed.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use pouch_encrypt::stream::{Stream, TAG_LEN, chunk_aad};
use pouch_status as status;
use zeroize::Zeroizing;

const CS: usize = 4096;
const REC: usize = CS + TAG_LEN;

fn stream() -> Stream {
    Stream::new(&Zeroizing::new([9u8; 32]), chunk_aad(b"body"), CS)
}

fn sealed(n: usize) -> Vec<u8> {
    let pt: Vec<u8> = (0..n).map(|i| i as u8).collect();
    let mut ct = Vec::new();
    stream().encrypt(&mut pt.as_slice(), &mut ct).unwrap();
    ct
}

fn decrypt(ct: &[u8]) -> Result<Vec<u8>, status::StatusCode> {
    let mut out = Vec::new();
    let mut r = ct;
    stream()
        .decrypt(&mut r, &mut out, &mut |_| {})
        .map(|_| out)
        .map_err(|e| e.code().unwrap())
}

fn chunks(ct: &[u8]) -> Vec<Vec<u8>> {
    ct.chunks(REC).map(<[u8]>::to_vec).collect()
}

#[test]
fn chunk_attacks_are_named() {
    let ct = sealed(3 * CS + 100); // four chunks, the last short
    let c = chunks(&ct);
    assert_eq!(c.len(), 4);
    assert!(decrypt(&ct).is_ok());
    let join = |v: &[&Vec<u8>]| {
        v.iter()
            .flat_map(|x| x.iter().copied())
            .collect::<Vec<u8>>()
    };
    // Truncated at a chunk boundary: the last chunk left is not final.
    assert_eq!(
        decrypt(&join(&[&c[0], &c[1]])),
        Err(status::DECRYPT_TRUNCATED)
    );
    // Reordered, duplicated, dropped.
    assert_eq!(
        decrypt(&join(&[&c[1], &c[0], &c[2], &c[3]])),
        Err(status::DECRYPT_CHUNK_INVALID)
    );
    assert_eq!(
        decrypt(&join(&[&c[0], &c[0], &c[1], &c[2], &c[3]])),
        Err(status::DECRYPT_CHUNK_INVALID)
    );
    assert_eq!(
        decrypt(&join(&[&c[0], &c[2], &c[3]])),
        Err(status::DECRYPT_CHUNK_INVALID)
    );
    // Data after the final chunk.
    let mut appended = ct.clone();
    appended.extend_from_slice(&[0u8; 20]);
    assert_eq!(decrypt(&appended), Err(status::DECRYPT_CHUNK_INVALID));
    // Cut inside a chunk, and inside a tag.
    assert_eq!(
        decrypt(&ct[..ct.len() - 1]),
        Err(status::DECRYPT_CHUNK_INVALID)
    );
    assert_eq!(decrypt(&ct[..3 * REC + 10]), Err(status::DECRYPT_TRUNCATED));
    assert_eq!(decrypt(&[]), Err(status::DECRYPT_TRUNCATED));
    // Another associated data (a changed header) fails every chunk.
    let other = Stream::new(&Zeroizing::new([9u8; 32]), chunk_aad(b"bodY"), CS);
    let mut out = Vec::new();
    assert!(
        other
            .decrypt(&mut ct.as_slice(), &mut out, &mut |_| {})
            .is_err()
    );
}

#[test]
fn every_bit_flip_of_ciphertext_and_tag_is_detected() {
    let ct = sealed(CS + 10);
    for i in 0..ct.len() * 8 {
        let mut bad = ct.clone();
        bad[i / 8] ^= 1 << (i % 8);
        assert!(decrypt(&bad).is_err(), "flip {i}");
    }
}

#[test]
fn a_full_final_chunk_and_an_empty_record_round_trip() {
    for n in [0, CS, 2 * CS] {
        let ct = sealed(n);
        assert_eq!(ct.len(), n.max(1).div_ceil(CS).max(1) * TAG_LEN + n);
        assert_eq!(decrypt(&ct).unwrap().len(), n);
    }
}
