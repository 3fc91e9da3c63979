//! `VerifyContext`: `pouch_api::VerifyContext` for JavaScript.

use js_sys::{Function, Object};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::js::{self, error};
use crate::label::Policy;

#[wasm_bindgen(typescript_custom_section)]
const TRUST_FILES: &str = r#"
/**
 * The files a trust bundle names, by the path written in the bundle (e.g. `NOR/root.pem`):
 * an object of their bytes, or a function that gives each one's bytes (called once per file
 * the bundle names; it throws when it cannot).
 */
export type TrustFiles = Record<string, Uint8Array> | ((name: string) => Uint8Array);
"#;

#[wasm_bindgen]
extern "C" {
    /// `Record<string, Uint8Array> | ((name: string) => Uint8Array)`.
    #[wasm_bindgen(typescript_type = "TrustFiles")]
    pub type TrustFiles;
}

/// Where the verification time comes from.
enum Clock {
    /// Set by `setAt`.
    Fixed,
    /// The host's clock, read at each `verify`; the time last given to the context.
    Host(Option<String>),
}

/// What a verification needs: the RustCrypto provider, the trust bundle, the seal policy,
/// the verification time, security policies, and the recipient with a clearance. Set what
/// you need, then call `verify` any number of times.
#[wasm_bindgen]
pub struct VerifyContext {
    inner: pouch_api::VerifyContext,
    clock: Clock,
}

/// The outcome of `VerifyContext.verify`: the report, and the four verdicts it keeps apart.
#[wasm_bindgen(getter_with_clone)]
pub struct VerifyResult {
    /// The report as JSON (spec/07-conformance.md §7.5), as `pouch verify --json` prints it.
    #[wasm_bindgen(readonly)]
    pub json: String,
    /// The exit class (spec/07-conformance.md §7.4): `pouch verify`'s exit code.
    #[wasm_bindgen(readonly, js_name = exitClass)]
    pub exit_class: u8,
    /// Well-formed, every signature valid, payload intact, seal policy satisfied and, with a
    /// trust bundle, every signer trusted and authorised.
    #[wasm_bindgen(readonly)]
    pub valid: bool,
    /// A trust stage ran and found every seal's signer trusted.
    #[wasm_bindgen(readonly)]
    pub trusted: bool,
    /// The originator label under its policy; `undefined` when no policy given is its own.
    #[wasm_bindgen(readonly, js_name = labelValid)]
    pub label_valid: Option<bool>,
    /// Whether the recipient may receive the record; `undefined` without a recipient.
    #[wasm_bindgen(readonly)]
    pub releasable: Option<bool>,
}

