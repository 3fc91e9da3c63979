//! Every envelope vector: how it is made, and the report that follows from how it was made.
//!
//! Expected codes are written here from the construction and the spec (the generator knows
//! it flipped a payload bit, so the seal's signature must be invalid), never taken from
//! running a verifier. The exit class follows from the codes by the pipeline-order rule.

mod broken;
mod encrypted;
mod good;
mod limits;
mod policy;
mod trust;

use pouch_crypto::Algorithm;
use pouch_status::StatusCode;

use crate::Error;
use crate::fixture::{Fixture, VERIFY_AT, rfc3339};
use crate::manifest::{Expected, Inputs, Operation, SealExpect, Vector};

/// The adapter-protocol requirements every vector run checks (spec/07-conformance.md):
/// options understood, report shape, exit class.
const ADAPTER_REQUIREMENTS: &[&str] = &[
    "POUCH-CNF-010",
    "POUCH-CNF-011",
    "POUCH-CNF-012",
    "POUCH-CNF-050",
    "POUCH-GEN-002",
];

/// The shared trust bundle, relative to the manifest.
pub(crate) const BUNDLE: &str = "pki/bundle.toml";
/// The same bundle without its CRLs.
pub(crate) const BUNDLE_NO_CRLS: &str = "pki/bundle-no-crls.toml";
/// The demo bundle without CRLs, revocation required (the default).
pub(crate) const BUNDLE_NO_CRLS_REQUIRED: &str = "pki/bundle-no-crls-required.toml";
/// The demo bundle with authorisations up to a classification, and Denmark authorised for
/// NOR-DEMO (see `generate::policy_bundle`).
pub(crate) const BUNDLE_POLICY: &str = "pki/bundle-policy.toml";
/// Norway alone, anchored at a root whose certificate carries name constraints
/// (`Fixture::constrained`).
pub(crate) const BUNDLE_ANCHOR_CONSTRAINED: &str = "pki/bundle-anchor-constrained.toml";
/// The constrained anchor and its CRL, relative to the manifest.
pub(crate) const CONSTRAINED_ROOT: &str = "pki/anchor-constrained/root.pem";
pub(crate) const CONSTRAINED_CRL: &str = "pki/anchor-constrained/root.crl";
/// The coalition demo SPIF (POUCH-DEMO), relative to the manifest.
pub(crate) const COALITION_SPIF: &str = "policies/pouch-demo.spif.xml";
/// Norway's demo SPIF (NOR-DEMO), relative to the manifest.
pub(crate) const NATIONAL_SPIF: &str = "policies/nor-demo.spif.xml";

/// One generated vector: its manifest entry and its files (paths relative to the manifest).
pub(crate) struct Out {
    pub(crate) vector: Vector,
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// A vector under construction.
pub(crate) struct Case {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) description: &'static str,
    pub(crate) requirements: &'static [&'static str],
    /// The algorithms of the seals the verifier must check.
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) envelope: Vec<u8>,
    /// The detached record given to the verifier.
    pub(crate) record: Option<Vec<u8>>,
    /// Whether the envelope's payload is detached (the adapter must support it).
    pub(crate) detached: bool,
    pub(crate) trust: bool,
    /// The bundle when `trust` is set.
    pub(crate) bundle: &'static str,
    pub(crate) seal_policy: String,
    pub(crate) at: i64,
    pub(crate) expect: Expected,
    /// The SPIFs given to the verifier (paths relative to the manifest).
    pub(crate) policies: Vec<&'static str>,
    /// The recipient of a release decision.
    pub(crate) recipient: Option<&'static str>,
    /// The recipient's clearance file, written as `ID/clearance.json`.
    pub(crate) clearance: Option<String>,
    /// The CDDL's verdict when it is not the default (`valid` for an envelope that decodes,
    /// `invalid` for one refused at decoding); `None` when the CDDL cannot tell.
    pub(crate) cddl: Option<Option<&'static str>>,
    /// For an `open` vector: the opener's key and certificate files (relative to the
    /// manifest), the recipient algorithm it decrypts with, and the plaintext expected
    /// (written as `ID/plaintext.bin`) when decryption succeeds.
    pub(crate) open: Option<OpenCase>,
    /// `--allowed-algs`.
    pub(crate) allowed_algs: Vec<Algorithm>,
    /// `--require-current-validity`.
    pub(crate) require_current_validity: bool,
    /// `--max-chain`.
    pub(crate) max_chain: Option<u32>,
    /// Shared files written with this vector (paths relative to the manifest).
    pub(crate) extra_files: Vec<(String, Vec<u8>)>,
}

