//! A v2 certificate revocation list builder (RFC 5280 section 5), for test PKIs and
//! `pouch pki demo`.

use pouch_crypto::{CryptoProvider, SigningKey};

use pouch_trust::der;
use pouch_trust::{Error, Oid, signature_algorithm_identifier, signature_to_x509};

use crate::{Certificate, key_identifier};

/// Builds and signs a CRL issued by `issuer` (whose private key is `issuer_key`) that
/// revokes the certificates with the serial numbers `revoked_serials` (big-endian unsigned
/// magnitudes, as [`pouch_trust::certificate_serial`] gives them), each as of `this_update`.
///
/// The CRL carries the extensions webpki requires: authorityKeyIdentifier (the issuer's key
/// identifier) and cRLNumber, which is `this_update` itself so that later CRLs number
/// higher. Times are Unix seconds.
pub fn build_crl(
    provider: &CryptoProvider,
    issuer: &Certificate,
    issuer_key: &dyn SigningKey,
    revoked_serials: &[&[u8]],
    this_update: i64,
    next_update: i64,
) -> Result<Vec<u8>, Error> {
    if issuer_key.public_key_spki() != issuer.subject_public_key_info() {
        return Err(Error::IssuerKeyMismatch);
    }
    if next_update < this_update {
        return Err(Error::InvalidValidity {
            not_before: this_update,
            not_after: next_update,
        });
    }
    let crl_number = u64::try_from(this_update).map_err(|_| Error::TimeOutOfRange(this_update))?;
    let alg = issuer_key.algorithm();
    let alg_id = signature_algorithm_identifier(alg)?;
    let this_update_der = der::x509_time(this_update)?;

    let entries: Vec<Vec<u8>> = revoked_serials
        .iter()
        .map(|serial| der::sequence(&[&der::unsigned_integer(serial), &this_update_der]))
        .collect();
    let entry_refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    // revokedCertificates is left out, not written empty, when nothing is revoked.
    let revoked = if entries.is_empty() {
        Vec::new()
    } else {
        der::sequence(&entry_refs)
    };

    // The key identifier as certificates of this crate compute it, from the issuer's key.
    let key_id = key_identifier(provider, issuer.subject_public_key_info())?;
    let aki = der::sequence(&[&der::implicit(0, false, &key_id)]);
    let crl_number_oid = pouch_crypto::oid::EXT_CRL_NUMBER;
    let extensions = der::sequence(&[
        &extension(&pouch_crypto::oid::EXT_AUTHORITY_KEY_ID, &aki),
        &extension(&crl_number_oid, &der::integer_u64(crl_number)),
    ]);
    let tbs = der::sequence(&[
        &der::integer_u64(1), // v2
        &alg_id,
        &issuer.subject().to_der(),
        &this_update_der,
        &der::x509_time(next_update)?,
        &revoked,
        &der::explicit(0, &extensions),
    ]);
    let signature = signature_to_x509(alg, &issuer_key.sign(&tbs)?)?;
    Ok(der::sequence(&[
        &tbs,
        &alg_id,
        &der::bit_string(0, &signature),
    ]))
}

/// A non-critical extension.
fn extension(oid: &Oid, value: &[u8]) -> Vec<u8> {
    der::sequence(&[&der::oid(oid), &der::octet_string(value)])
}
