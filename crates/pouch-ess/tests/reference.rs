//! The surevine-spiffing ESS labels (POUCH-ESS-010, POUCH-ESS-030).
//!
//! Expected values were read independently of this crate with
//! `openssl asn1parse -inform DER -i -in FILE`; the comment on each case quotes its output.
//! `seclabel.xml` and `seclabel-simple.xml`, spiffing's own XML renderings of
//! `stupid-label.ber` and `label-2.ber`, are checked against the decoded values too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{hex, reference};
use pouch_ess::{BerDeviation, Encoding, EssLabel, Limits, Oid, PrivacyMark};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(reference(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn decode(rel: &str) -> pouch_ess::Decoded {
    EssLabel::decode(&read(rel), &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn oid(s: &str) -> Option<Oid> {
    Some(s.parse().unwrap())
}

/// `<name>text</name>` from spiffing's XML rendering.
fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml.find(&open).unwrap() + open.len();
    let end = xml[start..].find(&format!("</{name}>")).unwrap();
    &xml[start..start + end]
}

#[test]
fn label_1_has_a_classification_and_a_utf8_privacy_mark() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    //     0:d=0  hl=2 l=  21 cons: SET
    //     2:d=1  hl=2 l=   2 prim:  INTEGER           :FD
    //     6:d=1  hl=2 l=  15 prim:  UTF8STRING        :Aqua (obsolete)
    let d = decode("surevine-spiffing/label-1.ber");
    assert_eq!(d.encoding, Encoding::Der);
    assert_eq!(d.label.policy, None);
    assert_eq!(d.label.classification, Some(0xfd));
    assert_eq!(
        d.label.privacy_mark,
        Some(PrivacyMark::Utf8("Aqua (obsolete)".into()))
    );
    assert!(d.label.categories.is_empty());
}

#[test]
fn label_2_has_a_policy_and_a_classification() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    //     0:d=0  hl=2 l=   6 cons: SET
    //     2:d=1  hl=2 l=   1 prim:  INTEGER           :04
    //     5:d=1  hl=2 l=   1 prim:  OBJECT            :1.1
    let d = decode("surevine-spiffing/label-2.ber");
    assert_eq!(d.encoding, Encoding::Der);
    assert_eq!(d.label.policy, oid("1.1"));
    assert_eq!(d.label.classification, Some(4));
    assert_eq!(d.label.privacy_mark, None);

    let xml = std::fs::read_to_string(reference("surevine-spiffing/seclabel-simple.xml")).unwrap();
    let policy = element(&xml, "security-policy-identifier");
    assert_eq!(d.label.policy, oid(policy));
    let class: u32 = element(&xml, "security-classification").parse().unwrap();
    assert_eq!(d.label.classification, Some(class));
}

#[test]
fn label_3_is_ber_with_its_set_out_of_order() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    //     0:d=0  hl=2 l=   6 cons: SET
    //     2:d=1  hl=2 l=   1 prim:  OBJECT            :1.1
    //     5:d=1  hl=2 l=   1 prim:  INTEGER           :03
    // The OBJECT IDENTIFIER (tag 6) precedes the INTEGER (tag 2): BER, not DER.
    let bytes = read("surevine-spiffing/label-3.ber");
    let d = common::decode_ber(&bytes, BerDeviation::SetOrder, 5);
    assert_eq!(d.label.policy, oid("1.1"));
    assert_eq!(d.label.classification, Some(3));
    // Re-encoded in DER: the same two TLVs, INTEGER first.
    assert_eq!(d.label.to_der().unwrap(), hex("3106 020103 060129"));
    // A strict DER decoder refuses it, naming the fault and where.
    let e = EssLabel::from_der(&bytes, &Limits::default()).unwrap_err();
    assert_eq!(e.kind().name(), "NotDer");
    assert_eq!(e.offset(), Some(5));
}

#[test]
fn stupid_label_matches_its_xml_rendering() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    //     0:d=0  hl=2 l=  22 cons: SET
    //     2:d=1  hl=2 l=   1 prim:  INTEGER           :33
    //     5:d=1  hl=2 l=   1 prim:  OBJECT            :1.1
    //     8:d=1  hl=2 l=  14 prim:  UTF8STRING        :VAGUELY SECRET
    let d = decode("surevine-spiffing/test-data/stupid-label.ber");
    assert_eq!(d.encoding, Encoding::Der);
    assert_eq!(d.label.classification, Some(0x33));

    let xml = std::fs::read_to_string(reference("surevine-spiffing/seclabel.xml")).unwrap();
    assert_eq!(
        d.label.policy,
        oid(element(&xml, "security-policy-identifier"))
    );
    let class: u32 = element(&xml, "security-classification").parse().unwrap();
    assert_eq!(d.label.classification, Some(class));
    let mark = element(&xml, "utf8String");
    assert_eq!(d.label.privacy_mark, Some(PrivacyMark::Utf8(mark.into())));
}

#[test]
fn every_reference_label_decodes_and_der_ones_round_trip() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let mut seen = 0;
    for rel in [
        "surevine-spiffing/label-1.ber",
        "surevine-spiffing/label-2.ber",
        "surevine-spiffing/label-3.ber",
        "surevine-spiffing/test-data/stupid-label.ber",
    ] {
        let bytes = read(rel);
        let d = EssLabel::decode(&bytes, &Limits::default()).unwrap();
        let der = d.label.to_der().unwrap();
        if d.encoding == Encoding::Der {
            assert_eq!(der, bytes, "{rel}: DER in, same DER out");
        } else {
            assert_ne!(der, bytes, "{rel}: BER re-encodes differently");
        }
        // Whatever came in, what goes out is DER and means the same.
        let again = EssLabel::decode(&der, &Limits::default()).unwrap();
        assert_eq!(again.encoding, Encoding::Der, "{rel}");
        assert_eq!(again.label, d.label, "{rel}");
        seen += 1;
    }
    // The folder holds exactly these four BER labels: none is left untested.
    let mut on_disk = 0;
    for dir in ["surevine-spiffing", "surevine-spiffing/test-data"] {
        for e in std::fs::read_dir(reference(dir)).unwrap() {
            let p = e.unwrap().path();
            on_disk += usize::from(p.extension().is_some_and(|x| x == "ber"));
        }
    }
    assert_eq!(seen, on_disk);
}
