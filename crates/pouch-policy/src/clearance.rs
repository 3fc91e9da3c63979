//! The clearance file: a [`Clearance`] as JSON (spec/05-policy.md §5.7.1, POUCH-POL-070..073).
//!
//! The document is read into a small JSON tree that refuses duplicate members, then walked
//! with the JSON path of every member, so that each error says where it is. Nothing is held
//! before the size limit is checked.

use core::fmt;

use pouch_label::{BitString, Category, CategoryType, CategoryValue, Text};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorKind};
use crate::release::Clearance;

/// Limits on a clearance file (POUCH-POL-072). Every reader MUST accept at least the
/// defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClearanceLimits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Most classifications.
    pub max_classifications: usize,
    /// Most categories.
    pub max_categories: usize,
    /// Most values in one category.
    pub max_values: usize,
    /// Longest string, in bytes.
    pub max_string_bytes: usize,
}

impl Default for ClearanceLimits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024,
            max_classifications: 64,
            max_categories: 64,
            max_values: 1024,
            max_string_bytes: 1024,
        }
    }
}

/// A JSON value whose objects keep their members in order and have no duplicate member
/// (serde_json's own `Value` keeps the last of two, silently).
enum Json {
    Null,
    Bool,
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Json, E> {
        Ok(Json::Bool)
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out: Vec<(String, Json)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.iter().any(|(n, _)| *n == k) {
                return Err(de::Error::custom(format!("duplicate member {k:?}")));
            }
            let v = map.next_value()?;
            out.push((k, v));
        }
        Ok(Json::Object(out))
    }
}

type R<T> = Result<T, Error>;

fn fail<T>(kind: ErrorKind, path: &str) -> R<T> {
    Err(Error::at_json(
        kind,
        if path.is_empty() { "/" } else { path },
    ))
}

/// The members of an object, refusing any not in `allowed`.
fn object<'j>(v: &'j Json, allowed: &[&str], path: &str) -> R<&'j [(String, Json)]> {
    let Json::Object(members) = v else {
        return fail(ErrorKind::WrongType("an object"), path);
    };
    for (k, _) in members {
        if !allowed.contains(&k.as_str()) {
            return fail(ErrorKind::UnknownMember(k.clone()), &format!("{path}/{k}"));
        }
    }
    Ok(members)
}

fn member<'j>(members: &'j [(String, Json)], name: &str) -> Option<&'j Json> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn required<'j>(members: &'j [(String, Json)], name: &'static str, path: &str) -> R<&'j Json> {
    member(members, name).map_or_else(|| fail(ErrorKind::MissingMember(name), path), Ok)
}

fn array<'j>(v: &'j Json, what: &'static str, limit: usize, path: &str) -> R<&'j [Json]> {
    let Json::Array(items) = v else {
        return fail(ErrorKind::WrongType("an array"), path);
    };
    if items.is_empty() {
        return fail(ErrorKind::Empty(what), path);
    }
    if items.len() > limit {
        return fail(ErrorKind::LimitExceeded { what, limit }, path);
    }
    Ok(items)
}

fn string<'j>(v: &'j Json, what: &'static str, limits: &ClearanceLimits, path: &str) -> R<&'j str> {
    let Json::String(s) = v else {
        return fail(ErrorKind::WrongType("a string"), path);
    };
    if s.trim().is_empty() {
        return fail(ErrorKind::Empty(what), path);
    }
    if s.len() > limits.max_string_bytes {
        return fail(
            ErrorKind::LimitExceeded {
                what: "bytes in a string",
                limit: limits.max_string_bytes,
            },
            path,
        );
    }
    Ok(s)
}

fn text(v: &Json, what: &'static str, limits: &ClearanceLimits, path: &str) -> R<Text> {
    let s = string(v, what, limits, path)?;
    Text::new(s).or_else(|e| {
        fail(
            ErrorKind::Refused {
                what,
                reason: e.to_string(),
            },
            path,
        )
    })
}

