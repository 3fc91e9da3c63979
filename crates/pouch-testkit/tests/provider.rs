//! Checks with the crypto providers: every certificate's signature verifies under its
//! issuer's key (every algorithm, ML-DSA included), tampering breaks it, and builds with
//! fixed keys regenerate byte for byte where the provider signs deterministically.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// One helper module for the PKI crates' tests (the scratch folder is named per crate).
#[path = "../../pouch-trust/tests/common/mod.rs"]
mod common;
mod support;

use std::collections::BTreeMap;

use common::{NOW, build_spec, coalition, providers};
use pouch_crypto::Algorithm;
use pouch_testkit::{
    CertificateBuilder, CoalitionSpec, Error, Name, Nation, Role, Validity, build_coalition,
    demo_nations,
};
use pouch_trust::{CertificateParts, verify_signature};
use support::written_coalition;

#[test]
fn every_certificate_verifies_under_its_issuer() {
    for (provider, _) in providers() {
        for root in Algorithm::ALL {
            let nations = demo_nations().unwrap();
            let coalition = coalition(provider, &nations[..1], root, &Algorithm::ALL);
            let pki = &coalition.nations()[0];
            let root_cert = &pki.root.certificate;
            let int_cert = &pki.intermediate.certificate;
            let spki = root_cert.subject_public_key_info();
            assert_eq!(
                verify_signature(provider, root_cert.der(), spki).unwrap(),
                root
            );
            assert_eq!(
                verify_signature(provider, int_cert.der(), spki).unwrap(),
                root
            );
            for signer in &pki.signers {
                let alg = verify_signature(
                    provider,
                    signer.certificate.der(),
                    int_cert.subject_public_key_info(),
                );
                assert_eq!(
                    alg.unwrap(),
                    root,
                    "{} signer under {root}",
                    signer.algorithm
                );
                // The signer key signs, and its own scheme verifies (key and cert agree).
                let scheme = provider.signature(signer.algorithm).unwrap();
                let key = scheme.signing_key(&signer.pkcs8).unwrap();
                let sig = key.sign(b"pouch").unwrap();
                scheme
                    .verify(signer.certificate.subject_public_key_info(), b"pouch", &sig)
                    .unwrap();
            }
            // Wrong issuer key: the root key does not verify the signer certificates.
            let signer = &pki.signers[0];
            assert!(verify_signature(provider, signer.certificate.der(), spki).is_err());
        }
    }
}

#[test]
fn tampering_with_the_tbs_breaks_the_signature() {
    for (provider, _) in providers() {
        for alg in Algorithm::ALL {
            let nations = demo_nations().unwrap();
            let coalition = coalition(provider, &nations[..1], alg, &[alg]);
            let pki = &coalition.nations()[0];
            let der = pki.signers[0].certificate.der();
            let parts = CertificateParts::parse(der).unwrap();
            // Flip one bit inside the subject name (the last byte of the CN lies well inside tbs).
            let offset = der.windows(5).position(|w| w == b"Pouch").unwrap() + 2;
            assert!(offset < parts.tbs.len());
            let mut bad = der.to_vec();
            bad[offset] ^= 0x01;
            let issuer = pki.intermediate.certificate.subject_public_key_info();
            assert!(verify_signature(provider, &bad, issuer).is_err(), "{alg}");
            assert!(verify_signature(provider, der, issuer).is_ok(), "{alg}");
        }
    }
}

type Keys = BTreeMap<(String, Role, Algorithm), Vec<u8>>;

fn keys_of(coalition: &pouch_testkit::Coalition) -> Keys {
    let mut keys = Keys::new();
    for pki in coalition.nations() {
        let code = pki.nation.code_alpha3().to_owned();
        keys.insert(
            (code.clone(), Role::Root, pki.root.algorithm),
            pki.root.pkcs8.clone(),
        );
        keys.insert(
            (code.clone(), Role::Intermediate, pki.intermediate.algorithm),
            pki.intermediate.pkcs8.clone(),
        );
        for s in &pki.signers {
            keys.insert((code.clone(), Role::Signer, s.algorithm), s.pkcs8.clone());
        }
    }
    keys
}

