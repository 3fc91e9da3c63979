//! Signer-chain validation (spec/04-trust.md): a seal's `x5chain` against the anchors of the
//! trust bundle's nations, with rustls-webpki building the path and the Pouch crypto provider
//! verifying every certificate and CRL signature.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use pouch_crypto::{CryptoProvider, DigestAlgorithm, DigestScheme};
use pouch_status::{self as status, Severity, StatusCode};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm};
use webpki::{EndEntityCert, OwnedCertRevocationList};

use crate::Oid;
use crate::error::{BundleFault, BundlePlace};
use crate::{Error, Revocation, TrustBundle};
use path::{Entry, NationAnchors, PathContext, PurposeCheck};
use sigalg::ProviderVerifier;

// The helpers live beside this file; they are declared here so that `trust/mod.rs` only
// names this module.
#[path = "leaf.rs"]
mod leaf;
#[path = "path.rs"]
mod path;
#[path = "revocation.rs"]
mod revocation;
#[path = "sigalg.rs"]
mod sigalg;
#[path = "x509.rs"]
mod x509;

pub use crate::crl::certificate_serial;

/// The most certificates an `x5chain` may hold (leaf, up to six intermediates, and a copy of
/// the anchor), matching webpki's own depth limit.
pub const MAX_CHAIN_LEN: usize = 8;

/// How far a signing time may lie after the verification time before it is an error.
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// How many chains a validator remembers.
pub const CACHE_CAPACITY: usize = 1024;

/// Which profile the leaf certificate must fit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeafProfile {
    /// A Pouch signer: keyUsage present with digitalSignature, extendedKeyUsage present with
    /// id-kp-documentSigning (RFC 9336), not a CA.
    #[default]
    Pouch,
    /// RFC 5280 semantics for other uses (e.g. running the x509-limbo suite): keyUsage and
    /// extendedKeyUsage may be absent; if present, keyUsage must include digitalSignature
    /// and extendedKeyUsage every purpose listed. Not a CA.
    Eku(Vec<Oid>),
    /// A recipient's encryption certificate (spec/10-encryption.md POUCH-ENC-040): keyUsage
    /// present with keyAgreement or keyEncipherment, no extendedKeyUsage required, not a CA.
    Encryption,
}

/// The outcome of validating one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChainVerdict {
    /// Index in `bundle.nations` of the nation whose anchor ends the path, if one does.
    pub nation: Option<usize>,
    /// Whether no entry has error severity.
    pub trusted: bool,
    /// Status codes with details: `trust.signer-trusted` first when trusted, then warnings;
    /// otherwise the errors and warnings found.
    pub entries: Vec<(StatusCode, Option<String>)>,
}

impl ChainVerdict {
    fn from_entries(nation: Option<usize>, mut entries: Vec<Entry>) -> ChainVerdict {
        let mut seen = Vec::new();
        entries.retain(|(code, _)| {
            let fresh = !seen.contains(code);
            seen.push(*code);
            fresh
        });
        let trusted = !entries.iter().any(|(c, _)| c.severity() == Severity::Error);
        if trusted {
            entries.insert(0, (status::TRUST_SIGNER_TRUSTED, None));
        }
        ChainVerdict {
            nation,
            trusted,
            entries,
        }
    }

    /// Whether the verdict carries `code`.
    pub fn has(&self, code: StatusCode) -> bool {
        self.entries.iter().any(|(c, _)| *c == code)
    }
}

/// What is known about a chain whatever the times: kept in the cache.
#[derive(Clone, Debug)]
struct Assessment {
    nation: Option<usize>,
    /// Why no path exists, if none does.
    path_error: Option<Entry>,
    /// max(notBefore)..=min(notAfter) over the path, anchor included, if a path exists.
    window: Option<(i64, i64)>,
    /// Leaf profile and country findings.
    findings: Vec<Entry>,
    /// What the bundle's CRLs say about each certificate of the path, whatever the time.
    revocation: Vec<revocation::CertRevocation>,
    /// Whether the party whose anchor ends the path requires revocation checking.
    revocation_required: bool,
}

#[derive(Default)]
struct Cache {
    map: HashMap<Vec<u8>, Assessment>,
    order: VecDeque<Vec<u8>>,
    hits: u64,
}

