//! Encryption costs, as ratios measured in one process (spec/10-encryption.md; issue 16):
//!
//! 1. streaming STREAM encrypt and decrypt of 1 GiB against raw AES-256-GCM over the same
//!    bytes (target: at least 0.85 of raw), and the process's peak RSS (target: < 64 MiB);
//! 2. per-recipient wrap and unwrap (HPKE single-shot Seal/Open of a content key) against
//!    the raw KEM encapsulation and decapsulation (target: at most 1.10 of raw).
//!
//! Run: `cargo run -p pouch-encrypt --example throughput --config
//! 'profile.dev.package.pouch-encrypt.opt-level=3'` (or `--release`); `POUCH_BENCH_MIB`
//! changes the 1024 MiB, `POUCH_BENCH_ROUNDS` the 5 rounds (each ratio is the median of
//! per-round ratios, raw and wrapped measured back to back: the machine is shared).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{Read, Write};
use std::time::Instant;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hpke::{Deserializable, Kem};
use pouch_encrypt::stream::{Stream, chunk_aad};
use pouch_encrypt::{RecipientAlg, SeededRng, derive_keypair};
use zeroize::Zeroizing;

const CHUNK: usize = 64 * 1024;

/// A reader of `left` bytes of a fixed pattern, allocating nothing per call.
struct Pattern {
    left: u64,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left as usize);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = i as u8;
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The median of `v` (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Raw AES-256-GCM over `total` bytes in chunk-size calls, the pattern regenerated and read
/// through `dyn Read` as STREAM reads its input; returns the seconds taken.
fn raw_encrypt(raw: &Aes256Gcm, total: u64, buf: &mut [u8]) -> f64 {
    let nonce = Nonce::from([0u8; 12]);
    let mut sink = std::io::sink();
    let t = Instant::now();
    let mut pattern: Box<dyn Read> = Box::new(Pattern { left: total });
    loop {
        let n = pattern.read(buf).unwrap();
        if n == 0 {
            break;
        }
        let tag = raw
            .encrypt_inout_detached(&nonce, b"", (&mut buf[..n]).into())
            .unwrap();
        sink.write_all(&buf[..n]).unwrap();
        sink.write_all(&tag).unwrap();
    }
    t.elapsed().as_secs_f64()
}

/// Raw AES-256-GCM over the ciphertext file at `path`, record by record (the raw cipher opens
/// nothing here, other nonces; the cost is the same); returns the seconds taken.
fn raw_decrypt(raw: &Aes256Gcm, path: &std::path::Path) -> f64 {
    let nonce = Nonce::from([0u8; 12]);
    let rec = CHUNK + 16;
    let mut rbuf = vec![0u8; rec];
    let mut sink = std::io::sink();
    let t = Instant::now();
    let mut f = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    loop {
        let mut n = 0;
        while n < rec {
            let k = f.read(&mut rbuf[n..]).unwrap();
            if k == 0 {
                break;
            }
            n += k;
        }
        if n == 0 {
            break;
        }
        let (body, _tag) = rbuf[..n].split_at_mut(n - 16);
        let _ = raw.encrypt_inout_detached(&nonce, b"", body.into());
        sink.write_all(body).unwrap();
    }
    t.elapsed().as_secs_f64()
}

fn main() {
    let mib: u64 = std::env::var("POUCH_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let rounds: usize = std::env::var("POUCH_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let total = mib << 20;
    let key = Zeroizing::new([7u8; 32]);
    let stream = Stream::new(&key, chunk_aad(b"bench header"), CHUNK);
    let raw = Aes256Gcm::new(&(*key).into());
    let mut buf = vec![0u8; CHUNK];
    let path = std::env::temp_dir().join(format!("pouch-bench-{}.ct", std::process::id()));

    // The machine is shared, so each round measures raw and STREAM back to back over the same
    // bytes, alternating which goes first, and the median of the per-round ratios is kept.
    let (mut enc_sink, mut enc_file, mut dec) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let stream_to_sink = || {
            let t = Instant::now();
            stream
                .encrypt(&mut Pattern { left: total }, &mut std::io::sink())
                .unwrap();
            t.elapsed().as_secs_f64()
        };
        let (r, s) = if round % 2 == 0 {
            let r = raw_encrypt(&raw, total, &mut buf);
            (r, stream_to_sink())
        } else {
            let s = stream_to_sink();
            (raw_encrypt(&raw, total, &mut buf), s)
        };
        enc_sink.push(r / s);
        // STREAM to a file, so it can be decrypted back in bounded memory.
        let t = Instant::now();
        {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            stream
                .encrypt(&mut Pattern { left: total }, &mut out)
                .unwrap();
            out.flush().unwrap();
        }
        enc_file.push(r / t.elapsed().as_secs_f64());
        let stream_decrypt = || {
            let t = Instant::now();
            let mut f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
            let plain = stream
                .decrypt(&mut f, &mut std::io::sink(), &mut |_| {})
                .unwrap();
            assert_eq!(plain, total);
            t.elapsed().as_secs_f64()
        };
        let (rd, sd) = if round % 2 == 0 {
            let rd = raw_decrypt(&raw, &path);
            (rd, stream_decrypt())
        } else {
            let sd = stream_decrypt();
            (raw_decrypt(&raw, &path), sd)
        };
        dec.push(rd / sd);
        println!(
            "round {round}: raw encrypt {:.2} GiB/s; ratios: encrypt to a sink {:.3}, to a file {:.3}, decrypt {:.3}",
            (total as f64 / (1u64 << 30) as f64) / r,
            enc_sink[round],
            enc_file[round],
            dec[round]
        );
    }
    std::fs::remove_file(&path).ok();

    println!(
        "STREAM over AES-256-GCM, {mib} MiB per measure, chunk {CHUNK} bytes, {rounds} rounds, medians:"
    );
    println!(
        "  encrypt to a sink / raw: {:.3}; to a file / raw: {:.3}; decrypt from the file / raw over it: {:.3}",
        median(&mut enc_sink),
        median(&mut enc_file),
        median(&mut dec)
    );
    println!("  peak RSS: {} KiB", peak_rss_kib());

    println!("\nPer recipient: HPKE wrap/unwrap of a 32-byte key vs the raw KEM operation");
    let info = b"Recipient_structure stand-in";
    let cek = [9u8; 32];
    for alg in RecipientAlg::ALL {
        let (sk, pk) = derive_keypair(alg, b"bench");
        let n = match alg {
            RecipientAlg::P384 => 200,
            _ => 500,
        };
        let mut rng = SeededRng::new(b"bench");
        let (mut wraps, mut unwraps) = (Vec::new(), Vec::new());
        let (mut w_us, mut u_us, mut e_us, mut d_us) = (0.0, 0.0, 0.0, 0.0);
        // As above: rounds of the wrapped and the raw operation back to back, median ratio.
        for _ in 0..rounds {
            let t = Instant::now();
            let mut last = None;
            for _ in 0..n {
                last = Some(pouch_encrypt::wrap(&pk, info, &cek, &mut rng).unwrap());
            }
            let wrap = t.elapsed().as_secs_f64() / n as f64;
            let (ek, ct) = last.unwrap();
            let t = Instant::now();
            for _ in 0..n {
                assert!(pouch_encrypt::unwrap(&sk, &ek, info, &ct).is_some());
            }
            let unwrap = t.elapsed().as_secs_f64() / n as f64;
            let (encap, decap) = match alg {
                RecipientAlg::XWing => raw_kem::<hpke::kem::XWing>(pk.as_bytes(), sk.as_bytes(), n),
                RecipientAlg::P384 => {
                    raw_kem::<hpke::kem::DhP384HkdfSha384>(pk.as_bytes(), sk.as_bytes(), n)
                }
                RecipientAlg::MlKem1024 => {
                    raw_kem::<hpke::kem::MlKem1024>(pk.as_bytes(), sk.as_bytes(), n)
                }
            };
            wraps.push(wrap / encap);
            unwraps.push(unwrap / decap);
            (w_us, u_us, e_us, d_us) = (wrap * 1e6, unwrap * 1e6, encap * 1e6, decap * 1e6);
        }
        println!(
            "  {:<18} wrap / encap median {:.3} (last round {w_us:.1} vs {e_us:.1} us); unwrap / decap median {:.3} (last round {u_us:.1} vs {d_us:.1} us)",
            alg.name(),
            median(&mut wraps),
            median(&mut unwraps),
        );
    }
}

/// The raw KEM: encapsulation to, and decapsulation with, keys already decoded.
fn raw_kem<K: Kem>(pk: &[u8], sk: &[u8], n: usize) -> (f64, f64) {
    let pk = K::PublicKey::from_bytes(pk).unwrap();
    let sk = K::PrivateKey::from_bytes(sk).unwrap();
    let mut rng = SeededRng::new(b"raw");
    let t = Instant::now();
    let mut ek = None;
    for _ in 0..n {
        ek = Some(K::encap_with_rng(&pk, None, &mut rng).unwrap().1);
    }
    let encap = t.elapsed().as_secs_f64() / n as f64;
    let ek = ek.unwrap();
    let t = Instant::now();
    for _ in 0..n {
        let _ = K::decap(&sk, None, &ek).unwrap();
    }
    (encap, t.elapsed().as_secs_f64() / n as f64)
}
