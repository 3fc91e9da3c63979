//! `pouch demo` part 4: Norway encrypts a record to Denmark and Finland; Sweden is refused
//! at sealing; a coalition gateway verifies and decides release on the encrypted envelope
//! without any key; Denmark opens it (spec/10-encryption.md).

use std::io::Write;

use anyhow::Context;
use pouch::encryption::{RecipientAlg, cert, derive_keypair};
use pouch::{CiphertextOut, EncryptionGate, Error, Policy, RecipientCert, SealOptions};
use pouch_crypto::{Algorithm, CryptoProvider};
use pouch_label::{DateTime, Label, Limits};
use pouch_testkit::{CoalitionSpec, Nation, Profile, Validity};
use pouch_trust::{Authorisation, TrustBundle, TrustedNation};

pub(crate) fn run(out: &mut impl Write, now: DateTime) -> anyhow::Result<()> {
    writeln!(
        out,
        "\n== Part 4: encrypted to the nations it may be released to\n"
    )?;
    let provider: &'static CryptoProvider = pouch_crypto_awslc::provider();
    let t = now.unix_seconds();
    let nations = [
        Nation::new("NOR", "NO", "Norway")?,
        Nation::new("DNK", "DK", "Denmark")?,
        Nation::new("FIN", "FI", "Finland")?,
        Nation::new("SWE", "SE", "Sweden")?,
    ];
    let coalition = CoalitionSpec::new(Algorithm::Es384, &[Algorithm::Es384], t)?
        .build(provider, &nations)
        .context("building the encryption demo PKI")?;
    let bundle = TrustBundle {
        nations: coalition
            .nations()
            .iter()
            .map(|n| TrustedNation {
                authorisations: vec![Authorisation {
                    policy: "POUCH-DEMO".into(),
                    classifications: vec!["SECRET".into()],
                }],
                ..n.trusted_nation()
            })
            .collect(),
    };
    let policy = Policy::load(pouch_policy::demo::COALITION_SPIF, &Default::default())?;
    let label = Label::from_json(
        br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET",
          "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK","FIN"]}]},
          "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#,
        &Limits::default(),
    )?;
    writeln!(out, "Label: {}", policy.marking(&label, None)?)?;
    // Each nation's encryption key and certificate, from its intermediate CA.
    let validity = Validity::new(t - 86_400, t + 365 * 86_400)?;
    let mut keys = Vec::new();
    for (code, alg) in [
        ("DNK", RecipientAlg::XWing),
        ("FIN", RecipientAlg::P384),
        ("SWE", RecipientAlg::MlKem1024),
    ] {
        let n = coalition.nation(code).context("demo nation")?;
        let (sk, pk) = derive_keypair(alg, format!("pouch demo {code} encryption").as_bytes());
        let c = n.issue_encryption(
            provider,
            cert::spki_der(&pk)?,
            alg.name(),
            validity,
            Profile::Encryption {
                key_agreement: alg == RecipientAlg::P384,
            },
        )?;
        writeln!(out, "{code}: encryption certificate, {}", alg.name())?;
        keys.push((
            code,
            sk,
            RecipientCert {
                nation: code.to_owned(),
                chain: vec![c.der().to_vec(), n.intermediate.certificate.der().to_vec()],
            },
        ));
    }
    let nor = coalition.nation("NOR").context("Norway")?;
    let issued = nor.signer(Algorithm::Es384).context("Norway's signer")?;
    let chain: String = [issued.certificate.der(), nor.intermediate.certificate.der()]
        .into_iter()
        .map(|der| pouch_trust::pem::encode("CERTIFICATE", der))
        .collect();
    let signer =
        pouch::Signer::with_algorithm(provider, Algorithm::Es384, &issued.pkcs8, chain.as_bytes())?;
    let opts = SealOptions::new()
        .role(pouch::Role::Originator)
        .signing_time(now);
    let gate = EncryptionGate::new(provider, &bundle, &policy, t)?;
    let record = b"FROSTY PINE: resupply at grid 32V NM 1234 5678, 0600Z".as_slice();
    let seal_to = |to: &[&RecipientCert]| {
        let list: Vec<RecipientCert> = to.iter().map(|r| (*r).clone()).collect();
        let mut data = record;
        signer.seal_encrypted(
            &label,
            &mut data,
            CiphertextOut::Embedded,
            &list,
            &gate,
            &opts,
        )
    };
    let [(_, dnk_key, dnk), (_, _, fin), (_, _, swe)] = keys.as_slice() else {
        anyhow::bail!("three demo recipients");
    };
    match seal_to(&[dnk, fin, swe]) {
        Err(Error::Refused(r)) => {
            writeln!(
                out,
                "Norway encrypts to DNK, FIN, SWE: refused at sealing, nothing encrypted"
            )?;
            writeln!(out, "   {r}")?;
        }
        other => anyhow::bail!(
            "Sweden should have been refused: {:?}",
            other.map(|e| e.len())
        ),
    }
    let envelope = seal_to(&[dnk, fin])?;
    let decoded = pouch::Envelope::decode(&envelope, &Default::default())?;
    let recipients = pouch::encryption::recipients_of(&decoded)?;
    writeln!(
        out,
        "Norway encrypts to DNK and FIN: {} bytes, {} recipients ({}), label in clear",
        envelope.len(),
        recipients.len(),
        recipients
            .iter()
            .filter_map(|r| r.alg.map(RecipientAlg::name))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(out, "\nA coalition gateway, holding no key:")?;
    for nation in ["DNK", "FIN", "SWE"] {
        let report = pouch::Verifier::builder(provider)
            .trust(bundle.clone())
            .policy(policy.clone())
            .at(now)
            .recipient(pouch::Recipient::new(nation))
            .build()?
            .verify(&envelope, None);
        writeln!(
            out,
            "   release to {nation}: signatures valid {}, signer trusted {}, releasable {}",
            report.signatures_valid(),
            report.signers_trusted(),
            report.releasable().unwrap_or(false)
        )?;
    }
    let verifier = pouch::Verifier::builder(provider)
        .trust(bundle.clone())
        .policy(policy.clone())
        .at(now)
        .recipient(pouch::Recipient::new("DNK"))
        .build()?;
    let mut plaintext = Vec::new();
    let leaf = dnk.chain.first().map(Vec::as_slice).unwrap_or_default();
    let opened = pouch::open(&verifier, &envelope, None, dnk_key, leaf, &mut plaintext);
    if !opened.ok() {
        anyhow::bail!(
            "Denmark could not open the demo envelope: {:?}",
            opened.decrypt
        );
    }
    writeln!(
        out,
        "\nDenmark opens it (verified, releasable to DNK, {}):\n   {}",
        pouch_status::DECRYPT_PLAINTEXT_AUTHENTIC.id(),
        String::from_utf8_lossy(&plaintext)
    )?;
    Ok(())
}
