//! Path building with rustls-webpki: which nation's anchor ends the chain, at what time a
//! path exists, revocation against the bundle's CRLs, and webpki's errors as status codes.

use core::time::Duration;

use pouch_status::{self as status, StatusCode};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeId, KeyPurposeIdIter};

/// A status code with an optional human-readable detail.
pub(crate) type Entry = (StatusCode, Option<String>);

/// How often path building moves its time towards the window an error names before giving up.
const TIME_RETRIES: usize = 4;

/// One nation's anchors, parsed once, with each anchor certificate's validity window.
pub(crate) struct NationAnchors {
    pub(crate) anchors: Vec<TrustAnchor<'static>>,
    pub(crate) windows: Vec<(i64, i64)>,
    /// Why each anchor fails the CA profile, if it does (reported when a path ends there).
    pub(crate) defects: Vec<Option<Entry>>,
}

/// A path webpki accepted.
pub(crate) struct Found {
    /// Index of the nation in the bundle.
    pub(crate) nation: usize,
    /// Index of the anchor in the nation's anchors.
    pub(crate) anchor: usize,
    /// The validity window of the anchor that ends the path.
    pub(crate) anchor_window: (i64, i64),
    /// The anchor's failure of the CA profile, if any.
    pub(crate) anchor_defect: Option<Entry>,
    /// The DER of the path's certificates below the anchor, leaf first.
    pub(crate) certs: Vec<Vec<u8>>,
}

/// Everything webpki needs besides the end-entity certificate, for one validation.
pub(crate) struct PathContext<'c> {
    pub(crate) algorithms: &'c [&'c dyn SignatureVerificationAlgorithm],
    pub(crate) nations: &'c [NationAnchors],
    pub(crate) intermediates: &'c [CertificateDer<'c>],
    pub(crate) purposes: &'c PurposeCheck,
}

/// The extended key usages required of every certificate of the path that has the
/// extension at all: certificates without it (most CAs) pass, the leaf's own profile is
/// checked separately.
pub(crate) struct PurposeCheck {
    /// OID content octets.
    pub(crate) required: Vec<Vec<u8>>,
}

impl ExtendedKeyUsageValidator for PurposeCheck {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        let present = iter.collect::<Result<Vec<KeyPurposeId<'_>>, webpki::Error>>()?;
        if present.is_empty()
            || self
                .required
                .iter()
                .all(|oid| present.contains(&KeyPurposeId::new(oid)))
        {
            return Ok(());
        }
        #[allow(deprecated)] // the context variant needs a 'static OID
        Err(webpki::Error::RequiredEkuNotFound)
    }
}

