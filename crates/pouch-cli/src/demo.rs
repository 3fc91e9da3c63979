//! `pouch demo`: the embedded default. It shows one label in its three forms, then a
//! throwaway three-nation PKI, a record sealed by Norway with an ES384 and an ML-DSA-65 seal
//! (hybrid by two seals), endorsed by Denmark, and verified under several seal policies;
//! then the demo security policies: a label marked and validated, its national equivalent
//! sealed as an alternative label, and releases permitted and denied with their reasons.

use std::io::Write;
use std::process::ExitCode;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pouch::{ContentType, ReleaseApproval, Role, SealOptions, SealPolicy, Verifier};
use pouch_crypto::Algorithm;
use pouch_label::{DateTime, Label, Limits};

use crate::EXIT_OK;
use crate::envelope::{SignerArgs, print_report};

/// An originator label as a NATO system would write it: with a time-zone offset, which Pouch
/// turns into UTC.
const DEMO_LABEL_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<slab:originatorConfidentialityLabel xmlns:slab="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
    ReviewDateTime="2036-11-28T00:00:00Z">
  <slab:ConfidentialityInformation>
    <slab:PolicyIdentifier URI="urn:oid:1.3.26.1.3.1">NATO</slab:PolicyIdentifier>
    <slab:Classification>SECRET</slab:Classification>
    <slab:PrivacyMark>EXERCISE FROSTY PINE</slab:PrivacyMark>
    <slab:Category TagName="Releasable To" Type="PERMISSIVE">
      <slab:GenericValue>FIN</slab:GenericValue>
      <slab:GenericValue>SWE</slab:GenericValue>
    </slab:Category>
  </slab:ConfidentialityInformation>
  <slab:OriginatorID IDType="rfc822Name">registry@mod.example.no</slab:OriginatorID>
  <slab:CreationDateTime>2026-11-28T10:15:00+01:00</slab:CreationDateTime>
</slab:originatorConfidentialityLabel>
"#;

/// ADatP-4774 Table 17 example 2 as published: it lacks the required CreationDateTime.
const FAULTY_LABEL_XML: &str = r#"<originatorConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">
<ConfidentialityInformation>
<PolicyIdentifier>NATO</PolicyIdentifier>
<Classification>UNCLASSIFIED</Classification>
</ConfidentialityInformation>
</originatorConfidentialityLabel>"#;

pub(crate) fn run(out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let label = label_forms(out)?;
    envelopes(out, &label)?;
    crate::demo_encrypt::run(out, now_time()?)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// Part 1: the label in its three forms, checked, and a published example refused.
fn label_forms(out: &mut impl Write) -> anyhow::Result<Label> {
    let limits = Limits::default();
    writeln!(
        out,
        "Pouch demo\n\n== Part 1: one confidentiality label, three equal forms\n"
    )?;
    writeln!(out, "ADatP-4774 XML as received:\n{DEMO_LABEL_XML}")?;
    let (role, label) =
        Label::from_xml(DEMO_LABEL_XML.as_bytes(), &limits).context("decoding the demo label")?;
    let cbor = label.to_cbor();
    writeln!(out, "Normative deterministic CBOR ({} bytes):", cbor.len())?;
    for chunk in cbor.chunks(32) {
        let hex: String = chunk.iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "   {hex}")?;
    }
    let from_cbor = Label::from_cbor(&cbor, &limits).context("decoding the CBOR form")?;
    let json = from_cbor.to_json();
    writeln!(out, "\nJSON (decoded from the CBOR):\n{json}")?;
    let from_json = Label::from_json(json.as_bytes(), &limits).context("decoding the JSON form")?;
    let xml = from_json.to_xml(role);
    let (role_again, again) =
        Label::from_xml(xml.as_bytes(), &limits).context("decoding the re-written XML")?;
    if again != label || role_again != role || again.to_cbor() != cbor {
        bail!("the label did not survive XML -> CBOR -> JSON -> XML unchanged");
    }
    writeln!(
        out,
        "\nRound trip XML -> CBOR -> JSON -> XML: same label, same CBOR bytes."
    )?;
    writeln!(out, "Plain marking: {}", label.marking())?;
    writeln!(out, "Check: {}", pouch_status::LABEL_WELL_FORMED)?;
    for f in pouch_label::check(&label) {
        writeln!(out, "   {} at {}: {}", f.code, f.path, f.detail)?;
    }
    writeln!(out, "\nADatP-4774 Table 17 example 2, as published:")?;
    match Label::from_xml(FAULTY_LABEL_XML.as_bytes(), &limits) {
        Ok(_) => bail!("the faulty demo label was accepted"),
        Err(e) => writeln!(out, "   refused: {}: {e}", pouch_status::LABEL_MALFORMED)?,
    }
    Ok(label)
}

