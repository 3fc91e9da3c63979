//! The C ABI of Pouch (`include/pouch.h`, docs/binding-c.md), a thin layer over
//! `pouch-api` with no logic of its own.
//!
//! Conventions, for every function:
//! - it returns a [`pouch_status`]: [`POUCH_OK`] (0), or an error whose code and message
//!   [`pouch_last_error_code`] and [`pouch_last_error`] give on the same thread;
//! - inputs are pointer + length (a null pointer is accepted only with length 0), or
//!   NUL-terminated UTF-8 strings; a nullable argument says so;
//! - outputs are written through out-pointers only on success, and each is freed by its
//!   matching function: [`pouch_bytes_free`], [`pouch_string_free`], [`pouch_report_free`],
//!   [`pouch_policy_free`], [`pouch_verify_context_free`], [`pouch_trust_bundle_free`];
//! - no panic crosses the boundary: a bug is caught and reported as [`POUCH_ERR_INTERNAL`].
#![allow(non_camel_case_types)]

mod encrypt;
mod ops;
#[cfg(test)]
mod tests;
mod verify;

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use pouch_api::{ApiError, class};

pub use encrypt::*;
pub use ops::*;
pub use verify::*;

/// The status every function returns: 0 on success.
pub type pouch_status = i32;

/// Success.
pub const POUCH_OK: pouch_status = 0;
/// An argument is invalid: a null pointer, text that is not UTF-8, or a value the
/// function does not accept (error class `argument`).
pub const POUCH_ERR_ARGUMENT: pouch_status = 1;
/// The private key does not load (class `key`).
pub const POUCH_ERR_KEY: pouch_status = 2;
/// The certificate chain does not load (class `certificate`).
pub const POUCH_ERR_CERTIFICATE: pouch_status = 3;
/// The trust bundle does not load (class `trust-bundle`).
pub const POUCH_ERR_TRUST_BUNDLE: pouch_status = 4;
/// The security policy (SPIF) does not load (class `spif`).
pub const POUCH_ERR_SPIF: pouch_status = 5;
/// The clearance does not load (class `clearance`).
pub const POUCH_ERR_CLEARANCE: pouch_status = 6;
/// The label cannot be rendered or resolved under the policy (class `label-policy`).
pub const POUCH_ERR_LABEL_POLICY: pouch_status = 7;
/// The crypto backend failed (class `crypto`).
pub const POUCH_ERR_CRYPTO: pouch_status = 8;
/// The input was judged: the error code is a registry status code such as
/// `label.malformed`, `envelope.malformed` or `seal.signature-invalid`.
pub const POUCH_ERR_STATUS: pouch_status = 9;
/// A bug was caught (a panic) or an output could not be represented (class `internal`).
pub const POUCH_ERR_INTERNAL: pouch_status = 10;

struct LastError {
    code: CString,
    message: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        code: CString::default(),
        message: CString::default(),
    });
}

fn status_of(code: &str) -> pouch_status {
    match code {
        class::ARGUMENT => POUCH_ERR_ARGUMENT,
        class::KEY => POUCH_ERR_KEY,
        class::CERTIFICATE => POUCH_ERR_CERTIFICATE,
        class::TRUST_BUNDLE => POUCH_ERR_TRUST_BUNDLE,
        class::SPIF => POUCH_ERR_SPIF,
        class::CLEARANCE => POUCH_ERR_CLEARANCE,
        class::LABEL_POLICY => POUCH_ERR_LABEL_POLICY,
        class::CRYPTO => POUCH_ERR_CRYPTO,
        c if c.contains('.') => POUCH_ERR_STATUS,
        _ => POUCH_ERR_INTERNAL,
    }
}

fn c_string_lossy(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{fffd}")).unwrap_or_default()
}

fn set_last_error(e: &ApiError) -> pouch_status {
    LAST_ERROR.with(|l| {
        let mut l = l.borrow_mut();
        l.code = c_string_lossy(e.code);
        l.message = c_string_lossy(&e.to_string());
    });
    status_of(e.code)
}

/// Runs an entry point: its error is recorded for [`pouch_last_error`], and a panic is
/// caught and reported as [`POUCH_ERR_INTERNAL`].
fn guard(f: impl FnOnce() -> Result<(), ApiError>) -> pouch_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => POUCH_OK,
        Ok(Err(e)) => set_last_error(&e),
        Err(_) => set_last_error(&ApiError::new(
            class::INTERNAL,
            "a panic was caught at the C boundary (a bug in Pouch; please report it)",
        )),
    }
}

fn null(what: &str) -> ApiError {
    ApiError::new(class::ARGUMENT, format!("{what} is a null pointer"))
}

/// Borrows `len` bytes at `ptr`; a null `ptr` is the empty input when `len` is 0.
///
/// # Safety
/// `ptr` must be null or valid for reads of `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], ApiError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: `ptr` is non-null and, by the caller's contract, valid for `len` bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Like [`bytes`], but `None` when `ptr` is null (an optional input).
///
/// # Safety
/// As [`bytes`].
unsafe fn opt_bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<Option<&'a [u8]>, ApiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { bytes(ptr, len, what) }.map(Some)
}

