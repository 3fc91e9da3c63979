//! Each function of the API, with good and bad input. Expected outcomes follow from how the
//! input was made (a flipped byte, a missing file), never from a previous run's output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;

use common::{AT, SIGNED, context, label_json, pki, seal_nor};
use pouch_api::{ApiError, EndorseOptions, SealOptions, class};
use serde_json::Value;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn codes(v: &Value) -> Vec<String> {
    v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

const DEMO_SECRET: &str = r#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO",
  "classification":"SECRET","categories":[{"tagName":"Releasable To","type":"PERMISSIVE",
  "values":["COALITION","FIN"]}]},"creationDateTime":"2026-11-28T09:00:00Z"}"#;

fn demo_policy() -> pouch_api::Policy {
    pouch_api::policy_load(pouch_policy::demo::COALITION_SPIF).unwrap()
}

#[test]
fn the_owned_types_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<pouch_api::VerifyContext>();
    send_sync::<pouch_api::Policy>();
    send_sync::<pouch_api::Report>();
    send_sync::<ApiError>();
}

#[test]
fn an_embedded_seal_verifies_and_is_trusted_with_both_providers() {
    let env = seal_nor(b"record", false);
    for p in pouch_api::provider_names() {
        let report = context(p, "bundle.toml").verify(&env, None);
        assert!(report.is_valid() && report.signers_trusted(), "{p}");
        assert_eq!(pouch_api::exit_class(&report), 0);
        assert_eq!(report.seals.len(), 1);
        let j = json(&pouch_api::report_json(&report));
        assert_eq!(j["seals"][0]["trust"][0]["code"], "trust.signer-trusted");
    }
}

#[test]
fn a_flipped_byte_is_a_seal_failure() {
    let mut env = seal_nor(b"record", false);
    // The payload is the embedded record: flip its last byte inside the envelope.
    let at = env.windows(6).position(|w| w == b"record").unwrap() + 5;
    env[at] ^= 1;
    let report = context("rustcrypto", "bundle.toml").verify(&env, None);
    assert_eq!(pouch_api::exit_class(&report), 10);
    assert!(!report.seals[0].signature_valid());
}

#[test]
fn a_detached_record_is_checked_only_when_given() {
    let env = seal_nor(b"detached record", true);
    let ctx = context("rustcrypto", "bundle.toml");
    assert_eq!(
        pouch_api::exit_class(&ctx.verify(&env, Some(b"detached record"))),
        0
    );
    let wrong = ctx.verify(&env, Some(b"detached recorD"));
    assert_eq!(pouch_api::exit_class(&wrong), 11);
    assert!(pouch_api::report_json(&wrong).contains("payload.digest-mismatch"));
    let unchecked = ctx.verify(&env, None);
    assert!(pouch_api::report_json(&unchecked).contains("payload.not-checked"));
}

#[test]
fn without_a_bundle_no_trust_stage_runs_and_an_untrusting_bundle_fails_trust() {
    let env = seal_nor(b"record", false);
    let mut ctx = pouch_api::VerifyContext::new(Some("rustcrypto")).unwrap();
    ctx.set_at(Some(AT)).unwrap();
    let r = ctx.verify(&env, None);
    assert!(r.seals[0].trust.is_empty());
    // A bundle that trusts only Denmark: Norway's signer has no path.
    let dnk =
        "format = 1\n[[nation]]\ncode = \"DNK\"\ncountry = \"DK\"\nanchors = [\"DNK/root.pem\"]\n";
    let files = HashMap::from([("DNK/root.pem".to_owned(), pki("DNK/root.pem"))]);
    ctx.set_trust(dnk, &files).unwrap();
    let r = ctx.verify(&env, None);
    assert_eq!(pouch_api::exit_class(&r), 13);
    assert!(!r.seals[0].signer_trusted());
    ctx.clear_trust().unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 0);
    let dir = common::vectors().join("envelopes/pki");
    ctx.set_trust_file(&dir.join("bundle.toml")).unwrap();
    assert!(ctx.verify(&env, None).signers_trusted());
    let e = ctx
        .set_trust_file(&dir.join("no-such-bundle.toml"))
        .unwrap_err();
    assert_eq!(e.code, class::TRUST_BUNDLE);
}