/// What an `open` vector gives the adapter beside the verifier's inputs.
pub(crate) struct OpenCase {
    pub(crate) key: String,
    pub(crate) cert: String,
    /// The registry name of the opener's recipient algorithm (feature `kem:NAME`).
    pub(crate) kem: &'static str,
    pub(crate) plaintext: Option<Vec<u8>>,
}

impl Case {
    /// A case with the defaults: trust bundle, policy `all`, verified at [`VERIFY_AT`].
    pub(crate) fn new(
        id: &'static str,
        title: &'static str,
        description: &'static str,
        requirements: &'static [&'static str],
    ) -> Case {
        Case {
            id,
            title,
            description,
            requirements,
            algorithms: Vec::new(),
            envelope: Vec::new(),
            record: None,
            detached: false,
            trust: true,
            bundle: BUNDLE,
            seal_policy: "all".into(),
            at: VERIFY_AT,
            expect: Expected::default(),
            policies: Vec::new(),
            recipient: None,
            clearance: None,
            cddl: None,
            open: None,
            allowed_algs: Vec::new(),
            require_current_validity: false,
            max_chain: None,
            extra_files: Vec::new(),
        }
    }

    /// A case whose one seal is ES384 (Norway's signer, the one most vectors use).
    pub(crate) fn es384(
        id: &'static str,
        title: &'static str,
        description: &'static str,
        requirements: &'static [&'static str],
    ) -> Case {
        let mut c = Case::new(id, title, description, requirements);
        c.algorithms = vec![Algorithm::Es384];
        c
    }

    fn finish(self) -> Result<Out, Error> {
        let mut features = vec!["envelope".to_owned()];
        let mut algs: Vec<&str> = self.algorithms.iter().map(|a| a.name()).collect();
        algs.sort_unstable();
        algs.dedup();
        features.extend(algs.iter().map(|a| format!("alg:{a}")));
        if self.detached {
            features.push("detached".into());
        }
        if self.trust {
            features.push("trust".into());
        }
        if self.seal_policy == "hybrid" {
            features.push("seal-policy:hybrid".into());
        } else if self.seal_policy.starts_with("nations:") {
            features.push("seal-policy:nations".into());
        }
        if !self.policies.is_empty() {
            features.push("policy".into());
        }
        if self.recipient.is_some() {
            features.push("release".into());
        }
        if let Some(o) = &self.open {
            features.push("open".into());
            features.push(format!("kem:{}", o.kem));
        }
        if !self.allowed_algs.is_empty() {
            features.push("allowed-algs".into());
        }
        if self.require_current_validity {
            features.push("current-validity".into());
        }
        if self.max_chain.is_some() {
            features.push("max-chain".into());
        }
        let envelope = format!("{}/envelope.cbor", self.id);
        let mut files = vec![(envelope.clone(), self.envelope)];
        files.extend(self.extra_files);
        let payload = match self.record {
            Some(r) => {
                let p = format!("{}/record.bin", self.id);
                files.push((p.clone(), r));
                Some(p)
            }
            None => None,
        };
        let clearance = match self.clearance {
            Some(c) => {
                let p = format!("{}/clearance.json", self.id);
                files.push((p.clone(), c.into_bytes()));
                Some(p)
            }
            None => None,
        };
        let mut expect = self.expect;
        let (operation, key, cert) = match self.open {
            Some(o) => {
                if let Some(p) = o.plaintext {
                    let path = format!("{}/plaintext.bin", self.id);
                    files.push((path.clone(), p));
                    expect.plaintext = Some(path);
                }
                (Operation::Open, Some(o.key), Some(o.cert))
            }
            None => (Operation::Verify, None, None),
        };
        expect.exit = expect.implied_exit();
        let cddl = match self.cddl {
            Some(v) => v.map(str::to_owned),
            None if expect.exit == crate::ExitClass::Malformed => Some("invalid".to_owned()),
            None => Some("valid".to_owned()),
        };
        Ok(Out {
            vector: Vector {
                id: self.id.into(),
                title: self.title.into(),
                description: self.description.into(),
                requirements: self
                    .requirements
                    .iter()
                    .chain(ADAPTER_REQUIREMENTS)
                    .map(|r| (*r).to_owned())
                    .collect(),
                features,
                operation,
                inputs: Inputs {
                    envelope,
                    payload,
                    trust: self.trust.then(|| self.bundle.to_owned()),
                    seal_policy: self.seal_policy,
                    at: rfc3339(self.at)?,
                    policies: self.policies.iter().map(|p| (*p).to_owned()).collect(),
                    recipient: self.recipient.map(str::to_owned),
                    clearance,
                    key,
                    cert,
                    allowed_algs: self
                        .allowed_algs
                        .iter()
                        .map(|a| a.name().to_owned())
                        .collect(),
                    require_current_validity: self.require_current_validity,
                    max_chain: self.max_chain,
                },
                expect,
                cddl,
            },
            files,
        })
    }
}

