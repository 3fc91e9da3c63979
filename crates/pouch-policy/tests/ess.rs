//! Labels to and from ESS security labels through a SPIF (spec/05-policy.md §5.9,
//! POUCH-POL-090..096): every classification and every value of the reference SPIFs round
//! trips, the ESS fields are the SPIF's own lacvs and OIDs, one export is checked against DER
//! built by OpenSSL, and spiffing's `label-*.ber` samples are imported for real.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{SPIFS, category, created};

use pouch_ess::{EssLabel, Limits as EssLimits, SecurityCategory};
use pouch_label::{CategoryType, CategoryValue, ConfidentialityInformation, Label, Token};
use pouch_policy::{Error, ErrorKind, Policy, TagType};

const V88: &str = SPIFS[0];

/// A label in the form the import produces: name and `urn:oid:` URI, one category per tag
/// set and type.
fn label(p: &Policy, class: &str, cats: &[(&str, CategoryType, Vec<&str>)]) -> Label {
    let mut ci = ConfidentialityInformation::new(
        Token::collapse(&p.name).unwrap(),
        Token::collapse(class).unwrap(),
    );
    ci.policy_identifier_uri = Some(Token::new(format!("urn:oid:{}", p.id)).unwrap());
    ci.categories = cats
        .iter()
        .map(|(t, ty, vs)| category(t, *ty, vs))
        .collect();
    Label::new(ci, created())
}

/// Export, encode as DER, decode, import: the label must come back unchanged.
fn round_trip(p: &Policy, l: &Label) -> EssLabel {
    let ess = p
        .to_ess(l)
        .unwrap_or_else(|e| panic!("{}: export: {e}", p.name));
    let der = ess.to_der().unwrap();
    let back = EssLabel::from_der(&der, &EssLimits::default()).unwrap();
    assert_eq!(back, ess);
    let again = p.from_ess(&back, created()).unwrap();
    assert_eq!(&again, l, "{}", p.name);
    ess
}

fn same_lacv_other_name(tag: &pouch_policy::Tag, k: &pouch_policy::TagCategory) -> bool {
    tag.categories
        .iter()
        .any(|o| o.lacv == k.lacv && o.name != k.name)
}

#[test]
fn every_classification_and_value_round_trips() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let mut values = 0;
    for rel in SPIFS {
        let p = common::spif(rel);
        for c in p.classifications.iter().filter(|c| c.lacv <= 256) {
            let ess = round_trip(&p, &label(&p, &c.name, &[]));
            assert_eq!(ess.policy.unwrap().to_string(), p.id);
            assert_eq!(ess.classification, Some(u32::try_from(c.lacv).unwrap()));
            assert!(ess.categories.is_empty());
        }
        let class = p.classifications[0].name.as_str();
        for ts in &p.tag_sets {
            for tag in &ts.tags {
                let ty = tag.tag_type.category_type();
                // A tag set may hold two tags of one category type; the import reads the
                // first one, so only its values come back as they went.
                let first = ts
                    .tags
                    .iter()
                    .find(|t| t.tag_type.category_type() == ty)
                    .unwrap();
                if !std::ptr::eq(first, tag) {
                    continue;
                }
                let mut all = Vec::new();
                for k in &tag.categories {
                    if same_lacv_other_name(tag, k) || all.contains(&k.name.as_str()) {
                        continue;
                    }
                    all.push(k.name.as_str());
                    let ess = round_trip(&p, &label(&p, class, &[(&ts.name, ty, vec![&k.name])]));
                    let [cat] = ess.categories.as_slice() else {
                        panic!("{rel}: one category expected")
                    };
                    assert_eq!(cat.tag_set().unwrap().to_string(), ts.id, "{rel}");
                    assert_eq!(cat.lacvs().unwrap(), [k.lacv], "{rel}");
                    values += 1;
                }
                if all.len() > 1 {
                    let ess = round_trip(&p, &label(&p, class, &[(&ts.name, ty, all.clone())]));
                    assert_eq!(ess.categories[0].lacvs().unwrap().len(), all.len());
                }
            }
        }
    }
    // Every tagCategory of NATO v88 alone is close to 200; a silent skip would show here.
    assert!(values > 300, "{values}");
}