pub(crate) fn unix_time(seconds: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

impl PathContext<'_> {
    /// One webpki run against one nation's anchors.
    fn verify(
        &self,
        ee: &EndEntityCert<'_>,
        nation: usize,
        time: UnixTime,
    ) -> Result<Found, webpki::Error> {
        let anchors = self
            .nations
            .get(nation)
            .ok_or(webpki::Error::UnknownIssuer)?;
        let path = ee.verify_for_usage(
            self.algorithms,
            &anchors.anchors,
            self.intermediates,
            time,
            self.purposes,
            None,
            None,
        )?;
        let anchor = path.anchor();
        let index = anchors
            .anchors
            .iter()
            .position(|a| {
                a.subject == anchor.subject
                    && a.subject_public_key_info == anchor.subject_public_key_info
            })
            .unwrap_or(0);
        let mut certs = vec![path.end_entity().der().to_vec()];
        certs.extend(path.intermediate_certificates().map(|c| c.der().to_vec()));
        Ok(Found {
            nation,
            anchor: index,
            anchor_window: anchors
                .windows
                .get(index)
                .copied()
                .unwrap_or((i64::MIN, i64::MAX)),
            anchor_defect: anchors.defects.get(index).cloned().flatten(),
            certs,
        })
    }

    /// The first nation whose anchor ends a path valid at `time`; failing that, the first
    /// whose anchor ends a path valid at some other time (moving towards the windows the
    /// errors name), so that the path and its window do not depend on the signing time.
    pub(crate) fn find(
        &self,
        ee: &EndEntityCert<'_>,
        time: UnixTime,
    ) -> Result<Found, webpki::Error> {
        let mut first_errors = Vec::with_capacity(self.nations.len());
        for (nation, anchors) in self.nations.iter().enumerate() {
            if anchors.anchors.is_empty() {
                first_errors.push(webpki::Error::UnknownIssuer);
                continue;
            }
            match self.verify(ee, nation, time) {
                Ok(found) => return Ok(found),
                Err(err) => first_errors.push(err),
            }
        }
        let mut best = webpki::Error::UnknownIssuer;
        for (nation, err) in first_errors.into_iter().enumerate() {
            let mut err = err;
            let mut at = time;
            for _ in 0..TIME_RETRIES {
                at = match &err {
                    webpki::Error::CertExpired { not_after, .. } if *not_after < at => *not_after,
                    webpki::Error::CertNotValidYet { not_before, .. } if *not_before > at => {
                        *not_before
                    }
                    _ => break,
                };
                match self.verify(ee, nation, at) {
                    Ok(found) => return Ok(found),
                    Err(next) => err = next,
                }
            }
            if rank(&err) > rank(&best) {
                best = err;
            }
        }
        Err(best)
    }
}

/// How telling an error is when no nation's anchor ends a path: a specific reason beats an
/// expiry, which beats "no issuer found".
fn rank(err: &webpki::Error) -> u8 {
    use webpki::Error as E;
    match err {
        E::UnknownIssuer => 0,
        E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumNameConstraintComparisonsExceeded
        | E::CertDistrusted => 1,
        E::CertExpired { .. } | E::CertNotValidYet { .. } => 2,
        _ => 3,
    }
}

/// The status code for a webpki error that left the chain without a path.
pub(crate) fn entry_for(err: &webpki::Error) -> Entry {
    use webpki::Error as E;
    let code = match err {
        E::BadDer
        | E::BadDerTime
        | E::TrailingData(_)
        | E::UnsupportedCertVersion
        | E::InvalidSerialNumber
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::InvalidCertValidity
        | E::MalformedDnsIdentifier => status::TRUST_CERTIFICATE_MALFORMED,
        E::CaUsedAsEndEntity => status::TRUST_LEAF_IS_CA,
        E::EndEntityUsedAsCa
        | E::PathLenConstraintViolated
        | E::NameConstraintViolation
        | E::MalformedNameConstraint
        | E::InvalidNetworkMaskConstraint
        | E::MaximumPathDepthExceeded => status::TRUST_PATH_CONSTRAINTS,
        E::CertExpired { .. } | E::CertNotValidYet { .. } => status::TRUST_NOT_VALID_AT_SIGNING,
        E::CertRevoked => status::TRUST_REVOKED,
        E::InvalidSignatureForPublicKey
        | E::SignatureAlgorithmMismatch
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            status::TRUST_BAD_CERTIFICATE_SIGNATURE
        }
        #[allow(deprecated)]
        E::UnsupportedSignatureAlgorithm | E::UnsupportedSignatureAlgorithmForPublicKey => {
            status::TRUST_BAD_CERTIFICATE_SIGNATURE
        }
        E::UnsupportedCriticalExtension => status::TRUST_UNKNOWN_CRITICAL_EXTENSION,
        E::EmptyEkuExtension | E::RequiredEkuNotFoundContext(_) => status::TRUST_EXTENDED_KEY_USAGE,
        #[allow(deprecated)]
        E::RequiredEkuNotFound => status::TRUST_EXTENDED_KEY_USAGE,
        E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumNameConstraintComparisonsExceeded => {
            return (
                status::TRUST_NO_PATH,
                Some(format!("path building gave up: {err}")),
            );
        }
        _ => status::TRUST_NO_PATH,
    };
    (code, Some(format!("webpki: {err}")))
}
