//! `pouch verify` over many envelopes: files, directories, CBOR sequences and standard input,
//! verified in parallel with one shared verifier, reported in input order.
//!
//! With one worker (`--jobs 1`) everything runs on one thread: each item is framed, verified
//! and printed before the next is read. With more, memory is bounded whatever the input: a
//! reader thread frames items one at a time, a
//! bounded queue feeds the workers, a window caps how far results may run ahead of the one
//! printed next, and a byte budget caps the envelopes in hand awaiting verification, so at
//! most `window` reports and 256 MiB of envelopes (plus the one being read, within the
//! envelope size limit) are held at once, however many envelopes come.

use std::collections::BTreeMap;
use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use pouch::{Entry, Report, Verifier};
use pouch_cbor::{SequenceError, SequenceReader};

use crate::envelope::exit_code;
use crate::{EXIT_IO, EXIT_OK, ExitClass};

/// How the inputs are read and the results shown.
pub(crate) struct Options {
    /// Read every input as a CBOR sequence of envelopes (also implied by `.cborseq`).
    pub(crate) seq: bool,
    /// Worker threads.
    pub(crate) jobs: usize,
    /// JSON lines instead of a table.
    pub(crate) json: bool,
    /// Show progress on standard error when it is a terminal.
    pub(crate) progress: bool,
}

/// Whether these inputs are one envelope (the single-report form) or a bulk run.
pub(crate) fn is_single(inputs: &[PathBuf], seq: bool) -> bool {
    match inputs {
        [one] => !seq && !is_sequence_file(one) && !one.is_dir(),
        _ => false,
    }
}

fn is_sequence_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "cborseq")
}

/// The class of an exit code that a bulk run met.
fn class(code: u8) -> ExitClass {
    ExitClass::from_code(i32::from(code)).unwrap_or(ExitClass::Io)
}

/// One envelope to verify, or why it could not be had.
struct Job {
    index: u64,
    name: String,
    offset: Option<u64>,
    item: Result<Vec<u8>, Unreadable>,
}

enum Unreadable {
    /// The input could not be read at all (exit 4).
    Io(String),
    /// A sequence could not be framed further: a report with this code and detail.
    Framing(pouch_status::StatusCode, String),
}

struct Outcome {
    index: u64,
    name: String,
    offset: Option<u64>,
    result: Result<Report, String>,
}

impl Outcome {
    fn exit(&self) -> u8 {
        match &self.result {
            Ok(r) => exit_code(r),
            Err(_) => EXIT_IO,
        }
    }
}

/// Bytes of envelopes read but not yet verified, at most (one envelope larger than this is
/// still let through alone). With the 64 MiB envelope limit that is four such envelopes.
const BYTE_BUDGET: usize = 256 << 20;

/// Two semaphores in one: places in the reorder window (how many items may be read ahead of
/// the next one printed, released when printed) and bytes of envelopes in hand (released by
/// the worker once verified). Closing it (when output fails) releases the reader for good.
struct Window {
    state: Mutex<WindowState>,
    cv: Condvar,
}

struct WindowState {
    slots: usize,
    budget: usize,
    bytes_free: usize,
    bytes_used: usize,
    closed: bool,
}

