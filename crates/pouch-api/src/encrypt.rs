//! Encryption to the nations a record may be released to (spec/10-encryption.md), from bytes
//! and streams: sealing encrypted, adding a recipient, and opening. Every check is `pouch`'s
//! (its gate, `nation_of`, `open`); this only parses inputs and maps errors.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use pouch::encryption::{PrivateKey, cert};
use pouch::{CiphertextOut, EncryptionGate, Recipient, RecipientCert};
use pouch_crypto::keys;
use pouch_label::DateTime;

use crate::envelope::Sealing;
use crate::error::class;
use crate::{ApiError, Policy, Report, SealOptions, VerifyContext, parse_time, provider};

/// A loaded trust bundle (spec/04-trust.md), shared cheaply: the parties whose encryption
/// certificates may be encrypted to, and by which an opener's own certificate is judged.
#[derive(Clone, Debug)]
pub struct TrustBundle(Arc<pouch_trust::TrustBundle>);

impl TrustBundle {
    /// Parses a bundle from its TOML text and the bytes of each file it names (by the
    /// path written in the bundle). Nothing is read from a filesystem.
    pub fn from_toml(text: &str, files: &HashMap<String, Vec<u8>>) -> Result<Self, ApiError> {
        Self::from_toml_with(text, |name| {
            files
                .get(name)
                .cloned()
                .ok_or_else(|| format!("the bundle names {name}, which was not given"))
        })
    }

    /// Parses a bundle from its TOML text, asking `resolve` for each file it names.
    pub fn from_toml_with(
        text: &str,
        resolve: impl FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Self, ApiError> {
        Ok(Self(Arc::new(pouch_trust::parse_bundle_with(
            text,
            "bundle.toml",
            resolve,
        )?)))
    }

    /// Loads a bundle file, reading the files it names relative to it (native hosts).
    pub fn load(path: &Path) -> Result<Self, ApiError> {
        Ok(Self(Arc::new(pouch_trust::load_bundle(path)?)))
    }

    /// The nations (parties) of the bundle, in its order.
    pub fn nations(&self) -> Vec<String> {
        self.0.nations.iter().map(|n| n.code.clone()).collect()
    }

    pub(crate) fn inner(&self) -> &pouch_trust::TrustBundle {
        &self.0
    }
}

/// How [`seal_encrypted`] seals: the seal's options (`seal.detached` must say whether a
/// ciphertext writer is given) and the nations encrypted to although release to them is
/// denied (each recorded in the envelope, under the seal: POUCH-ENC-012).
#[derive(Clone, Debug, Default)]
pub struct EncryptOptions {
    /// Provider, detached digest, content type, location, role, algorithm, signing time.
    /// The signing time is also the time recipients' certificates are validated at.
    pub seal: SealOptions,
    /// Nations (alpha-3) to encrypt to even though the policy denies release to them.
    pub force_release: Vec<String>,
}

/// How [`add_recipient`] checks the new recipient: provider and time (RFC 3339; `None` is
/// the system clock, which WebAssembly lacks).
#[derive(Clone, Debug, Default)]
pub struct RecipientOptions {
    /// Provider name (`aws-lc`, `rustcrypto`); `None` is the default.
    pub provider: Option<String>,
    /// When the new recipient's certificate must be valid.
    pub at: Option<String>,
}

/// The system clock, where there is one.
pub(crate) fn now() -> Result<DateTime, ApiError> {
    #[cfg(target_arch = "wasm32")]
    {
        Err(ApiError::argument(
            "WebAssembly has no clock here: give the time explicitly",
        ))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| ApiError::argument("the system clock is before 1970"))?
            .as_secs();
        DateTime::from_unix(i64::try_from(secs).unwrap_or(i64::MAX), 0)
            .ok_or_else(|| ApiError::argument("the system clock is out of range"))
    }
}

/// A certificate chain: PEM certificates, leaf first, or one DER certificate.
pub(crate) fn chain_der(chain: &[u8], what: &str) -> Result<Vec<Vec<u8>>, ApiError> {
    let certs = if chain.starts_with(b"-----BEGIN") {
        keys::pem_blocks(chain, "CERTIFICATE")
            .map_err(|e| ApiError::new(class::CERTIFICATE, format!("{what}: PEM: {e}")))?
    } else if chain.is_empty() {
        Vec::new()
    } else {
        vec![chain.to_vec()]
    };
    if certs.is_empty() {
        return Err(ApiError::new(
            class::CERTIFICATE,
            format!("{what}: no certificate"),
        ));
    }
    Ok(certs)
}

