//! The worker loop: pull a batch from the shared durable consumer, decide every message with
//! one snapshot, publish every output and wait for JetStream to store each, and only then
//! acknowledge the inbound message. A crash anywhere before the ack leaves the message for
//! redelivery; the outputs of the redelivery carry the same `Nats-Msg-Id`s, so the server
//! drops the copies it already holds.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, AckKind, consumer::PullConsumer};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::join_all;
use serde_json::json;

use crate::decide::{Decision, Inbound, Output, OutputKind, QuarantineReason, decide, outputs};
use crate::log;
use crate::{Config, Error, Metrics, Snapshot, SnapshotCell};

/// Set by SIGTERM or SIGINT: the loop finishes the batch in hand, then stops.
#[derive(Clone, Debug, Default)]
pub struct Shutdown(Arc<AtomicBool>);

impl Shutdown {
    /// Asks the loop to stop after the batch in hand.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Runs one worker until SIGTERM or SIGINT, with the configuration at `config_path`.
/// `worker` names it in logs and audit records.
pub async fn run(config_path: &Path, worker: String) -> Result<(), Error> {
    let config = Config::load(config_path)?;
    let provider = pouch_crypto_awslc::provider();
    let first = tokio::task::block_in_place(|| Snapshot::load(&config, provider, 1))?;
    log::info(
        "snapshot loaded",
        json!({"generation": 1, "fingerprint": first.fingerprint, "worker": worker}),
    );
    let cell = Arc::new(SnapshotCell::new(first));
    let metrics = Arc::new(Metrics::default());
    metrics.generation.store(1, Ordering::Relaxed);
    let healthy = Arc::new(AtomicBool::new(false));
    if let Some(addr) = config.http.listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Io {
                path: format!("[http] listen {addr}"),
                source,
            })?;
        let local = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        log::info("http endpoint", json!({"listen": local, "worker": worker}));
        tokio::spawn(crate::http::serve(
            listener,
            Arc::clone(&metrics),
            Arc::clone(&healthy),
        ));
    }
    let shutdown = Shutdown::default();
    signals(&shutdown, &config, &cell, &metrics, &worker)?;

    let client = crate::nats::connect(&config).await?;
    let js = crate::nats::context(&config, client.clone());
    let consumer: PullConsumer = js
        .get_consumer_from_stream(&config.inbound.consumer, &config.inbound.stream)
        .await
        .map_err(|e| {
            Error::nats(
                &format!(
                    "consumer {} on stream {} (run `pouch-gateway setup` first)",
                    config.inbound.consumer, config.inbound.stream
                ),
                e,
            )
        })?;
    log::info(
        "worker started",
        json!({"worker": worker, "stream": config.inbound.stream, "consumer": config.inbound.consumer}),
    );
    let wait = Duration::from_millis(config.limits.fetch_wait_ms.max(10));
    // Busy: take what is there now, up to a batch, without waiting (lowest latency). Idle:
    // wait up to `fetch_wait_ms` for the next one message, then go back to taking batches.
    let mut idle = false;
    while !shutdown.requested() {
        healthy.store(
            client.connection_state() == async_nats::connection::State::Connected,
            Ordering::Relaxed,
        );
        // A pull request lost with its server (a restart) is never answered: every wait
        // below is bounded, and what was received before the bound is kept.
        let deadline = tokio::time::Instant::now() + wait + Duration::from_secs(2);
        let pull = async {
            if idle {
                consumer
                    .batch()
                    .max_messages(1)
                    .expires(wait)
                    .messages()
                    .await
            } else {
                consumer
                    .fetch()
                    .max_messages(config.limits.batch)
                    .messages()
                    .await
            }
        };
        let batch = match tokio::time::timeout_at(deadline, pull).await {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => {
                log::warn("pull failed; retrying", json!({"error": e.to_string()}));
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
            Err(_) => {
                log::warn("pull request not answered; retrying", json!({}));
                continue;
            }
        };
        let mut msgs = Vec::new();
        let mut batch = std::pin::pin!(batch);
        loop {
            match tokio::time::timeout_at(deadline, batch.next()).await {
                Ok(Some(Ok(m))) => msgs.push((m, Instant::now())),
                Ok(None) => break,
                Ok(Some(Err(e))) => {
                    log::warn("batch ended early", json!({"error": e.to_string()}));
                    break;
                }
                Err(_) => {
                    log::warn(
                        "pull request not finished in time",
                        json!({"received": msgs.len()}),
                    );
                    break;
                }
            }
        }
        idle = msgs.is_empty();
        if idle {
            continue;
        }
        handle_batch(&config, &js, &cell, &metrics, &worker, msgs).await;
    }
    log::info(
        "stopping: flushing acknowledgements",
        json!({"worker": worker}),
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), client.flush()).await;
    log::info("worker stopped", json!({"worker": worker}));
    Ok(())
}

