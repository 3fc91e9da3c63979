//! Hostile input is refused in bounded memory: a counting allocator records the peak heap
//! use of each decode, which must stay within a small multiple of the input's own size
//! whatever the input claims.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use pouch_label::xml::labels_in_document;
use pouch_label::{Label, Limits};
use pouch_test_alloc::{Counting, peak_during};

#[global_allocator]
static ALLOC: Counting = Counting;

/// Decodes an input and says whether it was refused.
type Refused = fn(&[u8], &Limits) -> bool;

const SLACK: usize = 64 * 1024;

#[test]
fn hostile_inputs_are_refused_in_memory_bounded_by_their_size() {
    let big = Limits {
        max_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut deep_xml = String::from(
        "<originatorConfidentialityLabel xmlns=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\">",
    );
    deep_xml.push_str(&"<a>".repeat(100_000));
    let deep_document = format!("<r>{}{}</r>", "<a>".repeat(100_000), "</a>".repeat(100_000));
    let mut laughs = String::from("<!DOCTYPE l [<!ENTITY l0 \"lol\">");
    for i in 1..=9 {
        laughs.push_str(&format!(
            "<!ENTITY l{i} \"{}\">",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    laughs.push_str("]><r>&l9;</r>");
    let cases: Vec<(&str, Vec<u8>, Refused)> = vec![
        ("CBOR 100,000 nested arrays", vec![0x81; 100_000], |b, l| {
            Label::from_cbor(b, l).is_err()
        }),
        (
            "CBOR 10 bytes claiming 2^63 bytes",
            vec![0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0, 0],
            |b, l| Label::from_cbor(b, l).is_err(),
        ),
        (
            "CBOR map claiming 2^32 pairs",
            vec![0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2],
            |b, l| Label::from_cbor(b, l).is_err(),
        ),
        (
            "CBOR array claiming 2^64-1 items",
            vec![0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            |b, l| Label::from_cbor(b, l).is_err(),
        ),
        (
            "JSON 100,000 open brackets",
            [b"{\"a\":".as_slice(), &[b'['; 100_000]].concat(),
            |b, l| Label::from_json(b, l).is_err(),
        ),
        (
            "XML 100,000 nested elements",
            deep_xml.into_bytes(),
            |b, l| Label::from_xml(b, l).is_err(),
        ),
        (
            "XML document, 100,000 nested elements outside any label",
            deep_document.into_bytes(),
            |b, l| labels_in_document(b, l).is_err(),
        ),
        (
            "XML billion laughs (10^9 expanded bytes), as a label",
            laughs.clone().into_bytes(),
            |b, l| Label::from_xml(b, l).is_err(),
        ),
        (
            "XML billion laughs, as a document",
            laughs.into_bytes(),
            |b, l| labels_in_document(b, l).is_err(),
        ),
    ];
    for (name, input, refused) in cases {
        let mut ok = false;
        let peak = peak_during(|| ok = refused(&input, &big));
        assert!(ok, "{name}: accepted");
        let bound = 4 * input.len() + SLACK;
        assert!(peak <= bound, "{name}: peak {peak} bytes exceeds {bound}");
    }
}
