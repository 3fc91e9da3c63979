#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The environment variable naming the folder that holds the suites.
pub const ROOT_VAR: &str = "POUCH_REFERENCE";
/// The environment variable that, set to `1`, makes an absent suite a test failure.
pub const REQUIRE_VAR: &str = "POUCH_REQUIRE_REFERENCE";
/// Where the suites are when [`ROOT_VAR`] is unset, relative to the workspace root.
pub const DEFAULT_ROOT: &str = "../shared/reference";

/// How one case of a third-party suite went, as the suite runners tally them: a case that
/// passes, one that does not apply, a divergence the project has recorded with its reason,
/// and the two failures (the suite expected a refusal and Pouch accepted, or the reverse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The result the suite expects.
    Pass,
    /// The case does not apply to Pouch.
    Skip,
    /// A recorded, explained divergence from the suite.
    KnownDivergence,
    /// Pouch refused what the suite accepts.
    UnexpectedFailure,
    /// Pouch accepted what the suite refuses.
    UnexpectedSuccess,
}

impl Outcome {
    /// Whether the outcome fails the run.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Outcome::UnexpectedFailure | Outcome::UnexpectedSuccess
        )
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// One third-party suite, named by its folder under the reference root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Suite {
    /// The COSE working group's examples (RFC 8152 / RFC 9052), `cose-wg-examples/`.
    CoseWgExamples,
    /// Project Wycheproof's signature vectors, `wycheproof/`.
    Wycheproof,
    /// C2SP x509-limbo path-validation cases, `x509-limbo/`.
    X509Limbo,
    /// NATO labelling material: ADatP-4774/4778 schemas, the NATO and PUBLIC SPIFs, the
    /// spiffing and sparrow labels and SPIFs, `labels/`.
    Labels,
}

impl Suite {
    /// Every suite, in the order `scripts/fetch-reference.sh` fetches them.
    pub const ALL: [Suite; 4] = [
        Suite::CoseWgExamples,
        Suite::Wycheproof,
        Suite::X509Limbo,
        Suite::Labels,
    ];

    /// The suite's folder name under the reference root.
    pub fn folder(self) -> &'static str {
        match self {
            Suite::CoseWgExamples => "cose-wg-examples",
            Suite::Wycheproof => "wycheproof",
            Suite::X509Limbo => "x509-limbo",
            Suite::Labels => "labels",
        }
    }
}

/// The workspace root (this crate sits at `crates/pouch-reference`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The reference root: [`ROOT_VAR`] if set (relative paths from the workspace root), else
/// [`DEFAULT_ROOT`] from the workspace root.
pub fn root() -> PathBuf {
    resolve(std::env::var_os(ROOT_VAR))
}

fn resolve(var: Option<OsString>) -> PathBuf {
    match var.filter(|v| !v.is_empty()) {
        Some(v) => workspace_root().join(PathBuf::from(v)),
        None => workspace_root().join(DEFAULT_ROOT),
    }
}

/// The folder of `suite` under [`root`], whether or not it exists.
pub fn path(suite: Suite) -> PathBuf {
    root().join(suite.folder())
}

/// Whether an absent suite must fail the test ([`REQUIRE_VAR`] is `1`).
pub fn required() -> bool {
    std::env::var_os(REQUIRE_VAR).is_some_and(|v| v == "1")
}

/// The suite's folder if it is there. If it is not, writes a `SKIPPED:` line to stderr and
/// returns `None`, or, when [`required`], panics with the same message.
///
/// # Panics
/// When the suite is absent and `POUCH_REQUIRE_REFERENCE=1`: that is the point of the setting.
#[allow(
    clippy::panic,
    reason = "test-only crate: a required suite that is absent fails the test"
)]
pub fn suite(suite: Suite) -> Option<PathBuf> {
    let dir = path(suite);
    if dir.is_dir() {
        return Some(dir);
    }
    let test = std::thread::current()
        .name()
        .map_or_else(String::new, |n| format!(" ({n})"));
    let message = format!(
        "suite {} not found at {}{test}; set {ROOT_VAR} or run scripts/fetch-reference.sh",
        suite.folder(),
        dir.display(),
    );
    if required() {
        panic!("{REQUIRE_VAR}=1 and {message}");
    }
    // Straight to the stderr handle, not `eprintln!`: the test harness captures the macros,
    // and a skip must be seen.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
    None
}

