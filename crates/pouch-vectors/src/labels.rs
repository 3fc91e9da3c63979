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

/// The folder of the generated CBOR-form label vectors, relative to the project root.
pub const LABEL_CBOR_DIR: &str = "test-vectors/labels/cbor";
/// Their manifest, in the shape of `xml-manifest.toml`.
pub const LABEL_CBOR_MANIFEST: &str = "test-vectors/labels/cbor-manifest.toml";

const TIME: &str = "2026-11-28T09:15:00Z";

/// `{1: info, 3: 0(TIME)}` followed by `extra` more top-level entries (keys above 3, written
/// by `top`); the info map holds `n` entries written by `info`.
fn cbor_label(
    n: u64,
    info: impl Fn(&mut pouch_cbor::Encoder),
    extra: u64,
    top: impl Fn(&mut pouch_cbor::Encoder),
) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    e.map(2 + extra).u64(1).map(n);
    info(&mut e);
    e.u64(3).tag(0).text(TIME);
    top(&mut e);
    e.into_bytes()
}

/// A label whose info holds policy NATO, classification SECRET and one category `{1: "T",
/// 2: type}` whose values array is written by `values` (`count` values).
fn with_values(
    category_type: u64,
    count: u64,
    values: impl Fn(&mut pouch_cbor::Encoder),
) -> Vec<u8> {
    cbor_label(
        3,
        |e| {
            e.u64(1).text("NATO").u64(3).text("SECRET").u64(6).array(1);
            e.map(3).u64(1).text("T").u64(2).u64(category_type).u64(4);
            e.array(count);
            values(e);
        },
        0,
        |_| {},
    )
}

/// Opens a label map of `entries` entries and writes its first, `1: {1: "NATO", 3: class}`.
fn head(e: &mut pouch_cbor::Encoder, entries: u64, class: &str) {
    e.map(entries).u64(1).map(2);
    e.u64(1).text("NATO").u64(3).text(class);
}

/// `{1: {1: policy, 3: class}, 3: 0(time)}`.
fn plain(policy: &str, class: &str, time: &str) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    e.map(2).u64(1).map(2);
    e.u64(1).text(policy).u64(3).text(class);
    e.u64(3).tag(0).text(time);
    e.into_bytes()
}

/// `{1: {1: "NATO", 3: "SECRET"}, 3: time}` with `time` written by `write`.
fn with_time(write: impl Fn(&mut pouch_cbor::Encoder)) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    head(&mut e, 2, "SECRET");
    e.u64(3);
    write(&mut e);
    e.into_bytes()
}

/// `{1: {1: "NATO", 3: "SECRET"} with its second key and value written by `key3`, 3: 0(TIME)}`.
fn with_info_tail(write: impl Fn(&mut pouch_cbor::Encoder)) -> Vec<u8> {
    let mut e = pouch_cbor::Encoder::new();
    e.map(2).u64(1).map(2).u64(1).text("NATO");
    write(&mut e);
    e.u64(3).tag(0).text(TIME);
    e.into_bytes()
}

