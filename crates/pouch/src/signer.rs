//! Sealing: a [`Signer`] loaded in one call, and the options of a seal in one struct.

use std::io::Read;
use std::sync::Arc;

use pouch_crypto::{Algorithm, CryptoProvider, DigestAlgorithm, SigningKey, keys};
use pouch_envelope::{ContentType, Limits, Payload, ReleaseApproval, Role, SealRequest};
use pouch_label::{DateTime, Label};

use crate::Error;

/// A sealing party: its private key and certificate chain, owned and cheap to clone.
#[derive(Clone, Debug)]
pub struct Signer {
    pub(crate) provider: &'static CryptoProvider,
    key: Arc<dyn SigningKey>,
    chain: Vec<Vec<u8>>,
}

impl Signer {
    /// Loads a signer in one call: `key` is a private key, PEM or DER, as PKCS#8 or as key
    /// tools also write it (SEC 1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`), whose
    /// algorithm identifier names the algorithm; `chain` is the certificate chain, leaf
    /// first (PEM certificates, or one DER certificate).
    pub fn from_key_and_chain(
        provider: &'static CryptoProvider,
        key: &[u8],
        chain: &[u8],
    ) -> Result<Self, Error> {
        let der = keys::private_key_pkcs8(key).map_err(|e| Error::Key(e.to_string()))?;
        let alg = keys::algorithm_of_pkcs8(&der)
            .ok_or_else(|| Error::Key("not PKCS#8 of a registered algorithm".to_owned()))?;
        Self::with_algorithm(provider, alg, &der, chain)
    }

