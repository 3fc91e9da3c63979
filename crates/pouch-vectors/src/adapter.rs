//! The reference adapter (spec/07-conformance.md §7.2): the Pouch crates behind the adapter
//! protocol. The binary `pouch-conformance-adapter` is a thin `main` over [`run`].

use std::io::Read;
use std::path::Path;

use pouch::{Report, SealPolicy, TrustStore, Verifier};
use pouch_policy::{Clearance, ClearanceLimits, Limits as PolicyLimits, Policy, Recipient};

use crate::manifest::ExitClass;

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
    ];
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
        _ => usage(
            "usage: pouch-conformance-adapter features | verify --envelope F [--payload F] [--trust B] [--seal-policy P] [--at T] [--policy SPIF]... [--recipient CODE [--clearance F]]",
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
}

/// Reads at most `limit + 1` bytes, so an oversize file is refused by the decoder's limit
/// without reading all of it.
fn read_bounded(path: &str, limit: usize) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut out = Vec::new();
    f.take(limit as u64 + 1).read_to_end(&mut out)?;
    Ok(out)
}

fn verify(args: &[String]) -> Outcome {
    let mut a = VerifyArgs::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let Some(value) = it.next() else {
            return usage(format!("{flag} needs a value"));
        };
        let slot = match flag.as_str() {
            "--envelope" => &mut a.envelope,
            "--payload" => &mut a.payload,
            "--trust" => &mut a.trust,
            "--seal-policy" => &mut a.seal_policy,
            "--at" => &mut a.at,
            "--recipient" => &mut a.recipient,
            "--clearance" => &mut a.clearance,
            "--policy" => {
                a.policies.push(value.clone());
                continue;
            }
            other => return usage(format!("unknown option {other}")),
        };
        *slot = Some(value.clone());
    }
    let Some(envelope) = a.envelope else {
        return usage("--envelope is required");
    };
    if a.clearance.is_some() && a.recipient.is_none() {
        return usage("--clearance needs --recipient");
    }
    let mut policies = Vec::new();
    for path in &a.policies {
        let text = match read_bounded(path, PolicyLimits::default().max_bytes) {
            Ok(t) => t,
            Err(e) => return io_error(path, &e),
        };
        match Policy::load(&text, &PolicyLimits::default()) {
            Ok(p) => policies.push(p),
            Err(e) => return io_error(path, &e),
        }
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
    // Every option through `pouch`'s one parser and builder: nothing is wired here.
    let p = provider();
    let mut builder = Verifier::builder(p).policies(policies);
    if let Some(r) = recipient {
        builder = builder.recipient(r);
    }
    if let Some(s) = &a.seal_policy {
        match s.parse::<SealPolicy>() {
            Ok(policy) => builder = builder.seal_policy(policy),
            Err(e) => return usage(format!("--seal-policy: {e}")),
        }
    }
    if let Some(t) = &a.at {
        match t.parse::<pouch_label::DateTime>() {
            Ok(t) => builder = builder.at(t),
            Err(e) => return usage(format!("--at {t}: {e}")),
        }
    }
    builder = match &a.trust {
        Some(b) => match TrustStore::load(p, Path::new(b)) {
            Ok(store) => builder.trust_store(store),
            Err(e) => return io_error(b, &e),
        },
        None => builder.without_trust(),
    };
    let v = match builder.build() {
        Ok(v) => v,
        Err(e) => return usage(e.to_string()),
    };
    let bytes = match read_bounded(&envelope, v.limits().max_envelope_bytes) {
        Ok(b) => b,
        Err(e) => return io_error(&envelope, &e),
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
