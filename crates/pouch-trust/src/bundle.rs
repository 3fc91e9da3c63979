//! The trust-bundle file (spec/04-trust.md §4.6): one TOML file naming each trusted nation
//! or organisation with its anchors, intermediates, CRLs and authorisations. Certificates and
//! CRLs are given inline as PEM, or as paths (PEM or DER) relative to the bundle file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{BundleFault, BundlePlace};
use crate::{Authorisation, Error, Revocation, TrustBundle, TrustedNation};

/// The bundle format this implementation reads.
pub const BUNDLE_FORMAT: u32 = 1;

/// Largest bundle file, and largest file it references.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a file a bundle names could not be had.
type ReadFault = BundleFault;

fn bundle_error(place: BundlePlace, fault: BundleFault) -> Error {
    Error::Bundle {
        place: Box::new(place),
        fault: Box::new(fault),
    }
}

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
pub fn load_bundle(path: &Path) -> Result<TrustBundle, Error> {
    let text = read_limited(path).map_err(|fault| bundle_error(BundlePlace::file(path), fault))?;
    let text = String::from_utf8(text)
        .map_err(|_| bundle_error(BundlePlace::file(path), BundleFault::NotUtf8))?;
    // A bare file name has the empty path as its parent, which names no directory (it
    // cannot be canonicalised): the bundle's directory is then the current one.
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parse_bundle(&text, path, base)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ReadFault> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| BundleFault::Unreadable(e.to_string());
    let f = std::fs::File::open(path).map_err(unreadable)?;
    let mut buf = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(unreadable)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(BundleFault::TooLarge {
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(buf)
}

/// Parses bundle text; `file` names it in errors and `base` resolves relative paths.
pub fn parse_bundle(text: &str, file: &Path, base: &Path) -> Result<TrustBundle, Error> {
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
    let unreadable = |e: std::io::Error| BundleFault::Unreadable(e.to_string());
    let real_base = base.canonicalize().map_err(unreadable)?;
    let real = path.canonicalize().map_err(unreadable)?;
    if real.starts_with(&real_base) {
        Ok(())
    } else {
        Err(BundleFault::Outside(real))
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
) -> Result<TrustBundle, Error> {
    parse(text, Path::new(file_name), &mut |item, _| {
        // What the host cannot give is unread, as a file that does not open.
        let bytes = resolve(item)
            .map_err(BundleFault::Unreadable)
            .and_then(|b| {
                if b.len() as u64 > MAX_FILE_BYTES {
                    Err(BundleFault::TooLarge {
                        limit: MAX_FILE_BYTES,
                    })
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

fn parse(text: &str, file: &Path, resolve: &mut Resolver<'_>) -> Result<TrustBundle, Error> {
    let err = |place: BundlePlace, fault| bundle_error(place.in_file(file), fault);
    let parsed: BundleFile = toml::from_str(text)
        .map_err(|e| err(BundlePlace::default(), BundleFault::Syntax(e.to_string())))?;
    if parsed.format != BUNDLE_FORMAT {
        return Err(err(
            BundlePlace::default().field("format"),
            BundleFault::Format {
                found: parsed.format,
            },
        ));
    }
    let _ = parsed.description;
    let allow_outside = parsed.allow_outside;
    let mut bundle = TrustBundle::default();
    for n in parsed.nations {
        let entry = BundlePlace::default().nation(&n.code);
        let is_nation = n.code.len() == 3 && n.code.bytes().all(|b| b.is_ascii_uppercase());
        let is_org = (2..=16).contains(&n.code.len())
            && n.code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !is_nation && !is_org {
            return Err(err(entry, BundleFault::BadCode));
        }
        if bundle.nation(&n.code).is_some() {
            return Err(err(entry, BundleFault::Duplicate));
        }
        if let Some(c) = &n.country
            && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(err(entry, BundleFault::BadCountry(c.clone())));
        }
        if n.anchors.is_empty() {
            return Err(err(entry, BundleFault::NoAnchor));
        }
        let mut load = |what: &'static str,
                        items: &[String],
                        label: &'static str|
         -> Result<Vec<Vec<u8>>, Error> {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                out.extend(load_item(item, label, allow_outside, resolve).map_err(
                    |(f, fault)| {
                        let place = entry.clone().item(what, i);
                        bundle_error(place.in_file(f.as_deref().unwrap_or(file)), fault)
                    },
                )?);
            }
            Ok(out)
        };
        let revocation = match n.revocation.as_deref() {
            None | Some("required") => Revocation::Required,
            Some("best-effort") => Revocation::BestEffort,
            Some(other) => {
                return Err(err(entry, BundleFault::BadRevocation(other.to_owned())));
            }
        };
        let anchors = load("anchors", &n.anchors, "CERTIFICATE")?;
        let intermediates = load("intermediates", &n.intermediates, "CERTIFICATE")?;
        let crls = load("crls", &n.crls, "X509 CRL")?;
        let mut authorisations = Vec::new();
        for (i, a) in n.authorisations.into_iter().enumerate() {
            if a.policy.trim().is_empty() || a.classifications.is_empty() {
                return Err(err(
                    entry.item("authorisation", i),
                    BundleFault::IncompleteAuthorisation,
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
        return Err(err(BundlePlace::default(), BundleFault::NoNation));
    }
    Ok(bundle)
}

/// One item: inline PEM (one or more blocks), or a path to PEM or DER. Errors carry the
/// file at fault when it is not the bundle itself.
fn load_item(
    item: &str,
    label: &'static str,
    allow_outside: bool,
    resolve: &mut Resolver<'_>,
) -> Result<Vec<Vec<u8>>, (Option<PathBuf>, ReadFault)> {
    if item.trim_start().starts_with("-----BEGIN") {
        return pem(item.as_bytes(), label).map_err(|e| (None, e));
    }
    if !allow_outside && escapes(item) {
        return Err((None, BundleFault::Escapes(item.to_owned())));
    }
    let (path, bytes) = resolve(item, allow_outside);
    let bytes = bytes.map_err(|e| (Some(path.clone()), e))?;
    if bytes.starts_with(b"-----BEGIN") {
        pem(&bytes, label).map_err(|e| (Some(path), e))
    } else if bytes.first() == Some(&0x30) {
        Ok(vec![bytes])
    } else {
        Err((Some(path), BundleFault::NotPemOrDer(label)))
    }
}

fn pem(bytes: &[u8], label: &'static str) -> Result<Vec<Vec<u8>>, BundleFault> {
    let blocks = pouch_crypto::keys::pem_blocks(bytes, label).map_err(BundleFault::Pem)?;
    if blocks.is_empty() {
        return Err(BundleFault::NoPemBlock(label));
    }
    Ok(blocks)
}
