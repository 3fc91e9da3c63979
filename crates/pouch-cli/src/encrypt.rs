//! `pouch seal --encrypt-to` and `pouch open` (spec/10-encryption.md).

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use pouch::encryption::{PrivateKey, cert};
use pouch::{CiphertextOut, EncryptionGate, Error, RecipientCert, SealOptions, Signer};
use pouch_crypto::{DigestAlgorithm, keys};
use pouch_label::DateTime;
use pouch_status::ExitClass;

use crate::envelope::{TempOutput, now, read_file, read_label, within_limit, write_output};
use crate::{EXIT_OK, Failure, malformed_input, usage};

/// What `seal --encrypt-to` needs besides the signer.
pub(crate) struct EncryptArgs<'a> {
    pub(crate) to: &'a str,
    pub(crate) recipient_certs: &'a [String],
    pub(crate) trust: Option<&'a Path>,
    pub(crate) policy: Option<&'a Path>,
    pub(crate) force: Option<&'a str>,
    pub(crate) ciphertext: Option<&'a Path>,
}

fn nations(list: &str, what: &str) -> anyhow::Result<Vec<String>> {
    list.split(',')
        .map(|n| {
            let n = n.trim();
            if n.len() == 3 && n.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(n.to_owned())
            } else {
                Err(usage(format_args!(
                    "{what}: {n:?} is not an alpha-3 nation code"
                )))
            }
        })
        .collect()
}

fn chain_pem(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let raw = read_file(path)?;
    let chain = keys::pem_blocks(&raw, "CERTIFICATE")
        .map_err(|e| malformed_input(format_args!("{}: certificate: {e}", path.display())))?;
    if chain.is_empty() {
        return Err(malformed_input(format_args!(
            "{}: no CERTIFICATE block",
            path.display()
        )));
    }
    Ok(chain)
}

/// The exit of a refused recipient: release denied (6) or trust (its class), with the
/// reason.
fn refused(r: &pouch::Refusal) -> anyhow::Error {
    let class = if r.is_release() {
        ExitClass::ReleaseDenied
    } else {
        ExitClass::Trust
    };
    Failure::new(class, format!("not encrypted: {r}")).into()
}

/// `pouch seal --encrypt-to`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal(
    label: &Path,
    signer: &Signer,
    provider: &'static pouch::CryptoProvider,
    detached: bool,
    digest: DigestAlgorithm,
    opts: &SealOptions,
    payload: &Path,
    output: &Path,
    args: &EncryptArgs<'_>,
) -> anyhow::Result<ExitCode> {
    let (Some(trust), Some(policy)) = (args.trust, args.policy) else {
        return Err(usage(
            "--encrypt-to needs --trust (recipients' certificates) and --policy (release)",
        ));
    };
    let label = read_label(label)?;
    let bundle = pouch::load_bundle(trust).map_err(malformed_input)?;
    let policy = pouch::load_policy(policy).map_err(malformed_input)?;
    let to = nations(args.to, "--encrypt-to")?;
    let mut recipients = Vec::new();
    for nation in &to {
        let file = args
            .recipient_certs
            .iter()
            .find_map(|s| s.strip_prefix(nation.as_str()).and_then(|r| r.strip_prefix('=')))
            .ok_or_else(|| {
                usage(format_args!(
                    "--encrypt-to {nation}: give its certificate chain with --recipient-cert {nation}=FILE"
                ))
            })?;
        recipients.push(RecipientCert {
            nation: nation.clone(),
            chain: chain_pem(Path::new(file))?,
        });
    }
    let at = now()?;
    let gate = EncryptionGate::new(provider, &bundle, &policy, at.unix_seconds())
        .map_err(malformed_input)?
        .force(match args.force {
            Some(f) => nations(f, "--force-release")?,
            None => Vec::new(),
        });
    let mut input: Box<dyn Read> = if payload.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(payload)
                .with_context(|| format!("opening {}", payload.display()))?,
        ))
    };
    let result = if detached {
        let ct_path = args
            .ciphertext
            .ok_or_else(|| usage("--detached with --encrypt-to needs --ciphertext FILE"))?;
        let mut file = TempOutput::create(ct_path)?;
        let r = signer.seal_encrypted(
            &label,
            &mut input,
            CiphertextOut::Detached(file.writer()?, digest),
            &recipients,
            &gate,
            opts,
        );
        // The ciphertext is kept only beside an envelope that seals it.
        if r.is_ok() {
            file.flush()?;
            file.commit()?;
        }
        r
    } else {
        signer.seal_encrypted(
            &label,
            &mut input,
            CiphertextOut::Embedded,
            &recipients,
            &gate,
            opts,
        )
    };
    let envelope = match result {
        Ok(e) => e,
        Err(Error::Refused(r)) => return Err(refused(&r)),
        Err(e) => return Err(e.into()),
    };
    write_output(output, &within_limit(envelope)?)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// What `pouch open` needs.