#[test]
fn seal_policies_are_parsed_and_applied() {
    let env = seal_nor(b"record", false);
    let mut ctx = context("rustcrypto", "bundle.toml");
    ctx.set_seal_policy("nations:2:NOR,DNK").unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 12);
    ctx.set_seal_policy("nations:1:NOR").unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 0);
    ctx.set_seal_policy("hybrid").unwrap();
    assert_eq!(pouch_api::exit_class(&ctx.verify(&env, None)), 12);
    for bad in ["any", "nations:x:NOR", "nations:1", "nations:1:", ""] {
        assert_eq!(
            ctx.set_seal_policy(bad).unwrap_err().code,
            class::ARGUMENT,
            "{bad}"
        );
    }
}

#[test]
fn bad_context_settings_are_typed_errors() {
    assert_eq!(
        pouch_api::VerifyContext::new(Some("openssl"))
            .unwrap_err()
            .code,
        class::ARGUMENT
    );
    let mut ctx = pouch_api::VerifyContext::new(None).unwrap();
    assert_eq!(
        ctx.set_at(Some("yesterday")).unwrap_err().code,
        class::ARGUMENT
    );
    let bundle =
        std::fs::read_to_string(common::vectors().join("envelopes/pki/bundle.toml")).unwrap();
    let e = ctx.set_trust(&bundle, &HashMap::new()).unwrap_err();
    assert_eq!(e.code, class::TRUST_BUNDLE);
    assert!(e.message.contains("root.pem"), "{e}");
    assert_eq!(
        ctx.set_trust("format = [", &HashMap::new())
            .unwrap_err()
            .code,
        class::TRUST_BUNDLE
    );
    // An anchor that is not a certificate fails when the validator parses it.
    let junk = "format = 1\n[[nation]]\ncode = \"NOR\"\nanchors = [\"a.der\"]\n";
    let files = HashMap::from([("a.der".to_owned(), vec![0x30, 0x03, 0x02, 0x01, 0x00])]);
    assert_eq!(
        ctx.set_trust(junk, &files).unwrap_err().code,
        class::TRUST_BUNDLE
    );
    assert_eq!(
        ctx.set_recipient(None, Some(b"{}")).unwrap_err().code,
        class::ARGUMENT
    );
    assert_eq!(
        ctx.set_recipient(Some(" "), None).unwrap_err().code,
        class::ARGUMENT
    );
    assert_eq!(
        ctx.set_recipient(Some("FIN"), Some(b"not json"))
            .unwrap_err()
            .code,
        class::CLEARANCE
    );
}

#[test]
fn garbage_envelopes_give_a_malformed_report_not_a_panic() {
    let ctx = pouch_api::VerifyContext::new(None).unwrap();
    for bytes in [&b""[..], b"\xff", b"\xd8\x62\x84", &[0u8; 100]] {
        let r = ctx.verify(bytes, None);
        assert_eq!(pouch_api::exit_class(&r), 3, "{bytes:?}");
        assert!(!r.is_valid());
    }
}

#[test]
fn policy_and_release_stages_run_when_set() {
    let env = seal_nor(b"record", false);
    let mut ctx = context("rustcrypto", "bundle.toml");
    ctx.add_policy(&demo_policy());
    ctx.set_recipient(Some("FIN"), None).unwrap();
    let r = ctx.verify(&env, None);
    // The label is under NATO, which the context does not hold: the policy stage says so.
    assert!(!r.policy.is_empty());
    assert!(r.release.is_some());
    ctx.set_recipient(None, None).unwrap();
    assert!(ctx.verify(&env, None).release.is_none());
}

#[test]
fn seal_refuses_bad_inputs_with_their_class() {
    let key = pki("NOR/signer-ES384.key.pem");
    let chain = pki("NOR/signer-ES384.pem");
    let label = label_json();
    let ok = SealOptions {
        signing_time: Some(SIGNED.into()),
        ..Default::default()
    };
    let err = |l: &[u8], k: &[u8], c: &[u8], o: &SealOptions| {
        pouch_api::seal(l, b"x", k, c, o).unwrap_err().code
    };
    assert_eq!(err(b"{\"nope\":1}", &key, &chain, &ok), "label.malformed");
    assert_eq!(err(b"<x/>", &key, &chain, &ok), "label.malformed");
    assert_eq!(err(&label, b"not a key", &chain, &ok), class::KEY);
    assert_eq!(
        err(
            &label,
            b"-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----\n",
            &chain,
            &ok
        ),
        class::KEY
    );
    assert_eq!(err(&label, &key, b"", &ok), class::CERTIFICATE);
    assert_eq!(
        err(
            &label,
            &key,
            b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
            &ok
        ),
        class::CERTIFICATE
    );
    // `ok` with one change.
    let with = |change: fn(&mut SealOptions)| {
        let mut o = ok.clone();
        change(&mut o);
        o
    };
    for o in [
        with(|o| o.provider = Some("nss".into())),
        with(|o| o.role = Some("king".into())),
        with(|o| {
            o.detached = true;
            o.digest = Some("md5".into());
        }),
        with(|o| o.alg = Some("ES999".into())),
        with(|o| o.signing_time = Some("28/11/2026".into())),
    ] {
        assert_eq!(err(&label, &key, &chain, &o), class::ARGUMENT, "{o:?}");
    }
    // An algorithm that is not the key's: the key does not load as that algorithm.
    let eddsa = with(|o| o.alg = Some("EdDSA".into()));
    assert_eq!(err(&label, &key, &chain, &eddsa), class::KEY);
}

