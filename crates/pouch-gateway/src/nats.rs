//! Connecting, creating the streams and the consumer, publishing envelopes into the inbound
//! stream, and reading a stream back (for operators, the two-domain script and the tests).

use std::path::Path;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use bytes::Bytes;
use futures_util::future::join_all;

use crate::{Config, Error};

/// Connects to the configured server, retrying the first connection, reconnecting for ever.
pub async fn connect(config: &Config) -> Result<async_nats::Client, Error> {
    let mut opts = async_nats::ConnectOptions::new()
        .name(&config.nats.name)
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(5));
    if let Some(creds) = &config.nats.credentials {
        opts = opts
            .credentials_file(creds)
            .await
            .map_err(|source| Error::Io {
                path: creds.display().to_string(),
                source,
            })?;
    }
    opts.connect(config.nats.url.as_str())
        .await
        .map_err(|e| Error::nats("connect", e))
}

/// The JetStream context the gateway publishes with: acks awaited within the configured
/// time-out.
pub(crate) fn context(config: &Config, client: async_nats::Client) -> jetstream::Context {
    jetstream::ContextBuilder::new()
        .ack_timeout(Duration::from_secs(config.limits.publish_timeout_secs))
        .timeout(Duration::from_secs(config.limits.publish_timeout_secs))
        .build(client)
}

