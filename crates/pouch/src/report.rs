//! The verification report: status codes per stage and per seal (spec/03-envelope.md §3.7).

use std::borrow::Cow;

use pouch_status::{Severity, StatusCode};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde::ser::Serializer;

fn code_id<S: Serializer>(c: &StatusCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.id())
}

/// A code in the schema: one of the registry's identifiers.
fn code_schema(_: &mut SchemaGenerator) -> Schema {
    let ids: Vec<&str> = pouch_status::ALL.iter().map(|c| c.id()).collect();
    json_schema!({
        "type": "string",
        "description": "An identifier of spec/registries/status-codes.toml.",
        "enum": ids,
    })
}

/// A role in the schema: the spellings of spec/03-envelope.md's roles.
fn role_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "enum": ["originator", "endorser", "releasing-authority"],
    })
}

/// The JSON Schema (draft 2020-12) of the report's JSON form, `spec/report.schema.json`:
/// generated from these types, and checked against the normative CDDL `spec/report.cddl`.
pub fn report_schema() -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Report>()
        .to_value();
    // Absent is the only spelling of "none": the report never writes `null`, so the schema
    // allows it nowhere (schemars gives every `Option` a null alternative).
    drop_null(&mut schema);
    schema
}

fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    map.insert("type".to_owned(), only);
                }
            }
            let mut merged = None;
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if let [only] = any.as_slice() {
                    merged = Some(only.clone());
                }
            }
            if let Some(Value::Object(only)) = merged {
                map.remove("anyOf");
                for (k, val) in only {
                    map.entry(k).or_insert(val);
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// One status code with what exactly it refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[non_exhaustive]
pub struct Entry {
    /// The registry code.
    #[serde(serialize_with = "code_id")]
    #[schemars(schema_with = "code_schema")]
    pub code: StatusCode,
    /// One line for people, when the code alone does not say enough.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Entry {
    /// An entry without detail.
    pub fn new(code: StatusCode) -> Self {
        Self { code, detail: None }
    }

    /// An entry with detail.
    pub fn with(code: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: Some(detail.into()),
        }
    }
}

/// What verification found about one seal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[non_exhaustive]
pub struct SealReport {
    /// Position in the envelope's seal array, from 0.
    pub index: usize,
    /// The algorithm's registry name, or the raw COSE value when unregistered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The sealing party's role.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "role_schema", default)]
    pub role: Option<&'static str>,
    /// The signer's certificate subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// The signer's nation as this stage knows it (the leaf's subject country).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The signing time the seal states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_time: Option<String>,
    /// The bundle party whose anchor ends the seal's chain (trust stage only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nation: Option<String>,
    /// The seal's codes: header, algorithm, key, signature.
    pub codes: Vec<Entry>,
    /// The trust stage's codes for this seal: chain, time, revocation, nation, authorisation.
    /// Empty when no trust bundle was given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(default)]
    pub trust: Vec<Entry>,
}

/// Whether a stage's entries hold any error.
fn has_error(entries: &[Entry]) -> bool {
    entries.iter().any(|e| e.code.severity() == Severity::Error)
}

/// Whether a stage reached its positive conclusion `code` with no error beside it.
fn concludes(entries: &[Entry], code: StatusCode) -> bool {
    entries.iter().any(|e| e.code == code) && !has_error(entries)
}

impl SealReport {
    /// Whether this seal's signature verified.
    pub fn signature_valid(&self) -> bool {
        self.codes
            .iter()
            .any(|e| e.code == pouch_status::SEAL_SIGNATURE_VALID)
    }

    /// Whether the trust stage found this seal's signer trusted (and nothing wrong).
    pub fn signer_trusted(&self) -> bool {
        concludes(&self.trust, pouch_status::TRUST_SIGNER_TRUSTED)
    }
}

/// The outcome of verifying one envelope. The stages stay apart: a valid signature by a
/// signer nobody trusts is reported as exactly that once the trust stage exists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(
    deny_unknown_fields,
    title = "Pouch verification report",
    description = "The JSON form of a verification report (Pouch spec/07-conformance.md §7.5; normative CDDL: spec/report.cddl)."
)]
#[non_exhaustive]
pub struct Report {
    /// Decoding: structure, determinism, limits, header.
    pub envelope: Vec<Entry>,
    /// The originator label's advisory rules (warnings only at this stage).
    pub label: Vec<Entry>,
    /// The detached record against its digest.
    pub payload: Vec<Entry>,
    /// Each seal, in order.
    pub seals: Vec<SealReport>,
    /// The verifier's seal policy.
    pub seal_policy: Vec<Entry>,
    /// Each label of the envelope under its security policy, when the verifier was given
    /// policies (spec/05-policy.md §5.9): the originator label first, then each seal's
    /// alternative label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(default)]
    pub policy: Vec<LabelReport>,
    /// The release decision, when the verifier was given a recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<ReleaseReport>,
    /// The decrypt stage (spec/10-encryption.md §10.8), present only in the report of an
    /// opening ([`crate::open`]): empty when decryption was not attempted because
    /// verification or release failed, otherwise exactly one code,
    /// `decrypt.plaintext-authentic` or the error that stopped decryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypt: Option<Vec<Entry>>,
    /// The nations an encrypted envelope's content key was wrapped to although release to
    /// them was denied (its encryption header's field 4, POUCH-ENC-012; sealed, so the seals
    /// vouch for it): present when the envelope decodes and lists any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(default)]
    pub forced_release: Vec<String>,
    /// Whether the trust stage ran (the verifier had a trust bundle). When it did not, a
    /// valid report says only that the envelope is intact, not who sealed it.
    #[serde(skip)]
    pub trust_checked: bool,
}