#[test]
fn seal_takes_every_label_form_and_der_inputs() {
    let label = label_json();
    let cbor = pouch_api::label_convert(&label, None, "cbor").unwrap();
    let xml = pouch_api::label_convert(&label, None, "xml").unwrap();
    let key_der =
        pouch_crypto::keys::pem_decode(&pki("NOR/signer-EdDSA.key.pem"), "PRIVATE KEY").unwrap();
    let chain = pki("NOR/signer-EdDSA.pem");
    let o = SealOptions {
        provider: Some("rustcrypto".into()),
        content_type: Some("text/plain".into()),
        signing_time: Some(SIGNED.into()),
        ..Default::default()
    };
    let ctx = context("rustcrypto", "bundle.toml");
    for l in [&label, &cbor, &xml] {
        let env = pouch_api::seal(l, b"r", &key_der, &chain, &o).unwrap();
        let r = ctx.verify(&env, None);
        assert!(r.is_valid() && r.signers_trusted());
        assert_eq!(r.seals[0].algorithm.as_deref(), Some("EdDSA"));
    }
}

#[test]
fn endorse_adds_a_trusted_second_seal_and_refuses_a_broken_envelope() {
    let env = seal_nor(b"record", false);
    let o = EndorseOptions {
        release_to: Some(vec!["FIN".into()]),
        alternative_label: None,
        signing_time: Some(SIGNED.into()),
        ..Default::default()
    };
    let two = pouch_api::endorse(
        &env,
        &pki("DNK/signer-ML-DSA-65.key.pem"),
        &pki("DNK/signer-ML-DSA-65.pem"),
        &o,
    )
    .unwrap();
    let mut ctx = context("rustcrypto", "bundle.toml");
    ctx.set_seal_policy("hybrid").unwrap();
    let r = ctx.verify(&two, None);
    assert_eq!(r.seals.len(), 2);
    assert!(r.is_valid() && r.signers_trusted());
    assert_eq!(r.seals[1].role, Some("endorser"));
    let seals = json(&pouch_api::inspect(&two).unwrap())["seals"].clone();
    assert_eq!(seals[1]["releaseTo"][0], "FIN");

    let mut broken = env.clone();
    let last = broken.len() - 1;
    broken[last] ^= 1; // the last byte is the seal's signature
    let e = pouch_api::endorse(
        &broken,
        &pki("DNK/signer-ES384.key.pem"),
        &pki("DNK/signer-ES384.pem"),
        &o,
    )
    .unwrap_err();
    assert_eq!(e.code, "seal.signature-invalid", "{e}");
    let e = pouch_api::endorse(
        b"\x00",
        &pki("DNK/signer-ES384.key.pem"),
        &pki("DNK/signer-ES384.pem"),
        &o,
    )
    .unwrap_err();
    assert!(e.code.starts_with("envelope."), "{e}");
    let bad_alt = EndorseOptions {
        alternative_label: Some(b"{}".to_vec()),
        ..o
    };
    let e = pouch_api::endorse(
        &env,
        &pki("DNK/signer-ES384.key.pem"),
        &pki("DNK/signer-ES384.pem"),
        &bad_alt,
    )
    .unwrap_err();
    assert_eq!(e.code, "label.malformed");
}

#[test]
fn inspect_shows_the_header_and_refuses_garbage() {
    let env = seal_nor(b"record", true);
    let j = json(&pouch_api::inspect(&env).unwrap());
    assert_eq!(j["content"]["payload"], "detached");
    assert_eq!(j["content"]["digestAlgorithm"], "SHA-256");
    assert_eq!(j["seals"][0]["algorithm"], "ES384");
    assert_eq!(j["seals"][0]["signingTime"], SIGNED);
    assert_eq!(
        j["label"]["confidentialityInformation"]["classification"],
        "CONFIDENTIAL"
    );
    assert_eq!(j["envelopeId"].as_str().unwrap().len(), 32);
    let e = pouch_api::inspect(b"garbage").unwrap_err();
    assert!(e.code.starts_with("envelope."), "{e}");
}

