//! PKIs made by the `openssl` command at test time, the way national CAs make them (RSA
//! PKCS#1 v1.5, ECDSA with OpenSSL's default SHA-256 on every curve, `openssl ca` CRLs),
//! validated by Pouch and by `openssl verify`, which must agree (issue 14, item 9;
//! POUCH-TRUST-003, 004, 030, 031). Without `openssl` on the PATH every test says so and
//! passes without checking anything.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use pouch_crypto::CryptoProvider;
use pouch_status::{self as status, StatusCode};
use pouch_trust::{ChainValidator, ChainVerdict, Revocation, TrustBundle, TrustedNation};

fn providers() -> [&'static CryptoProvider; 2] {
    [
        &pouch_crypto_awslc::PROVIDER,
        &pouch_crypto_rustcrypto::PROVIDER,
    ]
}

/// Whether `openssl` runs; if not, the caller returns after saying so.
fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: the `openssl` command is not on the PATH; these checks did not run");
    }
    ok
}

/// A scratch directory for one test, removed afterwards.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("pouch-trust-openssl-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    fn write(&self, name: &str, text: &str) -> String {
        fs::write(self.0.join(name), text).unwrap();
        self.path(name)
    }

    fn der(&self, pem_name: &str, label: &str) -> Vec<u8> {
        let text = fs::read(self.0.join(pem_name)).unwrap();
        pouch_crypto::keys::pem_decode(&text, label).unwrap()
    }

    /// Runs openssl in this directory; panics with its stderr on failure.
    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `openssl verify`: whether it accepts `leaf` with `root` as the only anchor.
    fn openssl_verify(&self, root: &str, untrusted: &[&str], crls: &[&str], leaf: &str) -> bool {
        let mut args = vec!["verify".to_owned(), "-CAfile".to_owned(), self.path(root)];
        if !untrusted.is_empty() {
            let bundle: String = untrusted
                .iter()
                .map(|u| fs::read_to_string(self.0.join(u)).unwrap())
                .collect();
            args.push("-untrusted".to_owned());
            args.push(self.write("untrusted-all.pem", &bundle));
        }
        if !crls.is_empty() {
            let all: String = crls
                .iter()
                .map(|c| fs::read_to_string(self.0.join(c)).unwrap())
                .collect();
            args.extend(["-crl_check_all".to_owned(), "-CRLfile".to_owned()]);
            args.push(self.write("crls-all.pem", &all));
        }
        args.push(self.path(leaf));
        Command::new("openssl")
            .args(&args)
            .current_dir(&self.0)
            .output()
            .unwrap()
            .status
            .success()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The extensions of each profile, as an openssl config file.
const EXTENSIONS: &str = "\
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ca_pathlen0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// An `openssl genpkey` algorithm spec.
#[derive(Clone, Copy)]
enum Key {
    Rsa2048,
    P256,
    P384,
}

impl Key {
    fn args(self) -> Vec<&'static str> {
        match self {
            Key::Rsa2048 => vec!["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            Key::P256 => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            Key::P384 => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        }
    }
}

impl Dir {
    fn key(&self, name: &str, key: Key) {
        let out = format!("{name}.key");
        let mut args = vec!["genpkey"];
        args.extend(key.args());
        args.extend(["-out", &out]);
        self.openssl(&args);
    }

    /// A self-signed root `name` (profile `ext`), signed with `digest`.
    fn root(&self, name: &str, key: Key, digest: &str, ext: &str) {
        self.key(name, key);
        self.self_signed(name, name, "3650", &[&format!("-{digest}")], ext);
    }

    /// A self-signed certificate `name` with the key `name.key` and the common name `cn`
    /// (profile `ext`), valid for `days`, with `more` openssl arguments (a digest).
    fn self_signed(&self, name: &str, cn: &str, days: &str, more: &[&str], ext: &str) {
        let conf = self.write("ext.cnf", EXTENSIONS);
        let (key, out, subj) = (
            format!("{name}.key"),
            format!("{name}.pem"),
            format!("/C=NO/O=Test/CN={cn}"),
        );
        let mut args = vec![
            "req", "-new", "-x509", "-key", &key, "-out", &out, "-days", days, "-subj", &subj,
        ];
        args.extend(more);
        args.extend(["-config", &conf, "-extensions", ext]);
        self.openssl(&args);
    }

    /// A certificate `name` (profile `ext`) issued by `issuer`, signed with `digest`.
    fn issue(&self, name: &str, key: Key, issuer: &str, digest: &str, ext: &str) {
        self.key(name, key);
        let conf = self.write("ext.cnf", EXTENSIONS);
        self.openssl(&[
            "req",
            "-new",
            "-key",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
            "-subj",
            &format!("/C=NO/O=Test/CN={name}"),
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{issuer}.pem"),
            "-CAkey",
            &format!("{issuer}.key"),
            "-CAcreateserial",
            "-out",
            &format!("{name}.pem"),
            "-days",
            "365",
            &format!("-{digest}"),
            "-extfile",
            &conf,
            "-extensions",
            ext,
        ]);
    }

    /// A CRL by `issuer` (signed with its key) revoking the certificates `revoked`, with
    /// lastUpdate and nextUpdate the given days from now (negative: in the past).
    fn crl(&self, out: &str, issuer: &str, revoked: &[&str], days: (i64, i64)) {
        self.crl_with(out, issuer, revoked, days, "");
    }

    /// [`Dir::crl`] with more lines in the CRL extensions section.
    fn crl_with(
        &self,
        out: &str,
        issuer: &str,
        revoked: &[&str],
        (from, to): (i64, i64),
        extensions: &str,
    ) {
        let db = format!("{out}.index");
        let mut index = String::new();
        for r in revoked {
            let text = Command::new("openssl")
                .args([
                    "x509", "-noout", "-serial", "-subject", "-nameopt", "compat", "-in",
                ])
                .arg(self.0.join(format!("{r}.pem")))
                .output()
                .unwrap();
            let text = String::from_utf8(text.stdout).unwrap();
            let serial = text.lines().next().unwrap().trim_start_matches("serial=");
            let subject = text.lines().nth(1).unwrap().trim_start_matches("subject=");
            index += &format!("R\t301231235959Z\t250101000000Z\t{serial}\tunknown\t{subject}\n");
        }
        self.write(&db, &index);
        self.write(&format!("{out}.number"), "1000\n");
        let conf = self.write(
            &format!("{out}.cnf"),
            &format!(
                "[ca]\ndefault_ca = x\n[x]\ndatabase = {db}\ncrlnumber = {out}.number\n\
                 default_md = sha256\ncrl_extensions = crl_ext\n[crl_ext]\n\
                 authorityKeyIdentifier = keyid\n{extensions}"
            ),
        );
        self.openssl(&[
            "ca",
            "-gencrl",
            "-config",
            &conf,
            "-cert",
            &format!("{issuer}.pem"),
            "-keyfile",
            &format!("{issuer}.key"),
            "-out",
            out,
            "-crl_lastupdate",
            &gtime(from),
            "-crl_nextupdate",
            &gtime(to),
        ]);
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `YYYYMMDDHHMMSSZ` for `days` from now (negative: in the past): the text of the DER
/// GeneralizedTime the crate writes.
fn gtime(days: i64) -> String {
    let der = pouch_trust::der::generalized_time(now() + days * 86_400).unwrap();
    // A tag and a one-byte length, then the fifteen characters.
    String::from_utf8(der[2..].to_vec()).unwrap()
}

/// A bundle of one nation, NOR, with the anchor `root` (a PEM file in `dir`), the CRL files
/// `crls` and `revocation`.
fn bundle(dir: &Dir, root: &str, crls: &[&str], revocation: Revocation) -> TrustBundle {
    TrustBundle {
        nations: vec![TrustedNation {
            code: "NOR".to_owned(),
            country: Some("NO".to_owned()),
            anchors: vec![dir.der(&format!("{root}.pem"), "CERTIFICATE")],
            intermediates: Vec::new(),
            crls: crls.iter().map(|c| dir.der(c, "X509 CRL")).collect(),
            revocation,
            authorisations: Vec::new(),
        }],
    }
}

/// A chain to validate: the certificate `leaf`, then the intermediates `untrusted`, under
/// the anchor `root` (each the name of a PEM file in the directory, without `.pem`).
#[derive(Clone, Copy)]
struct Chain<'a> {
    root: &'a str,
    untrusted: &'a [&'a str],
    leaf: &'a str,
}

/// The leaf of [`three_level`] through its intermediate.
const LEAF: Chain<'static> = Chain {
    root: "root",
    untrusted: &["int"],
    leaf: "leaf",
};

/// The verdict of every provider on `chain`, with the bundle's `crls` and `revocation`, at
/// the current time; all must agree.
fn pouch(dir: &Dir, chain: Chain<'_>, crls: &[&str], revocation: Revocation) -> ChainVerdict {
    let bundle = bundle(dir, chain.root, crls, revocation);
    let mut der = vec![dir.der(&format!("{}.pem", chain.leaf), "CERTIFICATE")];
    der.extend(
        chain
            .untrusted
            .iter()
            .map(|u| dir.der(&format!("{u}.pem"), "CERTIFICATE")),
    );
    let t = now();
    let verdicts: Vec<ChainVerdict> = providers()
        .into_iter()
        .map(|p| {
            ChainValidator::new(p, &bundle)
                .unwrap()
                .validate(&der, t, t)
        })
        .collect();
    assert_eq!(verdicts[0], verdicts[1], "the providers disagree");
    verdicts.into_iter().next().unwrap()
}

fn has(verdict: &ChainVerdict, code: StatusCode) -> bool {
    verdict.has(code)
}

/// [`pouch`]'s verdict, after checking that `openssl verify` agrees on `trusted`.
fn agreed(dir: &Dir, chain: Chain<'_>, crls: &[&str], revocation: Revocation) -> ChainVerdict {
    let verdict = pouch(dir, chain, crls, revocation);
    let untrusted_pem: Vec<String> = chain.untrusted.iter().map(|u| format!("{u}.pem")).collect();
    let untrusted_pem: Vec<&str> = untrusted_pem.iter().map(String::as_str).collect();
    let openssl = dir.openssl_verify(
        &format!("{}.pem", chain.root),
        &untrusted_pem,
        crls,
        &format!("{}.pem", chain.leaf),
    );
    assert_eq!(
        verdict.trusted, openssl,
        "Pouch says trusted = {}, openssl verify says {openssl}: {verdict:#?}",
        verdict.trusted
    );
    verdict
}

/// A root, an intermediate `int` and a `leaf` signer in a new directory, each with its key
/// and the digest its issuer signs it with, the root of profile `root_ext`.
fn three_level(tag: &str, root_ext: &str, [root, int, leaf]: [(Key, &str); 3]) -> Dir {
    let d = Dir::new(tag);
    d.root("root", root.0, root.1, root_ext);
    d.issue("int", int.0, "root", int.1, "ca");
    d.issue("leaf", leaf.0, "int", leaf.1, "signer");
    d
}

#[test]
fn rsa_pkcs1_cas_and_ecdsa_with_any_sha2_digest_on_any_curve_are_accepted_as_openssl_accepts_them()
{
    if !have_openssl() {
        return;
    }
    for (tag, keys) in [
        (
            "rsa",
            [
                (Key::Rsa2048, "sha256"),
                (Key::Rsa2048, "sha384"),
                (Key::P256, "sha512"),
            ],
        ),
        // A P-384 root signing with SHA-256 (OpenSSL's default digest), a P-256 CA with
        // SHA-384.
        (
            "ecdsa",
            [
                (Key::P384, "sha256"),
                (Key::P256, "sha256"),
                (Key::P384, "sha384"),
            ],
        ),
    ] {
        let d = three_level(tag, "ca", keys);
        let v = agreed(&d, LEAF, &[], Revocation::BestEffort);
        assert!(v.trusted, "{tag}: {v:#?}");
    }
}

#[test]
fn an_anchor_pathlen_of_zero_refuses_a_sub_ca() {
    if !have_openssl() {
        return;
    }
    let d = three_level("pathlen", "ca_pathlen0", [(Key::P256, "sha256"); 3]);
    let v = agreed(&d, LEAF, &[], Revocation::BestEffort);
    assert!(
        !v.trusted && has(&v, status::TRUST_PATH_CONSTRAINTS),
        "{v:#?}"
    );
    // Directly under that root, a leaf is fine.
    d.issue("leaf0", Key::P256, "root", "sha256", "signer");
    let direct = Chain {
        root: "root",
        untrusted: &[],
        leaf: "leaf0",
    };
    let v = agreed(&d, direct, &[], Revocation::BestEffort);
    assert!(v.trusted, "{v:#?}");
}

/// Root, intermediate and leaf with current CRLs of both CAs, the leaf not revoked; `None`
/// (having said so) without `openssl`.
fn revocation_pki(tag: &str) -> Option<Dir> {
    if !have_openssl() {
        return None;
    }
    let d = three_level(tag, "ca", [(Key::P256, "sha256"); 3]);
    d.crl("root.crl", "root", &[], (-1, 30));
    // Older than the revoking one: OpenSSL uses only the newest CRL of an issuer (two with
    // the same thisUpdate, whichever it meets first, so the clean one can mask the revoking
    // one there); Pouch counts every current one, whatever their order and age.
    d.crl("int-clean.crl", "int", &[], (-2, 30));
    d.crl("int-revokes.crl", "int", &["leaf"], (-1, 30));
    Some(d)
}

#[test]
fn no_crl_can_mask_a_revocation() {
    let Some(d) = revocation_pki("mask") else {
        return;
    };
    // A stale CRL of the intermediate (nextUpdate passed) listed first.
    d.crl("int-stale.crl", "int", &[], (-60, -30));
    // A CRL in the intermediate's name but signed by another key, listed first.
    // (openssl ca will not sign with a key that is not the certificate's, so the other key
    // gets a self-signed certificate with the intermediate's name.)
    d.key("other", Key::P256);
    d.self_signed("other", "int", "30", &[], "ca");
    d.crl("int-forged.crl", "other", &[], (-2, 30));
    for first in ["int-stale.crl", "int-forged.crl", "int-clean.crl"] {
        let crls = [first, "int-revokes.crl", "root.crl"];
        let v = agreed(&d, LEAF, &crls, Revocation::Required);
        assert!(
            !v.trusted && has(&v, status::TRUST_REVOKED),
            "{first}: {v:#?}"
        );
    }
    // Without the revoking CRL, the clean one counts and the leaf is trusted.
    let crls = ["int-stale.crl", "int-clean.crl", "root.crl"];
    let v = agreed(&d, LEAF, &crls, Revocation::Required);
    assert!(v.trusted, "{v:#?}");
}

#[test]
fn a_required_revocation_check_needs_a_current_authentic_crl() {
    let Some(d) = revocation_pki("required") else {
        return;
    };
    d.crl("int-expired.crl", "int", &[], (-60, -30));
    d.crl("int-future.crl", "int", &[], (2, 30));
    for crls in [
        vec!["root.crl"],
        vec!["int-expired.crl", "root.crl"],
        vec!["int-future.crl", "root.crl"],
    ] {
        let v = agreed(&d, LEAF, &crls, Revocation::Required);
        assert!(
            !v.trusted && has(&v, status::TRUST_REVOCATION_UNKNOWN),
            "{crls:?}: {v:#?}"
        );
        // Best effort: the same gap is a warning.
        let v = pouch(&d, LEAF, &crls, Revocation::BestEffort);
        assert!(
            v.trusted && has(&v, status::TRUST_REVOCATION_NOT_CHECKED),
            "{crls:?}: {v:#?}"
        );
    }
}

#[test]
fn a_bundle_may_not_reach_outside_its_directory() {
    let d = Dir::new("outside");
    let inner = d.0.join("bundle");
    fs::create_dir_all(&inner).unwrap();
    let anchor = pouch_testkit_free_anchor();
    fs::write(d.0.join("root.pem"), &anchor).unwrap();
    fs::write(inner.join("root.pem"), &anchor).unwrap();
    let bundle = |anchor: &str, allow: bool| {
        format!(
            "format = 1\n{}[[nation]]\ncode = \"NOR\"\ncountry = \"NO\"\nanchors = [\"{anchor}\"]\n",
            if allow { "allow_outside = true\n" } else { "" }
        )
    };
    let load = |text: String| {
        let path = inner.join("bundle.toml");
        fs::write(&path, text).unwrap();
        pouch_trust::load_bundle(&path)
    };
    assert!(load(bundle("root.pem", false)).is_ok());
    let absolute = d.path("root.pem");
    for escaping in ["../root.pem", absolute.as_str()] {
        let err = load(bundle(escaping, false)).unwrap_err();
        let place = err.place().unwrap();
        assert_eq!(place.field_name(), Some(("anchors", Some(0))), "{err}");
        let fault = err.fault().unwrap().to_string();
        assert!(fault.contains("allow_outside"), "{err}");
        assert!(load(bundle(escaping, true)).is_ok(), "{escaping}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.0.join("root.pem"), inner.join("link.pem")).unwrap();
        let err = load(bundle("link.pem", false)).unwrap_err();
        assert!(
            err.fault()
                .unwrap()
                .to_string()
                .contains("outside the bundle's directory"),
            "{err}"
        );
        assert!(load(bundle("link.pem", true)).is_ok());
    }
}

/// A CA certificate PEM for the bundle tests, from the testkit coalition.
fn pouch_testkit_free_anchor() -> String {
    let nations = pouch_testkit::demo_nations().unwrap();
    let coalition = pouch_testkit::CoalitionSpec::new(
        pouch_crypto::Algorithm::Es256,
        &[pouch_crypto::Algorithm::Es256],
        1_767_225_600,
    )
    .unwrap()
    .build(&pouch_crypto_awslc::PROVIDER, &nations[..1])
    .unwrap();
    coalition.nations()[0].root.certificate.to_pem()
}

#[test]
fn requiring_current_validity_refuses_a_path_expired_since_signing() {
    if !have_openssl() {
        return;
    }
    let d = Dir::new("current");
    d.root("root", Key::P256, "sha256", "ca");
    d.issue("leaf", Key::P256, "root", "sha256", "signer");
    let bundle = bundle(&d, "root", &[], Revocation::BestEffort);
    let chain = vec![d.der("leaf.pem", "CERTIFICATE")];
    let (signed, later) = (now(), now() + 400 * 86_400);
    for p in providers() {
        let lenient = ChainValidator::new(p, &bundle).unwrap();
        let v = lenient.validate(&chain, signed, later);
        assert!(
            v.trusted && v.has(status::TRUST_NOT_VALID_AT_VERIFICATION),
            "{v:#?}"
        );
        let strict = ChainValidator::new(p, &bundle)
            .unwrap()
            .with_require_current_validity(true);
        let v = strict.validate(&chain, signed, later);
        assert!(
            !v.trusted && v.has(status::TRUST_CURRENT_VALIDITY_REQUIRED),
            "{v:#?}"
        );
        // Still valid now: the strict mode changes nothing.
        assert!(strict.validate(&chain, signed, signed).trusted);
    }
}

#[test]
fn delta_partitioned_and_unparsable_crls_are_refused_by_name() {
    let Some(d) = revocation_pki("refused") else {
        return;
    };
    d.crl_with(
        "delta.crl",
        "int",
        &[],
        (-1, 30),
        "2.5.29.27 = critical, DER:02:02:03:E7\n",
    );
    d.crl_with(
        "idp.crl",
        "int",
        &[],
        (-1, 30),
        "issuingDistributionPoint = critical, @idp\n[idp]\n\
         fullname = URI:http://crl.invalid/int.crl\n",
    );
    d.write(
        "garbage.crl",
        "-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n",
    );
    for (file, reason) in [
        ("delta.crl", "delta CRLs are not supported"),
        ("idp.crl", "issuingDistributionPoint"),
        ("garbage.crl", ""),
    ] {
        let bundle = bundle(&d, "root", &["root.crl", file], Revocation::Required);
        for p in providers() {
            let Err(err) = ChainValidator::new(p, &bundle) else {
                panic!("{file} was accepted");
            };
            assert_eq!(
                (
                    err.place().unwrap().nation_code(),
                    err.place().unwrap().field_name()
                ),
                (Some("NOR"), Some(("crls", Some(1)))),
                "{err}"
            );
            let fault = err.fault().unwrap().to_string();
            assert!(fault.contains(reason), "{file}: {err}");
        }
    }
}
