//! The `pouch` command line (docs/cli.md). Argument parsing and output live here; every
//! decision about labels lives in the library crates.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use pouch::{Role as SealRole, SealPolicy};
use pouch_crypto::DigestAlgorithm;
use pouch_label::{DateTime, Form, Label, LabelElement, Limits};

mod bulk;
mod demo;
mod demo_encrypt;
mod encrypt;
mod envelope;
mod pki;
mod policy;

pub use pouch_status::ExitClass;

/// Exit code: a seal's signature, algorithm or key failed.
pub const EXIT_SIGNATURE: u8 = ExitClass::Seal.code();
/// Exit code: the detached record does not match its sealed digest.
pub const EXIT_PAYLOAD: u8 = ExitClass::Payload.code();
/// Exit code: the valid seals do not satisfy the seal policy.
pub const EXIT_SEAL_POLICY: u8 = ExitClass::SealPolicy.code();
/// Exit code: a signer is not trusted or not authorised (trust stage).
pub const EXIT_UNTRUSTED: u8 = ExitClass::Trust.code();
/// Exit code: a label breaks a rule of the policy, or cannot be rendered, mapped or combined
/// under it.
pub const EXIT_LABEL_INVALID: u8 = ExitClass::LabelInvalid.code();
/// Exit code: the recipient may not receive the data.
pub const EXIT_RELEASE_DENIED: u8 = ExitClass::ReleaseDenied.code();
/// Success: the input was well-formed and, for `check`, broke no rule.
pub const EXIT_OK: u8 = ExitClass::Valid.code();
/// The input was read and decoded, and the verdict is negative (e.g. a label breaks an
/// advisory rule).
pub const EXIT_VERDICT: u8 = ExitClass::Finding.code();
/// The command line is wrong.
pub const EXIT_USAGE: u8 = ExitClass::Usage.code();
/// The input is malformed: it is not what the command expects.
pub const EXIT_MALFORMED: u8 = ExitClass::Malformed.code();
/// The input or output could not be read or written.
pub const EXIT_IO: u8 = ExitClass::Io.code();

/// A failure that ends the command with its exit class and a one-line message. Errors
/// without one are I/O errors (exit 4): a file that could not be read or written.
#[derive(Debug)]
pub struct Failure {
    /// How the process ends.
    pub class: ExitClass,
    message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// A failure of `class` with its one-line message.
    pub(crate) fn new(class: ExitClass, message: impl Into<String>) -> Self {
        Failure {
            class,
            message: message.into(),
        }
    }
}

/// The exit class of an error `run` returned: its [`Failure`]'s, else I/O.
pub fn class_of(e: &anyhow::Error) -> ExitClass {
    e.downcast_ref::<Failure>()
        .map_or(ExitClass::Io, |f| f.class)
}

/// A usage error: the command line is wrong (exit 2).
pub(crate) fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    Failure {
        class: ExitClass::Usage,
        message: message.to_string(),
    }
    .into()
}

/// Malformed input: a file is not what the command expects (exit 3).
pub(crate) fn malformed_input(message: impl std::fmt::Display) -> anyhow::Error {
    Failure {
        class: ExitClass::Malformed,
        message: message.to_string(),
    }
    .into()
}

fn exit_codes_help() -> String {
    ExitClass::help_table()
}