/// Validates seal chains against one trust bundle. Anchors and CRLs are parsed once;
/// results are cached per chain (see [`ChainValidator::validate`]).
pub struct ChainValidator<'a> {
    bundle: &'a TrustBundle,
    verifiers: Vec<ProviderVerifier>,
    digest: Option<&'static dyn DigestScheme>,
    nations: Vec<NationAnchors>,
    crls: Vec<revocation::Crl>,
    profile: LeafProfile,
    require_current_validity: bool,
    purposes: PurposeCheck,
    cache: Mutex<Cache>,
}

impl<'a> ChainValidator<'a> {
    /// A validator for `bundle`, verifying signatures with `provider`. Fails, naming the
    /// nation and item, if an anchor, intermediate or CRL of the bundle does not parse.
    pub fn new(provider: &'a CryptoProvider, bundle: &'a TrustBundle) -> Result<Self, Error> {
        let mut nations = Vec::with_capacity(bundle.nations.len());
        let mut crls = Vec::new();
        for nation in &bundle.nations {
            let fail = |field: &'static str, i: usize, fault: BundleFault| Error::Bundle {
                place: Box::new(BundlePlace::default().nation(&nation.code).item(field, i)),
                fault: Box::new(fault),
            };
            let refused = |e: &dyn std::fmt::Display| BundleFault::Refused(e.to_string());
            let mut anchors = Vec::with_capacity(nation.anchors.len());
            let mut windows = Vec::with_capacity(nation.anchors.len());
            let mut defects = Vec::with_capacity(nation.anchors.len());
            for (i, der) in nation.anchors.iter().enumerate() {
                let fields =
                    x509::parse(der).map_err(|r| fail("anchors", i, BundleFault::Malformed(r)))?;
                let cert = CertificateDer::from(der.as_slice());
                let anchor = webpki::anchor_from_trusted_cert(&cert)
                    .map_err(|e| fail("anchors", i, refused(&e)))?;
                anchors.push(anchor.to_owned());
                windows.push((fields.not_before, fields.not_after));
                defects.push(
                    fields
                        .anchor_defect()
                        .map(|(code, why)| (code, Some(why.to_owned()))),
                );
            }
            for (i, der) in nation.intermediates.iter().enumerate() {
                x509::parse(der)
                    .map_err(|r| fail("intermediates", i, BundleFault::Malformed(r)))?;
            }
            for (i, der) in nation.crls.iter().enumerate() {
                let crl = revocation::parse_crl(der)
                    .map_err(|r| fail("crls", i, BundleFault::Malformed(r)))?;
                // webpki's reading too, as a second opinion on well-formedness.
                OwnedCertRevocationList::from_der(der).map_err(|e| fail("crls", i, refused(&e)))?;
                crls.push(crl);
            }
            nations.push(NationAnchors {
                anchors,
                windows,
                defects,
            });
        }
        Ok(ChainValidator {
            bundle,
            verifiers: sigalg::verifiers(provider),
            digest: provider.digest(DigestAlgorithm::Sha256),
            nations,
            crls,
            profile: LeafProfile::Pouch,
            require_current_validity: false,
            purposes: purposes_for(&LeafProfile::Pouch),
            cache: Mutex::new(Cache::default()),
        })
    }

    /// Uses another leaf profile (the default is [`LeafProfile::Pouch`]).
    pub fn with_leaf_profile(mut self, profile: LeafProfile) -> Self {
        self.purposes = purposes_for(&profile);
        self.profile = profile;
        self.cache = Mutex::new(Cache::default());
        self
    }

    /// Requires every certificate of the path to be valid at the verification time as well
    /// as at the signing time (POUCH-TRUST-022): a path that has expired since is then
    /// `trust.current-validity-required`, an error, so a back-dated seal by a signer whose
    /// certificate has expired is refused. Off by default (archives must still verify).
    pub fn with_require_current_validity(mut self, require: bool) -> Self {
        self.require_current_validity = require;
        self
    }

    /// Whether this validator is in the strict mode of
    /// [`ChainValidator::with_require_current_validity`].
    pub fn requires_current_validity(&self) -> bool {
        self.require_current_validity
    }

    /// Validates `chain` (DER certificates, leaf first, as a seal's `x5chain`) for a seal
    /// made at `signing_time` and checked at `verification_time` (Unix seconds).
    ///
    /// The path, its validity window, revocation and the leaf checks do not depend on the
    /// times, so they are cached by the chain's SHA-256; a repeated chain only has its
    /// times compared with the window. A cached chain whose window misses the signing time
    /// is built again at that time, in case another path is valid then.
    pub fn validate(
        &self,
        chain: &[Vec<u8>],
        signing_time: i64,
        verification_time: i64,
    ) -> ChainVerdict {
        if chain.len() > MAX_CHAIN_LEN {
            let detail = format!(
                "x5chain holds {} certificates; at most {MAX_CHAIN_LEN}",
                chain.len()
            );
            return ChainVerdict::from_entries(
                None,
                vec![(status::TRUST_CHAIN_TOO_LONG, Some(detail))],
            );
        }
        let key = self.cache_key(chain);
        let cached = {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache.map.get(&key).cloned()
        };
        let assessment = match cached {
            Some(a) if a.nation.is_none() || covers(a.window, signing_time) => {
                self.cache
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .hits += 1;
                a
            }
            Some(old) => {
                let fresh = self.assess(chain, signing_time);
                if fresh.nation.is_some() && covers(fresh.window, signing_time) {
                    self.remember(key, fresh.clone());
                    fresh
                } else {
                    old
                }
            }
            None => {
                let fresh = self.assess(chain, signing_time);
                self.remember(key, fresh.clone());
                fresh
            }
        };
        verdict(
            &assessment,
            signing_time,
            verification_time,
            self.require_current_validity,
        )
    }

    /// How many chains the cache holds.
    pub fn cache_len(&self) -> usize {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .len()
    }

    /// How many calls were answered from the cache.
    pub fn cache_hits(&self) -> u64 {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hits
    }

    /// The bundle this validator checks against.
    pub fn bundle(&self) -> &'a TrustBundle {
        self.bundle
    }

    fn remember(&self, key: Vec<u8>, assessment: Assessment) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.map.insert(key.clone(), assessment).is_none() {
            cache.order.push_back(key);
        }
        while cache.map.len() > CACHE_CAPACITY {
            match cache.order.pop_front() {
                Some(old) => {
                    cache.map.remove(&old);
                }
                None => break,
            }
        }
    }

    /// SHA-256 over the length-prefixed certificates; the bytes themselves if the provider
    /// has no SHA-256.
    fn cache_key(&self, chain: &[Vec<u8>]) -> Vec<u8> {
        let mut framed = Vec::new();
        for cert in chain {
            framed.extend_from_slice(&(cert.len() as u64).to_be_bytes());
            framed.extend_from_slice(cert);
        }
        match self.digest {
            Some(scheme) => {
                let mut digest = scheme.start();
                digest.update(&framed);
                digest.finish()
            }
            None => framed,
        }
    }

    /// Everything about `chain` that does not depend on the times.
    fn assess(&self, chain: &[Vec<u8>], signing_time: i64) -> Assessment {
        let failed = |entry: Entry| Assessment {
            nation: None,
            path_error: Some(entry),
            window: None,
            findings: Vec::new(),
            revocation: Vec::new(),
            revocation_required: false,
        };
        let Some(leaf_der) = chain.first() else {
            return failed((status::TRUST_NO_PATH, Some("x5chain is empty".to_owned())));
        };
        let leaf = match x509::parse(leaf_der) {
            Ok(leaf) => leaf,
            Err(reason) => {
                return failed((
                    status::TRUST_CERTIFICATE_MALFORMED,
                    Some(format!("leaf: {reason}")),
                ));
            }
        };
        let mut findings = self.leaf_findings(&leaf);
        let leaf_cert = CertificateDer::from(leaf_der.as_slice());
        let ee = match EndEntityCert::try_from(&leaf_cert) {
            Ok(ee) => ee,
            Err(err) => {
                let mut a = failed(path::entry_for(&err));
                a.findings = findings;
                return a;
            }
        };
        let intermediates: Vec<CertificateDer<'_>> = chain[1..]
            .iter()
            .chain(self.bundle.nations.iter().flat_map(|n| &n.intermediates))
            .map(|der| CertificateDer::from(der.as_slice()))
            .collect();
        let algorithms: Vec<&dyn SignatureVerificationAlgorithm> = self
            .verifiers
            .iter()
            .map(|v| v as &dyn SignatureVerificationAlgorithm)
            .collect();
        let context = PathContext {
            algorithms: &algorithms,
            nations: &self.nations,
            intermediates: &intermediates,
            purposes: &self.purposes,
        };
        let found = match context.find(&ee, path::unix_time(signing_time)) {
            Ok(found) => found,
            Err(err) => {
                let mut a = failed(path::entry_for(&err));
                a.findings = findings;
                return a;
            }
        };
        let mut window = found.anchor_window;
        for der in &found.certs {
            match x509::parse(der) {
                Ok(f) => window = (window.0.max(f.not_before), window.1.min(f.not_after)),
                Err(reason) => {
                    return failed((status::TRUST_CERTIFICATE_MALFORMED, Some(reason.to_owned())));
                }
            }
        }
        if let Some(entry) = self.country_finding(&leaf, found.nation) {
            findings.push(entry);
        }
        let party = self.bundle.nations.get(found.nation);
        let anchor_der = party
            .and_then(|p| p.anchors.get(found.anchor))
            .map_or(&[][..], Vec::as_slice);
        let path_error = found
            .anchor_defect
            .clone()
            .or_else(|| anchor_path_len(anchor_der, &found.certs));
        let revocation =
            match revocation::assess(&self.verifiers, &self.crls, &found.certs, anchor_der) {
                Ok(r) => r,
                Err(reason) => {
                    return failed((status::TRUST_CERTIFICATE_MALFORMED, Some(reason.to_owned())));
                }
            };
        Assessment {
            nation: Some(found.nation),
            path_error,
            window: Some(window),
            findings,
            revocation,
            revocation_required: party.is_none_or(|p| p.revocation == Revocation::Required),
        }
    }
}