    /// As [`Signer::from_key_and_chain`], reading the two files.
    pub fn load(
        provider: &'static CryptoProvider,
        key: &std::path::Path,
        chain: &std::path::Path,
    ) -> Result<Self, Error> {
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|source| Error::Io {
                path: p.display().to_string(),
                source,
            })
        };
        Self::from_key_and_chain(provider, &read(key)?, &read(chain)?)
    }

    /// A signer of `alg` from a PKCS#8 DER key (for keys whose identifier does not name
    /// one registered algorithm, e.g. an RSA key for PS256).
    pub fn with_algorithm(
        provider: &'static CryptoProvider,
        alg: Algorithm,
        pkcs8_der: &[u8],
        chain: &[u8],
    ) -> Result<Self, Error> {
        let scheme = provider
            .signature(alg)
            .ok_or_else(|| Error::Key(format!("{} does not implement {alg}", provider.name)))?;
        let key = scheme
            .signing_key(pkcs8_der)
            .map_err(|e| Error::Key(format!("{alg}: {e}")))?;
        let chain = if chain.starts_with(b"-----BEGIN") {
            keys::pem_blocks(chain, "CERTIFICATE")
                .map_err(|e| Error::Certificate(format!("PEM: {e}")))?
        } else if chain.is_empty() {
            Vec::new()
        } else {
            vec![chain.to_vec()]
        };
        let Some(leaf) = chain.first() else {
            return Err(Error::Certificate("no certificate".to_owned()));
        };
        // A key that is not the leaf's would seal envelopes no verifier can accept: refuse
        // it here, naming the mismatch, rather than at every verification.
        let own = key.public_key_spki();
        let certified = keys::spki_of_certificate(leaf)
            .and_then(|spki| keys::spki_public_key(spki, alg))
            .map_err(|e| Error::Certificate(format!("leaf certificate: {e}")))?;
        if keys::spki_public_key(&own, alg).ok() != Some(certified) {
            return Err(Error::Certificate(
                "the leaf certificate's public key is not the private key's".to_owned(),
            ));
        }
        Ok(Self {
            provider,
            key: Arc::from(key),
            chain,
        })
    }

    /// The algorithm of this signer's seals.
    pub fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }

    /// The certificate chain, leaf first, DER.
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    pub(crate) fn request(&self, opts: &SealOptions) -> Result<SealRequest<'_>, Error> {
        Ok(SealRequest {
            key: self.key.as_ref(),
            chain: self.chain.clone(),
            role: opts.role.unwrap_or(Role::Originator),
            signing_time: match opts.signing_time {
                Some(t) => t,
                None => now()?,
            },
            alternative_label: opts.alternative_label.clone(),
            release: opts.release.clone(),
        })
    }

    /// Seals `record` (embedded) under `label`. Refused, with nothing returned, when the
    /// envelope would exceed the envelope limit (POUCH-ENV-081): seal it detached instead.
    pub fn seal(&self, label: &Label, record: &[u8], opts: &SealOptions) -> Result<Vec<u8>, Error> {
        let limit = Limits::default().max_envelope_bytes;
        // The record alone already over the limit: refuse before signing it.
        if record.len() > limit {
            return Err(Error::TooLarge {
                size: record.len(),
                limit,
            });
        }
        let payload = Payload::Embedded {
            data: record,
            content_type: opts.content_type.clone(),
        };
        let out = self.seal_payload(label, payload, opts)?;
        if out.len() > limit {
            return Err(Error::TooLarge {
                size: out.len(),
                limit,
            });
        }
        Ok(out)
    }

    /// Seals a record carried beside the envelope: `record` is streamed through `digest`
    /// in bounded memory, and only its digest is sealed.
    pub fn seal_detached(
        &self,
        label: &Label,
        record: &mut dyn Read,
        digest: DigestAlgorithm,
        opts: &SealOptions,
    ) -> Result<Vec<u8>, Error> {
        let payload = Payload::Detached {
            data: record,
            digest,
            content_type: opts.content_type.clone(),
            location: opts.location.clone(),
        };
        self.seal_payload(label, payload, opts)
    }

    /// Seals `payload` under `label` with this signer and `opts`.
    fn seal_payload(
        &self,
        label: &Label,
        payload: Payload<'_>,
        opts: &SealOptions,
    ) -> Result<Vec<u8>, Error> {
        let request = self.request(opts)?;
        Ok(pouch_envelope::seal(
            self.provider,
            label,
            payload,
            &request,
            None,
            None,
        )?)
    }

    /// Adds this signer's seal to `envelope`, leaving the others untouched. The role
    /// defaults to [`Role::Endorser`].
    pub fn endorse(&self, envelope: &[u8], opts: &SealOptions) -> Result<Vec<u8>, Error> {
        let mut req = self.request(opts)?;
        if opts.role.is_none() {
            req.role = Role::Endorser;
        }
        Ok(pouch_envelope::endorse(envelope, &req, &Limits::default())?)
    }
}

/// How a seal is made. `Default`: the role `originator` (`endorser` for
/// [`Signer::endorse`]), signed now, no content type, no assertion.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SealOptions {
    /// The sealing party's role.
    pub role: Option<Role>,
    /// The signing time to state; `None` is the system clock.
    pub signing_time: Option<DateTime>,
    /// The record's media type.
    pub content_type: Option<ContentType>,
    /// Where recipients may find a detached record (a hint; never fetched).
    pub location: Option<String>,
    /// An alternative label under another policy, asserted by this seal.
    pub alternative_label: Option<Label>,
    /// A release approval, asserted by this seal.
    pub release: Option<ReleaseApproval>,
}

impl SealOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    option_setters! {
        /// Sets the role.
        role: Role;
        /// Sets the signing time.
        signing_time: DateTime;
        /// Sets the content type.
        content_type: ContentType;
        /// Asserts an alternative label.
        alternative_label: Label;
        /// Asserts a release approval.
        release: ReleaseApproval;
    }
}

fn now() -> Result<DateTime, Error> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| Error::Key("the system clock is before 1970".to_owned()))?
        .as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::from_unix(s, 0))
        .ok_or_else(|| Error::Key("the system clock is out of range".to_owned()))
}