#[derive(Parser, Debug)]
#[command(name = "pouch", version, about = "Pouch: labelled, signed envelopes for moving records between allies", after_help = exit_codes_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the embedded demonstration on built-in defaults.
    Demo,
    /// Work with confidentiality labels (ADatP-4774 as CBOR, JSON or XML).
    #[command(subcommand)]
    Label(LabelCommand),
    /// Seal a record under a label: a new envelope with one seal.
    #[command(after_help = exit_codes_help())]
    Seal {
        /// The originator label (XML, JSON or CBOR).
        #[arg(long)]
        label: PathBuf,
        #[command(flatten)]
        signer: envelope::SignerArgs,
        /// Carry the record beside the envelope, sealed by its digest.
        #[arg(long)]
        detached: bool,
        /// Digest of a detached record: sha256 or sha384.
        #[arg(long, default_value = "sha256", value_name = "DIGEST")]
        digest: DigestAlgorithm,
        /// The record's media type.
        #[arg(long)]
        content_type: Option<String>,
        /// Where recipients may find a detached record (a hint; never fetched).
        #[arg(long)]
        location: Option<String>,
        /// The sealing party's role: originator, endorser or releasing-authority.
        #[arg(long, default_value = "originator", value_name = "ROLE")]
        role: SealRole,
        /// Encrypt to these nations (comma-separated alpha-3 codes; spec/10-encryption.md):
        /// each one's certificate is validated against --trust and release to it decided
        /// under --policy first; a denied nation is refused (exit 6) unless forced.
        #[arg(long, value_name = "NATIONS")]
        encrypt_to: Option<String>,
        /// A recipient's encryption certificate chain (PEM, leaf first), as NATION=FILE;
        /// repeat for each nation of --encrypt-to.
        #[arg(
            long = "recipient-cert",
            value_name = "NATION=FILE",
            requires = "encrypt_to"
        )]
        recipient_certs: Vec<String>,
        /// Trust bundle the recipients' certificates must chain to.
        #[arg(long, requires = "encrypt_to")]
        trust: Option<PathBuf>,
        /// Security policy (SPIF) that decides release to each recipient.
        #[arg(long, requires = "encrypt_to")]
        policy: Option<PathBuf>,
        /// Encrypt to these nations although release is denied; recorded in the envelope,
        /// under the seal.
        #[arg(long, value_name = "NATIONS", requires = "encrypt_to")]
        force_release: Option<String>,
        /// Where the ciphertext of a detached encrypted record goes.
        #[arg(long, requires = "encrypt_to")]
        ciphertext: Option<PathBuf>,
        /// Output envelope, or '-' for standard output.
        #[arg(short, long)]
        output: PathBuf,
        /// The record, or '-' for standard input.
        payload: PathBuf,
    },
    /// Open an encrypted envelope: verify it, decide release to the key holder's nation,
    /// then decrypt; the output appears only when every chunk has authenticated.
    #[command(after_help = exit_codes_help())]
    Open {
        /// The recipient's private key (PKCS#8 PEM, spec/10-encryption.md §10.5).
        #[arg(long)]
        key: PathBuf,
        /// The recipient's encryption certificate chain (PEM, leaf first).
        #[arg(long)]
        cert: PathBuf,
        /// Trust bundle (TOML).
        #[arg(long)]
        trust: PathBuf,
        /// Security policy (SPIF) for the release decision.
        #[arg(long)]
        policy: PathBuf,
        /// The detached ciphertext, when the record is detached.
        #[arg(long)]
        ciphertext: Option<PathBuf>,
        /// Verification time, RFC 3339 (default: now).
        #[arg(long, value_name = "RFC3339")]
        at: Option<DateTime>,
        /// Crypto backend for verification.
        #[arg(long, value_enum, default_value_t)]
        provider: envelope::ProviderArg,
        /// Where the plaintext goes.
        #[arg(short, long)]
        output: PathBuf,
        /// The encrypted envelope.
        envelope: PathBuf,
    },
    /// Add a seal to an envelope, after verifying it, without touching the others.
    #[command(after_help = exit_codes_help())]
    Endorse {
        #[command(flatten)]
        signer: envelope::SignerArgs,
        /// The sealing party's role: originator, endorser or releasing-authority.
        #[arg(long, default_value = "endorser", value_name = "ROLE")]
        role: SealRole,
        /// An alternative label under another policy, asserted by this seal.
        #[arg(long)]
        alternative_label: Option<PathBuf>,
        /// Approve release to these recipients (comma-separated nation codes).
        #[arg(long)]
        release_to: Option<String>,
        /// Output envelope, or '-' for standard output.
        #[arg(short, long)]
        output: PathBuf,
        /// The envelope, or '-' for standard input.
        envelope: PathBuf,
    },
    /// Verify every seal of an envelope and print the report.
    #[command(after_help = exit_codes_help())]
    Verify {
        /// The detached record, when the payload is detached.
        #[arg(long)]
        payload: Option<PathBuf>,
        /// Seal policy: all, hybrid, or nations:T:NO,SE,FI (1 <= T <= the nations listed).
        #[arg(long, default_value = "all", value_name = "POLICY")]
        seal_policy: SealPolicy,
        /// Crypto backend.
        #[arg(long, value_enum, default_value_t)]
        provider: envelope::ProviderArg,
        /// Trust bundle (TOML): adds the trust stage, per seal.
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Refuse back-dated seals: every certificate of a signer's path must also be valid
        /// at the verification time (spec/04-trust.md POUCH-TRUST-022). Needs --trust.
        #[arg(long, requires = "trust")]
        require_current_validity: bool,
        /// Verification time, RFC 3339 (default: now).
        #[arg(long, value_name = "RFC3339")]
        at: Option<DateTime>,
        /// Security policy (Open XML SPIF), repeatable: adds the policy stage for every
        /// label of the envelope.
        #[arg(long = "policy", value_name = "SPIF")]
        policies: Vec<PathBuf>,
        /// Recipient (nation or organisation code): adds the release decision. Needs
        /// --trust: no release is decided on seals whose signers were not checked.
        #[arg(long)]
        recipient: Option<String>,
        /// The recipient's clearance (JSON, spec/05-policy.md §5.7.1).
        #[arg(long, requires = "recipient")]
        clearance: Option<PathBuf>,
        /// Print the report as JSON (many envelopes: one JSON line each, in input order).
        #[arg(long)]
        json: bool,
        /// Read every input as a CBOR sequence (RFC 8742) of envelopes; implied for files
        /// named *.cborseq.
        #[arg(long)]
        seq: bool,
        /// Worker threads for many envelopes (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Never show the progress line (shown on standard error only when it is a
        /// terminal).
        #[arg(long)]
        no_progress: bool,
        /// Envelopes: files, directories (walked recursively), or '-' for standard input.
        #[arg(required = true, value_name = "ENVELOPE")]
        inputs: Vec<PathBuf>,
    },
    /// Demo and test PKIs, and chain checks against a trust bundle.
    #[command(subcommand)]
    Pki(PkiCommand),
    /// Load and inspect security policies (Open XML SPIF 2.1).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Decide whether a recipient may receive data under a label: permit or deny, with
    /// every reason.
    #[command(after_help = exit_codes_help())]
    Release {
        /// The security policy (SPIF).
        #[arg(long)]
        policy: PathBuf,
        /// The recipient: a nation or organisation code, e.g. FIN.
        #[arg(long)]
        recipient: String,
        /// The recipient's clearance (JSON, spec/05-policy.md §5.7.1).
        #[arg(long)]
        clearance: Option<PathBuf>,
        /// Input form (xml, json or cbor); guessed from the first byte when absent.
        #[arg(long)]
        from: Option<Form>,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
        /// Label file, or '-' for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
    },
    /// Show an envelope's header, label and seals, without verifying them.
    #[command(after_help = exit_codes_help())]
    Inspect {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
        /// The envelope, or '-' for standard input.
        envelope: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum LabelCommand {
    /// Decode a label strictly and report the profile's advisory rules as status codes.
    #[command(after_help = exit_codes_help())]
    Check {
        /// Input form (xml, json or cbor); guessed from the first byte when absent ('<' XML, '{' JSON, else CBOR).
        #[arg(long)]
        from: Option<Form>,
        /// Also validate the label under this security policy (SPIF).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Label file, or '-' for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
    },
    /// Convert a label between its three forms, or to and from an ESS security label (DER)
    /// through a policy, to standard output.
    #[command(after_help = exit_codes_help())]
    Convert {
        /// Input form; guessed from the first byte when absent (never ESS).
        #[arg(long)]
        from: Option<ConvertForm>,
        /// Output form.
        #[arg(long)]
        to: ConvertForm,
        /// The security policy (SPIF) whose lacvs and OIDs map ESS labels (needed for ess).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// XML element (role) to write; XML input keeps its own role unless this is given.
        #[arg(long)]
        role: Option<RoleArg>,
        /// Label file, or '-' for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
    },
    /// Print the plain marking of a label, e.g. `SECRET Releasable To FIN, SWE`, or with
    /// --policy the SPIF's display marking, e.g. `NATO SECRET Releasable to FIN, SWE`.
    #[command(after_help = exit_codes_help())]
    Render {
        /// Input form (xml, json or cbor); guessed from the first byte when absent.
        #[arg(long)]
        from: Option<Form>,
        /// Render the SPIF's display marking of this policy.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Language of the marking (with --policy), e.g. fr; default en.
        #[arg(long, requires = "policy")]
        lang: Option<String>,
        /// Label file, or '-' for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
    },
    /// Derive the alternative label under another policy, through the SPIF's equivalences.
    #[command(after_help = exit_codes_help())]
    Equivalent {
        /// The label's policy (SPIF).
        #[arg(long)]
        policy: PathBuf,
        /// The other policy (SPIF).
        #[arg(long)]
        to: PathBuf,
        /// Input form (xml, json or cbor); guessed from the first byte when absent.
        #[arg(long)]
        from: Option<Form>,
        /// Output form: xml, json or cbor.
        #[arg(long, default_value = "json")]
        format: Form,
        /// Label file, or '-' for standard input.
        #[arg(default_value = "-")]
        input: PathBuf,
    },
    /// The dominant label of several labels under one policy (ADatP-4774.1).
    #[command(after_help = exit_codes_help())]
    Dominant {
        /// The labels' policy (SPIF).
        #[arg(long)]
        policy: PathBuf,
        /// Input form (xml, json or cbor); guessed from each file's first byte when absent.
        #[arg(long)]
        from: Option<Form>,
        /// Output form: xml, json or cbor.
        #[arg(long, default_value = "json")]
        format: Form,
        /// Label files ('-' once for standard input).
        #[arg(required = true, value_name = "LABEL")]
        inputs: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the label's JSON form.
    Schema,
}

#[derive(Subcommand, Debug)]
enum PolicyCommand {
    /// Load a SPIF and print its warnings; exit 3 naming the element and line when it does
    /// not load.
    #[command(after_help = exit_codes_help())]
    Check {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
        /// The SPIF, or '-' for standard input.
        spif: PathBuf,
    },
    /// Show classifications (lacv, hierarchy), tag sets and tags (types, values),
    /// memberships and equivalences.
    #[command(after_help = exit_codes_help())]
    Show {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
        /// The SPIF, or '-' for standard input.
        spif: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum PkiCommand {
    /// Make the demo coalition (three nations, plus Norway's revoked, expired and
    /// non-digitalSignature signers) and its trust bundle.
    Demo {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Derive every key from this seed (and fix the clock): byte-identical output.
        #[arg(long)]
        seed: Option<u64>,
        /// The PKI's "now", RFC 3339.
        #[arg(long, value_name = "RFC3339")]
        at: Option<DateTime>,
        /// Also issue each nation an encryption certificate and key for every recipient
        /// algorithm (NAT/encrypt-ALG.pem, NAT/encrypt-ALG.key.pem; spec/10-encryption.md).
        #[arg(long)]
        encryption: bool,
    },
    /// Check a certificate chain (PEM, leaf first) against a trust bundle.
    #[command(after_help = exit_codes_help())]
    CheckChain {
        /// Trust bundle (TOML).
        #[arg(long)]
        trust: PathBuf,
        /// The chain, PEM, leaf first.
        #[arg(long)]
        cert: PathBuf,
        /// Time of the check, RFC 3339 (default: now).
        #[arg(long, value_name = "RFC3339")]
        at: Option<DateTime>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The forms `label convert` reads and writes: the label's three, and ESS through a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ConvertForm {
    Xml,
    Json,
    Cbor,
    /// RFC 2634 ESSSecurityLabel, DER (needs --policy).
    Ess,
}

impl ConvertForm {
    fn label_form(self) -> Option<Form> {
        match self {
            ConvertForm::Xml => Some(Form::Xml),
            ConvertForm::Json => Some(Form::Json),
            ConvertForm::Cbor => Some(Form::Cbor),
            ConvertForm::Ess => None,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RoleArg {
    Originator,
    Alternative,
    Metadata,
    Legacy,
}

impl From<RoleArg> for LabelElement {
    fn from(r: RoleArg) -> LabelElement {
        match r {
            RoleArg::Originator => LabelElement::Originator,
            RoleArg::Alternative => LabelElement::Alternative,
            RoleArg::Metadata => LabelElement::Metadata,
            RoleArg::Legacy => LabelElement::Legacy,
        }
    }
}

/// Parses the process's arguments and runs the command.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => return Err(usage(one_line(&e))),
        Err(e) => {
            e.print().context("writing usage")?;
            return Ok(ExitCode::from(EXIT_OK));
        }
    };
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Demo => demo::run(&mut out),
        Command::Label(cmd) => label(cmd, &mut out),
        Command::Seal {
            label,
            signer,
            detached,
            digest,
            content_type,
            location,
            role,
            encrypt_to,
            recipient_certs,
            trust,
            policy,
            force_release,
            ciphertext,
            output,
            payload,
        } => match encrypt_to {
            None => envelope::seal(
                &label,
                &signer,
                detached,
                digest,
                content_type,
                location,
                role,
                &payload,
                &output,
            ),
            Some(to) => {
                let (signer, provider) = signer.load()?;
                let mut opts = pouch::SealOptions::new().role(role);
                opts.content_type = content_type.map(pouch::ContentType::Media);
                opts.location = location;
                encrypt::seal(
                    &label,
                    &signer,
                    provider,
                    detached,
                    digest,
                    &opts,
                    &payload,
                    &output,
                    &encrypt::EncryptArgs {
                        to: &to,
                        recipient_certs: &recipient_certs,
                        trust: trust.as_deref(),
                        policy: policy.as_deref(),
                        force: force_release.as_deref(),
                        ciphertext: ciphertext.as_deref(),
                    },
                )
            }
        },
        Command::Open {
            key,
            cert,
            trust,
            policy,
            ciphertext,
            at,
            provider,
            output,
            envelope,
        } => encrypt::open(
            &encrypt::OpenArgs {
                envelope: &envelope,
                key: &key,
                cert: &cert,
                output: &output,
                trust: &trust,
                policy: &policy,
                ciphertext: ciphertext.as_deref(),
                at,
                provider: envelope::provider(provider),
            },
            &mut out,
        ),
        Command::Endorse {
            signer,
            role,
            alternative_label,
            release_to,
            output,
            envelope,
        } => envelope::endorse(
            &envelope,
            &signer,
            role,
            alternative_label.as_deref(),
            release_to,
            &output,
        ),
        Command::Verify {
            payload,
            seal_policy,
            provider,
            trust,
            require_current_validity,
            at,
            json,
            seq,
            jobs,
            no_progress,
            policies,
            recipient,
            clearance,
            inputs,
        } => envelope::verify(
            &inputs,
            payload.as_deref(),
            &envelope::VerifyOptions {
                seal_policy,
                provider,
                trust: trust.as_deref(),
                require_current_validity,
                at,
                policies: &policies,
                recipient: recipient.as_deref(),
                clearance: clearance.as_deref(),
                bulk: bulk::Options {
                    seq,
                    jobs: jobs.unwrap_or_else(|| {
                        std::thread::available_parallelism().map_or(1, |n| n.get())
                    }),
                    json,
                    progress: !no_progress,
                },
            },
            &mut out,
        ),
        Command::Pki(PkiCommand::Demo {
            out: dir,
            seed,
            at,
            encryption,
        }) => pki::demo(&dir, seed, at, encryption, &mut out),
        Command::Pki(PkiCommand::CheckChain {
            trust,
            cert,
            at,
            json,
        }) => pki::check_chain(&trust, &cert, at, json, &mut out),
        Command::Inspect { json, envelope } => envelope::inspect(&envelope, json, &mut out),
        Command::Policy(PolicyCommand::Check { json, spif }) => {
            policy::check(&spif, json, &mut out)
        }
        Command::Policy(PolicyCommand::Show { json, spif }) => policy::show(&spif, json, &mut out),
        Command::Release {
            policy,
            recipient,
            clearance,
            from,
            json,
            input,
        } => policy::release(
            &policy::ReleaseArgs {
                policy: &policy,
                recipient: &recipient,
                clearance: clearance.as_deref(),
                from,
                json,
                input: &input,
            },
            &mut out,
        ),
    }
}

/// A clap error on one line, as every error of `pouch` is (docs/cli.md): its text up to the
/// usage lines, without the `error:` prefix, its lines joined.
fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let joined = lines.join(" ");
    let msg = joined.strip_prefix("error: ").unwrap_or(&joined);
    format!("{msg} (see --help)")
}

/// Loads `--policy` when given.
fn load_opt(path: Option<&std::path::Path>) -> policy::Step<Option<pouch_policy::Policy>> {
    match path {
        None => Ok(Ok(None)),
        Some(p) => Ok(policy::load(p)?.map(Some)),
    }
}

/// Writes a label in `form`; `role` chooses the XML element.
fn write_label(
    out: &mut impl Write,
    label: &Label,
    form: Form,
    role: LabelElement,
) -> anyhow::Result<()> {
    match form {
        Form::Xml => out.write_all(label.to_xml(role).as_bytes())?,
        Form::Json => writeln!(out, "{}", label.to_json())?,
        Form::Cbor => write_binary(out, &label.to_cbor())?,
    }
    out.flush()?;
    Ok(())
}

/// Writes a JSON document, pretty-printed, on its own lines (every `--json` output).
pub(crate) fn write_json(out: &mut impl Write, doc: &serde_json::Value) -> anyhow::Result<()> {
    writeln!(out, "{}", serde_json::to_string_pretty(doc)?)?;
    Ok(())
}

fn write_binary(out: &mut impl Write, bytes: &[u8]) -> anyhow::Result<()> {
    if std::io::stdout().is_terminal() {
        anyhow::bail!("refusing to write binary output to a terminal; redirect standard output");
    }
    out.write_all(bytes)?;
    Ok(())
}

/// Unwraps a [`policy::Step`], returning its exit code from the enclosing function.
macro_rules! step {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(code) => return Ok(code),
        }
    };
}

fn label(cmd: LabelCommand, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    match cmd {
        LabelCommand::Check {
            from,
            policy,
            json,
            input,
        } => {
            let policy = step!(load_opt(policy.as_deref()));
            let bytes = read_input(&input, limits.max_bytes)?;
            let (_, label) = match Label::decode(&bytes, from, &limits) {
                Ok(l) => l,
                Err(e) => return malformed(&input, &e, json, out),
            };
            let findings = pouch_label::check(&label);
            let (statuses, code) = match &policy {
                Some(p) => policy::check_label(p, &label, findings.len()),
                None => (
                    Vec::new(),
                    ExitCode::from(if findings.is_empty() {
                        EXIT_OK
                    } else {
                        EXIT_VERDICT
                    }),
                ),
            };
            if json {
                let report = serde_json::json!({
                    "input": input.display().to_string(),
                    "codes": std::iter::once(serde_json::json!({
                        "code": pouch_status::LABEL_WELL_FORMED.id(),
                        "path": "/",
                    }))
                    .chain(findings.iter().map(|f| serde_json::json!({
                        "code": f.code.id(),
                        "path": f.path,
                        "detail": f.detail,
                    })))
                    .chain(policy::statuses_json(&statuses))
                    .collect::<Vec<_>>(),
                });
                crate::write_json(out, &report)?;
            } else {
                writeln!(
                    out,
                    "{}: {}",
                    input.display(),
                    pouch_status::LABEL_WELL_FORMED
                )?;
                for f in &findings {
                    writeln!(
                        out,
                        "{}: {} at {}: {}",
                        input.display(),
                        f.code,
                        f.path,
                        f.detail
                    )?;
                }
                for s in &statuses {
                    writeln!(out, "{}: {s}", input.display())?;
                }
            }
            Ok(code)
        }
        LabelCommand::Convert {
            from,
            to,
            policy,
            role,
            input,
        } => {
            let policy = step!(load_opt(policy.as_deref()));
            let ess_in = from == Some(ConvertForm::Ess);
            let (read_role, label) = step!(policy::read_label(
                &input,
                from.and_then(ConvertForm::label_form),
                ess_in,
                policy.as_ref(),
            ));
            match to.label_form() {
                Some(Form::Xml) => {
                    let role = role
                        .map(LabelElement::from)
                        .or(read_role)
                        .unwrap_or_default();
                    write_label(out, &label, Form::Xml, role)?;
                }
                Some(form) => write_label(out, &label, form, LabelElement::default())?,
                None => {
                    let Some(p) = &policy else {
                        return Ok(policy::fail(&input, "--to ess needs --policy", EXIT_USAGE));
                    };
                    let der = step!(policy::to_ess(p, &label, &input));
                    write_binary(out, &der)?;
                    out.flush()?;
                }
            }
            Ok(ExitCode::from(EXIT_OK))
        }
        LabelCommand::Render {
            from,
            policy,
            lang,
            input,
        } => {
            let policy = step!(load_opt(policy.as_deref()));
            let (_, label) = step!(policy::read_label(&input, from, false, None));
            match &policy {
                Some(p) => policy::render(p, &label, lang.as_deref(), &input, out),
                None => {
                    writeln!(out, "{}", label.marking())?;
                    Ok(ExitCode::from(EXIT_OK))
                }
            }
        }
        LabelCommand::Equivalent {
            policy,
            to,
            from,
            format,
            input,
        } => {
            let source = step!(policy::load(&policy));
            let target = step!(policy::load(&to));
            let (_, label) = step!(policy::read_label(&input, from, false, Some(&source)));
            let alternative = match policy::equivalent(&source, &target, &label, &input) {
                Ok(l) => l,
                Err(code) => return Ok(code),
            };
            write_label(out, &alternative, format, LabelElement::Alternative)?;
            Ok(ExitCode::from(EXIT_OK))
        }
        LabelCommand::Dominant {
            policy,
            from,
            format,
            inputs,
        } => {
            let p = step!(policy::load(&policy));
            let mut labels = Vec::with_capacity(inputs.len());
            for input in &inputs {
                labels.push(step!(policy::read_label(input, from, false, Some(&p))).1);
            }
            let (label, code) = match policy::dominant(&p, &labels) {
                Ok(v) => v,
                Err(code) => return Ok(code),
            };
            write_label(out, &label, format, LabelElement::Originator)?;
            Ok(ExitCode::from(code))
        }
        LabelCommand::Schema => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&pouch_label::json_schema())?
            )?;
            Ok(ExitCode::from(EXIT_OK))
        }
    }
}

