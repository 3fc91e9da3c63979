//! Labels and policies from bytes: convert, check, render, load a SPIF, decide release.

use std::sync::Arc;

use pouch_label::{Form, Label, LabelElement, Limits, UnknownForm};
use pouch_policy::{Clearance, Recipient, Status};
use serde_json::{Value, json};

use crate::{ApiError, Policy};

fn form(name: &str) -> Result<Form, ApiError> {
    name.parse()
        .map_err(|e: UnknownForm| ApiError::argument(e.to_string()))
}

pub(crate) fn decode(
    bytes: &[u8],
    from: Option<&str>,
) -> Result<(Option<LabelElement>, Label), ApiError> {
    let form = from.map(form).transpose()?;
    Ok(Label::decode(bytes, form, &Limits::default())?)
}

/// Converts a label between its three forms: `from` is `json`, `xml`, `cbor` or `None`
/// (told by the first byte), `to` one of the three. XML output keeps the element (role) of
/// XML input, and is an originator label otherwise.
pub fn label_convert(bytes: &[u8], from: Option<&str>, to: &str) -> Result<Vec<u8>, ApiError> {
    let to = form(to)?;
    let (role, label) = decode(bytes, from)?;
    Ok(label.encode(to, role.unwrap_or_default()))
}

fn status_json(s: &Status) -> Value {
    json!({"code": s.code.id(), "path": s.path, "detail": s.detail})
}

/// Decodes a label strictly and reports, as JSON `{"codes": [...]}`, `label.well-formed`,
/// every advisory rule it breaks, and with a `policy` its statuses under that policy (the
/// codes of `pouch label check --json`). Each code is `{code, path, detail}`. A label that
/// does not decode is an error with code `label.malformed`.
pub fn label_check(bytes: &[u8], policy: Option<&Policy>) -> Result<String, ApiError> {
    let (_, label) = decode(bytes, None)?;
    let mut codes = vec![json!({"code": pouch_status::LABEL_WELL_FORMED.id(), "path": "/"})];
    codes.extend(
        pouch_label::check(&label)
            .iter()
            .map(|f| json!({"code": f.code.id(), "path": f.path, "detail": f.detail})),
    );
    if let Some(p) = policy {
        codes.extend(p.inner().validate(&label).iter().map(status_json));
    }
    Ok(json!({ "codes": codes }).to_string())
}

/// The label's marking: its plain marking (`SECRET Releasable To FIN, SWE`), or with a
/// `policy` the SPIF's display marking in `lang` (default `en`).
pub fn label_render(
    bytes: &[u8],
    policy: Option<&Policy>,
    lang: Option<&str>,
) -> Result<String, ApiError> {
    let (_, label) = decode(bytes, None)?;
    match policy {
        Some(p) => Ok(p.inner().marking(&label, lang)?),
        None if lang.is_some() => Err(ApiError::argument("a language needs a policy")),
        None => Ok(label.marking()),
    }
}

/// Loads a security policy (Open XML SPIF 2.1) within the default limits.
pub fn policy_load(bytes: &[u8]) -> Result<Policy, ApiError> {
    let p = pouch_policy::Policy::load(bytes, &pouch_policy::Limits::default())?;
    Ok(Policy(Arc::new(p)))
}

/// Decides whether `recipient` (with an optional clearance, JSON) may receive data under
/// `label` (JSON, XML or CBOR) by `policy`, as JSON: `{policy, recipient, decision
/// ("permit" or "deny"), permitted, codes}`, the reasons ending with `release.permitted`
/// or `release.denied`.
pub fn release(
    label: &[u8],
    policy: &Policy,
    recipient: &str,
    clearance_json: Option<&[u8]>,
) -> Result<String, ApiError> {
    if recipient.trim().is_empty() {
        return Err(ApiError::argument("the recipient code is empty"));
    }
    let mut r = Recipient::new(recipient);
    if let Some(c) = clearance_json {
        r = r.with_clearance(Clearance::from_json(c)?);
    }
    let (_, label) = decode(label, None)?;
    let d = policy.inner().release(&label, &r);
    Ok(json!({
        "policy": policy.name(),
        "recipient": recipient,
        "decision": if d.permitted { "permit" } else { "deny" },
        "permitted": d.permitted,
        "codes": d.statuses.iter().map(status_json).collect::<Vec<_>>(),
    })
    .to_string())
}
