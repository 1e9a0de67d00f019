//! The console as evidence: where the guest's serial output goes on the host, the scanner that
//! watches it for the user's `--expect` markers, and the line watcher that notices kernel
//! failures (`Kernel panic`, `Oops`, `Unable to handle kernel`), firmware failures (EDK2's
//! `Synchronous Exception at`, U-Boot's `"Synchronous Abort" handler` and `Resetting CPU`, a
//! Rust firmware's `PANIC`), the user's `--fail-on` strings, and the kernel's own
//! `Kernel command line:`.

use std::collections::VecDeque;
use std::io::Write;

/// Watches a byte stream for a set of markers; all must appear, in any order, and then the
/// line that completed the last one must end.
///
/// Each chunk is searched together with the last `longest - 1` bytes of the previous ones, so a
/// marker split across chunks is found and the total cost stays linear in the output. Once the
/// last marker is found, the scanner looks for the newline that ends its line, and gives up
/// after [`EXPECT_LINE_BYTES`] bytes without one ([`ExpectScanner::line_ended`]).
#[derive(Debug, Default)]
pub struct ExpectScanner {
    markers: Vec<(String, bool)>,
    longest: usize,
    window: Vec<u8>,
    /// Bytes seen after the last marker without a newline.
    after: usize,
    /// The line of the last marker ended (or [`EXPECT_LINE_BYTES`] came without a newline).
    ended: bool,
}

/// Bytes after the last `--expect` marker within which its line must end; past them the line
/// counts as ended (a prompt such as `login: ` never ends its line).
pub const EXPECT_LINE_BYTES: usize = 1024;

impl ExpectScanner {
    /// A scanner for `markers` (empty markers count as seen).
    pub fn new(markers: &[String]) -> Self {
        ExpectScanner {
            markers: markers.iter().map(|m| (m.clone(), m.is_empty())).collect(),
            longest: markers.iter().map(String::len).max().unwrap_or(0),
            ..ExpectScanner::default()
        }
    }

    /// Scan the next chunk of output.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.markers.is_empty() || chunk.is_empty() {
            return;
        }
        if self.all_seen() {
            self.line_rest(chunk);
            return;
        }
        let base = self.window.len();
        self.window.extend_from_slice(chunk);
        // Where (in the window) the last marker found in this chunk ends.
        let mut last_end = 0;
        for (m, seen) in self.markers.iter_mut().filter(|(_, s)| !*s) {
            if let Some(at) = self.window.windows(m.len()).position(|w| w == m.as_bytes()) {
                *seen = true;
                last_end = last_end.max(at + m.len());
            }
        }
        let keep = self.longest.saturating_sub(1).min(self.window.len());
        self.window.drain(..self.window.len() - keep);
        if self.all_seen() {
            // A marker not seen before ends in this chunk (the kept window is shorter than
            // any marker).
            self.line_rest(&chunk[last_end.saturating_sub(base)..]);
        }
    }

    /// Output after the last marker: look for the end of its line.
    fn line_rest(&mut self, rest: &[u8]) {
        if self.ended {
            return;
        }
        if rest.contains(&b'\n') {
            self.ended = true;
        } else {
            self.after += rest.len();
            self.ended = self.after >= EXPECT_LINE_BYTES;
        }
    }

    /// Whether there are markers and all have been seen.
    pub fn satisfied(&self) -> bool {
        !self.markers.is_empty() && self.all_seen()
    }

    /// Whether [`ExpectScanner::satisfied`] and the line of the last marker has ended.
    pub fn line_ended(&self) -> bool {
        self.satisfied() && self.ended
    }

    fn all_seen(&self) -> bool {
        self.markers.iter().all(|(_, s)| *s)
    }

    /// Markers not seen yet, in the order given.
    pub fn missing(&self) -> Vec<String> {
        self.markers
            .iter()
            .filter(|(_, s)| !*s)
            .map(|(m, _)| m.clone())
            .collect()
    }
}

