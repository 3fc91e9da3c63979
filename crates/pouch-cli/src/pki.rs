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
