//! Encryption to the nations a record may be released to (spec/10-encryption.md), wired
//! from the stages: recipients' certificates validated like signer chains (POUCH-ENC-040),
//! release decided for each nation before anything is encrypted (POUCH-ENC-050), and
//! opening only after verification and release to the opener's nation (POUCH-ENC-070).

use std::io::{Read, Write};

use pouch_crypto::{CryptoProvider, DigestAlgorithm};
use pouch_encrypt::{DEFAULT_CHUNK_SIZE, EncryptRequest, Plaintext, PrivateKey, RecipientKey};
use pouch_label::{DateTime, Label};
use pouch_policy::{Policy, Recipient};
use pouch_status::StatusCode;
use pouch_trust::{ChainValidator, LeafProfile, TrustBundle};

use crate::{Error, Report, SealOptions, Signer, Verifier};

/// A nation to encrypt to: its code and its encryption certificate chain, leaf first.
#[derive(Clone, Debug)]
pub struct RecipientCert {
    /// ISO 3166-1 alpha-3.
    pub nation: String,
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// Why a nation was not encrypted to: the status codes that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// The nation.
    pub nation: String,
    /// The codes, with details, that refused it (`trust.*` or `release.*`).
    pub codes: Vec<(StatusCode, String)>,
}

impl Refusal {
    /// Whether the refusal is a release decision (CLI exit class 6) rather than trust.
    pub fn is_release(&self) -> bool {
        self.codes
            .iter()
            .any(|(c, _)| c.stage() == pouch_status::Stage::Release)
    }
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} refused:", self.nation)?;
        for (c, d) in &self.codes {
            write!(f, " {} ({d})", c.id())?;
        }
        Ok(())
    }
}

/// The checks before encrypting: the trust bundle the recipients' certificates must chain
/// to, the policy that decides release, the time, and the nations the caller forces
/// although release is denied (recorded in the envelope, POUCH-ENC-012).
pub struct EncryptionGate<'a> {
    /// Validates encryption certificates (the encryption leaf profile).
    validator: ChainValidator<'a>,
    bundle: &'a TrustBundle,
    policy: &'a Policy,
    at: i64,
    force: Vec<String>,
}

impl<'a> EncryptionGate<'a> {
    /// A gate over `bundle` and `policy` at `at` (Unix seconds).
    pub fn new(
        provider: &'a CryptoProvider,
        bundle: &'a TrustBundle,
        policy: &'a Policy,
        at: i64,
    ) -> Result<Self, Error> {
        Ok(EncryptionGate {
            validator: ChainValidator::new(provider, bundle)?
                .with_leaf_profile(LeafProfile::Encryption)
                .with_require_current_validity(true),
            bundle,
            policy,
            at,
            force: Vec::new(),
        })
    }

    /// Encrypts to `nations` even if release to them is denied; each is recorded in the
    /// envelope, under the seal. Trust is never forced.
    pub fn force(mut self, nations: impl IntoIterator<Item = String>) -> Self {
        self.force = nations.into_iter().collect();
        self.force.sort();
        self.force.dedup();
        self
    }

    /// Validates one recipient's certificate and decides release to its nation: the key to
    /// wrap to and whether it was forced, or why not.
    pub fn check(&self, label: &Label, r: &RecipientCert) -> Result<(RecipientKey, bool), Refusal> {
        let refuse = |code: StatusCode, detail: String| Refusal {
            nation: r.nation.clone(),
            codes: vec![(code, detail)],
        };
        let verdict = self.validator.validate(&r.chain, self.at, self.at);
        if !verdict.trusted {
            return Err(Refusal {
                nation: r.nation.clone(),
                codes: verdict
                    .entries
                    .into_iter()
                    .filter(|(c, _)| c.severity() == pouch_status::Severity::Error)
                    .map(|(c, d)| (c, d.unwrap_or_default()))
                    .collect(),
            });
        }
        let chained_to = verdict
            .nation
            .and_then(|i| self.bundle.nations.get(i))
            .map(|n| n.code.as_str());
        if chained_to != Some(r.nation.as_str()) {
            return Err(refuse(
                pouch_status::TRUST_COUNTRY_MISMATCH,
                format!(
                    "the certificate chains to {}, not to {}",
                    chained_to.unwrap_or("no nation"),
                    r.nation
                ),
            ));
        }
        let leaf = r.chain.first().map(Vec::as_slice).unwrap_or_default();
        let key = pouch_envelope::leaf_info(leaf)
            .map_err(|e| refuse(pouch_status::TRUST_CERTIFICATE_MALFORMED, e))
            .and_then(|info| {
                pouch_encrypt::cert::public_key_from_spki(&info.spki)
                    .map_err(|e| refuse(pouch_status::TRUST_CERTIFICATE_MALFORMED, e.to_string()))
            })?;
        let decision = self.policy.release_at(
            label,
            &Recipient::new(r.nation.clone()),
            label.creation_date_time,
        );
        let forced = !decision.permitted;
        if forced && !self.force.contains(&r.nation) {
            return Err(Refusal {
                nation: r.nation.clone(),
                codes: decision
                    .statuses
                    .into_iter()
                    .filter(|s| s.code.severity() == pouch_status::Severity::Error)
                    .map(|s| (s.code, s.detail))
                    .collect(),
            });
        }
        Ok((
            RecipientKey {
                nation: r.nation.clone(),
                certificate: leaf.to_vec(),
                public_key: key,
            },
            forced,
        ))
    }
}