#[wasm_bindgen]
impl VerifyContext {
    /// A context with the RustCrypto provider, no trust bundle, the seal policy `all`, the
    /// host's clock, no security policy and no recipient.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<VerifyContext, JsValue> {
        Ok(Self {
            inner: pouch_api::VerifyContext::new(Some(js::PROVIDER)).map_err(error)?,
            clock: Clock::Host(None),
        })
    }

    /// Sets the trust bundle: its TOML text and the files it names. Nothing is read from a
    /// filesystem but through `files`.
    #[wasm_bindgen(js_name = setTrust)]
    pub fn set_trust(&mut self, bundle: &str, files: TrustFiles) -> Result<(), JsValue> {
        if let Some(f) = files.dyn_ref::<Function>() {
            self.inner
                .set_trust_with(bundle, |name| js::call_resolver(f, name))
                .map_err(error)
        } else if let Some(o) = files.dyn_ref::<Object>() {
            self.inner
                .set_trust(bundle, &js::file_map(o)?)
                .map_err(error)
        } else {
            Err(js::argument(
                "trust files must be an object of Uint8Arrays or a function",
            ))
        }
    }

    /// Removes the trust bundle: the trust stage no longer runs. Throws while a recipient
    /// is set (remove it first; POUCH-POL-085).
    #[wasm_bindgen(js_name = clearTrust)]
    pub fn clear_trust(&mut self) -> Result<(), JsValue> {
        self.inner.clear_trust().map_err(error)
    }

    /// Sets the seal policy: `all`, `hybrid` or `nations:T:A,B,...`.
    #[wasm_bindgen(js_name = setSealPolicy)]
    pub fn set_seal_policy(&mut self, policy: &str) -> Result<(), JsValue> {
        self.inner.set_seal_policy(policy).map_err(error)
    }

    /// Sets the verification time (RFC 3339, e.g. `2026-11-28T11:00:00Z`); `undefined` is
    /// the host's clock at each `verify`.
    #[wasm_bindgen(js_name = setAt)]
    pub fn set_at(&mut self, at: Option<String>) -> Result<(), JsValue> {
        self.inner.set_at(at.as_deref()).map_err(error)?;
        self.clock = match at {
            Some(_) => Clock::Fixed,
            None => Clock::Host(None),
        };
        Ok(())
    }

    /// Adds a security policy: the policy stage then runs for every label of the envelope.
    #[wasm_bindgen(js_name = addPolicy)]
    pub fn add_policy(&mut self, policy: &Policy) {
        self.inner.add_policy(policy.inner());
    }

    /// Sets the recipient (nation or organisation code) and optionally its clearance (JSON
    /// bytes, spec/05-policy.md §5.7.1): the release stage then runs. `undefined` removes it.
    #[wasm_bindgen(js_name = setRecipient)]
    pub fn set_recipient(
        &mut self,
        recipient: Option<String>,
        clearance: Option<Vec<u8>>,
    ) -> Result<(), JsValue> {
        self.inner
            .set_recipient(recipient.as_deref(), clearance.as_deref())
            .map_err(error)
    }

    /// The provider's name (`RustCrypto`).
    #[wasm_bindgen(getter, js_name = providerName)]
    pub fn provider_name(&self) -> String {
        self.inner.provider_name().to_owned()
    }

    /// Verifies `envelope`; `detached` is the record when the payload is detached (without
    /// it, the payload is not checked). Everything found is in the report; it throws only
    /// when the host's clock gives no usable time.
    pub fn verify(
        &mut self,
        envelope: &[u8],
        detached: Option<Vec<u8>>,
    ) -> Result<VerifyResult, JsValue> {
        self.tick()?;
        let report = match detached {
            Some(record) => self.inner.verify_reader(envelope, &mut record.as_slice()),
            None => self.inner.verify(envelope, None),
        };
        Ok(result(&report))
    }

    /// Verifies `envelope` whose detached record arrives in chunks: `next()` is called until
    /// it returns `undefined` or `null`, each time returning the next `Uint8Array` chunk, so
    /// the record never needs to be in memory whole. A `next` that throws or returns
    /// anything else makes the payload not match (`payload.digest-mismatch`, with why).
    #[wasm_bindgen(js_name = verifyChunks)]
    pub fn verify_chunks(
        &mut self,
        envelope: &[u8],
        next: &js_sys::Function,
    ) -> Result<VerifyResult, JsValue> {
        self.tick()?;
        let mut reader = ChunkReader::new(next.clone());
        Ok(result(&self.inner.verify_reader(envelope, &mut reader)))
    }
}

impl VerifyContext {
    pub(crate) fn inner(&self) -> &pouch_api::VerifyContext {
        &self.inner
    }

    pub(crate) fn inner_mut(&mut self) -> &mut pouch_api::VerifyContext {
        &mut self.inner
    }

    /// With the host's clock, sets the verification time to now (rebuilding the verifier
    /// over the settings at most once a second).
    pub(crate) fn tick(&mut self) -> Result<(), JsValue> {
        if let Clock::Host(last) = &mut self.clock
            && let Some(now) = js::host_now()
            && last.as_deref() != Some(now.as_str())
        {
            self.inner.set_at(Some(&now)).map_err(error)?;
            *last = Some(now);
        }
        Ok(())
    }
}

fn result(report: &pouch_api::Report) -> VerifyResult {
    VerifyResult {
        json: pouch_api::report_json(report),
        exit_class: pouch_api::exit_class(report),
        valid: report.is_valid(),
        trusted: report.signers_trusted(),
        label_valid: report.label_valid(),
        releasable: report.releasable(),
    }
}

/// Chunks from a JS function as a `std::io::Read`.
pub(crate) struct ChunkReader {
    next: js_sys::Function,
    chunk: Vec<u8>,
    at: usize,
}

impl ChunkReader {
    /// Reads the chunks `next()` returns until it returns `undefined` or `null`.
    pub(crate) fn new(next: js_sys::Function) -> Self {
        Self {
            next,
            chunk: Vec::new(),
            at: 0,
        }
    }
}

impl std::io::Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.chunk.len() {
            let v = self
                .next
                .call0(&JsValue::UNDEFINED)
                .map_err(|e| std::io::Error::other(format!("next(): {}", js::message(&e))))?;
            if v.is_undefined() || v.is_null() {
                return Ok(0);
            }
            let arr = v.dyn_into::<js_sys::Uint8Array>().map_err(|_| {
                std::io::Error::other("next() returned something other than a Uint8Array")
            })?;
            self.chunk = arr.to_vec();
            self.at = 0;
        }
        let rest = self.chunk.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf.get_mut(..n)
            .unwrap_or_default()
            .copy_from_slice(rest.get(..n).unwrap_or_default());
        self.at += n;
        Ok(n)
    }
}
