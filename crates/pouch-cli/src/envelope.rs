//! `pouch seal`, `endorse`, `verify`, `inspect`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::{Args, ValueEnum};
use pouch::{
    Content, ContentType, Envelope, Limits, ReleaseApproval, Report, Role, SealOptions, SealPolicy,
    Signer, Verifier,
};
use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, keys};
use pouch_label::{DateTime, Label};

use crate::{EXIT_MALFORMED, EXIT_OK, malformed_input, read_input, usage};

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub(crate) enum ProviderArg {
    /// aws-lc-rs (native).
    #[default]
    AwsLc,
    /// RustCrypto (pure Rust).
    Rustcrypto,
}

pub(crate) fn provider(p: ProviderArg) -> &'static CryptoProvider {
    match p {
        ProviderArg::AwsLc => pouch_crypto_awslc::provider(),
        ProviderArg::Rustcrypto => pouch_crypto_rustcrypto::provider(),
    }
}

/// The signer: key, chain and algorithm.
#[derive(Args, Debug)]
pub(crate) struct SignerArgs {
    /// PKCS#8 private key, PEM or DER.
    #[arg(long)]
    key: PathBuf,
    /// Certificate chain, PEM (leaf first) or a single DER certificate.
    #[arg(long)]
    cert: PathBuf,
    /// Signature algorithm (ES256, ES384, EdDSA, ML-DSA-65, ...); by default the key's own.
    #[arg(long, value_name = "ALG")]
    alg: Option<Algorithm>,
    /// Crypto backend.
    #[arg(long, value_enum, default_value_t)]
    provider: ProviderArg,
}

pub(crate) fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

impl SignerArgs {
    /// Key and chain files, the key's own algorithm, the default provider.
    pub(crate) fn new(key: PathBuf, cert: PathBuf) -> Self {
        Self {
            key,
            cert,
            alg: None,
            provider: ProviderArg::AwsLc,
        }
    }

    /// The signer, loaded through [`pouch::Signer`] as every other entry point loads one;
    /// only the exit classes of its faults are the command line's own.
    pub(crate) fn load(&self) -> anyhow::Result<(Signer, &'static CryptoProvider)> {
        let provider = provider(self.provider);
        let key_file = self.key.display();
        let raw = read_file(&self.key)?;
        let der = keys::private_key_pkcs8(&raw)
            .map_err(|e| malformed_input(format_args!("{key_file}: key: {e}")))?;
        let alg = match self.alg {
            Some(alg) => alg,
            None => keys::algorithm_of_pkcs8(&der).ok_or_else(|| {
                malformed_input(format_args!(
                    "{key_file}: key: not a PKCS#8 key of a registered algorithm (give --alg if it is one)"
                ))
            })?,
        };
        if provider.signature(alg).is_none() {
            return Err(usage(format_args!(
                "--alg {alg}: the {} provider does not implement it",
                provider.name
            )));
        }
        let cert_file = self.cert.display();
        let chain = read_file(&self.cert)?;
        let signer = Signer::with_algorithm(provider, alg, &der, &chain).map_err(|e| match e {
            pouch::Error::Certificate(e) => {
                malformed_input(format_args!("{cert_file}: certificate: {e}"))
            }
            e => malformed_input(format_args!("{key_file}: {e}")),
        })?;
        if let Some(leaf) = signer.chain().first() {
            pouch::leaf_info(leaf).map_err(|e| {
                malformed_input(format_args!(
                    "{cert_file}: certificate: the leaf does not decode: {e}"
                ))
            })?;
        }
        Ok((signer, provider))
    }
}

pub(crate) fn now() -> anyhow::Result<DateTime> {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("system clock before 1970")?;
    DateTime::from_unix(d.as_secs() as i64, 0).ok_or_else(|| anyhow!("system clock out of range"))
}

pub(crate) fn read_label(path: &Path) -> anyhow::Result<Label> {
    let bytes = read_input(path, pouch_label::Limits::default().max_bytes)?;
    Label::decode(&bytes, None, &pouch_label::Limits::default())
        .map(|(_, l)| l)
        .map_err(|e| {
            malformed_input(format_args!(
                "{}: {}: {e}",
                path.display(),
                pouch_status::LABEL_MALFORMED
            ))
        })
}

