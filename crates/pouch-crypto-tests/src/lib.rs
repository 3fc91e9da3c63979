#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use pouch_crypto::CryptoProvider;

/// Every Pouch crypto provider, in the order the suites report them.
pub const PROVIDERS: [&CryptoProvider; 2] = [
    &pouch_crypto_awslc::PROVIDER,
    &pouch_crypto_rustcrypto::PROVIDER,
];
