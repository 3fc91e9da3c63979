//! ESS label vectors (`test-vectors/ess/`, spec/07-conformance.md §7.8): DER and BER
//! `ESSSecurityLabel`s under the demo SPIFs and malformed ones, each with the label it
//! imports to or the error it must give.
//!
//! The bytes are written here by a small DER writer of this module from the SPIFs' OIDs
//! and lacvs (spec/06-ess.md §6.1, §6.3), never by the codec under test, so that exporting
//! a label with `Policy::to_ess` and comparing with them checks the codec against an
//! independent encoding.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The ESS vectors' folder, relative to the project root.
pub const ESS_DIR: &str = "test-vectors/ess";
/// The manifest format version.
pub const ESS_FORMAT: u32 = 1;
/// The creation time an importer is given (an ESS label carries none).
pub const CREATED: &str = "2026-11-28T09:15:00Z";

const COALITION: &str = "../envelopes/policies/pouch-demo.spif.xml";
const NATIONAL: &str = "../envelopes/policies/nor-demo.spif.xml";

/// The ESS manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EssManifest {
    /// [`ESS_FORMAT`].
    pub format: u32,
    /// The vectors.
    pub vector: Vec<EssVector>,
}

impl EssManifest {
    /// Reads and parses the manifest.
    pub fn load(path: &Path) -> Result<EssManifest, Error> {
        crate::manifest::load_toml(path)
    }
}

/// One ESS vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EssVector {
    /// Unique, stable.
    pub id: String,
    /// One line.
    pub title: String,
    /// How it was made and why the expectation follows.
    pub description: String,
    /// The requirement ids it checks.
    pub requirements: Vec<String>,
    /// The input bytes (relative to the manifest).
    pub input: String,
    /// The SPIF it is imported under (relative to the manifest); absent: decode only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The outcome.
    pub expect: EssExpect,
}

/// What a vector must give.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EssExpect {
    /// `ok` (decodes, and imports when a policy is given) or `error`.
    pub result: String,
    /// For `ok`: `der`, or the first departure from DER (`LongLength`, `SetOrder`,
    /// `SetOfOrder`, `BitStringPadding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// For `ok`: the DER the decoded label re-encodes to (the input itself when it is DER).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub der: Option<String>,
    /// For `ok` with a policy: the label JSON the import gives (creation time
    /// [`CREATED`]); exporting it under the policy gives `der`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For `error`: `decode` (the codec refuses) or `import` (the policy mapping refuses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// For `error`: the error kind (`pouch_ess::ErrorKind::name`, or the policy's
    /// `ErrorKind` variant for an import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `error`: text the message must contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

// ---- a minimal DER writer (X.690), for the vectors only ----

fn len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(len(content.len()));
    out.extend_from_slice(content);
    out
}

fn oid(text: &str) -> Vec<u8> {
    let arcs: Vec<u64> = text.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut first =
        vec![arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0)];
    first.extend(arcs.iter().skip(2));
    let mut out = Vec::new();
    for a in first {
        let mut groups = vec![(a & 0x7f) as u8];
        let mut rest = a >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    out
}

fn int(n: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

/// The shortest BIT STRING holding `positions` (bit 0 the first bit).
fn bit_map(positions: &[u64]) -> Vec<u8> {
    let top = positions.iter().copied().max().unwrap_or(0) as usize;
    let mut bytes = vec![0u8; top / 8 + 1];
    for &p in positions {
        if let Some(b) = bytes.get_mut(p as usize / 8) {
            *b |= 0x80 >> (p % 8);
        }
    }
    let unused = 7 - (top % 8) as u8;
    let mut content = vec![unused];
    content.extend(bytes);
    tlv(0x03, &content)
}

/// A SET OF: elements sorted as octet strings (X.690 §11.6).
fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    tlv(0x31, &elements.concat())
}

const RESTRICTIVE_BIT_MAP: &str = "2.16.840.1.101.2.1.8.3.0";
const ENUMERATED_PERMISSIVE: &str = "2.16.840.1.101.2.1.8.3.1";

