//! The reference adapter (spec/07-conformance.md §7.2): the Pouch crates behind the adapter
//! protocol. The binary `pouch-conformance-adapter` is a thin `main` over [`run`].

use std::io::Read;
use std::path::Path;

use pouch::{ExitClass, Report, SealPolicy, TrustStore, Verifier};
use pouch_policy::{Clearance, ClearanceLimits, Limits as PolicyLimits, Policy, Recipient};

/// Exit status of a usage error (bad command line, or a feature the adapter does not
/// implement was asked for).
pub const EXIT_USAGE: i32 = 2;
/// Exit status when an input file cannot be read.
pub const EXIT_IO: i32 = 4;

/// The features the reference adapter claims.
pub fn features() -> Vec<String> {
    let mut f: Vec<String> = vec![
        "envelope".into(),
        "detached".into(),
        "trust".into(),
        "seal-policy:hybrid".into(),
        "seal-policy:nations".into(),
        "policy".into(),
        "release".into(),
        "malformed".into(),
        "open".into(),
        "allowed-algs".into(),
        "current-validity".into(),
        "max-chain".into(),
    ];
    // Decryption is pouch-encrypt's (RustCrypto HPKE), whichever provider verifies the
    // signatures, so both providers claim every recipient algorithm (spec/10-encryption.md
    // §10.10).
    f.extend(
        pouch::encryption::RecipientAlg::ALL
            .iter()
            .map(|a| format!("kem:{}", a.name())),
    );
    let p = provider();
    f.extend(
        pouch_crypto::Algorithm::ALL
            .iter()
            .filter(|a| p.signature(**a).is_some())
            .map(|a| format!("alg:{}", a.name())),
    );
    f
}

fn provider() -> &'static pouch_crypto::CryptoProvider {
    match std::env::var("POUCH_ADAPTER_PROVIDER").as_deref() {
        Ok("rustcrypto") => pouch_crypto_rustcrypto::provider(),
        _ => pouch_crypto_awslc::provider(),
    }
}

/// What the adapter prints and its exit status.
#[derive(Debug)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error (one line, or empty).
    pub stderr: String,
    /// Exit status.
    pub status: i32,
}

fn usage(msg: impl Into<String>) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: msg.into(),
        status: EXIT_USAGE,
    }
}

/// Runs the adapter with `args` (without the program name).
pub fn run(args: &[String]) -> Outcome {
    match args.first().map(String::as_str) {
        Some("features") if args.len() == 1 => Outcome {
            stdout: serde_json::Value::from(features()).to_string(),
            stderr: String::new(),
            status: 0,
        },
        Some("verify") => verify(args.get(1..).unwrap_or_default()),
        Some("open") => open(args.get(1..).unwrap_or_default()),
        _ => usage(
            "usage: pouch-conformance-adapter features | verify --envelope F [--payload F] [--trust B] [--seal-policy P] [--at T] [--policy SPIF]... [--recipient CODE [--clearance F]] [OPTIONS] | open --envelope F [--payload F] --key K --cert C --trust B [--at T] [--policy SPIF]... [OPTIONS] --out O; OPTIONS: [--allowed-algs A,B] [--require-current-validity] [--max-chain N]",
        ),
    }
}

#[derive(Default)]
struct VerifyArgs {
    envelope: Option<String>,
    payload: Option<String>,
    trust: Option<String>,
    seal_policy: Option<String>,
    at: Option<String>,
    policies: Vec<String>,
    recipient: Option<String>,
    clearance: Option<String>,
    key: Option<String>,
    cert: Option<String>,
    out: Option<String>,
    allowed_algs: Option<String>,
    require_current_validity: bool,
    max_chain: Option<String>,
}

/// Reads at most `limit + 1` bytes, so an oversize file is refused by the decoder's limit
/// without reading all of it.
fn read_bounded(path: &str, limit: usize) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut out = Vec::new();
    f.take(limit as u64 + 1).read_to_end(&mut out)?;
    Ok(out)
}

/// Parses the options of `verify` and `open`; `open_only` options are refused by `verify`
/// and the other way round.
fn parse(args: &[String], open: bool) -> Result<VerifyArgs, Outcome> {
    let mut a = VerifyArgs::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--require-current-validity" {
            a.require_current_validity = true;
            continue;
        }
        let Some(value) = it.next() else {
            return Err(usage(format!("{flag} needs a value")));
        };
        let slot = match (flag.as_str(), open) {
            ("--envelope", _) => &mut a.envelope,
            ("--payload", _) => &mut a.payload,
            ("--trust", _) => &mut a.trust,
            ("--at", _) => &mut a.at,
            ("--allowed-algs", _) => &mut a.allowed_algs,
            ("--max-chain", _) => &mut a.max_chain,
            ("--seal-policy", false) => &mut a.seal_policy,
            ("--recipient", false) => &mut a.recipient,
            ("--clearance", false) => &mut a.clearance,
            ("--key", true) => &mut a.key,
            ("--cert", true) => &mut a.cert,
            ("--out", true) => &mut a.out,
            ("--policy", _) => {
                a.policies.push(value.clone());
                continue;
            }
            (other, _) => return Err(usage(format!("unknown option {other}"))),
        };
        *slot = Some(value.clone());
    }
    Ok(a)
}