#[test]
fn fixed_keys_regenerate_byte_for_byte_when_signing_is_deterministic() {
    for (provider, deterministic) in providers() {
        let nations = demo_nations().unwrap();
        for alg in Algorithm::ALL {
            let spec = CoalitionSpec::new(alg, &[alg], NOW).unwrap();
            let a = build_spec(provider, &spec, &nations);
            let b = build_spec(provider, &spec, &nations);
            assert_eq!(keys_of(&a), keys_of(&b));
            let same = a == b;
            eprintln!("{}: {alg} regenerates identically: {same}", provider.name);
            if deterministic.contains(&alg) {
                assert!(
                    same,
                    "{} signs {alg} deterministically, yet the DER differs",
                    provider.name
                );
            }
            // Whatever the signatures, everything before them is fixed by the inputs.
            for (x, y) in a.nations().iter().zip(b.nations()) {
                for (cx, cy) in [(&x.root, &y.root), (&x.intermediate, &y.intermediate)]
                    .into_iter()
                    .chain(x.signers.iter().zip(&y.signers))
                {
                    let px = CertificateParts::parse(cx.certificate.der()).unwrap();
                    let py = CertificateParts::parse(cy.certificate.der()).unwrap();
                    assert_eq!(px.tbs, py.tbs);
                }
            }
        }
    }
}

#[test]
fn write_to_dir_lays_out_nations_and_chains_leaf_first() {
    let algs = [Algorithm::Es384, Algorithm::MlDsa65];
    let (scratch, coalition) =
        written_coalition("layout", &demo_nations().unwrap(), Algorithm::Es384, &algs);
    for pki in coalition.nations() {
        let dir = scratch.path().join(pki.nation.code_alpha3());
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        assert_eq!(read("root.pem"), pki.root.certificate.to_pem());
        assert_eq!(
            read("intermediate.pem"),
            pki.intermediate.certificate.to_pem()
        );
        for alg in algs {
            let signer = pki.signer(alg).unwrap();
            let chain = read(&format!("signer-{alg}.pem"));
            let leaf = signer.certificate.to_pem();
            assert!(chain.starts_with(&leaf));
            assert_eq!(chain[leaf.len()..], pki.intermediate.certificate.to_pem());
            let key = read(&format!("signer-{alg}.key.pem"));
            assert!(key.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            assert!(key.lines().all(|l| l.len() <= 64));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(dir.join(format!("signer-{alg}.key.pem")))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o077, 0, "key file readable by others");
            }
        }
    }
    let mut names: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["DNK", "NLD", "NOR"]);
}

