//! The verification pipeline of spec/03-envelope.md §3.7.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_label::Label;
use pouch_policy::{LabelError, Policy, PolicyMatch, Recipient};
use pouch_status as codes;
use pouch_trust::{ChainValidator, TrustBundle, TrustedNation};

use pouch_envelope::{Content, Envelope, LeafInfo, Limits, SealHeader, digest_reader, leaf_info};

use crate::report::{Entry, LabelReport, ReleaseReport, Report, SealReport};

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

/// Which seals a verifier requires (spec/03-envelope.md §3.6).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
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

/// The one parser of a seal policy (the command line's `--seal-policy`, the adapter, every
/// binding), spec/03-envelope.md §3.6, POUCH-ENV-051: `all`, `hybrid`, or `nations:T:A,B,...`
/// with 1 <= T <= the number of nations, every code non-empty and listed once. Spaces around a
/// code are ignored; codes are otherwise compared exactly.
impl core::str::FromStr for SealPolicy {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| crate::Error::InvalidValue {
            what: "seal policy",
            value: s.to_owned(),
            reason,
        };
        match s {
            "all" => return Ok(SealPolicy::AllValid),
            "hybrid" => return Ok(SealPolicy::Hybrid),
            _ => {}
        }
        let Some((t, list)) = s.strip_prefix("nations:").and_then(|r| r.split_once(':')) else {
            return Err(bad("expected all, hybrid or nations:T:A,B,...".into()));
        };
        let threshold: usize = t
            .parse()
            .map_err(|_| bad(format!("the threshold {t:?} is not a whole number")))?;
        let mut nations: Vec<String> = Vec::new();
        for code in list.split(',').map(str::trim) {
            if code.is_empty() {
                return Err(bad("an empty nation code in the list".into()));
            }
            if !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(bad(format!(
                    "the nation code {code:?} is not letters, digits, '-' or '_'"
                )));
            }
            if nations.iter().any(|n| n == code) {
                return Err(bad(format!("the nation {code} is listed twice")));
            }
            nations.push(code.to_owned());
        }
        if threshold == 0 || threshold > nations.len() {
            return Err(bad(format!(
                "the threshold must be from 1 to the {} nations listed",
                nations.len()
            )));
        }
        Ok(SealPolicy::Nations { threshold, nations })
    }
}

impl core::fmt::Display for SealPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SealPolicy::AllValid => f.write_str("all"),
            SealPolicy::Hybrid => f.write_str("hybrid"),
            SealPolicy::Nations { threshold, nations } => {
                write!(f, "nations:{threshold}:{}", nations.join(","))
            }
        }
    }
}

impl core::fmt::Debug for Trust<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Trust")
            .field("nations", &self.bundle.nations.len())
            .finish_non_exhaustive()
    }
}

/// Verifies envelopes with one crypto provider and one policy; reusable across envelopes.
#[derive(Clone, Debug)]
pub struct Verifier<'p> {
    /// The crypto backend.
    pub provider: &'p CryptoProvider,
    /// Which seals are required.
    pub policy: SealPolicy,
    /// Algorithms accepted; `None` accepts every registered one the provider implements.
    pub allowed: Option<Vec<Algorithm>>,
    /// Decoder limits.
    pub limits: Limits,
    /// The trust stage: a bundle and its validator. `None` skips the stage.
    pub trust: Option<Trust<'p>>,
    /// The verification time, Unix seconds; `None` is the system clock at each call.
    pub at: Option<i64>,
    /// Security policies: adds the policy stage for every label of the envelope
    /// (spec/05-policy.md §5.8). Empty skips it.
    pub policies: Vec<&'p Policy>,
    /// The recipient of a release decision: adds the release stage. `None` skips it.
    pub recipient: Option<Recipient>,
    /// Leaf certificates already parsed (shared by clones of this verifier).
    leaves: LeafCache,
}

/// What the trust stage needs: the bundle and a validator built over it.
#[derive(Clone, Copy)]
pub struct Trust<'a> {
    /// The bundle (for nation codes and authorisations).
    pub bundle: &'a TrustBundle,
    /// The chain validator over that bundle.
    pub validator: &'a ChainValidator<'a>,
}

impl<'p> Verifier<'p> {
    /// A verifier with the default policy (every seal valid) and default limits.
    pub fn new(provider: &'p CryptoProvider) -> Self {
        Self {
            provider,
            policy: SealPolicy::AllValid,
            allowed: None,
            limits: Limits::default(),
            trust: None,
            at: None,
            policies: Vec::new(),
            recipient: None,
            leaves: LeafCache::default(),
        }
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
        let mut valid: Vec<(Algorithm, Option<String>)> = Vec::new();
        let now = self.verification_time();
        for (index, seal) in env.seals().iter().enumerate() {
            let (mut sr, ok) = self.seal(env, payload, index, seal.header(), seal.signature());
            if let (Some(trust), Ok(h)) = (&self.trust, seal.header()) {
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
    fn policy_for(&self, label: &Label) -> Option<&'p Policy> {
        self.policies
            .iter()
            .copied()
            .find(|p| p.identify(label).claims())
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
        let mut labels: Vec<(usize, String, &Label)> =
            vec![(0, "originator".to_owned(), originator)];
        for (i, seal) in env.seals().iter().enumerate() {
            if let Ok(h) = seal.header()
                && let Some(alt) = &h.alternative_label
            {
                labels.push((i, format!("seal {i}"), alt));
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
        let decide = |name: &str, label: &Label, policy: &Policy| ReleaseReport {
            recipient: recipient.code.clone(),
            label: Some(name.to_owned()),
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
            report.release = Some(decide("originator", originator, p));
            return;
        }
        // Otherwise the alternative labels under the first policy, in the verifier's order,
        // that one relied on names; they must all say the same (POUCH-POL-086).
        for p in &self.policies {
            let relied: Vec<&(usize, String, &Label)> = labels
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
                let names: Vec<&str> = relied.iter().map(|(_, n, _)| n.as_str()).collect();
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
        Ok(true) | Err(LabelError::Unresolved(_)) => None,
        Ok(false) => Some(format!(
            "it is not the {} label that {}'s equivalences derive from the originator label",
            to.name, from.name
        )),
        Err(e) => Some(format!("no equivalent can be derived: {e}")),
    }
}
