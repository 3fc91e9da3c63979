//! The conformance runner (spec/07-conformance.md): plays every vector against an
//! implementation through its adapter, compares the reports, and writes the results.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;
use crate::manifest::{
    ExitClass, Expected, LabelExpect, Manifest, Operation, ReleaseExpect, SealExpect, Vector,
};

/// How long one adapter call may take before it counts as a failure.
pub const ADAPTER_TIMEOUT: Duration = Duration::from_secs(120);

/// A report as an adapter printed it, reduced to code identifiers per stage and per seal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// Stage name → codes (envelope, label, payload, seal_policy).
    pub stages: BTreeMap<String, Vec<String>>,
    /// Each seal: (codes, trust).
    pub seals: Vec<(Vec<String>, Vec<String>)>,
    /// Each label under its policy.
    pub policy: Vec<LabelExpect>,
    /// The release decision, when the stage ran.
    pub release: Option<ReleaseExpect>,
    /// The decrypt stage, in the report of an `open`.
    pub decrypt: Option<Vec<String>>,
}

/// The stages of plain code lists compared besides the seals, as the report JSON names them.
pub const STAGES: [&str; 4] = ["envelope", "label", "payload", "seal_policy"];

fn opt_str(v: &Value, member: &str, at: &str) -> Result<Option<String>, String> {
    match v.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{at}.{member}: not a string")),
    }
}

fn codes(v: Option<&Value>, at: &str) -> Result<Vec<String>, String> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let arr = v.as_array().ok_or(format!("{at}: not an array"))?;
    arr.iter()
        .enumerate()
        .map(|(i, e)| {
            e.get("code")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or(format!("{at}[{i}]: no string member `code`"))
        })
        .collect()
}

impl Observed {
    /// Reads the report JSON of §7.5.
    pub fn from_json(v: &Value) -> Result<Observed, String> {
        if !v.is_object() {
            return Err("the report is not a JSON object".into());
        }
        let mut o = Observed::default();
        for s in STAGES {
            o.stages.insert(s.to_owned(), codes(v.get(s), s)?);
        }
        if let Some(labels) = v.get("policy") {
            let arr = labels.as_array().ok_or("policy: not an array")?;
            for (i, l) in arr.iter().enumerate() {
                let at = format!("policy[{i}]");
                o.policy.push(LabelExpect {
                    label: opt_str(l, "label", &at)?
                        .ok_or(format!("{at}: no string member `label`"))?,
                    policy: opt_str(l, "policy", &at)?,
                    codes: codes(l.get("codes"), &format!("{at}.codes"))?,
                });
            }
        }
        match v.get("release") {
            None | Some(Value::Null) => {}
            Some(r) if r.is_object() => {
                o.release = Some(ReleaseExpect {
                    label: opt_str(r, "label", "release")?,
                    codes: codes(r.get("codes"), "release.codes")?,
                });
            }
            Some(_) => return Err("release: not an object".into()),
        }
        if let Some(d) = v.get("decrypt") {
            o.decrypt = Some(codes(Some(d), "decrypt")?);
        }
        if let Some(seals) = v.get("seals") {
            let arr = seals.as_array().ok_or("seals: not an array")?;
            for (i, s) in arr.iter().enumerate() {
                o.seals.push((
                    codes(s.get("codes"), &format!("seals[{i}].codes"))?,
                    codes(s.get("trust"), &format!("seals[{i}].trust"))?,
                ));
            }
        }
        Ok(o)
    }

    /// The same codes in the manifest's shape (exit left at its default).
    pub fn as_expected(&self) -> Expected {
        let get = |s: &str| self.stages.get(s).cloned().unwrap_or_default();
        Expected {
            exit: ExitClass::Valid,
            envelope: get("envelope"),
            label: get("label"),
            payload: get("payload"),
            seal_policy: get("seal_policy"),
            policy: self.policy.clone(),
            release: self.release.clone(),
            seals: self
                .seals
                .iter()
                .map(|(c, t)| SealExpect {
                    codes: c.clone(),
                    trust: t.clone(),
                })
                .collect(),
            decrypt: self.decrypt.clone(),
            plaintext: None,
        }
    }
}

