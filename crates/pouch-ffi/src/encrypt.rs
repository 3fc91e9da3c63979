//! Encryption (spec/10-encryption.md): trust bundles, sealing encrypted with the record read
//! and the detached ciphertext written through callbacks, adding a recipient, and opening
//! with the plaintext written through a callback.

use std::ffi::{c_char, c_int, c_void};
use std::io::{Read, Write};

use pouch_api::{ApiError, EncryptOptions, RecipientOptions, TrustBundle};

use crate::ops::{PouchSealOptions, seal_options};
use crate::verify::{
    CallbackReader, OpenOutcome, PouchPolicy, PouchReport, PouchVerifyContext, handle,
    pouch_read_fn, report_get,
};
use crate::{
    HandleOut, bytes, free_handle, guard, null, opt_str, pouch_status, put_bytes, put_handle,
    req_str,
};

/// A loaded trust bundle. Opaque; made by [`pouch_trust_bundle_load`].
pub struct PouchTrustBundle(TrustBundle);

/// Writes `len` bytes from `buf` (all of them) and returns 0, or non-zero on a write error.
pub type pouch_write_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, buf: *const u8, len: usize) -> c_int>;

/// Goes back to the start of a detached ciphertext so that the read callback reads it again
/// from its first byte; returns 0, or non-zero when it cannot.
pub type pouch_rewind_fn = Option<unsafe extern "C" fn(user_data: *mut c_void) -> c_int>;

/// How `pouch_seal_encrypted` seals. Every pointer may be null, meaning the default.
#[repr(C)]
pub struct PouchEncryptOptions {
    /// The seal's options (provider, digest of a detached ciphertext, content type,
    /// location, role, algorithm, signing time); null for the defaults. Its `detached` is
    /// ignored: a ciphertext write callback makes the record detached.
    pub seal: *const PouchSealOptions,
    /// Nations to encrypt to although release to them is denied, comma-separated
    /// (`"NLD,FIN"`); recorded in the envelope.
    pub force_release: *const c_char,
}

/// A C write callback as a `std::io::Write`.
struct CallbackWriter {
    write: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    user_data: *mut c_void,
}

impl Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the caller promised a callback that reads at most `len` bytes from `buf`,
        // which is valid for that many.
        match unsafe { (self.write)(self.user_data, buf.as_ptr(), buf.len()) } {
            0 => Ok(buf.len()),
            _ => Err(std::io::Error::other(
                "the write callback reported an error",
            )),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Loads a trust bundle (TOML) from a file, reading the files it names relative to it;
/// freed by [`pouch_trust_bundle_free`].
///
/// # Safety
/// `path` is a NUL-terminated string; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_trust_bundle_load(
    path: *const c_char,
    out: *mut *mut PouchTrustBundle,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let path = unsafe { req_str(path, "path") }?;
        let b = TrustBundle::load(std::path::Path::new(path))?;
        // SAFETY: `out` is null or writable by the contract.
        unsafe { put_handle(out, PouchTrustBundle(b)) }
    })
}

/// Frees a trust bundle. Null is ignored.
///
/// # Safety
/// `bundle` is null or a bundle of this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_trust_bundle_free(bundle: *mut PouchTrustBundle) {
    // SAFETY: per this function's contract.
    unsafe { free_handle(bundle) }
}

/// The recipients' chains: `n` buffers of PEM certificates, leaf first.
///
/// # Safety
/// `chains` and `lens` each have `n` entries (or are null when `n` is 0).
unsafe fn chains(
    chains: *const *const u8,
    lens: *const usize,
    n: usize,
) -> Result<Vec<Vec<u8>>, ApiError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if chains.is_null() || lens.is_null() {
        return Err(null("recipients or recipient_lens"));
    }
    (0..n)
        .map(|i| {
            // SAFETY: each array has `n` entries by the contract.
            let (p, len) = unsafe { (*chains.add(i), *lens.add(i)) };
            // SAFETY: each entry is a buffer of `len` bytes by the contract.
            unsafe { bytes(p, len, "a recipient chain") }.map(<[u8]>::to_vec)
        })
        .collect()
}

