//! Verification: the context, the report and its accessors, and policy handles.

use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::io::Read;

use pouch_api::{ApiError, Report, VerifyContext, class};

use crate::{
    HandleOut, bytes, free_handle, guard, null, opt_bytes, opt_str, pouch_status, put, put_handle,
    put_string, req_str,
};

/// What a verification needs (provider, trust bundle, seal policy, time, policies,
/// recipient). Opaque; made by [`pouch_verify_context_new`].
pub struct PouchVerifyContext(pub(crate) VerifyContext);

/// The outcome of one verification or opening. Opaque; made by [`pouch_verify`] or
/// `pouch_open`.
pub struct PouchReport(pub(crate) Report, pub(crate) Option<OpenOutcome>);

/// What an opening adds to its report: the exit class (i/o included) and whether the
/// plaintext authenticated.
#[derive(Clone, Copy)]
pub(crate) struct OpenOutcome {
    pub(crate) class: u8,
    pub(crate) ok: bool,
}

/// A loaded security policy (SPIF). Opaque; made by `pouch_policy_load`.
pub struct PouchPolicy(pub(crate) pouch_api::Policy);

/// Borrows a handle.
///
/// # Safety
/// `p` must be null (an error) or a live handle of this library.
pub(crate) unsafe fn handle<'a, T>(p: *const T, what: &str) -> Result<&'a T, ApiError> {
    // SAFETY: the caller passes null or a live handle made by `Box::into_raw`.
    unsafe { p.as_ref() }.ok_or_else(|| null(what))
}

/// Borrows a handle mutably.
///
/// # Safety
/// As [`handle`], and no other reference to it may be in use.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, ApiError> {
    // SAFETY: the caller passes null or a live, unshared handle.
    unsafe { p.as_mut() }.ok_or_else(|| null(what))
}

/// Makes a context with `provider` (`"aws-lc"`, `"rustcrypto"`, or null for the default):
/// no trust bundle, seal policy `all`, the system clock, no policy, no recipient.
///
/// # Safety
/// `provider` is null or a NUL-terminated string; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_new(
    provider: *const c_char,
    out: *mut *mut PouchVerifyContext,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let name = unsafe { opt_str(provider, "provider") }?;
        let ctx = PouchVerifyContext(VerifyContext::new(name)?);
        // SAFETY: `out` is null or writable by the contract.
        unsafe { put_handle(out, ctx) }
    })
}

/// Frees a context. Null is ignored.
///
/// # Safety
/// `ctx` is null or a context of this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_free(ctx: *mut PouchVerifyContext) {
    // SAFETY: per this function's contract.
    unsafe { free_handle(ctx) }
}

/// Sets the trust bundle: its TOML text, and `n_files` files it names, each a
/// NUL-terminated name as written in the bundle (`NOR/root.pem`) with its bytes. Nothing
/// is read from the filesystem.
///
/// # Safety
/// `ctx` is a live context; `toml` has `toml_len` bytes; `names`, `files` and `file_lens`
/// each have `n_files` entries (or are null when `n_files` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_trust(
    ctx: *mut PouchVerifyContext,
    toml: *const u8,
    toml_len: usize,
    names: *const *const c_char,
    files: *const *const u8,
    file_lens: *const usize,
    n_files: usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle_mut(ctx, "ctx") }?;
        // SAFETY: per this function's contract.
        let text = unsafe { bytes(toml, toml_len, "toml") }?;
        let text = std::str::from_utf8(text)
            .map_err(|_| ApiError::new(class::ARGUMENT, "the bundle text is not UTF-8"))?;
        let mut map = HashMap::new();
        if n_files > 0 {
            if names.is_null() || files.is_null() || file_lens.is_null() {
                return Err(null("names, files or file_lens"));
            }
            for i in 0..n_files {
                // SAFETY: each array has `n_files` entries by the contract.
                let (name, data, len) =
                    unsafe { (*names.add(i), *files.add(i), *file_lens.add(i)) };
                // SAFETY: each entry is a string / a buffer of `len` bytes by the contract.
                let name = unsafe { req_str(name, "a file name") }?;
                // SAFETY: as above.
                let data = unsafe { bytes(data, len, "a file") }?;
                map.insert(name.to_owned(), data.to_vec());
            }
        }
        ctx.0.set_trust(text, &map)
    })
}

/// Sets the trust bundle from a TOML file, reading the files it names relative to it.
///
/// # Safety
/// `ctx` is a live context; `path` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_load_trust(
    ctx: *mut PouchVerifyContext,
    path: *const c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (ctx, path) = unsafe { (handle_mut(ctx, "ctx")?, req_str(path, "path")?) };
        ctx.0.set_trust_file(std::path::Path::new(path))
    })
}

