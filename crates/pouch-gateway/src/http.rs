//! The loopback endpoint: `GET /healthz` (200 when connected with a snapshot in force, 503
//! otherwise) and `GET /metrics` (Prometheus text). A request line is read within a bound;
//! anything else gets 404.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::Metrics;

/// Bytes of a request read at most: the request line is all that is looked at.
const MAX_REQUEST: usize = 4096;

pub(crate) async fn serve(listener: TcpListener, metrics: Arc<Metrics>, healthy: Arc<AtomicBool>) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            continue;
        };
        let metrics = Arc::clone(&metrics);
        let healthy = Arc::clone(&healthy);
        tokio::spawn(async move {
            let mut buf = vec![0u8; MAX_REQUEST];
            let mut n = 0;
            let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                while n < buf.len() {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(k) => n += k,
                    }
                    if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let line = buf[..n].split(|&b| b == b'\n').next().unwrap_or_default();
            let line = String::from_utf8_lossy(line);
            let mut parts = line.split_whitespace();
            let (method, path) = (parts.next(), parts.next());
            let (status, ctype, body) = match (method, path) {
                (Some("GET"), Some("/metrics")) => {
                    ("200 OK", "text/plain; version=0.0.4", metrics.render())
                }
                (Some("GET"), Some("/healthz")) if healthy.load(Ordering::Relaxed) => {
                    ("200 OK", "text/plain", "ok\n".to_owned())
                }
                (Some("GET"), Some("/healthz")) => (
                    "503 Service Unavailable",
                    "text/plain",
                    "not connected\n".to_owned(),
                ),
                _ => ("404 Not Found", "text/plain", "not found\n".to_owned()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body.as_bytes()).await;
            let _ = sock.shutdown().await;
        });
    }
}