/// Encrypts the record read through `read_record` to the nations of `recipients` (each an
/// encryption certificate chain, PEM leaf first, whose nation is the party of `trust` it
/// chains to) and seals it with `key` and `chain`; the envelope in `*out`/`*out_len`.
/// Every recipient's certificate is validated and release to its nation decided under
/// `policy` first: a refused nation fails with [`crate::POUCH_ERR_STATUS`] and its code
/// (`release.*`, or `trust.*`), nothing encrypted. With `write_ciphertext` (nullable) the
/// record is detached and its ciphertext written there; otherwise it is embedded.
///
/// # Safety
/// Each input pointer has its length; `read_record` writes at most `len` bytes and returns
/// their number, 0 at the end, negative on error; `recipients`/`recipient_lens` have
/// `n_recipients` entries; `trust` and `policy` are live; `write_ciphertext` is null or
/// reads `len` bytes from `buf`; `options` is null or valid; `out`/`out_len` are writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pouch_seal_encrypted(
    label: *const u8,
    label_len: usize,
    read_record: pouch_read_fn,
    record_user_data: *mut c_void,
    key: *const u8,
    key_len: usize,
    chain: *const u8,
    chain_len: usize,
    recipients: *const *const u8,
    recipient_lens: *const usize,
    n_recipients: usize,
    trust: *const PouchTrustBundle,
    policy: *const PouchPolicy,
    write_ciphertext: pouch_write_fn,
    ciphertext_user_data: *mut c_void,
    options: *const PouchEncryptOptions,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> pouch_status {
    guard(|| {
        let read = read_record.ok_or_else(|| null("read_record"))?;
        let mut record = CallbackReader {
            read,
            user_data: record_user_data,
        };
        // SAFETY: per this function's contract.
        let o = unsafe { options.as_ref() };
        let mut opts = EncryptOptions {
            // SAFETY: per this function's contract.
            seal: unsafe { seal_options(o.map_or(std::ptr::null(), |o| o.seal)) }?,
            // SAFETY: per this function's contract.
            force_release: unsafe {
                opt_str(
                    o.map_or(std::ptr::null(), |o| o.force_release),
                    "force_release",
                )
            }?
            .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
        };
        let mut writer = write_ciphertext.map(|write| CallbackWriter {
            write,
            user_data: ciphertext_user_data,
        });
        opts.seal.detached = writer.is_some();
        // SAFETY: per this function's contract.
        let env = unsafe {
            pouch_api::seal_encrypted(
                bytes(label, label_len, "label")?,
                &mut record,
                bytes(key, key_len, "key")?,
                bytes(chain, chain_len, "chain")?,
                &chains(recipients, recipient_lens, n_recipients)?,
                &handle(trust, "trust")?.0,
                &handle(policy, "policy")?.0,
                writer.as_mut().map(|w| w as &mut dyn Write),
                &opts,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_bytes(out, out_len, env) }
    })
}

/// Adds a recipient to an encrypted envelope without touching any sealed byte: the
/// holder's `key` (PKCS#8, PEM or DER) and encryption certificate `chain` (PEM) unwrap the
/// content key; `new_recipient` (PEM chain) is validated under `trust` and release to its
/// nation decided under `policy` (a denied nation fails with its `release.*` code). `provider`
/// and `at` (RFC 3339) are nullable. The new envelope in `*out`/`*out_len`.
///
/// # Safety
/// Each input pointer has its length; `trust` and `policy` are live; `provider` and `at`
/// are null or NUL-terminated; `out`/`out_len` are writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pouch_add_recipient(
    envelope: *const u8,
    envelope_len: usize,
    key: *const u8,
    key_len: usize,
    chain: *const u8,
    chain_len: usize,
    new_recipient: *const u8,
    new_recipient_len: usize,
    trust: *const PouchTrustBundle,
    policy: *const PouchPolicy,
    provider: *const c_char,
    at: *const c_char,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let env = unsafe {
            let options = RecipientOptions {
                provider: opt_str(provider, "provider")?.map(str::to_owned),
                at: opt_str(at, "at")?.map(str::to_owned),
            };
            pouch_api::add_recipient(
                bytes(envelope, envelope_len, "envelope")?,
                bytes(key, key_len, "key")?,
                bytes(chain, chain_len, "chain")?,
                bytes(new_recipient, new_recipient_len, "new_recipient")?,
                &handle(trust, "trust")?.0,
                &handle(policy, "policy")?.0,
                &options,
            )?
        };
        // SAFETY: per this function's contract.
        unsafe { put_bytes(out, out_len, env) }
    })
}

