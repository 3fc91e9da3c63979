//! Seals and verifies a large detached record (1 GiB by default) streamed from a
//! deterministic generator, never held in memory, then prints the process's peak resident
//! set (VmHWM) and how the streaming verify's throughput compares with a raw digest of the
//! same stream, measured in this same process.
//!
//! `cargo run --release -p pouch --example detached_rss -- [MIB] [ROUNDS]`
//! (defaults 1024 and 2). Linux only (reads /proc/self/status). Used by scripts/bench.sh.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Read};
use std::time::{Duration, Instant};

use pouch::{Payload, SealRequest, Verifier};
use pouch_crypto::{Algorithm, DigestAlgorithm};
use pouch_label::DateTime;

mod common;

use common::{NOW, norway, provider, secret_label};

/// The chunk size `pouch::digest_reader` reads with; the raw digest uses it too.
const CHUNK: usize = 256 * 1024;
/// The generator's pattern block.
const BLOCK: usize = 64 * 1024;
/// Peak RSS the brief asks to stay under.
const RSS_TARGET_KIB: u64 = 64 * 1024;

/// A deterministic stream of `len` bytes: a fixed pseudo-random 64 KiB block, each copy
/// XORed with a 64-bit word derived from its index, so no two nearby blocks are equal and
/// nothing but this small block is ever in memory.
struct Generator {
    base: Vec<u64>,
    pos: u64,
    len: u64,
}

impl Generator {
    fn new(len: u64) -> Generator {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let base = (0..BLOCK / 8)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            })
            .collect();
        Generator { base, pos: 0, len }
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Read for Generator {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len - self.pos;
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let block = self.pos / BLOCK as u64;
        let offset = (self.pos % BLOCK as u64) as usize;
        let key = splitmix(block);
        let n = buf.len().min(BLOCK - offset).min(left as usize);
        if offset.is_multiple_of(8) && n >= 8 {
            // Whole words: the fast path every 256 KiB read takes.
            let n = n - n % 8;
            let words = &self.base[offset / 8..(offset + n) / 8];
            for (out, w) in buf[..n].chunks_exact_mut(8).zip(words) {
                out.copy_from_slice(&(w ^ key).to_le_bytes());
            }
            self.pos += n as u64;
            Ok(n)
        } else {
            // One byte (a caller with a tiny buffer, or an unaligned tail).
            let w = self.base[offset / 8] ^ key;
            buf[0] = w.to_le_bytes()[offset % 8];
            self.pos += 1;
            Ok(1)
        }
    }
}

/// A line of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} not in /proc/self/status"))
}

fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

/// The raw digest of the stream: the same generator, the same 256 KiB reads, no envelope.
fn raw_digest(alg: DigestAlgorithm, len: u64) -> Vec<u8> {
    let mut d = provider().digest(alg).unwrap().start();
    let mut g = Generator::new(len);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = g.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        d.update(&buf[..n]);
    }
    d.finish()
}

/// The generator alone, read the same way (to say how much of each pass it takes).
fn generate_only(len: u64) -> u64 {
    let mut g = Generator::new(len);
    let mut buf = vec![0u8; CHUNK];
    let mut sum = 0u64;
    loop {
        let n = g.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        sum = sum.wrapping_add(u64::from(buf[n - 1]));
    }
    std::hint::black_box(sum)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mib: u64 = args
        .first()
        .map_or(1024, |a| a.parse().expect("MIB: a number"));
    let rounds: usize = args
        .get(1)
        .map_or(2, |a| a.parse().expect("ROUNDS: a number"));
    let len = mib << 20;
    assert!(rounds >= 1);

    let now = DateTime::from_unix(NOW, 0).unwrap();
    let coalition = norway(&[Algorithm::Es256, Algorithm::Es384]);
    let nation = &coalition.nations()[0];
    let label = secret_label();
    let verifier = Verifier::without_trust(provider());
    let setup_hwm = status_kib("VmHWM");

    println!(
        "detached record: {mib} MiB from a deterministic generator (never in memory), read in 256 KiB chunks; {rounds} round(s), best of each kept"
    );
    let mut worst_ratio = f64::INFINITY;
    let mut raw_best_all = Vec::new();
    for (digest, alg) in [
        (DigestAlgorithm::Sha256, Algorithm::Es256),
        (DigestAlgorithm::Sha384, Algorithm::Es384),
    ] {
        let issued = nation.signer(alg).unwrap();
        let key = issued.signing_key(provider()).unwrap();
        let request = SealRequest::originator(key.as_ref(), nation.signer_chain(issued), now);
        let (t_seal, envelope) = timed(|| {
            pouch::seal(
                provider(),
                &label,
                Payload::Detached {
                    data: &mut Generator::new(len),
                    digest,
                    content_type: None,
                    location: None,
                },
                &request,
                None,
                None,
            )
            .unwrap()
        });
        // Alternate raw and envelope passes so a burst of load elsewhere hits both alike.
        let mut raw_best = Duration::MAX;
        let mut verify_best = Duration::MAX;
        for _ in 0..rounds {
            let (t, _) = timed(|| raw_digest(digest, len));
            raw_best = raw_best.min(t);
            let (t, report) = timed(|| verifier.verify(&envelope, Some(&mut Generator::new(len))));
            assert!(
                report.is_valid() && report.has(pouch_status::PAYLOAD_DIGEST_MATCH),
                "{digest}: the detached envelope does not verify: {}",
                report.to_json()
            );
            verify_best = verify_best.min(t);
        }
        let verify_ratio = raw_best.as_secs_f64() / verify_best.as_secs_f64();
        let seal_ratio = raw_best.as_secs_f64() / t_seal.as_secs_f64();
        worst_ratio = worst_ratio.min(verify_ratio);
        raw_best_all.push(raw_best);
        println!(
            "  {digest} ({alg} seal, envelope {} bytes): streaming verify throughput / raw {digest} throughput = {verify_ratio:.3} (target >= 0.9); seal throughput / raw = {seal_ratio:.3} (one pass)",
            envelope.len()
        );
    }
    let (t_gen, _) = timed(|| generate_only(len));
    let gen_share = t_gen.as_secs_f64() / raw_best_all.iter().min().unwrap().as_secs_f64();
    println!(
        "  generator alone / fastest raw digest pass (time) = {gen_share:.3} (the share of each pass that is the generator, same on both sides)"
    );

    let hwm = status_kib("VmHWM");
    println!(
        "  peak RSS (VmHWM) at the end: {:.1} MiB (after setup, before streaming: {:.1} MiB); target < {} MiB: {}",
        hwm as f64 / 1024.0,
        setup_hwm as f64 / 1024.0,
        RSS_TARGET_KIB / 1024,
        if hwm < RSS_TARGET_KIB {
            "met"
        } else {
            "NOT MET"
        }
    );
    println!(
        "RESULT peak_rss_mib={:.1} worst_detached_ratio={worst_ratio:.3}",
        hwm as f64 / 1024.0
    );
}
