//! Encryption (spec/10-encryption.md) for JavaScript: `TrustBundle`, `sealEncrypted`,
//! `addRecipient`, and `VerifyContext.open` / `openChunks`. Records and ciphertexts are
//! bytes, or chunks pulled from a `next()` function and pushed to a `write(chunk)` function,
//! as `verifyChunks` takes them.

use js_sys::{Array, Function, Object, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::context::{ChunkReader, TrustFiles, VerifyContext};
use crate::envelope::{SEAL_OPTIONS, seal_options};
use crate::js::{self, Options, PROVIDER, argument, error, host_now};
use crate::label::Policy;

#[wasm_bindgen(typescript_custom_section)]
const OPTIONS: &str = r#"
/** How `sealEncrypted` seals; every member is optional. */
export interface EncryptOptions {
  /** Detach the record: each chunk of its ciphertext is passed to this function, and the
   * envelope carries the ciphertext's digest. Without it the ciphertext is embedded. */
  ciphertext?: (chunk: Uint8Array) => void;
  /** Digest of a detached ciphertext: "sha256" (default) or "sha384". */
  digest?: string;
  /** The record's media type. */
  contentType?: string;
  /** Where recipients may find a detached ciphertext (a hint; never fetched). */
  location?: string;
  /** "originator" (default), "endorser" or "releasing-authority". */
  role?: string;
  /** Signature algorithm name; default: the key's own. */
  alg?: string;
  /** Signing time, RFC 3339; also when recipients' certificates must be valid. Default:
   * the host's clock. */
  signingTime?: string;
  /** Nations to encrypt to although release to them is denied (recorded in the envelope). */
  forceRelease?: string[];
}

/** A record: its bytes, or a function returning its next chunk (undefined at the end). */
export type RecordSource = Uint8Array | (() => Uint8Array | undefined | null);
"#;

#[wasm_bindgen]
extern "C" {
    /// The options of `sealEncrypted` (TypeScript interface `EncryptOptions`).
    #[wasm_bindgen(typescript_type = "EncryptOptions")]
    pub type EncryptOptions;
    /// `Uint8Array | (() => Uint8Array | undefined | null)`.
    #[wasm_bindgen(typescript_type = "RecordSource")]
    pub type RecordSource;
}

/// A loaded trust bundle: whose encryption certificates may be encrypted to.
#[wasm_bindgen]
pub struct TrustBundle(pouch_api::TrustBundle);

#[wasm_bindgen]
impl TrustBundle {
    /// Parses a bundle: its TOML text and the files it names (an object of their bytes, or
    /// a function giving each one's bytes).
    #[wasm_bindgen(constructor)]
    pub fn new(bundle: &str, files: TrustFiles) -> Result<TrustBundle, JsValue> {
        let b = if let Some(f) = files.dyn_ref::<Function>() {
            pouch_api::TrustBundle::from_toml_with(bundle, |name| js::call_resolver(f, name))
        } else if let Some(o) = files.dyn_ref::<Object>() {
            pouch_api::TrustBundle::from_toml(bundle, &js::file_map(o)?)
        } else {
            return Err(argument(
                "trust files must be an object of Uint8Arrays or a function",
            ));
        };
        b.map(TrustBundle).map_err(error)
    }

    /// The bundle's nations, in its order.
    #[wasm_bindgen(getter)]
    pub fn nations(&self) -> Vec<String> {
        self.0.nations()
    }
}

/// Pushes bytes to a JS function, one `Uint8Array` per write.
pub(crate) struct ChunkWriter(pub(crate) Function);

impl std::io::Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .call1(&JsValue::UNDEFINED, &Uint8Array::from(buf).into())
            .map_err(|e| std::io::Error::other(format!("write(): {}", js::message(&e))))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn reader(what: &str, source: &JsValue) -> Result<Box<dyn std::io::Read>, JsValue> {
    if let Some(f) = source.dyn_ref::<Function>() {
        Ok(Box::new(ChunkReader::new(f.clone())))
    } else if let Some(a) = source.dyn_ref::<Uint8Array>() {
        Ok(Box::new(std::io::Cursor::new(a.to_vec())))
    } else {
        Err(argument(format!(
            "{what} must be a Uint8Array or a function returning chunks"
        )))
    }
}

fn chains(recipients: &Array) -> Result<Vec<Vec<u8>>, JsValue> {
    recipients
        .iter()
        .map(|r| {
            r.dyn_into::<Uint8Array>()
                .map(|a| a.to_vec())
                .map_err(|_| argument("each recipient must be a Uint8Array (PEM chain)"))
        })
        .collect()
}

/// Encrypts `record` to the nations of `recipients` (each an encryption certificate chain,
/// PEM leaf first, whose nation is the party of `trust` it chains to) and seals it with
/// `key` and `chain`: the envelope. Each recipient's certificate is validated and release
/// to its nation decided under `policy` first; a refused nation throws a `PouchError` whose
/// `code` is the refusing status (`release.*`, `exitClass` 6; `trust.*`, 13), nothing
/// encrypted. `options.ciphertext` detaches the record and receives its ciphertext in
/// chunks.
#[wasm_bindgen(js_name = sealEncrypted)]
#[allow(clippy::too_many_arguments)]
pub fn seal_encrypted(
    label: &[u8],
    record: RecordSource,
    key: &[u8],
    chain: &[u8],
    recipients: Array,
    trust: &TrustBundle,
    policy: &Policy,
    options: Option<EncryptOptions>,
) -> Result<Vec<u8>, JsValue> {
    let known = [&["ciphertext"][..], SEAL_OPTIONS, &["forceRelease"]].concat();
    let o = Options::new(options, &known)?;
    let mut writer = match o.value("ciphertext")? {
        Some(v) => Some(ChunkWriter(v.dyn_into::<Function>().map_err(|_| {
            argument("option ciphertext must be a function taking each chunk")
        })?)),
        None => None,
    };
    let opts = pouch_api::EncryptOptions {
        seal: seal_options(&o, writer.is_some())?,
        force_release: o.strings("forceRelease")?.unwrap_or_default(),
    };
    let mut input = reader("record", &record)?;
    pouch_api::seal_encrypted(
        label,
        &mut input,
        key,
        chain,
        &chains(&recipients)?,
        &trust.0,
        policy.inner(),
        writer.as_mut().map(|w| w as &mut dyn std::io::Write),
        &opts,
    )
    .map_err(error)
}

/// Adds `newRecipient` (an encryption certificate chain, PEM) to an encrypted envelope
/// without touching any sealed byte; `key` and `chain` are the holder's own encryption key
/// and chain. The new recipient is validated under `trust` and release to its nation
/// decided under `policy` (denied: a `release.*` error). `at` (RFC 3339) defaults to the
/// host's clock.
#[wasm_bindgen(js_name = addRecipient)]
#[allow(clippy::too_many_arguments)]
pub fn add_recipient(
    envelope: &[u8],
    key: &[u8],
    chain: &[u8],
    new_recipient: &[u8],
    trust: &TrustBundle,
    policy: &Policy,
    at: Option<String>,
) -> Result<Vec<u8>, JsValue> {
    let options = pouch_api::RecipientOptions {
        provider: Some(PROVIDER.to_owned()),
        at: at.or_else(host_now),
    };
    pouch_api::add_recipient(
        envelope,
        key,
        chain,
        new_recipient,
        &trust.0,
        policy.inner(),
        &options,
    )
    .map_err(error)
}

/// What `open` and `openChunks` found.
#[wasm_bindgen(getter_with_clone)]
pub struct OpenResult {
    /// The report as JSON, with its `decrypt` member.
    #[wasm_bindgen(readonly)]
    pub json: String,
    /// The exit class: the report's (decrypt errors 11), or 4 when reading the ciphertext
    /// or writing the plaintext failed.
    #[wasm_bindgen(readonly, js_name = exitClass)]
    pub exit_class: u8,
    /// Whether the plaintext decrypted and every chunk authenticated: only then may it be
    /// used.
    #[wasm_bindgen(readonly)]
    pub ok: bool,
    /// The opener's nation, from its certificate under the trust bundle.
    #[wasm_bindgen(readonly)]
    pub nation: String,
    /// The plaintext (`open` only), when `ok`; otherwise `undefined`.
    #[wasm_bindgen(readonly)]
    pub plaintext: Option<Vec<u8>>,
}

fn result(o: &pouch_api::Opened, plaintext: Option<Vec<u8>>) -> OpenResult {
    OpenResult {
        json: o.report_json(),
        exit_class: o.exit_class(),
        ok: o.ok(),
        nation: o.nation.clone(),
        plaintext: plaintext.filter(|_| o.ok()),
    }
}

#[wasm_bindgen]
impl VerifyContext {
    /// Opens an encrypted envelope with the recipient's `key` (PKCS#8, PEM or DER) and its
    /// encryption certificate `chain` (PEM, leaf first): the opener's nation is the party of
    /// the trust bundle its chain leads to; the envelope is verified with this context's
    /// settings and release to that nation, and only when valid decrypted. `ciphertext` is
    /// the detached ciphertext, if any. The plaintext is returned only when it
    /// authenticated. Throws for a key or chain that does not load, no trust bundle, or a
    /// chain not trusted under it (a `trust.*` code).
    pub fn open(
        &mut self,
        envelope: &[u8],
        key: &[u8],
        chain: &[u8],
        ciphertext: Option<Vec<u8>>,
    ) -> Result<OpenResult, JsValue> {
        self.tick()?;
        let mut plain = Vec::new();
        let o = self
            .inner()
            .open_bytes(envelope, ciphertext.as_deref(), key, chain, &mut plain)
            .map_err(error)?;
        Ok(result(&o, Some(plain)))
    }

    /// As `open`, in chunks: `ciphertext` (for a detached one; `undefined` otherwise) is
    /// called once per pass (twice: digest, then decryption) and returns a fresh `next`
    /// function giving the ciphertext's chunks from its start; `write(chunk)` receives the
    /// plaintext chunk by chunk, each authenticated first. Use what `write` received only
    /// when the result is `ok`; discard it otherwise.
    #[wasm_bindgen(js_name = openChunks)]
    pub fn open_chunks(
        &mut self,
        envelope: &[u8],
        key: &[u8],
        chain: &[u8],
        ciphertext: Option<Function>,
        write: Function,
    ) -> Result<OpenResult, JsValue> {
        self.tick()?;
        let mut out = ChunkWriter(write);
        let mut reopen = ciphertext.map(|source| {
            move || -> std::io::Result<Box<dyn std::io::Read>> {
                let next = source.call0(&JsValue::UNDEFINED).map_err(|e| {
                    std::io::Error::other(format!("ciphertext(): {}", js::message(&e)))
                })?;
                let next = next.dyn_into::<Function>().map_err(|_| {
                    std::io::Error::other("ciphertext() must return a next() function")
                })?;
                Ok(Box::new(ChunkReader::new(next)))
            }
        });
        let o = self
            .inner()
            .open(
                envelope,
                reopen.as_mut().map(|f| f as pouch_api::Reopen<'_>),
                key,
                chain,
                &mut out,
            )
            .map_err(error)?;
        Ok(result(&o, None))
    }

    /// Accepts only these signature algorithms (`"ES384,ML-DSA-65"`); `undefined` accepts
    /// every one the provider implements. A seal of another is `seal.alg-not-allowed`.
    #[wasm_bindgen(js_name = setAllowedAlgs)]
    pub fn set_allowed_algs(&mut self, algs: Option<String>) -> Result<(), JsValue> {
        self.inner_mut()
            .set_allowed_algs(algs.as_deref())
            .map_err(error)
    }

    /// Requires every certificate of a signer's path to be valid at the verification time
    /// too (POUCH-TRUST-022).
    #[wasm_bindgen(js_name = setRequireCurrentValidity)]
    pub fn set_require_current_validity(&mut self, require: bool) -> Result<(), JsValue> {
        self.inner_mut()
            .set_require_current_validity(require)
            .map_err(error)
    }

    /// Sets the decoder's limit of certificates in one `x5chain`; `undefined` is the default.
    #[wasm_bindgen(js_name = setMaxChain)]
    pub fn set_max_chain(&mut self, max: Option<u32>) -> Result<(), JsValue> {
        self.inner_mut()
            .set_max_chain(max.map(|m| m as usize))
            .map_err(error)
    }
}

/// The recipient algorithms (KEMs) this binding encrypts to and decrypts with.
#[wasm_bindgen(js_name = kemNames)]
pub fn kem_names() -> Vec<String> {
    pouch_api::kem_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}