fn category(v: &Json, limits: &ClearanceLimits, path: &str) -> R<Category> {
    let m = object(v, &["tagName", "type", "values"], path)?;
    let tag_name = text(
        required(m, "tagName", path)?,
        "tagName",
        limits,
        &format!("{path}/tagName"),
    )?;
    let tp = format!("{path}/type");
    let category_type = match string(required(m, "type", path)?, "type", limits, &tp)? {
        "RESTRICTIVE" => CategoryType::Restrictive,
        "PERMISSIVE" => CategoryType::Permissive,
        "INFORMATIVE" => CategoryType::Informative,
        _ => {
            return fail(
                ErrorKind::WrongType("RESTRICTIVE, PERMISSIVE or INFORMATIVE"),
                &tp,
            );
        }
    };
    let vp = format!("{path}/values");
    let items = array(
        required(m, "values", path)?,
        "category values",
        limits.max_values,
        &vp,
    )?;
    let mut values = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = format!("{vp}/{i}");
        values.push(match item {
            Json::String(_) => CategoryValue::Generic(text(item, "value", limits, &p)?),
            Json::Number(n) => match n.as_u64() {
                Some(n) => CategoryValue::Integer(n),
                None => {
                    return fail(
                        ErrorKind::WrongType("a non-negative integer below 2^64"),
                        &p,
                    );
                }
            },
            Json::Object(_) => {
                let o = object(item, &["bitString"], &p)?;
                let bp = format!("{p}/bitString");
                let bits = string(required(o, "bitString", &p)?, "bitString", limits, &bp)?;
                CategoryValue::BitString(BitString::new(bits).or_else(|e| {
                    fail(
                        ErrorKind::Refused {
                            what: "bitString",
                            reason: e.to_string(),
                        },
                        &bp,
                    )
                })?)
            }
            _ => {
                return fail(
                    ErrorKind::WrongType("a string, an integer or {\"bitString\": ...}"),
                    &p,
                );
            }
        });
    }
    Ok(Category {
        tag_name,
        category_type,
        uri: None,
        values,
    })
}

impl Clearance {
    /// Reads a clearance file (spec/05-policy.md §5.7.1) within the default
    /// [`ClearanceLimits`].
    ///
    /// # Errors
    ///
    /// A [`Error`] with the JSON path of the fault: not JSON, a duplicate or unknown
    /// member, a missing member, a wrong type, an empty array or string, a limit exceeded.
    pub fn from_json(bytes: &[u8]) -> Result<Clearance, Error> {
        Self::from_json_with_limits(bytes, &ClearanceLimits::default())
    }

    /// As [`Clearance::from_json`], within `limits`.
    ///
    /// # Errors
    ///
    /// As [`Clearance::from_json`].
    pub fn from_json_with_limits(
        bytes: &[u8],
        limits: &ClearanceLimits,
    ) -> Result<Clearance, Error> {
        if let Err(e) = pouch_status::TooLarge::check(bytes.len(), limits.max_bytes) {
            return fail(ErrorKind::TooLarge(e), "/");
        }
        let doc: Json =
            serde_json::from_slice(bytes).or_else(|e| fail(ErrorKind::Json(e.to_string()), "/"))?;
        let m = object(&doc, &["policy", "classifications", "categories"], "")?;
        let policy = string(required(m, "policy", "")?, "policy", limits, "/policy")?;
        let items = array(
            required(m, "classifications", "")?,
            "classifications",
            limits.max_classifications,
            "/classifications",
        )?;
        let mut classifications = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = format!("/classifications/{i}");
            classifications.push(
                text(item, "classification", limits, &p)?
                    .as_str()
                    .to_owned(),
            );
        }
        let mut categories = Vec::new();
        if let Some(v) = member(m, "categories") {
            let items = array(v, "categories", limits.max_categories, "/categories")?;
            for (i, item) in items.iter().enumerate() {
                categories.push(category(item, limits, &format!("/categories/{i}"))?);
            }
        }
        Ok(Clearance {
            policy: policy.to_owned(),
            classifications,
            categories,
        })
    }

    /// The clearance as a clearance file: the members of §5.7.1, `categories` left out when
    /// there are none. [`Clearance::from_json`] reads it back to an equal clearance.
    pub fn to_json(&self) -> String {
        let cats: Vec<serde_json::Value> = self
            .categories
            .iter()
            .map(|c| {
                let values: Vec<serde_json::Value> = c
                    .values
                    .iter()
                    .map(|v| match v {
                        CategoryValue::Generic(t) => t.as_str().into(),
                        CategoryValue::Integer(n) => (*n).into(),
                        CategoryValue::BitString(b) => {
                            serde_json::json!({ "bitString": b.as_str() })
                        }
                    })
                    .collect();
                serde_json::json!({
                    "tagName": c.tag_name.as_str(),
                    "type": c.category_type.as_str(),
                    "values": values,
                })
            })
            .collect();
        let mut doc = serde_json::json!({
            "policy": self.policy,
            "classifications": self.classifications,
        });
        if let (false, Some(o)) = (cats.is_empty(), doc.as_object_mut()) {
            o.insert("categories".to_owned(), cats.into());
        }
        doc.to_string()
    }
}
