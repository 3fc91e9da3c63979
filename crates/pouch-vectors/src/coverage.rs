//! Requirement coverage: which vectors cite each requirement, from every manifest
//! (`test-vectors/envelopes/manifest.toml`, `test-vectors/labels/*-manifest.toml`, the ESS,
//! malformed-input and CBOR-sequence manifests), rendered as `spec/coverage.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::manifest::{ExitClass, Manifest, load_toml};
use crate::{ENVELOPES_DIR, Error, MANIFEST_FILE};

/// The generated table, relative to the project root.
pub const COVERAGE_FILE: &str = "spec/coverage.md";
/// MUST requirements and status codes that no vector can show, each with its reason.
pub const EXEMPTIONS_FILE: &str = "spec/coverage-exemptions.toml";
/// The status-code registry, relative to the project root.
pub const REGISTRY_FILE: &str = "spec/registries/status-codes.toml";

/// One vector as coverage sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorRef {
    /// Its id.
    pub id: String,
    /// Whether it is a positive vector (expected valid).
    pub positive: bool,
    /// The requirements it cites.
    pub requirements: Vec<String>,
}

/// One requirement of `spec/requirements.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// `POUCH-ENV-001`.
    pub id: String,
    /// MUST, SHOULD, MAY or INFO.
    pub level: String,
    /// Its chapter file.
    pub chapter: String,
}

/// An exempted requirement.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// The requirement id.
    pub id: String,
    /// Why no vector can check it.
    pub reason: String,
}

/// A status code of the registry that no vector's expected report holds.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeExemption {
    /// The code's registry identifier.
    pub code: String,
    /// Why no vector can expect it, and what checks it instead.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionFile {
    #[serde(default)]
    exempt: Vec<Exemption>,
    #[serde(default, rename = "exempt-code")]
    exempt_code: Vec<CodeExemption>,
}

#[derive(Deserialize)]
struct Registry {
    code: Vec<RegistryCode>,
}

#[derive(Deserialize)]
struct RegistryCode {
    id: String,
}

/// Everything the coverage table is made from.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// Every requirement, in id order.
    pub requirements: Vec<Requirement>,
    /// Every vector.
    pub vectors: Vec<VectorRef>,
    /// The exemptions.
    pub exemptions: Vec<Exemption>,
    /// Every status code of the registry, in registry order.
    pub codes: Vec<String>,
    /// Code → the ids of the vectors whose expected outcome holds it.
    pub expected_codes: BTreeMap<String, Vec<String>>,
    /// The status codes exempted from having a vector.
    pub code_exemptions: Vec<CodeExemption>,
}

