#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod certificate;
mod schemes;

use aws_lc_rs::digest;
use pouch_crypto::{CryptoProvider, Digest, DigestAlgorithm, DigestScheme, Error};

/// The aws-lc-rs provider: every registered algorithm, both digests, and aws-lc's DRBG.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    name: "aws-lc-rs",
    signatures: pouch_crypto::every_signature_scheme!(schemes),
    digests: &[&SHA256, &SHA384],
    fill_random,
    certificate_verifiers: certificate::ALL,
};

/// The aws-lc-rs provider ([`PROVIDER`]).
pub fn provider() -> &'static CryptoProvider {
    &PROVIDER
}

fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    aws_lc_rs::rand::fill(buf).map_err(|_| Error::Backend("aws-lc RAND_bytes failed"))
}

#[derive(Debug)]
struct Sha2 {
    alg: DigestAlgorithm,
    lc: &'static digest::Algorithm,
}

static SHA256: Sha2 = Sha2 {
    alg: DigestAlgorithm::Sha256,
    lc: &digest::SHA256,
};
static SHA384: Sha2 = Sha2 {
    alg: DigestAlgorithm::Sha384,
    lc: &digest::SHA384,
};

impl DigestScheme for Sha2 {
    fn algorithm(&self) -> DigestAlgorithm {
        self.alg
    }

    fn start(&self) -> Box<dyn Digest> {
        Box::new(Running(digest::Context::new(self.lc)))
    }
}

struct Running(digest::Context);

impl Digest for Running {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        self.0.finish().as_ref().to_vec()
    }
}
