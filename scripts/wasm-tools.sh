# Sourced by the scripts that build crates/pouch-wasm (check-wasm-binding.sh, build-web.sh):
# installs the wasm32 target and the wasm-bindgen-cli of the lockfile's wasm-bindgen version
# when missing. `ensure_wasm_tools WHAT` exits 2, saying that WHAT was NOT built or checked,
# when it cannot. Needs `say` and `target` defined by the caller; run from the repository root.
ensure_wasm_tools() {
    local what=$1
    if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
        if ! rustup target add "$target"; then
            say "cannot install the Rust target $target (rustup target add failed):"
            say "$what was NOT built or checked."
            exit 2
        fi
    fi
    # wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
    local version have
    version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
    if [ -z "$version" ]; then
        say "no wasm-bindgen in Cargo.lock"
        exit 2
    fi
    have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
    if [ "$have" != "$version" ]; then
        say "installing wasm-bindgen-cli $version (found: ${have:-none})"
        # --locked first; its lockfile can pin a dependency the index no longer offers (as
        # webpki-roots 1.0.11 for 0.2.130), and then the newest compatible versions are used.
        if ! cargo install wasm-bindgen-cli --version "$version" --locked &&
            ! cargo install wasm-bindgen-cli --version "$version"; then
            say "cannot install wasm-bindgen-cli $version (cargo install failed):"
            say "$what was NOT built or checked."
            exit 2
        fi
    fi
}