impl Window {
    fn new(slots: usize, bytes: usize) -> Self {
        Self {
            state: Mutex::new(WindowState {
                slots,
                budget: bytes,
                bytes_free: bytes,
                bytes_used: 0,
                closed: false,
            }),
            cv: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WindowState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a place and for `bytes` to fit the budget (or for nothing else to be in
    /// hand); `false` once the window is closed.
    fn acquire(&self, bytes: usize) -> bool {
        let mut st = self.lock();
        while !st.closed && (st.slots == 0 || (bytes > st.bytes_free && st.bytes_used > 0)) {
            st = self.cv.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        if st.closed {
            return false;
        }
        st.slots -= 1;
        st.bytes_free = st.bytes_free.saturating_sub(bytes);
        st.bytes_used += bytes;
        true
    }

    fn release_slot(&self) {
        self.lock().slots += 1;
        self.cv.notify_all();
    }

    fn release_bytes(&self, bytes: usize) {
        let mut st = self.lock();
        st.bytes_used = st.bytes_used.saturating_sub(bytes);
        st.bytes_free = st.budget.saturating_sub(st.bytes_used);
        drop(st);
        self.cv.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.cv.notify_all();
    }
}

/// Verifies every envelope of `inputs` and prints one line (or one JSON line) per envelope
/// in input order, then a summary. Returns the worst exit code.
pub(crate) fn run(
    inputs: &[PathBuf],
    verifier: &Verifier,
    opts: &Options,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let jobs = opts.jobs.max(1);
    let max_bytes = verifier.limits().max_envelope_bytes;
    let max_depth = verifier.limits().max_depth;
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut progress = Progress::new(opts.progress && std::io::stderr().is_terminal());
    if jobs == 1 {
        // One worker: verify on the reading thread, in order, and print at once. Handing
        // each envelope to another thread cost a wake-up per envelope (issue 17's profile).
        let mut failed = None;
        produce(inputs, opts.seq, max_bytes, max_depth, &mut |job| {
            let o = verify_job(verifier, job, &mut |_| {});
            progress.clear();
            if let Err(e) = emit(out, &o, opts.json) {
                failed = Some(e);
                return false;
            }
            tally.add(o.exit());
            progress.show(&tally, started);
            true
        });
        if let Some(e) = failed {
            return Err(e);
        }
    } else {
        run_parallel(
            inputs,
            verifier,
            opts,
            out,
            (jobs, max_bytes, max_depth),
            &mut tally,
            &mut progress,
            started,
        )?;
    }
    progress.clear();
    if !opts.json {
        tally.print(out, started.elapsed(), jobs)?;
    }
    Ok(tally.worst)
}

/// Several workers: a reader thread frames the inputs, the workers verify, this thread
/// prints in input order.
#[allow(clippy::too_many_arguments)]
fn run_parallel(
    inputs: &[PathBuf],
    verifier: &Verifier,
    opts: &Options,
    out: &mut dyn Write,
    (jobs, max_bytes, max_depth): (usize, usize, usize),
    tally: &mut Tally,
    progress: &mut Progress,
    started: Instant,
) -> anyhow::Result<()> {
    // The window bounds what is in flight (items and bytes); the channels may hold as much, so
    // the reader, workers and printer run in bursts instead of handing over one item at a time.
    let slots = 256 + 8 * jobs;
    let window = Window::new(slots, BYTE_BUDGET);
    let (job_tx, job_rx) = sync_channel::<Job>(slots);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| -> anyhow::Result<()> {
        let (out_tx, out_rx) = sync_channel::<Outcome>(slots);
        let window = &window;
        s.spawn(move || {
            produce(inputs, opts.seq, max_bytes, max_depth, &mut |job| {
                let bytes = job.item.as_ref().map_or(0, Vec::len);
                if !window.acquire(bytes) {
                    return false;
                }
                job_tx.send(job).is_ok()
            });
        });
        for _ in 0..jobs {
            let (rx, tx) = (&job_rx, out_tx.clone());
            s.spawn(move || work(rx, verifier, window, tx));
        }
        drop(out_tx);
        let mut pending: BTreeMap<u64, Outcome> = BTreeMap::new();
        let mut next = 0u64;
        let mut failed = None;
        for o in out_rx {
            if failed.is_some() {
                // Output failed: drain what the workers still finish, so every thread ends.
                continue;
            }
            pending.insert(o.index, o);
            while let Some(o) = pending.remove(&next) {
                progress.clear();
                if let Err(e) = emit(out, &o, opts.json) {
                    failed = Some(e);
                    window.close();
                    break;
                }
                tally.add(o.exit());
                window.release_slot();
                next += 1;
                progress.show(tally, started);
            }
        }
        failed.map_or(Ok(()), Err)
    })
}

/// What the reader hands on: each item as a [`Job`], numbered in input order. Returns false
/// to stop reading.
type Send<'a> = dyn FnMut(Job) -> bool + 'a;

/// The reader: walks the inputs in order and frames their envelopes, handing each to `send`.
fn produce(inputs: &[PathBuf], seq: bool, max_bytes: usize, max_depth: usize, send: &mut Send<'_>) {
    // An item's name, its offset in a sequence, and its bytes or why it could not be read.
    let mut index = 0u64;
    let mut send = |name: String, offset: Option<u64>, item: Result<Vec<u8>, Unreadable>| {
        let job = Job {
            index,
            name,
            offset,
            item,
        };
        index += 1;
        send(job)
    };
    for input in inputs {
        for path in Walk::new(input) {
            let path = match path {
                Ok(p) => p,
                Err((p, e)) => {
                    if !send(p.display().to_string(), None, Err(Unreadable::Io(e))) {
                        return;
                    }
                    continue;
                }
            };
            let name = if path.as_os_str() == "-" {
                "<stdin>".to_owned()
            } else {
                path.display().to_string()
            };
            if seq || is_sequence_file(&path) {
                let reader: Box<dyn Read> = if path.as_os_str() == "-" {
                    Box::new(std::io::stdin().lock())
                } else {
                    match fs::File::open(&path) {
                        Ok(f) => Box::new(std::io::BufReader::new(f)),
                        Err(e) => {
                            if !send(name, None, Err(Unreadable::Io(e.to_string()))) {
                                return;
                            }
                            continue;
                        }
                    }
                };
                for (k, item) in SequenceReader::new(reader, max_bytes, max_depth).enumerate() {
                    let (offset, item) = match item {
                        Ok(i) => (i.offset, Ok(i.bytes)),
                        Err(e) => framing_error(e),
                    };
                    if !send(format!("{name}#{k}"), Some(offset), item) {
                        return;
                    }
                }
            } else {
                let item = crate::read_input(&path, max_bytes)
                    .map_err(|e| Unreadable::Io(format!("{e:#}")));
                if !send(name, None, item) {
                    return;
                }
            }
        }
    }
}

fn framing_error(e: SequenceError) -> (u64, Result<Vec<u8>, Unreadable>) {
    let (offset, code) = match &e {
        SequenceError::TooLarge { offset, .. } => (*offset, pouch_status::ENVELOPE_LIMIT_EXCEEDED),
        // Nesting past the depth limit is a limit, wherever it is met (POUCH-ENV-101).
        SequenceError::Malformed { offset, error }
            if matches!(error.kind(), pouch_cbor::ErrorKind::DepthExceeded { .. }) =>
        {
            (*offset, pouch_status::ENVELOPE_LIMIT_EXCEEDED)
        }
        SequenceError::Malformed { offset, .. } | SequenceError::Truncated { offset, .. } => {
            (*offset, pouch_status::ENVELOPE_MALFORMED)
        }
        SequenceError::Io { offset, source } => {
            return (*offset, Err(Unreadable::Io(source.to_string())));
        }
        _ => (0, pouch_status::ENVELOPE_MALFORMED),
    };
    let detail = format!("{e}; the rest of the sequence cannot be framed and is not read");
    (offset, Err(Unreadable::Framing(code, detail)))
}

/// A worker: verifies jobs until the queue closes.
fn work(rx: &Mutex<Receiver<Job>>, verifier: &Verifier, window: &Window, tx: SyncSender<Outcome>) {
    loop {
        let job = {
            let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
            match rx.recv() {
                Ok(j) => j,
                Err(_) => return,
            }
        };
        let outcome = verify_job(verifier, job, &mut |len| window.release_bytes(len));
        if tx.send(outcome).is_err() {
            return;
        }
    }
}

/// Verifies one job; `verified` is told the envelope's size once its bytes are dropped.
fn verify_job(verifier: &Verifier, job: Job, verified: &mut dyn FnMut(usize)) -> Outcome {
    let result = match job.item {
        Ok(bytes) => {
            let report = verifier.verify(&bytes, None);
            let len = bytes.len();
            drop(bytes);
            verified(len);
            Ok(report)
        }
        Err(Unreadable::Framing(code, detail)) => {
            let mut r = Report::default();
            r.envelope.push(Entry::with(code, detail));
            Ok(r)
        }
        Err(Unreadable::Io(e)) => Err(e),
    };
    Outcome {
        index: job.index,
        name: job.name,
        offset: job.offset,
        result,
    }
}

fn emit(out: &mut dyn Write, o: &Outcome, json: bool) -> anyhow::Result<()> {
    let exit = o.exit();
    if json {
        let mut line = serde_json::json!({ "input": o.name, "exit": exit });
        if let Some(off) = o.offset {
            line["offset"] = off.into();
        }
        match &o.result {
            Ok(r) => {
                line["valid"] = r.is_valid().into();
                line["report"] = r.to_json();
            }
            Err(e) => line["error"] = e.clone().into(),
        }
        writeln!(out, "{line}")?;
    } else {
        match &o.result {
            Ok(_) if exit == EXIT_OK => writeln!(out, "VALID      {}", o.name)?,
            Ok(r) => {
                let codes: Vec<&str> = r
                    .entries()
                    .filter(|e| e.code.severity() == pouch_status::Severity::Error)
                    .map(|e| e.code.id())
                    .collect();
                writeln!(
                    out,
                    "NOT VALID  {}  [exit {exit}] {}",
                    o.name,
                    codes.join(", ")
                )?;
            }
            Err(e) => writeln!(out, "UNREAD     {}  [exit {exit}] {e}", o.name)?,
        }
    }
    Ok(())
}

/// Counts per exit code and the worst one.
#[derive(Default)]
struct Tally {
    total: u64,
    by_exit: BTreeMap<u8, u64>,
    worst: u8,
}

impl Tally {
    fn add(&mut self, exit: u8) {
        self.total += 1;
        *self.by_exit.entry(exit).or_default() += 1;
        // A bulk run exits with its worst verdict: the earliest class in pipeline order.
        if class(exit) < class(self.worst) {
            self.worst = exit;
        }
    }

    fn not_valid(&self) -> u64 {
        self.total - self.by_exit.get(&EXIT_OK).copied().unwrap_or(0)
    }

    fn print(&self, out: &mut dyn Write, elapsed: Duration, jobs: usize) -> anyhow::Result<()> {
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            self.total as f64 / secs
        } else {
            0.0
        };
        writeln!(
            out,
            "\n{} envelopes in {secs:.2} s ({rate:.0}/s, {jobs} threads)",
            self.total
        )?;
        for (exit, n) in &self.by_exit {
            let what = match class(*exit) {
                ExitClass::Valid => "valid",
                ExitClass::Malformed => "malformed",
                ExitClass::Seal => "seal failed",
                ExitClass::Payload => "payload mismatch",
                ExitClass::SealPolicy => "seal policy unmet",
                ExitClass::Trust => "signer untrusted",
                ExitClass::Io => "unreadable",
                ExitClass::LabelInvalid => "label invalid",
                ExitClass::ReleaseDenied => "release denied",
                _ => "other",
            };
            writeln!(out, "  {what:<20} {n:>10}  (exit {exit})")?;
        }
        Ok(())
    }
}

/// A one-line progress display on standard error, redrawn at most ten times a second.
struct Progress {
    on: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl Progress {
    fn new(on: bool) -> Self {
        Self {
            on,
            last: None,
            drawn: false,
        }
    }

    fn show(&mut self, t: &Tally, started: Instant) {
        if !self.on
            || self
                .last
                .is_some_and(|l| l.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K{} verified, {} not valid, {:.0}/s",
            t.total,
            t.not_valid(),
            t.total as f64 / secs
        );
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

/// The files an input names, in a stable order: a file itself, or every file under a
/// directory, recursively, sorted by name at each level. Below the named input, symbolic
/// links to directories are skipped, so a link cycle cannot make the walk endless.
struct Walk {
    /// Paths still to visit, and whether each was named on the command line.
    stack: Vec<(PathBuf, bool)>,
}

impl Walk {
    fn new(root: &Path) -> Self {
        Self {
            stack: vec![(root.to_path_buf(), true)],
        }
    }
}

impl Iterator for Walk {
    type Item = Result<PathBuf, (PathBuf, String)>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some((p, named)) = self.stack.pop() {
            if p.as_os_str() == "-" {
                return Some(Ok(p));
            }
            let meta = if named {
                fs::metadata(&p)
            } else {
                fs::symlink_metadata(&p)
            };
            let meta = match meta {
                Ok(m) => m,
                Err(e) => return Some(Err((p, e.to_string()))),
            };
            let meta = if meta.is_symlink() {
                match fs::metadata(&p) {
                    Ok(m) if m.is_dir() => continue,
                    Ok(m) => m,
                    // A dangling link: reading it reports why.
                    Err(_) => return Some(Ok(p)),
                }
            } else {
                meta
            };
            // Below a named directory only regular files are read: opening a FIFO would wait
            // for a writer that may never come, and a device or socket holds no envelope. A
            // FIFO named on the command line is read (it is how a shell passes a stream).
            if !named && !meta.is_dir() && !meta.is_file() {
                let kind = special_kind(&meta.file_type());
                return Some(Err((p, format!("not read: a {kind}, not a regular file"))));
            }
            if !meta.is_dir() {
                return Some(Ok(p));
            }
            let entries = fs::read_dir(&p).and_then(|rd| rd.collect::<Result<Vec<_>, _>>());
            match entries {
                Ok(entries) => {
                    let mut paths: Vec<PathBuf> = entries.iter().map(|e| e.path()).collect();
                    // Reversed, so that popping yields them in name order.
                    paths.sort_by(|a, b| b.cmp(a));
                    self.stack.extend(paths.into_iter().map(|p| (p, false)));
                }
                Err(e) => return Some(Err((p, e.to_string()))),
            }
        }
        None
    }
}

/// What kind of special file this is, in words.
fn special_kind(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    let _ = t;
    "special file"
}

#[cfg(test)]
mod tests {
    use super::Window;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn the_byte_budget_holds_the_reader_until_a_worker_frees_bytes() {
        let w = Window::new(100, 1000);
        assert!(w.acquire(600));
        // An item larger than the budget passes when nothing else is in hand only.
        let got = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                assert!(w.acquire(600));
                got.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(100));
            assert!(
                !got.load(Ordering::SeqCst),
                "600 + 600 exceeds 1000: must wait"
            );
            w.release_bytes(600);
        });
        assert!(got.load(Ordering::SeqCst));
        w.release_bytes(600);
        assert!(
            w.acquire(5000),
            "alone, an item over the budget still passes"
        );
    }

    #[test]
    fn closing_releases_a_waiting_reader() {
        let w = Window::new(1, 1000);
        assert!(w.acquire(1));
        std::thread::scope(|s| {
            let h = s.spawn(|| w.acquire(1));
            std::thread::sleep(Duration::from_millis(50));
            w.close();
            assert!(!h.join().unwrap_or(true));
        });
    }
}
