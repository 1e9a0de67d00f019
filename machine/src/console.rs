//! The console as evidence: where the guest's serial output goes on the host, the scanner that
//! watches it for the user's `--expect` markers, and the line watcher that notices kernel
//! failures (`Kernel panic`, `Oops`, `Unable to handle kernel`), firmware failures (EDK2's
//! `Synchronous Exception at`, U-Boot's `"Synchronous Abort" handler` and `Resetting CPU`, a
//! Rust firmware's `PANIC`), the user's `--fail-on` strings, and the kernel's own
//! `Kernel command line:`.

use std::collections::VecDeque;
use std::io::Write;

/// Watches a byte stream for a set of markers; all must appear, in any order.
///
/// Each chunk is searched together with the last `longest - 1` bytes of the previous ones, so a
/// marker split across chunks is found and the total cost stays linear in the output.
#[derive(Debug, Default)]
pub struct ExpectScanner {
    markers: Vec<(String, bool)>,
    longest: usize,
    window: Vec<u8>,
}

impl ExpectScanner {
    /// A scanner for `markers` (empty markers count as seen).
    pub fn new(markers: &[String]) -> Self {
        ExpectScanner {
            markers: markers.iter().map(|m| (m.clone(), m.is_empty())).collect(),
            longest: markers.iter().map(String::len).max().unwrap_or(0),
            window: Vec::new(),
        }
    }

    /// Scan the next chunk of output.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.all_seen() || chunk.is_empty() {
            return;
        }
        self.window.extend_from_slice(chunk);
        for (m, seen) in self.markers.iter_mut().filter(|(_, s)| !*s) {
            *seen = self.window.windows(m.len()).any(|w| w == m.as_bytes());
        }
        let keep = self.longest.saturating_sub(1).min(self.window.len());
        self.window.drain(..self.window.len() - keep);
    }

    /// Whether there are markers and all have been seen.
    pub fn satisfied(&self) -> bool {
        !self.markers.is_empty() && self.all_seen()
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
