//! The trust-bundle file (spec/04-trust.md §4.6): one TOML file naming each trusted nation
//! or organisation with its anchors, intermediates, CRLs and authorisations. Certificates and
//! CRLs are given inline as PEM, or as paths (PEM or DER) relative to the bundle file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Authorisation, Revocation, TrustBundle, TrustedNation};

/// The bundle format this implementation reads.
pub const BUNDLE_FORMAT: u32 = 1;

/// Largest bundle file, and largest file it references.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a bundle did not load: which file, which entry, and what was wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}: {entry}: {reason}", file.display())]
pub struct BundleError {
    /// The file at fault (the bundle, or a file it names).
    pub file: PathBuf,
    /// The entry at fault, e.g. `nation NOR, anchors[0]`, or `bundle` for the file itself.
    pub entry: String,
    /// What was wrong.
    pub reason: String,
    /// The file could not be opened or read (an I/O fault, not a malformed bundle): a
    /// command line reports it as I/O, not as malformed input.
    pub unreadable: bool,
}

/// Why a file a bundle names could not be had, and whether that was an I/O fault.
type ReadFault = (String, bool);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleFile {
    format: u32,
    #[serde(default)]
    description: Option<String>,
    /// Files outside the bundle's directory may be named (POUCH-TRUST-061).
    #[serde(default)]
    allow_outside: bool,
    #[serde(default, rename = "nation")]
    nations: Vec<NationFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NationFile {
    code: String,
    #[serde(default)]
    country: Option<String>,
    anchors: Vec<String>,
    #[serde(default)]
    intermediates: Vec<String>,
    #[serde(default)]
    crls: Vec<String>,
    #[serde(default)]
    revocation: Option<String>,
    #[serde(default, rename = "authorisation")]
    authorisations: Vec<AuthorisationFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorisationFile {
    policy: String,
    classifications: Vec<String>,
}

/// Reads a bundle file and every file it names.
pub fn load_bundle(path: &Path) -> Result<TrustBundle, BundleError> {
    let text = read_limited(path).map_err(|(reason, unreadable)| BundleError {
        file: path.to_path_buf(),
        entry: "bundle".into(),
        reason,
        unreadable,
    })?;
    let text = String::from_utf8(text).map_err(|_| BundleError {
        file: path.to_path_buf(),
        entry: "bundle".into(),
        reason: "not UTF-8".into(),
        unreadable: false,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse_bundle(&text, path, base)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ReadFault> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| (e.to_string(), true))?;
    let mut buf = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| (e.to_string(), true))?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err((format!("larger than {MAX_FILE_BYTES} bytes"), false));
    }
    Ok(buf)
}

/// Parses bundle text; `file` names it in errors and `base` resolves relative paths.
pub fn parse_bundle(text: &str, file: &Path, base: &Path) -> Result<TrustBundle, BundleError> {
    parse(text, file, &mut |item, allow_outside| {
        let path = base.join(item);
        if !allow_outside && let Err(fault) = inside(base, &path) {
            return (path, Err(fault));
        }
        let bytes = read_limited(&path);
        (path, bytes)
    })
}

/// Whether `path` (under `base` lexically) still lies in `base` once symbolic links are
/// resolved.
fn inside(base: &Path, path: &Path) -> Result<(), ReadFault> {
    let real_base = base.canonicalize().map_err(|e| (e.to_string(), true))?;
    let real = path.canonicalize().map_err(|e| (e.to_string(), true))?;
    if real.starts_with(&real_base) {
        Ok(())
    } else {
        Err((
            format!(
                "resolves to {}, outside the bundle's directory (allow_outside = true permits it)",
                real.display()
            ),
            false,
        ))
    }
}

/// Parses bundle text without a filesystem: `resolve` gives the bytes of each file the
/// bundle names (a path relative to the bundle, as written in it), or why it cannot. For
/// hosts without files (WebAssembly) and for bundles held in memory. `file_name` names the
/// bundle in errors; a file `resolve` returns is held to the same size limit as on disk.
pub fn parse_bundle_with(
    text: &str,
    file_name: &str,
    mut resolve: impl FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<TrustBundle, BundleError> {
    parse(text, Path::new(file_name), &mut |item, _| {
        // What the host cannot give is unread, as a file that does not open.
        let bytes = resolve(item)
            .map_err(|reason| (reason, true))
            .and_then(|b| {
                if b.len() as u64 > MAX_FILE_BYTES {
                    Err((format!("larger than {MAX_FILE_BYTES} bytes"), false))
                } else {
                    Ok(b)
                }
            });
        (PathBuf::from(item), bytes)
    })
}

/// Gives the bytes of a file the bundle names, with the path to name it by in errors.
/// The flag says whether the bundle allows files outside its directory.
type Resolver<'r> = dyn FnMut(&str, bool) -> (PathBuf, Result<Vec<u8>, ReadFault>) + 'r;

/// Whether a path as the bundle writes it leaves the bundle's directory lexically: an
/// absolute path, or one with a `..` component.
fn escapes(item: &str) -> bool {
    let path = Path::new(item);
    path.is_absolute()
        || item.starts_with('/')
        || item.starts_with('\\')
        || path.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

fn parse(text: &str, file: &Path, resolve: &mut Resolver<'_>) -> Result<TrustBundle, BundleError> {
    let err = |entry: &str, reason: String| BundleError {
        file: file.to_path_buf(),
        entry: entry.to_owned(),
        reason,
        unreadable: false,
    };
    let parsed: BundleFile = toml::from_str(text).map_err(|e| err("bundle", e.to_string()))?;
    if parsed.format != BUNDLE_FORMAT {
        return Err(err(
            "format",
            format!(
                "format {} is not {BUNDLE_FORMAT}, the one this reader knows",
                parsed.format
            ),
        ));
    }
    let _ = parsed.description;
    let allow_outside = parsed.allow_outside;
    let mut bundle = TrustBundle::default();
    for n in parsed.nations {
        let entry = format!("nation {}", n.code);
        let is_nation = n.code.len() == 3 && n.code.bytes().all(|b| b.is_ascii_uppercase());
        let is_org = (2..=16).contains(&n.code.len())
            && n.code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !is_nation && !is_org {
            return Err(err(
                &entry,
                "code must be ISO 3166-1 alpha-3 or an organisation code (A-Z, 0-9, -)".into(),
            ));
        }
        if bundle.nation(&n.code).is_some() {
            return Err(err(&entry, "appears twice".into()));
        }
        if let Some(c) = &n.country
            && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(err(
                &entry,
                format!("country {c:?} is not ISO 3166-1 alpha-2"),
            ));
        }
        if n.anchors.is_empty() {
            return Err(err(&entry, "no trust anchor".into()));
        }
        let mut load =
            |what: &str, items: &[String], label: &str| -> Result<Vec<Vec<u8>>, BundleError> {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let e = format!("{entry}, {what}[{i}]");
                    out.extend(load_item(item, label, allow_outside, resolve).map_err(
                        |(f, (reason, unreadable))| BundleError {
                            file: f.unwrap_or_else(|| file.to_path_buf()),
                            entry: e.clone(),
                            reason,
                            unreadable,
                        },
                    )?);
                }
                Ok(out)
            };
        let revocation = match n.revocation.as_deref() {
            None | Some("required") => Revocation::Required,
            Some("best-effort") => Revocation::BestEffort,
            Some(other) => {
                return Err(err(
                    &entry,
                    format!("revocation {other:?} is neither \"required\" nor \"best-effort\""),
                ));
            }
        };
        let anchors = load("anchors", &n.anchors, "CERTIFICATE")?;
        let intermediates = load("intermediates", &n.intermediates, "CERTIFICATE")?;
        let crls = load("crls", &n.crls, "X509 CRL")?;
        let mut authorisations = Vec::new();
        for (i, a) in n.authorisations.into_iter().enumerate() {
            if a.policy.trim().is_empty() || a.classifications.is_empty() {
                return Err(err(
                    &format!("{entry}, authorisation[{i}]"),
                    "needs a policy and at least one classification".into(),
                ));
            }
            authorisations.push(Authorisation {
                policy: a.policy,
                classifications: a.classifications,
            });
        }
        bundle.nations.push(TrustedNation {
            code: n.code,
            country: n.country,
            anchors,
            intermediates,
            crls,
            revocation,
            authorisations,
        });
    }
    if bundle.nations.is_empty() {
        return Err(err("bundle", "no [[nation]]".into()));
    }
    Ok(bundle)
}

/// One item: inline PEM (one or more blocks), or a path to PEM or DER. Errors carry the
/// file at fault when it is not the bundle itself.
fn load_item(
    item: &str,
    label: &str,
    allow_outside: bool,
    resolve: &mut Resolver<'_>,
) -> Result<Vec<Vec<u8>>, (Option<PathBuf>, ReadFault)> {
    if item.trim_start().starts_with("-----BEGIN") {
        return pem(item.as_bytes(), label).map_err(|e| (None, (e, false)));
    }
    if !allow_outside && escapes(item) {
        return Err((
            None,
            (
                format!(
                    "{item:?} leaves the bundle's directory (absolute or with ..); allow_outside = true permits it"
                ),
                false,
            ),
        ));
    }
    let (path, bytes) = resolve(item, allow_outside);
    let bytes = bytes.map_err(|e| (Some(path.clone()), e))?;
    if bytes.starts_with(b"-----BEGIN") {
        pem(&bytes, label).map_err(|e| (Some(path), (e, false)))
    } else if bytes.first() == Some(&0x30) {
        Ok(vec![bytes])
    } else {
        Err((
            Some(path),
            (format!("neither PEM ({label}) nor DER"), false),
        ))
    }
}

fn pem(bytes: &[u8], label: &str) -> Result<Vec<Vec<u8>>, String> {
    let blocks = pouch_crypto::keys::pem_blocks(bytes, label).map_err(|e| e.to_string())?;
    if blocks.is_empty() {
        return Err(format!("no PEM block labelled {label}"));
    }
    Ok(blocks)
}
