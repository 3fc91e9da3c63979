//! `pouch seal`, `endorse`, `verify`, `inspect`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::{Args, ValueEnum};
use pouch::{
    Content, ContentType, Envelope, Limits, Payload, ReleaseApproval, Report, Role, SealPolicy,
    SealRequest, Verifier,
};
use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, SigningKey, keys};
use pouch_label::{DateTime, Label};

use crate::{EXIT_MALFORMED, EXIT_OK, read_input};

/// Exit code: a seal's signature, algorithm or key failed.
pub const EXIT_SIGNATURE: u8 = pouch::ExitClass::Seal.code();
/// Exit code: the detached record does not match its sealed digest.
pub const EXIT_PAYLOAD: u8 = pouch::ExitClass::Payload.code();
/// Exit code: the valid seals do not satisfy the seal policy.
pub const EXIT_SEAL_POLICY: u8 = pouch::ExitClass::SealPolicy.code();
/// Exit code: a signer is not trusted or not authorised (trust stage).
pub const EXIT_UNTRUSTED: u8 = pouch::ExitClass::Trust.code();

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

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum RoleArg {
    Originator,
    Endorser,
    ReleasingAuthority,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Originator => Role::Originator,
            RoleArg::Endorser => Role::Endorser,
            RoleArg::ReleasingAuthority => Role::ReleasingAuthority,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum DigestArg {
    Sha256,
    Sha384,
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
    /// Signature algorithm; by default the key's own.
    #[arg(long)]
    alg: Option<String>,
    /// Crypto backend.
    #[arg(long, value_enum, default_value_t)]
    provider: ProviderArg,
}

pub(crate) struct Signer {
    key: Box<dyn SigningKey>,
    chain: Vec<Vec<u8>>,
}

impl Signer {
    /// A seal request for this signer without assertions.
    pub(crate) fn request(&self, role: Role, signing_time: DateTime) -> SealRequest<'_> {
        SealRequest {
            key: self.key.as_ref(),
            chain: self.chain.clone(),
            role,
            signing_time,
            alternative_label: None,
            release: None,
        }
    }
}

fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
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

    pub(crate) fn load(&self) -> anyhow::Result<(Signer, &'static CryptoProvider)> {
        let provider = provider(self.provider);
        let raw = read_file(&self.key)?;
        let der = if raw.starts_with(b"-----BEGIN") {
            keys::pem_decode(&raw, "PRIVATE KEY")
                .map_err(|e| anyhow!("{}: {e}", self.key.display()))?
        } else {
            raw
        };
        let alg = match &self.alg {
            Some(name) => Algorithm::from_name(name)
                .ok_or_else(|| anyhow!("--alg {name}: not a registered algorithm"))?,
            None => keys::algorithm_of_pkcs8(&der).ok_or_else(|| {
                anyhow!(
                    "{}: cannot tell the key's algorithm; give --alg",
                    self.key.display()
                )
            })?,
        };
        let scheme = provider
            .signature(alg)
            .ok_or_else(|| anyhow!("{} does not implement {alg}", provider.name))?;
        let key = scheme
            .signing_key(&der)
            .map_err(|e| anyhow!("{}: {e}", self.key.display()))?;
        let raw = read_file(&self.cert)?;
        let chain = if raw.starts_with(b"-----BEGIN") {
            keys::pem_blocks(&raw, "CERTIFICATE")
                .map_err(|e| anyhow!("{}: {e}", self.cert.display()))?
        } else {
            vec![raw]
        };
        if chain.is_empty() {
            bail!("{}: no certificate", self.cert.display());
        }
        Ok((Signer { key, chain }, provider))
    }
}

fn now() -> anyhow::Result<DateTime> {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("system clock before 1970")?;
    DateTime::from_unix(d.as_secs() as i64, 0).ok_or_else(|| anyhow!("system clock out of range"))
}

