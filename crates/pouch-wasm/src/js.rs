//! The JavaScript edge: errors thrown as `Error`s with a `code`, option objects read
//! property by property, and the host's clock.

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use pouch_api::{ApiError, class};
use wasm_bindgen::{JsCast, JsValue};

/// `e` as a JS `Error` named `PouchError`, its message `code: message` and its `code`
/// property the registry status code or error class.
pub(crate) fn error(e: ApiError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("PouchError");
    // Setting a property of a fresh, ordinary Error object cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &e.code.into());
    // The exit class the error has (`release.*` 6, `trust.*` 13...); absent for `internal`.
    if let Some(c) = e.exit_class() {
        let _ = Reflect::set(&err, &"exitClass".into(), &c.into());
    }
    err.into()
}

/// An `argument` error: a value the binding was given is not one it accepts.
pub(crate) fn argument(message: impl Into<String>) -> JsValue {
    error(ApiError::new(class::ARGUMENT, message))
}

/// What a thrown JS value says, for an error message.
pub(crate) fn message(thrown: &JsValue) -> String {
    thrown
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| thrown.as_string())
        .unwrap_or_else(|| "a value that is not an Error".to_owned())
}

/// The one provider of this binding: wasm32 builds no aws-lc.
pub(crate) const PROVIDER: &str = "rustcrypto";

/// An options object (or none, `undefined` or `null`: no options), whose keys must all be
/// among `known`, so that a misspelt option is an error and not silently the default.
pub(crate) struct Options {
    object: Option<JsValue>,
}

impl Options {
    pub(crate) fn new(value: Option<impl Into<JsValue>>, known: &[&str]) -> Result<Self, JsValue> {
        let value = value.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() || value.is_null() {
            return Ok(Self { object: None });
        }
        let Some(object) = value.dyn_ref::<Object>() else {
            return Err(argument("options must be an object"));
        };
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(argument(format!(
                    "unknown option {key:?}: expected one of {}",
                    known.join(", ")
                )));
            }
        }
        Ok(Self {
            object: Some(value),
        })
    }

    /// The value of `key`, whatever it is; `undefined` and `null` are absent.
    pub(crate) fn value(&self, key: &str) -> Result<Option<JsValue>, JsValue> {
        self.get(key)
    }

    /// The value of `key`; `undefined` and `null` are absent.
    fn get(&self, key: &str) -> Result<Option<JsValue>, JsValue> {
        let Some(object) = &self.object else {
            return Ok(None);
        };
        let v = Reflect::get(object, &key.into())
            .map_err(|e| argument(format!("option {key}: {}", message(&e))))?;
        Ok(if v.is_undefined() || v.is_null() {
            None
        } else {
            Some(v)
        })
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        self.get(key)?
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| argument(format!("option {key} must be a string")))
            })
            .transpose()
    }

    pub(crate) fn boolean(&self, key: &str) -> Result<bool, JsValue> {
        match self.get(key)? {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| argument(format!("option {key} must be a boolean"))),
        }
    }

    pub(crate) fn bytes(&self, key: &str) -> Result<Option<Vec<u8>>, JsValue> {
        self.get(key)?
            .map(|v| {
                v.dyn_into::<Uint8Array>()
                    .map(|a| a.to_vec())
                    .map_err(|_| argument(format!("option {key} must be a Uint8Array")))
            })
            .transpose()
    }

    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<String>>, JsValue> {
        let bad = || argument(format!("option {key} must be an array of strings"));
        self.get(key)?
            .map(|v| {
                let array = v.dyn_into::<Array>().map_err(|_| bad())?;
                array
                    .iter()
                    .map(|s| s.as_string().ok_or_else(bad))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
    }
}

/// The bytes a trust bundle's file resolver (a JS function) gives for `name`.
pub(crate) fn call_resolver(f: &Function, name: &str) -> Result<Vec<u8>, String> {
    let v = f
        .call1(&JsValue::NULL, &name.into())
        .map_err(|e| message(&e))?;
    v.dyn_into::<Uint8Array>()
        .map(|a| a.to_vec())
        .map_err(|_| "the files function did not return a Uint8Array".to_owned())
}

/// Every `[name, bytes]` entry of a `{name: Uint8Array}` object.
pub(crate) fn file_map(
    object: &Object,
) -> Result<std::collections::HashMap<String, Vec<u8>>, JsValue> {
    Object::entries(object)
        .iter()
        .map(|entry| {
            let pair = Array::from(&entry);
            let name = pair.get(0).as_string().unwrap_or_default();
            let bytes = pair
                .get(1)
                .dyn_into::<Uint8Array>()
                .map_err(|_| argument(format!("trust file {name:?} must be a Uint8Array")))?;
            Ok((name, bytes.to_vec()))
        })
        .collect()
}

/// The host's clock, RFC 3339 to the second (`2026-11-28T11:00:00Z`), for the times the
/// caller leaves out. wasm32-unknown-unknown has no clock of its own (the native build uses
/// the system clock there), so the binding reads JavaScript's `Date`; elsewhere, `None`
/// leaves the choice to the native API.
pub(crate) fn host_now() -> Option<String> {
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        // `toISOString` is `YYYY-MM-DDTHH:mm:ss.sssZ`; Pouch times are canonical, so the
        // milliseconds go (a signing or verification time to the second).
        let iso = String::from(js_sys::Date::new_0().to_iso_string());
        iso.get(..19).map(|s| format!("{s}Z"))
    }
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        None
    }
}