impl EncryptionGate<'_> {
    /// Adds `new` as a recipient of an encrypted envelope held by `key` (whose encryption
    /// certificate is `certificate`), without touching any sealed byte (POUCH-ENC-060):
    /// `new`'s certificate is validated and release to its nation decided first, and a
    /// nation whose release is denied is refused even if this gate forces it (forcing is
    /// recorded under the seal, so only the originator can force).
    pub fn add_recipient(
        &self,
        envelope: &[u8],
        key: &PrivateKey,
        certificate: &[u8],
        new: &RecipientCert,
    ) -> Result<Vec<u8>, Error> {
        let decoded = pouch_envelope::Envelope::decode(envelope, &Default::default())
            .map_err(|f| Error::Envelope(pouch_envelope::Error::Malformed(f)))?;
        let (recipient, forced) = self.check(decoded.label(), new).map_err(Error::Refused)?;
        if forced {
            return Err(Error::Refused(Refusal {
                nation: new.nation.clone(),
                codes: vec![(
                    pouch_status::RELEASE_DENIED,
                    "release is denied, and a recipient added later cannot be forced".into(),
                )],
            }));
        }
        Ok(pouch_encrypt::add_recipient(
            envelope,
            &Default::default(),
            key,
            certificate,
            &recipient,
            &mut pouch_encrypt::system_rng(),
        )?)
    }
}

/// Where the ciphertext of an encrypted record goes.
pub enum CiphertextOut<'a> {
    /// Into the envelope.
    Embedded,
    /// Beside it, with the digest the seal covers.
    Detached(&'a mut dyn Write, DigestAlgorithm),
}

impl Signer {
    /// Encrypts `record` to `recipients` and seals it with this signer: see
    /// [`seal_encrypted`].
    pub fn seal_encrypted(
        &self,
        label: &Label,
        record: &mut dyn Read,
        out: CiphertextOut<'_>,
        recipients: &[RecipientCert],
        gate: &EncryptionGate<'_>,
        opts: &SealOptions,
    ) -> Result<Vec<u8>, Error> {
        let seal = self.request(opts)?;
        seal_encrypted(
            self.provider,
            label,
            record,
            out,
            recipients,
            gate,
            &seal,
            opts,
        )
    }
}

/// Encrypts `record` to `recipients` and seals it (spec/10-encryption.md): every
/// recipient's certificate is validated and release to its nation decided first; the first
/// refusal stops everything, with nothing encrypted.
#[allow(clippy::too_many_arguments)]
pub fn seal_encrypted(
    provider: &CryptoProvider,
    label: &Label,
    record: &mut dyn Read,
    out: CiphertextOut<'_>,
    recipients: &[RecipientCert],
    gate: &EncryptionGate<'_>,
    seal: &pouch_envelope::SealRequest<'_>,
    opts: &SealOptions,
) -> Result<Vec<u8>, Error> {
    let mut keys = Vec::new();
    let mut forced = Vec::new();
    for r in recipients {
        let (key, was_forced) = gate.check(label, r).map_err(Error::Refused)?;
        if was_forced {
            forced.push(r.nation.clone());
        }
        keys.push(key);
    }
    forced.sort();
    forced.dedup();
    let request = EncryptRequest {
        label,
        recipients: &keys,
        forced,
        chunk_size: DEFAULT_CHUNK_SIZE,
        id: None,
        created: None,
    };
    let plaintext = match out {
        CiphertextOut::Embedded => Plaintext::Embedded {
            data: record,
            content_type: opts.content_type.clone(),
        },
        CiphertextOut::Detached(ciphertext, digest) => Plaintext::Detached {
            data: record,
            ciphertext,
            digest,
            content_type: opts.content_type.clone(),
            location: opts.location.clone(),
        },
    };
    Ok(pouch_encrypt::seal_encrypted(
        provider,
        &request,
        plaintext,
        seal,
        &mut pouch_encrypt::system_rng(),
    )?)
}