/// A recipient's private key: PKCS#8, PEM or DER, of one of the KEMs of spec §10.4.
pub(crate) fn private_key(key: &[u8]) -> Result<PrivateKey, ApiError> {
    cert::private_key_from(key).map_err(|e| ApiError::new(class::KEY, e.to_string()))
}

/// A refusal as an error: its first code (a release code first when release refused it),
/// so the error's exit class is 6 for release and 13 for trust.
pub(crate) fn refused(r: &pouch::Refusal) -> ApiError {
    let release = r
        .codes
        .iter()
        .find(|(c, _)| c.stage() == pouch_status::Stage::Release);
    let code = release
        .or(r.codes.first())
        .map_or(pouch_status::TRUST_NO_PATH.id(), |(c, _)| c.id());
    ApiError::new(code, r.to_string())
}

/// The nation `chain` (an encryption certificate chain) belongs to under `bundle`, or the
/// trust codes that say why it has none.
fn nation_of(
    p: &'static pouch_crypto::CryptoProvider,
    bundle: &pouch_trust::TrustBundle,
    chain: &[Vec<u8>],
    at: DateTime,
) -> Result<String, ApiError> {
    pouch::nation_of(p, bundle, chain, at).map_err(|r| {
        let code = r
            .codes
            .iter()
            .find(|(c, _)| c.severity() == pouch_status::Severity::Error)
            .map_or(pouch_status::TRUST_NO_PATH.id(), |(c, _)| c.id());
        let why: Vec<String> = r
            .codes
            .iter()
            .map(|(c, d)| format!("{} ({d})", c.id()))
            .collect();
        ApiError::new(
            code,
            format!(
                "the encryption certificate is not trusted under the bundle: {}",
                why.join(", ")
            ),
        )
    })
}

/// Each recipient chain with the nation it chains to in `bundle`.
fn recipients(
    p: &'static pouch_crypto::CryptoProvider,
    bundle: &pouch_trust::TrustBundle,
    chains: &[Vec<u8>],
    at: DateTime,
) -> Result<Vec<RecipientCert>, ApiError> {
    chains
        .iter()
        .enumerate()
        .map(|(i, pem)| {
            let chain = chain_der(pem, &format!("recipient {i}"))?;
            Ok(RecipientCert {
                nation: nation_of(p, bundle, &chain, at)?,
                chain,
            })
        })
        .collect()
}

/// Encrypts `record` (streamed) to the nations of `recipients` (each an encryption
/// certificate chain, PEM leaf first, whose nation is the party of `trust` it chains to)
/// and seals it with `key` and `chain`. Each recipient's certificate is validated at the
/// signing time (or now) and release to its nation decided under `policy` first; the first
/// refusal stops everything, nothing encrypted: its error code is the refusing status
/// (`release.*`, exit class 6, or `trust.*`, 13). With `ciphertext` the record's ciphertext
/// is streamed there and the envelope carries its digest (`options.seal.detached` must be
/// set); otherwise it is embedded, and an envelope over the envelope limit is refused.
#[allow(clippy::too_many_arguments)]
pub fn seal_encrypted(
    label: &[u8],
    record: &mut dyn Read,
    key: &[u8],
    chain: &[u8],
    recipient_chains: &[Vec<u8>],
    trust: &TrustBundle,
    policy: &Policy,
    ciphertext: Option<&mut dyn Write>,
    options: &EncryptOptions,
) -> Result<Vec<u8>, ApiError> {
    let o = &options.seal;
    if o.detached != ciphertext.is_some() {
        return Err(ApiError::argument(if o.detached {
            "a detached encrypted record needs a writer for its ciphertext"
        } else {
            "a ciphertext writer was given, but the options do not say detached"
        }));
    }
    if recipient_chains.is_empty() {
        return Err(ApiError::argument("no recipient to encrypt to"));
    }
    let Sealing {
        provider: p,
        label,
        signer,
        opts,
    } = Sealing::new(o, label, key, chain)?;
    let at = match opts.signing_time {
        Some(t) => t,
        None => now()?,
    };
    let recipients = recipients(p, trust.inner(), recipient_chains, at)?;
    let gate = EncryptionGate::new(p, trust.inner(), policy.inner(), at.unix_seconds())?
        .force(options.force_release.iter().map(|n| n.trim().to_owned()));
    let out = match ciphertext {
        Some(w) => CiphertextOut::Detached(w, o.digest_algorithm()?),
        None => CiphertextOut::Embedded,
    };
    let envelope = signer.seal_encrypted(&label, record, out, &recipients, &gate, &opts)?;
    let limit = pouch::Limits::default().max_envelope_bytes;
    if envelope.len() > limit {
        return Err(ApiError::new(
            pouch_status::ENVELOPE_LIMIT_EXCEEDED.id(),
            format!(
                "the encrypted envelope is {} bytes, over the limit of {limit}: encrypt the record detached",
                envelope.len()
            ),
        ));
    }
    Ok(envelope)
}