/// The verifier every option asks for, through `pouch`'s one parser and builder: nothing is
/// wired here. `recipient` is the release stage's recipient (for `open`, the opener's nation).
fn verifier(
    a: &VerifyArgs,
    trust: Option<TrustStore>,
    recipient: Option<Recipient>,
) -> Result<Verifier, Outcome> {
    let mut policies = Vec::new();
    for path in &a.policies {
        let text = read_bounded(path, PolicyLimits::default().max_bytes)
            .map_err(|e| io_error(path, &e))?;
        policies
            .push(Policy::load(&text, &PolicyLimits::default()).map_err(|e| io_error(path, &e))?);
    }
    let p = provider();
    let mut builder = Verifier::builder(p).policies(policies);
    if let Some(r) = recipient {
        builder = builder.recipient(r);
    }
    if let Some(s) = &a.seal_policy {
        let policy = s
            .parse::<SealPolicy>()
            .map_err(|e| usage(format!("--seal-policy: {e}")))?;
        builder = builder.seal_policy(policy);
    }
    if let Some(t) = &a.at {
        let t = t
            .parse::<pouch_label::DateTime>()
            .map_err(|e| usage(format!("--at {t}: {e}")))?;
        builder = builder.at(t);
    }
    if let Some(list) = &a.allowed_algs {
        let mut algs = Vec::new();
        for name in list.split(',').map(str::trim) {
            algs.push(
                pouch_crypto::Algorithm::from_name(name).ok_or_else(|| {
                    usage(format!("--allowed-algs: {name:?} is no registry name"))
                })?,
            );
        }
        builder = builder.allowed(algs);
    }
    if let Some(n) = &a.max_chain {
        let n: usize = n
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| usage(format!("--max-chain {n}: not a whole number above 0")))?;
        builder = builder.limits(pouch::Limits {
            max_chain_len: n,
            ..pouch::Limits::default()
        });
    }
    builder = builder.require_current_validity(a.require_current_validity);
    builder = match trust {
        Some(store) => builder.trust_store(store),
        None => builder.without_trust(),
    };
    builder.build().map_err(|e| usage(e.to_string()))
}

fn verify(args: &[String]) -> Outcome {
    let a = match parse(args, false) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let Some(envelope) = &a.envelope else {
        return usage("--envelope is required");
    };
    if a.clearance.is_some() && a.recipient.is_none() {
        return usage("--clearance needs --recipient");
    }
    let recipient = match &a.recipient {
        Some(code) => {
            let mut r = Recipient::new(code.clone());
            if let Some(path) = &a.clearance {
                let bytes = match read_bounded(path, ClearanceLimits::default().max_bytes) {
                    Ok(b) => b,
                    Err(e) => return io_error(path, &e),
                };
                match Clearance::from_json(&bytes) {
                    Ok(c) => r = r.with_clearance(c),
                    Err(e) => return io_error(path, &e),
                }
            }
            Some(r)
        }
        None => None,
    };
    let trust = match &a.trust {
        Some(b) => match TrustStore::load(provider(), Path::new(b)) {
            Ok(store) => Some(store),
            Err(e) => return io_error(b, &e),
        },
        None => None,
    };
    let v = match verifier(&a, trust, recipient) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let bytes = match read_bounded(envelope, v.limits().max_envelope_bytes) {
        Ok(b) => b,
        Err(e) => return io_error(envelope, &e),
    };
    let report = match &a.payload {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => v.verify(&bytes, Some(&mut std::io::BufReader::new(f))),
            Err(e) => return io_error(path, &e),
        },
        None => v.verify(&bytes, None),
    };
    Outcome {
        stdout: report.to_json().to_string(),
        stderr: String::new(),
        status: i32::from(exit_class(&report).code()),
    }
}

/// A PEM file's blocks labelled `label`, or the file itself as one DER block.
fn pem_or_der(path: &str, label: &str) -> Result<Vec<Vec<u8>>, Outcome> {
    let bytes = read_bounded(path, MAX_KEY_FILE).map_err(|e| io_error(path, &e))?;
    if bytes.len() > MAX_KEY_FILE {
        return Err(io_error(path, &format!("over {MAX_KEY_FILE} bytes")));
    }
    if bytes.starts_with(b"-----BEGIN") {
        match pouch_crypto::keys::pem_blocks(&bytes, label) {
            Ok(blocks) if !blocks.is_empty() => Ok(blocks),
            Ok(_) => Err(io_error(path, &format!("no PEM block labelled {label}"))),
            Err(e) => Err(io_error(path, &e)),
        }
    } else {
        Ok(vec![bytes])
    }
}

