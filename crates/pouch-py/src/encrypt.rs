//! Encryption (spec/10-encryption.md): `TrustBundle`, `seal_encrypted`, `add_recipient`,
//! and `VerifyContext.open`'s result `Opened`. Records and ciphertexts are bytes or
//! file-like objects, streamed in bounded memory with the GIL released between calls.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::to_py;
use crate::py_bytes;
use crate::verify::{PyReader, Report};

/// A loaded trust bundle: whose encryption certificates may be encrypted to. Load one with
/// `TrustBundle.load(path)` or `TrustBundle.from_toml(text, files)`.
#[pyclass(module = "pouch", frozen, name = "TrustBundle")]
pub struct TrustBundle(pub(crate) pouch_api::TrustBundle);

#[pymethods]
impl TrustBundle {
    /// Loads a bundle file (TOML), reading the files it names relative to it.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        pouch_api::TrustBundle::load(&path)
            .map(TrustBundle)
            .map_err(|e| to_py(py, e))
    }

    /// Parses a bundle from its TOML text and the bytes of each file it names.
    #[staticmethod]
    fn from_toml(
        py: Python<'_>,
        text: &str,
        files: HashMap<String, Bound<'_, PyBytes>>,
    ) -> PyResult<Self> {
        let files: HashMap<String, Vec<u8>> = files
            .into_iter()
            .map(|(k, v)| (k, v.as_bytes().to_vec()))
            .collect();
        pouch_api::TrustBundle::from_toml(text, &files)
            .map(TrustBundle)
            .map_err(|e| to_py(py, e))
    }

    /// The bundle's nations, in its order.
    #[getter]
    fn nations(&self) -> Vec<String> {
        self.0.nations()
    }

    fn __repr__(&self) -> String {
        format!("TrustBundle(nations={:?})", self.0.nations())
    }
}

/// A Python binary file-like object as a `std::io::Write`: one `write(b)` call per chunk,
/// under the GIL; a short write is continued.
pub(crate) struct PyWriter(pub(crate) Py<PyAny>);

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let n = self
                .0
                .bind(py)
                .call_method1("write", (PyBytes::new(py, buf),))
                .map_err(|e| std::io::Error::other(format!("write: {e}")))?;
            // Raw streams may write less and say so; buffered ones return None or the length.
            match n.extract::<Option<usize>>() {
                Ok(Some(n)) if n <= buf.len() => Ok(n),
                Ok(None) => Ok(buf.len()),
                _ => Err(std::io::Error::other("write returned no byte count")),
            }
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Python::attach(|py| {
            let obj = self.0.bind(py);
            if obj.hasattr("flush").unwrap_or(false) {
                obj.call_method0("flush")
                    .map_err(|e| std::io::Error::other(format!("flush: {e}")))?;
            }
            Ok(())
        })
    }
}

/// What `record` is: bytes, or an object with `read(n)`.
pub(crate) enum Input {
    Bytes(Vec<u8>),
    Reader(PyReader),
}

pub(crate) fn input(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Input::Bytes(b.as_bytes().to_vec()));
    }
    if obj.hasattr("read")? {
        return Ok(Input::Reader(PyReader(obj.clone().unbind())));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "{what}: expected bytes or a binary file-like object with read(n)"
    )))
}