/// A temporary folder removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<Self> {
        let mut rnd = [0u8; 8];
        (pouch_crypto_awslc::provider().fill_random)(&mut rnd)
            .map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
        let name: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
        let dir = std::env::temp_dir().join(format!("pouch-demo-{name}"));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `heading`, then the report of the envelope under it.
fn show(out: &mut impl Write, heading: &str, report: &pouch::Report) -> anyhow::Result<()> {
    writeln!(out, "{heading}")?;
    print_report(out, "   envelope", report)
}

fn signer_args(dir: &Path, nation: &str, alg: Algorithm) -> SignerArgs {
    SignerArgs::new(
        dir.join(nation)
            .join(format!("signer-{}.key.pem", alg.name())),
        dir.join(nation).join(format!("signer-{}.pem", alg.name())),
    )
}

/// Part 2: the demo coalition PKI and trust bundle, a hybrid-sealed envelope endorsed by a
/// second nation, verified with and without trust, and what untrusted seals look like.
fn envelopes(out: &mut impl Write, label: &Label) -> anyhow::Result<()> {
    writeln!(
        out,
        "\n== Part 2: a record sealed by two nations, hybrid classical + post-quantum\n"
    )?;
    let provider = pouch_crypto_awslc::provider();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("system clock before 1970")?
        .as_secs() as i64;
    let pki = pouch_testkit::demo_pki(provider, None, now)?;
    let tmp = TempDir::new()?;
    let bundle_path = pki.write(&tmp.0)?;
    writeln!(
        out,
        "Demo coalition and trust bundle written to {} (removed at exit):",
        tmp.0.display()
    )?;
    for n in pki.coalition.nations() {
        writeln!(
            out,
            "   {} ({}): root and intermediate CA (ES384), signers {}",
            n.nation.code_alpha3(),
            n.nation.name(),
            crate::pki::signer_algorithms(n)
        )?;
    }
    writeln!(
        out,
        "   NOR also has a revoked, an expired and a non-digitalSignature signer; the bundle"
    )?;
    writeln!(
        out,
        "   authorises NOR and DNK up to NATO SECRET and NLD up to NATO CONFIDENTIAL."
    )?;

    let record = b"SITREP 281015Z NOV 26: convoy ALPHA at grid 32V NM 123 456, no incidents.";
    let (nor_es384, _) = signer_args(&tmp.0, "NOR", Algorithm::Es384).load()?;
    let (nor_mldsa, _) = signer_args(&tmp.0, "NOR", Algorithm::MlDsa65).load()?;
    let (dnk_eddsa, _) = signer_args(&tmp.0, "DNK", Algorithm::EdDsa).load()?;
    let (nor_revoked, _) = SignerArgs::new(
        tmp.0.join("NOR/signer-bad-revoked.key.pem"),
        tmp.0.join("NOR/signer-bad-revoked.pem"),
    )
    .load()?;
    let at = SealOptions::new().signing_time(now_time()?);
    let sealed = nor_es384.seal(
        label,
        record,
        &at.clone()
            .role(Role::Originator)
            .content_type(ContentType::Media("text/plain".into())),
    )?;
    writeln!(
        out,
        "\nNorway seals the record with ES384 ({} bytes),",
        sealed.len()
    )?;
    let hybrid = nor_mldsa.endorse(&sealed, &at.clone().role(Role::Originator))?;
    writeln!(out, "adds its ML-DSA-65 seal ({} bytes),", hybrid.len())?;
    let dnk = at.clone().role(Role::Endorser).release(ReleaseApproval {
        recipients: vec!["NLD".into()],
        note: Some("releasable to the Netherlands for exercise FROSTY PINE".into()),
    });
    let endorsed = dnk_eddsa.endorse(&hybrid, &dnk)?;
    writeln!(
        out,
        "and Denmark endorses it with EdDSA and a release approval ({} bytes).\n",
        endorsed.len()
    )?;

    let store = pouch::TrustStore::load(provider, &bundle_path)
        .map_err(|e| anyhow::anyhow!("demo bundle: {e}"))?;
    let trusted = |policy: SealPolicy| {
        Verifier::builder(provider)
            .seal_policy(policy)
            .trust_store(store.clone())
            .build()
    };
    let report = trusted(SealPolicy::AllValid)?.verify(&endorsed, None);
    show(
        out,
        "Verified against the coalition's trust bundle, every seal required:",
        &report,
    )?;
    if !report.is_valid() {
        bail!("the demo envelope did not verify with trust");
    }
    for (what, policy) in [
        (
            "hybrid: one classical and one post-quantum seal",
            SealPolicy::Hybrid,
        ),
        (
            "two of three nations",
            SealPolicy::Nations {
                threshold: 2,
                nations: vec!["NOR".into(), "DNK".into(), "NLD".into()],
            },
        ),
    ] {
        let report = trusted(policy)?.verify(&endorsed, None);
        let policy: Vec<String> = report
            .seal_policy
            .iter()
            .map(|e| e.code.to_string())
            .collect();
        writeln!(
            out,
            "Requiring {what}: {} ({})",
            if report.is_valid() {
                "VALID"
            } else {
                "NOT VALID"
            },
            policy.join(", ")
        )?;
        if !report.is_valid() {
            bail!("the demo envelope did not verify under '{what}'");
        }
    }

    let with_revoked = nor_revoked.endorse(&endorsed, &at.role(Role::Endorser))?;
    let report = trusted(SealPolicy::AllValid)?.verify(&with_revoked, None);
    show(
        out,
        "\nThe same envelope with one more seal, by Norway's revoked signer:",
        &report,
    )?;
    if report.is_valid() || !report.signatures_valid() {
        bail!("the revoked signer's seal was not reported as valid but untrusted");
    }
    writeln!(
        out,
        "   (its signature is valid; its signer is not trusted: the report keeps the two apart)"
    )?;

    let report = Verifier::builder(provider)
        .seal_policy(SealPolicy::Hybrid)
        .without_trust()
        .build()?
        .verify(&sealed, None);
    show(
        out,
        "\nThe first, ES384-only envelope under the hybrid policy:",
        &report,
    )?;
    if report.is_valid() {
        bail!("a single classical seal satisfied the hybrid policy");
    }

    let mut tampered = endorsed.clone();
    let at = tampered
        .windows(6)
        .position(|w| w == b"SECRET")
        .context("label in envelope")?;
    tampered[at..at + 6].copy_from_slice(b"PUBLIC");
    let report = trusted(SealPolicy::AllValid)?.verify(&tampered, None);
    show(
        out,
        "\nThe envelope with its label changed from SECRET to PUBLIC in transit:",
        &report,
    )?;
    if report.is_valid() {
        bail!("a tampered label went unnoticed");
    }
    policies(out, &tmp.0, &store, record)
}

