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

/// Batches decided and waiting for their outputs to be stored, at most: while one waits,
/// the next is decided.
const IN_FLIGHT_BATCHES: usize = 2;

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
    let config = Arc::new(config);
    let in_flight = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT_BATCHES));
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
        // Decide here (one batch at a time on the verification threads); publish, await
        // the stores and ack in a task, so the next batch is decided meanwhile.
        let prepared = prepare(&config, &cell, &metrics, &worker, msgs).await;
        let permit = match Arc::clone(&in_flight).acquire_owned().await {
            Ok(p) => p,
            Err(_) => break,
        };
        let (js, metrics) = (js.clone(), Arc::clone(&metrics));
        tokio::spawn(async move {
            store_and_ack(&js, &metrics, prepared).await;
            drop(permit);
        });
    }
    log::info(
        "stopping: finishing the batches in hand",
        json!({"worker": worker}),
    );
    let _ = in_flight.acquire_many(IN_FLIGHT_BATCHES as u32).await;
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

/// What a decided message leaves to count once it is acknowledged.
enum Tally {
    Quarantined(QuarantineReason),
    Decided { permitted: u64, denied: u64 },
    Undecided,
}

/// One inbound message, decided, with its outputs ready to publish.
struct Prepared {
    msg: jetstream::Message,
    received: Instant,
    tally: Tally,
    outputs: Vec<Output>,
}

/// Decides the batch and builds its outputs (audit records serialised) on the verification
/// threads, with one snapshot for the whole batch: no decision sees a half-applied reload.
async fn prepare(
    config: &Arc<Config>,
    cell: &SnapshotCell,
    metrics: &Metrics,
    worker: &str,
    msgs: Vec<(jetstream::Message, Instant)>,
) -> Vec<Prepared> {
    let snapshot = cell.current();
    let jobs: Vec<(Bytes, Inbound)> = msgs
        .iter()
        .map(|(m, _)| {
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
            (m.payload.clone(), inbound)
        })
        .collect();
    let threads = config.limits.threads.max(1);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let mut handles = Vec::new();
    for part in jobs.chunks(chunk) {
        let part = part.to_vec();
        let (s, c, w) = (Arc::clone(&snapshot), Arc::clone(config), worker.to_owned());
        handles.push((
            part.len(),
            tokio::task::spawn_blocking(move || {
                part.iter()
                    .map(|(bytes, inbound)| {
                        let d = decide(&s, bytes);
                        let outs = outputs(&c, &s, &w, inbound, bytes, &d);
                        let tally = match &d {
                            Decision::Quarantine { reason, .. } => Tally::Quarantined(*reason),
                            Decision::Decided(ds) => {
                                let permitted = ds.iter().filter(|d| d.permitted).count() as u64;
                                Tally::Decided {
                                    permitted,
                                    denied: ds.len() as u64 - permitted,
                                }
                            }
                        };
                        (tally, outs)
                    })
                    .collect::<Vec<_>>()
            }),
        ));
    }
    let mut decided = Vec::with_capacity(msgs.len());
    for (n, h) in handles {
        match h.await {
            Ok(v) => decided.extend(v),
            Err(e) => {
                log::error("decision thread failed", json!({"error": e.to_string()}));
                decided.extend((0..n).map(|_| (Tally::Undecided, Vec::new())));
            }
        }
    }
    msgs.into_iter()
        .zip(decided)
        .map(|((msg, received), (tally, outputs))| Prepared {
            msg,
            received,
            tally,
            outputs,
        })
        .collect()
}

/// Publishes every output of the batch, waits for JetStream to store each, and acks each
/// message whose outputs were all stored; the others are nak'ed for redelivery.
async fn store_and_ack(js: &jetstream::Context, metrics: &Metrics, batch: Vec<Prepared>) {
    let mut sent = Vec::with_capacity(batch.len());
    for p in &batch {
        if matches!(p.tally, Tally::Undecided) {
            sent.push(None);
            continue;
        }
        let mut futs = Vec::with_capacity(p.outputs.len());
        let mut ok = true;
        for o in &p.outputs {
            match publish(js, o).await {
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
    for (p, acks) in batch.iter().zip(acks) {
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
            if let Err(e) = p
                .msg
                .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                .await
            {
                log::warn("nak failed", json!({"error": e.to_string()}));
            }
            continue;
        }
        if let Err(e) = p.msg.ack().await {
            log::warn(
                "ack failed (the message will be redelivered)",
                json!({"error": e.to_string()}),
            );
            continue;
        }
        metrics.acked.fetch_add(1, Ordering::Relaxed);
        metrics.observe_latency(p.received.elapsed());
        match p.tally {
            Tally::Quarantined(QuarantineReason::Oversized) => {
                metrics
                    .quarantined_oversized
                    .fetch_add(1, Ordering::Relaxed);
            }
            Tally::Quarantined(_) => {
                metrics
                    .quarantined_malformed
                    .fetch_add(1, Ordering::Relaxed);
            }
            Tally::Decided { permitted, denied } => {
                metrics.permitted.fetch_add(permitted, Ordering::Relaxed);
                metrics.denied.fetch_add(denied, Ordering::Relaxed);
            }
            Tally::Undecided => {}
        }
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