fn category(syntax: &str, value: &[u8]) -> Vec<u8> {
    let mut c = tlv(0x80, &oid(syntax));
    c.extend(tlv(0xa1, value));
    tlv(0x30, &c)
}

fn enumerated_permissive(tag_set: &str, lacvs: &[u64]) -> Vec<u8> {
    let mut v = tlv(0x06, &oid(tag_set));
    v.extend(set_of(lacvs.iter().map(|l| int(*l)).collect()));
    category(ENUMERATED_PERMISSIVE, &tlv(0x30, &v))
}

fn restrictive(tag_set: &str, lacvs: &[u64]) -> Vec<u8> {
    let mut v = tlv(0x06, &oid(tag_set));
    v.extend(bit_map(lacvs));
    category(RESTRICTIVE_BIT_MAP, &tlv(0x30, &v))
}

/// Label components in DER order: INTEGER, OID, UTF8String, SET, PrintableString.
struct Parts {
    policy: Option<Vec<u8>>,
    class: Option<u64>,
    mark_utf8: Option<&'static str>,
    mark_printable: Option<&'static str>,
    categories: Vec<Vec<u8>>,
}

impl Parts {
    fn components(&self) -> Vec<Vec<u8>> {
        let mut c = Vec::new();
        c.extend(self.class.map(int));
        c.extend(self.policy.as_ref().map(|p| tlv(0x06, p)));
        c.extend(self.mark_utf8.map(|m| tlv(0x0c, m.as_bytes())));
        if !self.categories.is_empty() {
            c.push(set_of(self.categories.clone()));
        }
        c.extend(self.mark_printable.map(|m| tlv(0x13, m.as_bytes())));
        c
    }

    fn der(&self) -> Vec<u8> {
        tlv(0x31, &self.components().concat())
    }
}

fn coalition_secret() -> Parts {
    Parts {
        policy: Some(oid("2.999.4774.1")),
        class: Some(4),
        mark_utf8: None,
        mark_printable: Some("DEMO ONLY"),
        categories: vec![
            enumerated_permissive("2.999.4774.1.1", &[1000, 246]),
            restrictive("2.999.4774.1.2", &[1, 3]),
        ],
    }
}

const COALITION_SECRET_JSON: &str = r#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","policyIdentifierUri":"urn:oid:2.999.4774.1","classification":"SECRET","privacyMark":"DEMO ONLY","categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION","FIN"]},{"tagName":"Special Handling","type":"RESTRICTIVE","values":["CRYPTO","NUCLEAR"]}]},"creationDateTime":"2026-11-28T09:15:00Z"}"#;

/// One vector under construction: manifest entry and files.
struct Made {
    vector: EssVector,
    files: Vec<(String, Vec<u8>)>,
}

fn v(
    id: &str,
    title: &str,
    description: &str,
    requirements: &[&str],
    policy: Option<&str>,
    expect: EssExpect,
) -> EssVector {
    EssVector {
        id: id.into(),
        title: title.into(),
        description: description.into(),
        requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
        input: format!("{id}.ber"),
        policy: policy.map(str::to_owned),
        expect,
    }
}

fn ok(encoding: &str, der: &str, label: Option<&str>) -> EssExpect {
    EssExpect {
        result: "ok".into(),
        encoding: Some(encoding.into()),
        der: Some(der.into()),
        label: label.map(str::to_owned),
        ..EssExpect::default()
    }
}

fn err(stage: &str, kind: &str, message: Option<&str>) -> EssExpect {
    EssExpect {
        result: "error".into(),
        stage: Some(stage.into()),
        error: Some(kind.into()),
        message: message.map(str::to_owned),
        ..EssExpect::default()
    }
}