/// The folder of a suite, or return from the calling test (after [`suite`] has said so).
///
/// `let dir = pouch_reference::require!(Suite::Labels);`
#[macro_export]
macro_rules! require {
    ($suite:expr) => {
        match $crate::suite($suite) {
            ::core::option::Option::Some(dir) => dir,
            ::core::option::Option::None => return,
        }
    };
}

/// One entry of an exceptions file: a case of a third-party suite whose outcome here is
/// known to differ from the suite's expectation, with the reason.
pub trait Exception {
    /// What the entry names (a case id, or a file and case), for messages and duplicates.
    fn key(&self) -> String;
}

/// Reads `conformance/exceptions/NAME.toml` (a list of `[[exception]]` tables) and checks
/// that every entry gives a reason and that no entry is listed twice.
///
/// # Errors
///
/// The file cannot be read or parsed, an entry has no reason, or one is listed twice.
pub fn exceptions<T: serde::de::DeserializeOwned + Exception>(
    name: &str,
) -> Result<Vec<T>, String> {
    let path = workspace_root().join(format!("conformance/exceptions/{name}.toml"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_exceptions(&text, &path)
}

fn parse_exceptions<T: serde::de::DeserializeOwned + Exception>(
    text: &str,
    path: &Path,
) -> Result<Vec<T>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File<T> {
        #[serde(default = "Vec::new")]
        exception: Vec<T>,
    }
    let file: File<T> = toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
    // Every table has a reason, whatever else its suite records.
    let tables: File<toml::Table> = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::BTreeSet::new();
    for (e, table) in file.exception.iter().zip(&tables.exception) {
        let reason = table.get("reason").and_then(toml::Value::as_str);
        if reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(format!(
                "{}: exception {} has no reason",
                path.display(),
                e.key()
            ));
        }
        if !seen.insert(e.key()) {
            return Err(format!(
                "{}: exception {} listed twice",
                path.display(),
                e.key()
            ));
        }
    }
    Ok(file.exception)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    #[derive(serde::Deserialize, Debug)]
    struct Case {
        id: String,
    }

    impl super::Exception for Case {
        fn key(&self) -> String {
            self.id.clone()
        }
    }

    fn parse(text: &str) -> Result<Vec<Case>, String> {
        super::parse_exceptions(text, std::path::Path::new("x.toml"))
    }

    #[test]
    fn an_exception_needs_a_reason_and_is_listed_once() {
        let one = "[[exception]]\nid = \"a\"\nreason = \"why\"\n";
        assert_eq!(parse(one).unwrap().len(), 1);
        let blank = "[[exception]]\nid = \"a\"\nreason = \" \"\n";
        assert!(parse(blank).unwrap_err().contains("a has no reason"));
        let missing = "[[exception]]\nid = \"a\"\n";
        assert!(parse(missing).unwrap_err().contains("a has no reason"));
        let twice = format!("{one}{one}");
        assert!(parse(&twice).unwrap_err().contains("a listed twice"));
        assert!(parse("").unwrap().is_empty());
    }

    use super::*;

    #[test]
    fn unset_or_empty_variable_means_the_default_next_to_the_workspace() {
        assert_eq!(resolve(None), workspace_root().join("../shared/reference"));
        assert_eq!(
            resolve(Some(OsString::new())),
            workspace_root().join("../shared/reference")
        );
    }

    #[test]
    fn relative_variable_is_taken_from_the_workspace_root_absolute_as_is() {
        assert_eq!(resolve(Some("refs".into())), workspace_root().join("refs"));
        assert_eq!(
            resolve(Some("/srv/reference".into())),
            PathBuf::from("/srv/reference")
        );
    }

    #[test]
    fn folder_names_are_distinct() {
        for (i, a) in Suite::ALL.iter().enumerate() {
            for b in &Suite::ALL[i + 1..] {
                assert_ne!(a.folder(), b.folder());
            }
        }
    }
}