/// Reports a malformed input on one line of stderr (and as a report with `--json`).
fn malformed(
    input: &std::path::Path,
    e: &pouch_label::Error,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    if json {
        let report = serde_json::json!({
            "input": input.display().to_string(),
            "codes": [{
                "code": pouch_status::LABEL_MALFORMED.id(),
                "path": e.path(),
                "offset": e.offset(),
                "error": e.kind().name(),
                "detail": e.to_string(),
            }],
        });
        crate::write_json(out, &report)?;
    }
    eprintln!(
        "pouch: {}: {}: {e}",
        input.display(),
        pouch_status::LABEL_MALFORMED
    );
    Ok(ExitCode::from(EXIT_MALFORMED))
}

/// Reads and loads a SPIF: an I/O failure is the outer error, a SPIF that does not load
/// (naming element and line) the inner one.
fn load_policy(
    path: &std::path::Path,
) -> anyhow::Result<Result<pouch_policy::Policy, pouch_policy::Error>> {
    let limits = pouch_policy::Limits::default();
    let bytes = read_input(path, limits.max_bytes)?;
    Ok(pouch_policy::Policy::load(&bytes, &limits))
}

/// Reads a file or standard input, refusing more than `limit + 1` bytes so that an oversize
/// input is reported by the decoder's limit rather than read whole.
fn read_input(path: &std::path::Path, limit: usize) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let cap = (limit as u64).saturating_add(1);
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(cap)
            .read_to_end(&mut buf)
            .context("reading standard input")?;
    } else {
        std::fs::File::open(path)
            .with_context(|| format!("opening {}", path.display()))?
            .take(cap)
            .read_to_end(&mut buf)
            .with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(buf)
}
