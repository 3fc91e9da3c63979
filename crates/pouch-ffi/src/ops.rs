//! Sealing, endorsing, inspecting; labels, policies and release decisions.

use std::ffi::c_char;

use pouch_api::{ApiError, EndorseOptions, SealOptions};

use crate::verify::{PouchPolicy, handle};
use crate::{
    bytes, free_handle, guard, null, opt_bytes, opt_str, pouch_status, put_bytes, put_handle,
    put_string,
};

/// How `pouch_seal` seals. Every pointer may be null, meaning the default.
#[repr(C)]
pub struct PouchSealOptions {
    /// `"aws-lc"` or `"rustcrypto"`; null is the default provider.
    pub provider: *const c_char,
    /// Carry the record beside the envelope, sealed by its digest.
    pub detached: bool,
    /// `"sha256"` (default) or `"sha384"`, for a detached record.
    pub digest: *const c_char,
    /// The record's media type.
    pub content_type: *const c_char,
    /// Where a detached record may be found (a hint; never fetched).
    pub location: *const c_char,
    /// `"originator"` (default), `"endorser"` or `"releasing-authority"`.
    pub role: *const c_char,
    /// Signature algorithm name; null is the key's own.
    pub alg: *const c_char,
    /// Signing time, RFC 3339; null is now.
    pub signing_time: *const c_char,
}

/// How `pouch_endorse` seals. Every pointer may be null, meaning the default.
#[repr(C)]
pub struct PouchEndorseOptions {
    /// `"aws-lc"` or `"rustcrypto"`; null is the default provider.
    pub provider: *const c_char,
    /// `"endorser"` (default), `"originator"` or `"releasing-authority"`.
    pub role: *const c_char,
    /// Signature algorithm name; null is the key's own.
    pub alg: *const c_char,
    /// An alternative label (JSON, XML or CBOR) of `alternative_label_len` bytes.
    pub alternative_label: *const u8,
    /// Its length.
    pub alternative_label_len: usize,
    /// Approve release to these recipients, comma-separated (`"FIN,SWE"`).
    pub release_to: *const c_char,
    /// Signing time, RFC 3339; null is now.
    pub signing_time: *const c_char,
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

/// # Safety
/// `o` is null or points to options whose non-null strings are NUL-terminated.
pub(crate) unsafe fn seal_options(o: *const PouchSealOptions) -> Result<SealOptions, ApiError> {
    // SAFETY: per the contract.
    let Some(o) = (unsafe { o.as_ref() }) else {
        return Ok(SealOptions::default());
    };
    // SAFETY: per the contract, each non-null string is NUL-terminated.
    unsafe {
        Ok(SealOptions {
            provider: owned(opt_str(o.provider, "provider")?),
            detached: o.detached,
            digest: owned(opt_str(o.digest, "digest")?),
            content_type: owned(opt_str(o.content_type, "content_type")?),
            location: owned(opt_str(o.location, "location")?),
            role: owned(opt_str(o.role, "role")?),
            alg: owned(opt_str(o.alg, "alg")?),
            signing_time: owned(opt_str(o.signing_time, "signing_time")?),
        })
    }
}

/// # Safety
/// `o` is null or points to options whose non-null pointers are valid.
unsafe fn endorse_options(o: *const PouchEndorseOptions) -> Result<EndorseOptions, ApiError> {
    // SAFETY: per the contract.
    let Some(o) = (unsafe { o.as_ref() }) else {
        return Ok(EndorseOptions::default());
    };
    // SAFETY: per the contract, each non-null pointer is valid.
    unsafe {
        Ok(EndorseOptions {
            provider: owned(opt_str(o.provider, "provider")?),
            role: owned(opt_str(o.role, "role")?),
            alg: owned(opt_str(o.alg, "alg")?),
            alternative_label: opt_bytes(
                o.alternative_label,
                o.alternative_label_len,
                "alternative_label",
            )?
            .map(<[u8]>::to_vec),
            release_to: opt_str(o.release_to, "release_to")?
                .map(|r| r.split(',').map(|s| s.trim().to_owned()).collect()),
            signing_time: owned(opt_str(o.signing_time, "signing_time")?),
        })
    }
}

/// Seals `payload` under `label` (JSON, XML or CBOR) with `key` (PKCS#8, PEM or DER) and
/// `chain` (PEM, leaf first): a new envelope in `*out`/`*out_len`, freed by
/// `pouch_bytes_free`. `options` may be null.
///
/// # Safety
/// Each input pointer has its length in bytes; `options` is null or valid; `out` and
/// `out_len` are writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pouch_seal(
    label: *const u8,
    label_len: usize,
    payload: *const u8,
    payload_len: usize,
    key: *const u8,
    key_len: usize,
    chain: *const u8,
    chain_len: usize,
    options: *const PouchSealOptions,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let env = unsafe {
            pouch_api::seal(
                bytes(label, label_len, "label")?,
                bytes(payload, payload_len, "payload")?,
                bytes(key, key_len, "key")?,
                bytes(chain, chain_len, "chain")?,
                &seal_options(options)?,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_bytes(out, out_len, env) }
    })
}

