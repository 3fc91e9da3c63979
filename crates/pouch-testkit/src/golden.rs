//! Files generated from the code and committed to the tree (a JSON Schema, a spec table),
//! checked to be current by a test that can also regenerate them.

use std::path::Path;

/// Checks that the committed file `path` holds exactly `generated`, failing with `stale`
/// (which says how to regenerate it). With the environment variable `update` set, writes
/// `generated` to `path` first, so the same test regenerates the file.
///
/// # Errors
///
/// Writing `path` when asked to update it.
pub fn assert_committed(
    path: &Path,
    generated: &str,
    update: &str,
    stale: &str,
) -> std::io::Result<()> {
    if std::env::var_os(update).is_some() {
        std::fs::write(path, generated)?;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(committed == generated, "{stale}");
    Ok(())
}