/// Borrows a NUL-terminated UTF-8 string; `None` when `ptr` is null.
///
/// # Safety
/// `ptr` must be null or point to a NUL-terminated string valid for `'a`.
unsafe fn opt_str<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, ApiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null, and NUL-terminated and live by the caller's contract.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str()
        .map(Some)
        .map_err(|_| ApiError::new(class::ARGUMENT, format!("{what} is not UTF-8")))
}

/// Borrows a required NUL-terminated UTF-8 string.
///
/// # Safety
/// As [`opt_str`].
unsafe fn req_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, ApiError> {
    // SAFETY: forwarded contract.
    unsafe { opt_str(ptr, what) }?.ok_or_else(|| null(what))
}

/// Writes `value` through `out`.
///
/// # Safety
/// `out` must be null (an error) or valid for a write of `T`.
unsafe fn put<T>(out: *mut T, value: T, what: &str) -> Result<(), ApiError> {
    if out.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-null and writable by the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Where a new handle goes to C: `out`, checked before the work that makes the handle, so
/// that a null `out` fails before any callback runs, and leaks nothing.
struct HandleOut<T>(*mut *mut T);

impl<T> HandleOut<T> {
    /// # Safety
    /// `out` must be null (an error) or valid for a write of a pointer until [`Self::put`].
    unsafe fn new(out: *mut *mut T) -> Result<Self, ApiError> {
        if out.is_null() {
            return Err(null("out"));
        }
        Ok(Self(out))
    }

    /// Boxes `value` and hands it out.
    fn put(self, value: T) -> Result<(), ApiError> {
        // SAFETY: non-null (checked in `new`) and writable by the contract of `new`.
        unsafe { self.0.write(Box::into_raw(Box::new(value))) };
        Ok(())
    }
}

/// Hands a new handle to C through `out`: boxed only once `out` is known to be writable, so
/// a null `out` leaks nothing.
///
/// # Safety
/// `out` must be null (an error) or valid for a write of a pointer.
unsafe fn put_handle<T>(out: *mut *mut T, value: T) -> Result<(), ApiError> {
    // SAFETY: forwarded contract.
    unsafe { HandleOut::new(out) }?.put(value)
}

/// Frees a handle [`HandleOut::put`] gave out. Null is ignored.
///
/// # Safety
/// `p` must be null or a handle of type `T` made by [`HandleOut::put`], not yet freed.
unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: made by `Box::into_raw` in `HandleOut::put`, and not yet freed.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Hands a byte buffer to C: `*out`/`*out_len`, freed by [`pouch_bytes_free`].
///
/// # Safety
/// `out` and `out_len` must be null (an error) or valid for writes.
unsafe fn put_bytes(
    out: *mut *mut u8,
    out_len: *mut usize,
    value: Vec<u8>,
) -> Result<(), ApiError> {
    if out.is_null() || out_len.is_null() {
        return Err(null("out or out_len"));
    }
    let boxed = value.into_boxed_slice();
    let len = boxed.len();
    let ptr = Box::into_raw(boxed).cast::<u8>();
    // SAFETY: both non-null and writable by the caller's contract.
    unsafe {
        out.write(ptr);
        out_len.write(len);
    }
    Ok(())
}

/// Hands a string to C as `*out`, freed by [`pouch_string_free`].
///
/// # Safety
/// `out` must be null (an error) or valid for a write.
unsafe fn put_string(out: *mut *mut c_char, value: String) -> Result<(), ApiError> {
    let c = CString::new(value)
        .map_err(|_| ApiError::new(class::INTERNAL, "output text holds a NUL byte"))?;
    if out.is_null() {
        return Err(null("out"));
    }
    // SAFETY: non-null and writable by the caller's contract.
    unsafe { out.write(c.into_raw()) };
    Ok(())
}

/// The message of the last error on this thread (`code: what was wrong`), or an empty
/// string. Owned by the library; valid until the next failing call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn pouch_last_error() -> *const c_char {
    LAST_ERROR.with(|l| l.borrow().message.as_ptr())
}

/// The code of the last error on this thread: a registry status code (`label.malformed`)
/// or an error class (`argument`, `key`, ...), or an empty string. Owned by the library;
/// valid until the next failing call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn pouch_last_error_code() -> *const c_char {
    LAST_ERROR.with(|l| l.borrow().code.as_ptr())
}

/// The library's version, e.g. `0.1.0`. Static; never freed.
#[unsafe(no_mangle)]
pub extern "C" fn pouch_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Frees a buffer this library returned with its length. Null is ignored.
///
/// # Safety
/// `ptr`/`len` must be exactly a pair this library returned, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_bytes_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: `ptr`/`len` came from `Box::<[u8]>::into_raw` in `put_bytes`.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// Frees a string this library returned. Null is ignored.
///
/// # Safety
/// `s` must be a string this library returned, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pouch_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: `s` came from `CString::into_raw` in `put_string`.
    drop(unsafe { CString::from_raw(s) });
}