/// Opens an encrypted envelope with the context's trust bundle, policies, time and
/// verifier options: the opener's nation is the party its encryption certificate `chain`
/// (PEM, leaf first) leads to; the envelope is verified with release to that nation, and
/// only when valid decrypted with `key` (PKCS#8, PEM or DER), the plaintext going to
/// `write_plaintext` chunk by chunk, each authenticated first. Use what it received only
/// when `pouch_report_decrypted` says true; otherwise discard it. A detached ciphertext is
/// read through `read_ciphertext` twice (digest, then decryption), `rewind_ciphertext`
/// being called before each pass; both null for an embedded one. The report (with its
/// decrypt stage) in `*out`; its exit class is 11 for a decrypt error. Fails without a
/// report for a key or chain that does not load, no trust bundle in the context, or a
/// chain not trusted under it (its `trust.*` code).
///
/// # Safety
/// `ctx` is live; each input pointer has its length; `read_ciphertext` and
/// `rewind_ciphertext` are both null or both functions as their types say;
/// `write_plaintext` reads `len` bytes from `buf`; `out` is writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pouch_open(
    ctx: *const PouchVerifyContext,
    envelope: *const u8,
    envelope_len: usize,
    read_ciphertext: pouch_read_fn,
    rewind_ciphertext: pouch_rewind_fn,
    ciphertext_user_data: *mut c_void,
    key: *const u8,
    key_len: usize,
    chain: *const u8,
    chain_len: usize,
    write_plaintext: pouch_write_fn,
    plaintext_user_data: *mut c_void,
    out: *mut *mut PouchReport,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle(ctx, "ctx") }?;
        let write = write_plaintext.ok_or_else(|| null("write_plaintext"))?;
        // SAFETY: `out` is null or writable by the contract; checked before any callback.
        let out = unsafe { HandleOut::new(out) }?;
        let mut output = CallbackWriter {
            write,
            user_data: plaintext_user_data,
        };
        let reopen_parts = match (read_ciphertext, rewind_ciphertext) {
            (Some(read), Some(rewind)) => Some((read, rewind)),
            (None, None) => None,
            _ => {
                return Err(ApiError::new(
                    pouch_api::class::ARGUMENT,
                    "read_ciphertext and rewind_ciphertext go together",
                ));
            }
        };
        let mut reopen = move || -> std::io::Result<Box<dyn Read>> {
            let Some((read, rewind)) = reopen_parts else {
                return Err(std::io::Error::other("no ciphertext callbacks"));
            };
            // SAFETY: the caller promised a rewind function for `user_data`.
            if unsafe { rewind(ciphertext_user_data) } != 0 {
                return Err(std::io::Error::other(
                    "the rewind callback reported an error",
                ));
            }
            Ok(Box::new(CallbackReader {
                read,
                user_data: ciphertext_user_data,
            }))
        };
        // SAFETY: per this function's contract.
        let (env, key, chain) = unsafe {
            (
                bytes(envelope, envelope_len, "envelope")?,
                bytes(key, key_len, "key")?,
                bytes(chain, chain_len, "chain")?,
            )
        };
        let ciphertext: Option<pouch_api::Reopen<'_>> = match reopen_parts {
            Some(_) => Some(&mut reopen),
            None => None,
        };
        let opened = ctx.0.open(env, ciphertext, key, chain, &mut output)?;
        let outcome = OpenOutcome {
            class: opened.exit_class(),
            ok: opened.ok(),
        };
        out.put(PouchReport(opened.into_report(), Some(outcome)))
    })
}

/// Whether the report is an opening's whose plaintext decrypted and every chunk
/// authenticated (`decrypt.plaintext-authentic`): only then may the plaintext be used.
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_decrypted(
    report: *const PouchReport,
    out: *mut bool,
) -> pouch_status {
    // SAFETY: per this function's contract.
    unsafe { report_get(report, out, |r| Ok(r.1.is_some_and(|o| o.ok))) }
}