/// Console text that means the guest kernel failed.
pub const FAILURE_PATTERNS: [&str; 3] = ["Kernel panic", "Oops", "Unable to handle kernel"];
/// Console text that means the firmware died: EDK2's `DefaultExceptionHandler`, U-Boot's
/// `do_sync` / `panic` paths, and the panic handler of a Rust firmware (`PANIC: panicked at`,
/// matched at the start of a line only). The firmware prints a register dump after it and then
/// spins, so the run ends shortly after ([`crate::machine::FIRMWARE_GRACE`]).
pub const FIRMWARE_FAILURE_PATTERNS: [&str; 3] = [
    "Synchronous Exception at",
    "\"Synchronous Abort\" handler",
    "Resetting CPU",
];
/// A Rust firmware's panic line starts with this.
pub const RUST_PANIC_PREFIX: &str = "PANIC";
/// The kernel's panic line: what follows is its call trace, then [`PANIC_END_PATTERN`].
pub const PANIC_PATTERN: &str = "Kernel panic";
/// The last line of a kernel panic report (`kernel/panic.c`: `---[ end Kernel panic - not
/// syncing: ... ]---`): after it the kernel prints nothing useful and the run can stop.
pub const PANIC_END_PATTERN: &str = "---[ end Kernel panic";
/// What the kernel prints before its command line (`init/main.c`).
pub const CMDLINE_PREFIX: &str = "Kernel command line: ";
/// Longest line kept for matching; the rest of a longer line is not looked at.
pub const MAX_LINE: usize = 1024;

/// Which kind of failure a console line reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// A kernel failure ([`FAILURE_PATTERNS`]).
    Kernel,
    /// A firmware failure ([`FIRMWARE_FAILURE_PATTERNS`], [`RUST_PANIC_PREFIX`]).
    Firmware,
    /// One of the user's `--fail-on` strings.
    User,
}

/// Watches complete console lines for failures and the kernel command line.
#[derive(Debug, Default)]
pub struct LineWatch {
    line: Vec<u8>,
    /// The user's `--fail-on` strings.
    pub fail_on: Vec<String>,
    /// The first line that matched a failure pattern.
    pub failure: Option<String>,
    /// What kind of failure that line reported.
    pub failure_kind: Option<FailureKind>,
    /// A line with [`PANIC_PATTERN`] appeared.
    pub panicked: bool,
    /// The kernel's panic report ended ([`PANIC_END_PATTERN`]).
    pub panic_ended: bool,
    /// What followed the first [`CMDLINE_PREFIX`].
    pub kernel_cmdline: Option<String>,
    /// The last complete line (without its `\r`), at most [`MAX_LINE`] bytes of it.
    pub last_line: String,
}

impl LineWatch {
    /// Scan the next chunk of output.
    pub fn feed(&mut self, chunk: &[u8]) {
        for &b in chunk {
            if b == b'\n' {
                self.end_line();
            } else if self.line.len() < MAX_LINE {
                self.line.push(b);
            }
        }
    }

    /// Treat what is buffered as a complete line (end of the run).
    pub fn end_line(&mut self) {
        if self.line.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.line);
        let text = text.trim_end_matches('\r');
        if self.failure.is_none() {
            let kind = if FAILURE_PATTERNS.iter().any(|p| text.contains(p)) {
                Some(FailureKind::Kernel)
            } else if FIRMWARE_FAILURE_PATTERNS.iter().any(|p| text.contains(p))
                || text.trim_start().starts_with(RUST_PANIC_PREFIX)
            {
                Some(FailureKind::Firmware)
            } else if self.fail_on.iter().any(|p| text.contains(p.as_str())) {
                Some(FailureKind::User)
            } else {
                None
            };
            if kind.is_some() {
                self.failure = Some(text.to_string());
                self.failure_kind = kind;
            }
        }
        self.panicked |= text.contains(PANIC_PATTERN);
        self.panic_ended |= text.contains(PANIC_END_PATTERN);
        if self.kernel_cmdline.is_none() {
            if let Some(i) = text.find(CMDLINE_PREFIX) {
                self.kernel_cmdline = Some(text[i + CMDLINE_PREFIX.len()..].to_string());
            }
        }
        self.last_line = text.to_string();
        self.line.clear();
    }
}

/// A console line and when it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    /// Instructions executed (all vCPUs) when the line's newline reached the console.
    pub insn: u64,
    /// The virtual clock then.
    pub time: u64,
    /// The line without its line ending, at most [`MAX_LINE`] bytes of it (invalid UTF-8
    /// replaced).
    pub text: String,
}

/// Every console line with when it ended, for the timeline ([`Console::log_lines`]). Output
/// reaches the console between rounds, so a line's time is the end of the round in which its
/// newline was written.
#[derive(Debug, Default)]
pub struct LineLog {
    line: Vec<u8>,
    /// The lines so far.
    pub lines: Vec<ConsoleLine>,
}

impl LineLog {
    fn feed(&mut self, chunk: &[u8], (insn, time): (u64, u64)) {
        for &b in chunk {
            if b == b'\n' {
                self.end_line((insn, time));
            } else if self.line.len() < MAX_LINE {
                self.line.push(b);
            }
        }
    }

