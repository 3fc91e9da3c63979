//! The specification's requirement index is current, and everything that cites a
//! requirement cites one that exists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A requirement as the spec defines it: `**POUCH-AREA-NNN**` at the start of a paragraph or
/// table cell, followed by its text.
struct Requirement {
    chapter: String,
    level: &'static str,
}

fn is_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0] == "POUCH"
        && !parts[1].is_empty()
        && parts[1].chars().all(|c| c.is_ascii_uppercase())
        && parts[2].len() == 3
        && parts[2].chars().all(|c| c.is_ascii_digit())
}

fn level(text: &str) -> &'static str {
    // The strongest BCP 14 keyword in the requirement's own sentence(s).
    for (word, level) in [
        ("MUST NOT", "MUST"),
        ("MUST", "MUST"),
        ("SHALL", "MUST"),
        ("REQUIRED", "MUST"),
        ("SHOULD", "SHOULD"),
        ("RECOMMENDED", "SHOULD"),
        ("MAY", "MAY"),
        ("OPTIONAL", "MAY"),
    ] {
        if text.contains(word) {
            return level;
        }
    }
    "INFO"
}

fn requirements() -> BTreeMap<String, Requirement> {
    let mut out = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("spec"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    for file in files {
        let chapter = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        // A definition is a bold id; the requirement text runs to the paragraph's end.
        for (i, _) in text.match_indices("**POUCH-") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find("**") else { continue };
            let id = &rest[..end];
            if !is_id(id) {
                continue;
            }
            let body = &rest[end + 2..];
            let para_end = body.find("\n\n").unwrap_or(body.len());
            let line_end = body.find('\n').unwrap_or(body.len());
            // In a table row the requirement is the row; elsewhere the paragraph.
            let in_table = text[..i]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.starts_with('|'));
            let span = if in_table {
                &body[..line_end]
            } else {
                &body[..para_end]
            };
            let prev = out.insert(
                id.to_owned(),
                Requirement {
                    chapter: chapter.clone(),
                    level: level(span),
                },
            );
            assert!(prev.is_none(), "{id} is defined twice");
        }
    }
    out
}

fn index_text(reqs: &BTreeMap<String, Requirement>) -> String {
    let mut s = String::from(
        "# Requirement index\n\nGenerated from the chapters by `cargo test -p pouch-status --test spec`\n\
         (`UPDATE_SPEC=1` rewrites it); do not edit by hand. The level is the strongest BCP 14\n\
         keyword of the requirement's text; the last column links to the vectors that check it\n\
         ([coverage.md](coverage.md)).\n\n| requirement | level | chapter | vectors |\n|---|---|---|---|\n",
    );
    for (id, r) in reqs {
        let anchor = id.to_lowercase();
        s.push_str(&format!(
            "| {id} | {} | [{}]({}) | <a id=\"{anchor}\"></a>[coverage](coverage.md#{anchor}) |\n",
            r.level, r.chapter, r.chapter
        ));
    }
    s
}

#[test]
fn requirement_index_is_current() {
    let reqs = requirements();
    assert!(reqs.len() > 20, "found only {} requirements", reqs.len());
    let generated = index_text(&reqs);
    let path = root().join("spec/requirements.md");
    if std::env::var_os("UPDATE_SPEC").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "spec/requirements.md is stale: run UPDATE_SPEC=1 cargo test -p pouch-status --test spec"
    );
}

fn cited_ids(path: &Path, out: &mut Vec<(String, String)>) {
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            cited_ids(&e.unwrap().path(), out);
        }
        return;
    }
    let ok = path
        .extension()
        .is_some_and(|e| e == "toml" || e == "rs" || e == "json");
    if !ok {
        return;
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for (i, _) in text.match_indices("POUCH-") {
        let id: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if is_id(&id) {
            out.push((id, path.display().to_string()));
        }
    }
}

#[test]
fn every_cited_requirement_exists() {
    let reqs = requirements();
    let mut cited = Vec::new();
    for dir in ["spec/registries", "test-vectors", "crates"] {
        cited_ids(&root().join(dir), &mut cited);
    }
    assert!(!cited.is_empty());
    let missing: Vec<_> = cited
        .iter()
        .filter(|(id, _)| !reqs.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "cited but not defined in spec/: {missing:?}"
    );
}