fn set(v: &[String]) -> BTreeSet<&str> {
    v.iter().map(String::as_str).collect()
}

/// Notes in `diffs` when the codes at `name` differ (compared as sets).
fn diff_codes(diffs: &mut Vec<String>, name: &str, e: &[String], a: &[String]) {
    if set(e) != set(a) {
        diffs.push(format!("{name}: expected {:?}, got {:?}", set(e), set(a)));
    }
}

/// Notes in `diffs` when the reports hold a different number of `name` (`what` says of
/// what, after the number).
fn diff_count(diffs: &mut Vec<String>, name: &str, what: &str, e: usize, a: usize) {
    if e != a {
        diffs.push(format!("{name}: expected {e}{what}, got {a}"));
    }
}

/// Every difference between the expected and the observed report and exit class, one line
/// each; empty when they agree.
pub fn compare(expected: &Expected, observed: &Observed, exit: Option<ExitClass>) -> Vec<String> {
    let mut diffs = Vec::new();
    let o = observed.as_expected();
    diff_codes(&mut diffs, "envelope", &expected.envelope, &o.envelope);
    diff_codes(&mut diffs, "label", &expected.label, &o.label);
    diff_codes(&mut diffs, "payload", &expected.payload, &o.payload);
    diff_codes(
        &mut diffs,
        "seal_policy",
        &expected.seal_policy,
        &o.seal_policy,
    );
    diff_count(
        &mut diffs,
        "policy",
        " labels",
        expected.policy.len(),
        o.policy.len(),
    );
    for (i, (e, a)) in expected.policy.iter().zip(&o.policy).enumerate() {
        if (&e.label, &e.policy) != (&a.label, &a.policy) {
            diffs.push(format!(
                "policy[{i}]: expected label {:?} under {:?}, got {:?} under {:?}",
                e.label, e.policy, a.label, a.policy
            ));
        }
        diff_codes(
            &mut diffs,
            &format!("policy[{i}].codes"),
            &e.codes,
            &a.codes,
        );
    }
    match (&expected.release, &o.release) {
        (None, None) => {}
        (Some(e), Some(a)) => {
            if e.label != a.label {
                diffs.push(format!(
                    "release.label: expected {:?}, got {:?}",
                    e.label, a.label
                ));
            }
            diff_codes(&mut diffs, "release.codes", &e.codes, &a.codes);
        }
        (e, a) => diffs.push(format!(
            "release: expected {}, got {}",
            if e.is_some() { "a decision" } else { "none" },
            if a.is_some() { "a decision" } else { "none" }
        )),
    }
    match (&expected.decrypt, &o.decrypt) {
        (None, None) => {}
        (Some(e), Some(a)) => diff_codes(&mut diffs, "decrypt", e, a),
        (e, _) => diffs.push(format!(
            "decrypt: expected {}, got {}",
            if e.is_some() { "the stage" } else { "no stage" },
            if e.is_some() { "none" } else { "one" }
        )),
    }
    diff_count(&mut diffs, "seals", "", expected.seals.len(), o.seals.len());
    for (i, (e, a)) in expected.seals.iter().zip(&o.seals).enumerate() {
        diff_codes(&mut diffs, &format!("seals[{i}].codes"), &e.codes, &a.codes);
        diff_codes(&mut diffs, &format!("seals[{i}].trust"), &e.trust, &a.trust);
    }
    match exit {
        Some(x) if x == expected.exit => {}
        Some(x) => diffs.push(format!(
            "exit: expected {} ({}), got {} ({})",
            expected.exit.name(),
            i32::from(expected.exit.code()),
            x.name(),
            i32::from(x.code())
        )),
        None => diffs.push(format!(
            "exit: expected {} ({}), got a status that is no exit class",
            expected.exit.name(),
            i32::from(expected.exit.code())
        )),
    }
    diffs
}

/// The adapter: a program and its leading arguments.
#[derive(Clone, Debug)]
pub struct Adapter {
    program: String,
    args: Vec<String>,
}