    fn end_line(&mut self, (insn, time): (u64, u64)) {
        if self.line.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.line);
        self.lines.push(ConsoleLine {
            insn,
            time,
            text: text.trim_end_matches('\r').to_string(),
        });
        self.line.clear();
    }
}

/// Bytes of console output kept for reports (the end of the transcript).
pub const TAIL_BYTES: usize = 4096;

/// The guest console on the host side: sink, counters, expect scanner and a tail of the output.
pub struct Console {
    out: Box<dyn Write>,
    /// The `--expect` markers.
    pub expect: ExpectScanner,
    /// Kernel failures and command line.
    pub watch: LineWatch,
    /// Bytes the guest wrote.
    pub bytes: u64,
    tail: VecDeque<u8>,
    /// Every line with when it ended, when asked for ([`Console::log_lines`]).
    pub log: Option<LineLog>,
    /// Instructions executed and the virtual clock, for the log.
    now: (u64, u64),
}

impl Console {
    /// A console writing to `out` and watching for `expect`.
    pub fn new(out: Box<dyn Write>, expect: &[String]) -> Self {
        Console {
            out,
            expect: ExpectScanner::new(expect),
            watch: LineWatch::default(),
            bytes: 0,
            tail: VecDeque::with_capacity(TAIL_BYTES),
            log: None,
            now: (0, 0),
        }
    }

    /// Keep every line with when it ended ([`Console::log`]).
    pub fn log_lines(&mut self) {
        self.log = Some(LineLog::default());
    }

    /// Instructions executed and the virtual clock at the output that follows.
    pub fn set_now(&mut self, insn: u64, time: u64) {
        self.now = (insn, time);
    }

    /// The run is over: a last unterminated line counts as complete.
    pub fn end(&mut self) {
        self.watch.end_line();
        if let Some(log) = &mut self.log {
            log.end_line(self.now);
        }
    }

    /// Take guest output. Host write errors (a closed pipe) are logged once and the output is
    /// dropped: they must not change what the guest sees.
    pub fn output(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        self.bytes += chunk.len() as u64;
        if let Err(e) = self.out.write_all(chunk).and_then(|_| self.out.flush()) {
            log::warn!("console output dropped: {e}");
            self.out = Box::new(std::io::sink());
        }
        self.expect.feed(chunk);
        self.watch.feed(chunk);
        if let Some(log) = &mut self.log {
            log.feed(chunk, self.now);
        }
        let start = chunk.len().saturating_sub(TAIL_BYTES);
        self.tail.extend(&chunk[start..]);
        let excess = self.tail.len().saturating_sub(TAIL_BYTES);
        self.tail.drain(..excess);
    }