/// The anchor's basicConstraints pathLenConstraint over the path (POUCH-TRUST-004): webpki
/// takes only an anchor's name, key and name constraints, so OpenSSL's and Go's reading
/// (RFC 5937) is applied here. Self-issued intermediates do not count (RFC 5280 §6.1.4).
fn anchor_path_len(anchor_der: &[u8], certs: &[Vec<u8>]) -> Option<Entry> {
    let limit = x509::parse(anchor_der).ok()?.path_len().ok()??;
    let below = certs
        .iter()
        .skip(1)
        .filter(|der| x509::parse(der).is_ok_and(|c| !c.is_self_issued()))
        .count() as u64;
    (below > limit).then(|| {
        (
            status::TRUST_PATH_CONSTRAINTS,
            Some(format!(
                "the anchor's pathLenConstraint {limit} allows {limit} intermediate(s); the path has {below}"
            )),
        )
    })
}

fn purposes_for(profile: &LeafProfile) -> PurposeCheck {
    let required = match profile {
        LeafProfile::Pouch => vec![crate::oid::KP_DOCUMENT_SIGNING.as_bytes().to_vec()],
        LeafProfile::Eku(oids) => oids.iter().map(|o| o.as_bytes().to_vec()).collect(),
        LeafProfile::Encryption => Vec::new(),
    };
    PurposeCheck { required }
}

