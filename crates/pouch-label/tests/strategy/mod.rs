//! A proptest strategy that generates any well-formed label.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use pouch_label::{
    BitString, Category, CategoryType, CategoryValue, ConfidentialityInformation, DateTime, IdType,
    Label, OriginatorId, SuccessionHandling, SuccessorLabel, Text, Token, XmlId,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Characters XML can carry, weighted toward the awkward ones.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => Just(' '),
        1 => Just('\t'),
        1 => Just('\n'),
        1 => Just('\r'),
        1 => prop_oneof![Just('<'), Just('>'), Just('&'), Just('"'), Just('\''), Just(']')],
        1 => proptest::char::range('\u{a0}', '\u{d7ff}'),
        1 => proptest::char::range('\u{e000}', '\u{fffd}'),
        1 => proptest::char::range('\u{10000}', '\u{10ffff}'),
    ]
}

pub fn text() -> impl Strategy<Value = Text> {
    vec(xml_char(), 0..12).prop_map(|c| Text::new(c.into_iter().collect::<String>()).unwrap())
}

pub fn token() -> impl Strategy<Value = Token> {
    vec(vec(xml_char(), 1..6), 1..4).prop_filter_map("collapsible", |words| {
        let joined = words
            .into_iter()
            .map(|w| w.into_iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        Token::collapse(&joined).ok()
    })
}

pub fn time() -> impl Strategy<Value = DateTime> {
    (
        -62_135_596_800i64..=253_402_300_799,
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
    )
        .prop_map(|(s, n)| DateTime::from_unix(s, n).unwrap())
}

fn value() -> impl Strategy<Value = CategoryValue> {
    prop_oneof![
        text().prop_map(CategoryValue::Generic),
        any::<u64>().prop_map(CategoryValue::Integer),
        "[01]{1,40}".prop_map(|s| CategoryValue::BitString(BitString::new(s).unwrap())),
    ]
}

fn category() -> impl Strategy<Value = Category> {
    (
        text(),
        prop_oneof![
            Just(CategoryType::Restrictive),
            Just(CategoryType::Permissive),
            Just(CategoryType::Informative)
        ],
        option::of(token()),
        vec(value(), 0..5),
    )
        .prop_map(|(tag_name, category_type, uri, values)| Category {
            tag_name,
            category_type,
            uri,
            values,
        })
}

fn info() -> impl Strategy<Value = ConfidentialityInformation> {
    (
        token(),
        option::of(token()),
        token(),
        option::of(token()),
        option::of(text()),
        vec(category(), 0..4),
    )
        .prop_map(|(p, pu, c, cu, pm, cats)| {
            let mut i = ConfidentialityInformation::new(p, c);
            i.policy_identifier_uri = pu;
            i.classification_uri = cu;
            i.privacy_mark = pm;
            i.categories = cats;
            i
        })
}

fn originator() -> impl Strategy<Value = OriginatorId> {
    (0usize..8, text()).prop_map(|(i, value)| OriginatorId {
        id_type: IdType::ALL[i],
        value,
    })
}

fn successor() -> impl Strategy<Value = SuccessorLabel> {
    let leaf = (info(), option::of(originator()), time()).prop_map(|(i, o, t)| SuccessorLabel {
        confidentiality: i,
        originator_id: o,
        creation_date_time: t,
        succession_handling: None,
    });
    leaf.prop_recursive(2, 3, 1, |inner| {
        (
            info(),
            option::of(originator()),
            time(),
            option::of((time(), inner)),
        )
            .prop_map(|(i, o, t, s)| SuccessorLabel {
                confidentiality: i,
                originator_id: o,
                creation_date_time: t,
                succession_handling: s.map(handling),
            })
    })
}

/// Succession to `successor` at `at`.
fn handling((at, successor): (DateTime, SuccessorLabel)) -> SuccessionHandling {
    SuccessionHandling {
        succession_date_time: at,
        successor: Box::new(successor),
    }
}

pub fn label() -> impl Strategy<Value = Label> {
    (
        info(),
        option::of(originator()),
        time(),
        option::of((time(), successor())),
        option::of(time()),
        option::of("[A-Za-z_][A-Za-z0-9._-]{0,8}"),
    )
        .prop_map(|(i, o, t, s, r, id)| Label {
            confidentiality: i,
            originator_id: o,
            creation_date_time: t,
            succession_handling: s.map(handling),
            review_date_time: r,
            id: id.map(|s| XmlId::new(s).unwrap()),
        })
}