/// Which label of an envelope: the originator label, or the alternative label that seal N
/// asserts. In the report's JSON (spec/07-conformance.md §7.5) it is `originator` or `seal N`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelRef {
    /// The originator label, in the envelope header.
    Originator,
    /// The alternative label of the seal at this index (from 0).
    Seal(usize),
}

impl core::fmt::Display for LabelRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LabelRef::Originator => f.write_str("originator"),
            LabelRef::Seal(i) => write!(f, "seal {i}"),
        }
    }
}

impl Serialize for LabelRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for LabelRef {
    fn schema_name() -> Cow<'static, str> {
        "LabelRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "`originator`, or `seal N` for the alternative label seal N (from 0) asserts.",
            "pattern": "^(originator|seal (0|[1-9][0-9]*))$",
        })
    }
}

/// One label of the envelope checked under a security policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[non_exhaustive]
pub struct LabelReport {
    /// Which label.
    pub label: LabelRef,
    /// The policy it was checked under, when the verifier holds the one it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The policy stage's codes.
    pub codes: Vec<Entry>,
}

impl LabelReport {
    /// Whether the label was checked under its policy and broke no rule.
    pub fn valid(&self) -> bool {
        self.policy.is_some() && !has_error(&self.codes)
    }
}

/// The release decision for one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReleaseReport {
    /// The recipient's nation or organisation code.
    pub recipient: String,
    /// The label the decision was made under, if any applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<LabelRef>,
    /// The release stage's codes, ending with `release.permitted` or `release.denied`; or the
    /// single `release.not-decided` when no decision was made (spec/05-policy.md
    /// POUCH-POL-085).
    #[schemars(length(min = 1))]
    pub codes: Vec<Entry>,
}

impl ReleaseReport {
    /// Whether the recipient may receive the record.
    pub fn permitted(&self) -> bool {
        concludes(&self.codes, pouch_status::RELEASE_PERMITTED)
    }
}

impl Report {
    /// Every entry of the envelope stages (decoding, label rules, payload, seals, trust,
    /// seal policy), stage by stage and seal by seal.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.envelope
            .iter()
            .chain(&self.label)
            .chain(&self.payload)
            .chain(
                self.seals
                    .iter()
                    .flat_map(|s| s.codes.iter().chain(&s.trust)),
            )
            .chain(&self.seal_policy)
    }

    /// Every entry, the policy, release and decrypt stages included.
    pub fn all_entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries()
            .chain(self.policy.iter().flat_map(|l| &l.codes))
            .chain(self.release.iter().flat_map(|r| &r.codes))
            .chain(self.decrypt.iter().flatten())
    }

    /// Whether the plaintext was decrypted and authenticated (`decrypt.plaintext-authentic`);
    /// `None` when this is no opening's report or decryption was not attempted.
    pub fn decrypted(&self) -> Option<bool> {
        match self.decrypt.as_deref() {
            None | Some([]) => None,
            Some(entries) => Some(concludes(
                entries,
                pouch_status::DECRYPT_PLAINTEXT_AUTHENTIC,
            )),
        }
    }

    /// Whether the originator label was checked under its policy and is valid there;
    /// `None` when no policy the verifier holds is the label's.
    pub fn label_valid(&self) -> Option<bool> {
        self.policy
            .first()
            .filter(|l| l.label == LabelRef::Originator && l.policy.is_some())
            .map(LabelReport::valid)
    }

    /// Whether the recipient may receive the record; `None` when no recipient was given.
    /// Independent of [`Report::is_valid`]: a caller releases only when both hold.
    pub fn releasable(&self) -> Option<bool> {
        self.release.as_ref().map(ReleaseReport::permitted)
    }

    /// Whether any entry, in any stage, carries `code`.
    pub fn has(&self, code: StatusCode) -> bool {
        self.all_entries().any(|e| e.code == code)
    }

    /// No entry of severity `error` in any envelope stage that ran: well-formed, every
    /// signature valid, payload intact, seal policy satisfied, and, when a trust bundle was
    /// given, every signer trusted and authorised. The label under its policy and the release
    /// decision are kept apart: see [`Report::label_valid`] and [`Report::releasable`].
    pub fn is_valid(&self) -> bool {
        !self.entries().any(|e| e.code.severity() == Severity::Error)
    }

    /// Whether the signatures alone are valid, whatever trust says: well-formed, every
    /// signature valid, payload intact. Kept apart from trust on purpose.
    pub fn signatures_valid(&self) -> bool {
        let err = |e: &Entry| e.code.severity() == Severity::Error;
        !self.envelope.iter().any(err)
            && !self.payload.iter().any(err)
            && !self.seals.is_empty()
            && self.seals.iter().all(|s| !s.codes.iter().any(err))
    }

    /// Whether a trust stage ran and found every seal's signer trusted.
    pub fn signers_trusted(&self) -> bool {
        !self.seals.is_empty() && self.seals.iter().all(SealReport::signer_trusted)
    }

    /// The report as JSON, with codes as their registry identifiers.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