/// Every string in `value` (a vector's `expect` table), recursively.
fn strings_in(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|v| strings_in(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// The codes each vector of a manifest expects: every registry identifier found in the
/// `expect` table of each entry of `list` (`vector` or `case`).
fn expected_in(
    path: &Path,
    list: &str,
    codes: &[String],
    into: &mut BTreeMap<String, Vec<String>>,
) -> Result<(), Error> {
    let doc: toml::Value = load_toml(path)?;
    let entries = doc.get(list).and_then(toml::Value::as_array);
    for entry in entries.into_iter().flatten() {
        let id = entry.get("id").and_then(toml::Value::as_str).unwrap_or("?");
        let mut found = Vec::new();
        if let Some(expect) = entry.get("expect") {
            strings_in(expect, &mut found);
        }
        found.sort();
        found.dedup();
        for code in found.into_iter().filter(|c| codes.contains(c)) {
            into.entry(code).or_default().push(id.to_owned());
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct LabelManifest {
    vector: Vec<LabelVector>,
}

#[derive(Deserialize)]
struct LabelVector {
    id: String,
    expect: String,
    requirements: Vec<String>,
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Reads the requirement index, the manifests and the exemptions under `root`.
pub fn compute(root: &Path) -> Result<Coverage, Error> {
    let mut requirements = Vec::new();
    for line in read(&root.join("spec/requirements.md"))?.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if let [_, id, level, chapter, ..] = cells.as_slice()
            && id.starts_with("POUCH-")
        {
            let chapter = chapter
                .split(['[', ']'])
                .nth(1)
                .unwrap_or(chapter)
                .to_owned();
            requirements.push(Requirement {
                id: (*id).to_owned(),
                level: (*level).to_owned(),
                chapter,
            });
        }
    }
    let mut vectors: Vec<VectorRef> =
        Manifest::load(&root.join(ENVELOPES_DIR).join(MANIFEST_FILE))?
            .vector
            .into_iter()
            .map(|v| VectorRef {
                positive: v.expect.exit == ExitClass::Valid,
                id: v.id,
                requirements: v.requirements,
            })
            .collect();
    let labels = root.join("test-vectors/labels");
    let mut files: Vec<_> = std::fs::read_dir(&labels)
        .map_err(|e| Error::io(&labels, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with("-manifest.toml"))
        .collect();
    files.sort();
    let mut label_vectors = Vec::new();
    for f in files {
        let m: LabelManifest = load_toml(&f)?;
        label_vectors.extend(m.vector.iter().map(|v| (v.id.clone(), v.expect.clone())));
        vectors.extend(m.vector.into_iter().map(|v| VectorRef {
            positive: v.expect == "valid",
            id: v.id,
            requirements: v.requirements,
        }));
    }
    // The manifest of each generated folder other than the envelopes'.
    let manifest_in = |dir: &str| root.join(dir).join(MANIFEST_FILE);
    let ess = crate::ess::EssManifest::load(&manifest_in(crate::ess::ESS_DIR))?;
    vectors.extend(ess.vector.into_iter().map(|v| VectorRef {
        positive: v.expect.result == "ok",
        id: v.id,
        requirements: v.requirements,
    }));
    // The malformed-input corpus (§7.8): one entry per case, however many inputs it stands for.
    let corpus =
        crate::malformed::MalformedManifest::load(&manifest_in(crate::malformed::MALFORMED_DIR))?;
    vectors.extend(corpus.case.into_iter().map(|c| VectorRef {
        positive: c.expect.exit == [ExitClass::Valid],
        id: c.id,
        requirements: c.requirements,
    }));
    // The CBOR-sequence vectors (§3.10): positive when every item it reports is valid.
    let sequences =
        crate::sequences::SequenceManifest::load(&manifest_in(crate::sequences::SEQUENCES_DIR))?;
    let mut sequence_codes = Vec::new();
    for v in &sequences.vector {
        let mut found: Vec<String> = v.item.iter().flat_map(|i| i.envelope.clone()).collect();
        found.sort();
        found.dedup();
        sequence_codes.push((v.id.clone(), found));
    }
    vectors.extend(sequences.vector.into_iter().map(|v| VectorRef {
        positive: v.item.iter().all(|i| i.exit == ExitClass::Valid),
        id: v.id,
        requirements: v.requirements,
    }));
    let file: ExemptionFile = load_toml(&root.join(EXEMPTIONS_FILE))?;
    let codes: Vec<String> = load_toml::<Registry>(&root.join(REGISTRY_FILE))?
        .code
        .into_iter()
        .map(|c| c.id)
        .collect();
    // The reports vectors expect: the envelope manifest and the malformed-input corpus
    // (ESS vectors expect a decoding result, not a report; label vectors below).
    let mut expected_codes = BTreeMap::new();
    expected_in(
        &root.join(ENVELOPES_DIR).join(MANIFEST_FILE),
        "vector",
        &codes,
        &mut expected_codes,
    )?;
    expected_in(
        &root
            .join(crate::malformed::MALFORMED_DIR)
            .join(MANIFEST_FILE),
        "case",
        &codes,
        &mut expected_codes,
    )?;
    for (id, found) in sequence_codes {
        for code in found.into_iter().filter(|c| codes.contains(c)) {
            expected_codes.entry(code).or_default().push(id.clone());
        }
    }
    // A label vector's verdict is the label stage's one code: a label that decodes is
    // `label.well-formed`, one that does not `label.malformed` (spec/02-label.md).
    for (id, expect) in label_vectors {
        let code = match expect.as_str() {
            "valid" => "label.well-formed",
            _ => "label.malformed",
        };
        if codes.iter().any(|c| c == code) {
            expected_codes
                .entry(code.to_owned())
                .or_insert_with(Vec::new)
                .push(id);
        }
    }
    Ok(Coverage {
        requirements,
        vectors,
        exemptions: file.exempt,
        codes,
        expected_codes,
        code_exemptions: file.exempt_code,
    })
}

impl Coverage {
    /// Requirement id → the ids of the vectors citing it.
    pub fn by_requirement(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut m: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in &self.requirements {
            m.insert(r.id.as_str(), Vec::new());
        }
        for v in &self.vectors {
            for r in &v.requirements {
                if let Some(list) = m.get_mut(r.as_str()) {
                    list.push(v.id.as_str());
                }
            }
        }
        m
    }

    /// MUST requirements with no vector and no exemption.
    pub fn uncovered_must(&self) -> Vec<String> {
        let by = self.by_requirement();
        self.requirements
            .iter()
            .filter(|r| r.level == "MUST")
            .filter(|r| by.get(r.id.as_str()).is_none_or(Vec::is_empty))
            .filter(|r| !self.exemptions.iter().any(|e| e.id == r.id))
            .map(|r| r.id.clone())
            .collect()
    }

    /// Exemptions that are not needed (the requirement has a vector, is not a MUST, or
    /// does not exist): each makes the list longer than it must be.
    pub fn needless_exemptions(&self) -> Vec<String> {
        let by = self.by_requirement();
        self.exemptions
            .iter()
            .filter(|e| {
                let r = self.requirements.iter().find(|r| r.id == e.id);
                r.is_none_or(|r| r.level != "MUST")
                    || by.get(e.id.as_str()).is_some_and(|v| !v.is_empty())
            })
            .map(|e| e.id.clone())
            .collect()
    }

    /// Registry codes that no vector expects and no exemption explains.
    pub fn codes_without_vector(&self) -> Vec<String> {
        self.codes
            .iter()
            .filter(|c| self.expected_codes.get(*c).is_none_or(Vec::is_empty))
            .filter(|c| !self.code_exemptions.iter().any(|e| &e.code == *c))
            .cloned()
            .collect()
    }

    /// Code exemptions that are not needed: the code has a vector, or is not in the
    /// registry, or is exempted twice.
    pub fn needless_code_exemptions(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.code_exemptions
            .iter()
            .filter(|e| {
                !seen.insert(e.code.as_str())
                    || !self.codes.contains(&e.code)
                    || self
                        .expected_codes
                        .get(&e.code)
                        .is_some_and(|v| !v.is_empty())
            })
            .map(|e| e.code.clone())
            .collect()
    }

    /// Vectors citing an id that is not a requirement.
    pub fn unknown_citations(&self) -> Vec<String> {
        let mut out = Vec::new();
        for v in &self.vectors {
            for r in &v.requirements {
                if !self.requirements.iter().any(|q| &q.id == r) {
                    out.push(format!("{}: {r}", v.id));
                }
            }
        }
        out
    }

    /// The figures, one line.
    pub fn summary(&self) -> String {
        let by = self.by_requirement();
        let covered = by.values().filter(|v| !v.is_empty()).count();
        let must: Vec<_> = self
            .requirements
            .iter()
            .filter(|r| r.level == "MUST")
            .collect();
        let must_covered = must
            .iter()
            .filter(|r| by.get(r.id.as_str()).is_some_and(|v| !v.is_empty()))
            .count();
        let positive = self.vectors.iter().filter(|v| v.positive).count();
        let codes_covered = self
            .codes
            .iter()
            .filter(|c| self.expected_codes.get(*c).is_some_and(|v| !v.is_empty()))
            .count();
        format!(
            "requirements: {} ({} MUST); covered by a vector: {} ({} MUST); MUST exempted: {}; MUST uncovered: {}; vectors: {} ({} positive, {} negative); status codes: {} ({} expected by a vector, {} exempted, {} uncovered)",
            self.requirements.len(),
            must.len(),
            covered,
            must_covered,
            self.exemptions.len(),
            self.uncovered_must().len(),
            self.vectors.len(),
            positive,
            self.vectors.len() - positive,
            self.codes.len(),
            codes_covered,
            self.code_exemptions.len(),
            self.codes_without_vector().len()
        )
    }

    /// `spec/coverage.md`.
    pub fn render(&self) -> String {
        let by = self.by_requirement();
        let mut s = String::from(
            "# Requirement coverage\n\nGenerated from `requirements.md`, the vector manifests under `test-vectors/` and\n`coverage-exemptions.toml` by `cargo test -p pouch-vectors --test coverage` (`UPDATE_SPEC=1`\nrewrites it); do not edit by hand. The test fails when a MUST has neither a vector nor an\nexemption with its reason.\n\n",
        );
        s += &format!("{}.\n\n", self.summary());
        s += "| requirement | level | vectors | ids |\n|---|---|---|---|\n";
        for r in &self.requirements {
            let v = by.get(r.id.as_str()).cloned().unwrap_or_default();
            let ids = if v.is_empty() {
                match self.exemptions.iter().find(|e| e.id == r.id) {
                    Some(e) => format!("exempt: {}", e.reason),
                    None => "—".to_owned(),
                }
            } else {
                v.join(", ")
            };
            let anchor = r.id.to_lowercase();
            s += &format!(
                "| <a id=\"{anchor}\"></a>[{}]({}) ([index](requirements.md#{anchor})) | {} | {} | {} |\n",
                r.id,
                r.chapter,
                r.level,
                v.len(),
                ids.replace('|', "\\|")
            );
        }
        s += "\n## Status codes\n\nEvery code of `registries/status-codes.toml` and the vectors whose expected report holds it\n(the envelope manifest and the malformed-input corpus); the test fails when a code has neither\na vector nor an exemption with its reason.\n\n| code | vectors | ids |\n|---|---|---|\n";
        for code in &self.codes {
            let v = self.expected_codes.get(code).cloned().unwrap_or_default();
            let ids = if v.is_empty() {
                match self.code_exemptions.iter().find(|e| &e.code == code) {
                    Some(e) => format!("exempt: {}", e.reason),
                    None => "—".to_owned(),
                }
            } else {
                v.join(", ")
            };
            s += &format!("| `{code}` | {} | {} |\n", v.len(), ids.replace('|', "\\|"));
        }
        s
    }
}
