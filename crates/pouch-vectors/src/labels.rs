//! Label limit vectors (spec/02-label.md §2.9, POUCH-LBL-050) and XML bombs (POUCH-LBL-043),
//! in the XML form: each limit met exactly (valid) and passed by one (refused with
//! `LimitExceeded` or `TooLarge` at the path of the counted member), generated so the
//! 512-value and 64 KiB documents need not be written by hand. The over-the-limit twins of
//! the category and succession limits are the hand-written `lbl-xml-invalid-too-many-categories`
//! and `lbl-xml-invalid-succession-too-deep` of `xml-manifest.toml`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The folder of the generated label files, relative to the project root.
pub const LABEL_LIMITS_DIR: &str = "test-vectors/labels/limits";
/// Their manifest (read by the coverage count as any `*-manifest.toml` of the labels).
pub const LABEL_LIMITS_MANIFEST: &str = "test-vectors/labels/limits-manifest.toml";

const MAX_BYTES: usize = 64 * 1024;
const MAX_CATEGORIES: usize = 64;
const MAX_VALUES: usize = 512;
const MAX_STRING: usize = 1024;
const MAX_SUCCESSION: usize = 4;

/// One label vector, in the shape of `xml-manifest.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelVector {
    /// Stable identifier.
    pub id: String,
    /// The XML file, relative to `test-vectors/labels/`.
    pub file: String,
    /// `valid` or `invalid`.
    pub expect: String,
    /// For `invalid`: the `ErrorKind` name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `invalid`: the error path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What it is.
    pub description: String,
    /// The requirements it tests.
    pub requirements: Vec<String>,
}

/// The manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelManifest {
    /// The vectors.
    pub vector: Vec<LabelVector>,
}

const NS: &str = "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0";
const CREATED: &str = "<CreationDateTime>2025-01-15T09:30:00Z</CreationDateTime>";

/// A label document whose ConfidentialityInformation ends with `extra` and whose label body
/// ends with `tail`; `pad` bytes of comment after the root make the size exact.
fn doc(extra: &str, tail: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<originatorConfidentialityLabel xmlns=\"{NS}\">\n  <ConfidentialityInformation>\n    <PolicyIdentifier>NATO</PolicyIdentifier>\n    <Classification>SECRET</Classification>\n{extra}  </ConfidentialityInformation>\n  {CREATED}\n{tail}</originatorConfidentialityLabel>\n"
    )
}

fn categories(n: usize) -> String {
    (0..n)
        .map(|i| format!("    <Category TagName=\"C{i}\" Type=\"INFORMATIVE\"><GenericValue>V</GenericValue></Category>\n"))
        .collect()
}

fn values(n: usize) -> String {
    let v: String = (0..n)
        .map(|i| format!("<GenericValue>V{i}</GenericValue>"))
        .collect();
    format!("    <Category TagName=\"Releasable To\" Type=\"PERMISSIVE\">{v}</Category>\n")
}

fn succession(levels: usize) -> String {
    let mut open = String::new();
    let mut close = String::new();
    for i in 0..levels {
        open += &format!(
            "<SuccessionHandling><SuccessionDateTime>{}-01-01T00:00:00Z</SuccessionDateTime><SuccessorConfidentialityLabel><ConfidentialityInformation><PolicyIdentifier>NATO</PolicyIdentifier><Classification>SECRET</Classification></ConfidentialityInformation>{CREATED}",
            2030 + i
        );
        close += "</SuccessorConfidentialityLabel></SuccessionHandling>";
    }
    format!("  {open}{close}\n")
}

/// A document of exactly `size` bytes: a valid label with a comment before its root.
fn sized(size: usize) -> Result<String, Error> {
    let base = doc("", "");
    let (decl, rest) = base
        .split_once('\n')
        .ok_or(Error::Generate("no XML declaration".into()))?;
    let room = size
        .checked_sub(base.len() + "<!---->\n".len())
        .ok_or(Error::Generate("label too large to pad".into()))?;
    Ok(format!("{decl}\n<!--{}-->\n{rest}", "x".repeat(room)))
}

/// A vector to write: name, document, expected error (kind, path), description, requirements.
type Row<'a> = (
    &'a str,
    String,
    Option<(&'a str, String)>,
    &'a str,
    &'a [&'a str],
);