/// SIGTERM/SIGINT ask for a graceful stop; SIGHUP reloads the bundle and policies now; the
/// files are also polled every `reload_poll_secs`.
fn signals(
    shutdown: &Shutdown,
    config: &Config,
    cell: &Arc<SnapshotCell>,
    metrics: &Arc<Metrics>,
    worker: &str,
) -> Result<(), Error> {
    use tokio::signal::unix::{SignalKind, signal};
    let sig = |k: SignalKind| {
        signal(k).map_err(|source| Error::Io {
            path: "signal handler".into(),
            source,
        })
    };
    let (mut term, mut int, mut hup) = (
        sig(SignalKind::terminate())?,
        sig(SignalKind::interrupt())?,
        sig(SignalKind::hangup())?,
    );
    let s = shutdown.clone();
    let w = worker.to_owned();
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        log::info(
            "shutdown requested; finishing the batch in hand",
            json!({"worker": w}),
        );
        s.request();
    });
    let (config, cell, metrics, w) = (
        config.clone(),
        Arc::clone(cell),
        Arc::clone(metrics),
        worker.to_owned(),
    );
    tokio::spawn(async move {
        let poll = config.verify.reload_poll_secs;
        loop {
            let forced = tokio::select! {
                _ = hup.recv() => true,
                _ = tokio::time::sleep(Duration::from_secs(poll.max(1))), if poll > 0 => false,
            };
            let (c, cl) = (config.clone(), Arc::clone(&cell));
            let r = tokio::task::spawn_blocking(move || cl.reload(&c, forced)).await;
            match r {
                Ok(Ok((snap, true))) => {
                    metrics.reloads.fetch_add(1, Ordering::Relaxed);
                    metrics.generation.store(snap.generation, Ordering::Relaxed);
                    log::info(
                        "snapshot reloaded",
                        json!({"generation": snap.generation, "fingerprint": snap.fingerprint, "forced": forced, "worker": w}),
                    );
                }
                Ok(Ok((_, false))) => {}
                Ok(Err(e)) => {
                    metrics.reload_failures.fetch_add(1, Ordering::Relaxed);
                    log::error(
                        "reload refused; the previous snapshot stays in force",
                        json!({"error": e.to_string(), "worker": w}),
                    );
                }
                Err(e) => log::error("reload task failed", json!({"error": e.to_string()})),
            }
        }
    });
    Ok(())
}

