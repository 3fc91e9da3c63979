//! Helpers of this crate's own integration tests (the PKI crates' shared helpers are in
//! pouch-trust's `tests/common`).
#![allow(dead_code, unreachable_pub)]

use pouch_crypto::Algorithm;
use pouch_testkit::{Coalition, Nation, build_coalition};

use crate::common::{NOW, Scratch, providers};

/// A coalition of `nations` (root `root`, a signer for each of `signers`) built with fresh keys
/// by the first provider and written to a scratch folder named for `tag`, removed on drop.
pub fn written_coalition(
    tag: &str,
    nations: &[Nation],
    root: Algorithm,
    signers: &[Algorithm],
) -> (Scratch, Coalition) {
    let (provider, _) = providers()[0];
    let scratch = Scratch::new(tag);
    let coalition = build_coalition(provider, nations, root, signers, NOW).unwrap();
    coalition.write_to_dir(scratch.path()).unwrap();
    (scratch, coalition)
}
