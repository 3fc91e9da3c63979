//! Recipient key encapsulation: the three HPKE suites of spec/10-encryption.md §10.4, keys,
//! and the wrap and unwrap of a content key (draft-ietf-cose-hpke-27 §3.3).

use hpke::aead::AesGcm256;
use hpke::kdf::{HkdfSha256, HkdfSha384, Kdf as KdfTrait};
use hpke::kem::{DhP384HkdfSha384, MlKem1024, XWing};
use hpke::{Deserializable, Kem as KemTrait, OpModeR, OpModeS, Serializable};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::Error;

/// A recipient algorithm (spec/registries/algorithms.toml `[[recipient]]`), in registry order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecipientAlg {
    /// X-Wing (ML-KEM-768 + X25519), HKDF-SHA256, AES-256-GCM; MUST.
    XWing,
    /// DHKEM(P-384, HKDF-SHA384), HKDF-SHA384, AES-256-GCM (`HPKE-1-KE`); MUST.
    P384,
    /// ML-KEM-1024, HKDF-SHA384, AES-256-GCM; SHOULD.
    MlKem1024,
}

impl RecipientAlg {
    /// Every recipient algorithm, in registry order.
    pub const ALL: [RecipientAlg; 3] = [
        RecipientAlg::XWing,
        RecipientAlg::P384,
        RecipientAlg::MlKem1024,
    ];

    /// The COSE `alg` value written in the recipient's protected header.
    pub const fn cose_id(self) -> i64 {
        match self {
            RecipientAlg::XWing => -65611,
            RecipientAlg::P384 => 47,
            RecipientAlg::MlKem1024 => -65612,
        }
    }

    /// The algorithm with this COSE value.
    pub fn from_cose_id(id: i64) -> Option<RecipientAlg> {
        Self::ALL.into_iter().find(|a| a.cose_id() == id)
    }

    /// The registry name.
    pub const fn name(self) -> &'static str {
        match self {
            RecipientAlg::XWing => "HPKE-XWING-KE",
            RecipientAlg::P384 => "HPKE-1-KE",
            RecipientAlg::MlKem1024 => "HPKE-MLKEM1024-KE",
        }
    }

    /// The HPKE KEM, KDF and AEAD identifiers.
    pub fn hpke_ids(self) -> (u16, u16, u16) {
        match self {
            RecipientAlg::XWing => (XWing::KEM_ID, HkdfSha256::KDF_ID, 0x0002),
            RecipientAlg::P384 => (DhP384HkdfSha384::KEM_ID, HkdfSha384::KDF_ID, 0x0002),
            RecipientAlg::MlKem1024 => (MlKem1024::KEM_ID, HkdfSha384::KDF_ID, 0x0002),
        }
    }

    /// Length of the encapsulated key `ek` (the KEM's `Nenc`).
    pub fn enc_len(self) -> usize {
        match self {
            RecipientAlg::XWing => size::<<XWing as KemTrait>::EncappedKey>(),
            RecipientAlg::P384 => size::<<DhP384HkdfSha384 as KemTrait>::EncappedKey>(),
            RecipientAlg::MlKem1024 => size::<<MlKem1024 as KemTrait>::EncappedKey>(),
        }
    }

    /// Length of a public key (`Npk`).
    pub fn public_key_len(self) -> usize {
        match self {
            RecipientAlg::XWing => size::<<XWing as KemTrait>::PublicKey>(),
            RecipientAlg::P384 => size::<<DhP384HkdfSha384 as KemTrait>::PublicKey>(),
            RecipientAlg::MlKem1024 => size::<<MlKem1024 as KemTrait>::PublicKey>(),
        }
    }

    /// Length of a private key as HPKE serializes it (`Nsk`).
    pub fn private_key_len(self) -> usize {
        match self {
            RecipientAlg::XWing => size::<<XWing as KemTrait>::PrivateKey>(),
            RecipientAlg::P384 => size::<<DhP384HkdfSha384 as KemTrait>::PrivateKey>(),
            RecipientAlg::MlKem1024 => size::<<MlKem1024 as KemTrait>::PrivateKey>(),
        }
    }

    /// Whether the KEM resists a quantum adversary.
    pub const fn is_post_quantum(self) -> bool {
        !matches!(self, RecipientAlg::P384)
    }
}

fn size<T: Serializable>() -> usize {
    use hpke::hybrid_array::typenum::Unsigned;
    T::OutputSize::USIZE
}

/// A decoded public key of one of the three KEMs.
#[derive(Clone)]
enum Pk {
    XWing(<XWing as KemTrait>::PublicKey),
    P384(<DhP384HkdfSha384 as KemTrait>::PublicKey),
    MlKem1024(<MlKem1024 as KemTrait>::PublicKey),
}

/// A decoded private key of one of the three KEMs.
#[derive(Clone)]
enum Sk {
    XWing(<XWing as KemTrait>::PrivateKey),
    P384(<DhP384HkdfSha384 as KemTrait>::PrivateKey),
    MlKem1024(<MlKem1024 as KemTrait>::PrivateKey),
}

fn bad_key(alg: RecipientAlg, what: &str, len: usize) -> Error {
    Error::BadKey(format!(
        "{} {what} key of {len} bytes does not decode",
        alg.name()
    ))
}