/// Adds a seal to `envelope` after verifying it (an envelope that does not verify is
/// refused with its first error code): the new envelope in `*out`/`*out_len`.
///
/// # Safety
/// As `pouch_seal`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pouch_endorse(
    envelope: *const u8,
    envelope_len: usize,
    key: *const u8,
    key_len: usize,
    chain: *const u8,
    chain_len: usize,
    options: *const PouchEndorseOptions,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let env = unsafe {
            pouch_api::endorse(
                bytes(envelope, envelope_len, "envelope")?,
                bytes(key, key_len, "key")?,
                bytes(chain, chain_len, "chain")?,
                &endorse_options(options)?,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_bytes(out, out_len, env) }
    })
}

/// What an envelope says, without judging it, as JSON in `*out` (freed by
/// `pouch_string_free`).
///
/// # Safety
/// `envelope` has `envelope_len` bytes; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_inspect(
    envelope: *const u8,
    envelope_len: usize,
    out: *mut *mut c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let json = pouch_api::inspect(unsafe { bytes(envelope, envelope_len, "envelope") }?)?;
        // SAFETY: per this function's contract.
        unsafe { put_string(out, json) }
    })
}

/// Converts a label: `from` is `"json"`, `"xml"`, `"cbor"` or null (told by the first
/// byte), `to` one of the three; the result in `*out`/`*out_len`.
///
/// # Safety
/// `label` has `label_len` bytes; `from` is null or a string; `to` a string; `out` and
/// `out_len` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_label_convert(
    label: *const u8,
    label_len: usize,
    from: *const c_char,
    to: *const c_char,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let converted = unsafe {
            pouch_api::label_convert(
                bytes(label, label_len, "label")?,
                opt_str(from, "from")?,
                opt_str(to, "to")?.ok_or_else(|| null("to"))?,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_bytes(out, out_len, converted) }
    })
}

/// Checks a label: JSON `{"codes": [...]}` in `*out`; with `policy` (nullable) its
/// statuses under that policy too.
///
/// # Safety
/// `label` has `label_len` bytes; `policy` is null or live; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_label_check(
    label: *const u8,
    label_len: usize,
    policy: *const PouchPolicy,
    out: *mut *mut c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let p = unsafe { policy.as_ref() }.map(|p| &p.0);
        // SAFETY: per this function's contract.
        let json = pouch_api::label_check(unsafe { bytes(label, label_len, "label") }?, p)?;
        // SAFETY: per this function's contract.
        unsafe { put_string(out, json) }
    })
}

/// The label's marking in `*out`: plain, or with `policy` the SPIF's display marking in
/// `lang` (nullable; default `en`).
///
/// # Safety
/// `label` has `label_len` bytes; `policy` is null or live; `lang` is null or a string;
/// `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_label_render(
    label: *const u8,
    label_len: usize,
    policy: *const PouchPolicy,
    lang: *const c_char,
    out: *mut *mut c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let marking = unsafe {
            pouch_api::label_render(
                bytes(label, label_len, "label")?,
                policy.as_ref().map(|p| &p.0),
                opt_str(lang, "lang")?,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_string(out, marking) }
    })
}

/// Loads a security policy (Open XML SPIF 2.1); freed by `pouch_policy_free`.
///
/// # Safety
/// `spif` has `spif_len` bytes; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_policy_load(
    spif: *const u8,
    spif_len: usize,
    out: *mut *mut PouchPolicy,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let p = pouch_api::policy_load(unsafe { bytes(spif, spif_len, "spif") }?)?;
        // SAFETY: `out` is null or writable by the contract.
        unsafe { put_handle(out, PouchPolicy(p)) }
    })
}

/// Frees a policy. Null is ignored. Contexts it was added to keep their own reference.
///
/// # Safety
/// `policy` is null or a policy of this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_policy_free(policy: *mut PouchPolicy) {
    // SAFETY: per this function's contract.
    unsafe { free_handle(policy) }
}

/// Decides whether `recipient` (with a clearance, JSON, nullable) may receive data under
/// `label` by `policy`: JSON `{policy, recipient, decision, permitted, codes}` in `*out`.
///
/// # Safety
/// `label` has `label_len` bytes; `policy` is live; `recipient` is a string; `clearance`
/// is null or has `clearance_len` bytes; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_release(
    label: *const u8,
    label_len: usize,
    policy: *const PouchPolicy,
    recipient: *const c_char,
    clearance: *const u8,
    clearance_len: usize,
    out: *mut *mut c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let json = unsafe {
            pouch_api::release(
                bytes(label, label_len, "label")?,
                &handle(policy, "policy")?.0,
                opt_str(recipient, "recipient")?.ok_or_else(|| null("recipient"))?,
                opt_bytes(clearance, clearance_len, "clearance")?,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_string(out, json) }
    })
}

/// The conformance features (spec/07-conformance.md §7.3) this library implements with
/// `provider` (nullable), as a JSON array in `*out`.
///
/// # Safety
/// `provider` is null or a string; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_adapter_features(
    provider: *const c_char,
    out: *mut *mut c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let f = pouch_api::adapter_features(unsafe { opt_str(provider, "provider") }?)?;
        let json = format!(
            "[{}]",
            f.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        // SAFETY: per this function's contract.
        unsafe { put_string(out, json) }
    })
}
