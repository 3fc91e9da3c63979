//! The C ABI called as C would: statuses, last-error codes, null pointers, ownership. Unit
//! tests, not tests/: the library is built only as a C library (`cdylib`, `staticlib`), so
//! that its name `pouch` (for `libpouch.so`) never collides with the `pouch` crate's rlib.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unsafe_code)]
#![allow(clippy::undocumented_unsafe_blocks)]

use std::ffi::{CStr, CString, c_char};
use std::ptr::{null, null_mut};

use crate::*;

fn vectors(p: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors")
        .join(p)
}

fn last_code() -> String {
    unsafe { CStr::from_ptr(pouch_last_error_code()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn last_message() -> String {
    unsafe { CStr::from_ptr(pouch_last_error()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn take_string(p: *mut c_char) -> String {
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    unsafe { pouch_string_free(p) };
    s
}

fn seal_nor(record: &[u8]) -> Vec<u8> {
    seal_nor_with(record, false)
}

/// Seals `record` as NOR's ES384 signer at a fixed time, embedded or `detached`.
fn seal_nor_with(record: &[u8], detached: bool) -> Vec<u8> {
    let label = std::fs::read(vectors("labels/json/valid/full.json")).unwrap();
    let key = std::fs::read(vectors("envelopes/pki/NOR/signer-ES384.key.pem")).unwrap();
    let chain = std::fs::read(vectors("envelopes/pki/NOR/signer-ES384.pem")).unwrap();
    let at = CString::new("2026-11-28T10:00:00Z").unwrap();
    let options = PouchSealOptions {
        provider: null(),
        detached,
        digest: null(),
        content_type: null(),
        location: null(),
        role: null(),
        alg: null(),
        signing_time: at.as_ptr(),
    };
    let (mut out, mut len) = (null_mut(), 0usize);
    let s = unsafe {
        pouch_seal(
            label.as_ptr(),
            label.len(),
            record.as_ptr(),
            record.len(),
            key.as_ptr(),
            key.len(),
            chain.as_ptr(),
            chain.len(),
            &options,
            &mut out,
            &mut len,
        )
    };
    assert_eq!(s, POUCH_OK, "{}", last_message());
    let v = unsafe { std::slice::from_raw_parts(out, len) }.to_vec();
    unsafe { pouch_bytes_free(out, len) };
    v
}

fn context() -> *mut PouchVerifyContext {
    let mut ctx = null_mut();
    assert_eq!(
        unsafe { pouch_verify_context_new(null(), &mut ctx) },
        POUCH_OK
    );
    let bundle = CString::new(vectors("envelopes/pki/bundle.toml").to_str().unwrap()).unwrap();
    assert_eq!(
        unsafe { pouch_verify_context_load_trust(ctx, bundle.as_ptr()) },
        POUCH_OK
    );
    let at = CString::new("2026-11-28T11:00:00Z").unwrap();
    assert_eq!(
        unsafe { pouch_verify_context_set_at(ctx, at.as_ptr()) },
        POUCH_OK
    );
    ctx
}

#[test]
fn seal_verify_and_every_report_accessor() {
    let env = seal_nor(b"record");
    let ctx = context();
    let mut report = null_mut();
    assert_eq!(
        unsafe { pouch_verify(ctx, env.as_ptr(), env.len(), null(), 0, &mut report) },
        POUCH_OK
    );
    let (mut valid, mut sig, mut trusted, mut n, mut class) = (false, false, false, 0usize, 99u8);
    unsafe {
        assert_eq!(pouch_report_is_valid(report, &mut valid), POUCH_OK);
        assert_eq!(pouch_report_seal_count(report, &mut n), POUCH_OK);
        assert_eq!(
            pouch_report_seal_signature_valid(report, 0, &mut sig),
            POUCH_OK
        );
        assert_eq!(
            pouch_report_seal_signer_trusted(report, 0, &mut trusted),
            POUCH_OK
        );
        assert_eq!(pouch_report_exit_class(report, &mut class), POUCH_OK);
        assert_eq!(
            pouch_report_seal_signature_valid(report, 1, &mut sig),
            POUCH_ERR_ARGUMENT
        );
    }
    assert_eq!((valid, n, trusted, class), (true, 1, true, 0));
    let mut json = null_mut();
    assert_eq!(unsafe { pouch_report_json(report, &mut json) }, POUCH_OK);
    assert!(take_string(json).contains("trust.signer-trusted"));
    unsafe {
        pouch_report_free(report);
        pouch_verify_context_free(ctx);
    }
}

#[test]
fn trust_from_memory_matches_trust_from_the_file() {
    let env = seal_nor(b"record");
    let dir = vectors("envelopes/pki");
    let text = std::fs::read(dir.join("bundle.toml")).unwrap();
    let names: Vec<CString> = ["NOR", "DNK", "NLD"]
        .iter()
        .flat_map(|n| {
            [
                "root.pem",
                "intermediate.pem",
                "root.crl",
                "intermediate.crl",
            ]
            .map(|f| format!("{n}/{f}"))
        })
        .map(|s| CString::new(s).unwrap())
        .collect();
    let files: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(n.to_str().unwrap())).unwrap())
        .collect();
    let name_ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
    let file_ptrs: Vec<*const u8> = files.iter().map(|f| f.as_ptr()).collect();
    let lens: Vec<usize> = files.iter().map(Vec::len).collect();
    let mut ctx = null_mut();
    unsafe {
        assert_eq!(
            pouch_verify_context_new(c"rustcrypto".as_ptr(), &mut ctx),
            POUCH_OK
        );
        assert_eq!(
            pouch_verify_context_set_at(ctx, c"2026-11-28T11:00:00Z".as_ptr()),
            POUCH_OK
        );
        // Missing files: the bundle names them.
        let s = pouch_verify_context_set_trust(
            ctx,
            text.as_ptr(),
            text.len(),
            null(),
            null(),
            null(),
            0,
        );
        assert_eq!(s, POUCH_ERR_TRUST_BUNDLE);
        assert_eq!(last_code(), "trust-bundle");
        let s = pouch_verify_context_set_trust(
            ctx,
            text.as_ptr(),
            text.len(),
            name_ptrs.as_ptr(),
            file_ptrs.as_ptr(),
            lens.as_ptr(),
            names.len(),
        );
        assert_eq!(s, POUCH_OK, "{}", last_message());
        let mut report = null_mut();
        assert_eq!(
            pouch_verify(ctx, env.as_ptr(), env.len(), null(), 0, &mut report),
            POUCH_OK
        );
        let mut trusted = false;
        assert_eq!(
            pouch_report_seal_signer_trusted(report, 0, &mut trusted),
            POUCH_OK
        );
        assert!(trusted);
        pouch_report_free(report);
        pouch_verify_context_free(ctx);
    }
}

#[test]
fn null_pointers_and_bad_text_are_argument_errors() {
    let mut ctx = null_mut();
    unsafe {
        assert_eq!(
            pouch_verify_context_new(null(), null_mut()),
            POUCH_ERR_ARGUMENT
        );
        assert!(last_message().contains("null"), "{}", last_message());
        assert_eq!(
            pouch_verify_context_new(c"openssl".as_ptr(), &mut ctx),
            POUCH_ERR_ARGUMENT
        );
        assert!(ctx.is_null());
        let bad_utf8 = [0xffu8, 0];
        assert_eq!(
            pouch_verify_context_new(bad_utf8.as_ptr().cast(), &mut ctx),
            POUCH_ERR_ARGUMENT
        );
        assert!(last_message().contains("UTF-8"));
        let mut report = null_mut();
        assert_eq!(
            pouch_verify(null(), null(), 0, null(), 0, &mut report),
            POUCH_ERR_ARGUMENT
        );
        assert_eq!(pouch_verify_context_new(null(), &mut ctx), POUCH_OK);
        // A null envelope with a length is refused; with length 0 it is the empty input.
        assert_eq!(
            pouch_verify(ctx, null(), 5, null(), 0, &mut report),
            POUCH_ERR_ARGUMENT
        );
        assert_eq!(
            pouch_verify(ctx, null(), 0, null(), 0, &mut report),
            POUCH_OK
        );
        let mut class = 0u8;
        assert_eq!(pouch_report_exit_class(report, &mut class), POUCH_OK);
        assert_eq!(class, 3);
        assert_eq!(
            pouch_report_exit_class(report, null_mut()),
            POUCH_ERR_ARGUMENT
        );
        assert_eq!(
            pouch_verify_context_set_seal_policy(ctx, c"most".as_ptr()),
            POUCH_ERR_ARGUMENT
        );
        assert_eq!(last_code(), "argument");
        pouch_report_free(report);
        pouch_verify_context_free(ctx);
        // Freeing null is a no-op.
        pouch_report_free(null_mut());
        pouch_verify_context_free(null_mut());
        pouch_policy_free(null_mut());
        pouch_string_free(null_mut());
        pouch_bytes_free(null_mut(), 0);
    }
}

#[test]
fn status_codes_come_through_with_their_registry_id() {
    let mut out = null_mut();
    let (mut bytes, mut len) = (null_mut(), 0usize);
    unsafe {
        assert_eq!(
            pouch_inspect(b"nope".as_ptr(), 4, &mut out),
            POUCH_ERR_STATUS
        );
        assert!(last_code().starts_with("envelope."), "{}", last_code());
        assert_eq!(
            pouch_label_convert(
                b"{}".as_ptr(),
                2,
                null(),
                c"xml".as_ptr(),
                &mut bytes,
                &mut len
            ),
            POUCH_ERR_STATUS
        );
        assert_eq!(last_code(), "label.malformed");
        assert_eq!(
            pouch_policy_load(b"<x/>".as_ptr(), 4, null_mut()),
            POUCH_ERR_SPIF
        );
    }
}

#[test]
fn labels_policies_and_release_through_the_abi() {
    let spif = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../pouch-policy/policies/pouch-demo.spif.xml"),
    )
    .unwrap();
    let label = br#"{"confidentialityInformation":{"policyIdentifier":"POUCH-DEMO","classification":"SECRET","categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["COALITION"]}]},"creationDateTime":"2026-11-28T09:00:00Z"}"#;
    let mut policy = null_mut();
    let mut out = null_mut();
    unsafe {
        assert_eq!(
            pouch_policy_load(spif.as_ptr(), spif.len(), &mut policy),
            POUCH_OK
        );
        assert_eq!(
            pouch_label_render(label.as_ptr(), label.len(), policy, null(), &mut out),
            POUCH_OK
        );
        assert_eq!(take_string(out), "DEMO SECRET Releasable to COALITION");
        assert_eq!(
            pouch_label_check(label.as_ptr(), label.len(), policy, &mut out),
            POUCH_OK
        );
        assert!(take_string(out).contains("policy.label-valid"));
        assert_eq!(
            pouch_release(
                label.as_ptr(),
                label.len(),
                policy,
                c"NLD".as_ptr(),
                null(),
                0,
                &mut out
            ),
            POUCH_OK
        );
        assert!(take_string(out).contains("\"permitted\":true"));
        assert_eq!(
            pouch_release(
                label.as_ptr(),
                label.len(),
                policy,
                c"FIN".as_ptr(),
                null(),
                0,
                &mut out
            ),
            POUCH_OK
        );
        assert!(take_string(out).contains("release.denied"));
        let (mut bytes, mut len) = (null_mut(), 0usize);
        assert_eq!(
            pouch_label_convert(
                label.as_ptr(),
                label.len(),
                c"json".as_ptr(),
                c"cbor".as_ptr(),
                &mut bytes,
                &mut len
            ),
            POUCH_OK
        );
        assert_eq!(*bytes, 0xa2, "a CBOR map of two members");
        pouch_bytes_free(bytes, len);
        // A context keeps its own reference: the policy may be freed first.
        let ctx = context();
        assert_eq!(pouch_verify_context_add_policy(ctx, policy), POUCH_OK);
        pouch_policy_free(policy);
        assert_eq!(
            pouch_verify_context_set_recipient(ctx, c"NLD".as_ptr(), null(), 0),
            POUCH_OK
        );
        let env = seal_nor(b"r");
        let mut report = null_mut();
        assert_eq!(
            pouch_verify(ctx, env.as_ptr(), env.len(), null(), 0, &mut report),
            POUCH_OK
        );
        assert_eq!(pouch_report_json(report, &mut out), POUCH_OK);
        assert!(take_string(out).contains("\"release\""));
        pouch_report_free(report);
        pouch_verify_context_free(ctx);
    }
}

#[test]
fn endorse_and_features() {
    let env = seal_nor(b"record");
    let key = std::fs::read(vectors("envelopes/pki/DNK/signer-EdDSA.key.pem")).unwrap();
    let chain = std::fs::read(vectors("envelopes/pki/DNK/signer-EdDSA.pem")).unwrap();
    let o = PouchEndorseOptions {
        provider: null(),
        role: null(),
        alg: null(),
        alternative_label: null(),
        alternative_label_len: 0,
        release_to: c"FIN, SWE".as_ptr(),
        signing_time: c"2026-11-28T10:00:00Z".as_ptr(),
    };
    let (mut out, mut len) = (null_mut(), 0usize);
    let mut json = null_mut();
    unsafe {
        let s = pouch_endorse(
            env.as_ptr(),
            env.len(),
            key.as_ptr(),
            key.len(),
            chain.as_ptr(),
            chain.len(),
            &o,
            &mut out,
            &mut len,
        );
        assert_eq!(s, POUCH_OK, "{}", last_message());
        assert_eq!(pouch_inspect(out, len, &mut json), POUCH_OK);
        let j = take_string(json);
        assert!(j.contains("\"releaseTo\":[\"FIN\",\"SWE\"]"), "{j}");
        pouch_bytes_free(out, len);
        assert_eq!(pouch_adapter_features(null(), &mut json), POUCH_OK);
        let f = take_string(json);
        assert!(
            f.starts_with("[\"envelope\"") && f.contains("\"alg:EdDSA\""),
            "{f}"
        );
        assert!(
            CStr::from_ptr(pouch_version())
                .to_str()
                .unwrap()
                .starts_with("0.")
        );
    }
}

/// A record the callback hands out in pieces of at most 1000 bytes, as C code reading a
/// file would.
struct Source {
    data: Vec<u8>,
    at: usize,
    calls: usize,
}

unsafe extern "C" fn read_source(user: *mut std::ffi::c_void, buf: *mut u8, len: usize) -> isize {
    let s = unsafe { &mut *(user as *mut Source) };
    s.calls += 1;
    let n = len.min(1000).min(s.data.len() - s.at);
    unsafe { std::ptr::copy_nonoverlapping(s.data.as_ptr().add(s.at), buf, n) };
    s.at += n;
    n as isize
}

unsafe extern "C" fn read_fails(_: *mut std::ffi::c_void, _: *mut u8, _: usize) -> isize {
    -1
}

/// Verifies the detached `env` with its record read through `read`, and returns the
/// report's exit class.
fn verify_read_class(
    ctx: *mut PouchVerifyContext,
    env: &[u8],
    read: pouch_read_fn,
    user: *mut std::ffi::c_void,
) -> u8 {
    let mut report = null_mut();
    assert_eq!(
        unsafe { pouch_verify_read(ctx, env.as_ptr(), env.len(), read, user, &mut report) },
        POUCH_OK
    );
    let mut class = 99u8;
    assert_eq!(
        unsafe { pouch_report_exit_class(report, &mut class) },
        POUCH_OK
    );
    unsafe { pouch_report_free(report) };
    class
}

#[test]
fn a_detached_record_streams_through_a_read_callback() {
    let record: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    let env = seal_nor_with(&record, true);
    let ctx = context();
    for (data, expect) in [(record.clone(), 0u8), ([&record[1..], b"x"].concat(), 11)] {
        let mut src = Source {
            data,
            at: 0,
            calls: 0,
        };
        let user = (&mut src as *mut Source).cast();
        let class = verify_read_class(ctx, &env, Some(read_source), user);
        assert_eq!(class, expect);
        assert!(src.calls > 50, "read in pieces: {} calls", src.calls);
    }
    let class = verify_read_class(ctx, &env, Some(read_fails), null_mut());
    assert_eq!(class, 11, "a failing read is a payload that does not match");
    let mut report = null_mut();
    assert_ne!(
        unsafe { pouch_verify_read(ctx, env.as_ptr(), env.len(), None, null_mut(), &mut report) },
        POUCH_OK
    );
    unsafe { pouch_verify_context_free(ctx) };
}