/// A recipient's public key, decoded once for its KEM.
#[derive(Clone)]
pub struct PublicKey {
    alg: RecipientAlg,
    bytes: Vec<u8>,
    key: Pk,
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "PublicKey({}, {} bytes)",
            self.alg.name(),
            self.bytes.len()
        )
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.alg == other.alg && self.bytes == other.bytes
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// A public key from its HPKE serialization; fails if it does not decode for `alg`.
    pub fn from_bytes(alg: RecipientAlg, bytes: &[u8]) -> Result<PublicKey, Error> {
        let fail = |_| bad_key(alg, "public", bytes.len());
        let key = match alg {
            RecipientAlg::XWing => Pk::XWing(Deserializable::from_bytes(bytes).map_err(fail)?),
            RecipientAlg::P384 => Pk::P384(Deserializable::from_bytes(bytes).map_err(fail)?),
            RecipientAlg::MlKem1024 => {
                Pk::MlKem1024(Deserializable::from_bytes(bytes).map_err(fail)?)
            }
        };
        Ok(PublicKey {
            alg,
            bytes: bytes.to_vec(),
            key,
        })
    }

    /// The recipient algorithm.
    pub fn alg(&self) -> RecipientAlg {
        self.alg
    }

    /// The HPKE serialization.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// A recipient's private key, decoded once for its KEM.
#[derive(Clone)]
pub struct PrivateKey {
    alg: RecipientAlg,
    bytes: Zeroizing<Vec<u8>>,
    key: Sk,
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PrivateKey({})", self.alg.name())
    }
}

impl PrivateKey {
    /// A private key from its HPKE serialization; fails if it does not decode for `alg`.
    pub fn from_bytes(alg: RecipientAlg, bytes: &[u8]) -> Result<PrivateKey, Error> {
        let fail = |_| bad_key(alg, "private", bytes.len());
        let key = match alg {
            RecipientAlg::XWing => Sk::XWing(Deserializable::from_bytes(bytes).map_err(fail)?),
            RecipientAlg::P384 => Sk::P384(Deserializable::from_bytes(bytes).map_err(fail)?),
            RecipientAlg::MlKem1024 => {
                Sk::MlKem1024(Deserializable::from_bytes(bytes).map_err(fail)?)
            }
        };
        Ok(PrivateKey {
            alg,
            bytes: Zeroizing::new(bytes.to_vec()),
            key,
        })
    }

    /// The recipient algorithm.
    pub fn alg(&self) -> RecipientAlg {
        self.alg
    }

    /// The HPKE serialization (secret).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Derives a key pair from input keying material with the KEM's `DeriveKeyPair` (RFC 9180
/// §7.1.3; draft-ietf-hpke-pq for the PQ KEMs): the seeded keys of tests and vectors.
pub fn derive_keypair(alg: RecipientAlg, ikm: &[u8]) -> (PrivateKey, PublicKey) {
    fn parts<K: KemTrait>(ikm: &[u8]) -> (K::PrivateKey, K::PublicKey, Vec<u8>, Vec<u8>) {
        let (sk, pk) = K::derive_keypair(ikm);
        let (skb, pkb) = (sk.to_bytes().to_vec(), pk.to_bytes().to_vec());
        (sk, pk, skb, pkb)
    }
    let (sk, pk, skb, pkb) = match alg {
        RecipientAlg::XWing => {
            let (s, p, a, b) = parts::<XWing>(ikm);
            (Sk::XWing(s), Pk::XWing(p), a, b)
        }
        RecipientAlg::P384 => {
            let (s, p, a, b) = parts::<DhP384HkdfSha384>(ikm);
            (Sk::P384(s), Pk::P384(p), a, b)
        }
        RecipientAlg::MlKem1024 => {
            let (s, p, a, b) = parts::<MlKem1024>(ikm);
            (Sk::MlKem1024(s), Pk::MlKem1024(p), a, b)
        }
    };
    (
        PrivateKey {
            alg,
            bytes: Zeroizing::new(skb),
            key: sk,
        },
        PublicKey {
            alg,
            bytes: pkb,
            key: pk,
        },
    )
}

/// HPKE single-shot `Seal` of `plaintext` (a content key) to `pk` in the base mode, with
/// `info` and empty `aad`: `(ek, ciphertext)`.
pub fn wrap(
    pk: &PublicKey,
    info: &[u8],
    plaintext: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    fn go<K: KemTrait, F: KdfTrait>(
        pk: &K::PublicKey,
        info: &[u8],
        pt: &[u8],
        rng: &mut impl CryptoRng,
    ) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm256, F, K>(
            &OpModeS::Base,
            pk,
            info,
            pt,
            &[],
            rng,
        )
        .map_err(|e| Error::Hpke(e.to_string()))?;
        Ok((enc.to_bytes().to_vec(), ct))
    }
    match &pk.key {
        Pk::XWing(k) => go::<XWing, HkdfSha256>(k, info, plaintext, rng),
        Pk::P384(k) => go::<DhP384HkdfSha384, HkdfSha384>(k, info, plaintext, rng),
        Pk::MlKem1024(k) => go::<MlKem1024, HkdfSha384>(k, info, plaintext, rng),
    }
}

/// HPKE single-shot `Open` in the base mode with `info` and empty `aad`; `None` when it
/// fails (wrong key, changed input).
pub fn unwrap(
    sk: &PrivateKey,
    ek: &[u8],
    info: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    fn go<K: KemTrait, F: KdfTrait>(
        sk: &K::PrivateKey,
        ek: &[u8],
        info: &[u8],
        ct: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let ek = K::EncappedKey::from_bytes(ek).ok()?;
        hpke::single_shot_open::<AesGcm256, F, K>(&OpModeR::Base, sk, &ek, info, ct, &[])
            .ok()
            .map(Zeroizing::new)
    }
    match &sk.key {
        Sk::XWing(k) => go::<XWing, HkdfSha256>(k, ek, info, ciphertext),
        Sk::P384(k) => go::<DhP384HkdfSha384, HkdfSha384>(k, ek, info, ciphertext),
        Sk::MlKem1024(k) => go::<MlKem1024, HkdfSha384>(k, ek, info, ciphertext),
    }
}