/// The export of "NATO SECRET Releasable to FIN, SWE" under v88, against DER built by
/// OpenSSL from the values in the SPIF text (SECRET lacv 4; Releasable To, tag set
/// 1.3.26.1.4.2, `tagType="permissive"`: FIN 246, SWE 752), with this `asn1parse -genconf`
/// configuration:
///
/// ```text
/// asn1 = SET:label
/// [label]
/// policy = OID:1.3.26.1.3.1
/// class = INTEGER:4
/// cats = SET:cats
/// [cats]
/// c1 = SEQUENCE:cat
/// [cat]
/// type = IMPLICIT:0,OID:2.16.840.1.101.2.1.8.3.2
/// value = EXPLICIT:1,SEQUENCE:perm
/// [perm]
/// tag = OID:1.3.26.1.4.2
/// flags = FORMAT:BITLIST,BITSTRING:246,752
/// ```
const NATO_SECRET_FIN_SWE: &str = "\
31818702010406052b1a010301317b3079800a60864801650201080302a16b306906052b1a0104020360070000000000\
000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000\
000000000000000000000000000000000000000000000000000000000000000000000000000000000080";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn v88_export_matches_openssl() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let l = label(
        &p,
        "SECRET",
        &[(
            "Releasable To",
            CategoryType::Permissive,
            vec!["FIN", "SWE"],
        )],
    );
    let der = p.to_ess(&l).unwrap().to_der().unwrap();
    assert_eq!(der, unhex(NATO_SECRET_FIN_SWE));
    // Values given out of SPIF order, or by lacv, export the same.
    let mut by_lacv = l.clone();
    by_lacv.confidentiality.categories[0].values =
        vec![CategoryValue::Integer(752), CategoryValue::Integer(246)];
    assert_eq!(p.to_ess(&by_lacv).unwrap().to_der().unwrap(), der);
}

#[test]
fn v88_informative_tags_travel_as_integers() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let ts = p
        .tag_sets
        .iter()
        .find(|s| s.tags.iter().any(|t| t.tag_type == TagType::Informative))
        .unwrap();
    let tag = &ts.tags[0];
    assert!(tag.tag7_encoding.is_none());
    let k = &tag.categories[0];
    let l = label(
        &p,
        "SECRET",
        &[(&ts.name, CategoryType::Informative, vec![&k.name])],
    );
    let ess = p.to_ess(&l).unwrap();
    assert!(matches!(
        &ess.categories[0],
        SecurityCategory::Informative {
            field: pouch_ess::FreeFormField::Attributes(v),
            ..
        } if v == &[k.lacv]
    ));
}

#[test]
fn v88_refuses_a_value_whose_lacv_another_has() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    // Found from the SPIF, not assumed: a value sharing its lacv with an earlier value of
    // another name (OCCAR and NATO, 1001, in the text).
    let (ts, tag, k) = p
        .tag_sets
        .iter()
        .flat_map(|s| s.tags.iter().map(move |t| (s, t)))
        .flat_map(|(s, t)| t.categories.iter().map(move |k| (s, t, k)))
        .find(|(_, t, k)| {
            t.categories
                .iter()
                .position(|o| o.lacv == k.lacv)
                .is_some_and(|i| t.categories[i].name != k.name)
        })
        .unwrap();
    let l = label(
        &p,
        "SECRET",
        &[(&ts.name, tag.tag_type.category_type(), vec![&k.name])],
    );
    let e = p.to_ess(&l).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::EssNotEncodable { value, .. } if value.contains(&k.name)),
        "{e}"
    );
}

#[test]
fn import_refusals_name_what_is_wrong() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let p = common::spif(V88);
    let good = p
        .to_ess(&label(
            &p,
            "SECRET",
            &[("Releasable To", CategoryType::Permissive, vec!["FIN"])],
        ))
        .unwrap();
    let mut other = good.clone();
    other.policy = Some("1.1".parse().unwrap());
    let e = p.from_ess(&other, created()).unwrap_err();
    assert!(e.to_string().contains("unknown policy id: 1.1"), "{e}");

    let mut none = good.clone();
    none.policy = None;
    assert!(matches!(
        p.from_ess(&none, created()).map_err(Error::into_kind),
        Err(ErrorKind::EssNoPolicy { .. })
    ));

    let mut no_class = good.clone();
    no_class.classification = None;
    assert_eq!(
        p.from_ess(&no_class, created()).map_err(Error::into_kind),
        Err(ErrorKind::EssNoClassification)
    );

    let unused_lacv = (0..=256u32)
        .find(|n| p.classifications.iter().all(|c| c.lacv != u64::from(*n)))
        .unwrap();
    let mut bad_class = good.clone();
    bad_class.classification = Some(unused_lacv);
    let (what, value) = unmapped(p.from_ess(&bad_class, created()));
    assert_eq!(
        (what, value),
        ("classification lacv", unused_lacv.to_string())
    );

    // `good` with one category of `tag_type` in the tag set `oid` instead of its own.
    let with_category = |tag_type, oid: &str, lacvs: &[u64]| {
        let mut l = good.clone();
        l.categories =
            vec![SecurityCategory::from_lacvs(tag_type, oid.parse().unwrap(), lacvs).unwrap()];
        p.from_ess(&l, created())
    };
    let bad_set = with_category(pouch_ess::TagType::Permissive, "1.2.3.4", &[1]);
    assert_eq!(unmapped(bad_set), ("tag set OID", "1.2.3.4".to_owned()));

    let tag = &p.tag_set("Releasable To").unwrap().tags[0];
    let unused = (0..10_000u64)
        .find(|n| tag.categories.iter().all(|c| c.lacv != *n))
        .unwrap();
    let bad_value = with_category(pouch_ess::TagType::Permissive, "1.3.26.1.4.2", &[unused]);
    assert_eq!(unmapped(bad_value).0, "value lacv");

    // Releasable To has a permissive bit map tag only: an enumerated category is refused.
    let enumerated = pouch_ess::TagType::Enumerated(pouch_ess::EnumType::Permissive);
    let bad_type = with_category(enumerated, "1.3.26.1.4.2", &[246]);
    assert_eq!(unmapped(bad_type).0, "tag type in tag set");
}