#[test]
fn builder_rejects_bad_inputs() {
    let (provider, _) = providers()[0];
    assert!(Name::new().country("no").is_err());
    assert!(Name::new().country("NOR").is_err());
    assert!(Name::new().common_name("").is_err());
    assert!(Name::new().common_name(&"x".repeat(65)).is_err());
    assert!(Nation::new("NO", "NO", "Norway").is_err());
    assert!(matches!(
        Validity::new(10, 9),
        Err(Error::InvalidValidity { .. })
    ));

    let scheme = provider.signature(Algorithm::Es256).unwrap();
    let key = scheme
        .signing_key(&scheme.generate_pkcs8().unwrap())
        .unwrap();
    let other = scheme
        .signing_key(&scheme.generate_pkcs8().unwrap())
        .unwrap();
    let name = Name::new()
        .country("NO")
        .unwrap()
        .common_name("Test")
        .unwrap();
    let window = Validity::new(NOW, NOW + 1).unwrap();
    let builder = CertificateBuilder::ca(name.clone(), key.public_key_spki(), window, None);
    assert!(builder.clone().serial(&[0, 0]).is_err());
    assert!(builder.clone().serial(&[0xff; 20]).is_err()); // 21 octets with the sign octet
    assert!(builder.clone().serial(&[0x7f; 20]).is_ok());
    assert!(matches!(
        builder.self_sign(provider, other.as_ref()),
        Err(Error::IssuerKeyMismatch)
    ));
    let root = builder
        .serial(&[1])
        .unwrap()
        .self_sign(provider, key.as_ref())
        .unwrap();
    // A year past 9999 cannot be written.
    let far = Validity::new(NOW, 253_402_300_800).unwrap();
    let leaf = CertificateBuilder::signer(name, other.public_key_spki(), far);
    assert!(matches!(
        leaf.issue(provider, &root, key.as_ref()),
        Err(Error::TimeOutOfRange(_))
    ));
    assert!(matches!(
        leaf.issue(provider, &root, other.as_ref()),
        Err(Error::IssuerKeyMismatch)
    ));
    let dup = [
        Nation::new("NOR", "NO", "Norway").unwrap(),
        Nation::new("NOR", "NO", "Norge").unwrap(),
    ];
    assert!(build_coalition(provider, &dup, Algorithm::Es256, &[Algorithm::Es256], NOW).is_err());
}

#[test]
fn explicit_serial_and_derived_serial_are_positive() {
    let (provider, _) = providers()[0];
    let coalition = build_coalition(
        provider,
        &demo_nations().unwrap(),
        Algorithm::EdDsa,
        &[Algorithm::EdDsa],
        NOW,
    )
    .unwrap();
    for pki in coalition.nations() {
        let der = pki.root.certificate.der();
        // SEQUENCE(cert) SEQUENCE(tbs) [0]{INTEGER 2} INTEGER serial: a 16-octet positive serial.
        let tbs = CertificateParts::parse(der).unwrap().tbs;
        let serial_at =
            2 + if tbs[1] & 0x80 != 0 {
                usize::from(tbs[1] & 0x7f)
            } else {
                0
            } + 5;
        assert_eq!(tbs[serial_at..serial_at + 2], [0x02, 0x10]);
        assert_eq!(tbs[serial_at + 2] & 0xc0, 0x40);
    }
}

#[test]
fn pouch_crypto_keys_reads_back_the_pem_files() {
    // A second reader, written separately in pouch-crypto: PEM chains decode to our DER,
    // the certificate's SPKI is the key's, and the PKCS#8 algorithm is the signer's.
    let (scratch, coalition) = written_coalition(
        "keys",
        &demo_nations().unwrap()[..1],
        Algorithm::Es256,
        &Algorithm::ALL,
    );
    let pki = &coalition.nations()[0];
    for signer in &pki.signers {
        let alg = signer.algorithm;
        let dir = scratch.path().join("NOR");
        let chain = std::fs::read(dir.join(format!("signer-{alg}.pem"))).unwrap();
        let blocks = pouch_crypto::keys::pem_blocks(&chain, "CERTIFICATE").unwrap();
        assert_eq!(
            blocks,
            [signer.certificate.der(), pki.intermediate.certificate.der()]
        );
        let spki = pouch_crypto::keys::spki_of_certificate(&blocks[0]).unwrap();
        assert_eq!(spki, signer.certificate.subject_public_key_info());
        assert_eq!(pouch_crypto::keys::algorithm_of_spki(spki), Some(alg));
        let key = std::fs::read(dir.join(format!("signer-{alg}.key.pem"))).unwrap();
        let pkcs8 = pouch_crypto::keys::pem_decode(&key, "PRIVATE KEY").unwrap();
        assert_eq!(pkcs8, signer.pkcs8);
        assert_eq!(pouch_crypto::keys::algorithm_of_pkcs8(&pkcs8), Some(alg));
    }
}