impl Adapter {
    /// From a command line split on whitespace (`python3 my_adapter.py`).
    pub fn parse(cmd: &str) -> Result<Adapter, Error> {
        let mut words = cmd.split_whitespace().map(str::to_owned);
        let program = words
            .next()
            .ok_or(Error::Adapter("empty adapter command".into()))?;
        Ok(Adapter {
            program,
            args: words.collect(),
        })
    }

    /// Calls the adapter with `args`: (stdout, stderr, exit status), within
    /// [`ADAPTER_TIMEOUT`].
    pub fn call_args(&self, args: &[String]) -> Result<(String, String, Option<i32>), Error> {
        self.call(args)
    }

    fn call(&self, args: &[String]) -> Result<(String, String, Option<i32>), Error> {
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Adapter(format!("{}: {e}", self.program)))?;
        let start = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if start.elapsed() > ADAPTER_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::Adapter(format!(
                        "no answer within {}s",
                        ADAPTER_TIMEOUT.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(Error::Adapter(e.to_string())),
            }
        }
        let out = child
            .wait_with_output()
            .map_err(|e| Error::Adapter(e.to_string()))?;
        Ok((
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        ))
    }

    /// `ADAPTER features`: the features it claims.
    pub fn features(&self) -> Result<BTreeSet<String>, Error> {
        let (out, err, status) = self.call(&["features".to_owned()])?;
        if status != Some(0) {
            return Err(Error::Adapter(format!(
                "`features` exited with {status:?}: {}",
                err.trim()
            )));
        }
        serde_json::from_str::<Vec<String>>(&out)
            .map(|v| v.into_iter().collect())
            .map_err(|e| {
                Error::Adapter(format!("`features` did not print a JSON string array: {e}"))
            })
    }
}

/// One exception: a vector the implementation is known to disagree with, and why.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The vector id.
    pub id: String,
    /// What the vector expects, in words.
    pub expected: String,
    /// What the implementation does instead.
    pub actual: String,
    /// Why this is accepted.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionFile {
    #[serde(default)]
    exception: Vec<Exception>,
}

/// Loads an exceptions file (`[[exception]]` tables).
pub fn load_exceptions(path: &Path) -> Result<Vec<Exception>, Error> {
    crate::manifest::load_toml::<ExceptionFile>(path).map(|f| f.exception)
}

/// The verdict on one vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Verdict {
    /// The report and exit class are as expected.
    Pass,
    /// They are not, and no exception explains it (or an exception no longer applies).
    Fail {
        /// What differed.
        differences: Vec<String>,
    },
    /// The adapter does not claim a feature the vector needs.
    Skip {
        /// The features not claimed.
        missing: Vec<String>,
    },
    /// It differs as an exception says.
    KnownDivergence {
        /// What differed.
        differences: Vec<String>,
        /// The exception's reason.
        reason: String,
    },
}

impl Verdict {
    /// The verdict on a case that ran: Pass without differences, KnownDivergence when an
    /// exception lists the differences, and Fail otherwise, including a listed case that
    /// passes (so the exceptions cannot go stale).
    pub fn judge(differences: Vec<String>, exception: Option<&Exception>) -> Verdict {
        match (differences.is_empty(), exception) {
            (true, None) => Verdict::Pass,
            (true, Some(_)) => Verdict::Fail {
                differences: vec![
                    "passes, but the exceptions file lists it: remove the exception".into(),
                ],
            },
            (false, Some(e)) => Verdict::KnownDivergence {
                differences,
                reason: e.reason.clone(),
            },
            (false, None) => Verdict::Fail { differences },
        }
    }

    /// The status word of the results.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Pass => "Pass",
            Verdict::Fail { .. } => "Fail",
            Verdict::Skip { .. } => "Skip",
            Verdict::KnownDivergence { .. } => "KnownDivergence",
        }
    }
}

/// One vector's result.
#[derive(Clone, Debug, Serialize)]
pub struct VectorResult {
    /// The vector id.
    pub id: String,
    /// Its requirements.
    pub requirements: Vec<String>,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The results of one run.
#[derive(Clone, Debug, Serialize)]
pub struct Results {
    /// The features the adapter claimed.
    pub features: Vec<String>,
    /// Per vector, in manifest order.
    pub vectors: Vec<VectorResult>,
    /// Per requirement: the worst verdict over its vectors (Fail, KnownDivergence, Pass,
    /// Skip), with counts.
    pub requirements: BTreeMap<String, RequirementResult>,
}

/// One requirement's result.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RequirementResult {
    /// Fail, KnownDivergence, Pass or Skip.
    pub status: String,
    /// Vectors passed.
    pub pass: usize,
    /// Vectors failed.
    pub fail: usize,
    /// Vectors skipped.
    pub skip: usize,
    /// Vectors with a known divergence.
    pub known_divergence: usize,
}