/// Writes the finished envelope: to standard output, or to a temporary file beside `path`
/// renamed over it once complete, so that a failure leaves no partial output behind
/// (docs/cli.md).
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    let mut file = TempOutput::create(path)?;
    file.writer()?.write_all(bytes)?;
    file.flush()?;
    file.commit()
}

/// An output file written under a private temporary name beside it (same directory, so the
/// rename is atomic) and moved into place only by [`TempOutput::commit`]: nothing is left at
/// the output's path when writing fails, and the temporary file is removed when dropped
/// uncommitted.
pub(crate) struct TempOutput {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl TempOutput {
    pub(crate) fn create(path: &Path) -> anyhow::Result<Self> {
        let name = path
            .file_name()
            .ok_or_else(|| usage(format_args!("{}: not a file name", path.display())))?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let file =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            tmp,
            file: Some(std::io::BufWriter::new(file)),
        })
    }

    /// Where to write (the temporary file, buffered).
    pub(crate) fn writer(&mut self) -> std::io::Result<&mut std::io::BufWriter<std::fs::File>> {
        // Only `commit`, which consumes `self`, takes the file.
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("output already committed"))
    }

    /// Flushes what was written to the temporary file.
    pub(crate) fn flush(&mut self) -> std::io::Result<()> {
        self.writer()?.flush()
    }

    /// Closes the temporary file and renames it to the output's path.
    pub(crate) fn commit(mut self) -> anyhow::Result<()> {
        self.file.take();
        let renamed = std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("writing {}", self.path.display()));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        renamed
    }
}

impl Drop for TempOutput {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Refuses an envelope over the envelope limit: it would not verify anywhere (§3.9).
pub(crate) fn within_limit(envelope: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let limit = Limits::default().max_envelope_bytes;
    if envelope.len() > limit {
        return Err(too_large(envelope.len() as u64, limit));
    }
    Ok(envelope)
}

fn too_large(size: u64, limit: usize) -> anyhow::Error {
    malformed_input(pouch::envelope::Error::TooLarge { size, limit })
}

/// `pouch seal`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal(
    label: &Path,
    signer: &SignerArgs,
    detached: bool,
    digest: DigestAlgorithm,
    content_type: Option<String>,
    location: Option<String>,
    role: Role,
    payload: &Path,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let label = read_label(label)?;
    let (signer, _) = signer.load()?;
    let mut opts = SealOptions::new().role(role);
    opts.content_type = content_type.map(ContentType::Media);
    opts.location = location;
    let envelope = if detached {
        let mut reader: Box<dyn std::io::Read> = if payload.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(payload)
                    .with_context(|| format!("opening {}", payload.display()))?,
            ))
        };
        signer.seal_detached(&label, &mut reader, digest, &opts)?
    } else {
        // Read one byte past the limit, to know that the record is over it without reading
        // the rest: a record that large travels detached.
        let limit = Limits::default().max_envelope_bytes;
        let data = read_input(payload, limit)?;
        signer.seal(&label, &data, &opts).map_err(|e| match e {
            pouch::Error::TooLarge { size, limit } => too_large(size as u64, limit),
            e => e.into(),
        })?
    };
    write_output(output, &within_limit(envelope)?)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// `pouch endorse`: verifies the envelope first and refuses to seal what does not verify.
