//! Labels and policies: `pouch_api`'s label functions and `Policy` for JavaScript.

use wasm_bindgen::prelude::*;

use crate::js::error;

/// A security policy (Open XML SPIF 2.1), loaded once and shared by the functions and
/// contexts given it.
#[wasm_bindgen]
pub struct Policy(pouch_api::Policy);

impl Policy {
    pub(crate) fn inner(&self) -> &pouch_api::Policy {
        &self.0
    }
}

#[wasm_bindgen]
impl Policy {
    /// Loads a SPIF document (its bytes) within the default limits.
    #[wasm_bindgen(constructor)]
    pub fn new(spif: &[u8]) -> Result<Policy, JsValue> {
        pouch_api::policy_load(spif).map(Policy).map_err(error)
    }

    /// The policy's name, e.g. `NATO`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// The policy's identifier (an OID).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.0.id().to_owned()
    }

    /// The warnings loading it gave (the document loaded nonetheless).
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> Vec<String> {
        self.0.warnings()
    }

    /// As `labelCheck`, with the label's statuses under this policy.
    #[wasm_bindgen(js_name = checkLabel)]
    pub fn check_label(&self, label: &[u8]) -> Result<String, JsValue> {
        pouch_api::label_check(label, Some(&self.0)).map_err(error)
    }

    /// The label's display marking under this policy, in `lang` (default `en`).
    #[wasm_bindgen(js_name = renderLabel)]
    pub fn render_label(&self, label: &[u8], lang: Option<String>) -> Result<String, JsValue> {
        pouch_api::label_render(label, Some(&self.0), lang.as_deref()).map_err(error)
    }

    /// As the function `release`, by this policy.
    pub fn release(
        &self,
        label: &[u8],
        recipient: &str,
        clearance: Option<Vec<u8>>,
    ) -> Result<String, JsValue> {
        release(label, self, recipient, clearance)
    }
}

/// Converts a label between its forms: `from` is `"json"`, `"xml"`, `"cbor"` or
/// `undefined` (told by the first byte), `to` one of the three.
#[wasm_bindgen(js_name = labelConvert)]
pub fn label_convert(label: &[u8], from: Option<String>, to: &str) -> Result<Vec<u8>, JsValue> {
    pouch_api::label_convert(label, from.as_deref(), to).map_err(error)
}

/// Checks a label (JSON, XML or CBOR) strictly, as JSON `{"codes": [{code, path,
/// detail}...]}`: `label.well-formed` and every advisory rule it breaks. Under a policy:
/// `Policy.checkLabel`.
#[wasm_bindgen(js_name = labelCheck)]
pub fn label_check(label: &[u8]) -> Result<String, JsValue> {
    pouch_api::label_check(label, None).map_err(error)
}

/// The label's plain marking (`SECRET Releasable To FIN, SWE`). The SPIF's display
/// marking: `Policy.renderLabel`.
#[wasm_bindgen(js_name = labelRender)]
pub fn label_render(label: &[u8]) -> Result<String, JsValue> {
    pouch_api::label_render(label, None, None).map_err(error)
}

/// Decides whether `recipient` (with an optional clearance, JSON bytes) may receive data
/// under `label` by `policy`, as JSON `{policy, recipient, decision, permitted, codes}`.
#[wasm_bindgen]
pub fn release(
    label: &[u8],
    policy: &Policy,
    recipient: &str,
    clearance: Option<Vec<u8>>,
) -> Result<String, JsValue> {
    pouch_api::release(label, policy.inner(), recipient, clearance.as_deref()).map_err(error)
}