/// Adds a recipient to an encrypted envelope without touching any sealed byte
/// (POUCH-ENC-060): the holder's `key` (PKCS#8, PEM or DER) and its encryption certificate
/// `chain` (PEM, leaf first) unwrap the content key; `new_recipient` (PEM chain) is
/// validated under `trust` and release to its nation decided under `policy` first. A nation
/// whose release is denied is refused (`release.*`): only the originator can force.
pub fn add_recipient(
    envelope: &[u8],
    key: &[u8],
    chain: &[u8],
    new_recipient: &[u8],
    trust: &TrustBundle,
    policy: &Policy,
    options: &RecipientOptions,
) -> Result<Vec<u8>, ApiError> {
    let p = provider(options.provider.as_deref())?;
    let key = private_key(key)?;
    let own = chain_der(chain, "the holder's certificate")?;
    let at = match options.at.as_deref() {
        Some(t) => parse_time(t)?,
        None => now()?,
    };
    let new = recipients(p, trust.inner(), &[new_recipient.to_vec()], at)?;
    let new = new
        .first()
        .ok_or_else(|| ApiError::argument("no new recipient"))?;
    let gate = EncryptionGate::new(p, trust.inner(), policy.inner(), at.unix_seconds())?;
    let leaf = own.first().map(Vec::as_slice).unwrap_or_default();
    Ok(gate.add_recipient(envelope, &key, leaf, new)?)
}

/// What opening found ([`VerifyContext::open`]).
#[derive(Debug)]
pub struct Opened {
    /// The opener's nation, found from its certificate under the trust bundle.
    pub nation: String,
    inner: pouch::Opened,
}

impl Opened {
    /// The report: verification, release to the opener's nation, and the decrypt stage.
    pub fn report(&self) -> &Report {
        &self.inner.report
    }

    /// Whether the plaintext was decrypted and every chunk authenticated
    /// (`decrypt.plaintext-authentic`): only then may what the writer received be used.
    pub fn ok(&self) -> bool {
        self.inner.ok()
    }

    /// The plaintext bytes written, when [`Opened::ok`].
    pub fn written(&self) -> Option<u64> {
        match self.inner.decrypt {
            Some(Ok(n)) => Some(n),
            _ => None,
        }
    }

    /// The exit class (spec/07-conformance.md §7.4): the report's, decrypt errors having
    /// the payload class (11); i/o (4) when reading the ciphertext or writing the plaintext
    /// failed.
    pub fn exit_class(&self) -> u8 {
        self.inner.class().code()
    }

    /// The report, taken out.
    pub fn into_report(self) -> Report {
        self.inner.report
    }

    /// The report as JSON, its `decrypt` member included: what every adapter prints.
    pub fn report_json(&self) -> String {
        crate::report_json(&self.inner.report)
    }
}

/// Reopens a detached ciphertext: called once to check its digest, once to decrypt it.
/// [`file_ciphertext`] makes one for a file.
pub type Reopen<'a> = &'a mut dyn FnMut() -> std::io::Result<Box<dyn Read>>;

