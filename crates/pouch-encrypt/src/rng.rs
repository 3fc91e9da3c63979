//! Randomness: the system's, or a seeded generator for reproducible test vectors.

use core::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

/// The operating system's generator (getrandom). `UnwrapErr` panics if the system generator
/// fails, which happens only on a platform without one: there is no safe way to go on.
pub type SystemRng = rand_core::UnwrapErr<getrandom::SysRng>;

/// The system generator.
pub fn system_rng() -> SystemRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// A deterministic generator: SHA-256 of (seed, counter) blocks. For test vectors and
/// reproducible demos only; it MUST NOT encrypt real records (spec/08-security.md §8.10).
#[derive(Clone, Debug)]
pub struct SeededRng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl SeededRng {
    /// A generator for `seed` (any bytes, e.g. a vector's name).
    pub fn new(seed: &[u8]) -> SeededRng {
        SeededRng {
            seed: Sha256::digest(seed).into(),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        let mut h = Sha256::new();
        h.update(b"Pouch seeded rng");
        h.update(self.seed);
        h.update(self.counter.to_be_bytes());
        self.block = h.finalize().into();
        self.counter = self.counter.wrapping_add(1);
        self.used = 0;
    }
}

impl TryRng for SeededRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            if self.used == 32 {
                self.refill();
            }
            *byte = self.block.get(self.used).copied().unwrap_or_default();
            self.used += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for SeededRng {}
