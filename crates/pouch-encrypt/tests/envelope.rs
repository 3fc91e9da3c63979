//! Encrypted envelopes end to end at the format level: every KEM and both payload modes,
//! bad keys and recipients, every single-bit flip, chunk attacks, limits, adding a
//! recipient, determinism (spec/10-encryption.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, SigningKey};
use pouch_encrypt::{
    DEFAULT_CHUNK_SIZE, DecryptError, EncryptRequest, MAX_RECIPIENTS, Plaintext, PrivateKey,
    RecipientAlg, RecipientKey, SeededRng, derive_keypair, recipients,
};
use pouch_envelope::{Envelope, Limits, SealRequest};
use pouch_label::{DateTime, Label};
use pouch_status as status;
use pouch_testkit::{Coalition, CoalitionSpec, Nation};

const NOW: i64 = 1_795_860_000;
const CHUNK: u32 = 4096;

fn provider() -> &'static CryptoProvider {
    pouch_crypto_awslc::provider()
}

fn coalition() -> &'static Coalition {
    static C: OnceLock<Coalition> = OnceLock::new();
    C.get_or_init(|| {
        CoalitionSpec::new(Algorithm::Es384, &[Algorithm::EdDsa], NOW)
            .unwrap()
            .build(provider(), &[Nation::new("NOR", "NO", "Norway").unwrap()])
            .unwrap()
    })
}

fn signing_key() -> Box<dyn SigningKey> {
    let issued = coalition()
        .nation("NOR")
        .unwrap()
        .signer(Algorithm::EdDsa)
        .unwrap();
    issued.signing_key(provider()).unwrap()
}

fn chain() -> Vec<Vec<u8>> {
    let n = coalition().nation("NOR").unwrap();
    vec![
        n.signer(Algorithm::EdDsa)
            .unwrap()
            .certificate
            .der()
            .to_vec(),
        n.intermediate.certificate.der().to_vec(),
    ]
}

fn now() -> DateTime {
    DateTime::from_unix(NOW, 0).unwrap()
}

fn label() -> Label {
    let json =
        br#"{"confidentialityInformation":{"policyIdentifier":"NATO","classification":"SECRET",
      "categories":[{"tagName":"Releasable To","type":"PERMISSIVE","values":["DNK","FIN"]}]},
      "creationDateTime":"2026-11-28T09:15:00Z","reviewDateTime":"2036-11-28T00:00:00Z"}"#;
    Label::from_json(json, &pouch_label::Limits::default()).unwrap()
}

/// A recipient: a seeded key pair and a stand-in certificate (its bytes are only hashed
/// into the kid here; certificate validation is the `pouch` crate's, tested there).
struct Party {
    key: PrivateKey,
    recipient: RecipientKey,
}

fn party(alg: RecipientAlg, name: &str) -> Party {
    let (key, public_key) = derive_keypair(alg, format!("ikm {name} {alg:?}").as_bytes());
    Party {
        key,
        recipient: RecipientKey {
            nation: name.to_owned(),
            certificate: format!("certificate of {name} {alg:?}").into_bytes(),
            public_key,
        },
    }
}

/// Seals `plaintext` to `recipients` under the test label, as NOR's originator.
fn seal_encrypted(
    recipients: &[RecipientKey],
    forced: Vec<String>,
    chunk_size: u32,
    plaintext: Plaintext<'_>,
    seed: &[u8],
) -> Result<Vec<u8>, pouch_encrypt::Error> {
    let key = signing_key();
    let seal = SealRequest::originator(key.as_ref(), chain(), now());
    let label = label();
    let request = EncryptRequest {
        label: &label,
        recipients,
        forced,
        chunk_size,
        id: None,
        created: None,
    };
    pouch_encrypt::seal_encrypted(
        provider(),
        &request,
        plaintext,
        &seal,
        &mut SeededRng::new(seed),
    )
}

fn encrypt(recipients: &[RecipientKey], record: &[u8], seed: &str) -> Vec<u8> {
    let mut data = record;
    let plaintext = Plaintext::Embedded {
        data: &mut data,
        content_type: None,
    };
    seal_encrypted(recipients, Vec::new(), CHUNK, plaintext, seed.as_bytes()).unwrap()
}

/// A clear (not encrypted) envelope with identifier `id`.
fn seal_clear(id: [u8; 16]) -> Vec<u8> {
    let key = signing_key();
    let seal = SealRequest::originator(key.as_ref(), chain(), now());
    let payload = pouch_envelope::Payload::Embedded {
        data: b"clear",
        content_type: None,
    };
    pouch_envelope::seal(provider(), &label(), payload, &seal, Some(id), None).unwrap()
}

