//! The whole envelope vector suite through `VerifyContext`, with each provider: the exit
//! class must be the one the manifest expects (spec/07-conformance.md §7.4), and the
//! number of seals the manifest's. Vectors listed in the reference adapter's exceptions
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
        for spif in inputs
            .get("policies")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            let bytes = std::fs::read(dir.join(spif.as_str().unwrap())).unwrap();
            ctx.add_policy(&pouch_api::policy_load(&bytes).unwrap());
        }
        if let Some(r) = inputs.get("recipient") {
            let clearance = inputs
                .get("clearance")
                .map(|c| std::fs::read(dir.join(c.as_str().unwrap())).unwrap());
            ctx.set_recipient(Some(r.as_str().unwrap()), clearance.as_deref())
                .unwrap();
        }
        let envelope = std::fs::read(dir.join(inputs["envelope"].as_str().unwrap())).unwrap();
        let payload = inputs
            .get("payload")
            .map(|p| std::fs::read(dir.join(p.as_str().unwrap())).unwrap());
        let report = ctx.verify(&envelope, payload.as_deref());
        let expect = &v["expect"];
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