impl VerifyContext {
    /// Opens an encrypted envelope (POUCH-ENC-070) with the recipient's `key` (PKCS#8, PEM
    /// or DER) and its encryption certificate `chain` (PEM, leaf first): the opener's nation
    /// is the party of this context's trust bundle its chain leads to; the envelope is
    /// verified with this context's settings and release to that nation, and only when that
    /// verdict is valid decrypted into `output`. `ciphertext` reopens a detached ciphertext
    /// (read twice: digest, then decryption). Plaintext reaches `output` chunk by chunk,
    /// each authenticated before it is written, but the record is authentic only when
    /// [`Opened::ok`]: discard what `output` received otherwise.
    ///
    /// Errors: no trust bundle set (`argument`), a key or chain that does not load (`key`,
    /// `certificate`), a chain not trusted under the bundle (its `trust.*` code).
    pub fn open(
        &self,
        envelope: &[u8],
        ciphertext: Option<Reopen<'_>>,
        key: &[u8],
        chain: &[u8],
        output: &mut dyn Write,
    ) -> Result<Opened, ApiError> {
        let store = self.trust_store().ok_or_else(|| {
            ApiError::argument("opening needs a trust bundle: set it first (POUCH-ENC-070)")
        })?;
        let key = private_key(key)?;
        let chain = chain_der(chain, "the encryption certificate chain")?;
        let at = match self.at() {
            Some(t) => t,
            None => now()?,
        };
        let nation = nation_of(self.verifier().provider(), store.bundle(), &chain, at)?;
        let verifier = self
            .verifier()
            .to_builder()
            .at(at)
            .recipient(Recipient::new(nation.clone()))
            .build()?;
        let leaf = chain.first().map(Vec::as_slice).unwrap_or_default();
        let inner = pouch::open(&verifier, envelope, ciphertext, &key, leaf, output);
        Ok(Opened { nation, inner })
    }

    /// As [`VerifyContext::open`], with the detached ciphertext (if any) in memory.
    pub fn open_bytes(
        &self,
        envelope: &[u8],
        ciphertext: Option<&[u8]>,
        key: &[u8],
        chain: &[u8],
        output: &mut dyn Write,
    ) -> Result<Opened, ApiError> {
        match ciphertext {
            Some(c) => {
                let shared: Arc<[u8]> = Arc::from(c);
                let mut reopen = || -> std::io::Result<Box<dyn Read>> {
                    Ok(Box::new(std::io::Cursor::new(SharedBytes(Arc::clone(
                        &shared,
                    )))))
                };
                self.open(envelope, Some(&mut reopen), key, chain, output)
            }
            None => self.open(envelope, None, key, chain, output),
        }
    }

    /// As [`VerifyContext::open`], writing the plaintext to a temporary file beside `out`
    /// that is renamed to `out` only when [`Opened::ok`], and removed otherwise: `out`
    /// exists afterwards only with authentic plaintext. An output that cannot be written
    /// is a `crypto` error.
    pub fn open_to_file(
        &self,
        envelope: &[u8],
        ciphertext: Option<Reopen<'_>>,
        key: &[u8],
        chain: &[u8],
        out: &Path,
    ) -> Result<Opened, ApiError> {
        let io = |what: &Path, e: std::io::Error| {
            ApiError::new(class::CRYPTO, format!("{}: {e}", what.display()))
        };
        let name = out
            .file_name()
            .ok_or_else(|| ApiError::argument(format!("{}: not a file name", out.display())))?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.partial", std::process::id()));
        let tmp = out.with_file_name(tmp_name);
        let file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        let mut writer = std::io::BufWriter::new(file);
        let opened = self.open(envelope, ciphertext, key, chain, &mut writer);
        let flushed = writer.flush();
        drop(writer);
        let keep = matches!(&opened, Ok(o) if o.ok()) && flushed.is_ok();
        if keep {
            std::fs::rename(&tmp, out).map_err(|e| io(out, e))?;
        } else {
            // Best effort: the partial file holds no released plaintext either way.
            let _ = std::fs::remove_file(&tmp);
        }
        let opened = opened?;
        flushed.map_err(|e| io(out, e))?;
        Ok(opened)
    }
}

/// A [`Reopen`] source for a detached ciphertext file: the file opened afresh each pass.
pub fn file_ciphertext(
    path: &Path,
) -> impl FnMut() -> std::io::Result<Box<dyn Read>> + Send + 'static {
    let path = path.to_path_buf();
    move || -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(std::io::BufReader::new(std::fs::File::open(
            &path,
        )?)))
    }
}

/// Shared bytes as `AsRef<[u8]>`, for a cursor that owns no copy.
struct SharedBytes(Arc<[u8]>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