#[test]
fn inspect_lists_each_certificate_of_a_seal_chain() {
    let env = seal_nor(b"record", false);
    let j = json(&pouch_api::inspect(&env).unwrap());
    let seal = &j["seals"][0];
    let chain = seal["chain"].as_array().unwrap();
    assert_eq!(chain.len(), seal["certificates"].as_u64().unwrap() as usize);
    assert!(chain.len() >= 2, "leaf and intermediate: {chain:?}");
    assert_eq!(chain[0]["subject"], seal["signer"]);
    // Leaf first: each certificate is issued by the next one's subject.
    for pair in chain.windows(2) {
        assert_eq!(pair[0]["issuer"], pair[1]["subject"], "{chain:?}");
        assert_ne!(pair[0]["subject"], pair[1]["subject"]);
    }
    for c in chain {
        let (from, until) = (
            c["notBefore"].as_str().unwrap(),
            c["notAfter"].as_str().unwrap(),
        );
        assert!(from <= SIGNED && SIGNED <= until, "{c}");
    }
}

#[test]
fn labels_convert_losslessly_between_forms() {
    let json_label = label_json();
    let cbor = pouch_api::label_convert(&json_label, Some("json"), "cbor").unwrap();
    let xml = pouch_api::label_convert(&cbor, Some("cbor"), "xml").unwrap();
    let back = pouch_api::label_convert(&xml, None, "json").unwrap();
    let again = pouch_api::label_convert(&back, None, "cbor").unwrap();
    assert_eq!(cbor, again);
    assert!(
        std::str::from_utf8(&xml)
            .unwrap()
            .contains("originatorConfidentialityLabel")
    );
    assert_eq!(
        pouch_api::label_convert(&json_label, None, "yaml")
            .unwrap_err()
            .code,
        class::ARGUMENT
    );
    assert_eq!(
        pouch_api::label_convert(&json_label, Some("xml"), "json")
            .unwrap_err()
            .code,
        "label.malformed"
    );
    assert_eq!(
        pouch_api::label_convert(b"", None, "json")
            .unwrap_err()
            .code,
        "label.malformed"
    );
}

#[test]
fn label_check_reports_well_formed_advisories_and_policy_codes() {
    let c = codes(&json(
        &pouch_api::label_check(DEMO_SECRET.as_bytes(), None).unwrap(),
    ));
    // No reviewDateTime: the advisory rule of spec/02-label.md.
    assert_eq!(c, ["label.well-formed", "label.review-time-missing"]);
    let c = codes(&json(
        &pouch_api::label_check(DEMO_SECRET.as_bytes(), Some(&demo_policy())).unwrap(),
    ));
    assert!(c.contains(&"policy.label-valid".to_owned()), "{c:?}");
    let unknown = DEMO_SECRET.replace("SECRET", "ULTRA");
    let c = codes(&json(
        &pouch_api::label_check(unknown.as_bytes(), Some(&demo_policy())).unwrap(),
    ));
    assert!(
        c.contains(&"policy.classification-unknown".to_owned()),
        "{c:?}"
    );
    for dir in ["json/invalid", "xml/invalid"] {
        for f in std::fs::read_dir(common::vectors().join("labels").join(dir)).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            assert_eq!(
                pouch_api::label_check(&bytes, None).unwrap_err().code,
                "label.malformed"
            );
        }
    }
}

#[test]
fn label_render_plain_and_under_a_policy() {
    let l = DEMO_SECRET.as_bytes();
    assert_eq!(
        pouch_api::label_render(l, None, None).unwrap(),
        "SECRET Releasable To COALITION, FIN"
    );
    let p = demo_policy();
    assert_eq!(
        pouch_api::label_render(l, Some(&p), None).unwrap(),
        "DEMO SECRET Releasable to COALITION, FIN"
    );
    assert_eq!(
        pouch_api::label_render(l, Some(&p), Some("nb")).unwrap(),
        "DEMO HEMMELIG Kan frigis til COALITION, FIN"
    );
    assert_eq!(
        pouch_api::label_render(l, None, Some("nb"))
            .unwrap_err()
            .code,
        class::ARGUMENT
    );
    let unknown = DEMO_SECRET.replace("SECRET", "ULTRA");
    assert_eq!(
        pouch_api::label_render(unknown.as_bytes(), Some(&p), None)
            .unwrap_err()
            .code,
        class::LABEL_POLICY
    );
}