pub(crate) fn endorse(
    envelope: &Path,
    signer: &SignerArgs,
    role: Role,
    alternative_label: Option<&Path>,
    release_to: Option<String>,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let bytes = read_input(envelope, Limits::default().max_envelope_bytes)?;
    let (signer, provider) = signer.load()?;
    let report = Verifier::builder(provider)
        .without_trust()
        .build()?
        .verify(&bytes, None);
    if !report.is_valid() {
        let first = report
            .entries()
            .find(|e| e.code.severity() == pouch_status::Severity::Error)
            .map(|e| {
                format!(
                    "{}{}",
                    e.code,
                    e.detail
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        eprintln!(
            "pouch: {}: refusing to endorse an envelope that does not verify: {first}",
            envelope.display()
        );
        return Ok(ExitCode::from(exit_code(&report)));
    }
    let mut opts = SealOptions::new().role(role);
    opts.alternative_label = alternative_label.map(read_label).transpose()?;
    opts.release = release_to.map(|r| ReleaseApproval {
        recipients: r.split(',').map(|s| s.trim().to_owned()).collect(),
        note: None,
    });
    let out = signer.endorse(&bytes, &opts).map_err(|e| match e {
        pouch::Error::Envelope(
            e @ (pouch::envelope::Error::Malformed(_) | pouch::envelope::Error::TooManySeals(_)),
        ) => malformed_input(format_args!("{}: {e}", envelope.display())),
        e => e.into(),
    })?;
    write_output(output, &within_limit(out)?)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// The documented exit code of a report: the first failing stage in pipeline order, by the
/// rule every binding shares ([`Report::exit_class`]).
pub(crate) fn exit_code(report: &Report) -> u8 {
    report.exit_class()
}

pub(crate) fn print_report(out: &mut dyn Write, name: &str, report: &Report) -> anyhow::Result<()> {
    writeln!(
        out,
        "{name}: {}",
        if report.is_valid() {
            "VALID"
        } else {
            "NOT VALID"
        }
    )?;
    // One line per entry, the stage named in a column (blank under a seal, label or release).
    let lines = |out: &mut dyn Write, stage: &str, entries: &[pouch::Entry]| {
        entries.iter().try_for_each(|e| match &e.detail {
            Some(d) => writeln!(out, "  {stage:<12} {}: {d}", e.code),
            None => writeln!(out, "  {stage:<12} {}", e.code),
        })
    };
    lines(out, "envelope", &report.envelope)?;
    lines(out, "label", &report.label)?;
    lines(out, "payload", &report.payload)?;
    for s in &report.seals {
        let who = format!(
            "seal {} ({}, {}, {})",
            s.index,
            s.algorithm.as_deref().unwrap_or("?"),
            s.role.unwrap_or("?"),
            s.signer.as_deref().unwrap_or("?")
        );
        writeln!(out, "  {who}")?;
        lines(out, "", &s.codes)?;
        lines(out, "", &s.trust)?;
    }
    lines(out, "seal policy", &report.seal_policy)?;
    for l in &report.policy {
        let under = l.policy.as_deref().unwrap_or("no policy held");
        writeln!(out, "  label ({}, under {under})", l.label)?;
        lines(out, "", &l.codes)?;
    }
    if let Some(r) = &report.release {
        writeln!(
            out,
            "  release to {} ({}): {}",
            r.recipient,
            r.label
                .as_ref()
                .map_or("no label".to_owned(), |l| format!("under the {l} label")),
            if r.permitted() { "PERMITTED" } else { "DENIED" }
        )?;
        lines(out, "", &r.codes)?;
    }
    Ok(())
}

/// The settings of `pouch verify` other than its inputs.
pub(crate) struct VerifyOptions<'a> {
    pub(crate) seal_policy: SealPolicy,
    pub(crate) provider: ProviderArg,
    pub(crate) trust: Option<&'a Path>,
    pub(crate) require_current_validity: bool,
    pub(crate) at: Option<DateTime>,
    pub(crate) policies: &'a [PathBuf],
    pub(crate) recipient: Option<&'a str>,
    pub(crate) clearance: Option<&'a Path>,
    pub(crate) bulk: crate::bulk::Options,
}

/// `pouch verify`: one envelope gets the full report; many get one line each and a summary.
pub(crate) fn verify(
    inputs: &[PathBuf],
    payload: Option<&Path>,
    opts: &VerifyOptions<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let single = crate::bulk::is_single(inputs, opts.bulk.seq);
    if payload.is_some() && !single {
        return Err(usage(
            "--payload needs exactly one envelope (a file or '-', without --seq)",
        ));
    }
    if opts.recipient.is_some() && opts.trust.is_none() {
        return Err(usage(
            "--recipient needs --trust: a release is decided only for an envelope whose signers are trusted, never on seals anyone could have made",
        ));
    }
    let provider = provider(opts.provider);
    let bundle = opts.trust.map(crate::pki::load_bundle).transpose()?;
    let at = crate::pki::at_or_now(opts.at)?;
    let mut builder = Verifier::builder(provider)
        .seal_policy(opts.seal_policy.clone())
        .at(DateTime::from_unix(at, 0).ok_or_else(|| anyhow!("--at: out of range"))?);
    builder = match (bundle, opts.trust) {
        (Some(b), Some(path)) => builder.trust_store(
            pouch::TrustStore::with_options(provider, b, opts.require_current_validity).map_err(
                |e| malformed_input(format_args!("{}: trust bundle: {e}", path.display())),
            )?,
        ),
        _ => builder.without_trust(),
    };
    for path in opts.policies {
        match crate::load_policy(path)? {
            Ok(p) => builder = builder.policy(p),
            Err(e) => {
                eprintln!("pouch: {}: {e}", path.display());
                return Ok(ExitCode::from(EXIT_MALFORMED));
            }
        }
    }
    if let Some(code) = opts.recipient {
        let mut r = pouch_policy::Recipient::new(code);
        if let Some(path) = opts.clearance {
            let bytes = read_input(path, pouch_policy::ClearanceLimits::default().max_bytes)?;
            match pouch_policy::Clearance::from_json(&bytes) {
                Ok(c) => r.clearance = Some(c),
                Err(e) => {
                    eprintln!("pouch: {}: clearance: {e}", path.display());
                    return Ok(ExitCode::from(EXIT_MALFORMED));
                }
            }
        }
        builder = builder.recipient(r);
    }
    let verifier = builder.build()?;
    let ([envelope], true) = (inputs, single) else {
        let worst = crate::bulk::run(inputs, &verifier, &opts.bulk, out)?;
        return Ok(ExitCode::from(worst));
    };
    let bytes = read_input(envelope, Limits::default().max_envelope_bytes)?;
    // Decoded only to check the option: the verifier decodes it again for its report.
    if let Some(p) = payload
        && let Ok(env) = Envelope::decode(&bytes, verifier.limits())
        && matches!(env.header().content, Content::Embedded { .. })
    {
        return Err(usage(format_args!(
            "--payload {}: {} embeds its payload; a record is given only for a detached one",
            p.display(),
            envelope.display()
        )));
    }
    let report = match payload {
        Some(p) => {
            let mut f = std::io::BufReader::new(
                std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?,
            );
            verifier.verify(&bytes, Some(&mut f))
        }
        None => verifier.verify(&bytes, None),
    };
    if opts.bulk.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report.to_json())?)?;
    } else {
        print_report(out, &envelope.display().to_string(), &report)?;
    }
    Ok(ExitCode::from(exit_code(&report)))
}

