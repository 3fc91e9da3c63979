//! Object identifiers: the one `Oid` type of Pouch (RustCrypto `const-oid`'s
//! [`ObjectIdentifier`]) and the identifiers Pouch reads and writes.

pub use const_oid::ObjectIdentifier;

/// The one object identifier type; ESS labels alone keep their own (see `pouch-ess`).
pub type Oid = ObjectIdentifier;

const fn known(dotted: &str) -> Oid {
    ObjectIdentifier::new_unwrap(dotted)
}

/// id-kp-documentSigning (RFC 9336), the default extended key usage of a signer.
pub const KP_DOCUMENT_SIGNING: Oid = known("1.3.6.1.5.5.7.3.36");
/// id-kp-codeSigning (RFC 5280).
pub const KP_CODE_SIGNING: Oid = known("1.3.6.1.5.5.7.3.3");
/// id-kp-emailProtection (RFC 5280).
pub const KP_EMAIL_PROTECTION: Oid = known("1.3.6.1.5.5.7.3.4");

/// id-at-countryName (X.520).
pub const AT_COUNTRY: Oid = known("2.5.4.6");
/// id-at-organizationName.
pub const AT_ORGANIZATION: Oid = known("2.5.4.10");
/// id-at-organizationalUnitName.
pub const AT_ORG_UNIT: Oid = known("2.5.4.11");
/// id-at-commonName.
pub const AT_COMMON_NAME: Oid = known("2.5.4.3");

/// subjectKeyIdentifier (RFC 5280 §4.2.1.2).
pub const EXT_SUBJECT_KEY_ID: Oid = known("2.5.29.14");
/// keyUsage (RFC 5280 §4.2.1.3).
pub const EXT_KEY_USAGE: Oid = known("2.5.29.15");
/// subjectAltName (RFC 5280 §4.2.1.6).
pub const EXT_SUBJECT_ALT_NAME: Oid = known("2.5.29.17");
/// basicConstraints (RFC 5280 §4.2.1.9).
pub const EXT_BASIC_CONSTRAINTS: Oid = known("2.5.29.19");
/// cRLNumber (RFC 5280 §5.2.3).
pub const EXT_CRL_NUMBER: Oid = known("2.5.29.20");
/// nameConstraints (RFC 5280 §4.2.1.10).
pub const EXT_NAME_CONSTRAINTS: Oid = known("2.5.29.30");
/// authorityKeyIdentifier (RFC 5280 §4.2.1.1).
pub const EXT_AUTHORITY_KEY_ID: Oid = known("2.5.29.35");
/// extKeyUsage (RFC 5280 §4.2.1.12).
pub const EXT_EXT_KEY_USAGE: Oid = known("2.5.29.37");

/// id-ecPublicKey (RFC 5480).
pub const EC_PUBLIC_KEY: Oid = known("1.2.840.10045.2.1");
/// secp256r1.
pub const SECP256R1: Oid = known("1.2.840.10045.3.1.7");
/// secp384r1.
pub const SECP384R1: Oid = known("1.3.132.0.34");
/// secp521r1.
pub const SECP521R1: Oid = known("1.3.132.0.35");
/// rsaEncryption (RFC 8017).
pub const RSA_ENCRYPTION: Oid = known("1.2.840.113549.1.1.1");
/// ecdsa-with-SHA256 (RFC 5758).
pub const ECDSA_SHA256: Oid = known("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384.
pub const ECDSA_SHA384: Oid = known("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512.
pub const ECDSA_SHA512: Oid = known("1.2.840.10045.4.3.4");
/// id-Ed25519 (RFC 8410).
pub const ED25519: Oid = known("1.3.101.112");
/// id-RSASSA-PSS (RFC 4055).
pub const RSASSA_PSS: Oid = known("1.2.840.113549.1.1.10");
/// id-mgf1 (RFC 4055).
pub const MGF1: Oid = known("1.2.840.113549.1.1.8");
/// id-sha256.
pub const SHA256: Oid = known("2.16.840.1.101.3.4.2.1");
/// id-ml-dsa-44 (RFC 9881).
pub const ML_DSA_44: Oid = known("2.16.840.1.101.3.4.3.17");
/// id-ml-dsa-65.
pub const ML_DSA_65: Oid = known("2.16.840.1.101.3.4.3.18");
/// id-ml-dsa-87.
pub const ML_DSA_87: Oid = known("2.16.840.1.101.3.4.3.19");
