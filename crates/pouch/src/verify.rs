//! The verification pipeline of spec/03-envelope.md §3.7.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_label::{DateTime, Label};
use pouch_policy::{ErrorKind as PolicyErrorKind, Policy, PolicyMatch, Recipient};
use pouch_status as codes;
use pouch_trust::{ChainValidator, TrustBundle, TrustedNation};

use pouch_envelope::{Content, Envelope, LeafInfo, Limits, SealHeader, digest_reader, leaf_info};

use crate::Error;
use crate::report::{Entry, LabelRef, LabelReport, ReleaseReport, Report, SealReport};

/// Leaf certificates described so far, so that a gateway verifying many envelopes from the
/// same signers parses each leaf once. Bounded; cleared when full. Keys are the whole
/// certificate, compared in full on every hit; only the hash is sampled (see
/// [`SampledHasher`]), so a collision costs time, never a wrong answer.
#[derive(Clone, Debug, Default)]
struct LeafCache(Arc<Mutex<LeafMap>>);

type LeafMap = HashMap<Vec<u8>, Described, BuildHasherDefault<SampledHasher>>;

/// Hashes a certificate by its length and at most 128 of its bytes (the first 32 and the
/// last 96, where the certificate's own signature lies): SipHash over a 5 KiB ML-DSA
/// certificate costs about a tenth of an ML-DSA verify, this costs nothing measurable.
#[derive(Default)]
struct SampledHasher(u64);

impl Hasher for SampledHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        let head = bytes.get(..n.min(32)).unwrap_or_default();
        let tail = bytes.get(n.saturating_sub(96)..).unwrap_or_default();
        let mut h = self.0 ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for &b in head.iter().chain(tail) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A leaf certificate's description, or why it has none.
type Described = Arc<Result<LeafInfo, String>>;

const LEAF_CACHE_CAPACITY: usize = 1024;

impl LeafCache {
    fn get(&self, der: &[u8]) -> Described {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hit) = map.get(der) {
            return Arc::clone(hit);
        }
        let info = Arc::new(leaf_info(der));
        if map.len() >= LEAF_CACHE_CAPACITY {
            map.clear();
        }
        map.insert(der.to_vec(), Arc::clone(&info));
        info
    }
}

/// Which seals a verifier requires (spec/03-envelope.md §3.6). Parsed from its one text form
/// (`all`, `hybrid`, `nations:T:A,B,...`) by [`str::parse`], the one parser the CLI, the
/// adapter and every binding share (POUCH-ENV-090).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SealPolicy {
    /// At least one seal, and every seal valid.
    #[default]
    AllValid,
    /// At least one valid classical seal and one valid post-quantum seal.
    Hybrid,
    /// Valid seals from at least `threshold` distinct nations among `nations`. With a trust
    /// bundle, a seal counts only when its signer is trusted, and its nation is the bundle
    /// party's code (`NOR`); without one, it is the leaf subject's country (`NO`).
    Nations {
        /// How many distinct nations must have sealed.
        threshold: usize,
        /// The nations that count.
        nations: Vec<String>,
    },
}

impl core::fmt::Debug for Trust<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Trust")
            .field("nations", &self.bundle.nations.len())
            .finish_non_exhaustive()
    }
}

/// Verifies envelopes with one crypto provider and one configuration; reusable across
/// envelopes and threads, cheap to clone (the trust store, policies and caches are shared).
/// Made by [`Verifier::builder`].
#[derive(Clone, Debug)]
pub struct Verifier {
    /// The crypto backend.
    provider: &'static CryptoProvider,
    /// Which seals are required.
    policy: SealPolicy,
    /// Algorithms accepted; `None` accepts every registered one the provider implements.
    allowed: Option<Vec<Algorithm>>,
    /// Decoder limits.
    limits: Limits,
    /// The trust stage; `None` only when the builder was told [`VerifierBuilder::without_trust`].
    trust: Option<TrustStore>,
    /// The verification time, Unix seconds; `None` is the system clock at each call.
    at: Option<i64>,
    /// Security policies: adds the policy stage for every label of the envelope
    /// (spec/05-policy.md §5.8). Empty skips it.
    policies: Vec<Arc<Policy>>,
    /// The recipient of a release decision: adds the release stage. `None` skips it.
    recipient: Option<Recipient>,
    /// Leaf certificates already parsed (shared by clones of this verifier).
    leaves: LeafCache,
}