impl Results {
    /// How many vectors have each status word.
    pub fn tally(&self) -> BTreeMap<&'static str, usize> {
        let mut t = BTreeMap::new();
        for w in ["Pass", "Fail", "Skip", "KnownDivergence"] {
            t.insert(w, 0);
        }
        for v in &self.vectors {
            *t.entry(v.verdict.word()).or_insert(0) += 1;
        }
        t
    }

    /// Whether no vector failed.
    pub fn ok(&self) -> bool {
        !self
            .vectors
            .iter()
            .any(|v| matches!(v.verdict, Verdict::Fail { .. }))
    }
}

fn abs(dir: &Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
}

/// The adapter arguments for one vector (§7.3), paths made absolute against `dir`.
pub fn verify_args(v: &Vector, dir: &Path) -> Vec<String> {
    let i = &v.inputs;
    let mut a = envelope_args("verify", i, dir);
    if let Some(t) = &i.trust {
        a.extend(["--trust".into(), abs(dir, t)]);
    }
    a.extend(["--seal-policy".into(), i.seal_policy.clone()]);
    a.extend(["--at".into(), i.at.clone()]);
    for p in &i.policies {
        a.extend(["--policy".into(), abs(dir, p)]);
    }
    if let Some(r) = &i.recipient {
        a.extend(["--recipient".into(), r.clone()]);
    }
    if let Some(c) = &i.clearance {
        a.extend(["--clearance".into(), abs(dir, c)]);
    }
    option_args(i, &mut a);
    a
}

/// The command and its envelope and detached payload, shared by `verify` and `open`.
fn envelope_args(command: &str, i: &crate::manifest::Inputs, dir: &Path) -> Vec<String> {
    let mut a = vec![
        command.to_owned(),
        "--envelope".into(),
        abs(dir, &i.envelope),
    ];
    if let Some(p) = &i.payload {
        a.extend(["--payload".into(), abs(dir, p)]);
    }
    a
}

/// The verifier options of §7.2 shared by `verify` and `open`.
fn option_args(i: &crate::manifest::Inputs, a: &mut Vec<String>) {
    if !i.allowed_algs.is_empty() {
        a.extend(["--allowed-algs".into(), i.allowed_algs.join(",")]);
    }
    if i.require_current_validity {
        a.push("--require-current-validity".into());
    }
    if let Some(n) = i.max_chain {
        a.extend(["--max-chain".into(), n.to_string()]);
    }
}

/// The adapter arguments of an `open` vector (§7.2), writing the plaintext to `out`.
pub fn open_args(v: &Vector, dir: &Path, out: &Path) -> Vec<String> {
    let i = &v.inputs;
    let mut a = envelope_args("open", i, dir);
    for (flag, value) in [
        ("--key", &i.key),
        ("--cert", &i.cert),
        ("--trust", &i.trust),
    ] {
        if let Some(value) = value {
            a.extend([flag.to_owned(), abs(dir, value)]);
        }
    }
    a.extend(["--at".into(), i.at.clone()]);
    for p in &i.policies {
        a.extend(["--policy".into(), abs(dir, p)]);
    }
    option_args(i, &mut a);
    a.extend(["--out".into(), out.display().to_string()]);
    a
}

/// A fresh path for an `open` vector's plaintext, in a folder of its own that the caller
/// removes.
fn scratch(v: &Vector) -> Result<(PathBuf, PathBuf), String> {
    let folder =
        std::env::temp_dir().join(format!("pouch-conform-{}-{}", std::process::id(), v.id));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let out = folder.join("plaintext.out");
    Ok((folder, out))
}