/// Accepts only these signature algorithms (comma-separated registry names, e.g.
/// `"ES384,ML-DSA-65"`; null accepts every one the provider implements): a seal of another
/// is `seal.alg-not-allowed`.
///
/// # Safety
/// `ctx` is a live context; `algs` null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_allowed_algs(
    ctx: *mut PouchVerifyContext,
    algs: *const c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (ctx, algs) = unsafe { (handle_mut(ctx, "ctx")?, opt_str(algs, "algs")?) };
        ctx.0.set_allowed_algs(algs)
    })
}

/// Requires every certificate of a signer's path to be valid at the verification time too
/// (POUCH-TRUST-022): a path expired since is `trust.current-validity-required`.
///
/// # Safety
/// `ctx` is a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_require_current_validity(
    ctx: *mut PouchVerifyContext,
    require: bool,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle_mut(ctx, "ctx") }?;
        ctx.0.set_require_current_validity(require)
    })
}

/// Sets the decoder's limit of certificates in one `x5chain`; 0 restores the default.
///
/// # Safety
/// `ctx` is a live context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_max_chain(
    ctx: *mut PouchVerifyContext,
    max: usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle_mut(ctx, "ctx") }?;
        ctx.0.set_max_chain((max > 0).then_some(max))
    })
}

/// Sets the seal policy: `all`, `hybrid` or `nations:T:A,B,...`.
///
/// # Safety
/// `ctx` is a live context; `policy` a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_seal_policy(
    ctx: *mut PouchVerifyContext,
    policy: *const c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (ctx, p) = unsafe { (handle_mut(ctx, "ctx")?, req_str(policy, "policy")?) };
        ctx.0.set_seal_policy(p)
    })
}

/// Sets the verification time (RFC 3339); null is the system clock at each call.
///
/// # Safety
/// `ctx` is a live context; `at` null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_at(
    ctx: *mut PouchVerifyContext,
    at: *const c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (ctx, at) = unsafe { (handle_mut(ctx, "ctx")?, opt_str(at, "at")?) };
        ctx.0.set_at(at)
    })
}

/// Adds a security policy (the policy stage then runs). The context keeps its own
/// reference: `policy` may be freed afterwards.
///
/// # Safety
/// `ctx` is a live context; `policy` a live policy.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_add_policy(
    ctx: *mut PouchVerifyContext,
    policy: *const PouchPolicy,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (ctx, p) = unsafe { (handle_mut(ctx, "ctx")?, handle(policy, "policy")?) };
        ctx.0.add_policy(&p.0);
        Ok(())
    })
}

/// Sets the recipient (nation or organisation code; null removes it) and its clearance
/// (JSON; null for none): the release stage then runs. Load the trust bundle first: a
/// recipient without one is an argument error (spec/05-policy.md POUCH-POL-085).
///
/// # Safety
/// `ctx` is a live context; `recipient` null or a NUL-terminated string; `clearance` null
/// or `clearance_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_context_set_recipient(
    ctx: *mut PouchVerifyContext,
    recipient: *const c_char,
    clearance: *const u8,
    clearance_len: usize,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle_mut(ctx, "ctx") }?;
        // SAFETY: per this function's contract.
        let r = unsafe { opt_str(recipient, "recipient") }?;
        // SAFETY: per this function's contract.
        let c = unsafe { opt_bytes(clearance, clearance_len, "clearance") }?;
        ctx.0.set_recipient(r, c)
    })
}

/// Verifies an envelope; `payload` (nullable) is the detached record. A report is made
/// whatever the envelope holds: the status is not OK only for a bad argument.
///
/// # Safety
/// `ctx` is a live context; `envelope` has `envelope_len` bytes; `payload` is null or has
/// `payload_len` bytes; `out` is writable. The context may be shared by threads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify(
    ctx: *const PouchVerifyContext,
    envelope: *const u8,
    envelope_len: usize,
    payload: *const u8,
    payload_len: usize,
    out: *mut *mut PouchReport,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle(ctx, "ctx") }?;
        // SAFETY: per this function's contract.
        let env = unsafe { bytes(envelope, envelope_len, "envelope") }?;
        // SAFETY: per this function's contract.
        let detached = unsafe { opt_bytes(payload, payload_len, "payload") }?;
        // SAFETY: `out` is null or writable by the contract.
        let out = unsafe { HandleOut::new(out) }?;
        out.put(PouchReport(ctx.0.verify(env, detached), None))
    })
}

/// Reads the next bytes of a detached record into `buf` (at most `len` bytes) and returns
/// how many it wrote: 0 at the end of the record, a negative number on a read error.
pub type pouch_read_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, buf: *mut u8, len: usize) -> isize>;

/// A C read callback as a `std::io::Read`.
pub(crate) struct CallbackReader {
    pub(crate) read: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> isize,
    pub(crate) user_data: *mut c_void,
}

