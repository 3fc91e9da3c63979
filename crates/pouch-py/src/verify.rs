//! `VerifyContext`, `Report`, `SealReport` and `Policy`: thin classes over pouch-api's.

use std::collections::HashMap;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::to_py;
use crate::json_loads;

/// A loaded security policy (Open XML SPIF 2.1). Load one with `Policy.load(spif_bytes)`
/// or `policy_load(spif_bytes)`.
#[pyclass(module = "pouch", frozen, name = "Policy")]
pub struct Policy(pub(crate) pouch_api::Policy);

#[pymethods]
impl Policy {
    /// Loads a SPIF (XML bytes); raises `SpifError` when it does not load.
    #[staticmethod]
    pub(crate) fn load(py: Python<'_>, spif: &[u8]) -> PyResult<Self> {
        pouch_api::policy_load(spif)
            .map(Policy)
            .map_err(|e| to_py(py, e))
    }

    /// The policy's name, e.g. `POUCH-DEMO`.
    #[getter]
    fn name(&self) -> &str {
        self.0.name()
    }

    /// The policy's identifier (an OID).
    #[getter]
    fn id(&self) -> &str {
        self.0.id()
    }

    /// The warnings loading it gave (it loaded nonetheless).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.0.warnings()
    }

    fn __repr__(&self) -> String {
        format!("Policy(name={:?}, id={:?})", self.0.name(), self.0.id())
    }
}

/// What verification found about one seal.
#[pyclass(module = "pouch", frozen, name = "SealReport")]
pub struct SealReport(pouch_api::SealReport);

/// The registry identifiers of a stage's entries.
macro_rules! ids {
    ($entries:expr) => {
        $entries
            .iter()
            .map(|e| e.code.id())
            .collect::<Vec<&'static str>>()
    };
}

#[pymethods]
impl SealReport {
    /// Position in the envelope's seals, from 0.
    #[getter]
    fn index(&self) -> usize {
        self.0.index
    }

    /// The algorithm's registry name (`ES384`...), when the header could be read.
    #[getter]
    fn algorithm(&self) -> Option<&str> {
        self.0.algorithm.as_deref()
    }

    /// The sealing party's role (`originator`, `endorser`, `releasing-authority`).
    #[getter]
    fn role(&self) -> Option<&'static str> {
        self.0.role
    }

    /// The signer's certificate subject.
    #[getter]
    fn signer(&self) -> Option<&str> {
        self.0.signer.as_deref()
    }

    /// The bundle party whose anchor ends the seal's chain (trust stage only).
    #[getter]
    fn nation(&self) -> Option<&str> {
        self.0.nation.as_deref()
    }

    /// The seal's status codes: header, algorithm, key, signature.
    #[getter]
    fn codes(&self) -> Vec<&'static str> {
        ids!(self.0.codes)
    }

    /// The trust stage's status codes for this seal (empty without a trust bundle).
    #[getter]
    fn trust(&self) -> Vec<&'static str> {
        ids!(self.0.trust)
    }

    /// Whether this seal's signature verified.
    #[getter]
    fn signature_valid(&self) -> bool {
        self.0.signature_valid()
    }

    /// Whether the trust stage found this seal's signer trusted.
    #[getter]
    fn signer_trusted(&self) -> bool {
        self.0.signer_trusted()
    }

    fn __repr__(&self) -> String {
        format!(
            "SealReport(index={}, codes={:?}, trust={:?})",
            self.0.index,
            ids!(self.0.codes),
            ids!(self.0.trust)
        )
    }
}

/// The outcome of verifying one envelope: status codes per stage and per seal. "Valid",
/// "trusted", "label valid" and "releasable" are kept apart on purpose.
#[pyclass(module = "pouch", frozen, name = "Report")]
pub struct Report(pub(crate) pouch_api::Report);

#[pymethods]
impl Report {
    /// The report as one line of JSON (spec/07-conformance.md §7.5), as `pouch verify
    /// --json` prints it.
    #[getter]
    fn json(&self) -> String {
        pouch_api::report_json(&self.0)
    }