/// Writes the files and the manifest under `root`.
pub(crate) fn generate(root: &Path) -> Result<LabelManifest, Error> {
    let dir = root.join(LABEL_LIMITS_DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let lim = &["POUCH-LBL-050", "POUCH-LBL-025"];
    let bomb = &["POUCH-LBL-043"];
    let ci = "/confidentialityInformation";
    let deep_succession =
        "/successionHandling/successor".repeat(MAX_SUCCESSION) + "/successionHandling";
    let rows: Vec<Row<'_>> = vec![
        (
            "categories-at",
            doc(&categories(MAX_CATEGORIES), ""),
            None,
            "64 categories: exactly the default limit.",
            lim,
        ),
        (
            "values-at",
            doc(&values(MAX_VALUES), ""),
            None,
            "One category with 512 values: exactly the default limit.",
            lim,
        ),
        (
            "values-over",
            doc(&values(MAX_VALUES + 1), ""),
            Some(("LimitExceeded", format!("{ci}/categories/0/values"))),
            "One category with 513 values: one over the limit of 512.",
            lim,
        ),
        (
            "string-at",
            doc(
                &format!(
                    "    <PrivacyMark>{}</PrivacyMark>\n",
                    "m".repeat(MAX_STRING)
                ),
                "",
            ),
            None,
            "A PrivacyMark of 1,024 bytes: exactly the string limit.",
            lim,
        ),
        (
            "string-over",
            doc(
                &format!(
                    "    <PrivacyMark>{}</PrivacyMark>\n",
                    "m".repeat(MAX_STRING + 1)
                ),
                "",
            ),
            Some(("LimitExceeded", format!("{ci}/privacyMark"))),
            "A PrivacyMark of 1,025 bytes: one over the string limit.",
            lim,
        ),
        (
            "string-multibyte-over",
            doc(
                &format!(
                    "    <PrivacyMark>{}</PrivacyMark>\n",
                    "é".repeat(MAX_STRING / 2 + 1)
                ),
                "",
            ),
            Some(("LimitExceeded", format!("{ci}/privacyMark"))),
            "A PrivacyMark of 513 two-byte characters (1,026 bytes of UTF-8, 513 characters): the limit counts bytes, not characters.",
            lim,
        ),
        (
            "succession-at",
            doc("", &succession(MAX_SUCCESSION)),
            None,
            "Four nested SuccessionHandling levels: exactly the limit.",
            lim,
        ),
        (
            "succession-bomb",
            doc("", &succession(100)),
            Some(("LimitExceeded", deep_succession.clone())),
            "100 nested SuccessionHandling levels (within the size limit): refused at the fifth, without reading (or recursing into) the rest.",
            &["POUCH-LBL-050", "POUCH-LBL-043"],
        ),
        (
            "bytes-at",
            sized(MAX_BYTES)?,
            None,
            "A valid label with a comment before its root, 65,536 bytes in all: exactly the size limit.",
            lim,
        ),
        (
            "bytes-over",
            sized(MAX_BYTES + 1)?,
            Some(("TooLarge", "/".to_owned())),
            "The same document one byte longer: refused by its size before it is parsed.",
            lim,
        ),
        (
            "xxe-external-dtd",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE originatorConfidentialityLabel SYSTEM \"file:///etc/passwd\">\n{}",
                doc("", "")
                    .split_once('\n')
                    .map(|(_, b)| b)
                    .unwrap_or_default()
            ),
            Some(("Xml", "/".to_owned())),
            "A DOCTYPE naming an external DTD (XXE): no DTD is read, any DOCTYPE is refused, nothing is fetched.",
            bomb,
        ),
        (
            "xxe-external-entity",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n{}",
                doc("    <PrivacyMark>&x;</PrivacyMark>\n", "")
                    .split_once('\n')
                    .map(|(_, b)| b)
                    .unwrap_or_default()
            ),
            Some(("Xml", "/".to_owned())),
            "An external entity used in the PrivacyMark: refused with the DOCTYPE.",
            bomb,
        ),
        (
            "quadratic-blowup",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"{}\">]>\n{}",
                "a".repeat(10_000),
                doc(
                    &format!("    <PrivacyMark>{}</PrivacyMark>\n", "&a;".repeat(1000)),
                    ""
                )
                .split_once('\n')
                .map(|(_, b)| b)
                .unwrap_or_default()
            ),
            Some(("Xml", "/".to_owned())),
            "One 10,000-byte entity referenced 1,000 times (quadratic blowup, 10 MB expanded): refused with the DOCTYPE, never expanded.",
            bomb,
        ),
        (
            "deep-nesting",
            doc(
                &format!(
                    "    {}{}\n",
                    "<Category TagName=\"x\" Type=\"INFORMATIVE\">".repeat(1000),
                    "</Category>".repeat(1000)
                ),
                "",
            ),
            Some(("UnexpectedElement", format!("{ci}/categories/0"))),
            "1,000 Category elements nested in one another (within the size limit): a category holds values only, so the second is refused where it opens, without descending further.",
            bomb,
        ),
    ];
    let mut vector = Vec::new();
    for (name, text, err, description, reqs) in rows {
        let file = format!("limits/{name}.xml");
        let p = dir.join(format!("{name}.xml"));
        std::fs::write(&p, text.as_bytes()).map_err(|e| Error::io(&p, e))?;
        vector.push(LabelVector {
            id: format!("lbl-xml-limit-{name}"),
            file,
            expect: if err.is_some() { "invalid" } else { "valid" }.to_owned(),
            error: err.as_ref().map(|(k, _)| (*k).to_owned()),
            path: err.map(|(_, p)| p),
            description: description.to_owned(),
            requirements: reqs.iter().map(|r| (*r).to_owned()).collect(),
        });
    }
    let manifest = LabelManifest { vector };
    let text =
        toml::to_string(&manifest).map_err(|e| Error::Generate(format!("label manifest: {e}")))?;
    let p = root.join(LABEL_LIMITS_MANIFEST);
    std::fs::write(
        &p,
        format!("# XML label limit vectors and XML bombs (spec/02-label.md §2.9). GENERATED by\n# `pouch-vectors generate`; run by crates/pouch-vectors/tests/labels.rs with the default Limits.\n# `error` is ErrorKind::name() and `path` the error path, for invalid vectors.\n\n{text}"),
    )
    .map_err(|e| Error::io(&p, e))?;
    Ok(manifest)
}
