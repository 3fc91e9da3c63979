//! `pouch pki demo` and `pouch pki check-chain`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use pouch_crypto::keys;
use pouch_label::DateTime;
use pouch_trust::{ChainValidator, TrustBundle};

use crate::{EXIT_OK, EXIT_UNTRUSTED, malformed_input};

/// `--at` (parsed by [`DateTime`]'s one parser) as Unix seconds; `None` is now.
pub(crate) fn at_or_now(at: Option<DateTime>) -> anyhow::Result<i64> {
    match at {
        Some(t) => Ok(t.unix_seconds()),
        None => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("system clock before 1970")?
            .as_secs() as i64),
    }
}

/// Loads a trust bundle through the trust crate's one loader (its size limits, and its refusal
/// of files outside the bundle's directory, POUCH-TRUST-061): a bundle or a file it names that
/// cannot be read is an I/O error (exit 4), one that does not parse is malformed input (exit
/// 3); either names the file and the entry.
pub(crate) fn load_bundle(path: &Path) -> anyhow::Result<TrustBundle> {
    pouch_trust::load_bundle(path).map_err(|e| {
        if e.is_unreadable() {
            anyhow::Error::new(e)
        } else {
            malformed_input(format_args!("trust bundle {e}"))
        }
    })
}

/// `pouch pki demo`: the demo coalition and its bundle, deterministic with `--seed`.
pub(crate) fn demo(
    out_dir: &Path,
    seed: Option<u64>,
    at: Option<DateTime>,
    encryption: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    // A seed means reproducible output: a fixed clock unless --at is given, and the
    // deterministic provider.
    let now = match (seed, at) {
        (Some(_), None) => 1_795_860_000, // 2026-11-28T10:00:00Z
        _ => at_or_now(at)?,
    };
    let provider = if seed.is_some() {
        pouch_crypto_rustcrypto::provider()
    } else {
        pouch_crypto_awslc::provider()
    };
    let pki = pouch_testkit::demo_pki(provider, seed, now)?;
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let bundle = pki.write(out_dir)?;
    writeln!(out, "demo coalition written to {}", out_dir.display())?;
    for n in pki.coalition.nations() {
        writeln!(
            out,
            "  {}: root and intermediate (ES384), signers {}",
            n.nation.code_alpha3(),
            signer_algorithms(n)
        )?;
    }
    for b in &pki.bad_signers {
        writeln!(
            out,
            "  NOR: bad signer {} (signer-bad-{}.pem)",
            b.name, b.name
        )?;
    }
    if encryption {
        demo_encryption(&pki, provider, seed, now, out_dir, out)?;
    }
    writeln!(out, "trust bundle: {}", bundle.display())?;
    // The demo security policies the bundle's authorisations name, beside it.
    let policies = out_dir.join("policies");
    std::fs::create_dir_all(&policies)
        .with_context(|| format!("creating {}", policies.display()))?;
    for (name, spif) in [
        ("pouch-demo.spif.xml", pouch_policy::demo::COALITION_SPIF),
        ("nor-demo.spif.xml", pouch_policy::demo::NATIONAL_SPIF),
    ] {
        let path = policies.join(name);
        std::fs::write(&path, spif).with_context(|| format!("writing {}", path.display()))?;
        writeln!(out, "demo policy: {}", path.display())?;
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// Each nation's encryption certificate (from its intermediate CA, valid a day before `now`
/// to a year after) and PKCS#8 key for every recipient algorithm. With a seed, each key
/// derives from it; otherwise from fresh randomness (the provider's key generator).
fn demo_encryption(
    pki: &pouch_testkit::DemoPki,
    provider: &'static pouch_crypto::CryptoProvider,
    seed: Option<u64>,
    now: i64,
    out_dir: &Path,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    use pouch::encryption::{RecipientAlg, cert, derive_keypair};
    let validity = pouch_testkit::Validity::new(now - 86_400, now + 365 * 86_400)?;
    for n in pki.coalition.nations() {
        let code = n.nation.code_alpha3();
        for alg in RecipientAlg::ALL {
            let ikm = match seed {
                Some(s) => format!("{s}/{code}/encrypt/{}", alg.name()).into_bytes(),
                None => provider
                    .signature(pouch_crypto::Algorithm::EdDsa)
                    .context("the provider has no Ed25519 key generator")?
                    .generate_pkcs8()?,
            };
            let (sk, pk) = derive_keypair(alg, &ikm);
            let c = n.issue_encryption(
                provider,
                cert::spki_der(&pk)?,
                alg.name(),
                validity,
                pouch_testkit::Profile::Encryption {
                    key_agreement: alg == RecipientAlg::P384,
                },
            )?;
            let base = out_dir.join(code).join(format!("encrypt-{}", alg.name()));
            let chain = c.to_pem() + &n.intermediate.certificate.to_pem();
            std::fs::write(base.with_extension("pem"), chain)
                .with_context(|| format!("writing {}.pem", base.display()))?;
            let key = pouch_trust::pem::encode("PRIVATE KEY", &cert::private_key_pkcs8(&sk)?);
            std::fs::write(base.with_extension("key.pem"), key)
                .with_context(|| format!("writing {}.key.pem", base.display()))?;
        }
        writeln!(
            out,
            "  {code}: encryption certificates {}",
            RecipientAlg::ALL.map(|a| a.name()).join(", ")
        )?;
    }
    Ok(())
}

/// `pouch pki check-chain`: one chain against a bundle, at one time.
pub(crate) fn check_chain(
    trust: &Path,
    cert: &Path,
    at: Option<DateTime>,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let bundle = load_bundle(trust)?;
    let provider = pouch_crypto_awslc::provider();
    let validator = ChainValidator::new(provider, &bundle)
        .map_err(|e| malformed_input(format_args!("{}: trust bundle: {e}", trust.display())))?;
    let raw = std::fs::read(cert).with_context(|| format!("reading {}", cert.display()))?;
    let chain = if raw.starts_with(b"-----BEGIN") {
        keys::pem_blocks(&raw, "CERTIFICATE")
            .map_err(|e| malformed_input(format_args!("{}: certificate: {e}", cert.display())))?
    } else {
        vec![raw]
    };
    if chain.is_empty() {
        return Err(malformed_input(format_args!(
            "{}: certificate: no CERTIFICATE block",
            cert.display()
        )));
    }
    let time = at_or_now(at)?;
    let verdict = validator.validate(&chain, time, time);
    let nation = verdict
        .nation
        .and_then(|i| bundle.nations.get(i))
        .map(|n| n.code.clone());
    if json {
        let codes: Vec<serde_json::Value> = verdict
            .entries
            .iter()
            .map(|(c, d)| serde_json::json!({"code": c.id(), "detail": d}))
            .collect();
        let doc = serde_json::json!({"trusted": verdict.trusted, "nation": nation, "codes": codes});
        crate::write_json(out, &doc)?;
    } else {
        writeln!(
            out,
            "{}: {}{}",
            cert.display(),
            if verdict.trusted {
                "TRUSTED"
            } else {
                "NOT TRUSTED"
            },
            nation.map(|n| format!(" ({n})")).unwrap_or_default()
        )?;
        for (c, d) in &verdict.entries {
            writeln!(
                out,
                "  {c}{}",
                d.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
            )?;
        }
    }
    Ok(ExitCode::from(if verdict.trusted {
        EXIT_OK
    } else {
        EXIT_UNTRUSTED
    }))
}

/// A demo nation's signer algorithms, comma-separated, as the coalition listings print them.
pub(crate) fn signer_algorithms(n: &pouch_testkit::NationPki) -> String {
    let algs: Vec<&str> = n.signers.iter().map(|s| s.algorithm.name()).collect();
    algs.join(", ")
}