    /// The report as a `dict` (the JSON above, parsed).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &pouch_api::report_json(&self.0))
    }

    /// The exit class (spec/07-conformance.md §7.4): 0 valid, 3 malformed, 10 seal,
    /// 11 payload, 13 trust, 12 seal policy, 5 label invalid, 6 release denied.
    #[getter]
    fn exit_class(&self) -> u8 {
        pouch_api::exit_class(&self.0)
    }

    /// No error in any envelope stage that ran (decoding, seals, payload, trust when a
    /// bundle was given, seal policy). The policy and release stages are apart.
    #[getter]
    fn is_valid(&self) -> bool {
        self.0.is_valid()
    }

    /// Whether the signatures alone are valid, whatever trust says.
    #[getter]
    fn signatures_valid(&self) -> bool {
        self.0.signatures_valid()
    }

    /// Whether a trust stage ran and found every seal's signer trusted.
    #[getter]
    fn signers_trusted(&self) -> bool {
        self.0.signers_trusted()
    }

    /// Whether the originator label is valid under its policy; `None` when no policy
    /// given is the label's.
    #[getter]
    fn label_valid(&self) -> Option<bool> {
        self.0.label_valid()
    }

    /// Whether the recipient may receive the record; `None` without a recipient.
    #[getter]
    fn releasable(&self) -> Option<bool> {
        self.0.releasable()
    }

    /// Each seal's report, in envelope order.
    #[getter]
    fn seals(&self) -> Vec<SealReport> {
        self.0.seals.iter().cloned().map(SealReport).collect()
    }

    /// Every status code of every stage, in pipeline order.
    #[getter]
    fn codes(&self) -> Vec<&'static str> {
        self.0.all_entries().map(|e| e.code.id()).collect()
    }

    /// Whether any stage carries the status code `code` (e.g. `"seal.signature-invalid"`).
    fn has(&self, code: &str) -> bool {
        self.0.all_entries().any(|e| e.code.id() == code)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(exit_class={}, is_valid={}, seals={})",
            pouch_api::exit_class(&self.0),
            self.0.is_valid(),
            self.0.seals.len()
        )
    }
}

/// Everything a verification needs: crypto provider, trust bundle, seal policy,
/// verification time, security policies, recipient and clearance. Configure it once, then
/// call `verify` any number of times; caches are kept across calls.
#[pyclass(module = "pouch", name = "VerifyContext")]
pub struct VerifyContext(pouch_api::VerifyContext);

#[pymethods]
impl VerifyContext {
    /// A context with `provider` (`"aws-lc"` or `"rustcrypto"`; `None` is the default),
    /// no trust bundle, seal policy `all`, the system clock, no policy and no recipient.
    #[new]
    #[pyo3(signature = (provider=None))]
    fn new(py: Python<'_>, provider: Option<&str>) -> PyResult<Self> {
        pouch_api::VerifyContext::new(provider)
            .map(VerifyContext)
            .map_err(|e| to_py(py, e))
    }

