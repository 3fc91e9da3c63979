#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod context;
mod encrypt;
mod envelope;
mod js;
mod label;

use wasm_bindgen::prelude::*;

pub use context::{TrustFiles, VerifyContext, VerifyResult};
pub use encrypt::{
    EncryptOptions, OpenResult, RecordSource, TrustBundle, add_recipient, kem_names, seal_encrypted,
};
pub use envelope::{EndorseOptions, SealOptions, endorse, inspect, seal};
pub use label::{Policy, label_check, label_convert, label_render, release};

/// The features a conformance adapter over this binding claims (spec/07-conformance.md
/// §7.3): every stage, and each registry algorithm the RustCrypto provider implements.
#[wasm_bindgen]
pub fn features() -> Result<Vec<String>, JsValue> {
    pouch_api::adapter_features(Some(js::PROVIDER)).map_err(js::error)
}
