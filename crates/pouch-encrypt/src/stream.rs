//! POUCH-A256GCM-STREAM (spec/10-encryption.md §10.3): the record in chunks, each sealed with
//! AES-256-GCM under a nonce made of a counter and a final flag, so reordering, duplication,
//! dropping and truncation are detected; memory is two chunks whatever the record's size.

use std::io::{Read, Write};

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use pouch_status::StatusCode;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{DecryptError, Error};

/// Bytes of a GCM tag.
pub const TAG_LEN: usize = 16;

/// The associated data of every chunk: binds the label and the encryption header
/// (POUCH-ENC-021).
pub fn chunk_aad(body_protected: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"Pouch v1 chunk");
    h.update(body_protected);
    h.finalize().into()
}

fn nonce(counter: u32, last: bool) -> Nonce<aes_gcm::aead::consts::U12> {
    let mut n = [0u8; 12];
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::from(n)
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn fill(input: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let Some(rest) = buf.get_mut(n..) else { break };
        match input.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A STREAM under one payload key.
pub struct Stream {
    cipher: Aes256Gcm,
    aad: [u8; 32],
    chunk_size: usize,
}

impl Stream {
    /// A stream with `key` (the payload key), `aad` ([`chunk_aad`]) and chunks of
    /// `chunk_size` plaintext bytes.
    pub fn new(key: &Zeroizing<[u8; 32]>, aad: [u8; 32], chunk_size: usize) -> Stream {
        Stream {
            cipher: Aes256Gcm::new(&(**key).into()),
            aad,
            chunk_size,
        }
    }

    /// Encrypts `input` to its end into `output`; returns the ciphertext length.
    pub fn encrypt(&self, input: &mut dyn Read, output: &mut dyn Write) -> Result<u64, Error> {
        let cs = self.chunk_size;
        let mut cur = vec![0u8; cs];
        let mut next = vec![0u8; cs];
        let mut cur_len = fill(input, &mut cur).map_err(|e| Error::Io(e.to_string()))?;
        let mut counter: u32 = 0;
        let mut written = 0u64;
        loop {
            // A full chunk is final only if nothing follows it.
            let next_len = if cur_len == cs {
                fill(input, &mut next).map_err(|e| Error::Io(e.to_string()))?
            } else {
                0
            };
            let last = next_len == 0;
            let chunk = cur
                .get_mut(..cur_len)
                .ok_or(Error::Internal("chunk bounds"))?;
            let tag = self
                .cipher
                .encrypt_inout_detached(&nonce(counter, last), &self.aad, chunk.into())
                .map_err(|_| Error::Internal("AES-GCM encryption"))?;
            output
                .write_all(chunk)
                .and_then(|()| output.write_all(&tag))
                .map_err(|e| Error::Io(e.to_string()))?;
            written += (cur_len + TAG_LEN) as u64;
            if last {
                return Ok(written);
            }
            counter = counter.checked_add(1).ok_or(Error::TooLarge)?;
            core::mem::swap(&mut cur, &mut next);
            cur_len = next_len;
        }
    }

    /// Decrypts `input` (the ciphertext) to its end into `output`, chunk by chunk as each
    /// authenticates. `seen` is called with every ciphertext byte read (to digest a
    /// detached ciphertext). The caller MUST NOT release what `output` received unless this
    /// returns `Ok` (POUCH-ENC-022).
    pub fn decrypt(
        &self,
        input: &mut dyn Read,
        output: &mut dyn Write,
        seen: &mut dyn FnMut(&[u8]),
    ) -> Result<u64, DecryptError> {
        let rec = self.chunk_size + TAG_LEN;
        let mut cur = vec![0u8; rec];
        let mut next = vec![0u8; rec];
        let io = |e: std::io::Error| DecryptError::io(e.to_string());
        let mut cur_len = fill(input, &mut cur).map_err(io)?;
        seen(cur.get(..cur_len).unwrap_or_default());
        if cur_len == 0 {
            return Err(DecryptError::new(
                pouch_status::DECRYPT_TRUNCATED,
                "the ciphertext is empty",
            ));
        }
        let mut counter: u32 = 0;
        let mut plain = 0u64;
        loop {
            let next_len = if cur_len == rec {
                let n = fill(input, &mut next).map_err(io)?;
                seen(next.get(..n).unwrap_or_default());
                n
            } else {
                0
            };
            let last = next_len == 0;
            if cur_len < TAG_LEN {
                return Err(DecryptError::new(
                    pouch_status::DECRYPT_TRUNCATED,
                    format!("chunk {counter} has {cur_len} bytes, fewer than a tag"),
                ));
            }
            let (body, tag) = cur
                .get_mut(..cur_len)
                .map(|c| c.split_at_mut(cur_len - TAG_LEN))
                .ok_or_else(|| DecryptError::new(pouch_status::DECRYPT_TRUNCATED, "bounds"))?;
            let tag = Tag::try_from(&*tag)
                .map_err(|_| DecryptError::new(pouch_status::DECRYPT_TRUNCATED, "tag"))?;
            let mut trial = Vec::new();
            if last {
                // Kept to tell truncation from tampering if the chunk does not open as final.
                trial.extend_from_slice(body);
            }
            if self
                .cipher
                .decrypt_inout_detached(&nonce(counter, last), &self.aad, (&mut *body).into(), &tag)
                .is_err()
            {
                let code: StatusCode = if last
                    && self
                        .cipher
                        .decrypt_inout_detached(
                            &nonce(counter, false),
                            &self.aad,
                            trial.as_mut_slice().into(),
                            &tag,
                        )
                        .is_ok()
                {
                    pouch_status::DECRYPT_TRUNCATED
                } else {
                    pouch_status::DECRYPT_CHUNK_INVALID
                };
                let why = if code == pouch_status::DECRYPT_TRUNCATED {
                    format!("chunk {counter} is not the final chunk, but the ciphertext ends there")
                } else {
                    format!("chunk {counter} does not authenticate")
                };
                return Err(DecryptError::new(code, why));
            }
            output.write_all(body).map_err(io)?;
            plain += body.len() as u64;
            if last {
                return Ok(plain);
            }
            counter = counter.checked_add(1).ok_or_else(|| {
                DecryptError::new(pouch_status::DECRYPT_CHUNK_INVALID, "more than 2^32 chunks")
            })?;
            core::mem::swap(&mut cur, &mut next);
            cur_len = next_len;
        }
    }
}