#[test]
fn policy_load_gives_a_handle_or_a_spif_error() {
    let p = demo_policy();
    assert_eq!((p.name(), p.id()), ("POUCH-DEMO", "2.999.4774.1"));
    assert!(p.warnings().is_empty());
    for bad in [&b""[..], b"<notaspif/>", b"\xff\xfe"] {
        assert_eq!(pouch_api::policy_load(bad).unwrap_err().code, class::SPIF);
    }
}

#[test]
fn release_permits_members_and_denies_others() {
    let p = demo_policy();
    // COALITION is NOR, DNK, NLD (the SPIF's memberships); FIN is named.
    for (who, permitted) in [("DNK", true), ("FIN", true), ("SWE", false)] {
        let d = json(&pouch_api::release(DEMO_SECRET.as_bytes(), &p, who, None).unwrap());
        assert_eq!(d["permitted"], permitted, "{who}: {d}");
        let last = codes(&d).last().cloned().unwrap();
        assert_eq!(
            last,
            if permitted {
                "release.permitted"
            } else {
                "release.denied"
            }
        );
    }
    assert_eq!(
        pouch_api::release(DEMO_SECRET.as_bytes(), &p, "", None)
            .unwrap_err()
            .code,
        class::ARGUMENT
    );
    assert_eq!(
        pouch_api::release(DEMO_SECRET.as_bytes(), &p, "DNK", Some(b"["))
            .unwrap_err()
            .code,
        class::CLEARANCE
    );
    assert_eq!(
        pouch_api::release(b"{", &p, "DNK", None).unwrap_err().code,
        "label.malformed"
    );
}

#[test]
fn adapter_features_follow_the_provider() {
    let f = pouch_api::adapter_features(Some("rustcrypto")).unwrap();
    assert!(f.contains(&"envelope".to_owned()) && f.contains(&"alg:ML-DSA-65".to_owned()));
    // VerifyContext runs the policy and release stages (add_policy, set_recipient).
    assert!(f.contains(&"policy".to_owned()) && f.contains(&"release".to_owned()));
    assert_eq!(
        pouch_api::adapter_features(Some("x")).unwrap_err().code,
        class::ARGUMENT
    );
}

#[test]
fn set_trust_with_reports_a_file_the_resolver_cannot_give() {
    let mut ctx = pouch_api::VerifyContext::new(Some("rustcrypto")).unwrap();
    let text = String::from_utf8(pki("bundle.toml")).unwrap();
    let mut asked = Vec::new();
    let e = ctx
        .set_trust_with(&text, |name| {
            asked.push(name.to_owned());
            Err("not here".to_owned())
        })
        .unwrap_err();
    assert_eq!(e.code, class::TRUST_BUNDLE);
    assert!(e.message.contains("not here"), "{e}");
    assert_eq!(asked.first().map(String::as_str), Some("NOR/root.pem"));
}

/// POUCH-POL-085: a recipient needs a trust bundle. The context refuses a recipient while no
/// bundle is set and refuses to drop the bundle while a recipient is set; either refusal is
/// an argument error that leaves the context as it was, never a recipient silently dropped.
#[test]
fn a_recipient_without_a_trust_bundle_is_refused_and_never_dropped() {
    let env = seal_nor(b"record", false);
    let mut bare = pouch_api::VerifyContext::new(Some("rustcrypto")).unwrap();
    bare.set_at(Some(AT)).unwrap();
    let e = bare.set_recipient(Some("FIN"), None).unwrap_err();
    assert_eq!(e.code, class::ARGUMENT, "{e}");
    assert!(e.message.contains("POUCH-POL-085"), "{e}");
    assert!(
        bare.verify(&env, None).release.is_none(),
        "refused, so unchanged"
    );

    let mut ctx = context("rustcrypto", "bundle.toml");
    ctx.add_policy(&demo_policy());
    ctx.set_recipient(Some("FIN"), None).unwrap();
    let e = ctx.clear_trust().unwrap_err();
    assert_eq!(e.code, class::ARGUMENT, "{e}");
    let r = ctx.verify(&env, None);
    assert!(
        !r.seals[0].trust.is_empty(),
        "the trust bundle is still set"
    );
    assert_eq!(
        r.release.as_ref().map(|r| r.recipient.as_str()),
        Some("FIN")
    );
    // In the order the errors ask for, both changes are made.
    ctx.set_recipient(None, None).unwrap();
    ctx.clear_trust().unwrap();
    let r = ctx.verify(&env, None);
    assert!(r.release.is_none() && r.seals[0].trust.is_empty());
}
