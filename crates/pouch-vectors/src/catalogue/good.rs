//! Honest envelopes: every algorithm, embedded and detached, several seals and the seal
//! policies over them, an endorsement with an alternative label.

use pouch::{ContentType, Payload};
use pouch_crypto::{Algorithm, DigestAlgorithm};
use pouch_status::{self as s, StatusCode};

use super::{Case, report, seal_fault, trusted, valid_with_trust};
use crate::Error;
use crate::craft::{self, RawSeal, SealOpts};
use crate::fixture::{Fixture, NOW, label, time};

/// The record most vectors carry.
pub(crate) const RECORD: &[u8] = b"FROSTY PINE sitrep 0600Z: all units in position.\n";

fn one_seal(
    fx: &Fixture,
    id: &'static str,
    signer: (&str, Algorithm),
    named: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let sg = match named {
        Some(n) => fx.named(n)?,
        None => fx.signer(signer.0, signer.1)?,
    };
    craft::originator_embedded(id, &label("NATO", "SECRET")?, RECORD, &sg)
}

pub(crate) fn cases(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let ok = || report(vec![trusted()], s::SEAL_POLICY_SATISFIED);

    // One vector per registry algorithm that seals reproducibly.
    let algs: [(&'static str, &'static str, Algorithm, &str, Option<&str>); 8] = [
        (
            "env-alg-es256",
            "ES256 seal (MUST)",
            Algorithm::Es256,
            "NOR",
            Some("es256"),
        ),
        (
            "env-alg-es384",
            "ES384 seal (MUST)",
            Algorithm::Es384,
            "NOR",
            None,
        ),
        (
            "env-alg-eddsa",
            "EdDSA (Ed25519) seal (MUST)",
            Algorithm::EdDsa,
            "DNK",
            None,
        ),
        (
            "env-alg-ml-dsa-65",
            "ML-DSA-65 seal (MUST)",
            Algorithm::MlDsa65,
            "NOR",
            None,
        ),
        (
            "env-alg-ps256",
            "PS256 seal (SHOULD)",
            Algorithm::Ps256,
            "NOR",
            Some("ps256"),
        ),
        (
            "env-alg-es512",
            "ES512 seal (SHOULD)",
            Algorithm::Es512,
            "NOR",
            Some("es512"),
        ),
        (
            "env-alg-ml-dsa-44",
            "ML-DSA-44 seal (SHOULD)",
            Algorithm::MlDsa44,
            "NOR",
            Some("ml-dsa-44"),
        ),
        (
            "env-alg-ml-dsa-87",
            "ML-DSA-87 seal (SHOULD)",
            Algorithm::MlDsa87,
            "NOR",
            Some("ml-dsa-87"),
        ),
    ];
    for (id, title, alg, nation, named) in algs {
        let mut c = Case::new(
            id,
            title,
            "One originator seal over an embedded record and a NATO SECRET label, by a signer of the demo coalition (seed 4774) whose chain leads to its nation's anchor in the bundle. Every stage succeeds.",
            &[
                "POUCH-ENV-001",
                "POUCH-ENV-010",
                "POUCH-ENV-020",
                "POUCH-ENV-031",
                "POUCH-ENV-070",
                "POUCH-LBL-010",
                "POUCH-TRUST-001",
                "POUCH-TRUST-010",
                "POUCH-TRUST-011",
                "POUCH-TRUST-030",
                "POUCH-TRUST-040",
                "POUCH-TRUST-050",
            ],
        );
        c.algorithms = vec![alg];
        c.envelope = one_seal(fx, id, (nation, alg), named)?;
        c.expect = ok();
        out.push(c);
    }

    // High-S ECDSA must verify (POUCH-ENV-071).
    let sg = fx.named("es256")?;
    let env = craft::originator_embedded(
        "env-alg-es256-high-s",
        &label("NATO", "SECRET")?,
        RECORD,
        &sg,
    )?;
    let p = craft::parts(&env)?;
    let (protected, sig) = p
        .seals
        .into_iter()
        .next()
        .ok_or(Error::Generate("no seal".into()))?;
    let mut c = Case::new(
        "env-alg-es256-high-s",
        "ES256 seal with a high-S signature",
        "An ES256 seal whose s is replaced by n - s when it is in the lower half of the P-256 order: the same signature in its other, equally valid form. Pouch accepts both forms.",
        &["POUCH-ENV-071", "POUCH-ENV-031"],
    );
    c.algorithms = vec![Algorithm::Es256];
    c.envelope = craft::assemble(
        &p.body,
        &p.payload,
        &[RawSeal::new(protected, craft::es256_high_s(&sig)?)],
    );
    c.expect = ok();
    out.push(c);

    // Valid without a trust stage: "valid" is not "trusted".
    let mut c = Case::es384(
        "env-no-trust-bundle",
        "Valid seal, no trust stage",
        "The ES384 envelope verified without a trust bundle: the signature is valid and no trust code is reported, because nothing was said about who the signer is.",
        &["POUCH-ENV-031", "POUCH-ENV-050", "POUCH-SEC-003"],
    );
    c.trust = false;
    c.envelope = one_seal(fx, "env-no-trust-bundle", ("NOR", Algorithm::Es384), None)?;
    c.expect = report(vec![valid_with_trust(&[])], s::SEAL_POLICY_SATISFIED);
    out.push(c);

    // A label that breaks an advisory rule: a warning, still valid.
    let sg = fx.signer("NOR", Algorithm::Es384)?;
    let no_review = pouch_label::Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"RESTRICTED"},"creationDateTime":"2026-11-28T09:15:00Z"}"#,
        &pouch_label::Limits::default(),
    )
    .map_err(|e| Error::Generate(format!("label: {e}")))?;
    let mut c = Case::es384(
        "env-label-review-time-missing",
        "Originator label without a review time",
        "A NATO RESTRICTED label with neither ReviewDateTime nor SuccessionHandling: the label stage warns, the envelope is still valid and trusted.",
        &["POUCH-LBL-030", "POUCH-ENV-012"],
    );
    c.envelope = craft::originator_embedded(c.id, &no_review, RECORD, &sg)?;
    c.expect = ok();
    c.expect.label = super::ids(&[s::LABEL_REVIEW_TIME_MISSING]);
    out.push(c);

    // The other advisory rules (spec/02-label.md §2.6), one broken per label: each is a
    // warning, so the envelope stays valid and trusted.
    let info = |categories: &str| {
        format!(
            r#"{{"policyIdentifier":"NATO","classification":"RESTRICTED","categories":[{categories}]}}"#
        )
    };
    let rel = |values: &str| {
        format!(r#"{{"tagName":"Releasable To","type":"PERMISSIVE","values":[{values}]}}"#)
    };
    // (id, title, description, requirements, label JSON, the one label code)
    type Advisory = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        String,
        StatusCode,
    );
    let advisories: [Advisory; 5] = [
        (
            "env-label-review-time-before-creation",
            "Review time before the creation time",
            "A NATO RESTRICTED label created at 09:15 on the vectors' day whose ReviewDateTime is 09:00 the same day: the label stage warns, the envelope is still valid and trusted.",
            &["POUCH-LBL-031", "POUCH-ENV-012"],
            format!(
                r#"{{"confidentialityInformation":{},"creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2026-11-28T09:00:00Z"}}"#,
                info(&rel(r#""FIN""#))
            ),
            s::LABEL_REVIEW_TIME_BEFORE_CREATION,
        ),
        (
            "env-label-succession-time-before-creation",
            "Succession time before the creation time",
            "A NATO RESTRICTED label created at 09:15 on the vectors' day whose SuccessionHandling says it becomes UNCLASSIFIED at 09:00 the same day, before it was created: the label stage warns, the envelope is still valid and trusted.",
            &["POUCH-LBL-032", "POUCH-ENV-012"],
            format!(
                r#"{{"confidentialityInformation":{},"creationDateTime":"2026-11-28T09:15:00Z","successionHandling":{{"successionDateTime":"2026-11-28T09:00:00Z","successor":{{"confidentialityInformation":{{"policyIdentifier":"NATO","classification":"UNCLASSIFIED"}},"creationDateTime":"2026-11-28T09:15:00Z"}}}}}}"#,
                info(&rel(r#""FIN""#))
            ),
            s::LABEL_SUCCESSION_TIME_BEFORE_CREATION,
        ),
        (
            "env-label-category-duplicate",
            "Two categories with the same TagName and Type",
            "A NATO RESTRICTED label with two PERMISSIVE `Releasable To` categories (FIN in one, SWE in the other) instead of one with both values: the label stage warns, the envelope is still valid and trusted.",
            &["POUCH-LBL-033", "POUCH-ENV-012"],
            format!(
                r#"{{"confidentialityInformation":{},"creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#,
                info(&format!("{},{}", rel(r#""FIN""#), rel(r#""SWE""#)))
            ),
            s::LABEL_CATEGORY_DUPLICATE,
        ),
        (
            "env-label-category-value-duplicate",
            "A category value listed twice",
            "A NATO RESTRICTED label whose `Releasable To` category lists FIN twice: the label stage warns, the envelope is still valid and trusted.",
            &["POUCH-LBL-034", "POUCH-ENV-012"],
            format!(
                r#"{{"confidentialityInformation":{},"creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#,
                info(&rel(r#""FIN","FIN""#))
            ),
            s::LABEL_CATEGORY_VALUE_DUPLICATE,
        ),
        (
            "env-label-category-empty",
            "A category without a value",
            "A NATO RESTRICTED label with an INFORMATIVE `Handling` category that carries no value (the CBOR category map has no key 4): the label stage warns, the envelope is still valid and trusted.",
            &["POUCH-LBL-035", "POUCH-ENV-012"],
            format!(
                r#"{{"confidentialityInformation":{},"creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}}"#,
                info(r#"{"tagName":"Handling","type":"INFORMATIVE"}"#)
            ),
            s::LABEL_CATEGORY_EMPTY,
        ),
    ];
    for (id, title, description, reqs, json, code) in advisories {
        let l = pouch_label::Label::from_json(json.as_bytes(), &pouch_label::Limits::default())
            .map_err(|e| Error::Generate(format!("{id}: label: {e}")))?;
        let mut c = Case::es384(id, title, description, reqs);
        c.envelope = craft::originator_embedded(c.id, &l, RECORD, &sg)?;
        c.expect = ok();
        c.expect.label = super::ids(&[code]);
        out.push(c);
    }

    // A release approval assertion, and a bundle without CRLs.
    let sg = fx.signer("DNK", Algorithm::Es384)?;
    let mut opts = SealOpts::originator(&sg, time(NOW)?);
    opts.release = Some(pouch::ReleaseApproval {
        recipients: vec!["FIN".into(), "SWE".into()],
        note: Some("Releasable for exercise FROSTY PINE".into()),
    });
    let mut c = Case::es384(
        "env-release-approval",
        "Seal with a release approval",
        "Denmark seals with a release approval for FIN and SWE (ISO 3166-1 alpha-3 codes), covered only by its seal; the envelope verifies (how approvals count in a release decision is the release chapter's).",
        &["POUCH-ENV-041", "POUCH-ENV-030"],
    );
    c.envelope = craft::embedded(c.id, &label("NATO", "SECRET")?, RECORD, &opts)?;
    c.expect = ok();
    out.push(c);

    // Norway's ES384 seal under a bundle without CRLs: (id, title, description, bundle,
    // trust codes, seal-policy code).
    type NoCrls = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static [StatusCode],
        StatusCode,
    );
    let no_crls: [NoCrls; 2] = [
        (
            "env-revocation-not-checked",
            "Trust bundle without CRLs",
            "Norway's ES384 seal verified with the demo bundle stripped of its CRLs, every party `revocation = \"best-effort\"`: the signer is trusted, with the warning that revocation was not checked.",
            super::BUNDLE_NO_CRLS,
            &[s::TRUST_SIGNER_TRUSTED, s::TRUST_REVOCATION_NOT_CHECKED],
            s::SEAL_POLICY_SATISFIED,
        ),
        (
            "env-revocation-unknown",
            "Trust bundle without CRLs, revocation required",
            "Norway's ES384 seal verified with the demo bundle stripped of its CRLs, revocation left at its default, required: no issuer of the path has a current CRL, so the signer is not trusted.",
            super::BUNDLE_NO_CRLS_REQUIRED,
            &[s::TRUST_REVOCATION_UNKNOWN],
            s::SEAL_POLICY_UNSATISFIED,
        ),
    ];
    for (id, title, description, bundle, trust, policy) in no_crls {
        let mut c = Case::es384(id, title, description, &["POUCH-TRUST-031"]);
        c.bundle = bundle;
        c.envelope = one_seal(fx, id, ("NOR", Algorithm::Es384), None)?;
        c.expect = report(vec![valid_with_trust(trust)], policy);
        out.push(c);
    }

    out.extend(detached(fx)?);
    out.extend(multi(fx)?);
    Ok(out)
}

fn detached(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let sg = fx.signer("NOR", Algorithm::EdDsa)?;
    let make = |id: &str, digest: DigestAlgorithm| -> Result<Vec<u8>, Error> {
        let mut data: &[u8] = RECORD;
        craft::seal(
            id,
            &label("NATO", "SECRET")?,
            Payload::Detached {
                data: &mut data,
                digest,
                content_type: Some(ContentType::Media("text/plain".into())),
                location: Some("https://example.invalid/records/0600Z".into()),
            },
            &SealOpts::originator(&sg, time(NOW)?),
            time(NOW)?,
        )
    };
    let reqs: &'static [&'static str] = &["POUCH-ENV-021", "POUCH-ENV-011", "POUCH-ENV-031"];
    let equal = "The payload field holds the record's digest (COSE Hash Envelope); the verifier is given the record, streams its digest and finds it equal. payload_location is a hint the verifier must not fetch.";
    let mut changed = RECORD.to_vec();
    if let Some(b) = changed.get_mut(12) {
        *b ^= 0x01;
    }
    // (id, title, description, digest, the record given to the verifier, the payload code)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        DigestAlgorithm,
        Option<Vec<u8>>,
        StatusCode,
    );
    let rows: [Row; 4] = [
        (
            "env-detached-sha256",
            "Detached record, SHA-256",
            equal,
            DigestAlgorithm::Sha256,
            Some(RECORD.to_vec()),
            s::PAYLOAD_DIGEST_MATCH,
        ),
        (
            "env-detached-sha384",
            "Detached record, SHA-384",
            equal,
            DigestAlgorithm::Sha384,
            Some(RECORD.to_vec()),
            s::PAYLOAD_DIGEST_MATCH,
        ),
        (
            "env-detached-digest-mismatch",
            "Detached record that is not the sealed one",
            "A SHA-256 detached envelope given a record with one character changed: the seal is valid (it covers the digest, not the record) and the payload stage reports the mismatch.",
            DigestAlgorithm::Sha256,
            Some(changed),
            s::PAYLOAD_DIGEST_MISMATCH,
        ),
        (
            "env-detached-not-supplied",
            "Detached record not supplied",
            "A SHA-256 detached envelope verified without its record: the payload was not checked, which is a warning, not a failure.",
            DigestAlgorithm::Sha256,
            None,
            s::PAYLOAD_NOT_CHECKED,
        ),
    ];
    for (id, title, description, digest, record, code) in rows {
        let mut c = Case::new(id, title, description, reqs);
        c.algorithms = vec![Algorithm::EdDsa];
        c.detached = true;
        c.envelope = make(id, digest)?;
        c.record = record;
        c.expect = report(vec![trusted()], s::SEAL_POLICY_SATISFIED);
        c.expect.payload = super::ids(&[code]);
        out.push(c);
    }
    Ok(out)
}

/// An envelope sealed by the first signer and endorsed by the others, over a NATO
/// CONFIDENTIAL label that every demo nation may seal.
fn chain_of_seals(fx: &Fixture, id: &str, signers: &[(&str, Algorithm)]) -> Result<Vec<u8>, Error> {
    let t = time(NOW)?;
    let mut env = Vec::new();
    for (i, (nation, alg)) in signers.iter().enumerate() {
        let sg = fx.signer(nation, *alg)?;
        env = if i == 0 {
            craft::embedded(
                id,
                &label("NATO", "CONFIDENTIAL")?,
                RECORD,
                &SealOpts::originator(&sg, t),
            )?
        } else {
            craft::endorse(&env, &SealOpts::endorser(&sg, t))?
        };
    }
    Ok(env)
}

fn multi(fx: &Fixture) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    let nor_es = ("NOR", Algorithm::Es384);
    let nor_pq = ("NOR", Algorithm::MlDsa65);
    let dnk_ed = ("DNK", Algorithm::EdDsa);
    let nld_pq = ("NLD", Algorithm::MlDsa65);
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        Vec<(&'static str, Algorithm)>,
        &'static str,
        bool,
    );
    let rows: Vec<Row> = vec![
        (
            "env-multi-three-nations",
            "Three nations' seals, every seal valid",
            "Norway seals (ES384), Denmark (EdDSA) and the Netherlands (ML-DSA-65) endorse; endorsing appended a seal without changing a byte, so every seal verifies; the default policy holds.",
            &["POUCH-ENV-032", "POUCH-ENV-050", "POUCH-ENV-060"],
            vec![nor_es, dnk_ed, nld_pq],
            "all",
            true,
        ),
        (
            "env-policy-hybrid-satisfied",
            "Hybrid seal policy satisfied",
            "Norway seals with ES384 and again with ML-DSA-65: one classical and one post-quantum valid seal.",
            &["POUCH-ENV-050", "POUCH-ENV-032"],
            vec![nor_es, nor_pq],
            "hybrid",
            true,
        ),
        (
            "env-policy-hybrid-unsatisfied",
            "Hybrid seal policy without a post-quantum seal",
            "ES384 and EdDSA seals, both valid and trusted, but both classical: the hybrid policy is not met.",
            &["POUCH-ENV-050"],
            vec![nor_es, dnk_ed],
            "hybrid",
            false,
        ),
        (
            "env-policy-nations-satisfied",
            "2 of 3 nations satisfied",
            "Norway and Denmark seal; the policy asks for 2 of NOR, DNK, NLD (bundle codes, as the trust stage names each seal's nation).",
            &["POUCH-ENV-050", "POUCH-TRUST-040"],
            vec![nor_es, dnk_ed],
            "nations:2:NOR,DNK,NLD",
            true,
        ),
        (
            "env-policy-nations-unsatisfied",
            "2 of 3 nations, one nation sealed twice",
            "Norway seals twice (ES384, ML-DSA-65): two valid seals but one nation, so 2 of NOR, DNK, NLD is not met.",
            &["POUCH-ENV-050", "POUCH-TRUST-040"],
            vec![nor_es, nor_pq],
            "nations:2:NOR,DNK,NLD",
            false,
        ),
    ];
    for (id, title, description, reqs, signers, policy, satisfied) in rows {
        let mut c = Case::new(id, title, description, reqs);
        c.algorithms = signers.iter().map(|(_, a)| *a).collect();
        c.envelope = chain_of_seals(fx, id, &signers)?;
        c.seal_policy = policy.into();
        let code = if satisfied {
            s::SEAL_POLICY_SATISFIED
        } else {
            s::SEAL_POLICY_UNSATISFIED
        };
        c.expect = report(signers.iter().map(|_| trusted()).collect(), code);
        out.push(c);
    }

    // A hybrid whose post-quantum seal is broken: policies count valid seals only.
    let env = chain_of_seals(fx, "env-policy-hybrid-invalid-pq-seal", &[nor_es, nor_pq])?;
    let mut broken = env.clone();
    if let Some(last) = broken.last_mut() {
        *last ^= 0x01;
    }
    let mut c = Case::new(
        "env-policy-hybrid-invalid-pq-seal",
        "Hybrid seal policy whose post-quantum seal is invalid",
        "ES384 then ML-DSA-65 seals; the last bit of the ML-DSA-65 signature (the envelope's last byte) is flipped. The policy is evaluated over valid seals only, so no post-quantum seal counts; every seal is still reported.",
        &["POUCH-ENV-050", "POUCH-ENV-060", "POUCH-ENV-031"],
    );
    c.algorithms = vec![Algorithm::Es384, Algorithm::MlDsa65];
    c.envelope = broken;
    c.seal_policy = "hybrid".into();
    c.expect = report(
        vec![trusted(), seal_fault(s::SEAL_SIGNATURE_INVALID)],
        s::SEAL_POLICY_UNSATISFIED,
    );
    out.push(c);

    // Endorsement with an alternative label the endorser is authorised for.
    let nor = fx.signer("NOR", Algorithm::Es384)?;
    let dnk = fx.signer("DNK", Algorithm::MlDsa65)?;
    let id = "env-endorse-alternative-label";
    let env = craft::originator_embedded(id, &label("NATO", "SECRET")?, RECORD, &nor)?;
    let mut c = Case::new(
        id,
        "Endorsement with an alternative label",
        "Norway seals a NATO SECRET record; Denmark endorses with an alternative label (NATO CONFIDENTIAL) covered only by its own seal. The originator label is unchanged and both seals verify; Denmark is authorised for both labels.",
        &[
            "POUCH-ENV-040",
            "POUCH-ENV-012",
            "POUCH-ENV-032",
            "POUCH-TRUST-050",
        ],
    );
    c.algorithms = vec![Algorithm::Es384, Algorithm::MlDsa65];
    c.envelope = craft::endorse_with_alternative(&env, &dnk, label("NATO", "CONFIDENTIAL")?)?;
    c.expect = report(vec![trusted(), trusted()], s::SEAL_POLICY_SATISFIED);
    out.push(c);
    Ok(out)
}