/// What an `open` left at `out`, against the vector's expected plaintext (POUCH-CNF-016):
/// the same bytes when decryption succeeds, no file otherwise.
fn plaintext_diffs(v: &Vector, dir: &Path, out: &Path) -> Vec<String> {
    let written = std::fs::read(out).ok();
    match (&v.expect.plaintext, written) {
        (Some(expected), Some(w)) => match std::fs::read(dir.join(expected)) {
            Ok(e) if e == w => Vec::new(),
            Ok(e) => vec![format!(
                "plaintext: {} bytes written, not the {} bytes of {expected}",
                w.len(),
                e.len()
            )],
            Err(e) => vec![format!("plaintext: {expected}: {e}")],
        },
        (Some(_), None) => vec!["plaintext: no output file was written".into()],
        (None, Some(w)) => vec![format!(
            "plaintext: an output file of {} bytes exists although decryption must fail",
            w.len()
        )],
        (None, None) => Vec::new(),
    }
}

fn run_one(
    adapter: &Adapter,
    v: &Vector,
    dir: &Path,
    schema: &jsonschema::Validator,
) -> Vec<String> {
    if v.operation == Operation::Open {
        let (folder, out) = match scratch(v) {
            Ok(s) => s,
            Err(e) => return vec![e],
        };
        let mut diffs = run_call(adapter, v, &open_args(v, dir, &out), schema);
        diffs.extend(plaintext_diffs(v, dir, &out));
        let _ = std::fs::remove_dir_all(&folder);
        return diffs;
    }
    run_call(adapter, v, &verify_args(v, dir), schema)
}

fn run_call(
    adapter: &Adapter,
    v: &Vector,
    args: &[String],
    schema: &jsonschema::Validator,
) -> Vec<String> {
    let (out, err, status) = match adapter.call(args) {
        Ok(r) => r,
        Err(e) => return vec![e.to_string()],
    };
    let json: Value = match serde_json::from_str(&out) {
        Ok(j) => j,
        Err(e) => {
            return vec![format!(
                "stdout is not a JSON report ({e}); exit {status:?}; stderr: {}",
                err.trim()
            )];
        }
    };
    // The report's shape (POUCH-CNF-050): the members spec/report.cddl names, and no other.
    let mut diffs: Vec<String> = schema
        .iter_errors(&json)
        .map(|e| {
            format!(
                "report does not fit spec/report.cddl: {e} at {}",
                e.instance_path()
            )
        })
        .collect();
    match Observed::from_json(&json) {
        Ok(o) => diffs.extend(compare(
            &v.expect,
            &o,
            status.and_then(ExitClass::from_code),
        )),
        Err(e) => diffs.push(format!("report: {e}")),
    }
    diffs
}

/// Runs every vector of `manifest_path` through `adapter`.
pub fn run(
    adapter: &Adapter,
    manifest_path: &Path,
    exceptions: &[Exception],
) -> Result<Results, Error> {
    let manifest = Manifest::load(manifest_path)?;
    let dir = manifest_dir(manifest_path)?;
    let features = adapter.features()?;
    let schema = jsonschema::draft202012::new(&pouch::report_schema())
        .map_err(|e| Error::Generate(format!("the report schema does not compile: {e}")))?;
    let mut vectors = Vec::new();
    for v in &manifest.vector {
        let missing = missing_features(&v.features, &features);
        let exception = exceptions.iter().find(|e| e.id == v.id);
        let verdict = if !missing.is_empty() {
            Verdict::Skip { missing }
        } else {
            let diffs = run_one(adapter, v, &dir, &schema);
            Verdict::judge(diffs, exception)
        };
        vectors.push(VectorResult {
            id: v.id.clone(),
            requirements: v.requirements.clone(),
            verdict,
        });
    }
    for e in exceptions {
        if !manifest.vector.iter().any(|v| v.id == e.id) && !e.id.starts_with(MALFORMED_PREFIX) {
            return Err(Error::Manifest {
                file: "exceptions".into(),
                reason: format!("exception for unknown vector {}", e.id),
            });
        }
    }
    Ok(Results::from_vectors(
        features.into_iter().collect(),
        vectors,
    ))
}

