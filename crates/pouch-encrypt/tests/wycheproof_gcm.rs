//! Wycheproof's AES-GCM vectors run whole against the AES-GCM implementation Pouch's
//! content encryption uses (`aes-gcm`, spec/10-encryption.md §10.3). The vectors are read
//! from the `wycheproof` registry package, never copied into this repository.
//!
//! Every case is Pass or Skip (with its reason, printed); an unexpected failure or an
//! unexpected success fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::Aes192;
use aes_gcm::{Aes128Gcm, Aes256Gcm, AesGcm, Nonce, Tag};
use wycheproof::TestResult;
use wycheproof::aead::{TestName, TestSet};

type Aes192Gcm = AesGcm<Aes192, U12>;

type U12 = aes_gcm::aead::consts::U12;
type U16 = aes_gcm::aead::consts::U16;

/// Decrypts; `None` when authentication fails.
fn open<C: AeadInOut<NonceSize = U12, TagSize = U16>>(
    c: &C,
    nonce: &[u8],
    aad: &[u8],
    ct: &[u8],
    tag: &[u8],
) -> Option<Vec<u8>> {
    let mut buf = ct.to_vec();
    let nonce = Nonce::<U12>::try_from(nonce).ok()?;
    let tag = Tag::<U16>::try_from(tag).ok()?;
    c.decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag)
        .ok()
        .map(|()| buf)
}

fn seal<C: AeadInOut<NonceSize = U12, TagSize = U16>>(
    c: &C,
    nonce: &[u8],
    aad: &[u8],
    pt: &[u8],
) -> Vec<u8> {
    let mut buf = pt.to_vec();
    let nonce = Nonce::<U12>::try_from(nonce).unwrap();
    let tag = c
        .encrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into())
        .unwrap();
    buf.extend_from_slice(&tag);
    buf
}

#[test]
fn wycheproof_aes_gcm_runs_whole() {
    let set = TestSet::load(TestName::AesGcm).unwrap();
    let (mut pass, mut skip, mut failures) = (0usize, BTreeMap::<String, usize>::new(), Vec::new());
    let mut pass_256 = 0usize;
    for g in &set.test_groups {
        for t in &g.tests {
            if g.nonce_size != 96 || g.tag_size != 128 {
                let why = format!(
                    "{}-bit nonce, {}-bit tag: Pouch uses 96-bit nonces and 128-bit tags only",
                    g.nonce_size, g.tag_size
                );
                *skip.entry(why).or_insert(0) += 1;
                continue;
            }
            let (opened, sealed) = match g.key_size {
                128 => {
                    let c = Aes128Gcm::new_from_slice(&t.key).unwrap();
                    (
                        open(&c, &t.nonce, &t.aad, &t.ct, &t.tag),
                        seal(&c, &t.nonce, &t.aad, &t.pt),
                    )
                }
                192 => {
                    let c = Aes192Gcm::new_from_slice(&t.key).unwrap();
                    (
                        open(&c, &t.nonce, &t.aad, &t.ct, &t.tag),
                        seal(&c, &t.nonce, &t.aad, &t.pt),
                    )
                }
                256 => {
                    let c = Aes256Gcm::new_from_slice(&t.key).unwrap();
                    (
                        open(&c, &t.nonce, &t.aad, &t.ct, &t.tag),
                        seal(&c, &t.nonce, &t.aad, &t.pt),
                    )
                }
                k => {
                    *skip.entry(format!("{k}-bit key")).or_insert(0) += 1;
                    continue;
                }
            };
            let expected_ct = [t.ct.as_slice(), t.tag.as_slice()].concat();
            let ok = match t.result {
                TestResult::Valid => {
                    opened.as_deref() == Some(t.pt.as_slice()) && sealed == expected_ct
                }
                // An invalid case must not authenticate.
                TestResult::Invalid => opened.is_none(),
                TestResult::Acceptable => true,
            };
            if ok {
                pass += 1;
                if g.key_size == 256 {
                    pass_256 += 1;
                }
            } else {
                failures.push(format!("tcId {} ({:?}): {}", t.tc_id, t.result, t.comment));
            }
        }
    }
    println!(
        "Wycheproof aes_gcm: {} cases, Pass {pass} (AES-256: {pass_256}), Skip {skip:?}",
        set.number_of_tests
    );
    assert!(failures.is_empty(), "unexpected:\n{}", failures.join("\n"));
    assert!(pass_256 > 0, "no AES-256-GCM case ran");
}