/// Part 3: the demo security policies, a label valid under one and its equivalent under the
/// other, and release decisions for several recipients, permitted and denied with reasons.
fn policies(
    out: &mut impl Write,
    dir: &Path,
    store: &pouch::TrustStore,
    record: &[u8],
) -> anyhow::Result<()> {
    use pouch_policy::{Policy, Recipient};
    writeln!(
        out,
        "\n== Part 3: security policies, an equivalent label, and release decisions\n"
    )?;
    let limits = pouch_policy::Limits::default();
    let coalition = Policy::load(pouch_policy::demo::COALITION_SPIF, &limits)?;
    let national = Policy::load(pouch_policy::demo::NATIONAL_SPIF, &limits)?;
    writeln!(
        out,
        "Two demo policies (Open XML SPIF 2.1, embedded): {} ({}), the coalition's, and {} ({}),\nNorway's national policy, with equivalences both ways. The group COALITION lists {}.",
        coalition.name,
        coalition.id,
        national.name,
        national.id,
        coalition
            .members_of("COALITION")
            .map(|m| m.join(", "))
            .unwrap_or_default()
    )?;
    let label = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
          "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION","FIN"]}]},
          "originatorId":{"idType":"rfc822Name","value":"registry@mod.example.no"},
          "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#,
        &Limits::default(),
    )
    .context("the demo policy label")?;
    writeln!(out, "\nThe originator label, marked from the SPIF:")?;
    writeln!(out, "   en: {}", coalition.marking(&label, None)?)?;
    writeln!(out, "   nb: {}", coalition.marking(&label, Some("nb"))?)?;
    for s in coalition.validate(&label) {
        writeln!(out, "   {}", s.code)?;
    }
    let alternative = coalition.equivalent(&label, &national)?;
    writeln!(
        out,
        "Norway derives its national alternative label (the originator's is not changed):\n   {} (en: {})",
        national.marking(&alternative, Some("nb"))?,
        national.marking(&alternative, None)?
    )?;

    let provider = pouch_crypto_awslc::provider();
    let (nor_es384, _) = signer_args(dir, "NOR", Algorithm::Es384).load()?;
    let (nor_mldsa, _) = signer_args(dir, "NOR", Algorithm::MlDsa65).load()?;
    let at = SealOptions::new().signing_time(now_time()?);
    let sealed = nor_es384.seal(
        &label,
        record,
        &at.clone()
            .role(Role::Originator)
            .content_type(ContentType::Media("text/plain".into())),
    )?;
    let endorsement = at.role(Role::Endorser).alternative_label(alternative);
    let envelope = nor_mldsa.endorse(&sealed, &endorsement)?;
    writeln!(
        out,
        "Norway seals the record under the coalition label (ES384) and adds an ML-DSA-65 seal\nasserting the national label ({} bytes).",
        envelope.len()
    )?;
    let (coalition, national) = (
        std::sync::Arc::new(coalition),
        std::sync::Arc::new(national),
    );
    let cases: [(&str, Vec<&std::sync::Arc<Policy>>, &str, bool); 4] = [
        ("a coalition gateway", vec![&coalition], "DNK", true),
        ("a coalition gateway", vec![&coalition], "FIN", true),
        ("a coalition gateway", vec![&coalition], "SWE", false),
        (
            "a Norwegian gateway (national policy only)",
            vec![&national],
            "FIN",
            true,
        ),
    ];
    for (who, policies, recipient, expected) in cases {
        let report = Verifier::builder(provider)
            .trust_store(store.clone())
            .policies(policies.into_iter().cloned())
            .recipient(Recipient::new(recipient))
            .build()?
            .verify(&envelope, None);
        let Some(release) = &report.release else {
            bail!("no release stage in the demo report");
        };
        writeln!(
            out,
            "\n{who}, releasing to {recipient}: {} (envelope {}, decided under the {} label)",
            if release.permitted() {
                "PERMITTED"
            } else {
                "DENIED"
            },
            if report.is_valid() {
                "valid and trusted"
            } else {
                "NOT VALID"
            },
            release
                .label
                .as_ref()
                .map_or("no".to_owned(), ToString::to_string)
        )?;
        for e in &release.codes {
            match &e.detail {
                Some(d) => writeln!(out, "   {}: {d}", e.code)?,
                None => writeln!(out, "   {}", e.code)?,
            }
        }
        if release.permitted() != expected || !report.is_valid() {
            bail!("the demo release to {recipient} by {who} went the wrong way");
        }
    }
    Ok(())
}

fn now_time() -> anyhow::Result<DateTime> {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("system clock before 1970")?;
    DateTime::from_unix(d.as_secs() as i64, 0).context("system clock out of range")
}