/// A decode error vector: these bytes, this kind.
fn bad(
    id: &str,
    title: &str,
    description: &str,
    reqs: &[&str],
    bytes: Vec<u8>,
    kind: &str,
) -> Made {
    let vector = v(
        id,
        title,
        description,
        reqs,
        None,
        err("decode", kind, None),
    );
    Made {
        files: vec![(vector.input.clone(), bytes)],
        vector,
    }
}

/// An export under `policy`: the DER as `ID.der`, decoded as DER, importing to the label
/// `json` (written as `ID.json`).
fn export(
    id: &str,
    title: &str,
    description: &str,
    requirements: &[&str],
    policy: &str,
    der: Vec<u8>,
    json: &str,
) -> Made {
    let (der_file, json_file) = (format!("{id}.der"), format!("{id}.json"));
    let mut vector = v(
        id,
        title,
        description,
        requirements,
        Some(policy),
        ok("der", &der_file, Some(&json_file)),
    );
    vector.input = der_file.clone();
    Made {
        vector,
        files: vec![(der_file, der), (json_file, json.as_bytes().to_vec())],
    }
}

fn all() -> Vec<Made> {
    let mut out = Vec::new();
    // Exports under the demo SPIFs (DER), each with its import.
    let der = coalition_secret().der();
    out.push(export(
        "ess-coalition-secret",
        "POUCH-DEMO SECRET with both tag sets and a printable privacy mark",
        "The ESS form of POUCH-DEMO SECRET, Releasable To COALITION and FIN (enumerated permissive, lacvs 1000 and 246 as a SET OF INTEGER in DER order), Special Handling CRYPTO and NUCLEAR (restrictive bit map, bits 1 and 3: one octet, four unused bits), privacy mark DEMO ONLY (PrintableString, last in DER's tag order). Decoding finds DER; importing under POUCH-DEMO gives the label; exporting the label gives these bytes.",
        &[
            "POUCH-ESS-010",
            "POUCH-ESS-020",
            "POUCH-ESS-030",
            "POUCH-POL-090",
            "POUCH-POL-095",
            "POUCH-POL-096",
        ],
        COALITION,
        der.clone(),
        COALITION_SECRET_JSON,
    ));
    let national = Parts {
        policy: Some(oid("2.999.4774.2")),
        class: Some(4),
        mark_utf8: Some("KUN ØVING"),
        mark_printable: None,
        categories: vec![enumerated_permissive("2.999.4774.2.1", &[1000])],
    };
    let json = r#"{"confidentialityInformation":{"policyIdentifier":"NOR-DEMO","policyIdentifierUri":"urn:oid:2.999.4774.2","classification":"HEMMELIG","privacyMark":"KUN ØVING","categories":[{"tagName":"Kan frigis til","type":"PERMISSIVE","values":["KOALISJON"]}]},"creationDateTime":"2026-11-28T09:15:00Z"}"#;
    out.push(export(
        "ess-national-utf8-mark",
        "NOR-DEMO HEMMELIG with a UTF8String privacy mark",
        "NOR-DEMO HEMMELIG (lacv 4) releasable to KOALISJON (lacv 1000); the privacy mark KUN ØVING has a character PrintableString lacks, so it travels as a UTF8String, placed after the OID in DER's tag order.",
        &["POUCH-ESS-030", "POUCH-POL-090", "POUCH-POL-095"],
        NATIONAL,
        national.der(),
        json,
    ));

    // BER-only encodings: accepted, reported, re-encoded as the DER vector.
    let body = coalition_secret().components().concat();
    let mut long = vec![0x31, 0x82];
    long.extend((body.len() as u16).to_be_bytes());
    long.extend(&body);
    let mut reversed = coalition_secret().components();
    let mark = reversed.pop().unwrap_or_default();
    let cats = reversed.pop().unwrap_or_default();
    reversed.push(mark);
    reversed.push(cats);
    let set_order = tlv(0x31, &reversed.concat());
    let mut p = coalition_secret();
    // The SET OF INTEGER written 1000 before 246: out of DER order.
    let mut value = tlv(0x06, &oid("2.999.4774.1.1"));
    value.extend(tlv(0x31, &[int(1000), int(246)].concat()));
    p.categories[0] = category(ENUMERATED_PERMISSIVE, &tlv(0x30, &value));
    let set_of_order = p.der();
    let mut p = coalition_secret();
    let mut value = tlv(0x06, &oid("2.999.4774.1.2"));
    value.extend(tlv(0x03, &[4, 0b0101_0001]));
    p.categories[1] = category(RESTRICTIVE_BIT_MAP, &tlv(0x30, &value));
    let padding = p.der();
    for (id, title, what, bytes, deviation) in [
        (
            "ess-ber-long-length",
            "Outer length in the long form",
            "The label of ess-coalition-secret with its outer length written in two octets (0x82) where one fits",
            long,
            "LongLength",
        ),
        (
            "ess-ber-set-order",
            "Components out of tag order (OpenSSL's order)",
            "The label of ess-coalition-secret with the PrintableString privacy mark before the categories, as OpenSSL's asn1parse writes it",
            set_order,
            "SetOrder",
        ),
        (
            "ess-ber-set-of-order",
            "SET OF INTEGER out of order",
            "The label of ess-coalition-secret with the Releasable To lacvs written 1000, 246",
            set_of_order,
            "SetOfOrder",
        ),
        (
            "ess-ber-bit-string-padding",
            "Bit map with non-zero padding",
            "The label of ess-coalition-secret with the last unused bit of the Special Handling bit map set",
            padding,
            "BitStringPadding",
        ),
    ] {
        let vector = v(
            id,
            title,
            &format!(
                "{what}: BER, not DER. A decoder accepts it and reports the departure ({deviation}); the label is the same and re-encodes to the bytes of ess-coalition-secret."
            ),
            &["POUCH-ESS-010", "POUCH-ESS-030"],
            Some(COALITION),
            ok(
                deviation,
                "ess-coalition-secret.der",
                Some("ess-coalition-secret.json"),
            ),
        );
        out.push(Made {
            files: vec![(vector.input.clone(), bytes)],
            vector,
        });
    }

    // Import refusals (POUCH-POL-094, 095).
    let other = Parts {
        policy: Some(oid("1.1")),
        ..coalition_secret()
    };
    let vector = v(
        "ess-import-unknown-policy",
        "Policy identifier not the policy's OID",
        "The label of ess-coalition-secret with policy identifier 1.1, imported under POUCH-DEMO: refused, naming the label's OID.",
        &["POUCH-POL-094"],
        Some(COALITION),
        err(
            "import",
            "EssPolicyMismatch",
            Some("unknown policy id: 1.1"),
        ),
    );
    out.push(Made {
        files: vec![(vector.input.clone(), other.der())],
        vector,
    });
    let none = Parts {
        policy: None,
        ..coalition_secret()
    };
    let vector = v(
        "ess-import-no-policy",
        "No policy identifier",
        "The label of ess-coalition-secret without security-policy-identifier: the codec accepts it (X.841), the import under POUCH-DEMO refuses it.",
        &["POUCH-POL-094", "POUCH-ESS-002"],
        Some(COALITION),
        err("import", "EssNoPolicy", None),
    );
    out.push(Made {
        files: vec![(vector.input.clone(), none.der())],
        vector,
    });
    let unmapped = Parts {
        class: Some(9),
        ..coalition_secret()
    };
    let vector = v(
        "ess-import-unknown-classification",
        "Classification lacv the policy lacks",
        "The label of ess-coalition-secret with classification 9; POUCH-DEMO's lacvs are 1 to 4: refused, nothing is dropped.",
        &["POUCH-POL-095"],
        Some(COALITION),
        err("import", "EssUnmapped", None),
    );
    out.push(Made {
        files: vec![(vector.input.clone(), unmapped.der())],
        vector,
    });

    // Malformed: the codec refuses with the kind named.
    let reqs = &["POUCH-ESS-012", "POUCH-ESS-014"];
    let mut cut = der.clone();
    cut.pop();
    out.push(bad(
        "ess-truncated",
        "Last octet missing",
        "ess-coalition-secret without its last octet: the outer length runs past the input.",
        reqs,
        cut,
        "LengthOverrun",
    ));
    out.push(bad(
        "ess-truncated-header",
        "Only the tag",
        "The single octet 0x31: the length is missing.",
        reqs,
        vec![0x31],
        "Truncated",
    ));
    let mut wrong = der.clone();
    if let Some(b) = wrong.first_mut() {
        *b = 0x30;
    }
    out.push(bad(
        "ess-wrong-tag",
        "SEQUENCE where the SET is",
        "ess-coalition-secret with its outer tag 0x30 (SEQUENCE).",
        reqs,
        wrong,
        "UnexpectedTag",
    ));
    let mut trailing = der.clone();
    trailing.push(0);
    out.push(bad(
        "ess-trailing-data",
        "An octet after the label",
        "ess-coalition-secret followed by 0x00.",
        reqs,
        trailing,
        "TrailingData",
    ));
    out.push(bad(
        "ess-empty-label",
        "No component",
        "An empty SET (31 00).",
        reqs,
        vec![0x31, 0x00],
        "Empty",
    ));
    out.push(bad(
        "ess-indefinite-length",
        "Indefinite length",
        "The classification 4 in a SET of indefinite length (31 80 02 01 04 00 00).",
        &["POUCH-ESS-011", "POUCH-ESS-014"],
        vec![0x31, 0x80, 0x02, 0x01, 0x04, 0x00, 0x00],
        "IndefiniteLength",
    ));
    out.push(bad(
        "ess-duplicate-classification",
        "Classification twice",
        "Two INTEGER components (31 06 02 01 04 02 01 03).",
        reqs,
        vec![0x31, 0x06, 0x02, 0x01, 0x04, 0x02, 0x01, 0x03],
        "Duplicate",
    ));
    out.push(bad(
        "ess-integer-not-minimal",
        "Classification not in its shortest form",
        "The classification 4 written in two octets (02 02 00 04).",
        reqs,
        vec![0x31, 0x04, 0x02, 0x02, 0x00, 0x04],
        "BadInteger",
    ));
    out.push(bad(
        "ess-negative-classification",
        "Negative classification",
        "The classification -1 (02 01 ff).",
        reqs,
        vec![0x31, 0x03, 0x02, 0x01, 0xff],
        "NegativeInteger",
    ));
    out.push(bad(
        "ess-oid-leading-0x80",
        "Policy OID with a padded subidentifier",
        "A policy OID whose second subidentifier starts with 0x80 (06 03 2a 80 01).",
        reqs,
        vec![0x31, 0x05, 0x06, 0x03, 0x2a, 0x80, 0x01],
        "BadOid",
    ));
    out.push(bad(
        "ess-printable-mark-bad-character",
        "PrintableString with a character outside its set",
        "The privacy mark \"a@b\" as a PrintableString; '@' is not in its set.",
        reqs,
        tlv(0x31, &tlv(0x13, b"a@b")),
        "BadString",
    ));
    let mut bits = tlv(0x06, &oid("2.999.4774.1.2"));
    bits.extend(tlv(0x03, &[8, 0x00]));
    let p = Parts {
        categories: vec![category(RESTRICTIVE_BIT_MAP, &tlv(0x30, &bits))],
        ..coalition_secret()
    };
    out.push(bad(
        "ess-bit-string-eight-unused",
        "Bit map with 8 unused bits",
        "The Special Handling bit map with unused-bits octet 8.",
        reqs,
        p.der(),
        "BadBitString",
    ));

    // Limits (§6.5): 64 categories are accepted, 65 refused.
    let many = |n: u64| Parts {
        categories: (0..n)
            .map(|i| restrictive("2.999.4774.1.2", &[i]))
            .collect(),
        ..coalition_secret()
    };
    let vector = v(
        "ess-64-categories",
        "64 categories: the most a decoder must accept",
        "The label of ess-coalition-secret with 64 restrictive bit-map categories (bits 0 to 63); within the limits every decoder accepts. Decoded only (the demo SPIF defines 5 of those bits).",
        &["POUCH-ESS-040", "POUCH-ESS-013"],
        None,
        ok("der", "ess-64-categories.der", None),
    );
    let mut vector = vector;
    vector.input = "ess-64-categories.der".into();
    out.push(Made {
        files: vec![(vector.input.clone(), many(64).der())],
        vector,
    });
    out.push(bad(
        "ess-65-categories",
        "65 categories",
        "As ess-64-categories with one more (bit 64): above ub-security-categories.",
        &["POUCH-ESS-013", "POUCH-ESS-014"],
        many(65).der(),
        "LimitExceeded",
    ));
    out.push(bad(
        "ess-too-large",
        "Larger than 64 KiB",
        "A SET whose content is 65,536 zero octets (65,541 octets in all): refused before parsing.",
        &["POUCH-ESS-013"],
        tlv(0x31, &vec![0u8; 65_536]),
        "TooLarge",
    ));

    // Categories of other syntaxes, kept whole (POUCH-ESS-021, 022).
    let missi = {
        // prbacSecurityCategories: SET OF NamedTagSet { tagSetName, SEQUENCE OF [1] { flags } }
        let tag = tlv(0xa1, &tlv(0x03, &[6, 0x40]));
        let mut named = tlv(0x06, &oid("2.999.4774.1.2"));
        named.extend(tlv(0x30, &tag));
        set_of(vec![tlv(0x30, &named)])
    };
    let unknown = tlv(0x30, &[tlv(0x02, &[5]), tlv(0x0c, b"x")].concat());
    let p = Parts {
        categories: vec![
            category("2.16.840.1.101.2.1.8.1", &missi),
            category("1.2.3.4", &unknown),
        ],
        ..coalition_secret()
    };
    let mut vector = v(
        "ess-missi-and-unknown-syntax",
        "A MISSI category and one of an unknown syntax",
        "The label of ess-coalition-secret whose categories are a MISSI prbacSecurityCategories (one NamedTagSet with a [1] restrictive bit map, bit 1) and a category of type 1.2.3.4 whose value is SEQUENCE { INTEGER 5, UTF8String \"x\" }. Both decode, in DER; re-encoding gives the same octets (nothing lost). Decoded only: no SPIF tag names either syntax.",
        &["POUCH-ESS-021", "POUCH-ESS-022", "POUCH-ESS-031"],
        None,
        ok("der", "ess-missi-and-unknown-syntax.der", None),
    );
    vector.input = "ess-missi-and-unknown-syntax.der".into();
    out.push(Made {
        files: vec![(vector.input.clone(), p.der())],
        vector,
    });
    out
}

const HEADER: &str = "\
# ESS label vectors (spec/07-conformance.md §7.8). GENERATED by `pouch-vectors generate`;
# do not edit by hand. The bytes are written by the generator's own DER writer from the
# demo SPIFs' OIDs and lacvs. Imports are given the creation time 2026-11-28T09:15:00Z.
# Run by crates/pouch-vectors/tests/ess.rs (the adapter protocol has no ESS operation).

";

/// Writes the ESS vectors under `root`'s [`ESS_DIR`].
pub(crate) fn generate(root: &Path) -> Result<EssManifest, Error> {
    let dir = root.join(ESS_DIR);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut vectors = Vec::new();
    for m in all() {
        for (name, bytes) in m.files {
            let p = dir.join(name);
            std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
        }
        vectors.push(m.vector);
    }
    let manifest = EssManifest {
        format: ESS_FORMAT,
        vector: vectors,
    };
    let text = toml::to_string(&manifest).map_err(|e| Error::Generate(format!("ess: {e}")))?;
    let p = dir.join("manifest.toml");
    std::fs::write(&p, format!("{HEADER}{text}")).map_err(|e| Error::io(&p, e))?;
    Ok(manifest)
}
