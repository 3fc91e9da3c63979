//! One immutable snapshot of everything a decision depends on (trust bundle with its CRLs,
//! SPIFs, seal policy, partners), swapped whole on reload: a decision takes the current
//! snapshot once and uses nothing else, so it never mixes an old bundle with a new SPIF.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use pouch::{CryptoProvider, DigestAlgorithm, Recipient, SealPolicy, TrustStore, Verifier};

use crate::{Config, Error};

/// Files of the bundle's folder looked at for changes, at most (a bundle is a few dozen).
const MAX_WATCHED_FILES: usize = 4096;
/// Folder depth under the bundle's folder that is watched.
const MAX_WATCH_DEPTH: usize = 4;

/// What one decision uses.
#[derive(Debug)]
pub struct Snapshot {
    /// Counts loads in this process, from 1.
    pub generation: u64,
    /// SHA-256 over the files the snapshot was loaded from (hex): equal on every worker that
    /// loaded the same files, so audit records say which rules decided.
    pub fingerprint: String,
    /// The partner nations, in configuration order.
    pub partners: Vec<crate::Partner>,
    /// The partners as release recipients, in the same order.
    pub recipients: Vec<Recipient>,
    /// The verifier: every stage, and release to each recipient (`Verifier::verify_for`).
    pub verifier: Verifier,
    /// Inbound messages larger than this are quarantined undecoded.
    pub max_envelope_bytes: usize,
    /// The crypto provider (digests for message ids).
    pub provider: &'static CryptoProvider,
}

impl Snapshot {
    /// Loads the bundle and policies that `config` names and builds one verifier per partner.
    pub fn load(
        config: &Config,
        provider: &'static CryptoProvider,
        generation: u64,
    ) -> Result<Self, Error> {
        let fingerprint = fingerprint(config, provider)?;
        let v = &config.verify;
        let pouch_err = |what: &Path| {
            let what = what.display().to_string();
            move |source| Error::Pouch {
                what,
                source: Box::new(source),
            }
        };
        let bundle = pouch::load_bundle(&v.trust).map_err(pouch_err(&v.trust))?;
        let store = TrustStore::with_options(provider, bundle, v.require_current_validity)
            .map_err(pouch_err(&v.trust))?;
        let mut policies = Vec::new();
        for p in &v.policies {
            policies.push(Arc::new(pouch::load_policy(p).map_err(pouch_err(p))?));
        }
        let seal_policy: SealPolicy = v.seal_policy.parse().map_err(|e| Error::Config {
            path: "[verify] seal_policy".into(),
            detail: format!("{e}"),
        })?;
        let at = match &v.at {
            Some(t) => Some(pouch::parse_time(t).map_err(|e| Error::Config {
                path: "[verify] at".into(),
                detail: e.to_string(),
            })?),
            None => None,
        };
        let mut b = Verifier::builder(provider)
            .trust_store(store)
            .seal_policy(seal_policy)
            .policies(policies);
        if let Some(at) = at {
            b = b.at(at);
        }
        let verifier = b.build().map_err(|source| Error::Pouch {
            what: "the verifier".into(),
            source: Box::new(source),
        })?;
        let partners = config.partners.clone();
        let recipients = partners
            .iter()
            .map(|p| Recipient::new(p.nation.clone()))
            .collect();
        Ok(Self {
            generation,
            fingerprint,
            partners,
            recipients,
            verifier,
            max_envelope_bytes: config.limits.max_envelope_bytes,
            provider,
        })
    }
}

/// The current snapshot, replaced whole by [`SnapshotCell::reload`].
#[derive(Debug)]
pub struct SnapshotCell {
    current: RwLock<Arc<Snapshot>>,
    /// The fingerprint of files that failed to load: not tried again until they change.
    refused: std::sync::Mutex<Option<String>>,
}

impl SnapshotCell {
    /// Holds a first snapshot.
    pub fn new(first: Snapshot) -> Self {
        Self {
            current: RwLock::new(Arc::new(first)),
            refused: std::sync::Mutex::new(None),
        }
    }

    /// The snapshot to decide with (a clone of an `Arc`: the lock is held for no longer).
    pub fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Loads the files again; swaps the new snapshot in when they changed (or when `force`).
    /// On error the old snapshot stays. Returns the snapshot in force and whether it is new.
    pub fn reload(&self, config: &Config, force: bool) -> Result<(Arc<Snapshot>, bool), Error> {
        let old = self.current();
        let now = fingerprint(config, old.provider)?;
        let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        if !force && (now == old.fingerprint || refused.as_deref() == Some(now.as_str())) {
            return Ok((old, false));
        }
        match Snapshot::load(config, old.provider, old.generation + 1) {
            Ok(new) => {
                let new = Arc::new(new);
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::clone(&new);
                *refused = None;
                Ok((new, true))
            }
            Err(e) => {
                *refused = Some(now);
                Err(e)
            }
        }
    }
}

/// SHA-256 over the configuration's policies and every file under the trust bundle's folder
/// (its anchors, intermediates and CRLs live there), names and contents, in sorted order.
pub(crate) fn fingerprint(config: &Config, provider: &CryptoProvider) -> Result<String, Error> {
    let mut files: Vec<PathBuf> = config.verify.policies.clone();
    files.push(config.verify.trust.clone());
    if let Some(dir) = config.verify.trust.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        walk(dir, 0, &mut files);
    }
    files.sort();
    files.dedup();
    let mut d = provider
        .digest(DigestAlgorithm::Sha256)
        .ok_or_else(|| Error::Nats("the crypto provider has no SHA-256".into()))?
        .start();
    for f in &files {
        let bytes = std::fs::read(f).map_err(|source| Error::Io {
            path: f.display().to_string(),
            source,
        })?;
        let name = f.display().to_string();
        d.update(&(name.len() as u64).to_be_bytes());
        d.update(name.as_bytes());
        d.update(&(bytes.len() as u64).to_be_bytes());
        d.update(&bytes);
    }
    Ok(hex(&d.finish()))
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if out.len() >= MAX_WATCHED_FILES {
            return;
        }
        let Ok(t) = e.file_type() else { continue };
        let path = e.path();
        if t.is_dir() && depth + 1 < MAX_WATCH_DEPTH {
            walk(&path, depth + 1, out);
        } else if t.is_file() && !is_private_key(&path) {
            out.push(path);
        }
    }
}

/// Signing keys may lie beside a demo bundle; they are no part of the rules and never read.
fn is_private_key(p: &Path) -> bool {
    p.to_str().is_some_and(|s| s.ends_with(".key.pem"))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