/// What opening found: the report, with its decrypt stage, and the decrypt outcome.
#[derive(Debug)]
#[non_exhaustive]
pub struct Opened {
    /// The report: verification, the release decision for the opener's nation, and the
    /// decrypt stage (`report.decrypt` is always `Some`: empty when decryption was not
    /// attempted, or ended by an i/o failure, which is no verdict; otherwise one code).
    pub report: Report,
    /// The decrypt outcome: plaintext bytes written, or why not. `None` when decryption was
    /// not attempted because verification or release failed.
    pub decrypt: Option<Result<u64, pouch_encrypt::DecryptError>>,
}

impl Opened {
    /// Whether the plaintext written is authentic and may be released (POUCH-ENC-022).
    pub fn ok(&self) -> bool {
        matches!(self.decrypt, Some(Ok(_)))
    }

    /// How the opening ends: [`ExitClass::Io`](pouch_status::ExitClass::Io) when reading
    /// the ciphertext or writing the plaintext failed, otherwise the report's class (decrypt
    /// errors have the payload class).
    pub fn class(&self) -> pouch_status::ExitClass {
        match &self.decrypt {
            Some(Err(pouch_encrypt::DecryptError::Io(_))) => pouch_status::ExitClass::Io,
            _ => self.report.class(),
        }
    }

    fn new(mut report: Report, decrypt: Option<Result<u64, pouch_encrypt::DecryptError>>) -> Self {
        report.decrypt = Some(match &decrypt {
            Some(Ok(n)) => vec![crate::Entry::with(
                pouch_status::DECRYPT_PLAINTEXT_AUTHENTIC,
                format!("{n} plaintext bytes"),
            )],
            Some(Err(pouch_encrypt::DecryptError::Status { code, detail })) => {
                vec![crate::Entry::with(*code, detail.clone())]
            }
            Some(Err(_)) | None => Vec::new(),
        });
        Opened { report, decrypt }
    }
}

/// Opens an encrypted envelope (POUCH-ENC-070): verifies it with `verifier` (which should
/// decide release to the opener's nation), and only when the verdict is valid decrypts with
/// `key` (whose certificate is `certificate`) into `output`. `detached` opens the detached
/// ciphertext, once to verify its digest and once to decrypt it. The report comes back with
/// its decrypt stage filled ([`Report::decrypt`]); the caller releases what `output`
/// received only when [`Opened::ok`].
pub fn open(
    verifier: &Verifier,
    envelope: &[u8],
    mut detached: Option<&mut dyn FnMut() -> std::io::Result<Box<dyn Read>>>,
    key: &PrivateKey,
    certificate: &[u8],
    output: &mut dyn Write,
) -> Opened {
    let report = match detached.as_mut() {
        Some(reopen) => match reopen() {
            Ok(mut r) => verifier.verify(envelope, Some(&mut *r)),
            Err(e) => {
                return Opened::new(
                    verifier.verify(envelope, None),
                    Some(Err(pouch_encrypt::DecryptError::Io(e.to_string()))),
                );
            }
        },
        None => verifier.verify(envelope, None),
    };
    if report.class() != pouch_status::ExitClass::Valid {
        return Opened::new(report, None);
    }
    let limits = verifier.limits();
    let decrypt = match detached.as_mut() {
        Some(reopen) => match reopen() {
            Ok(mut r) => pouch_encrypt::open(
                verifier.provider(),
                envelope,
                limits,
                key,
                certificate,
                Some(&mut *r),
                output,
            ),
            Err(e) => Err(pouch_encrypt::DecryptError::Io(e.to_string())),
        },
        None => pouch_encrypt::open(
            verifier.provider(),
            envelope,
            limits,
            key,
            certificate,
            None,
            output,
        ),
    };
    Opened::new(report, Some(decrypt))
}

/// The nation an encryption certificate chain belongs to, by validating it against the
/// bundle (the opener's own nation, for the release decision).
pub fn nation_of(
    provider: &CryptoProvider,
    bundle: &TrustBundle,
    chain: &[Vec<u8>],
    at: DateTime,
) -> Result<String, Refusal> {
    let validator = ChainValidator::new(provider, bundle).map_err(|e| Refusal {
        nation: String::new(),
        codes: vec![(pouch_status::TRUST_NO_PATH, e.to_string())],
    })?;
    let validator = validator.with_leaf_profile(LeafProfile::Encryption);
    let t = at.unix_seconds();
    let verdict = validator.validate(chain, t, t);
    match verdict.nation.and_then(|i| bundle.nations.get(i)) {
        Some(n) if verdict.trusted => Ok(n.code.clone()),
        _ => Err(Refusal {
            nation: String::new(),
            codes: verdict
                .entries
                .into_iter()
                .map(|(c, d)| (c, d.unwrap_or_default()))
                .collect(),
        }),
    }
}
