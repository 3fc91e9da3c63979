//! The commands that need a security policy (docs/cli.md): `policy check` and `policy show`,
//! the `--policy` forms of the label commands, and `release`. Every decision is
//! `pouch-policy`'s; this module reads files, prints, and picks exit codes.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use pouch_label::{DateTime, Label, LabelElement, Limits};
use pouch_policy::{Applied, Clearance, Policy, Recipient, Status};
use pouch_status::Severity;
use serde_json::{Value, json};

use crate::{
    EXIT_LABEL_INVALID, EXIT_MALFORMED, EXIT_OK, EXIT_RELEASE_DENIED, EXIT_USAGE, EXIT_VERDICT,
    Form, read_input,
};

/// A value, or the exit code of a failure already reported.
pub(crate) type Step<T> = anyhow::Result<Result<T, ExitCode>>;

/// Reports a failure on one line of standard error and gives its exit code.
pub(crate) fn fail(input: &Path, what: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("pouch: {}: {what}", input.display());
    ExitCode::from(code)
}

/// Loads a SPIF; a document that does not load is reported with its element and line.
pub(crate) fn load(path: &Path) -> Step<Policy> {
    let limits = pouch_policy::Limits::default();
    let bytes = read_input(path, limits.max_bytes)?;
    Ok(Policy::load(&bytes, &limits)
        .map_err(|e| fail(path, format_args!("SPIF not loaded: {e}"), EXIT_MALFORMED)))
}

/// Reads a label in XML, JSON or CBOR, or in ESS (DER) through `policy`.
pub(crate) fn read_label(
    input: &Path,
    from: Option<Form>,
    ess: bool,
    policy: Option<&Policy>,
) -> Step<(Option<LabelElement>, Label)> {
    let limits = Limits::default();
    if ess {
        let Some(policy) = policy else {
            return Ok(Err(fail(input, "ESS input needs --policy", EXIT_USAGE)));
        };
        let bytes = read_input(input, pouch_ess::Limits::default().max_bytes)?;
        let decoded = match pouch_ess::EssLabel::decode(&bytes, &pouch_ess::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                let msg = format_args!("{}: ESS: {e}", pouch_status::LABEL_MALFORMED);
                return Ok(Err(fail(input, msg, EXIT_MALFORMED)));
            }
        };
        // An ESS label carries no time: the imported label is created now.
        let now = DateTime::from_unix(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
            0,
        )
        .context("the system clock is out of range")?;
        return Ok(policy
            .from_ess(&decoded.label, now)
            .map(|l| (None, l))
            .map_err(|e| fail(input, e, EXIT_LABEL_INVALID)));
    }
    let bytes = read_input(input, limits.max_bytes)?;
    Ok(Label::decode(&bytes, from, &limits).map_err(|e| {
        fail(
            input,
            format_args!("{}: {e}", pouch_status::LABEL_MALFORMED),
            EXIT_MALFORMED,
        )
    }))
}

fn status_json(s: &Status) -> Value {
    json!({"code": s.code.id(), "path": s.path, "detail": s.detail})
}

fn has_error(statuses: &[Status]) -> bool {
    statuses
        .iter()
        .any(|s| s.code.severity() == Severity::Error)
}