/// Opens `env` as `p`, reading a detached ciphertext from `detached` when given.
fn open_detached(env: &[u8], p: &Party, detached: Option<&[u8]>) -> Result<Vec<u8>, DecryptError> {
    let mut out = Vec::new();
    let mut ciphertext = detached;
    pouch_encrypt::open(
        provider(),
        env,
        &Limits::default(),
        &p.key,
        &p.recipient.certificate,
        ciphertext.as_mut().map(|r| r as &mut dyn std::io::Read),
        &mut out,
    )
    .map(|_| out)
}

fn open(env: &[u8], p: &Party) -> Result<Vec<u8>, DecryptError> {
    open_detached(env, p, None)
}

fn code(r: Result<Vec<u8>, DecryptError>) -> status::StatusCode {
    r.expect_err("must not decrypt")
        .code()
        .expect("a status code")
}

fn record(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn every_kem_round_trips_every_chunk_boundary() {
    let c = CHUNK as usize;
    for alg in RecipientAlg::ALL {
        let p = party(alg, "DNK");
        for n in [0, 1, c - 1, c, c + 1, 3 * c + 5] {
            let data = record(n);
            let env = encrypt(std::slice::from_ref(&p.recipient), &data, "rt");
            assert_eq!(open(&env, &p).unwrap(), data, "{alg:?}, {n} bytes");
        }
    }
}

#[test]
fn each_of_several_recipients_opens_and_an_outsider_does_not() {
    let ps: Vec<Party> = RecipientAlg::ALL.iter().map(|a| party(*a, "FIN")).collect();
    let list: Vec<RecipientKey> = ps.iter().map(|p| p.recipient.clone()).collect();
    let data = record(10_000);
    let env = encrypt(&list, &data, "multi");
    for p in &ps {
        assert_eq!(open(&env, p).unwrap(), data);
    }
    // Wrong recipient: a certificate the envelope does not address.
    let outsider = party(RecipientAlg::XWing, "SWE");
    assert_eq!(code(open(&env, &outsider)), status::DECRYPT_NO_RECIPIENT);
    // Wrong key: the addressed certificate, another key of the same KEM.
    for alg in RecipientAlg::ALL {
        let right = ps.iter().find(|p| p.key.alg() == alg).unwrap();
        let wrong = Party {
            key: party(alg, "other").key,
            recipient: right.recipient.clone(),
        };
        assert_eq!(
            code(open(&env, &wrong)),
            status::DECRYPT_UNWRAP_FAILED,
            "{alg:?}"
        );
    }
}

#[test]
fn not_encrypted_envelope_is_named() {
    let env = seal_clear([1; 16]);
    let p = party(RecipientAlg::P384, "DNK");
    assert_eq!(code(open(&env, &p)), status::DECRYPT_NOT_ENCRYPTED);
}

/// Where the seals start: every byte before is body, recipients or payload.
fn seals_start(env: &[u8]) -> usize {
    let decoded = Envelope::decode(env, &Limits::default()).unwrap();
    let sig = decoded.seals()[0].protected_bytes();
    env.windows(sig.len()).position(|w| w == sig).unwrap() - 2
}

#[test]
fn every_single_bit_flip_before_the_seals_fails_with_a_code() {
    // One small recipient keeps this at a few thousand opens.
    let p = party(RecipientAlg::P384, "DNK");
    let data = record(100);
    let env = encrypt(std::slice::from_ref(&p.recipient), &data, "flip");
    let end = seals_start(&env);
    let mut seen = std::collections::BTreeSet::new();
    for byte in 0..end {
        for bit in 0..8 {
            let mut bad = env.clone();
            bad[byte] ^= 1 << bit;
            match open(&bad, &p) {
                Ok(pt) => panic!("flip at {byte}.{bit} decrypted to {} bytes", pt.len()),
                Err(e) => {
                    seen.insert(e.code().expect("a status code").id());
                }
            }
        }
    }
    // The flips reach each part: the decoder, the recipients, the key and the chunks.
    for want in [
        "decrypt.recipients-malformed",
        "decrypt.unwrap-failed",
        "decrypt.chunk-invalid",
        "envelope.malformed",
    ] {
        assert!(seen.contains(want), "no flip gave {want}: {seen:?}");
    }
}

#[test]
fn a_changed_label_fails_decryption_as_well_as_the_seals() {
    let p = party(RecipientAlg::XWing, "DNK");
    let env = encrypt(std::slice::from_ref(&p.recipient), b"record", "label");
    // "SECRET" -> "SECRFT": same length, still a well-formed label.
    let at = env.windows(6).position(|w| w == b"SECRET").unwrap();
    let mut bad = env.clone();
    bad[at + 4] = b'F';
    assert!(Envelope::decode(&bad, &Limits::default()).is_ok());
    assert_eq!(code(open(&bad, &p)), status::DECRYPT_CHUNK_INVALID);
}

fn reencode(env: &[u8], edit: impl FnOnce(&mut Vec<recipients::Recipient>)) -> Vec<u8> {
    let decoded = Envelope::decode(env, &Limits::default()).unwrap();
    let mut list = recipients::decode(decoded.recipients_bytes().unwrap()).unwrap();
    edit(&mut list);
    decoded.to_bytes_with_recipients(&recipients::encode(&list))
}

#[test]
fn kem_ciphertext_of_the_wrong_length_is_malformed_before_any_kem_operation() {
    for alg in RecipientAlg::ALL {
        let p = party(alg, "DNK");
        let env = encrypt(std::slice::from_ref(&p.recipient), b"r", "len");
        for delta in [-1i64, 1] {
            let bad = reencode(&env, |l| {
                let ek = &mut l[0].ek;
                if delta < 0 {
                    ek.pop();
                } else {
                    ek.push(0);
                }
            });
            assert_eq!(code(open(&bad, &p)), status::DECRYPT_RECIPIENTS_MALFORMED);
        }
        let bad = reencode(&env, |l| {
            l[0].ciphertext.pop();
        });
        assert_eq!(code(open(&bad, &p)), status::DECRYPT_RECIPIENTS_MALFORMED);
    }
}

#[test]
fn more_recipients_than_the_limit_are_refused_both_ways() {
    let p = party(RecipientAlg::P384, "DNK");
    let many: Vec<RecipientKey> = (0..=MAX_RECIPIENTS)
        .map(|i| party(RecipientAlg::P384, &format!("N{i:02}")).recipient)
        .collect();
    // Encrypting to 33 is refused.
    let mut data: &[u8] = b"x";
    let plaintext = Plaintext::Embedded {
        data: &mut data,
        content_type: None,
    };
    assert!(matches!(
        seal_encrypted(&many, Vec::new(), DEFAULT_CHUNK_SIZE, plaintext, b"many"),
        Err(pouch_encrypt::Error::Invalid(_))
    ));
    // A crafted envelope with 33 is refused by the decoder.
    let env = encrypt(std::slice::from_ref(&p.recipient), b"r", "limit");
    let bad = reencode(&env, |l| {
        let one = l[0].clone();
        l.extend(std::iter::repeat_n(one, MAX_RECIPIENTS));
    });
    assert_eq!(code(open(&bad, &p)), status::DECRYPT_RECIPIENTS_MALFORMED);
}

/// `by` adds `to` as a recipient of `env`.
fn add_recipient(
    env: &[u8],
    by: &Party,
    to: &Party,
    seed: &[u8],
) -> Result<Vec<u8>, pouch_encrypt::Error> {
    pouch_encrypt::add_recipient(
        env,
        &Limits::default(),
        &by.key,
        &by.recipient.certificate,
        &to.recipient,
        &mut SeededRng::new(seed),
    )
}

#[test]
fn adding_a_recipient_changes_no_sealed_byte() {
    let dnk = party(RecipientAlg::XWing, "DNK");
    let fin = party(RecipientAlg::MlKem1024, "FIN");
    let data = record(9000);
    let env = encrypt(std::slice::from_ref(&dnk.recipient), &data, "add");
    assert_eq!(code(open(&env, &fin)), status::DECRYPT_NO_RECIPIENT);
    let added = add_recipient(&env, &dnk, &fin, b"add").unwrap();
    let (a, b) = (
        Envelope::decode(&env, &Limits::default()).unwrap(),
        Envelope::decode(&added, &Limits::default()).unwrap(),
    );
    assert_eq!(a.body_protected_bytes(), b.body_protected_bytes());
    assert_eq!(a.payload(), b.payload());
    for i in 0..a.seals().len() {
        assert_eq!(a.to_be_signed(i), b.to_be_signed(i));
        assert_eq!(a.seals()[i].signature(), b.seals()[i].signature());
    }
    assert_eq!(open(&added, &fin).unwrap(), data);
    assert_eq!(open(&added, &dnk).unwrap(), data);
    // A key that cannot open the envelope cannot add anyone.
    let outsider = party(RecipientAlg::P384, "SWE");
    assert!(add_recipient(&env, &outsider, &fin, b"x").is_err());
}

#[test]
fn detached_round_trip_and_a_changed_ciphertext() {
    let p = party(RecipientAlg::P384, "DNK");
    let data = record(3 * CHUNK as usize + 17);
    let mut ct = Vec::new();
    let mut input: &[u8] = &data;
    let plaintext = Plaintext::Detached {
        data: &mut input,
        ciphertext: &mut ct,
        digest: DigestAlgorithm::Sha256,
        content_type: None,
        location: None,
    };
    let recipients = [p.recipient.clone()];
    let env = seal_encrypted(
        &recipients,
        vec!["SWE".into()],
        CHUNK,
        plaintext,
        b"detached",
    )
    .unwrap();
    let decoded = Envelope::decode(&env, &Limits::default()).unwrap();
    assert_eq!(
        decoded.header().encryption.as_ref().unwrap().forced,
        ["SWE"]
    );
    let run = |ct: &[u8]| open_detached(&env, &p, Some(ct));
    assert_eq!(run(&ct).unwrap(), data);
    let mut bad = ct.clone();
    bad[5] ^= 1;
    assert_eq!(code(run(&bad)), status::DECRYPT_CHUNK_INVALID);
    assert_eq!(
        code(run(&ct[..ct.len() - 1])),
        status::DECRYPT_CHUNK_INVALID
    );
    let rec = CHUNK as usize + 16;
    assert_eq!(code(run(&ct[..3 * rec])), status::DECRYPT_TRUNCATED);
    assert_eq!(code(run(&[])), status::DECRYPT_TRUNCATED);
}

#[test]
fn seeded_encryption_is_reproducible_byte_for_byte() {
    for alg in RecipientAlg::ALL {
        let p = party(alg, "DNK");
        let a = encrypt(std::slice::from_ref(&p.recipient), b"same", "seed");
        let b = encrypt(std::slice::from_ref(&p.recipient), b"same", "seed");
        let c = encrypt(std::slice::from_ref(&p.recipient), b"same", "other seed");
        assert_eq!(a, b, "{alg:?}");
        assert_ne!(a, c, "{alg:?}");
    }
}

fn with_encryption(enc: pouch_envelope::Encryption) -> Vec<u8> {
    let key = signing_key();
    let seal = SealRequest::originator(key.as_ref(), chain(), now());
    let header = pouch_envelope::EnvelopeHeader {
        version: pouch_envelope::FORMAT_VERSION,
        id: [3; 16],
        created: now(),
        label: label(),
        content: pouch_envelope::Content::Embedded { content_type: None },
        encryption: Some(enc),
    };
    pouch_envelope::seal_prepared(&header, b"ciphertext", Some(&[0x80]), &seal).unwrap()
}

#[test]
fn the_decoder_refuses_encryption_headers_outside_the_rules() {
    let ok = pouch_envelope::Encryption {
        chunk_size: CHUNK,
        commitment: [1; 32],
        forced: vec!["FIN".into(), "SWE".into()],
    };
    assert!(Envelope::decode(&with_encryption(ok.clone()), &Limits::default()).is_ok());
    // POUCH-ENC-010: chunk sizes outside 4096..=1 MiB.
    for chunk_size in [4095, (1 << 20) + 1, 0] {
        let env = with_encryption(pouch_envelope::Encryption {
            chunk_size,
            ..ok.clone()
        });
        let f = Envelope::decode(&env, &Limits::default()).unwrap_err();
        assert_eq!(f.code, status::ENVELOPE_MALFORMED, "{chunk_size}: {f}");
    }
    // POUCH-ENC-012: forced nations sorted and unique, alpha-3.
    for forced in [vec!["SWE", "FIN"], vec!["FIN", "FIN"], vec!["fin"]] {
        let env = with_encryption(pouch_envelope::Encryption {
            forced: forced.iter().map(|s| s.to_string()).collect(),
            ..ok.clone()
        });
        let f = Envelope::decode(&env, &Limits::default()).unwrap_err();
        assert_eq!(f.code, status::ENVELOPE_MALFORMED, "{forced:?}: {f}");
    }
}

#[test]
fn recipients_on_a_clear_envelope_are_an_unprotected_header_fault() {
    // POUCH-ENC-002: "pouch-recipients" only when the envelope header declares encryption.
    let clear = seal_clear([2; 16]);
    let p = party(RecipientAlg::P384, "DNK");
    let enc = encrypt(std::slice::from_ref(&p.recipient), b"x", "r");
    let recipients = Envelope::decode(&enc, &Limits::default())
        .unwrap()
        .recipients_bytes()
        .unwrap()
        .to_vec();
    let bad = Envelope::decode(&clear, &Limits::default())
        .unwrap()
        .to_bytes_with_recipients(&recipients);
    let f = Envelope::decode(&bad, &Limits::default()).unwrap_err();
    assert_eq!(f.code, status::ENVELOPE_UNPROTECTED_HEADER_NOT_EMPTY, "{f}");
}
