//! `pouch pki demo` and `pouch pki check-chain`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use pouch_crypto::keys;
use pouch_trust::{ChainValidator, load_bundle};

use crate::EXIT_OK;
use crate::envelope::EXIT_UNTRUSTED;

/// Parses an RFC 3339 time (any offset) to Unix seconds; `None` is now.
pub(crate) fn parse_at(at: Option<&str>) -> anyhow::Result<i64> {
    match at {
        Some(t) => pouch_label::DateTime::parse_xsd(t)
            .map(|d| d.unix_seconds())
            .map_err(|e| anyhow!("--at {t}: {e}")),
        None => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("system clock before 1970")?
            .as_secs() as i64),
    }
}

/// `pouch pki demo`: the demo coalition and its bundle, deterministic with `--seed`.
pub(crate) fn demo(
    out_dir: &Path,
    seed: Option<u64>,
    at: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    // A seed means reproducible output: a fixed clock unless --at is given, and the
    // deterministic provider.
    let now = match (seed, at) {
        (Some(_), None) => 1_795_860_000, // 2026-11-28T10:00:00Z
        _ => parse_at(at)?,
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
        let algs: Vec<&str> = n.signers.iter().map(|s| s.algorithm.name()).collect();
        writeln!(
            out,
            "  {}: root and intermediate (ES384), signers {}",
            n.nation.code_alpha3(),
            algs.join(", ")
        )?;
    }
    for b in &pki.bad_signers {
        writeln!(
            out,
            "  NOR: bad signer {} (signer-bad-{}.pem)",
            b.name, b.name
        )?;
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

/// `pouch pki check-chain`: one chain against a bundle, at one time.
pub(crate) fn check_chain(
    trust: &Path,
    cert: &Path,
    at: Option<&str>,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let bundle = load_bundle(trust)?;
    let provider = pouch_crypto_awslc::provider();
    let validator =
        ChainValidator::new(provider, &bundle).map_err(|e| anyhow!("{}: {e}", trust.display()))?;
    let raw = std::fs::read(cert).with_context(|| format!("reading {}", cert.display()))?;
    let chain = if raw.starts_with(b"-----BEGIN") {
        keys::pem_blocks(&raw, "CERTIFICATE").map_err(|e| anyhow!("{}: {e}", cert.display()))?
    } else {
        vec![raw]
    };
    let time = parse_at(at)?;
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
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
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