/// The canonical folder of the manifest at `manifest_path`: the paths in it are relative
/// to it.
pub(crate) fn manifest_dir(manifest_path: &Path) -> Result<PathBuf, Error> {
    let dir: PathBuf = manifest_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    std::fs::canonicalize(&dir).map_err(|e| Error::io(&dir, e))
}

/// The features in `needed` that the adapter does not claim: a vector or case missing any
/// is skipped.
pub(crate) fn missing_features(needed: &[String], claimed: &BTreeSet<String>) -> Vec<String> {
    needed
        .iter()
        .filter(|f| !claimed.contains(*f))
        .cloned()
        .collect()
}

/// The id prefix of the malformed corpus's cases ([`crate::malformed`]), whose exceptions
/// may share a file with the vectors'.
pub const MALFORMED_PREFIX: &str = "mal-";

impl Results {
    /// Results from per-vector verdicts, with the per-requirement summary.
    pub fn from_vectors(features: Vec<String>, vectors: Vec<VectorResult>) -> Results {
        let mut requirements: BTreeMap<String, RequirementResult> = BTreeMap::new();
        for v in &vectors {
            for r in &v.requirements {
                let e = requirements.entry(r.clone()).or_default();
                match v.verdict {
                    Verdict::Pass => e.pass += 1,
                    Verdict::Fail { .. } => e.fail += 1,
                    Verdict::Skip { .. } => e.skip += 1,
                    Verdict::KnownDivergence { .. } => e.known_divergence += 1,
                }
            }
        }
        for r in requirements.values_mut() {
            r.status = if r.fail > 0 {
                "Fail"
            } else if r.known_divergence > 0 {
                "KnownDivergence"
            } else if r.pass > 0 {
                "Pass"
            } else {
                "Skip"
            }
            .into();
        }
        Results {
            features,
            vectors,
            requirements,
        }
    }

    /// These results followed by `other`'s vectors (the malformed corpus after the
    /// vectors), the requirement summary recomputed over both.
    pub fn merge(self, other: Results) -> Results {
        let mut vectors = self.vectors;
        vectors.extend(other.vectors);
        Results::from_vectors(self.features, vectors)
    }
}

/// `results.md`: the tally, then per vector and per requirement.
pub fn markdown(r: &Results) -> String {
    let mut s = String::from("# Pouch conformance results\n\n");
    let t = r.tally();
    s += &format!(
        "Vectors: {} — Pass {}, Fail {}, Skip {}, KnownDivergence {}.\n\nFeatures claimed: {}.\n\n",
        r.vectors.len(),
        t.get("Pass").unwrap_or(&0),
        t.get("Fail").unwrap_or(&0),
        t.get("Skip").unwrap_or(&0),
        t.get("KnownDivergence").unwrap_or(&0),
        r.features.join(", ")
    );
    s += "## Per vector\n\n| vector | result | detail |\n|---|---|---|\n";
    for v in &r.vectors {
        let detail = match &v.verdict {
            Verdict::Pass => String::new(),
            Verdict::Fail { differences } => differences.join("; "),
            Verdict::Skip { missing } => format!("not claimed: {}", missing.join(", ")),
            Verdict::KnownDivergence {
                differences,
                reason,
            } => {
                format!("{reason} ({})", differences.join("; "))
            }
        };
        s += &format!(
            "| {} | {} | {} |\n",
            v.id,
            v.verdict.word(),
            detail.replace('|', "\\|")
        );
    }
    s += "\n## Per requirement\n\n| requirement | result | pass | fail | skip | known divergence |\n|---|---|---|---|---|---|\n";
    for (id, q) in &r.requirements {
        s += &format!(
            "| {id} | {} | {} | {} | {} | {} |\n",
            q.status, q.pass, q.fail, q.skip, q.known_divergence
        );
    }
    s
}

/// Writes `results.json` and `results.md` into `out`.
pub fn write_results(r: &Results, out: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let json = serde_json::to_string_pretty(r).map_err(|e| Error::Generate(e.to_string()))?;
    let p = out.join("results.json");
    std::fs::write(&p, json + "\n").map_err(|e| Error::io(&p, e))?;
    let p = out.join("results.md");
    std::fs::write(&p, markdown(r)).map_err(|e| Error::io(&p, e))
}