/// `pouch inspect`: what the envelope says, without judging it.
pub(crate) fn inspect(
    envelope: &Path,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let bytes = read_input(envelope, Limits::default().max_envelope_bytes)?;
    let env = match Envelope::decode(&bytes, &Limits::default()) {
        Ok(e) => e,
        Err(f) => {
            eprintln!("pouch: {}: {}: {}", envelope.display(), f.code, f.detail);
            return Ok(ExitCode::from(EXIT_MALFORMED));
        }
    };
    let h = env.header();
    let doc = pouch::inspect(&env);
    if json {
        crate::write_json(out, &doc)?;
    } else {
        writeln!(
            out,
            "envelope {} (format {}), created {}",
            doc["envelopeId"].as_str().unwrap_or_default(),
            h.version,
            h.created
        )?;
        writeln!(out, "  marking   {}", h.label.marking())?;
        writeln!(
            out,
            "  policy    {}",
            h.label.confidentiality.policy_identifier.as_str()
        )?;
        writeln!(out, "  content   {}", doc["content"])?;
        if !doc["encryption"].is_null() {
            writeln!(out, "  encrypted {}", doc["encryption"])?;
        }
        for s in doc["seals"].as_array().into_iter().flatten() {
            writeln!(out, "  seal      {s}")?;
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}
