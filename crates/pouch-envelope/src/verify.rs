//! The verification pipeline of spec/03-envelope.md §3.7.

use std::collections::BTreeSet;
use std::io::Read;

use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_status as codes;

use crate::envelope::{Envelope, digest_reader};
use crate::header::{Content, SealHeader};
use crate::report::{Entry, Report, SealReport};
use crate::{Limits, leaf_info};

/// Which seals a verifier requires (spec/03-envelope.md §3.6).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SealPolicy {
    /// At least one seal, and every seal valid.
    #[default]
    AllValid,
    /// At least one valid classical seal and one valid post-quantum seal.
    Hybrid,
    /// Valid seals from at least `threshold` distinct nations among `nations` (ISO 3166-1
    /// alpha-2 codes of the leaf subjects until the trust stage names nations).
    Nations {
        /// How many distinct nations must have sealed.
        threshold: usize,
        /// The nations that count.
        nations: Vec<String>,
    },
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
}

impl<'p> Verifier<'p> {
    /// A verifier with the default policy (every seal valid) and default limits.
    pub fn new(provider: &'p CryptoProvider) -> Self {
        Self {
            provider,
            policy: SealPolicy::AllValid,
            allowed: None,
            limits: Limits::default(),
        }
    }

    /// Verifies `bytes`; `detached` is the record when the payload is detached.
    pub fn verify(&self, bytes: &[u8], detached: Option<&mut dyn Read>) -> Report {
        let mut report = Report::default();
        let env = match Envelope::decode(bytes, &self.limits) {
            Ok(env) => env,
            Err(f) => {
                report.envelope.push(Entry::with(f.code, f.detail));
                return report;
            }
        };
        self.verify_decoded(&env, detached, report)
    }

    /// Verifies an envelope already decoded (e.g. by `inspect`).
    pub fn verify_envelope(&self, env: &Envelope, detached: Option<&mut dyn Read>) -> Report {
        self.verify_decoded(env, detached, Report::default())
    }

    fn verify_decoded(
        &self,
        env: &Envelope,
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
                    Ok(d) if d == env.payload() => Entry::new(codes::PAYLOAD_DIGEST_MATCH),
                    Ok(_) => Entry::with(
                        codes::PAYLOAD_DIGEST_MISMATCH,
                        format!("the record's {digest} differs from the sealed digest"),
                    ),
                    Err(e) => Entry::with(codes::PAYLOAD_DIGEST_MISMATCH, e.to_string()),
                },
            });
        }
        let mut valid: Vec<(Algorithm, Option<String>)> = Vec::new();
        for (index, seal) in env.seals().iter().enumerate() {
            let (sr, ok) = self.seal(env, index, seal.header(), seal.signature());
            if let Some(alg) = ok {
                valid.push((alg, sr.country.clone()));
            }
            report.seals.push(sr);
        }
        let all_valid = valid.len() == env.seals().len();
        report.seal_policy.push(self.evaluate(&valid, all_valid));
        report
    }

    fn seal(
        &self,
        env: &Envelope,
        index: usize,
        header: Result<&SealHeader, &crate::Fault>,
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
        let leaf = h.chain.first().map(|c| leaf_info(c));
        if let Some(Ok(l)) = &leaf {
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
        let spki = match leaf {
            Some(Ok(l)) => l.spki,
            Some(Err(e)) => {
                sr.codes.push(Entry::with(codes::SEAL_KEY_UNUSABLE, e));
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
        let Some(tbs) = env.to_be_signed(index) else {
            return (sr, None);
        };
        match scheme.verify(&spki, &tbs, signature) {
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

    fn evaluate(&self, valid: &[(Algorithm, Option<String>)], all_valid: bool) -> Entry {
        let unsatisfied = |d: String| Entry::with(codes::SEAL_POLICY_UNSATISFIED, d);
        match &self.policy {
            SealPolicy::AllValid if valid.is_empty() => unsatisfied("no valid seal".into()),
            SealPolicy::AllValid if !all_valid => {
                unsatisfied("every seal must be valid, and not every seal is".into())
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