/// What an import refused as unmapped, and the label's value.
fn unmapped(r: Result<Label, Error>) -> (&'static str, String) {
    match r.map_err(Error::into_kind) {
        Err(ErrorKind::EssUnmapped { what, value, .. }) => (what, value),
        other => panic!("not unmapped: {other:?}"),
    }
}

/// spiffing's ESS samples, read with the codec and imported under every reference SPIF. Their
/// content (openssl asn1parse, labels/SOURCES.md): label-1 has no policy identifier,
/// label-2 and label-3 (BER, components out of order) name policy 1.1, which no SPIF has.
#[test]
fn spiffing_ber_samples() {
    pouch_reference::require!(pouch_reference::Suite::Labels);
    let read = |f: &str| {
        let bytes = std::fs::read(common::reference(&format!("surevine-spiffing/{f}"))).unwrap();
        EssLabel::decode(&bytes, &EssLimits::default()).unwrap()
    };
    let l1 = read("label-1.ber");
    assert_eq!(l1.label.policy, None);
    assert_eq!(l1.label.classification, Some(253));
    assert_eq!(
        l1.label.privacy_mark.as_ref().map(|m| m.as_str()),
        Some("Aqua (obsolete)")
    );
    let l2 = read("label-2.ber");
    let l3 = read("label-3.ber");
    assert_eq!(l2.encoding, pouch_ess::Encoding::Der);
    assert!(matches!(l3.encoding, pouch_ess::Encoding::Ber { .. }));
    assert_eq!(
        (l2.label.classification, l3.label.classification),
        (Some(4), Some(3))
    );
    for rel in SPIFS {
        let p = common::spif(rel);
        assert!(matches!(
            p.from_ess(&l1.label, created()).map_err(Error::into_kind),
            Err(ErrorKind::EssNoPolicy { .. })
        ));
        for l in [&l2.label, &l3.label] {
            let e = p.from_ess(l, created()).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::EssPolicyMismatch { found, .. } if found == "1.1")
            );
        }
    }
}

/// The loader keeps `tag7Encoding` (it chooses the ESS syntax) and refuses a value the SPIF
/// schema does not define, naming the element and line (POUCH-POL-006).
#[test]
fn tag7_encoding_is_read_and_checked() {
    let spif = |enc: &str| {
        format!(
            r#"<SPIF xmlns="http://www.xmlspif.org/spif" schemaVersion="2.1">
  <securityPolicyId name="DEMO" id="1.2.3.4"/>
  <securityClassifications>
    <securityClassification name="PUBLIC" lacv="1" hierarchy="1"/>
  </securityClassifications>
  <securityCategoryTagSets>
    <securityCategoryTagSet name="Notes" id="1.2.3.4.1">
      <securityCategoryTag name="Notes" tagType="tagType7" tag7Encoding="{enc}">
        <tagCategory name="A" lacv="3"/>
      </securityCategoryTag>
    </securityCategoryTagSet>
  </securityCategoryTagSets>
</SPIF>"#
        )
    };
    let p = Policy::load(
        spif("bitSetAttributes").as_bytes(),
        &pouch_policy::Limits::default(),
    )
    .unwrap();
    let l = label(
        &p,
        "PUBLIC",
        &[("Notes", CategoryType::Informative, vec!["A"])],
    );
    let ess = round_trip(&p, &l);
    assert!(matches!(
        &ess.categories[0],
        SecurityCategory::Informative {
            field: pouch_ess::FreeFormField::BitSet(_),
            ..
        }
    ));
    let e = Policy::load(spif("bits").as_bytes(), &pouch_policy::Limits::default()).unwrap_err();
    assert_eq!(
        (e.element(), e.line()),
        (Some("securityCategoryTag"), Some(8)),
        "{e}"
    );
}