    /// The last [`TAIL_BYTES`] bytes of output.
    pub fn tail(&self) -> Vec<u8> {
        self.tail.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn markers_in_any_order_across_chunks() {
        let mut e = ExpectScanner::new(&s(&["login:", "Linux version"]));
        e.feed(b"[ 0.0] Lin");
        assert!(!e.satisfied());
        e.feed(b"ux vers");
        e.feed(b"ion 6.1\n");
        assert_eq!(e.missing(), s(&["login:"]));
        e.feed(b"debian log");
        e.feed(b"in: ");
        assert!(e.satisfied());
        assert!(e.missing().is_empty());
    }

    #[test]
    fn the_line_of_the_last_marker_must_end() {
        let mut e = ExpectScanner::new(&s(&["login:", "Linux version"]));
        e.feed(b"Linux version 6.1\n");
        assert!(!e.satisfied());
        e.feed(b"debian login: ok");
        assert!(e.satisfied());
        assert!(!e.line_ended(), "its line goes on");
        e.feed(b" more");
        assert!(!e.line_ended());
        e.feed(b" end\r\nnext");
        assert!(e.line_ended());
        // A newline before the marker (in the same chunk) is not the end of its line.
        let mut e = ExpectScanner::new(&s(&["B"]));
        e.feed(b"A\nB");
        assert!(e.satisfied() && !e.line_ended());
        e.feed(b"\n");
        assert!(e.line_ended());
        // The newline in the chunk that completes the marker.
        let mut e = ExpectScanner::new(&s(&["mark"]));
        e.feed(b"ma");
        e.feed(b"rk!\n");
        assert!(e.line_ended());
        // A line that does not end: given up after EXPECT_LINE_BYTES bytes.
        let mut e = ExpectScanner::new(&s(&["login: "]));
        e.feed(b"login: ");
        e.feed(&[b'x'; EXPECT_LINE_BYTES - 1]);
        assert!(!e.line_ended());
        e.feed(b"x");
        assert!(e.line_ended());
    }

    #[test]
    fn line_log_times_each_line() {
        let mut c = Console::new(Box::new(std::io::sink()), &[]);
        c.log_lines();
        c.set_now(10, 5);
        c.output(b"one\r\ntw");
        c.set_now(20, 15);
        c.output(b"o\n\nthree");
        c.end();
        let lines: Vec<(u64, u64, &str)> = c
            .log
            .as_ref()
            .unwrap()
            .lines
            .iter()
            .map(|l| (l.insn, l.time, l.text.as_str()))
            .collect();
        assert_eq!(lines, [(10, 5, "one"), (20, 15, "two"), (20, 15, "three")]);
        assert_eq!(c.watch.last_line, "three");
    }

    #[test]
    fn no_markers_is_never_satisfied() {
        let mut e = ExpectScanner::new(&[]);
        e.feed(b"anything");
        assert!(!e.satisfied());
    }

    #[test]
    fn window_stays_bounded() {
        let mut e = ExpectScanner::new(&s(&["abcd", "never"]));
        for _ in 0..1000 {
            e.feed(&[b'x'; 100]);
        }
        assert!(e.window.len() <= 4);
        e.feed(b"ab");
        e.feed(b"c");
        e.feed(b"d");
        assert_eq!(e.missing(), s(&["never"]));
    }

    #[test]
    fn line_watch_finds_failures_and_the_command_line() {
        let mut w = LineWatch::default();
        w.feed(b"[    0.000000] Kernel command line: console=ttyAMA0 panic=-1\r\n[ 1.0] ok\n");
        assert_eq!(
            w.kernel_cmdline.as_deref(),
            Some("console=ttyAMA0 panic=-1")
        );
        assert_eq!(w.failure, None);
        w.feed(b"[ 13.3] Internal error: Oo");
        assert_eq!(w.failure, None, "only complete lines count");
        w.feed(b"ps - Undefined instruction [#1] SMP\n[ 13.4] Kernel panic - not syncing\n");
        assert_eq!(
            w.failure.as_deref(),
            Some("[ 13.3] Internal error: Oops - Undefined instruction [#1] SMP")
        );
        assert!(w.panicked);
        w.feed(b"Kernel command line: other\n");
        assert_eq!(
            w.kernel_cmdline.as_deref(),
            Some("console=ttyAMA0 panic=-1")
        );
        let mut w = LineWatch::default();
        w.feed(b"Unable to handle kernel paging request");
        w.end_line();
        assert!(w.failure.is_some());
        assert!(!w.panicked);
        let mut w = LineWatch::default();
        w.feed(&[b'x'; 5000]);
        w.feed(b"Kernel panic\n");
        assert_eq!(w.failure, None, "past MAX_LINE a line is not looked at");
    }

    #[test]
    fn firmware_and_user_failures() {
        let mut w = LineWatch::default();
        w.feed(b"\r\n\r\nSynchronous Exception at 0x0000000047843270\r\n");
        assert_eq!(w.failure_kind, Some(FailureKind::Firmware));
        assert_eq!(
            w.failure.as_deref(),
            Some("Synchronous Exception at 0x0000000047843270")
        );
        let mut w = LineWatch::default();
        w.feed(b"\"Synchronous Abort\" handler, esr 0x96000010\n");
        assert_eq!(w.failure_kind, Some(FailureKind::Firmware));
        let mut w = LineWatch::default();
        w.feed(b"[INFO] PANIC is not a panic\nPANIC: panicked at src/pci.rs:59:14:\n");
        assert_eq!(
            w.failure.as_deref(),
            Some("PANIC: panicked at src/pci.rs:59:14:")
        );
        let mut w = LineWatch {
            fail_on: vec!["ASSERT".into()],
            ..LineWatch::default()
        };
        w.feed(b"ok\nASSERT [DxeCore] foo.c(12): bar\n");
        assert_eq!(w.failure_kind, Some(FailureKind::User));
    }

    #[test]
    fn console_counts_and_keeps_a_tail() {
        let mut c = Console::new(Box::new(std::io::sink()), &s(&["ok"]));
        c.output(&vec![b'a'; TAIL_BYTES]);
        c.output(b"ok");
        assert_eq!(c.bytes, TAIL_BYTES as u64 + 2);
        let t = c.tail();
        assert_eq!(t.len(), TAIL_BYTES);
        assert!(t.ends_with(b"aok"));
        assert!(c.expect.satisfied());
    }
}