/// `policy check SPIF`: loads it and prints its warnings.
pub(crate) fn check(spif: &Path, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let p = match load(spif)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if json {
        let report = json!({
            "input": spif.display().to_string(),
            "policy": p.name, "id": p.id, "version": p.version,
            "classifications": p.classifications.len(), "tagSets": p.tag_sets.len(),
            "warnings": p.warnings,
        });
        crate::write_json(out, &report)?;
    } else {
        writeln!(
            out,
            "{}: loaded policy {} ({}), version {}: {} classifications, {} tag sets, {} warnings",
            spif.display(),
            p.name,
            p.id,
            p.version,
            p.classifications.len(),
            p.tag_sets.len(),
            p.warnings.len()
        )?;
        for w in &p.warnings {
            writeln!(out, "{}: warning: {w}", spif.display())?;
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn applied(a: Applied) -> &'static str {
    match a {
        Applied::Encrypt => "encrypt",
        Applied::Decrypt => "decrypt",
        Applied::Both => "both",
    }
}

/// `policy show SPIF`: classifications, tag sets, memberships and equivalences, as JSON.
fn show_json(p: &Policy) -> Value {
    let classifications: Vec<Value> = p
        .classifications
        .iter()
        .map(|c| {
            json!({
                "name": c.name, "lacv": c.lacv, "hierarchy": c.hierarchy, "obsolete": c.obsolete,
                "equivalents": c.equivalents.iter().map(|e| json!({
                    "policy": e.policy, "lacv": e.lacv, "applied": applied(e.applied),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let tag_sets: Vec<Value> = p
        .tag_sets
        .iter()
        .map(|s| {
            let tags: Vec<Value> = s
                .tags
                .iter()
                .map(|t| {
                    let values: Vec<Value> = t
                        .categories
                        .iter()
                        .map(|k| {
                            json!({
                                "name": k.name, "lacv": k.lacv, "obsolete": k.obsolete,
                                "equivalents": k.equivalents.iter().map(|e| json!({
                                    "policy": e.policy, "tagSetId": e.tag_set_id,
                                    "tagType": e.tag_type.as_str(), "lacv": e.lacv,
                                    "applied": applied(e.applied), "discard": e.discard,
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    json!({
                        "name": t.name, "tagType": t.tag_type.as_str(),
                        "type": t.tag_type.category_type().as_str(),
                        "singleSelection": t.single_selection,
                        "minSelection": t.min_selection, "maxSelection": t.max_selection,
                        "values": values,
                    })
                })
                .collect();
            json!({"name": s.name, "id": s.id, "tags": tags})
        })
        .collect();
    json!({
        "policy": p.name, "id": p.id, "version": p.version,
        "classifications": classifications,
        "tagSets": tag_sets,
        "memberships": p.memberships.iter().map(|m| json!({
            "name": m.name, "members": m.members,
        })).collect::<Vec<_>>(),
        "equivalentPolicies": p.equivalent_policies.iter().map(|e| json!({
            "name": e.name, "id": e.id,
        })).collect::<Vec<_>>(),
        "warnings": p.warnings,
    })
}

/// `policy show SPIF [--json]`.
pub(crate) fn show(spif: &Path, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let p = match load(spif)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&show_json(&p))?)?;
        return Ok(ExitCode::from(EXIT_OK));
    }
    writeln!(out, "policy {} ({}), version {}", p.name, p.id, p.version)?;
    writeln!(out, "classifications:")?;
    for c in &p.classifications {
        let obsolete = if c.obsolete { " obsolete" } else { "" };
        writeln!(
            out,
            "  {} lacv {} hierarchy {}{obsolete}",
            c.name, c.lacv, c.hierarchy
        )?;
        for e in &c.equivalents {
            let a = applied(e.applied);
            writeln!(out, "    = {} lacv {} ({a})", e.policy, e.lacv)?;
        }
    }
    writeln!(out, "tag sets:")?;
    for s in &p.tag_sets {
        writeln!(out, "  {} ({})", s.name, s.id)?;
        for t in &s.tags {
            writeln!(
                out,
                "    tag {}: {} ({}){}",
                t.name,
                t.tag_type.as_str(),
                t.tag_type.category_type(),
                if t.single_selection { ", single" } else { "" }
            )?;
            for k in &t.categories {
                let obsolete = if k.obsolete { " obsolete" } else { "" };
                writeln!(out, "      {} lacv {}{obsolete}", k.name, k.lacv)?;
                for e in &k.equivalents {
                    let a = applied(e.applied);
                    match (e.discard, e.lacv) {
                        (true, _) | (false, None) => {
                            writeln!(out, "        = {} discard ({a})", e.policy)?;
                        }
                        (false, Some(l)) => writeln!(
                            out,
                            "        = {} {} {} lacv {l} ({a})",
                            e.policy,
                            e.tag_set_id,
                            e.tag_type.as_str()
                        )?,
                    }
                }
            }
        }
    }
    if !p.memberships.is_empty() {
        writeln!(out, "memberships:")?;
        for m in &p.memberships {
            writeln!(out, "  {}: {}", m.name, m.members.join(", "))?;
        }
    }
    if !p.equivalent_policies.is_empty() {
        writeln!(out, "equivalent policies:")?;
        for e in &p.equivalent_policies {
            writeln!(out, "  {} ({})", e.name, e.id)?;
        }
    }
    for w in &p.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// `label check --policy`: the label's statuses under the policy, after its advisory
/// findings. Gives the exit code: 5 on a policy error, else 1 on any finding or warning.
pub(crate) fn check_label(
    policy: &Policy,
    label: &Label,
    findings: usize,
) -> (Vec<Status>, ExitCode) {
    let statuses = policy.validate(label);
    let warned = statuses
        .iter()
        .any(|s| s.code.severity() == Severity::Warning);
    let code = if has_error(&statuses) {
        EXIT_LABEL_INVALID
    } else if findings > 0 || warned {
        EXIT_VERDICT
    } else {
        EXIT_OK
    };
    (statuses, ExitCode::from(code))
}

/// Statuses as JSON objects, for the `codes` array of a report.
pub(crate) fn statuses_json(statuses: &[Status]) -> Vec<Value> {
    statuses.iter().map(status_json).collect()
}

/// `label render --policy SPIF [--lang L]`.
pub(crate) fn render(
    policy: &Policy,
    label: &Label,
    lang: Option<&str>,
    input: &Path,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    match policy.marking(label, lang) {
        Ok(m) => {
            writeln!(out, "{m}")?;
            Ok(ExitCode::from(EXIT_OK))
        }
        Err(e) => Ok(fail(input, e, EXIT_LABEL_INVALID)),
    }
}

/// `label equivalent --policy FROM --to TO`: the alternative label, or why there is none.
pub(crate) fn equivalent(
    from: &Policy,
    to: &Policy,
    label: &Label,
    input: &Path,
) -> Result<Label, ExitCode> {
    from.equivalent(label, to)
        .map_err(|e| fail(input, e, EXIT_LABEL_INVALID))
}

/// `label dominant --policy SPIF LABEL...`: the dominant label, with its statuses on
/// standard error; exit 5 when it is not valid under the policy.
pub(crate) fn dominant(policy: &Policy, labels: &[Label]) -> Result<(Label, u8), ExitCode> {
    match policy.dominant(labels) {
        Ok((label, statuses)) => {
            for s in &statuses {
                eprintln!("pouch: dominant: {s}");
            }
            let code = if has_error(&statuses) {
                EXIT_LABEL_INVALID
            } else {
                EXIT_OK
            };
            Ok((label, code))
        }
        Err(e) => Err(fail(Path::new("dominant"), e, EXIT_LABEL_INVALID)),
    }
}

/// `label convert --to ess --policy SPIF`: the label as a DER ESSSecurityLabel.
pub(crate) fn to_ess(policy: &Policy, label: &Label, input: &Path) -> Step<Vec<u8>> {
    let ess = match policy.to_ess(label) {
        Ok(e) => e,
        Err(e) => return Ok(Err(fail(input, e, EXIT_LABEL_INVALID))),
    };
    Ok(ess
        .to_der()
        .map_err(|e| fail(input, format_args!("ESS: {e}"), EXIT_LABEL_INVALID)))
}

/// What `release` was asked.
pub(crate) struct ReleaseArgs<'a> {
    pub(crate) policy: &'a Path,
    pub(crate) recipient: &'a str,
    pub(crate) clearance: Option<&'a Path>,
    pub(crate) from: Option<Form>,
    pub(crate) json: bool,
    pub(crate) input: &'a Path,
}

/// `release --policy SPIF --recipient CODE [--clearance FILE] LABEL`.
pub(crate) fn release(args: &ReleaseArgs<'_>, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let policy = match load(args.policy)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let mut recipient = Recipient::new(args.recipient);
    if let Some(path) = args.clearance {
        let bytes = read_input(path, pouch_policy::ClearanceLimits::default().max_bytes)?;
        match Clearance::from_json(&bytes) {
            Ok(c) => recipient = recipient.with_clearance(c),
            Err(e) => return Ok(fail(path, format_args!("clearance: {e}"), EXIT_MALFORMED)),
        }
    }
    let label = match read_label(args.input, args.from, false, Some(&policy))? {
        Ok((_, l)) => l,
        Err(code) => return Ok(code),
    };
    let d = policy.release(&label, &recipient);
    let verdict = if d.permitted { "permit" } else { "deny" };
    let input = args.input.display();
    if args.json {
        let report = json!({
            "input": input.to_string(),
            "policy": policy.name,
            "recipient": args.recipient,
            "decision": verdict,
            "codes": statuses_json(&d.statuses),
        });
        crate::write_json(out, &report)?;
    } else {
        writeln!(out, "{input}: {verdict} release to {}", args.recipient)?;
        for s in &d.statuses {
            writeln!(out, "{input}: {s}")?;
        }
    }
    Ok(ExitCode::from(if d.permitted {
        EXIT_OK
    } else {
        EXIT_RELEASE_DENIED
    }))
}