    /// The provider's name (`aws-lc-rs` or `RustCrypto`).
    #[getter]
    fn provider_name(&self) -> &'static str {
        self.0.provider_name()
    }

    /// Sets the trust bundle from its TOML text and the bytes of each file it names (by
    /// the path written in the bundle). Reads no file.
    fn set_trust(
        &mut self,
        py: Python<'_>,
        bundle_toml: &str,
        files: HashMap<String, Bound<'_, PyBytes>>,
    ) -> PyResult<()> {
        let files: HashMap<String, Vec<u8>> = files
            .into_iter()
            .map(|(k, v)| (k, v.as_bytes().to_vec()))
            .collect();
        self.0
            .set_trust(bundle_toml, &files)
            .map_err(|e| to_py(py, e))
    }

    /// Sets the trust bundle from a file, reading the files it names relative to it.
    fn set_trust_file(&mut self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        self.0.set_trust_file(&path).map_err(|e| to_py(py, e))
    }

    /// Removes the trust bundle: the trust stage no longer runs. Raises ArgumentError
    /// while a recipient is set (remove it first; POUCH-POL-085).
    fn clear_trust(&mut self, py: Python<'_>) -> PyResult<()> {
        self.0.clear_trust().map_err(|e| to_py(py, e))
    }

    /// Sets the seal policy: `"all"`, `"hybrid"` or `"nations:T:A,B,..."`.
    fn set_seal_policy(&mut self, py: Python<'_>, policy: &str) -> PyResult<()> {
        self.0.set_seal_policy(policy).map_err(|e| to_py(py, e))
    }

    /// Sets the verification time (RFC 3339, e.g. `"2026-11-28T11:00:00Z"`); `None` is the
    /// system clock at each call.
    #[pyo3(signature = (at))]
    fn set_at(&mut self, py: Python<'_>, at: Option<&str>) -> PyResult<()> {
        self.0.set_at(at).map_err(|e| to_py(py, e))
    }

    /// Adds a security policy: the policy stage then runs for every label.
    fn add_policy(&mut self, policy: &Policy) {
        self.0.add_policy(&policy.0);
    }

    /// Sets the recipient (nation or organisation code) and optionally its clearance
    /// (JSON bytes): the release stage then runs. `None` removes it.
    #[pyo3(signature = (recipient, clearance=None))]
    fn set_recipient(
        &mut self,
        py: Python<'_>,
        recipient: Option<&str>,
        clearance: Option<&[u8]>,
    ) -> PyResult<()> {
        self.0
            .set_recipient(recipient, clearance)
            .map_err(|e| to_py(py, e))
    }

    /// Verifies `envelope` (bytes); `payload` is the record when the payload is detached
    /// (without it, the payload is not checked): bytes, or a binary file-like object (any
    /// object with `read(n)`), which is streamed in bounded memory. Never raises for a bad
    /// envelope: what was found is in the report. Releases the GIL while it works.
    #[pyo3(signature = (envelope, payload=None))]
    fn verify(
        &self,
        py: Python<'_>,
        envelope: &[u8],
        payload: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Report> {
        let ctx = &self.0;
        let Some(payload) = payload else {
            return Ok(Report(py.detach(|| ctx.verify(envelope, None))));
        };
        if let Ok(bytes) = payload.cast::<PyBytes>() {
            let record = bytes.as_bytes();
            return Ok(Report(py.detach(|| ctx.verify(envelope, Some(record)))));
        }
        if !payload.hasattr("read")? {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "payload: expected bytes or a binary file-like object with read(n)",
            ));
        }
        let mut reader = PyReader(payload.clone().unbind());
        Ok(Report(
            py.detach(|| ctx.verify_reader(envelope, &mut reader)),
        ))
    }

    /// Accepts only these signature algorithms (`"ES384,ML-DSA-65"`, or a list of names);
    /// `None` accepts every one the provider implements. A seal of another is
    /// `seal.alg-not-allowed`.
    #[pyo3(signature = (algs))]
    fn set_allowed_algs(
        &mut self,
        py: Python<'_>,
        algs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let list = match algs {
            None => None,
            Some(a) => Some(match a.extract::<String>() {
                Ok(s) => s,
                Err(_) => a.extract::<Vec<String>>()?.join(","),
            }),
        };
        self.0
            .set_allowed_algs(list.as_deref())
            .map_err(|e| to_py(py, e))
    }

    /// Requires every certificate of a signer's path to be valid at the verification time
    /// too (POUCH-TRUST-022): a path expired since is `trust.current-validity-required`.
    fn set_require_current_validity(&mut self, py: Python<'_>, require: bool) -> PyResult<()> {
        self.0
            .set_require_current_validity(require)
            .map_err(|e| to_py(py, e))
    }

    /// Sets the decoder's limit of certificates in one `x5chain`; `None` is the default.
    #[pyo3(signature = (max))]
    fn set_max_chain(&mut self, py: Python<'_>, max: Option<usize>) -> PyResult<()> {
        self.0.set_max_chain(max).map_err(|e| to_py(py, e))
    }

    /// Opens an encrypted envelope with the recipient's `key` (PKCS#8, PEM or DER bytes)
    /// and its encryption certificate `chain` (PEM bytes, leaf first): the opener's nation
    /// is the party of this context's trust bundle the chain leads to; the envelope is
    /// verified with this context's settings and release to that nation, and only when
    /// valid decrypted. `payload` is a detached ciphertext: bytes, or a seekable binary
    /// file-like object (read twice, from its start: digest, then decryption). `out`:
    /// `None` returns the plaintext in `Opened.plaintext` (only when it authenticated); a
    /// path (str or os.PathLike) is written through a temporary file renamed to it only on
    /// success (the file exists afterwards only with authentic plaintext); an object with
    /// `write(b)` receives the plaintext chunk by chunk, each authenticated first, and what
    /// it received must be discarded unless `Opened.ok`. Raises for a key or chain that
    /// does not load, no trust bundle, or a chain not trusted under it (`TrustError`).
    #[pyo3(signature = (envelope, key, chain, *, payload=None, out=None))]
    fn open(
        &self,
        py: Python<'_>,
        envelope: &[u8],
        key: &[u8],
        chain: &[u8],
        payload: Option<&Bound<'_, PyAny>>,
        out: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::encrypt::Opened> {
        enum Ct {
            None,
            Bytes(Vec<u8>),
            Seekable(Py<PyAny>),
        }
        let ct = match payload {
            None => Ct::None,
            Some(p) => {
                if let Ok(b) = p.cast::<PyBytes>() {
                    Ct::Bytes(b.as_bytes().to_vec())
                } else if p.hasattr("read")? && p.hasattr("seek")? {
                    Ct::Seekable(p.clone().unbind())
                } else {
                    return Err(pyo3::exceptions::PyTypeError::new_err(
                        "payload: expected bytes or a seekable binary file-like object",
                    ));
                }
            }
        };
        enum Out {
            Bytes,
            Path(PathBuf),
            Writer(crate::encrypt::PyWriter),
        }
        let sink = match out {
            None => Out::Bytes,
            Some(o) if o.hasattr("write")? => {
                Out::Writer(crate::encrypt::PyWriter(o.clone().unbind()))
            }
            Some(o) => Out::Path(o.extract::<PathBuf>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(
                    "out: expected a path or a binary file-like object with write(b)",
                )
            })?),
        };
        let ctx = &self.0;
        let result = py.detach(move || {
            type ReopenBox = Box<dyn FnMut() -> std::io::Result<Box<dyn std::io::Read>> + Send>;
            let mut reopen: Option<ReopenBox> = match ct {
                Ct::None => None,
                Ct::Bytes(b) => {
                    let shared: std::sync::Arc<[u8]> = b.into();
                    Some(Box::new(move || {
                        Ok(Box::new(std::io::Cursor::new(ArcBytes(shared.clone())))
                            as Box<dyn std::io::Read>)
                    }))
                }
                Ct::Seekable(obj) => Some(Box::new(move || {
                    Python::attach(|py| {
                        let o = obj.bind(py);
                        o.call_method1("seek", (0,))
                            .map_err(|e| std::io::Error::other(format!("payload.seek: {e}")))?;
                        Ok(Box::new(PyReader(o.clone().unbind())) as Box<dyn std::io::Read>)
                    })
                })),
            };
            let reopen = reopen.as_mut().map(|f| f.as_mut() as pouch_api::Reopen<'_>);
            let mut plain = Vec::new();
            let opened = match sink {
                Out::Bytes => ctx.open(envelope, reopen, key, chain, &mut plain)?,
                Out::Writer(mut w) => {
                    let o = ctx.open(envelope, reopen, key, chain, &mut w)?;
                    // Best effort: the caller's stream, whose own errors it sees on close.
                    let _ = std::io::Write::flush(&mut w);
                    o
                }
                Out::Path(path) => ctx.open_to_file(envelope, reopen, key, chain, &path)?,
            };
            Ok::<_, pouch_api::ApiError>((opened, plain))
        });
        let (opened, plain) = result.map_err(|e| to_py(py, e))?;
        let returns_bytes = out.is_none();
        let ok = opened.ok();
        Ok(crate::encrypt::Opened {
            nation: opened.nation.clone(),
            ok,
            exit_class: opened.exit_class(),
            written: opened.written(),
            plaintext: (returns_bytes && ok).then(|| PyBytes::new(py, &plain).unbind()),
            report: Py::new(py, Report(opened.into_report()))?,
        })
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// Shared bytes as `AsRef<[u8]>`, for a cursor without a copy per pass.
struct ArcBytes(std::sync::Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// A Python binary file-like object as a `std::io::Read`: each read takes the GIL for one
/// `read(n)` call, so memory stays bounded by `n` whatever the record's size.
pub(crate) struct PyReader(pub(crate) Py<PyAny>);

impl std::io::Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let chunk = self
                .0
                .bind(py)
                .call_method1("read", (buf.len(),))
                .map_err(|e| std::io::Error::other(format!("payload.read: {e}")))?;
            let bytes = chunk.cast::<PyBytes>().map_err(|_| {
                std::io::Error::other(
                    "payload.read did not return bytes (open the file in binary mode)",
                )
            })?;
            let data = bytes.as_bytes();
            let out = buf.get_mut(..data.len()).ok_or_else(|| {
                std::io::Error::other("payload.read returned more bytes than asked for")
            })?;
            out.copy_from_slice(data);
            Ok(data.len())
        })
    }
}
