//! `pouch-vectors generate [--check]`, `pouch-vectors conform --adapter CMD [--out DIR]
//! [--exceptions FILE]`, `pouch-vectors coverage`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

const USAGE: &str = "usage: pouch-vectors generate [--check] | conform --adapter CMD [--out DIR] [--exceptions FILE] [--manifest FILE] | coverage";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pouch-vectors: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(args.get(1).map(String::as_str)),
        Some("conform") => conform(args.get(1..).unwrap_or_default()),
        Some("coverage") => {
            let c = pouch_vectors::coverage::compute(&root())?;
            println!("{}", c.summary());
            for id in c.uncovered_must() {
                println!("uncovered: {id}");
            }
            for code in c.codes_without_vector() {
                println!("status code without a vector: {code}");
            }
            Ok(
                if c.uncovered_must().is_empty() && c.codes_without_vector().is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                },
            )
        }
        _ => bail!(USAGE),
    }
}

fn generate(flag: Option<&str>) -> anyhow::Result<ExitCode> {
    match flag {
        Some("--check") => {
            let drift = pouch_vectors::check(&root())?;
            for d in &drift {
                eprintln!("{d}");
            }
            if drift.is_empty() {
                println!("vectors: no drift");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "vectors: {} differences; run `cargo run -p pouch-vectors -- generate`",
                    drift.len()
                );
                Ok(ExitCode::from(1))
            }
        }
        None => {
            let m = pouch_vectors::generate(&root())?;
            println!("vectors: {} written", m.vector.len());
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => bail!("generate: unknown option {other}\n{USAGE}"),
    }
}

fn conform(args: &[String]) -> anyhow::Result<ExitCode> {
    let (mut adapter, mut out, mut exceptions, mut manifest) = (None, None, None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .with_context(|| format!("{flag} needs a value"))?
            .clone();
        match flag.as_str() {
            "--adapter" => adapter = Some(value),
            "--out" => out = Some(PathBuf::from(value)),
            "--exceptions" => exceptions = Some(PathBuf::from(value)),
            "--manifest" => manifest = Some(PathBuf::from(value)),
            other => bail!("conform: unknown option {other}\n{USAGE}"),
        }
    }
    let adapter =
        pouch_vectors::conform::Adapter::parse(&adapter.context("conform needs --adapter CMD")?)?;
    let manifest = manifest.unwrap_or_else(|| {
        root()
            .join(pouch_vectors::ENVELOPES_DIR)
            .join(pouch_vectors::MANIFEST_FILE)
    });
    let exceptions = match exceptions {
        Some(p) => pouch_vectors::conform::load_exceptions(&p)?,
        None => Vec::new(),
    };
    let results = pouch_vectors::conform::run(&adapter, &manifest, &exceptions)?;
    // The malformed-input corpus (§7.8) is part of the suite; its cases are skipped by an
    // adapter that does not claim `malformed`.
    let corpus = root()
        .join(pouch_vectors::malformed::MALFORMED_DIR)
        .join(pouch_vectors::MANIFEST_FILE);
    let results = results.merge(pouch_vectors::malformed::run(
        &adapter,
        &corpus,
        &exceptions,
        pouch_vectors::malformed::FlipFeed::AdapterPerByte,
    )?);
    let out = out.unwrap_or_else(|| PathBuf::from("conformance-results"));
    pouch_vectors::conform::write_results(&results, &out)?;
    let t = results.tally();
    println!(
        "conformance: {} vectors: {:?}; results in {}",
        results.vectors.len(),
        t,
        out.display()
    );
    Ok(if results.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
