#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod encrypt;
mod errors;
mod verify;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use errors::to_py;
use verify::{Policy, Report, SealReport, VerifyContext};

/// Parses `text` with Python's `json.loads`: the API's JSON outputs become `dict`s.
pub(crate) fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// An API call's bytes as Python `bytes`, or its error raised as its exception.
pub(crate) fn py_bytes(
    py: Python<'_>,
    result: Result<Vec<u8>, pouch_api::ApiError>,
) -> PyResult<Bound<'_, PyBytes>> {
    result
        .map(|b| PyBytes::new(py, &b))
        .map_err(|e| to_py(py, e))
}

/// Seals `payload` under `label` (JSON, XML or CBOR bytes) with `key` (PKCS#8, PEM or DER)
/// and `chain` (PEM certificates, leaf first): a new envelope with one seal, as bytes.
/// With `detached=True` the envelope carries the payload's digest (`digest`: `"sha256"` or
/// `"sha384"`) and the payload travels beside it.
#[pyfunction]
#[pyo3(signature = (label, payload, key, chain, *, provider=None, detached=false, digest=None,
    content_type=None, location=None, role=None, alg=None, signing_time=None))]
#[allow(clippy::too_many_arguments)]
fn seal<'py>(
    py: Python<'py>,
    label: &[u8],
    payload: &[u8],
    key: &[u8],
    chain: &[u8],
    provider: Option<String>,
    detached: bool,
    digest: Option<String>,
    content_type: Option<String>,
    location: Option<String>,
    role: Option<String>,
    alg: Option<String>,
    signing_time: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = pouch_api::SealOptions {
        provider,
        detached,
        digest,
        content_type,
        location,
        role,
        alg,
        signing_time,
    };
    py_bytes(py, pouch_api::seal(label, payload, key, chain, &options))
}

/// Adds a seal to `envelope` (bytes) with `key` and `chain`, after verifying it; returns
/// the new envelope. An envelope that does not verify is refused with its first error code.
/// `alternative_label` (JSON, XML or CBOR) asserts an equivalent label under another
/// policy; `release_to` approves release to those recipients.
#[pyfunction]
#[pyo3(signature = (envelope, key, chain, *, provider=None, role=None, alg=None,
    alternative_label=None, release_to=None, signing_time=None))]
#[allow(clippy::too_many_arguments)]
fn endorse<'py>(
    py: Python<'py>,
    envelope: &[u8],
    key: &[u8],
    chain: &[u8],
    provider: Option<String>,
    role: Option<String>,
    alg: Option<String>,
    alternative_label: Option<&[u8]>,
    release_to: Option<Vec<String>>,
    signing_time: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = pouch_api::EndorseOptions {
        provider,
        role,
        alg,
        alternative_label: alternative_label.map(<[u8]>::to_vec),
        release_to,
        signing_time,
    };
    py_bytes(py, pouch_api::endorse(envelope, key, chain, &options))
}

/// What the envelope says, without judging it, as a `dict`: format version, envelope id,
/// creation time, content, label, marking and each seal's header.
#[pyfunction]
fn inspect<'py>(py: Python<'py>, envelope: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let text = pouch_api::inspect(envelope).map_err(|e| to_py(py, e))?;
    json_loads(py, &text)
}

/// Converts a label to `to` (`"json"`, `"xml"` or `"cbor"`); `from_` names the input's
/// form, or `None` to tell it by its first byte.
#[pyfunction]
#[pyo3(signature = (label, to, from_=None))]
fn label_convert<'py>(
    py: Python<'py>,
    label: &[u8],
    to: &str,
    from_: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    py_bytes(py, pouch_api::label_convert(label, from_, to))
}

