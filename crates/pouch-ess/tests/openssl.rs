//! ESS labels with every category syntax, encoded by OpenSSL rather than by this crate
//! (POUCH-ESS-020, POUCH-ESS-021, POUCH-ESS-022, POUCH-ESS-030).
//!
//! Each vector was made with `openssl asn1parse -genconf FILE.cnf -out FILE.der` from the
//! configuration quoted above it, and its expected values are the configuration's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::hex;
use pouch_ess::{
    BerDeviation, BitString, Encoding, EnumType, EssLabel, FreeFormField, Limits, MissiCategories,
    NamedTagSet, Oid, PrivacyMark, SecurityCategory, SecurityTag, Tag7Encoding, TagType,
};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn bits(positions: &[u64]) -> BitString {
    BitString::from_positions(positions).unwrap()
}

// acp145.cnf:
// asn1=SET:label
// [label]
// cls=INTEGER:5
// pol=OID:1.3.26.1.3.1
// cats=SET:cats
// pm=PRINTABLESTRING:NATO TOP SECRET
// [cats]
// c1=SEQUENCE:restrictive
// c2=SEQUENCE:enumperm
// c3=SEQUENCE:permissive
// c4=SEQUENCE:infobits
// c5=SEQUENCE:infoattrs
// c6=SEQUENCE:enumrestr
// c7=SEQUENCE:other
// [restrictive]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.0
// value=EXPLICIT:1,SEQUENCE:restrictivetag
// [restrictivetag]
// tagName=OID:1.3.26.1.4.1
// flags=FORMAT:BITLIST,BITSTRING:1,3
// [enumperm]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.1
// value=EXPLICIT:1,SEQUENCE:enumpermtag
// [enumpermtag]
// tagName=OID:1.3.26.1.4.3
// list=SET:enumpermlist
// [enumpermlist]
// a=INTEGER:1
// b=INTEGER:300
// c=INTEGER:128
// [permissive]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.2
// value=EXPLICIT:1,SEQUENCE:permtag
// [permtag]
// tagName=OID:1.3.26.1.4.2
// flags=FORMAT:BITLIST,BITSTRING:8,56,752
// [infobits]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.3
// value=EXPLICIT:1,SEQUENCE:infobitstag
// [infobitstag]
// tagName=OID:1.3.26.1.4.5
// field=FORMAT:BITLIST,BITSTRING:2
// [infoattrs]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.3
// value=EXPLICIT:1,SEQUENCE:infoattrstag
// [infoattrstag]
// tagName=OID:1.3.26.1.4.6
// field=SET:infoattrslist
// [infoattrslist]
// a=INTEGER:18446744073709551615
// b=INTEGER:7
// [enumrestr]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.4
// value=EXPLICIT:1,SEQUENCE:enumrestrtag
// [enumrestrtag]
// tagName=OID:1.3.26.1.4.4
// list=SET:enumrestrlist
// [enumrestrlist]
// a=INTEGER:9954
// [other]
// type=IMPLICIT:0,OID:1.2.826.0.1.6726289.9
// value=EXPLICIT:1,SEQUENCE:otherval
// [otherval]
// s=UTF8:opaque
// n=INTEGER:-5
const ACP145: &str = "
    3182015f02010506052b1a010301130f4e41544f20544f502053454352455431820140301b800a2a863a0001
    839ac51109a10d300b0c066f70617175650201fb301b800a60864801650201080300a10d300b06052b1a0104
    0103020450301b800a60864801650201080303a10d300b06052b1a01040503020520301d800a608648016502
    01080304a10f300d06052b1a0104043104020226e23024800a60864801650201080301a116301406052b1a01
    0403310b020101020200800202012c3027800a60864801650201080303a119301706052b1a010406310e0201
    07020900ffffffffffffffff3079800a60864801650201080302a16b306906052b1a01040203600700800000
    0000008000000000000000000000000000000000000000000000000000000000000000000000000000000000
    0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000080
";

