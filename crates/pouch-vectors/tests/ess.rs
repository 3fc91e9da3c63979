//! The ESS label vectors (`test-vectors/ess/`), run with the ESS codec and the policy
//! mapping: each decodes as its manifest says (DER, or the first departure from DER),
//! re-encodes to its DER form, imports under its SPIF to the expected label and exports
//! back to the same octets; or fails with the error kind the manifest names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use pouch_ess::{Encoding, EssLabel, Limits};
use pouch_label::{DateTime, Label, Limits as LabelLimits};
use pouch_policy::{Limits as PolicyLimits, Policy};
use pouch_vectors::ess::{CREATED, ESS_DIR, EssExpect, EssManifest, EssVector};

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(ESS_DIR)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The variant name of an error from its `Debug` form.
fn variant(debug: &str) -> String {
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn sorted(mut l: Label) -> Label {
    l.confidentiality
        .categories
        .sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    l
}

fn run(v: &EssVector) -> Result<(), String> {
    let input = read(&v.input);
    let policy = v
        .policy
        .as_ref()
        .map(|p| Policy::load(&read(p), &PolicyLimits::default()).unwrap());
    let created = DateTime::parse_canonical(CREATED).unwrap();
    let e = &v.expect;
    let decoded = EssLabel::decode(&input, &Limits::default());
    match (e.result.as_str(), e.stage.as_deref()) {
        ("error", Some("decode")) => {
            let err = match decoded {
                Ok(_) => return Err("decoded, expected an error".into()),
                Err(err) => err,
            };
            let kind = err.kind().name();
            if Some(kind) != e.error.as_deref() {
                return Err(format!("error {kind} ({err}), expected {:?}", e.error));
            }
            if kind != "TooLarge" && err.offset().is_none() {
                return Err(format!("{kind}: no byte offset (POUCH-ESS-014)"));
            }
            Ok(())
        }
        ("error", Some("import")) => {
            let d = decoded.map_err(|err| format!("decode: {err}"))?;
            let p = policy.ok_or("an import vector without a policy")?;
            match p.from_ess(&d.label, created) {
                Ok(l) => Err(format!("imported {l:?}, expected an error")),
                Err(err) => {
                    let name = variant(&format!("{:?}", err.kind()));
                    if Some(name.as_str()) != e.error.as_deref() {
                        return Err(format!("error {name} ({err}), expected {:?}", e.error));
                    }
                    match &e.message {
                        Some(m) if !err.to_string().contains(m.as_str()) => {
                            Err(format!("message {err:?} lacks {m:?}"))
                        }
                        _ => Ok(()),
                    }
                }
            }
        }
        ("ok", None) => {
            let d = decoded.map_err(|err| format!("decode: {err}"))?;
            let encoding = match d.encoding {
                Encoding::Der => "der".to_owned(),
                Encoding::Ber { deviation, .. } => format!("{deviation:?}"),
            };
            if Some(encoding.as_str()) != e.encoding.as_deref() {
                return Err(format!("encoding {encoding}, expected {:?}", e.encoding));
            }
            let der = read(e.der.as_deref().ok_or("no der")?);
            if d.label.to_der().map_err(|err| err.to_string())? != der {
                return Err("re-encoding differs from the DER form".into());
            }
            if let (Some(p), Some(json)) = (&policy, &e.label) {
                let want = Label::from_json(&read(json), &LabelLimits::default())
                    .map_err(|err| format!("{json}: {err}"))?;
                let got = p
                    .from_ess(&d.label, created)
                    .map_err(|err| format!("import: {err}"))?;
                // spec/05-policy.md §5.9 fixes the values' order (SPIF order) but not the
                // categories': compare them as a set, as the runner compares codes.
                if sorted(got.clone()) != sorted(want.clone()) {
                    return Err(format!(
                        "imported {}, expected {}",
                        got.to_json(),
                        want.to_json()
                    ));
                }
                let exported = p
                    .to_ess(&want)
                    .and_then(|l| {
                        l.to_der()
                            .map_err(|e| pouch_policy::ErrorKind::Ess(e).into())
                    })
                    .map_err(|err| format!("export: {err}"))?;
                if exported != der {
                    return Err("exporting the label gives other octets".into());
                }
            }
            Ok(())
        }
        other => Err(format!("unknown expectation {other:?}")),
    }
}

#[test]
fn every_ess_vector_gives_its_expected_result() {
    let m = EssManifest::load(&dir().join("manifest.toml")).unwrap();
    assert!(m.vector.len() >= 20, "{} vectors", m.vector.len());
    let failures: Vec<String> = m
        .vector
        .iter()
        .filter_map(|v| run(v).err().map(|e| format!("{}: {e}", v.id)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_of_ess_vector_is_there() {
    let m = EssManifest::load(&dir().join("manifest.toml")).unwrap();
    // (an expectation's field, the values some vector must expect in it)
    type Wanted = (fn(&EssExpect) -> &Option<String>, &'static [&'static str]);
    let wanted: [Wanted; 2] = [
        (
            |e| &e.error,
            &[
                "Truncated",
                "UnexpectedTag",
                "EssPolicyMismatch",
                "LimitExceeded",
            ],
        ),
        (
            |e| &e.encoding,
            &[
                "der",
                "LongLength",
                "SetOrder",
                "SetOfOrder",
                "BitStringPadding",
            ],
        ),
    ];
    for (field, values) in wanted {
        let found: Vec<&str> = m
            .vector
            .iter()
            .filter_map(|v| field(&v.expect).as_deref())
            .collect();
        for value in values {
            assert!(found.contains(value), "no {value} vector");
        }
    }
}
