//! CBOR-sequence vectors (spec/03-envelope.md §3.10, POUCH-ENV-090 to POUCH-ENV-092): files of
//! envelopes one after another (RFC 8742), each with the report a reader of sequences gives on
//! every item in order: its byte offset, its exit class and its envelope-stage codes, and
//! where the reading ends. Made from envelopes of the same generation run, so they regenerate
//! byte for byte with them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::manifest::ExitClass;

/// The folder of the sequence vectors, relative to the project root.
pub const SEQUENCES_DIR: &str = "test-vectors/sequences";

/// Every item of every sequence is verified with this bundle (relative to the manifest) and
/// at this time, the inputs of the envelope vectors it is made from.
pub const TRUST: &str = "../envelopes/pki/bundle.toml";
/// The verification time, as the envelope vectors' `at`.
pub const AT: &str = "2026-11-28T11:00:00Z";

/// One item's expected report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceItem {
    /// Byte offset of the item's first byte in the sequence.
    pub offset: u64,
    /// The item's exit class (§7.4).
    pub exit: ExitClass,
    /// The envelope stage's codes, as a set.
    pub envelope: Vec<String>,
}

/// One sequence vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceVector {
    /// Stable identifier.
    pub id: String,
    /// The sequence file, relative to the manifest.
    pub file: String,
    /// What it shows.
    pub description: String,
    /// The requirements it tests.
    pub requirements: Vec<String>,
    /// The trust bundle, relative to the manifest.
    pub trust: String,
    /// The verification time.
    pub at: String,
    /// Every item a reader reports, in order; nothing after the last.
    #[serde(default)]
    pub item: Vec<SequenceItem>,
}

/// The manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceManifest {
    /// The vectors.
    pub vector: Vec<SequenceVector>,
}

impl SequenceManifest {
    /// Reads a manifest.
    pub fn load(path: &Path) -> Result<Self, Error> {
        crate::manifest::load_toml(path)
    }
}