// missi.cnf:
// asn1=SET:label
// [label]
// pol=OID:1.2.826.0.1.6726289.0.0
// cats=SET:cats
// [cats]
// c1=SEQUENCE:prbac
// c2=SEQUENCE:lrbac
// [prbac]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.1
// value=EXPLICIT:1,SET:tagsets
// [tagsets]
// t1=SEQUENCE:nts1
// [nts1]
// name=OID:1.2.826.0.1.6726289.0.0.1
// tags=SEQUENCE:tags1
// [tags1]
// t1=IMPLICIT:1,SEQUENCE:rbm
// t2=IMPLICIT:2,SEQUENCE:enum
// t3=IMPLICIT:6,SEQUENCE:pbm
// t4=EXPLICIT:7,SET:ffattrs
// t5=EXPLICIT:7,FORMAT:BITLIST,BITSTRING:0,9
// [rbm]
// flags=FORMAT:BITLIST,BITSTRING:4
// [enum]
// level=INTEGER:2
// flags=SET:enumlist
// [enumlist]
// a=INTEGER:9954
// b=INTEGER:3
// [pbm]
// level=INTEGER:0
// flags=FORMAT:BITLIST,BITSTRING:0,1
// [ffattrs]
// a=INTEGER:42
// [lrbac]
// type=IMPLICIT:0,OID:2.16.840.1.101.2.1.8.1
// value=EXPLICIT:1,SEQUENCE:lrbacinfo
// [lrbacinfo]
// pol=OID:1.2.826.0.1.6726289.0.1
// sets=SET:tagsets2
// [tagsets2]
// t1=SEQUENCE:nts2
// t2=SEQUENCE:nts3
// [nts2]
// name=OID:1.2.826.0.1.6726289.0.1.2
// tags=SEQUENCE:tags2
// [tags2]
// t1=IMPLICIT:6,SEQUENCE:pbm
// [nts3]
// name=OID:1.2.826.0.1.6726289.0.1.3
// tags=SEQUENCE:empty
// [empty]
const MISSI: &str = "
    3181ab060b2a863a0001839ac511000031819b304b8009608648016502010801a13e303c060b2a863a000183
    9ac5110001312d3010060c2a863a0001839ac51100010330003019060c2a863a0001839ac5110001023009a6
    07020100030206c0304c8009608648016502010801a13f313d303b060c2a863a0001839ac511000001302ba1
    0403020308a20c0201023107020103020226e2a607020100030206c0a705310302012aa7050303068040
";

#[test]
fn acp145_categories_decode_to_their_configured_values() {
    let bytes = hex(ACP145);
    let d = EssLabel::decode(&bytes, &Limits::default()).unwrap();
    let l = &d.label;
    assert_eq!(l.policy, Some(oid("1.3.26.1.3.1")));
    assert_eq!(l.classification, Some(5));
    assert_eq!(
        l.privacy_mark,
        Some(PrivacyMark::Printable("NATO TOP SECRET".into()))
    );
    // In the order OpenSSL wrote them (its asn1parse listing), i.e. sorted by encoding.
    let expected = vec![
        SecurityCategory::Other {
            type_id: oid("1.2.826.0.1.6726289.9"),
            // SEQUENCE { UTF8String "opaque", INTEGER -5 }
            value_der: hex("300b 0c066f7061717565 0201fb"),
        },
        SecurityCategory::RestrictiveBitMap {
            tag_set: oid("1.3.26.1.4.1"),
            attributes: bits(&[1, 3]),
        },
        SecurityCategory::Informative {
            tag_set: oid("1.3.26.1.4.5"),
            field: FreeFormField::BitSet(bits(&[2])),
        },
        SecurityCategory::EnumeratedRestrictive {
            tag_set: oid("1.3.26.1.4.4"),
            attributes: vec![9954],
        },
        SecurityCategory::EnumeratedPermissive {
            tag_set: oid("1.3.26.1.4.3"),
            attributes: vec![1, 128, 300],
        },
        SecurityCategory::Informative {
            tag_set: oid("1.3.26.1.4.6"),
            field: FreeFormField::Attributes(vec![7, u64::MAX]),
        },
        SecurityCategory::PermissiveBitMap {
            tag_set: oid("1.3.26.1.4.2"),
            attributes: bits(&[8, 56, 752]),
        },
    ];
    assert_eq!(l.categories, expected);

    // The SPIF view of each category: tag type and lacvs.
    let views: Vec<_> = l
        .categories
        .iter()
        .map(|c| (c.tag_type(), c.lacvs()))
        .collect();
    assert_eq!(
        views,
        vec![
            (None, None),
            (Some(TagType::Restrictive), Some(vec![1, 3])),
            (
                Some(TagType::Informative(Tag7Encoding::BitSetAttributes)),
                Some(vec![2])
            ),
            (
                Some(TagType::Enumerated(EnumType::Restrictive)),
                Some(vec![9954])
            ),
            (
                Some(TagType::Enumerated(EnumType::Permissive)),
                Some(vec![1, 128, 300])
            ),
            (
                Some(TagType::Informative(Tag7Encoding::SecurityAttributes)),
                Some(vec![7, u64::MAX])
            ),
            (Some(TagType::Permissive), Some(vec![8, 56, 752])),
        ]
    );
    // Built from the same lacvs, each typed category is equal to the decoded one.
    for cat in &l.categories[1..] {
        let rebuilt = SecurityCategory::from_lacvs(
            cat.tag_type().unwrap(),
            cat.tag_set().unwrap().clone(),
            &cat.lacvs().unwrap(),
        )
        .unwrap();
        assert_eq!(&rebuilt, cat);
    }
}

