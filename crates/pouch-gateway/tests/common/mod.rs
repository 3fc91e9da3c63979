//! A real nats-server for the tests: started on a free loopback port with JetStream in a
//! temporary folder, waited for (bounded), killed when dropped. Absent `nats-server`, a test
//! is skipped loudly, or fails when `POUCH_REQUIRE_NATS=1` (CI sets it).
#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod check;
pub mod corpus;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that makes an absent nats-server a failure rather than a skip.
pub const REQUIRE_VAR: &str = "POUCH_REQUIRE_NATS";

/// The nats-server binary, or `None` after saying the test is skipped (or panicking when
/// [`REQUIRE_VAR`] is `1`).
pub fn nats_server() -> Option<PathBuf> {
    let bin =
        std::env::var_os("NATS_SERVER").map_or_else(|| PathBuf::from("nats-server"), PathBuf::from);
    let found = Command::new(&bin)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Some(bin);
    }
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    let msg = format!(
        "nats-server not found ({test}); install it with `apt-get install nats-server` or set NATS_SERVER"
    );
    if std::env::var_os(REQUIRE_VAR).is_some_and(|v| v == "1") {
        panic!("{REQUIRE_VAR}=1 and {msg}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: {msg}");
    None
}

/// A free loopback port (bound, then released: a race with other processes is possible but
/// the server then fails to start and the test says so).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A temporary folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let d = std::env::temp_dir().join(format!(
            "pouch-gw-{tag}-{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos() ^ (free_port() as u128)
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Self(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One nats-server process with JetStream.
pub struct Server {
    bin: PathBuf,
    pub port: u16,
    store: PathBuf,
    child: Option<Child>,
    log: PathBuf,
}

impl Server {
    pub fn start(bin: &Path, dir: &Path) -> Self {
        let mut s = Self {
            bin: bin.to_owned(),
            port: free_port(),
            store: dir.join("js"),
            child: None,
            log: dir.join("nats-server.log"),
        };
        s.spawn();
        s
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(&self.bin)
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(&self.store)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nats-server did not listen on {} within 20 s; see {}",
                self.port,
                self.log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s) and starts it again on the same
    /// port and store.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            signal(c.id(), "TERM");
            let deadline = Instant::now() + Duration::from_secs(10);
            while c.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    let _ = c.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Sends a signal by name to one process (the ones the tests started, by their id).
pub fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status();
}

/// A gateway worker process, killed when dropped.
pub struct Worker {
    pub child: Child,
    pub name: String,
}

impl Worker {
    pub fn start(config: &Path, name: &str, log: &Path) -> Self {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_pouch-gateway"))
            .args(["run", "--config"])
            .arg(config)
            .args(["--worker", name])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Self {
            child,
            name: name.to_owned(),
        }
    }

    /// SIGTERM, then waits (bounded) for the process to finish its batch and exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        signal(self.child.id(), "TERM");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "worker {} ignored SIGTERM for 30 s",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The gateway configuration of the tests.
pub fn write_config(dir: &Path, url: &str, corpus: &corpus::Corpus, http: Option<u16>) -> PathBuf {
    let partners: String = corpus::PARTNERS
        .iter()
        .map(|n| {
            format!(
                "[[partner]]\nnation = \"{n}\"\nsubject = \"pouch.out.{n}\"\nstream = \"OUT_{n}\"\n\n"
            )
        })
        .collect();
    let http = match http {
        Some(p) => format!("[http]\nlisten = \"127.0.0.1:{p}\"\n"),
        // No endpoint: two workers on one machine would want the same port.
        None => "[http]\n".to_owned(),
    };
    let text = format!(
        r#"[nats]
url = "{url}"

[inbound]
stream = "IN"
subjects = ["pouch.in"]
consumer = "gateway"
ack_wait_secs = 3

[audit]
stream = "AUDIT"
subject = "pouch.audit"

[quarantine]
stream = "QUARANTINE"
subject = "pouch.quarantine"

{partners}[verify]
trust = "{bundle}"
policies = ["{spif}"]
seal_policy = "all"
reload_poll_secs = 1

[limits]
max_envelope_bytes = {max}
batch = 64

[streams]
duplicate_window_secs = 600

{http}"#,
        bundle = corpus.bundle.display(),
        spif = corpus.spif.display(),
        max = corpus::MAX_ENVELOPE,
    );
    let path = dir.join("gateway.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// What a test against the gateway starts from: a nats-server in a fresh folder, the corpus,
/// and a configuration for the two on which `setup` has run.
pub struct Rig {
    pub server: Server,
    pub corpus: corpus::Corpus,
    pub config: PathBuf,
    /// The port of the health and metrics endpoint, when it has one.
    pub http: Option<u16>,
    /// Last, so the folder is removed after the server has stopped.
    pub dir: TempDir,
}

impl Rig {
    /// Starts the server in a folder named for `tag`, builds `n` inputs of the mix
    /// [`corpus::Kind::of`], writes the configuration (with the endpoint on a free port when
    /// `http`) and runs `setup`; `None` when nats-server is absent (see [`nats_server`]).
    pub fn start(tag: &str, n: usize, http: bool) -> Option<Self> {
        let bin = nats_server()?;
        let dir = TempDir::new(tag);
        let server = Server::start(&bin, &dir.0);
        let corpus = corpus::build(&dir.0, n);
        // Picked once the server listens, so it cannot be the server's port.
        let http = http.then(free_port);
        let config = write_config(&dir.0, &server.url(), &corpus, http);
        setup(&config);
        Some(Self {
            server,
            corpus,
            config,
            http,
            dir,
        })
    }

    /// A worker named `name`, logging to `name.log` in the folder.
    pub fn worker(&self, name: &str) -> Worker {
        Worker::start(&self.config, name, &self.dir.0.join(format!("{name}.log")))
    }

    /// A worker with its own health and metrics endpoint, for a rig whose configuration has
    /// none (workers sharing one configuration would want one port): its configuration is
    /// the rig's with the endpoint on a free port, written beside it as `name.toml`.
    pub fn worker_with_endpoint(&self, name: &str) -> (Worker, u16) {
        assert!(
            self.http.is_none(),
            "the rig's own configuration has an endpoint"
        );
        let port = free_port();
        let text = std::fs::read_to_string(&self.config).unwrap();
        let own = text.replacen(
            "[http]\n",
            &format!("[http]\nlisten = \"127.0.0.1:{port}\"\n"),
            1,
        );
        assert_ne!(own, text, "no [http] table in {}", self.config.display());
        let config = self.dir.0.join(format!("{name}.toml"));
        std::fs::write(&config, own).unwrap();
        let log = self.dir.0.join(format!("{name}.log"));
        (Worker::start(&config, name, &log), port)
    }
}

/// One GET on loopback: (status, body), or `None` while nothing listens.
pub fn try_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::Read;
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").ok()?;
    let mut r = String::new();
    s.read_to_string(&mut r).ok()?;
    let status = r.split_whitespace().nth(1).and_then(|c| c.parse().ok())?;
    let body = r.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    Some((status, body))
}

/// The value of the Prometheus metric `name` in a `/metrics` body.
pub fn metric(body: &str, name: &str) -> u64 {
    body.lines()
        .find_map(|l| {
            l.strip_prefix(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .unwrap_or_else(|| panic!("metric {name} not found in:\n{body}")) as u64
}

/// Runs `pouch-gateway setup`.
pub fn setup(config: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_pouch-gateway"))
        .args(["setup", "--config"])
        .arg(config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "setup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