pub(crate) struct OpenArgs<'a> {
    pub(crate) envelope: &'a Path,
    pub(crate) key: &'a Path,
    pub(crate) cert: &'a Path,
    pub(crate) output: &'a Path,
    pub(crate) trust: &'a Path,
    pub(crate) policy: &'a Path,
    pub(crate) ciphertext: Option<&'a Path>,
    pub(crate) at: Option<DateTime>,
    pub(crate) provider: &'static pouch::CryptoProvider,
}

/// `pouch open`: verifies, decides release to the key holder's nation, decrypts into a
/// temporary file and renames it to the output only when every chunk has authenticated.
pub(crate) fn open(a: &OpenArgs<'_>, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let raw = read_file(a.key)?;
    let key: PrivateKey = cert::private_key_from(&raw)
        .map_err(|e| malformed_input(format_args!("{}: {e}", a.key.display())))?;
    let chain = chain_pem(a.cert)?;
    let bundle = pouch::load_bundle(a.trust).map_err(malformed_input)?;
    let policy = pouch::load_policy(a.policy).map_err(malformed_input)?;
    let at = match a.at {
        Some(t) => t,
        None => now()?,
    };
    let nation = pouch::nation_of(a.provider, &bundle, &chain, at).map_err(|r| {
        Failure::new(
            ExitClass::Trust,
            format!(
                "{}: the encryption certificate is not trusted: {r}",
                a.cert.display()
            ),
        )
    })?;
    let verifier = pouch::Verifier::builder(a.provider)
        .trust(bundle)
        .policy(policy)
        .at(at)
        .recipient(pouch::Recipient::new(nation.clone()))
        .build()?;
    let envelope = read_file(a.envelope)?;
    let mut file = TempOutput::create(a.output)?;
    // A detached ciphertext is read twice (verified, then decrypted): opened each time.
    type Reopen<'r> = dyn FnMut() -> std::io::Result<Box<dyn Read>> + 'r;
    let mut reopen = a.ciphertext.map(|p| {
        move || -> std::io::Result<Box<dyn Read>> {
            Ok(Box::new(std::io::BufReader::new(std::fs::File::open(p)?)))
        }
    });
    let opened = pouch::open(
        &verifier,
        &envelope,
        reopen.as_mut().map(|r| r as &mut Reopen<'_>),
        &key,
        chain.first().map(Vec::as_slice).unwrap_or_default(),
        file.writer()?,
    );
    let flushed = file.flush();
    let class = match (&opened.decrypt, &flushed) {
        (Some(Ok(_)), Ok(())) => ExitClass::Valid,
        (None, _) => opened.report.class(),
        (Some(Err(e)), _) => e
            .code()
            .and_then(|c| ExitClass::of_stage(c.stage()))
            .unwrap_or(ExitClass::Io),
        (_, Err(_)) => ExitClass::Io,
    };
    // Plaintext reaches the output's path only when every chunk has authenticated; otherwise
    // the temporary file is removed when `file` is dropped.
    if class == ExitClass::Valid {
        file.commit()?;
    }
    match &opened.decrypt {
        Some(Ok(n)) if class == ExitClass::Valid => writeln!(
            out,
            "{}: verified, releasable to {nation}, {}: {n} bytes written to {}",
            a.envelope.display(),
            pouch_status::DECRYPT_PLAINTEXT_AUTHENTIC.id(),
            a.output.display()
        )?,
        Some(Err(e)) => writeln!(out, "{}: not opened: {e}", a.envelope.display())?,
        _ => writeln!(
            out,
            "{}: not opened: verification or release to {nation} failed (exit {}); nothing written",
            a.envelope.display(),
            class.code()
        )?,
    }
    Ok(ExitCode::from(class.code()))
}