/// What the trust stage needs: the bundle and a validator built over it (a view of a
/// [`TrustStore`]).
#[derive(Clone, Copy)]
pub(crate) struct Trust<'a> {
    /// The bundle (for nation codes and authorisations).
    pub(crate) bundle: &'a TrustBundle,
    /// The chain validator over that bundle.
    pub(crate) validator: &'a ChainValidator<'a>,
}

self_cell::self_cell!(
    struct TrustCell {
        owner: TrustBundle,
        #[covariant]
        dependent: ChainValidator,
    }
);

/// A trust bundle and the chain validator over it: anchors and CRLs parsed once, chain
/// verdicts cached and shared by every verifier holding it. Cheap to clone.
#[derive(Clone)]
pub struct TrustStore(Arc<TrustCell>);

impl core::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustStore")
            .field("nations", &self.bundle().nations.len())
            .finish_non_exhaustive()
    }
}

impl TrustStore {
    /// Builds the validator over `bundle` for `provider`'s algorithms.
    pub fn new(provider: &'static CryptoProvider, bundle: TrustBundle) -> Result<Self, Error> {
        Self::with_options(provider, bundle, false)
    }

    /// As [`TrustStore::new`], and with `require_current_validity` every certificate of a
    /// path must also be valid at the verification time (POUCH-TRUST-022).
    pub fn with_options(
        provider: &'static CryptoProvider,
        bundle: TrustBundle,
        require_current_validity: bool,
    ) -> Result<Self, Error> {
        TrustCell::try_new(bundle, |b| {
            ChainValidator::new(provider, b)
                .map(|v| v.with_require_current_validity(require_current_validity))
        })
        .map(|c| Self(Arc::new(c)))
        .map_err(Error::Trust)
    }

    /// Whether this store refuses paths that are no longer valid at the verification time.
    pub fn current_validity_required(&self) -> bool {
        self.0.borrow_dependent().requires_current_validity()
    }

    /// Loads a bundle file (TOML), reading the files it names relative to it.
    pub fn load(provider: &'static CryptoProvider, path: &std::path::Path) -> Result<Self, Error> {
        let bundle = pouch_trust::load_bundle(path).map_err(Error::Trust)?;
        Self::new(provider, bundle)
    }

    /// The bundle.
    pub fn bundle(&self) -> &TrustBundle {
        self.0.borrow_owner()
    }

    fn view(&self) -> Trust<'_> {
        Trust {
            bundle: self.0.borrow_owner(),
            validator: self.0.borrow_dependent(),
        }
    }
}

/// Builds a [`Verifier`]: `Verifier::builder(provider).trust(bundle).build()`.
#[derive(Clone, Debug)]
#[must_use]
pub struct VerifierBuilder {
    verifier: Verifier,
    trust: TrustChoice,
    require_current_validity: bool,
}

#[derive(Clone, Debug)]
enum TrustChoice {
    Unset,
    Without,
    Bundle(Box<TrustBundle>),
    Store(TrustStore),
}

impl VerifierBuilder {
    /// Checks every seal's signer against `bundle` (spec/04-trust.md).
    pub fn trust(mut self, bundle: TrustBundle) -> Self {
        self.trust = TrustChoice::Bundle(Box::new(bundle));
        self
    }

    /// As [`VerifierBuilder::trust`], with a store already built (shared, with its caches).
    pub fn trust_store(mut self, store: TrustStore) -> Self {
        self.trust = TrustChoice::Store(store);
        self
    }

    /// Refuses back-dated seals (spec/04-trust.md, POUCH-TRUST-022): every certificate of a
    /// signer's path must also be valid at the verification time, not only at the signing
    /// time the seal claims; a path that expired since is `trust.current-validity-required`.
    pub fn require_current_validity(mut self, require: bool) -> Self {
        self.require_current_validity = require;
        self
    }