fn covers(window: Option<(i64, i64)>, time: i64) -> bool {
    window.is_some_and(|(from, to)| from <= time && time <= to)
}

/// The verdict for a cached or fresh assessment at the given times.
fn verdict(
    a: &Assessment,
    signing_time: i64,
    verification_time: i64,
    require_current_validity: bool,
) -> ChainVerdict {
    let mut entries = Vec::new();
    if signing_time > verification_time.saturating_add(CLOCK_SKEW_SECONDS) {
        entries.push((
            status::TRUST_SIGNING_TIME_IN_FUTURE,
            Some(format!(
                "signing time {signing_time} is after verification time {verification_time}"
            )),
        ));
    }
    entries.extend(a.path_error.clone());
    if let Some((from, to)) = a.window {
        let span = format!("the path is valid from {from} to {to}");
        // The warning says the path was valid at signing and no longer is (POUCH-TRUST-021);
        // a path never valid at signing is that error alone.
        if !covers(a.window, signing_time) {
            entries.push((
                status::TRUST_NOT_VALID_AT_SIGNING,
                Some(format!("signing time {signing_time}; {span}")),
            ));
        } else if !covers(a.window, verification_time) {
            let code = if require_current_validity {
                status::TRUST_CURRENT_VALIDITY_REQUIRED
            } else {
                status::TRUST_NOT_VALID_AT_VERIFICATION
            };
            entries.push((
                code,
                Some(format!("verification time {verification_time}; {span}")),
            ));
        }
    }
    entries.extend(a.findings.iter().cloned());
    if a.nation.is_some() && a.path_error.is_none() {
        entries.extend(revocation::verdict(
            &a.revocation,
            verification_time,
            a.revocation_required,
        ));
    }
    ChainVerdict::from_entries(a.nation, entries)
}