fn read_label(path: &Path) -> anyhow::Result<Label> {
    let bytes = read_input(path, pouch_label::Limits::default().max_bytes)?;
    crate::decode(&bytes, None, &pouch_label::Limits::default())
        .map(|(_, l)| l)
        .map_err(|e| anyhow!("{}: {}: {e}", path.display(), pouch_status::LABEL_MALFORMED))
}

fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        Ok(())
    } else {
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
    }
}

/// `pouch seal`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal(
    label: &Path,
    signer: &SignerArgs,
    detached: bool,
    digest: DigestArg,
    content_type: Option<String>,
    location: Option<String>,
    role: RoleArg,
    payload: &Path,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let label = read_label(label)?;
    let (s, provider) = signer.load()?;
    let request = SealRequest {
        key: s.key.as_ref(),
        chain: s.chain,
        role: role.into(),
        signing_time: now()?,
        alternative_label: None,
        release: None,
    };
    let content_type = content_type.map(ContentType::Media);
    let envelope = if detached {
        let digest = match digest {
            DigestArg::Sha256 => DigestAlgorithm::Sha256,
            DigestArg::Sha384 => DigestAlgorithm::Sha384,
        };
        let mut reader: Box<dyn std::io::Read> = if payload.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(payload)
                    .with_context(|| format!("opening {}", payload.display()))?,
            ))
        };
        let p = Payload::Detached {
            data: &mut reader,
            digest,
            content_type,
            location,
        };
        pouch::seal(provider, &label, p, &request, None, None)?
    } else {
        let data = read_input(payload, Limits::default().max_envelope_bytes)?;
        let p = Payload::Embedded {
            data: &data,
            content_type,
        };
        pouch::seal(provider, &label, p, &request, None, None)?
    };
    write_output(output, &envelope)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// `pouch endorse`: verifies the envelope first and refuses to seal what does not verify.