/// Decides the batch on blocking threads, publishes, waits for the stores, acks.
async fn handle_batch(
    config: &Config,
    js: &jetstream::Context,
    cell: &SnapshotCell,
    metrics: &Metrics,
    worker: &str,
    msgs: Vec<(jetstream::Message, Instant)>,
) {
    // One snapshot for the whole batch: no decision sees a half-applied reload.
    let snapshot = cell.current();
    let payloads: Vec<Bytes> = msgs.iter().map(|(m, _)| m.payload.clone()).collect();
    let decisions = decide_all(&snapshot, &payloads, config.limits.threads).await;

    let mut sent = Vec::with_capacity(msgs.len());
    for ((m, _), (bytes, decision)) in msgs.iter().zip(payloads.iter().zip(&decisions)) {
        let Some(decision) = decision else {
            sent.push(None);
            continue;
        };
        let inbound = match m.info() {
            Ok(i) => {
                if i.delivered > 1 {
                    metrics.redeliveries.fetch_add(1, Ordering::Relaxed);
                }
                Inbound {
                    stream: i.stream.to_owned(),
                    sequence: i.stream_sequence,
                    delivered: i.delivered,
                    published_unix_ns: i.published.unix_timestamp_nanos(),
                }
            }
            Err(_) => Inbound::default(),
        };
        let outs = outputs(config, &snapshot, worker, &inbound, bytes, decision);
        let mut futs = Vec::with_capacity(outs.len());
        let mut ok = true;
        for o in outs {
            match publish(js, &o).await {
                Ok(f) => futs.push(f),
                Err(e) => {
                    metrics.publish_failures.fetch_add(1, Ordering::Relaxed);
                    log::warn(
                        "publish failed",
                        json!({"subject": o.subject, "msg_id": o.msg_id, "error": e}),
                    );
                    ok = false;
                    break;
                }
            }
        }
        sent.push(ok.then_some(futs));
    }
    // Every store of the batch is awaited together; a message is acked only when all of
    // its own were acknowledged.
    let acks = join_all(sent.into_iter().map(|futs| async move {
        match futs {
            None => None,
            Some(futs) => {
                Some(join_all(futs.into_iter().map(std::future::IntoFuture::into_future)).await)
            }
        }
    }))
    .await;
    for (((m, received), decision), acks) in msgs.iter().zip(&decisions).zip(acks) {
        let stored = acks.is_some_and(|acks| {
            let mut all = true;
            for a in acks {
                match a {
                    Ok(a) if a.duplicate => {
                        metrics.duplicate_outputs.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        metrics.publish_failures.fetch_add(1, Ordering::Relaxed);
                        log::warn("output not stored", json!({"error": e.to_string()}));
                        all = false;
                    }
                }
            }
            all
        });
        if !stored {
            // Redelivered soon, to this worker or another; the outputs already stored will
            // be dropped as duplicates then.
            if let Err(e) = m.ack_with(AckKind::Nak(Some(Duration::from_secs(1)))).await {
                log::warn("nak failed", json!({"error": e.to_string()}));
            }
            continue;
        }
        if let Err(e) = m.ack().await {
            log::warn(
                "ack failed (the message will be redelivered)",
                json!({"error": e.to_string()}),
            );
            continue;
        }
        metrics.acked.fetch_add(1, Ordering::Relaxed);
        metrics.observe_latency(received.elapsed());
        match decision {
            Some(Decision::Quarantine { reason, .. }) => match reason {
                QuarantineReason::Oversized => &metrics.quarantined_oversized,
                _ => &metrics.quarantined_malformed,
            }
            .fetch_add(1, Ordering::Relaxed),
            Some(Decision::Decided(ds)) => {
                for d in ds {
                    if d.permitted {
                        &metrics.permitted
                    } else {
                        &metrics.denied
                    }
                    .fetch_add(1, Ordering::Relaxed);
                }
                0
            }
            None => 0,
        };
    }
}

async fn publish(
    js: &jetstream::Context,
    o: &Output,
) -> Result<jetstream::context::PublishAckFuture, String> {
    let mut p = jetstream::message::PublishMessage::build()
        .payload(o.payload.clone())
        .message_id(&o.msg_id);
    for (k, v) in &o.headers {
        p = p.header(*k, v.as_str());
    }
    if o.kind == OutputKind::Forward {
        p = p.header("Pouch-Decision", "permitted");
    }
    js.send_publish(o.subject.clone(), p)
        .await
        .map_err(|e| e.to_string())
}

/// Decides `payloads` on up to `threads` blocking threads; `None` where a thread failed (the
/// message is then left for redelivery and logged).
async fn decide_all(
    snapshot: &Arc<Snapshot>,
    payloads: &[Bytes],
    threads: usize,
) -> Vec<Option<Decision>> {
    let chunk = payloads.len().div_ceil(threads.max(1)).max(1);
    let mut handles = Vec::new();
    for part in payloads.chunks(chunk) {
        let part = part.to_vec();
        let s = Arc::clone(snapshot);
        handles.push((
            part.len(),
            tokio::task::spawn_blocking(move || {
                part.iter().map(|b| decide(&s, b)).collect::<Vec<_>>()
            }),
        ));
    }
    let mut out = Vec::with_capacity(payloads.len());
    for (n, h) in handles {
        match h.await {
            Ok(v) => out.extend(v.into_iter().map(Some)),
            Err(e) => {
                log::error("decision thread failed", json!({"error": e.to_string()}));
                out.extend((0..n).map(|_| None));
            }
        }
    }
    out
}