impl Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // SAFETY: the caller of `pouch_verify_read` promised a callback that writes at most
        // `len` bytes into `buf`, which is valid for that many.
        let n = unsafe { (self.read)(self.user_data, buf.as_mut_ptr(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) if n <= buf.len() => Ok(n),
            Ok(_) => Err(std::io::Error::other(
                "the read callback returned more bytes than asked for",
            )),
            Err(_) => Err(std::io::Error::other("the read callback reported an error")),
        }
    }
}

/// Verifies an envelope whose detached record is streamed through `read` (called with
/// `user_data` until it returns 0), in bounded memory whatever the record's size. A read
/// error (a negative return) is reported as `payload.digest-mismatch` with its detail.
///
/// # Safety
/// `ctx` is a live context; `envelope` has `envelope_len` bytes; `read` is a function that
/// writes at most `len` bytes to `buf` and returns their number, 0 at the end, or a negative
/// number on error; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_verify_read(
    ctx: *const PouchVerifyContext,
    envelope: *const u8,
    envelope_len: usize,
    read: pouch_read_fn,
    user_data: *mut c_void,
    out: *mut *mut PouchReport,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let ctx = unsafe { handle(ctx, "ctx") }?;
        // SAFETY: per this function's contract.
        let env = unsafe { bytes(envelope, envelope_len, "envelope") }?;
        let read = read.ok_or_else(|| null("read"))?;
        // SAFETY: `out` is null or writable by the contract; checked before `read` is called.
        let out = unsafe { HandleOut::new(out) }?;
        let mut reader = CallbackReader { read, user_data };
        out.put(PouchReport(ctx.0.verify_reader(env, &mut reader), None))
    })
}

/// Frees a report. Null is ignored.
///
/// # Safety
/// `report` is null or a report of this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_free(report: *mut PouchReport) {
    // SAFETY: per this function's contract.
    unsafe { free_handle(report) }
}

/// Runs a report accessor: `get` reads the value from the report, which goes to C through
/// `out`.
///
/// # Safety
/// `report` is null (an error) or a live report; `out` is null (an error) or writable.
pub(crate) unsafe fn report_get<T>(
    report: *const PouchReport,
    out: *mut T,
    get: impl FnOnce(&PouchReport) -> Result<T, ApiError>,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let value = get(unsafe { handle(report, "report") }?)?;
        // SAFETY: per this function's contract.
        unsafe { put(out, value, "out") }
    })
}

/// The report as JSON (spec/07-conformance.md §7.5), freed by `pouch_string_free`.
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_json(
    report: *const PouchReport,
    out: *mut *mut c_char,
) -> pouch_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let r = unsafe { handle(report, "report") }?;
        // SAFETY: per this function's contract.
        unsafe { put_string(out, pouch_api::report_json(&r.0)) }
    })
}

/// The report's exit class (spec/07-conformance.md §7.4), `pouch verify`'s exit code; for
/// an opening's report, decrypt errors are 11 and a failed read or write 4.
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_exit_class(
    report: *const PouchReport,
    out: *mut u8,
) -> pouch_status {
    // SAFETY: per this function's contract.
    unsafe {
        report_get(report, out, |r| {
            Ok(r.1.map_or_else(|| pouch_api::exit_class(&r.0), |o| o.class))
        })
    }
}

/// Whether no stage that ran found an error.
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_is_valid(
    report: *const PouchReport,
    out: *mut bool,
) -> pouch_status {
    // SAFETY: per this function's contract.
    unsafe { report_get(report, out, |r| Ok(r.0.is_valid())) }
}

/// The number of seals the report describes.
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_seal_count(
    report: *const PouchReport,
    out: *mut usize,
) -> pouch_status {
    // SAFETY: per this function's contract.
    unsafe { report_get(report, out, |r| Ok(r.0.seals.len())) }
}

fn seal_at(r: &PouchReport, index: usize) -> Result<&pouch_api::SealReport, ApiError> {
    r.0.seals.get(index).ok_or_else(|| {
        ApiError::new(
            class::ARGUMENT,
            format!("seal {index}: the report has {} seals", r.0.seals.len()),
        )
    })
}

/// Whether seal `index`'s signature verified.
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_seal_signature_valid(
    report: *const PouchReport,
    index: usize,
    out: *mut bool,
) -> pouch_status {
    // SAFETY: per this function's contract.
    unsafe { report_get(report, out, |r| Ok(seal_at(r, index)?.signature_valid())) }
}

/// Whether the trust stage found seal `index`'s signer trusted (false when it did not run).
///
/// # Safety
/// `report` is a live report; `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_report_seal_signer_trusted(
    report: *const PouchReport,
    index: usize,
    out: *mut bool,
) -> pouch_status {
    // SAFETY: per this function's contract.
    unsafe { report_get(report, out, |r| Ok(seal_at(r, index)?.signer_trusted())) }
}