/// Encrypts `record` (bytes, or a binary file-like object, streamed) to the nations of
/// `recipients` (each an encryption certificate chain, PEM bytes leaf first, whose nation
/// is the party of `trust` it chains to) and seals it with `key` and `chain`; returns the
/// envelope. Every recipient's certificate is validated and release to its nation decided
/// under `policy` first: a refused nation raises `ReleaseDeniedError` (exit class 6) or
/// `TrustError` (13), nothing encrypted. With `ciphertext` (an object with `write(b)`) the
/// record is detached and its ciphertext streamed there. `force_release` names nations to
/// encrypt to although release is denied (recorded in the envelope).
#[pyfunction]
#[pyo3(signature = (label, record, key, chain, recipients, trust, policy, *, ciphertext=None,
    provider=None, digest=None, content_type=None, location=None, role=None, alg=None,
    signing_time=None, force_release=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_encrypted<'py>(
    py: Python<'py>,
    label: Vec<u8>,
    record: &Bound<'py, PyAny>,
    key: Vec<u8>,
    chain: Vec<u8>,
    recipients: Vec<Vec<u8>>,
    trust: &TrustBundle,
    policy: &crate::verify::Policy,
    ciphertext: Option<&Bound<'py, PyAny>>,
    provider: Option<String>,
    digest: Option<String>,
    content_type: Option<String>,
    location: Option<String>,
    role: Option<String>,
    alg: Option<String>,
    signing_time: Option<String>,
    force_release: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = input("record", record)?;
    let mut writer = match ciphertext {
        Some(c) if c.hasattr("write")? => Some(PyWriter(c.clone().unbind())),
        Some(_) => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "ciphertext: expected a binary file-like object with write(b)",
            ));
        }
        None => None,
    };
    let options = pouch_api::EncryptOptions {
        seal: pouch_api::SealOptions {
            provider,
            detached: writer.is_some(),
            digest,
            content_type,
            location,
            role,
            alg,
            signing_time,
        },
        force_release: force_release.unwrap_or_default(),
    };
    let (bundle, pol) = (trust.0.clone(), policy.0.clone());
    let result = py.detach(move || {
        let mut reader: Box<dyn std::io::Read> = match input {
            Input::Bytes(b) => Box::new(std::io::Cursor::new(b)),
            Input::Reader(r) => Box::new(r),
        };
        let env = pouch_api::seal_encrypted(
            &label,
            &mut reader,
            &key,
            &chain,
            &recipients,
            &bundle,
            &pol,
            writer.as_mut().map(|w| w as &mut dyn Write),
            &options,
        )?;
        if let Some(w) = writer.as_mut() {
            w.flush().map_err(|e| {
                pouch_api::ApiError::new(pouch_api::class::CRYPTO, format!("ciphertext: {e}"))
            })?;
        }
        Ok(env)
    });
    py_bytes(py, result)
}

/// Adds `new_recipient` (an encryption certificate chain, PEM) to an encrypted envelope
/// without touching any sealed byte; `key` and `chain` are the holder's own encryption key
/// and certificate chain, which unwrap the content key. The new recipient is validated
/// under `trust` and release to its nation decided under `policy`: a denied nation raises
/// `ReleaseDeniedError` (only the originator can force). Returns the new envelope.
#[pyfunction]
#[pyo3(signature = (envelope, key, chain, new_recipient, trust, policy, *, provider=None, at=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_recipient<'py>(
    py: Python<'py>,
    envelope: &[u8],
    key: &[u8],
    chain: &[u8],
    new_recipient: &[u8],
    trust: &TrustBundle,
    policy: &crate::verify::Policy,
    provider: Option<String>,
    at: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = pouch_api::RecipientOptions { provider, at };
    let result = py.detach(|| {
        pouch_api::add_recipient(
            envelope,
            key,
            chain,
            new_recipient,
            &trust.0,
            &policy.0,
            &options,
        )
    });
    py_bytes(py, result)
}

/// What `VerifyContext.open` found: the report (with its decrypt stage), the opener's
/// nation, and the plaintext when it was returned as bytes.
#[pyclass(module = "pouch", frozen, name = "Opened")]
pub struct Opened {
    pub(crate) nation: String,
    pub(crate) ok: bool,
    pub(crate) exit_class: u8,
    pub(crate) written: Option<u64>,
    pub(crate) report: Py<Report>,
    pub(crate) plaintext: Option<Py<PyBytes>>,
}

#[pymethods]
impl Opened {
    /// Whether the plaintext decrypted and every chunk authenticated
    /// (`decrypt.plaintext-authentic`): only then may it be used.
    #[getter]
    fn ok(&self) -> bool {
        self.ok
    }

    /// The exit class: the report's (decrypt errors 11), or 4 when reading the ciphertext
    /// or writing the plaintext failed.
    #[getter]
    fn exit_class(&self) -> u8 {
        self.exit_class
    }

    /// The opener's nation, found from its certificate under the trust bundle.
    #[getter]
    fn nation(&self) -> &str {
        &self.nation
    }

    /// Plaintext bytes written, when `ok`.
    #[getter]
    fn written(&self) -> Option<u64> {
        self.written
    }

    /// The report: verification, release to the opener's nation, decryption.
    #[getter]
    fn report(&self, py: Python<'_>) -> Py<Report> {
        self.report.clone_ref(py)
    }

    /// The plaintext, when `open` was given no `out` and it decrypted; otherwise `None`
    /// (nothing is returned that did not authenticate).
    #[getter]
    fn plaintext(&self, py: Python<'_>) -> Option<Py<PyBytes>> {
        self.plaintext.as_ref().map(|p| p.clone_ref(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "Opened(ok={}, exit_class={}, nation={:?})",
            self.ok, self.exit_class, self.nation
        )
    }
}