/// Checks a label strictly: `{"codes": [{"code", "path", "detail"}...]}` with
/// `label.well-formed`, the advisory rules it breaks and, with `policy`, its statuses under
/// that policy.
#[pyfunction]
#[pyo3(signature = (label, policy=None))]
fn label_check<'py>(
    py: Python<'py>,
    label: &[u8],
    policy: Option<&Policy>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = pouch_api::label_check(label, policy.map(|p| &p.0)).map_err(|e| to_py(py, e))?;
    json_loads(py, &text)
}

/// The label's marking: its plain marking, or with `policy` the SPIF's display marking in
/// `lang` (default `"en"`).
#[pyfunction]
#[pyo3(signature = (label, policy=None, lang=None))]
fn label_render(
    py: Python<'_>,
    label: &[u8],
    policy: Option<&Policy>,
    lang: Option<&str>,
) -> PyResult<String> {
    pouch_api::label_render(label, policy.map(|p| &p.0), lang).map_err(|e| to_py(py, e))
}

/// Loads a security policy (SPIF XML bytes): the same as `Policy.load`.
#[pyfunction]
fn policy_load(py: Python<'_>, spif: &[u8]) -> PyResult<Policy> {
    Policy::load(py, spif)
}

/// Decides whether `recipient` (with an optional clearance, JSON bytes) may receive data
/// under `label` by `policy`: `{"policy", "recipient", "decision", "permitted", "codes"}`.
#[pyfunction]
#[pyo3(signature = (label, policy, recipient, clearance=None))]
fn release<'py>(
    py: Python<'py>,
    label: &[u8],
    policy: &Policy,
    recipient: &str,
    clearance: Option<&[u8]>,
) -> PyResult<Bound<'py, PyAny>> {
    let text =
        pouch_api::release(label, &policy.0, recipient, clearance).map_err(|e| to_py(py, e))?;
    json_loads(py, &text)
}

/// The features a conformance adapter over this binding claims with `provider`.
#[pyfunction]
#[pyo3(signature = (provider=None))]
fn adapter_features(py: Python<'_>, provider: Option<&str>) -> PyResult<Vec<String>> {
    pouch_api::adapter_features(provider).map_err(|e| to_py(py, e))
}

/// The recipient algorithms (KEMs) this build encrypts to and decrypts with, by registry
/// name, whichever provider signs.
#[pyfunction]
fn kem_names() -> Vec<&'static str> {
    pouch_api::kem_names()
}

/// The provider names this build accepts.
#[pyfunction]
fn provider_names() -> Vec<&'static str> {
    pouch_api::provider_names().to_vec()
}

/// The provider used when none is named.
#[pyfunction]
fn default_provider_name() -> &'static str {
    pouch_api::default_provider_name()
}

/// The Python module `pouch`.
#[pymodule]
#[pyo3(name = "pouch")]
fn pouch_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<VerifyContext>()?;
    m.add_class::<Report>()?;
    m.add_class::<SealReport>()?;
    m.add_class::<Policy>()?;
    m.add_class::<encrypt::TrustBundle>()?;
    m.add_class::<encrypt::Opened>()?;
    m.add_function(wrap_pyfunction!(encrypt::seal_encrypted, m)?)?;
    m.add_function(wrap_pyfunction!(encrypt::add_recipient, m)?)?;
    m.add_function(wrap_pyfunction!(kem_names, m)?)?;
    m.add_function(wrap_pyfunction!(seal, m)?)?;
    m.add_function(wrap_pyfunction!(endorse, m)?)?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(label_convert, m)?)?;
    m.add_function(wrap_pyfunction!(label_check, m)?)?;
    m.add_function(wrap_pyfunction!(label_render, m)?)?;
    m.add_function(wrap_pyfunction!(policy_load, m)?)?;
    m.add_function(wrap_pyfunction!(release, m)?)?;
    m.add_function(wrap_pyfunction!(adapter_features, m)?)?;
    m.add_function(wrap_pyfunction!(provider_names, m)?)?;
    m.add_function(wrap_pyfunction!(default_provider_name, m)?)?;
    Ok(())
}
