//! Requirement coverage: which vectors cite each requirement, from every manifest
//! (`test-vectors/envelopes/manifest.toml`, `test-vectors/labels/*-manifest.toml`, the ESS and
//! malformed-input manifests), rendered as `spec/coverage.md`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::manifest::{ExitClass, Manifest};
use crate::{ENVELOPES_DIR, Error, MANIFEST_FILE};

/// The generated table, relative to the project root.
pub const COVERAGE_FILE: &str = "spec/coverage.md";
/// MUST requirements that no vector can check, each with its reason.
pub const EXEMPTIONS_FILE: &str = "spec/coverage-exemptions.toml";

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionFile {
    #[serde(default)]
    exempt: Vec<Exemption>,
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
    for f in files {
        let m: LabelManifest = toml::from_str(&read(&f)?).map_err(|e| Error::Manifest {
            file: f.display().to_string(),
            reason: e.to_string(),
        })?;
        vectors.extend(m.vector.into_iter().map(|v| VectorRef {
            positive: v.expect == "valid",
            id: v.id,
            requirements: v.requirements,
        }));
    }
    let ess = crate::ess::EssManifest::load(&root.join(crate::ess::ESS_DIR).join("manifest.toml"))?;
    vectors.extend(ess.vector.into_iter().map(|v| VectorRef {
        positive: v.expect.result == "ok",
        id: v.id,
        requirements: v.requirements,
    }));
    // The malformed-input corpus (§7.8): one entry per case, however many inputs it stands for.
    let corpus = crate::malformed::MalformedManifest::load(
        &root
            .join(crate::malformed::MALFORMED_DIR)
            .join(MANIFEST_FILE),
    )?;
    vectors.extend(corpus.case.into_iter().map(|c| VectorRef {
        positive: c.expect.exit == [ExitClass::Valid],
        id: c.id,
        requirements: c.requirements,
    }));
    let path = root.join(EXEMPTIONS_FILE);
    let exemptions = toml::from_str::<ExemptionFile>(&read(&path)?)
        .map_err(|e| Error::Manifest {
            file: path.display().to_string(),
            reason: e.to_string(),
        })?
        .exempt;
    Ok(Coverage {
        requirements,
        vectors,
        exemptions,
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
        format!(
            "requirements: {} ({} MUST); covered by a vector: {} ({} MUST); MUST exempted: {}; MUST uncovered: {}; vectors: {} ({} positive, {} negative)",
            self.requirements.len(),
            must.len(),
            covered,
            must_covered,
            self.exemptions.len(),
            self.uncovered_must().len(),
            self.vectors.len(),
            positive,
            self.vectors.len() - positive
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
        s
    }
}
