//! The status line on a terminal: instructions, virtual time, guest MIPS and the last console
//! line, redrawn a few times a second on stderr (where bootemu's own lines go) with `indicatif`.
//!
//! Shown only when stderr is a terminal, without `--quiet`, without `--stdin` (an interactive
//! console owns the terminal) and without a `--trace` written to stderr. Host time decides only when to redraw and the MIPS
//! shown: the hook reads the machine and cannot change the run ([`Machine::set_progress`]).
//! When the console also goes to a terminal (stdout), its output is written above the line, a
//! complete line at a time: a partial line waits for its end (or the end of the run), so that
//! the status line never lands in the middle of it.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use bootemu_cpu::aarch64::sysreg::id::CNTFRQ;
use bootemu_machine::machine::{Progress, ProgressHook};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Time between two redraws.
const REDRAW: Duration = Duration::from_millis(250);

/// The status line of a run.
pub struct Status {
    bar: ProgressBar,
    /// A console line not complete yet (see [`Status::console`]).
    pending: Rc<RefCell<Vec<u8>>>,
}

impl Status {
    /// A status line, when stderr is a terminal and it is wanted (not `quiet`, and nothing
    /// else, such as an interactive console, owns the terminal).
    pub fn start(quiet: bool, terminal_taken: bool) -> Option<Status> {
        if quiet || terminal_taken || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
        bar.set_style(ProgressStyle::with_template("{wide_msg}").expect("a valid template"));
        Some(Status {
            bar,
            pending: Rc::default(),
        })
    }

    /// The console sink to use instead of stdout when stdout is a terminal.
    pub fn console(&self) -> Option<Box<dyn Write>> {
        std::io::stdout().is_terminal().then(|| {
            Box::new(AboveLine {
                bar: self.bar.clone(),
                pending: self.pending.clone(),
            }) as Box<dyn Write>
        })
    }

    /// The machine's progress hook.
    pub fn hook(&self) -> ProgressHook {
        let bar = self.bar.clone();
        let start = Instant::now();
        let mut drawn: Option<Instant> = None;
        Box::new(move |p: &Progress| {
            let now = Instant::now();
            if drawn.is_some_and(|d| now - d < REDRAW) {
                return;
            }
            drawn = Some(now);
            bar.set_message(text(p, (now - start).as_secs_f64()));
        })
    }

    /// Clear the line and write out a partial console line held back.
    pub fn finish(self) {
        self.bar.finish_and_clear();
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        let mut out = std::io::stdout();
        let _ = out.write_all(&pending).and_then(|_| out.flush());
    }
}

/// The status text: instructions, virtual seconds, guest MIPS over `host_s` host seconds, and
/// the last console line.
pub fn text(p: &Progress, host_s: f64) -> String {
    let mips = if host_s > 0.0 {
        p.insns as f64 / host_s / 1e6
    } else {
        0.0
    };
    let mut s = format!(
        "{} instructions · {:.3} s virtual · {mips:.0} MIPS",
        p.insns,
        p.clock as f64 / CNTFRQ as f64,
    );
    let line = p.last_line.trim();
    if !line.is_empty() {
        s += " · ";
        s += line;
    }
    s
}

/// Console output to stdout above the status line, a complete line at a time.
struct AboveLine {
    bar: ProgressBar,
    pending: Rc<RefCell<Vec<u8>>>,
}

impl Write for AboveLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut pending = self.pending.borrow_mut();
        pending.extend_from_slice(buf);
        if let Some(end) = pending.iter().rposition(|&b| b == b'\n') {
            let lines: Vec<u8> = pending.drain(..=end).collect();
            self.bar.suspend(|| {
                let mut out = std::io::stdout();
                out.write_all(&lines).and_then(|_| out.flush())
            })?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text() {
        let p = Progress {
            insns: 250_000_000,
            clock: 125_000_000,
            last_line: "[    1.0] Run /init as init process\r",
        };
        assert_eq!(
            text(&p, 2.0),
            "250000000 instructions · 2.000 s virtual · 125 MIPS · [    1.0] Run /init as init process"
        );
        let p = Progress { last_line: "", ..p };
        assert_eq!(
            text(&p, 0.0),
            "250000000 instructions · 2.000 s virtual · 0 MIPS"
        );
    }
}