/// A code's registry identifier.
pub(crate) fn id(code: StatusCode) -> String {
    code.id().to_owned()
}

/// Codes as identifiers.
pub(crate) fn ids(codes: &[StatusCode]) -> Vec<String> {
    codes.iter().map(|c| id(*c)).collect()
}

/// A seal whose signature verifies and, with a bundle, whose signer is trusted.
pub(crate) fn trusted() -> SealExpect {
    SealExpect {
        codes: ids(&[pouch_status::SEAL_SIGNATURE_VALID]),
        trust: ids(&[pouch_status::TRUST_SIGNER_TRUSTED]),
    }
}

/// A seal with these seal codes and no trust codes (none run for a failed signature).
pub(crate) fn seal_fault(code: StatusCode) -> SealExpect {
    SealExpect {
        codes: ids(&[code]),
        trust: Vec::new(),
    }
}

/// A valid signature whose trust stage yields `trust`.
pub(crate) fn valid_with_trust(trust: &[StatusCode]) -> SealExpect {
    SealExpect {
        codes: ids(&[pouch_status::SEAL_SIGNATURE_VALID]),
        trust: ids(trust),
    }
}

/// A well-formed envelope's report skeleton with these seals and seal-policy code.
pub(crate) fn report(seals: Vec<SealExpect>, policy: StatusCode) -> Expected {
    Expected {
        envelope: ids(&[pouch_status::ENVELOPE_WELL_FORMED]),
        seals,
        seal_policy: ids(&[policy]),
        ..Expected::default()
    }
}

/// A report that ends at decoding with `code`.
pub(crate) fn refused(code: StatusCode) -> Expected {
    Expected {
        envelope: ids(&[code]),
        ..Expected::default()
    }
}

/// Every vector, in manifest order.
pub(crate) fn all(fx: &Fixture) -> Result<Vec<Out>, Error> {
    let mut cases = good::cases(fx)?;
    cases.extend(trust::cases(fx)?);
    cases.extend(policy::cases(fx)?);
    cases.extend(broken::cases(fx)?);
    cases.extend(limits::cases(fx)?);
    cases.extend(encrypted::cases(fx)?);
    cases.into_iter().map(Case::finish).collect()
}