/// Creates (or leaves as they are) the inbound, partner, audit and quarantine streams and
/// the durable pull consumer. Idempotent; an existing stream is not changed.
pub async fn setup(config: &Config) -> Result<(), Error> {
    let client = connect(config).await?;
    let js = context(config, client.clone());
    let dup = Duration::from_secs(config.streams.duplicate_window_secs);
    let base = |name: &str, subjects: Vec<String>| stream::Config {
        name: name.to_owned(),
        subjects,
        duplicate_window: dup,
        max_message_size: config.streams.max_message_bytes,
        storage: stream::StorageType::File,
        ..Default::default()
    };
    let mut inbound = base(&config.inbound.stream, config.inbound.subjects.clone());
    if !config.inbound.sources.is_empty() {
        inbound.sources = Some(
            config
                .inbound
                .sources
                .iter()
                .map(|s| stream::Source {
                    name: s.stream.clone(),
                    external: Some(stream::External {
                        api_prefix: format!("$JS.{}.API", s.domain),
                        delivery_prefix: None,
                    }),
                    ..Default::default()
                })
                .collect(),
        );
    }
    let mut streams = vec![
        inbound,
        base(
            &config.audit.stream,
            vec![format!("{}.>", config.audit.subject)],
        ),
        base(
            &config.quarantine.stream,
            vec![config.quarantine.subject.clone()],
        ),
    ];
    for p in &config.partners {
        streams.push(base(&p.stream, vec![p.subject.clone()]));
    }
    for s in streams {
        let name = s.name.clone();
        js.get_or_create_stream(s)
            .await
            .map_err(|e| Error::nats(&format!("creating stream {name}"), e))?;
    }
    let inbound = js
        .get_stream(&config.inbound.stream)
        .await
        .map_err(|e| Error::nats("inbound stream", e))?;
    inbound
        .get_or_create_consumer(
            &config.inbound.consumer,
            consumer::pull::Config {
                durable_name: Some(config.inbound.consumer.clone()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(config.inbound.ack_wait_secs),
                max_ack_pending: config.inbound.max_ack_pending,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| Error::nats("creating the consumer", e))?;
    client.flush().await.map_err(|e| Error::nats("flush", e))?;
    Ok(())
}

/// Publishes each item to `subject` with `Nats-Msg-Id` = its SHA-256 (so publishing the same
/// bytes twice stores them once), up to 256 acks in flight; with `rate`, paced at that many
/// messages per second. Returns (stored, duplicates).
pub async fn publish_envelopes(
    config: &Config,
    subject: &str,
    items: impl IntoIterator<Item = Vec<u8>>,
) -> Result<(u64, u64), Error> {
    publish_paced(config, subject, items, None).await
}

/// [`publish_envelopes`], paced at `rate` messages per second when given.
pub async fn publish_paced(
    config: &Config,
    subject: &str,
    items: impl IntoIterator<Item = Vec<u8>>,
    rate: Option<f64>,
) -> Result<(u64, u64), Error> {
    let started = tokio::time::Instant::now();
    let client = connect(config).await?;
    let js = context(config, client);
    let provider = pouch_crypto_awslc::provider();
    let sha = provider
        .digest(pouch::DigestAlgorithm::Sha256)
        .ok_or_else(|| Error::Nats("no SHA-256".into()))?;
    let (mut stored, mut dups) = (0u64, 0u64);
    let mut pending = Vec::new();
    let drain = async |pending: &mut Vec<jetstream::context::PublishAckFuture>| {
        let mut n = (0u64, 0u64);
        for r in join_all(pending.drain(..).map(std::future::IntoFuture::into_future)).await {
            let ack = r.map_err(|e| Error::nats("publish ack", e))?;
            if ack.duplicate { n.1 += 1 } else { n.0 += 1 }
        }
        Ok::<_, Error>(n)
    };
    for (i, item) in items.into_iter().enumerate() {
        if let Some(r) = rate.filter(|r| *r > 0.0) {
            tokio::time::sleep_until(started + Duration::from_secs_f64(i as f64 / r)).await;
        }
        let mut h = sha.start();
        h.update(&item);
        let id = crate::snapshot::hex(&h.finish());
        let fut = js
            .send_publish(
                subject.to_owned(),
                jetstream::message::PublishMessage::build()
                    .payload(Bytes::from(item))
                    .message_id(id),
            )
            .await
            .map_err(|e| Error::nats("publish", e))?;
        pending.push(fut);
        if pending.len() >= 256 {
            let (s, d) = drain(&mut pending).await?;
            stored += s;
            dups += d;
        }
    }
    let (s, d) = drain(&mut pending).await?;
    Ok((stored + s, dups + d))
}

/// One message of a stream, as stored.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    /// Its sequence in the stream.
    pub sequence: u64,
    /// Its subject.
    pub subject: String,
    /// `Nats-Msg-Id`, when it had one.
    pub msg_id: Option<String>,
    /// Its other headers, by name (first value).
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub payload: Bytes,
}

/// Every message of a stream, in sequence order (deleted sequences skipped), read with the
/// stream-get API that every 2.9 server has; `limit` bounds how many.
pub async fn read_stream(
    client: &async_nats::Client,
    stream_name: &str,
    limit: u64,
) -> Result<Vec<StoredMessage>, Error> {
    let js = jetstream::new(client.clone());
    let mut s = js
        .get_stream(stream_name)
        .await
        .map_err(|e| Error::nats(&format!("stream {stream_name}"), e))?;
    let info = s
        .info()
        .await
        .map_err(|e| Error::nats(&format!("stream {stream_name} info"), e))?;
    let (first, last) = (info.state.first_sequence, info.state.last_sequence);
    let mut out = Vec::new();
    if info.state.messages == 0 {
        return Ok(out);
    }
    let last = last.min(first.saturating_add(limit.saturating_sub(1)));
    let mut seq = first;
    while seq <= last {
        let end = (seq + 255).min(last);
        let got = join_all((seq..=end).map(|n| s.get_raw_message(n))).await;
        for (n, r) in (seq..=end).zip(got) {
            match r {
                Ok(m) => {
                    let mut msg_id = None;
                    let mut headers = Vec::new();
                    for (name, values) in m.headers.iter() {
                        let v = values.first().map(|v| v.as_str().to_owned());
                        if name.to_string() == "Nats-Msg-Id" {
                            msg_id = v;
                        } else if let Some(v) = v {
                            headers.push((name.to_string(), v));
                        }
                    }
                    out.push(StoredMessage {
                        sequence: m.sequence,
                        subject: m.subject.to_string(),
                        msg_id,
                        headers,
                        payload: m.payload,
                    });
                }
                // A deleted or purged sequence: nothing there.
                Err(e) if e.kind() == stream::RawMessageErrorKind::NoMessageFound => {}
                Err(e) => return Err(Error::nats(&format!("{stream_name} #{n}"), e)),
            }
        }
        seq = end + 1;
    }
    Ok(out)
}

/// Reads a file of envelopes: a CBOR sequence when it ends in `.cborseq`, else one envelope.
pub fn read_items(path: &Path, max_bytes: usize) -> Result<Vec<Vec<u8>>, Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    if path.extension().is_some_and(|e| e == "cborseq") {
        let f = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
        let mut out = Vec::new();
        for item in pouch_cbor::SequenceReader::new(f, max_bytes, 64) {
            match item {
                Ok(item) => out.push(item.bytes),
                Err(e) => {
                    return Err(Error::Config {
                        path: path.display().to_string(),
                        detail: format!("item {}: {e}", out.len()),
                    });
                }
            }
        }
        return Ok(out);
    }
    Ok(vec![std::fs::read(path).map_err(io)?])
}
