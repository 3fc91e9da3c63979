//! Shared by the integration tests: the providers to run against, and a scratch folder.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_testkit::{Coalition, CoalitionSpec, Error, KeySlot, Nation, Role};

/// 2026-01-01T00:00:00Z, the fixed "now" of every test.
pub const NOW: i64 = 1_767_225_600;

/// Every backend the tests run against, with the algorithms for which it signs
/// deterministically (so byte-for-byte regeneration can be asserted).
pub fn providers() -> Vec<(&'static CryptoProvider, &'static [Algorithm])> {
    vec![
        // aws-lc-rs: ECDSA and RSASSA-PSS are randomised, ML-DSA is hedged (randomised);
        // only Ed25519 is deterministic.
        (&pouch_crypto_awslc::PROVIDER, &[Algorithm::EdDsa]),
        // RustCrypto: ECDSA per RFC 6979, Ed25519, and ML-DSA in its deterministic variant;
        // only RSASSA-PSS (random salt) differs from run to run.
        (
            &pouch_crypto_rustcrypto::PROVIDER,
            &[
                Algorithm::Es256,
                Algorithm::Es384,
                Algorithm::Es512,
                Algorithm::EdDsa,
                Algorithm::MlDsa44,
                Algorithm::MlDsa65,
                Algorithm::MlDsa87,
            ],
        ),
    ]
}

/// A folder under the system temporary folder, removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "{}-{tag}-{}-{n}",
            env!("CARGO_PKG_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

type KeyId = (&'static str, String, Role, Algorithm);

/// Keys made once per (provider, nation, role, algorithm) and shared by every test of the
/// binary: RSA key generation in an unoptimised pure-Rust build takes seconds.
static KEYS: Mutex<Option<HashMap<KeyId, Vec<u8>>>> = Mutex::new(None);

pub fn cached_key(provider: &CryptoProvider, slot: &KeySlot<'_>) -> Result<Vec<u8>, Error> {
    let id = (
        provider.name,
        slot.nation.code_alpha3().to_owned(),
        slot.role,
        slot.algorithm,
    );
    if let Some(key) = KEYS.lock().unwrap().get_or_insert_default().get(&id) {
        return Ok(key.clone());
    }
    let scheme = provider.signature(slot.algorithm).unwrap();
    let key = scheme.generate_pkcs8()?;
    let mut map = KEYS.lock().unwrap();
    Ok(map.get_or_insert_default().entry(id).or_insert(key).clone())
}

/// `build_coalition` with cached keys.
pub fn coalition(
    provider: &CryptoProvider,
    nations: &[Nation],
    root: Algorithm,
    signers: &[Algorithm],
) -> Coalition {
    build_spec(
        provider,
        &CoalitionSpec::new(root, signers, NOW).unwrap(),
        nations,
    )
}

/// `CoalitionSpec::build` with cached keys.
pub fn build_spec(
    provider: &CryptoProvider,
    spec: &CoalitionSpec,
    nations: &[Nation],
) -> Coalition {
    spec.build_with_keys(provider, nations, &mut |slot| cached_key(provider, slot))
        .unwrap()
}
