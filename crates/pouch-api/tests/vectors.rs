//! The whole envelope vector suite through `VerifyContext`, with each provider: the exit
//! class must be the one the manifest expects (spec/07-conformance.md §7.4), and the
//! number of seals the manifest's; the verifier options are applied, and `open` vectors go
//! through `VerifyContext::open_bytes`, their decrypt codes and plaintext checked. Vectors listed in the reference adapter's exceptions
//! must still diverge, so the list cannot go stale.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::vectors;

/// The status of each class (spec/07-conformance.md §7.4), from the one exit-class type.
fn class_status(class: &str) -> u8 {
    pouch_status::ExitClass::from_name(class)
        .unwrap_or_else(|| panic!("unknown exit class {class}"))
        .code()
}

fn run(provider: &str) {
    let dir = vectors().join("envelopes");
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap();
    let exceptions: toml::Table = toml::from_str(
        &std::fs::read_to_string(
            vectors().join("../conformance/exceptions/reference-adapter.toml"),
        )
        .unwrap(),
    )
    .unwrap();
    // The file may list no exception at all.
    let none = Vec::new();
    let known: BTreeSet<&str> = exceptions
        .get("exception")
        .and_then(|e| e.as_array())
        .unwrap_or(&none)
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let features = pouch_api::adapter_features(Some(provider)).unwrap();
    let (mut passed, mut skipped, mut diverged) = (0, 0, 0);
    for v in manifest["vector"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let needs = v["features"].as_array().unwrap();
        if !needs
            .iter()
            .all(|f| features.iter().any(|c| c == f.as_str().unwrap()))
        {
            skipped += 1;
            continue;
        }
        let inputs = &v["inputs"];
        let mut ctx = pouch_api::VerifyContext::new(Some(provider)).unwrap();
        if let Some(t) = inputs.get("trust") {
            // As an adapter does: only the files the bundle names, relative to the bundle.
            let path = dir.join(t.as_str().unwrap());
            let base = path.parent().unwrap().to_path_buf();
            let text = std::fs::read_to_string(&path).unwrap();
            ctx.set_trust_with(&text, |name| {
                std::fs::read(base.join(name)).map_err(|e| e.to_string())
            })
            .unwrap();
        }
        for p in inputs
            .get("policies")
            .and_then(|p| p.as_array())
            .unwrap_or(&none)
        {
            let spif = std::fs::read(dir.join(p.as_str().unwrap())).unwrap();
            ctx.add_policy(&pouch_api::policy_load(&spif).unwrap());
        }
        if let Some(r) = inputs.get("recipient") {
            let clearance = inputs
                .get("clearance")
                .map(|c| std::fs::read(dir.join(c.as_str().unwrap())).unwrap());
            ctx.set_recipient(Some(r.as_str().unwrap()), clearance.as_deref())
                .unwrap();
        }
        ctx.set_seal_policy(inputs["seal-policy"].as_str().unwrap())
            .unwrap();
        ctx.set_at(Some(inputs["at"].as_str().unwrap())).unwrap();
        // The verifier options (spec/07-conformance.md POUCH-CNF-017).
        if let Some(a) = inputs.get("allowed-algs").and_then(|a| a.as_array()) {
            let list: Vec<&str> = a.iter().map(|x| x.as_str().unwrap()).collect();
            ctx.set_allowed_algs(Some(&list.join(","))).unwrap();
        }
        if let Some(r) = inputs.get("require-current-validity") {
            ctx.set_require_current_validity(r.as_bool().unwrap())
                .unwrap();
        }
        if let Some(n) = inputs.get("max-chain") {
            ctx.set_max_chain(Some(n.as_integer().unwrap() as usize))
                .unwrap();
        }
        let envelope = std::fs::read(dir.join(inputs["envelope"].as_str().unwrap())).unwrap();
        let payload = inputs
            .get("payload")
            .map(|p| std::fs::read(dir.join(p.as_str().unwrap())).unwrap());
        let expect = &v["expect"];
        let report = if v.get("operation").and_then(|o| o.as_str()) == Some("open") {
            // Opening (POUCH-CNF-016): the plaintext only when the manifest expects it.
            let read = |k: &str| std::fs::read(dir.join(inputs[k].as_str().unwrap())).unwrap();
            let mut plain = Vec::new();
            let opened = match ctx.open_bytes(
                &envelope,
                payload.as_deref(),
                &read("key"),
                &read("cert"),
                &mut plain,
            ) {
                Ok(o) => o,
                Err(e) => {
                    // An untrusted opener's certificate: exit 13 without a report.
                    assert_eq!(
                        (e.exit_class(), expect["exit"].as_str()),
                        (Some(13), Some("trust")),
                        "{id} ({provider}): {e}"
                    );
                    passed += 1;
                    continue;
                }
            };
            match expect.get("plaintext") {
                Some(f) => {
                    assert!(opened.ok(), "{id} ({provider}): {}", opened.report_json());
                    assert_eq!(plain, std::fs::read(dir.join(f.as_str().unwrap())).unwrap());
                }
                None => assert!(!opened.ok(), "{id} ({provider}) opened"),
            }
            let want: Vec<&str> = expect["decrypt"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let got: Vec<&str> = opened
                .report()
                .decrypt
                .iter()
                .flatten()
                .map(|e| e.code.id())
                .collect();
            assert_eq!(got, want, "{id} ({provider})");
            assert_eq!(
                opened.exit_class(),
                class_status(expect["exit"].as_str().unwrap()),
                "{id} ({provider}): {}",
                opened.report_json()
            );
            opened.into_report()
        } else {
            ctx.verify(&envelope, payload.as_deref())
        };
        let want_exit = class_status(expect["exit"].as_str().unwrap());
        let want_seals = expect
            .get("seals")
            .map_or(0, |s| s.as_array().unwrap().len());
        let ok = pouch_api::exit_class(&report) == want_exit && report.seals.len() == want_seals;
        if known.contains(id) {
            assert!(!ok, "{id} is listed as a known divergence but passes");
            diverged += 1;
        } else {
            assert!(
                ok,
                "{id} ({provider}): exit {} (want {want_exit}), {} seals (want {want_seals}): {}",
                pouch_api::exit_class(&report),
                report.seals.len(),
                pouch_api::report_json(&report)
            );
            passed += 1;
        }
    }
    eprintln!("{provider}: {passed} passed, {diverged} known divergences, {skipped} skipped");
    assert!(passed >= 50, "only {passed} vectors ran");
    // Every vector needs only features this API claims (the policy and release stages
    // included), so none is skipped.
    assert_eq!(skipped, 0, "{skipped} vectors skipped");
}

#[cfg(feature = "awslc")]
#[test]
fn every_vector_with_aws_lc() {
    run("aws-lc");
}

#[test]
fn every_vector_with_rustcrypto() {
    run("rustcrypto");
}
