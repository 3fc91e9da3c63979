#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod certificate;
mod schemes;

use pouch_crypto::{CryptoProvider, Digest, DigestAlgorithm, DigestScheme, Error};

/// The pure-Rust provider: every registered algorithm, both digests, and the OS's randomness
/// (the browser's `Crypto.getRandomValues` on wasm32).
pub static PROVIDER: CryptoProvider = CryptoProvider {
    name: "RustCrypto",
    signatures: pouch_crypto::every_signature_scheme!(schemes),
    digests: &[
        &Sha2(DigestAlgorithm::Sha256),
        &Sha2(DigestAlgorithm::Sha384),
    ],
    fill_random,
    certificate_verifiers: certificate::ALL,
};

/// The RustCrypto provider ([`PROVIDER`]).
pub fn provider() -> &'static CryptoProvider {
    &PROVIDER
}

fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|_| Error::Backend("the OS random source failed"))
}

#[derive(Debug)]
struct Sha2(DigestAlgorithm);

impl DigestScheme for Sha2 {
    fn algorithm(&self) -> DigestAlgorithm {
        self.0
    }

    fn start(&self) -> Box<dyn Digest> {
        match self.0 {
            DigestAlgorithm::Sha384 => Box::new(Running(<sha2::Sha384 as sha2::Digest>::new())),
            // The enum is non-exhaustive; SHA-256 is the only other registered digest.
            _ => Box::new(Running(<sha2::Sha256 as sha2::Digest>::new())),
        }
    }
}

struct Running<D>(D);

impl<D: sha2::Digest + Send> Digest for Running<D> {
    fn update(&mut self, data: &[u8]) {
        sha2::Digest::update(&mut self.0, data);
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        sha2::Digest::finalize(self.0).to_vec()
    }
}
