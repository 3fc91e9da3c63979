//! Encryption costs, as ratios measured in one process (spec/10-encryption.md; issue 16):
//!
//! 1. streaming STREAM encrypt and decrypt of 1 GiB against raw AES-256-GCM over the same
//!    bytes (target: at least 0.85 of raw), and the process's peak RSS (target: < 64 MiB);
//! 2. per-recipient wrap and unwrap (HPKE single-shot Seal/Open of a content key) against
//!    the raw KEM encapsulation and decapsulation (target: at most 1.10 of raw).
//!
//! Run: `cargo run -p pouch-encrypt --example throughput --config
//! 'profile.dev.package.pouch-encrypt.opt-level=3'` (or `--release`); `POUCH_BENCH_MIB`
//! changes the 1024 MiB.
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

fn main() {
    let mib: u64 = std::env::var("POUCH_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let total = mib << 20;
    let key = Zeroizing::new([7u8; 32]);
    let stream = Stream::new(&key, chunk_aad(b"bench header"), CHUNK);
    let raw = Aes256Gcm::new(&(*key).into());
    let nonce = Nonce::from([0u8; 12]);
    let mut buf = vec![0u8; CHUNK];

    // Raw AES-256-GCM over the same number of bytes, in chunk-size calls, the pattern
    // regenerated each time as the streaming reader does. Run before and after STREAM; the
    // faster run is the reference (the machine is shared).
    let mut sink = std::io::sink();
    let mut raw_encrypt = |buf: &mut Vec<u8>| {
        let t = Instant::now();
        // Read through `dyn Read`, as STREAM reads its input.
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
    };
    let raw_enc_before = raw_encrypt(&mut buf);

    // STREAM encrypt: to a file, so it can be decrypted back in bounded memory.
    let path = std::env::temp_dir().join(format!("pouch-bench-{}.ct", std::process::id()));
    let t = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        stream
            .encrypt(&mut Pattern { left: total }, &mut out)
            .unwrap();
        out.flush().unwrap();
    }
    let stream_enc = t.elapsed().as_secs_f64();
    // A second STREAM encrypt to a sink: the file system left out of the ratio.
    let t = Instant::now();
    stream
        .encrypt(&mut Pattern { left: total }, &mut std::io::sink())
        .unwrap();
    let stream_enc_sink = t.elapsed().as_secs_f64();
    let raw_enc = raw_enc_before.min(raw_encrypt(&mut buf));
    let mut sink = std::io::sink();

    // Raw AES-256-GCM decrypt of the same ciphertext file, chunk by chunk, then STREAM.
    let rec = CHUNK + 16;
    let mut rbuf = vec![0u8; rec];
    let t = Instant::now();
    {
        let mut f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
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
            // The raw cipher opens nothing here (other nonces); the cost is the same.
            let (body, _tag) = rbuf[..n].split_at_mut(n - 16);
            let _ = raw.encrypt_inout_detached(&nonce, b"", body.into());
            sink.write_all(body).unwrap();
        }
    }
    let raw_dec = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let plain = {
        let mut f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        stream
            .decrypt(&mut f, &mut std::io::sink(), &mut |_| {})
            .unwrap()
    };
    let stream_dec = t.elapsed().as_secs_f64();
    std::fs::remove_file(&path).ok();
    assert_eq!(plain, total);

    let gib = total as f64 / (1u64 << 30) as f64;
    println!("STREAM over AES-256-GCM, {mib} MiB, chunk {CHUNK} bytes");
    println!(
        "  encrypt: raw {:.2} GiB/s, STREAM to a file {:.2} GiB/s (ratio {:.3}), to a sink {:.2} GiB/s (ratio {:.3})",
        gib / raw_enc,
        gib / stream_enc,
        raw_enc / stream_enc,
        gib / stream_enc_sink,
        raw_enc / stream_enc_sink
    );
    println!(
        "  decrypt from the file: raw {:.2} GiB/s, STREAM {:.2} GiB/s (ratio {:.3})",
        gib / raw_dec,
        gib / stream_dec,
        raw_dec / stream_dec
    );
    println!("  peak RSS: {} KiB", peak_rss_kib());

    println!("\nPer recipient: HPKE wrap/unwrap of a 32-byte key vs the raw KEM operation");
    let info = b"Recipient_structure stand-in";
    let cek = [9u8; 32];
    for alg in RecipientAlg::ALL {
        let (sk, pk) = derive_keypair(alg, b"bench");
        let n = match alg {
            RecipientAlg::P384 => 400,
            _ => 1000,
        };
        let mut rng = SeededRng::new(b"bench");
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
        println!(
            "  {:<18} wrap {:>7.1} us vs encap {:>7.1} us (ratio {:.3}); unwrap {:>7.1} us vs decap {:>7.1} us (ratio {:.3})",
            alg.name(),
            wrap * 1e6,
            encap * 1e6,
            wrap / encap,
            unwrap * 1e6,
            decap * 1e6,
            unwrap / decap
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