#[test]
fn openssl_orders_a_printable_privacy_mark_as_a_set_of_would() {
    // OpenSSL's generator sorts every SET by encoding, so the PrintableString (identifier
    // 0x13) precedes the categories (0x31). DER orders SET components by tag number
    // (X.690 §10.3, the chosen alternative's tag for a CHOICE): SET (17) before
    // PrintableString (19). The input is therefore BER, at the categories' offset.
    let bytes = hex(ACP145);
    let d = common::decode_ber(&bytes, BerDeviation::SetOrder, 31);
    // The DER re-encoding moves the PrintableString (bytes 14..31) after the categories;
    // everything else is OpenSSL's bytes.
    let expected = [&bytes[..14], &bytes[31..], &bytes[14..31]].concat();
    assert_eq!(d.label.to_der().unwrap(), expected);
    let again = EssLabel::decode(&expected, &Limits::default()).unwrap();
    assert_eq!(again.encoding, Encoding::Der);
    assert_eq!(again.label, d.label);
}

#[test]
fn missi_categories_decode_and_round_trip() {
    let bytes = hex(MISSI);
    let d = EssLabel::decode(&bytes, &Limits::default()).unwrap();
    assert_eq!(d.encoding, Encoding::Der);
    let l = &d.label;
    assert_eq!(l.policy, Some(oid("1.2.826.0.1.6726289.0.0")));
    assert_eq!(l.classification, None);
    let pbm = SecurityTag::PermissiveBitMap {
        level: Some(0),
        attributes: bits(&[0, 1]),
    };
    let expected = vec![
        SecurityCategory::Missi(MissiCategories::Lrbac {
            policy: oid("1.2.826.0.1.6726289.0.1"),
            tag_sets: vec![
                NamedTagSet {
                    name: oid("1.2.826.0.1.6726289.0.1.3"),
                    tags: vec![],
                },
                NamedTagSet {
                    name: oid("1.2.826.0.1.6726289.0.1.2"),
                    tags: vec![pbm.clone()],
                },
            ],
        }),
        SecurityCategory::Missi(MissiCategories::Prbac(vec![NamedTagSet {
            name: oid("1.2.826.0.1.6726289.0.0.1"),
            tags: vec![
                SecurityTag::RestrictiveBitMap {
                    level: None,
                    attributes: bits(&[4]),
                },
                SecurityTag::Enumerated {
                    level: Some(2),
                    attributes: vec![3, 9954],
                },
                pbm,
                SecurityTag::FreeForm(FreeFormField::Attributes(vec![42])),
                SecurityTag::FreeForm(FreeFormField::BitSet(bits(&[0, 9]))),
            ],
        }])),
    ];
    assert_eq!(l.categories, expected);
    for c in &l.categories {
        assert_eq!(c.type_id(), oid("2.16.840.1.101.2.1.8.1"));
        assert_eq!((c.tag_type(), c.lacvs()), (None, None));
    }
    assert_eq!(l.to_der().unwrap(), bytes, "DER in, same DER out");
}
