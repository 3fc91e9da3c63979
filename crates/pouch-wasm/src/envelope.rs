//! `seal`, `endorse`, `inspect`: `pouch_api`'s envelope functions for JavaScript.

use wasm_bindgen::prelude::*;

use crate::js::{Options, PROVIDER, error, host_now};

#[wasm_bindgen(typescript_custom_section)]
const OPTIONS: &str = r#"
/** How `seal` seals; every member is optional. */
export interface SealOptions {
  /** Carry the record beside the envelope, sealed by its digest (default false). */
  detached?: boolean;
  /** Digest of a detached record: "sha256" (default) or "sha384". */
  digest?: string;
  /** The record's media type. */
  contentType?: string;
  /** Where recipients may find a detached record (a hint; never fetched). */
  location?: string;
  /** "originator" (default), "endorser" or "releasing-authority". */
  role?: string;
  /** Signature algorithm name ("ES384", "ML-DSA-65"...); default: the key's own. */
  alg?: string;
  /** Signing time, RFC 3339 (e.g. "2026-11-28T10:00:00Z"); default: the host's clock. */
  signingTime?: string;
}

/** How `endorse` seals; every member is optional. */
export interface EndorseOptions {
  /** "endorser" (default), "originator" or "releasing-authority". */
  role?: string;
  /** Signature algorithm name; default: the key's own. */
  alg?: string;
  /** An alternative label under another policy (JSON, XML or CBOR), asserted by this seal. */
  alternativeLabel?: Uint8Array;
  /** Approve release to these recipients (nation or organisation codes). */
  releaseTo?: string[];
  /** Signing time, RFC 3339; default: the host's clock. */
  signingTime?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The options of `seal` (TypeScript interface `SealOptions`).
    #[wasm_bindgen(typescript_type = "SealOptions")]
    pub type SealOptions;
    /// The options of `endorse` (TypeScript interface `EndorseOptions`).
    #[wasm_bindgen(typescript_type = "EndorseOptions")]
    pub type EndorseOptions;
}

/// The option keys [`seal_options`] reads, in its order.
pub(crate) const SEAL_OPTIONS: &[&str] = &[
    "digest",
    "contentType",
    "location",
    "role",
    "alg",
    "signingTime",
];

/// The seal's options but `detached`: digest, content type, location, role, algorithm,
/// signing time (or the host's clock), read in that order.
pub(crate) fn seal_options(o: &Options, detached: bool) -> Result<pouch_api::SealOptions, JsValue> {
    Ok(pouch_api::SealOptions {
        provider: Some(PROVIDER.to_owned()),
        detached,
        digest: o.string("digest")?,
        content_type: o.string("contentType")?,
        location: o.string("location")?,
        role: o.string("role")?,
        alg: o.string("alg")?,
        signing_time: o.string("signingTime")?.or_else(host_now),
    })
}

/// Seals `payload` under `label` (JSON, XML or CBOR) with `key` (PKCS#8, PEM or DER) and
/// `chain` (PEM certificates, leaf first): a new envelope with one seal. With `detached`,
/// the envelope carries the payload's digest and the payload travels beside it.
#[wasm_bindgen]
pub fn seal(
    label: &[u8],
    payload: &[u8],
    key: &[u8],
    chain: &[u8],
    options: Option<SealOptions>,
) -> Result<Vec<u8>, JsValue> {
    let o = Options::new(options, &[&["detached"][..], SEAL_OPTIONS].concat())?;
    let options = seal_options(&o, o.boolean("detached")?)?;
    pouch_api::seal(label, payload, key, chain, &options).map_err(error)
}

/// Adds a seal to `envelope` without changing its other bytes, after verifying it (an
/// envelope that does not verify is refused with its first error code).
#[wasm_bindgen]
pub fn endorse(
    envelope: &[u8],
    key: &[u8],
    chain: &[u8],
    options: Option<EndorseOptions>,
) -> Result<Vec<u8>, JsValue> {
    let o = Options::new(
        options,
        &[
            "role",
            "alg",
            "alternativeLabel",
            "releaseTo",
            "signingTime",
        ],
    )?;
    let options = pouch_api::EndorseOptions {
        provider: Some(PROVIDER.to_owned()),
        role: o.string("role")?,
        alg: o.string("alg")?,
        alternative_label: o.bytes("alternativeLabel")?,
        release_to: o.strings("releaseTo")?,
        signing_time: o.string("signingTime")?.or_else(host_now),
    };
    pouch_api::endorse(envelope, key, chain, &options).map_err(error)
}

/// What the envelope says, without judging it, as JSON: format version, envelope id,
/// creation time, content, label and marking, and each seal's header.
#[wasm_bindgen]
pub fn inspect(envelope: &[u8]) -> Result<String, JsValue> {
    pouch_api::inspect(envelope).map_err(error)
}