    /// Verifies signatures without checking who made them: a valid report then says only
    /// that the envelope is intact, and [`crate::Verdict::signers`] is [`crate::Signers::NotChecked`].
    pub fn without_trust(mut self) -> Self {
        self.trust = TrustChoice::Without;
        self
    }

    /// Which seals are required (default: every seal valid).
    pub fn seal_policy(mut self, policy: SealPolicy) -> Self {
        self.verifier.policy = policy;
        self
    }

    /// Accepts only these algorithms (default: every registered one the provider has).
    pub fn allowed(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.verifier.allowed = Some(algorithms.into_iter().collect());
        self
    }

    /// Decoder limits (default: spec/03-envelope.md §3.9's).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.verifier.limits = limits;
        self
    }

    /// Verifies as at `at` (default: the system clock at each call).
    pub fn at(mut self, at: DateTime) -> Self {
        self.verifier.at = Some(at.unix_seconds());
        self
    }

    /// Adds security policies: the policy stage then checks every label of the envelope
    /// under the one it names.
    pub fn policies<P: Into<Arc<Policy>>>(mut self, policies: impl IntoIterator<Item = P>) -> Self {
        self.verifier
            .policies
            .extend(policies.into_iter().map(Into::into));
        self
    }

    /// Adds one security policy.
    pub fn policy(self, policy: impl Into<Arc<Policy>>) -> Self {
        self.policies([policy.into()])
    }

    /// Decides release to `recipient` (a nation or organisation code, optionally with a
    /// clearance): adds the release stage. Needs a trust bundle: with
    /// [`VerifierBuilder::without_trust`], [`VerifierBuilder::build`] refuses it.
    pub fn recipient(mut self, recipient: Recipient) -> Self {
        self.verifier.recipient = Some(recipient);
        self
    }

    /// The verifier, or why it cannot be made: [`Error::TrustUnset`] when trust was not
    /// chosen, [`Error::RecipientWithoutTrust`] when a recipient was given without a trust
    /// bundle (spec/05-policy.md POUCH-POL-085).
    pub fn build(self) -> Result<Verifier, Error> {
        let mut v = self.verifier;
        if v.recipient.is_some() && matches!(self.trust, TrustChoice::Without) {
            return Err(Error::RecipientWithoutTrust);
        }
        v.trust = match self.trust {
            TrustChoice::Unset => return Err(Error::TrustUnset),
            TrustChoice::Without => None,
            TrustChoice::Bundle(b) => Some(TrustStore::with_options(
                v.provider,
                *b,
                self.require_current_validity,
            )?),
            // A store is built once; the strict mode needs its own validator over the bundle.
            TrustChoice::Store(s)
                if self.require_current_validity && !s.current_validity_required() =>
            {
                Some(TrustStore::with_options(
                    v.provider,
                    s.bundle().clone(),
                    true,
                )?)
            }
            TrustChoice::Store(s) => Some(s),
        };
        Ok(v)
    }
}

impl Verifier {
    /// A builder over `provider`. Choosing trust is not optional: call
    /// [`VerifierBuilder::trust`] or [`VerifierBuilder::without_trust`].
    pub fn builder(provider: &'static CryptoProvider) -> VerifierBuilder {
        VerifierBuilder {
            verifier: Verifier {
                provider,
                policy: SealPolicy::AllValid,
                allowed: None,
                limits: Limits::default(),
                trust: None,
                at: None,
                policies: Vec::new(),
                recipient: None,
                leaves: LeafCache::default(),
            },
            trust: TrustChoice::Unset,
            require_current_validity: false,
        }
    }

    /// A verifier with the defaults that checks signatures only: nobody checks who sealed
    /// (the same as `Verifier::builder(provider).without_trust().build()`, which cannot fail).
    pub fn without_trust(provider: &'static CryptoProvider) -> Verifier {
        let mut b = Verifier::builder(provider);
        b.trust = TrustChoice::Without;
        b.verifier
    }