pub(crate) fn endorse(
    envelope: &Path,
    signer: &SignerArgs,
    role: RoleArg,
    alternative_label: Option<&Path>,
    release_to: Option<String>,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let bytes = read_input(envelope, Limits::default().max_envelope_bytes)?;
    let (s, provider) = signer.load()?;
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
    let request = SealRequest {
        key: s.key.as_ref(),
        chain: s.chain,
        role: role.into(),
        signing_time: now()?,
        alternative_label: alternative_label.map(read_label).transpose()?,
        release: release_to.map(|r| ReleaseApproval {
            recipients: r.split(',').map(|s| s.trim().to_owned()).collect(),
            note: None,
        }),
    };
    let out = pouch::endorse(&bytes, &request, &Limits::default())?;
    write_output(output, &out)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// The documented exit code of a report: the first failing stage in pipeline order, by the
/// rule every binding shares ([`Report::exit_class`]).
pub(crate) fn exit_code(report: &Report) -> u8 {
    report.exit_class().code()
}

/// Parses `all`, `hybrid`, or `nations:T:NO,SE,FI`.
pub(crate) fn parse_policy(s: &str) -> anyhow::Result<SealPolicy> {
    Ok(s.parse::<SealPolicy>()?)
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
    let line = |out: &mut dyn Write, stage: &str, e: &pouch::Entry| -> std::io::Result<()> {
        match &e.detail {
            Some(d) => writeln!(out, "  {stage:<12} {}: {d}", e.code),
            None => writeln!(out, "  {stage:<12} {}", e.code),
        }
    };
    for e in &report.envelope {
        line(out, "envelope", e)?;
    }
    for e in &report.label {
        line(out, "label", e)?;
    }
    for e in &report.payload {
        line(out, "payload", e)?;
    }
    for s in &report.seals {
        let who = format!(
            "seal {} ({}, {}, {})",
            s.index,
            s.algorithm.as_deref().unwrap_or("?"),
            s.role.unwrap_or("?"),
            s.signer.as_deref().unwrap_or("?")
        );
        writeln!(out, "  {who}")?;
        for e in &s.codes {
            line(out, "", e)?;
        }
        for e in &s.trust {
            line(out, "", e)?;
        }
    }
    for e in &report.seal_policy {
        line(out, "seal policy", e)?;
    }
    for l in &report.policy {
        let under = l.policy.as_deref().unwrap_or("no policy held");
        writeln!(out, "  label ({}, under {under})", l.label)?;
        for e in &l.codes {
            line(out, "", e)?;
        }
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
        for e in &r.codes {
            line(out, "", e)?;
        }
    }
    Ok(())
}

/// The settings of `pouch verify` other than its inputs.
pub(crate) struct VerifyOptions<'a> {
    pub(crate) seal_policy: &'a str,
    pub(crate) provider: ProviderArg,
    pub(crate) trust: Option<&'a Path>,
    pub(crate) at: Option<&'a str>,
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
        bail!("--payload needs exactly one envelope (a file or '-', without --seq)");
    }
    let provider = provider(opts.provider);
    let mut builder = Verifier::builder(provider)
        .seal_policy(parse_policy(opts.seal_policy)?)
        .at(DateTime::from_unix(crate::pki::parse_at(opts.at)?, 0)
            .ok_or_else(|| anyhow!("--at: out of range"))?);
    builder = match opts.trust {
        Some(path) => builder
            .trust_store(pouch::TrustStore::load(provider, path).map_err(|e| anyhow!("{e}"))?),
        None => builder.without_trust(),
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
    let id: String = h.id.iter().map(|b| format!("{b:02x}")).collect();
    let content = match &h.content {
        Content::Embedded { content_type } => serde_json::json!({
            "payload": "embedded",
            "bytes": env.payload().len(),
            "contentType": content_type.as_ref().map(|c| c.to_string()),
        }),
        Content::Detached {
            digest,
            content_type,
            location,
        } => serde_json::json!({
            "payload": "detached",
            "digestAlgorithm": digest.name(),
            "digest": env.payload().iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "contentType": content_type.as_ref().map(|c| c.to_string()),
            "location": location,
        }),
    };
    let seals: Vec<serde_json::Value> = env
        .seals()
        .iter()
        .enumerate()
        .map(|(i, s)| match s.header() {
            Ok(sh) => {
                let leaf = sh.chain.first().and_then(|c| pouch::leaf_info(c).ok());
                serde_json::json!({
                    "index": i,
                    "algorithm": Algorithm::from_cose_id(sh.alg).map_or_else(|| sh.alg.to_string(), |a| a.name().to_owned()),
                    "role": sh.role.name(),
                    "signingTime": sh.signing_time.to_string(),
                    "signer": leaf.as_ref().map(|l| l.subject.clone()),
                    "certificates": sh.chain.len(),
                    "alternativeLabel": sh.alternative_label.as_ref().map(|l| l.marking()),
                    "releaseTo": sh.release.as_ref().map(|r| r.recipients.clone()),
                })
            }
            Err(f) => serde_json::json!({"index": i, "fault": f.code.id(), "detail": f.detail}),
        })
        .collect();
    let doc = serde_json::json!({
        "formatVersion": h.version,
        "envelopeId": id,
        "created": h.created.to_string(),
        "content": content,
        "label": serde_json::from_str::<serde_json::Value>(&h.label.to_json())?,
        "marking": h.label.marking(),
        "seals": seals,
    });
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        writeln!(
            out,
            "envelope {id} (format {}), created {}",
            h.version, h.created
        )?;
        writeln!(out, "  marking   {}", h.label.marking())?;
        writeln!(
            out,
            "  policy    {}",
            h.label.confidentiality.policy_identifier.as_str()
        )?;
        writeln!(out, "  content   {}", content)?;
        for s in &seals {
            writeln!(out, "  seal      {s}")?;
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}