/// The largest key or certificate file the adapter reads.
const MAX_KEY_FILE: usize = 1 << 20;

/// `open` (spec/07-conformance.md POUCH-CNF-016): the opener's nation from its encryption
/// certificate, then verification with release to that nation, then decryption into a
/// temporary file beside `--out`, renamed to it only when the plaintext is authentic.
fn open(args: &[String]) -> Outcome {
    let a = match parse(args, true) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let (Some(envelope), Some(key), Some(cert), Some(bundle), Some(out)) =
        (&a.envelope, &a.key, &a.cert, &a.trust, &a.out)
    else {
        return usage("open needs --envelope, --key, --cert, --trust and --out");
    };
    let key = match read_bounded(key, MAX_KEY_FILE)
        .map_err(|e| io_error(key, &e))
        .and_then(|raw| {
            if raw.len() > MAX_KEY_FILE {
                return Err(io_error(key, &format!("over {MAX_KEY_FILE} bytes")));
            }
            pouch::encryption::cert::private_key_from(&raw).map_err(|e| io_error(key, &e))
        }) {
        Ok(k) => k,
        Err(o) => return o,
    };
    let chain = match pem_or_der(cert, "CERTIFICATE") {
        Ok(c) => c,
        Err(o) => return o,
    };
    let p = provider();
    let store = match TrustStore::load(p, Path::new(bundle)) {
        Ok(s) => s,
        Err(e) => return io_error(bundle, &e),
    };
    let at = match &a.at {
        Some(t) => match t.parse::<pouch_label::DateTime>() {
            Ok(t) => t,
            Err(e) => return usage(format!("--at {t}: {e}")),
        },
        None => match now() {
            Some(t) => t,
            None => return usage("the system clock is outside the range of a label time"),
        },
    };
    let nation = match pouch::nation_of(p, store.bundle(), &chain, at) {
        Ok(n) => n,
        Err(r) => {
            return Outcome {
                stdout: String::new(),
                stderr: format!("{cert}: the encryption certificate is not trusted:{}", {
                    let mut s = String::new();
                    for (c, d) in &r.codes {
                        s += &format!(" {} ({d})", c.id());
                    }
                    s
                }),
                status: i32::from(ExitClass::Trust.code()),
            };
        }
    };
    let v = match verifier(&a, Some(store), Some(Recipient::new(nation))) {
        Ok(v) => v,
        Err(o) => return o,
    };
    let bytes = match read_bounded(envelope, v.limits().max_envelope_bytes) {
        Ok(b) => b,
        Err(e) => return io_error(envelope, &e),
    };
    let temp = format!("{out}.partial-{}", std::process::id());
    let mut file = match std::fs::File::create(&temp) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => return io_error(&temp, &e),
    };
    let payload = a.payload.clone();
    let mut reopen = || -> std::io::Result<Box<dyn Read>> {
        let path = payload.as_deref().unwrap_or_default();
        Ok(Box::new(std::io::BufReader::new(std::fs::File::open(
            path,
        )?)))
    };
    let leaf = chain.first().map(Vec::as_slice).unwrap_or_default();
    let opened = pouch::open(
        &v,
        &bytes,
        if a.payload.is_some() {
            Some(&mut reopen)
        } else {
            None
        },
        &key,
        leaf,
        &mut file,
    );
    let flushed = std::io::Write::flush(&mut file);
    drop(file);
    let class = opened.class();
    let kept = match (class, flushed) {
        (ExitClass::Valid, Ok(())) => std::fs::rename(&temp, out).map_err(|e| io_error(out, &e)),
        (_, Ok(())) => Ok(()),
        (_, Err(e)) => Err(io_error(out, &e)),
    };
    if !matches!(kept, Ok(())) || class != ExitClass::Valid {
        let _ = std::fs::remove_file(&temp);
    }
    if let Err(o) = kept {
        return o;
    }
    if class == ExitClass::Io {
        let why = match &opened.decrypt {
            Some(Err(e)) => e.to_string(),
            _ => "i/o".to_owned(),
        };
        return io_error(envelope, &why);
    }
    Outcome {
        stdout: opened.report.to_json().to_string(),
        stderr: String::new(),
        status: i32::from(class.code()),
    }
}

/// The current time, for an `open` without `--at`.
fn now() -> Option<pouch_label::DateTime> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    pouch_label::DateTime::from_unix(i64::try_from(secs).ok()?, 0)
}

fn io_error(what: &str, e: &dyn core::fmt::Display) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("{what}: {e}"),
        status: EXIT_IO,
    }
}

/// The exit class of a report: `pouch`'s one rule (the manifest's expected class follows
/// the same rule over the expected codes).
pub fn exit_class(report: &Report) -> ExitClass {
    report.class()
}