/// Writes the CBOR-form label vectors (spec/02-label.md §2.4) and their manifest. Each is
/// written from the CDDL and the rule it shows with the low-level encoder, never by the
/// label encoder under test; the faulty ones are one fault away from a valid label.
pub(crate) fn generate_cbor(root: &Path) -> Result<LabelManifest, Error> {
    let dir = root.join(LABEL_CBOR_DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let ci = "/confidentialityInformation";
    let cat0 = format!("{ci}/categories/0");
    let val0 = format!("{cat0}/values/0");
    let full = {
        let mut e = pouch_cbor::Encoder::new();
        e.map(6).u64(1).map(6);
        e.u64(1).text("NATO").u64(2).text("urn:oid:1.3.26.1.3.1");
        e.u64(3).text("SECRET").u64(4).text("urn:example:class");
        e.u64(5).text("  Mark <with> &markup;\tand\nwhitespace ");
        e.u64(6).array(3);
        e.map(4).u64(1).text("Releasable To").u64(2).u64(2);
        e.u64(3)
            .text("urn:example:rel")
            .u64(4)
            .array(2)
            .text("FIN")
            .text("");
        e.map(3)
            .u64(1)
            .text("Sensitive")
            .u64(2)
            .u64(1)
            .u64(4)
            .array(2);
        e.u64(u64::MAX).u64(0);
        e.map(3).u64(1).text("Flags").u64(2).u64(3).u64(4).array(2);
        e.bytes(&[0x03, 0b1010_1000]).bytes(&[0x00, 0xff]);
        e.u64(2)
            .map(2)
            .u64(1)
            .u64(8)
            .u64(2)
            .text("registry@example.no");
        e.u64(3).tag(0).text("2026-11-28T09:15:00.1234567Z");
        e.u64(4)
            .map(2)
            .u64(1)
            .tag(0)
            .text("2030-01-01T00:00:00Z")
            .u64(2);
        // successor: a base label (no id, no review) with a succession of its own
        head(&mut e, 3, "CONFIDENTIAL");
        e.u64(3).tag(0).text(TIME).u64(4).map(2).u64(1);
        e.tag(0).text("2035-01-01T00:00:00Z").u64(2);
        head(&mut e, 2, "UNCLASSIFIED");
        e.u64(3).tag(0).text(TIME);
        e.u64(5).tag(0).text("2036-11-28T00:00:00Z");
        e.u64(6).text("label-1");
        e.into_bytes()
    };
    // key 3 written in two bytes (0x18 0x03): a longer form than needed
    let nonshortest = with_info_tail(|e| {
        e.raw(&[0x18, 0x03]).text("SECRET");
    });
    let duplicate = with_info_tail(|e| {
        e.u64(1).text("NATO");
    });
    // "SECRET" as an indefinite-length text string of two chunks
    let indefinite = with_info_tail(|e| {
        e.u64(3).raw(&[0x7f]).text("SEC").text("RET").raw(&[0xff]);
    });
    let mut unsorted = pouch_cbor::Encoder::new();
    unsorted.map(2).u64(1).map(2);
    unsorted.u64(3).text("SECRET").u64(1).text("NATO");
    unsorted.u64(3).tag(0).text(TIME);
    let untagged = with_time(|e| {
        e.text(TIME);
    });
    let mut trailing = plain("NATO", "SECRET", TIME);
    trailing.push(0x00);
    let missing_class = {
        let mut e = pouch_cbor::Encoder::new();
        e.map(2).u64(1).map(1).u64(1).text("NATO");
        e.u64(3).tag(0).text(TIME);
        e.into_bytes()
    };
    let bad_id_type = {
        let mut e = pouch_cbor::Encoder::new();
        head(&mut e, 3, "SECRET");
        e.u64(2).map(2).u64(1).u64(9);
        e.u64(2).text("registry@example.no");
        e.u64(3).tag(0).text(TIME);
        e.into_bytes()
    };
    let missing_created = {
        let mut e = pouch_cbor::Encoder::new();
        head(&mut e, 1, "SECRET");
        e.into_bytes()
    };
    let lbl =
        |ids: &[&str]| -> Vec<String> { ids.iter().map(|s| format!("POUCH-LBL-{s}")).collect() };
    type CborRow = (
        &'static str,
        Vec<u8>,
        Option<(&'static str, String)>,
        &'static str,
        Vec<String>,
    );
    let rows: Vec<CborRow> = vec![
        (
            "valid-minimal",
            plain("NATO", "SECRET", TIME),
            None,
            "The smallest label: policy, classification and creation time.",
            lbl(&["001", "010"]),
        ),
        (
            "valid-full",
            full,
            None,
            "Every member: both URIs, a privacy mark with markup and whitespace kept exactly, the three category types, an empty GenericValue, IntegerValue 2^64-1 and 0, two bit strings (three unused bits; none), a jID originator, a creation time with seven fraction digits, a two-level succession, review time and id.",
            lbl(&["001", "003", "005", "010", "012", "013", "014"]),
        ),
        (
            "invalid-policy-not-collapsed",
            plain("NATO  ALLIED", "SECRET", TIME),
            Some(("String", format!("{ci}/policyIdentifier"))),
            "A policy identifier with two spaces in a row: CBOR carries tokens collapsed, and a decoder refuses any other spelling.",
            lbl(&["002"]),
        ),
        (
            "invalid-classification-leading-space",
            plain("NATO", " SECRET", TIME),
            Some(("String", format!("{ci}/classification"))),
            "A classification with a leading space.",
            lbl(&["002"]),
        ),
        (
            "invalid-classification-empty",
            plain("NATO", "", TIME),
            Some(("String", format!("{ci}/classification"))),
            "An empty classification: a token has at least one character.",
            lbl(&["002"]),
        ),
        (
            "invalid-control-character",
            cbor_label(
                3,
                |e| {
                    e.u64(1)
                        .text("NATO")
                        .u64(3)
                        .text("SECRET")
                        .u64(5)
                        .text("a\u{1}b");
                },
                0,
                |_| {},
            ),
            Some(("String", format!("{ci}/privacyMark"))),
            "A privacy mark holding U+0001, which XML 1.0 cannot carry.",
            lbl(&["003"]),
        ),
        (
            "invalid-negative-integer-value",
            with_values(3, 1, |e| {
                e.i64(-1);
            }),
            Some(("WrongType", val0.clone())),
            "An IntegerValue of -1: the schema's [0-9]+ has no sign, and CBOR's negative integer is not a category value.",
            lbl(&["005"]),
        ),
        (
            "invalid-bignum-integer-value",
            with_values(3, 1, |e| {
                e.tag(2).bytes(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
            }),
            Some(("WrongType", val0.clone())),
            "An IntegerValue of 2^64 as a tag-2 bignum: above the 2^64-1 Pouch carries.",
            lbl(&["005"]),
        ),
        (
            "invalid-category-type",
            with_values(4, 1, |e| {
                e.text("V");
            }),
            Some(("CategoryType", format!("{cat0}/type"))),
            "Category type 4, outside the table of §2.3.",
            lbl(&["013"]),
        ),
        (
            "invalid-id-type",
            bad_id_type,
            Some(("IdType", "/originatorId/idType".to_owned())),
            "An originator IDType of 9, outside the table of §2.3.",
            lbl(&["013"]),
        ),
        (
            "invalid-empty-categories",
            cbor_label(
                3,
                |e| {
                    e.u64(1).text("NATO").u64(3).text("SECRET").u64(6).array(0);
                },
                0,
                |_| {},
            ),
            Some(("EmptyCollection", format!("{ci}/categories"))),
            "An empty categories array: leaving the member out is the only spelling of none.",
            lbl(&["011"]),
        ),
        (
            "invalid-empty-values",
            with_values(1, 0, |_| {}),
            Some(("EmptyCollection", format!("{cat0}/values"))),
            "A category with an empty values array.",
            lbl(&["011"]),
        ),
        (
            "invalid-unknown-key",
            cbor_label(
                2,
                |e| {
                    e.u64(1).text("NATO").u64(3).text("SECRET");
                },
                1,
                |e| {
                    e.u64(7).text("originator");
                },
            ),
            Some(("Unknown", "/".to_owned())),
            "A top-level key 7 the CDDL does not define (here a role, which is positional).",
            lbl(&["011", "004"]),
        ),
        (
            "invalid-unsorted-keys",
            unsorted.into_bytes(),
            Some(("Cbor", "/".to_owned())),
            "The info map with key 3 before key 1: not deterministic.",
            lbl(&["011", "010"]),
        ),
        (
            "invalid-duplicate-key",
            duplicate,
            Some(("Cbor", "/".to_owned())),
            "The info map with key 1 twice.",
            lbl(&["011", "010"]),
        ),
        (
            "invalid-non-shortest-key",
            nonshortest,
            Some(("Cbor", "/".to_owned())),
            "Key 3 of the info map in two bytes (0x18 0x03): not the shortest form.",
            lbl(&["011", "010"]),
        ),
        (
            "invalid-indefinite-text",
            indefinite,
            Some(("Cbor", "/".to_owned())),
            "The classification as an indefinite-length text string.",
            lbl(&["011", "010"]),
        ),
        (
            "invalid-trailing-byte",
            trailing,
            Some(("Cbor", "/".to_owned())),
            "A valid label followed by one more byte.",
            lbl(&["010"]),
        ),
        (
            "invalid-missing-classification",
            missing_class,
            Some(("Missing", format!("{ci}/classification"))),
            "An info map without classification.",
            lbl(&["001"]),
        ),
        (
            "invalid-missing-creation-time",
            missing_created,
            Some(("Missing", "/creationDateTime".to_owned())),
            "A label without creation time.",
            lbl(&["001"]),
        ),
        (
            "invalid-untagged-time",
            untagged,
            Some(("WrongType", "/creationDateTime".to_owned())),
            "The creation time as bare text without tag 0.",
            lbl(&["012"]),
        ),
        (
            "invalid-time-offset",
            plain("NATO", "SECRET", "2026-11-28T09:15:00+00:00"),
            Some(("Time", "/creationDateTime".to_owned())),
            "The creation time with a +00:00 offset instead of Z.",
            lbl(&["012"]),
        ),
        (
            "invalid-time-trailing-zero",
            plain("NATO", "SECRET", "2026-11-28T09:15:00.50Z"),
            Some(("Time", "/creationDateTime".to_owned())),
            "A fraction with a trailing zero: not the canonical text.",
            lbl(&["012"]),
        ),
        (
            "invalid-time-lower-case",
            plain("NATO", "SECRET", "2026-11-28t09:15:00z"),
            Some(("Time", "/creationDateTime".to_owned())),
            "Lower-case t and z.",
            lbl(&["012"]),
        ),
        (
            "invalid-bit-string-empty",
            with_values(3, 1, |e| {
                e.bytes(&[]);
            }),
            Some(("WrongType", val0.clone())),
            "An empty byte string as a BitStringValue: not even the unused-bits count.",
            lbl(&["014"]),
        ),
        (
            "invalid-bit-string-no-bits",
            with_values(3, 1, |e| {
                e.bytes(&[0x00]);
            }),
            Some(("WrongType", val0.clone())),
            "A bit string of no bits (the unused count alone): [01]+ needs one.",
            lbl(&["014"]),
        ),
        (
            "invalid-bit-string-unused-count",
            with_values(3, 1, |e| {
                e.bytes(&[0x08, 0x00]);
            }),
            Some(("WrongType", val0.clone())),
            "An unused-bits count of 8.",
            lbl(&["014"]),
        ),
        (
            "invalid-bit-string-unused-bit-set",
            with_values(3, 1, |e| {
                e.bytes(&[0x07, 0x81]);
            }),
            Some(("WrongType", val0)),
            "Seven unused bits, the last of which is set.",
            lbl(&["014"]),
        ),
    ];
    let mut vector = Vec::new();
    for (name, bytes, err, description, mut reqs) in rows {
        if err.is_some() {
            // Each refusal is named by its kind and place (POUCH-LBL-040, POUCH-LBL-044).
            reqs.extend(lbl(&["040", "044"]));
        }
        let p = dir.join(format!("{name}.cbor"));
        std::fs::write(&p, &bytes).map_err(|e| Error::io(&p, e))?;
        vector.push(LabelVector {
            id: format!("lbl-cbor-{name}"),
            file: format!("cbor/{name}.cbor"),
            expect: if err.is_some() { "invalid" } else { "valid" }.to_owned(),
            error: err.as_ref().map(|(k, _)| (*k).to_owned()),
            path: err.map(|(_, p)| p),
            description: description.to_owned(),
            requirements: reqs,
        });
    }
    let manifest = LabelManifest { vector };
    let text = toml::to_string(&manifest)
        .map_err(|e| Error::Generate(format!("CBOR label manifest: {e}")))?;
    let p = root.join(LABEL_CBOR_MANIFEST);
    std::fs::write(
        &p,
        format!("# CBOR-form label vectors (spec/02-label.md §2.4), each one fault away from a valid label.\n# GENERATED by `pouch-vectors generate` with the low-level CBOR encoder (never the label\n# encoder under test); run by crates/pouch-label/tests/cbor.rs with the default Limits.\n# `error` is ErrorKind::name() and `path` the error path, for invalid vectors.\n\n{text}"),
    )
    .map_err(|e| Error::io(&p, e))?;
    Ok(manifest)
}