/// A piece of a sequence and what its item reports (`None`: the piece is no item, or the
/// reading has ended before it).
struct Piece {
    bytes: Vec<u8>,
    report: Option<(ExitClass, &'static str)>,
}

fn item(bytes: &[u8], exit: ExitClass, code: &'static str) -> Piece {
    Piece {
        bytes: bytes.to_vec(),
        report: Some((exit, code)),
    }
}

fn unread(bytes: &[u8]) -> Piece {
    Piece {
        bytes: bytes.to_vec(),
        report: None,
    }
}

/// Writes the sequence files and their manifest under `root`, from the envelope vectors
/// already generated there.
pub(crate) fn generate(root: &Path) -> Result<SequenceManifest, Error> {
    let dir = root.join(SEQUENCES_DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let envelope = |id: &str| -> Result<Vec<u8>, Error> {
        let p = root
            .join(crate::ENVELOPES_DIR)
            .join(id)
            .join("envelope.cbor");
        std::fs::read(&p).map_err(|e| Error::io(&p, e))
    };
    let es384 = envelope("env-alg-es384")?;
    let mldsa = envelope("env-alg-ml-dsa-65")?;
    let tampered = envelope("env-tampered-payload")?;
    let indefinite = envelope("env-nondeterministic-indefinite")?;
    let (valid, wf) = (ExitClass::Valid, "envelope.well-formed");
    let (bad, malformed) = (ExitClass::Malformed, "envelope.malformed");
    let limit = "envelope.limit-exceeded";
    let half = mldsa.len() / 2;
    // A byte string whose head claims one byte more than the envelope size limit (64 MiB).
    let oversize_head = [0x5a, 0x04, 0x00, 0x00, 0x01];
    let deep: Vec<u8> = std::iter::repeat_n(0x81, 100).chain([0x00]).collect();
    let r90 = &["POUCH-ENV-090", "POUCH-ENV-092"][..];
    let r91 = &["POUCH-ENV-091", "POUCH-ENV-092"][..];
    // One item read between two valid envelopes.
    let between = |middle: Piece| vec![item(&es384, valid, wf), middle, item(&es384, valid, wf)];
    let rows: Vec<(&str, &str, &[&str], Vec<Piece>)> = vec![
        (
            "seq-three-envelopes",
            "Three valid envelopes (ES384, ML-DSA-65, ES384) one after another: three reports, each with its offset.",
            r90,
            between(item(&mldsa, valid, wf)),
        ),
        (
            "seq-empty",
            "An empty sequence: no item, nothing to report, and no failure.",
            &["POUCH-ENV-092"],
            vec![],
        ),
        (
            "seq-each-item-its-own-report",
            "A valid envelope, one whose payload was changed after sealing, and a valid one: the middle item fails its seal and the others are untouched by it.",
            &["POUCH-ENV-092"],
            between(item(&tampered, ExitClass::Seal, wf)),
        ),
        (
            "seq-not-deterministic-item",
            "An envelope with an indefinite-length seal array between two valid ones: well-formed, so framed as one item and refused as not deterministic, and the item after it is still read.",
            r90,
            between(item(&indefinite, bad, "envelope.not-deterministic")),
        ),
        (
            "seq-not-an-envelope-item",
            "The well-formed, deterministic item 0 (an unsigned integer) between two envelopes: one item, not an envelope, and the reading goes on.",
            r90,
            between(item(&[0x00], bad, malformed)),
        ),
        (
            "seq-invalid-simple-value-item",
            "The item f8 10 (simple value 16 in two bytes, which RFC 8949 §3.3 makes invalid) between two envelopes: its end is known, so it is one malformed item and the reading goes on (POUCH-ENV-091, §3.11).",
            &["POUCH-ENV-090", "POUCH-ENV-091", "POUCH-ENV-092"],
            between(item(&[0xf8, 0x10], bad, malformed)),
        ),
        (
            "seq-truncated-tail",
            "A valid envelope, then the first half of another: the end of the sequence cuts the second item short, reported as that item's envelope.malformed.",
            r91,
            vec![
                item(&es384, valid, wf),
                item(&mldsa[..half], bad, malformed),
            ],
        ),
    ];
    let oversize: Vec<u8> = oversize_head.iter().copied().chain(*b"pouch").collect();
    // A valid envelope, a fault that ends the reading, and a valid envelope never reported.
    let ending: [(&str, &str, &[u8], &'static str); 4] = [
        (
            "seq-break-ends-reading",
            "A valid envelope, a lone break byte (ff) and another valid envelope: the break is not well-formed, so that item is envelope.malformed and the reading ends; the last envelope is not reported.",
            &[0xff],
            malformed,
        ),
        (
            "seq-reserved-ends-reading",
            "A valid envelope, the byte 1c (additional information 28, reserved) and another valid envelope: envelope.malformed, and the reading ends.",
            &[0x1c],
            malformed,
        ),
        (
            "seq-oversize-ends-reading",
            "A valid envelope, then a byte string whose head claims 67,108,865 bytes (one over the 64 MiB envelope limit) followed by a few, and another valid envelope: envelope.limit-exceeded from the head alone, nothing allocated for the claim, and the reading ends.",
            &oversize,
            limit,
        ),
        (
            "seq-too-deep-ends-reading",
            "A valid envelope, then 100 nested one-element arrays around 0, and another valid envelope: past the nesting depth limit (§3.9), envelope.limit-exceeded, and the reading ends.",
            &deep,
            limit,
        ),
    ];
    let rows = rows
        .into_iter()
        .chain(ending.into_iter().map(|(id, d, fault, code)| {
            let pieces = vec![
                item(&es384, valid, wf),
                item(fault, bad, code),
                unread(&es384),
            ];
            (id, d, r91, pieces)
        }));
    let mut vector = Vec::new();
    for (id, description, reqs, pieces) in rows {
        let mut bytes = Vec::new();
        let mut items = Vec::new();
        for p in pieces {
            if let Some((exit, code)) = p.report {
                items.push(SequenceItem {
                    offset: bytes.len() as u64,
                    exit,
                    envelope: vec![code.to_owned()],
                });
            }
            bytes.extend_from_slice(&p.bytes);
        }
        let file = format!("{id}.cborseq");
        let p = dir.join(&file);
        std::fs::write(&p, &bytes).map_err(|e| Error::io(&p, e))?;
        vector.push(SequenceVector {
            id: id.to_owned(),
            file,
            description: description.to_owned(),
            requirements: reqs.iter().map(|r| (*r).to_owned()).collect(),
            trust: TRUST.to_owned(),
            at: AT.to_owned(),
            item: items,
        });
    }
    let manifest = SequenceManifest { vector };
    let text = toml::to_string(&manifest)
        .map_err(|e| Error::Generate(format!("sequence manifest: {e}")))?;
    let p = dir.join("manifest.toml");
    std::fs::write(
        &p,
        format!("# CBOR-sequence vectors (spec/03-envelope.md §3.10). GENERATED by `pouch-vectors generate`\n# from the envelope vectors; do not edit by hand. Each item a reader reports, in order, with its\n# byte offset, exit class (§7.4) and envelope-stage codes (a set); nothing is reported after the\n# last item listed. Every item is verified with `trust` (relative to this file) at `at`. Run by\n# crates/pouch-cli/tests/sequences.rs through `pouch verify --seq --json`.\n\n{text}"),
    )
    .map_err(|e| Error::io(&p, e))?;
    Ok(manifest)
}