    /// This verifier's settings as a builder, to derive another (sharing the trust store,
    /// policies and caches).
    pub fn to_builder(&self) -> VerifierBuilder {
        VerifierBuilder {
            verifier: self.clone(),
            trust: match &self.trust {
                Some(s) => TrustChoice::Store(s.clone()),
                None => TrustChoice::Without,
            },
            require_current_validity: self
                .trust
                .as_ref()
                .is_some_and(TrustStore::current_validity_required),
        }
    }

    /// The crypto provider.
    pub fn provider(&self) -> &'static CryptoProvider {
        self.provider
    }

    /// The decoder limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The trust store, unless built [`VerifierBuilder::without_trust`].
    pub fn trust(&self) -> Option<&TrustStore> {
        self.trust.as_ref()
    }

    /// The recipient of the release stage, if any.
    pub fn recipient(&self) -> Option<&Recipient> {
        self.recipient.as_ref()
    }

    fn verification_time(&self) -> i64 {
        self.at.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
    }

    /// Verifies `bytes`; `detached` is the record when the payload is detached.
    pub fn verify(&self, bytes: &[u8], detached: Option<&mut dyn Read>) -> Report {
        let mut report = Report::default();
        // The payload is read where it lies in `bytes`, not copied: an embedded record can
        // be as large as the envelope limit.
        let (env, payload) = match Envelope::decode_borrowing_payload(bytes, &self.limits) {
            Ok(parts) => parts,
            Err(f) => {
                report.envelope.push(Entry::with(f.code, f.detail));
                self.not_decided(&mut report, "the envelope does not decode");
                return report;
            }
        };
        self.verify_decoded(&env, payload, detached, report)
    }

    /// Verifies `bytes` once and decides release for each of `recipients`, in order: each
    /// report is the one a verifier with that recipient gives, at one decode, signature and
    /// trust check per seal instead of one per recipient (a gateway deciding for several
    /// partner nations). This verifier's own recipient, if any, is not used. No detached
    /// record: a detached payload is reported not checked.
    pub fn verify_for(&self, bytes: &[u8], recipients: &[Recipient]) -> Vec<Report> {
        let mut base = self.clone();
        base.recipient = None;
        // One time for every decision, as one verify call has.
        let now = self.verification_time();
        base.at = Some(now);
        let with = |r: &Recipient| {
            let mut v = base.clone();
            v.recipient = Some(r.clone());
            v
        };
        let (env, payload) = match Envelope::decode_borrowing_payload(bytes, &self.limits) {
            Ok(parts) => parts,
            // Nothing decoded, nothing to share: each report as `verify` makes it.
            Err(_) => {
                return recipients
                    .iter()
                    .map(|r| with(r).verify(bytes, None))
                    .collect();
            }
        };
        let mut common = base.verify_decoded(&env, payload, None, Report::default());
        // The policy stage runs again below, with the release stage of each recipient.
        common.policy.clear();
        common.release = None;
        recipients
            .iter()
            .map(|r| {
                let v = with(r);
                let mut report = common.clone();
                v.policy_stages(&env, now, &mut report);
                report
            })
            .collect()
    }

    /// Verifies an envelope already decoded (e.g. by `inspect`).
    pub fn verify_envelope(&self, env: &Envelope, detached: Option<&mut dyn Read>) -> Report {
        self.verify_decoded(env, env.payload(), detached, Report::default())
    }

    /// `payload` is the envelope's payload field (the record, or its digest when detached).
    fn verify_decoded(
        &self,
        env: &Envelope,
        payload: &[u8],
        detached: Option<&mut dyn Read>,
        mut report: Report,
    ) -> Report {
        report
            .envelope
            .push(Entry::new(codes::ENVELOPE_WELL_FORMED));
        if let Some(e) = &env.header().encryption {
            report.forced_release.clone_from(&e.forced);
        }
        for f in pouch_label::check(env.label()) {
            report
                .label
                .push(Entry::with(f.code, format!("{}: {}", f.path, f.detail)));
        }
        if let Content::Detached { digest, .. } = &env.header().content {
            report.payload.push(match detached {
                None => Entry::new(codes::PAYLOAD_NOT_CHECKED),
                Some(r) => match digest_reader(self.provider, *digest, r) {
                    Ok(d) if d == payload => Entry::new(codes::PAYLOAD_DIGEST_MATCH),
                    Ok(_) => Entry::with(
                        codes::PAYLOAD_DIGEST_MISMATCH,
                        format!("the record's {digest} differs from the sealed digest"),
                    ),
                    Err(e) => Entry::with(codes::PAYLOAD_DIGEST_MISMATCH, e.to_string()),
                },
            });
        }
        report.trust_checked = self.trust.is_some();
        let mut valid: Vec<(Algorithm, Option<String>)> = Vec::new();
        let now = self.verification_time();
        let trust = self.trust.as_ref().map(TrustStore::view);
        for (index, seal) in env.seals().iter().enumerate() {
            let (mut sr, ok) = self.seal(env, payload, index, seal.header(), seal.signature());
            if let (Some(trust), Ok(h)) = (&trust, seal.header()) {
                self.trust_stage(trust, env.label(), h, ok.is_some(), now, &mut sr);
            }
            if let Some(alg) = ok {
                let nation = if self.trust.is_some() {
                    sr.signer_trusted().then(|| sr.nation.clone()).flatten()
                } else {
                    sr.country.clone()
                };
                if self.trust.is_none() || nation.is_some() {
                    valid.push((alg, nation));
                }
            }
            report.seals.push(sr);
        }
        let all_valid = valid.len() == env.seals().len();
        report.seal_policy.push(self.evaluate(&valid, all_valid));
        if !self.policies.is_empty() || self.recipient.is_some() {
            self.policy_stages(env, now, &mut report);
        }
        report
    }

    /// The policy that `label` names, among those this verifier holds, by the one rule of
    /// POUCH-POL-020: the first that the label claims, whether its text and URI agree
    /// ([`pouch_policy::PolicyMatch::Names`]) or conflict (then that policy finds the label
    /// malformed).
    fn policy_for(&self, label: &Label) -> Option<&Policy> {
        self.policies
            .iter()
            .map(AsRef::as_ref)
            .find(|p: &&Policy| p.identify(label).claims())
    }

    /// Records that no release decision was made, when a recipient was given
    /// (POUCH-POL-085).
    fn not_decided(&self, report: &mut Report, why: &str) {
        if let Some(recipient) = &self.recipient {
            report.release = Some(ReleaseReport {
                recipient: recipient.code.clone(),
                label: None,
                codes: vec![Entry::with(
                    codes::RELEASE_NOT_DECIDED,
                    format!("no release decision for {}: {why}", recipient.code),
                )],
            });
        }
    }

    /// The policy and release stages (spec/05-policy.md §5.8), after every other stage.
    fn policy_stages(&self, env: &Envelope, now: i64, report: &mut Report) {
        let at = pouch_label::DateTime::from_unix(now, 0).unwrap_or(env.label().creation_date_time);
        let entry = |s: pouch_policy::Status| match s.path.as_str() {
            "/" | "" => Entry::with(s.code, s.detail),
            path => Entry::with(s.code, format!("{path}: {}", s.detail)),
        };
        let originator = env.label();
        let originator_policy = self
            .policy_for(originator)
            .filter(|p| p.names_this_policy(originator));
        // Each label: the originator's, then each seal's alternative label in seal order.
        let mut labels: Vec<(usize, LabelRef, &Label)> =
            vec![(0, LabelRef::Originator, originator)];
        for (i, seal) in env.seals().iter().enumerate() {
            if let Ok(h) = seal.header()
                && let Some(alt) = &h.alternative_label
            {
                labels.push((i, LabelRef::Seal(i), alt));
            }
        }
        for (n, (_, name, label)) in labels.iter().enumerate() {
            let policy = self.policy_for(label);
            let mut codes: Vec<Entry> = match policy {
                Some(p) => p.validate_at(label, at).into_iter().map(entry).collect(),
                None => vec![Entry::with(
                    codes::POLICY_UNAVAILABLE,
                    format!(
                        "no policy given is {}",
                        label.confidentiality.policy_identifier.as_str()
                    ),
                )],
            };
            // An alternative label, when the verifier holds both policies, must be the
            // equivalent of the originator label (POUCH-POL-087).
            if n > 0
                && let (Some(from), Some(to)) = (originator_policy, policy)
                && let Some(why) = not_equivalent(from, originator, to, label)
            {
                codes.push(Entry::with(codes::POLICY_NOT_EQUIVALENT, why));
            }
            report.policy.push(LabelReport {
                label: name.clone(),
                policy: policy.map(|p| p.name.clone()),
                codes,
            });
        }
        let Some(recipient) = &self.recipient else {
            return;
        };
        // No release without trusted signers (POUCH-POL-085).
        if self.trust.is_none() {
            self.not_decided(report, "no trust bundle, so no signer was checked");
            return;
        }
        let failed = report
            .entries()
            .find(|e| e.code.severity() == pouch_status::Severity::Error)
            .map(|e| e.code);
        if let Some(code) = failed {
            let why = format!("verification failed before release ({code})");
            self.not_decided(report, &why);
            return;
        }
        let decide = |name: &LabelRef, label: &Label, policy: &Policy| ReleaseReport {
            recipient: recipient.code.clone(),
            label: Some(name.clone()),
            codes: policy
                .release_at(label, recipient, at)
                .statuses
                .into_iter()
                .map(entry)
                .collect(),
        };
        let denied = |code, detail: String| ReleaseReport {
            recipient: recipient.code.clone(),
            label: None,
            codes: vec![
                Entry::with(code, detail),
                Entry::with(
                    codes::RELEASE_DENIED,
                    format!("not releasable to {}", recipient.code),
                ),
            ],
        };
        // The originator label decides whenever its policy is held (POUCH-POL-082).
        if let Some(p) = self.policy_for(originator) {
            report.release = Some(decide(&LabelRef::Originator, originator, p));
            return;
        }
        // Otherwise the alternative labels under the first policy, in the verifier's order,
        // that one relied on names; they must all say the same (POUCH-POL-086).
        for p in &self.policies {
            let relied: Vec<&(usize, LabelRef, &Label)> = labels
                .iter()
                .skip(1)
                .filter(|(i, _, l)| {
                    p.names_this_policy(l)
                        && report
                            .seals
                            .get(*i)
                            .is_some_and(|sr| sr.signature_valid() && sr.signer_trusted())
                })
                .collect();
            let Some((_, name, first)) = relied.first() else {
                continue;
            };
            report.release = Some(if relied.iter().all(|(_, _, l)| p.same_meaning(first, l)) {
                decide(name, first, p)
            } else {
                let names: Vec<String> = relied.iter().map(|(_, n, _)| n.to_string()).collect();
                denied(
                    codes::RELEASE_LABEL_CONFLICT,
                    format!(
                        "the {} labels of {} do not say the same",
                        p.name,
                        names.join(", ")
                    ),
                )
            });
            return;
        }
        report.release = Some(denied(
            codes::RELEASE_NO_LABEL,
            "no label is under a policy given and asserted by a party relied on".into(),
        ));
    }

    fn seal(
        &self,
        env: &Envelope,
        payload: &[u8],
        index: usize,
        header: Result<&SealHeader, &pouch_envelope::Fault>,
        signature: &[u8],
    ) -> (SealReport, Option<Algorithm>) {
        let mut sr = SealReport {
            index,
            ..SealReport::default()
        };
        let h = match header {
            Ok(h) => h,
            Err(f) => {
                sr.codes.push(Entry::with(f.code, f.detail.clone()));
                return (sr, None);
            }
        };
        sr.role = Some(h.role.name());
        sr.signing_time = Some(h.signing_time.to_string());
        let leaf = h.chain.first().map(|c| self.leaves.get(c));
        if let Some(Ok(l)) = leaf.as_deref() {
            sr.signer = Some(l.subject.clone());
            sr.country = l.country.clone();
        }
        let Some(alg) = Algorithm::from_cose_id(h.alg) else {
            sr.algorithm = Some(h.alg.to_string());
            sr.codes.push(Entry::with(
                codes::SEAL_ALG_UNREGISTERED,
                format!("alg {} is not in the registry", h.alg),
            ));
            return (sr, None);
        };
        sr.algorithm = Some(alg.name().to_owned());
        if self.allowed.as_ref().is_some_and(|a| !a.contains(&alg)) {
            sr.codes.push(Entry::new(codes::SEAL_ALG_NOT_ALLOWED));
            return (sr, None);
        }
        let Some(scheme) = self.provider.signature(alg) else {
            sr.codes.push(Entry::with(
                codes::SEAL_ALG_UNSUPPORTED,
                format!("{} does not implement {alg}", self.provider.name),
            ));
            return (sr, None);
        };
        let spki = match leaf.as_deref() {
            Some(Ok(l)) => l.spki.as_slice(),
            Some(Err(e)) => {
                sr.codes
                    .push(Entry::with(codes::SEAL_KEY_UNUSABLE, e.clone()));
                return (sr, None);
            }
            None => {
                sr.codes
                    .push(Entry::with(codes::SEAL_HEADER_MALFORMED, "empty x5chain"));
                return (sr, None);
            }
        };
        if signature.is_empty() {
            sr.codes.push(Entry::new(codes::SEAL_SIGNATURE_MISSING));
            return (sr, None);
        }
        let Some(seal) = env.seals().get(index) else {
            return (sr, None);
        };
        // The Sig_structure in two pieces, its head and the payload where it lies: backends
        // that hash first (ECDSA) never copy a large embedded record.
        let head = pouch_envelope::sig_structure_head(
            env.body_protected_bytes(),
            seal.protected_bytes(),
            &[],
            payload.len(),
        );
        match scheme.verify_parts(spki, &[&head, payload], signature) {
            Ok(()) => {
                sr.codes.push(Entry::new(codes::SEAL_SIGNATURE_VALID));
                (sr, Some(alg))
            }
            Err(pouch_crypto::Error::BadPublicKey { reason, .. }) => {
                sr.codes.push(Entry::with(codes::SEAL_KEY_UNUSABLE, reason));
                (sr, None)
            }
            Err(_) => {
                sr.codes.push(Entry::new(codes::SEAL_SIGNATURE_INVALID));
                (sr, None)
            }
        }
    }

    /// The trust stage for one seal (spec/04-trust.md): chain, then authorisation.
    fn trust_stage(
        &self,
        trust: &Trust<'_>,
        label: &Label,
        h: &SealHeader,
        signature_valid: bool,
        now: i64,
        sr: &mut SealReport,
    ) {
        // A seal whose signature fails says nothing about its signer: no trust codes.
        if !signature_valid {
            return;
        }
        let verdict = trust
            .validator
            .validate(&h.chain, h.signing_time.unix_seconds(), now);
        for (code, detail) in verdict.entries {
            sr.trust.push(Entry { code, detail });
        }
        let Some(party) = verdict.nation.and_then(|i| trust.bundle.nations.get(i)) else {
            return;
        };
        sr.nation = Some(party.code.clone());
        let mut labels = vec![label];
        labels.extend(h.alternative_label.as_ref());
        for l in labels {
            if let Some(fault) = self.authorisation_fault(party, l) {
                sr.trust.push(fault);
            }
        }
    }

    /// Why `party` may not seal `label`, if it may not (POUCH-TRUST-050, POUCH-POL-084).
    /// When the verifier holds the policy the label claims, the label's policy is identified
    /// by the rule of POUCH-POL-020, the authorisation is the one that names that policy
    /// (POUCH-POL-032), and its classifications reach through the policy's hierarchy
    /// (POUCH-POL-033). Without that policy, the identifier and classification are compared
    /// as the label spells them.
    fn authorisation_fault(&self, party: &TrustedNation, label: &Label) -> Option<Entry> {
        let text = label.confidentiality.policy_identifier.as_str();
        let class = label.confidentiality.classification.as_str();
        let Some(p) = self.policy_for(label) else {
            return match party.authorises(text) {
                None => Some(Entry::with(
                    codes::TRUST_UNAUTHORISED_POLICY,
                    format!("{} may not seal under policy {text}", party.code),
                )),
                Some(a) if !a.classifications.iter().any(|c| c == class) => Some(Entry::with(
                    codes::TRUST_UNAUTHORISED_CLASSIFICATION,
                    format!("{} may not seal {text} {class}", party.code),
                )),
                Some(_) => None,
            };
        };
        if let PolicyMatch::Conflict { detail } = p.identify(label) {
            return Some(Entry::with(
                codes::TRUST_UNAUTHORISED_POLICY,
                format!("{}: no authorisation applies: {detail}", party.code),
            ));
        }
        let Some(a) = party.authorisations.iter().find(|a| p.is_called(&a.policy)) else {
            return Some(Entry::with(
                codes::TRUST_UNAUTHORISED_POLICY,
                format!(
                    "{} may not seal under policy {} ({})",
                    party.code, p.name, p.id
                ),
            ));
        };
        (!p.covers(&a.classifications, class)).then(|| {
            Entry::with(
                codes::TRUST_UNAUTHORISED_CLASSIFICATION,
                format!(
                    "{} may seal {} up to {}, not {class}",
                    party.code,
                    p.name,
                    a.classifications.join(", ")
                ),
            )
        })
    }

    fn evaluate(&self, valid: &[(Algorithm, Option<String>)], all_valid: bool) -> Entry {
        let unsatisfied = |d: String| Entry::with(codes::SEAL_POLICY_UNSATISFIED, d);
        match &self.policy {
            SealPolicy::AllValid if valid.is_empty() => unsatisfied("no valid seal".into()),
            SealPolicy::AllValid if !all_valid => {
                unsatisfied("every seal must be valid (and, with a trust bundle, trusted), and not every seal is".into())
            }
            SealPolicy::AllValid => Entry::new(codes::SEAL_POLICY_SATISFIED),
            SealPolicy::Hybrid => {
                let pq = valid.iter().any(|(a, _)| a.is_post_quantum());
                let classical = valid.iter().any(|(a, _)| !a.is_post_quantum());
                match (classical, pq) {
                    (true, true) => Entry::new(codes::SEAL_POLICY_SATISFIED),
                    (false, _) => unsatisfied("hybrid: no valid classical seal".into()),
                    (_, false) => unsatisfied("hybrid: no valid post-quantum seal".into()),
                }
            }
            SealPolicy::Nations { threshold, nations } => {
                let sealed: BTreeSet<&str> = valid
                    .iter()
                    .filter_map(|(_, c)| c.as_deref())
                    .filter(|c| nations.iter().any(|n| n == c))
                    .collect();
                if sealed.len() >= *threshold {
                    Entry::new(codes::SEAL_POLICY_SATISFIED)
                } else {
                    unsatisfied(format!(
                        "{} of {} nations required, valid seals from {}: {:?}",
                        threshold,
                        nations.len(),
                        sealed.len(),
                        sealed
                    ))
                }
            }
        }
    }
}

/// Why `alternative` (under `to`) is not the equivalent of `originator` (under `from`), if
/// it is not (POUCH-POL-054, POUCH-POL-087). An originator label that does not resolve under
/// its policy has no equivalent to compare with; its own faults are reported already.
fn not_equivalent(
    from: &Policy,
    originator: &Label,
    to: &Policy,
    alternative: &Label,
) -> Option<String> {
    if std::ptr::eq(from, to) || from.id == to.id {
        return (!from.same_meaning(originator, alternative)).then(|| {
            format!(
                "it does not say what the originator label says under {}",
                from.name
            )
        });
    }
    match from.is_equivalent(originator, to, alternative) {
        Ok(true) => None,
        Err(e) if matches!(e.kind(), PolicyErrorKind::Unresolved(_)) => None,
        Ok(false) => Some(format!(
            "it is not the {} label that {}'s equivalences derive from the originator label",
            to.name, from.name
        )),
        Err(e) => Some(format!("no equivalent can be derived: {e}")),
    }
}
