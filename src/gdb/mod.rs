//! `--gdb tcp:PORT|unix:PATH`: a gdb remote stub (the `gdbstub` crate, gdbstub_arch's AArch64
//! registers and target XML) over the machine. Each vCPU is a thread; memory is read and
//! written by virtual address through the stopped vCPU's current translation (a read-only page
//! walk); `monitor` commands show bootemu's own state and physical memory ([`monitor`]).
//! Software and hardware breakpoints are both exact PC breakpoints checked before every
//! instruction; watchpoints see data accesses (reported after the access, before the next
//! instruction). `--gdb-wait` holds the machine before its first instruction until gdb
//! connects (QEMU's `-s -S`); without it the machine runs and stops when gdb connects. The
//! symbols bootemu knows (kallsyms, `--symbols`) reach gdb as a generated ELF file named as the
//! executable ([`symfile`]).
//!
//! ## Reverse execution
//! The machine is deterministic and a debugger's stops do not change a run (see
//! `bootemu_cpu::aarch64::block::debug`), so any earlier moment is reached exactly by running
//! the machine again to that position (the vCPU and the machine's instruction count) from an
//! earlier state. Those states are snapshots ([`snapshots`]): forked copies of the process,
//! one every `--gdb-snapshot-every` instructions (20 M by default; at most `--gdb-snapshots`
//! kept, 32 by default, holding at most `--gdb-snapshot-memory` MiB, 2048 by default, the
//! interval doubling when more would be). `reverse-stepi` goes to
//! where the vCPU ran its previous instruction, from the last snapshot before it;
//! `reverse-continue` runs from the last snapshot to where it stands recording the breakpoint
//! and watchpoint hits, then goes to the last of them (or searches the interval before,
//! snapshot by snapshot, down to the start). Measured on the Debian generic kernel stopped at
//! `run_init_process`, 950 M instructions in: `reverse-stepi` takes 0.2 s (6.3 s when it
//! re-runs from the start, `--gdb-snapshots 0`); the boot took 40 snapshots on the way (3.5 ms
//! of fork each), and the 24 kept held 110 MiB of memory of their own. A `reverse-continue`
//! that finds no earlier hit re-runs the whole history once (6.2 s there). Where no snapshot
//! is before the position (gdb attached late, or the host cannot fork) the machine is built
//! again from the run's inputs and run from the start. The console shows each byte once.
//! Reverse execution is refused when the run does not depend on its inputs alone
//! (`--stdin`) or would write a file again (`--disk ...,rw`). State changed from gdb
//! (registers, memory) is not replayed.
//!
//! ## Limits
//! gdb's scheduler locking is accepted but not honoured (the other vCPUs keep their schedule
//! while one steps: freezing them would make a run re-execution cannot reach). Watchpoints keep
//! their pages out of the data TLB and flush it when set: a guest that relies on a stale TLB
//! entry (page tables changed without TLBI) could then behave differently with and without
//! watchpoints. Ctrl-C is seen between rounds (every 32 rounds of up to 10 000
//! instructions per vCPU).

mod console;
mod monitor;
mod regs;
mod snapshots;
mod symfile;
mod target;

use std::cell::RefCell;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::rc::Rc;

use anyhow::{bail, Context};
use bootemu_machine::machine::{DebugRun, Goal};
use bootemu_machine::{Machine, RunOutcome};
use gdbstub::common::Signal;
use gdbstub::conn::ConnectionExt;
use gdbstub::stub::run_blocking::{BlockingEventLoop, Event, WaitForStopReasonError};
use gdbstub::stub::{DisconnectReason, GdbStub, MultiThreadStopReason};

pub use console::{Gated, SharedConsole};
pub use snapshots::finish as hand_exit_code;
pub use target::{Checks, GdbTarget, Rebuild};

/// Where the stub listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GdbAddr {
    /// TCP on 127.0.0.1.
    Tcp(u16),
    /// A Unix socket.
    Unix(PathBuf),
}

/// Parse `tcp:PORT` or `unix:PATH`.
pub fn parse_gdb(s: &str) -> Result<GdbAddr, String> {
    if let Some(p) = s.strip_prefix("tcp:") {
        return p
            .parse()
            .map(GdbAddr::Tcp)
            .map_err(|_| format!("tcp:{p}: not a port number"));
    }
    match s.strip_prefix("unix:") {
        Some(p) if !p.is_empty() => Ok(GdbAddr::Unix(p.into())),
        _ => Err(format!("expected tcp:PORT or unix:PATH, not {s:?}")),
    }
}

enum Listener {
    Tcp(std::net::TcpListener),
    Unix(std::os::unix::net::UnixListener),
}

/// A connection, and a handle on the same socket to peek at.
enum Stream {
    Tcp(std::net::TcpStream),
    Unix(std::os::unix::net::UnixStream),
}

impl Listener {
    fn bind(addr: &GdbAddr) -> anyhow::Result<Listener> {
        Ok(match addr {
            GdbAddr::Tcp(port) => Listener::Tcp(
                std::net::TcpListener::bind(("127.0.0.1", *port))
                    .with_context(|| format!("--gdb tcp:{port}"))?,
            ),
            GdbAddr::Unix(path) => {
                // A socket left by an earlier run would refuse the bind.
                if std::fs::symlink_metadata(path)
                    .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
                {
                    let _ = std::fs::remove_file(path);
                }
                Listener::Unix(
                    std::os::unix::net::UnixListener::bind(path)
                        .with_context(|| format!("--gdb unix:{}", path.display()))?,
                )
            }
        })
    }

    fn describe(&self) -> String {
        match self {
            Listener::Tcp(l) => l.local_addr().map_or("tcp".into(), |a| format!("tcp:{a}")),
            Listener::Unix(l) => l
                .local_addr()
                .ok()
                .and_then(|a| a.as_pathname().map(|p| format!("unix:{}", p.display())))
                .unwrap_or_else(|| "unix".into()),
        }
    }

    fn set_nonblocking(&self, on: bool) -> std::io::Result<()> {
        match self {
            Listener::Tcp(l) => l.set_nonblocking(on),
            Listener::Unix(l) => l.set_nonblocking(on),
        }
    }

    fn accept(&self) -> std::io::Result<Stream> {
        Ok(match self {
            Listener::Tcp(l) => Stream::Tcp(l.accept()?.0),
            Listener::Unix(l) => Stream::Unix(l.accept()?.0),
        })
    }
}

impl Stream {
    fn blocking(&self) -> std::io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nonblocking(false),
            Stream::Unix(s) => s.set_nonblocking(false),
        }
    }

    fn try_clone(&self) -> std::io::Result<Stream> {
        Ok(match self {
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
        })
    }

    /// Whether bytes (gdb's Ctrl-C) wait to be read, without reading them (the socket is
    /// left blocking, as gdbstub's writes expect).
    fn has_data(&mut self) -> bool {
        let got = match self {
            Stream::Tcp(s) => ConnectionExt::peek(s),
            Stream::Unix(s) => ConnectionExt::peek(s),
        };
        let _ = self.blocking();
        matches!(got, Ok(Some(_)))
    }

    fn into_conn(self) -> Box<dyn ConnectionExt<Error = std::io::Error>> {
        match self {
            Stream::Tcp(s) => Box::new(s),
            Stream::Unix(s) => Box::new(s),
        }
    }
}

/// The gdb exit code of a run's outcome: its verdict's.
fn exit_code(o: &RunOutcome) -> u8 {
    crate::outcome::verdict(o).0
}

struct EventLoop<'a>(PhantomData<&'a ()>);

impl<'a> BlockingEventLoop for EventLoop<'a> {
    type Target = GdbTarget<'a>;
    type Connection = Box<dyn ConnectionExt<Error = std::io::Error>>;
    type StopReason = target::Stop;

    fn wait_for_stop_reason(
        target: &mut GdbTarget<'a>,
        conn: &mut Self::Connection,
    ) -> Result<Event<target::Stop>, WaitForStopReasonError<String, std::io::Error>> {
        match target.go().map_err(WaitForStopReasonError::Target)? {
            Some(stop) => Ok(Event::TargetStopped(stop)),
            None => Ok(Event::IncomingData(
                conn.read().map_err(WaitForStopReasonError::Connection)?,
            )),
        }
    }

    fn on_interrupt(target: &mut GdbTarget<'a>) -> Result<Option<target::Stop>, String> {
        Ok(Some(MultiThreadStopReason::SignalWithThread {
            tid: gdbstub::common::Tid::new(target.position.0 + 1)
                .unwrap_or(gdbstub::common::Tid::MIN),
            signal: Signal::SIGINT,
        }))
    }
}

/// What `--gdb` needs besides the machine.
pub struct Options<'a> {
    /// Where to listen.
    pub addr: GdbAddr,
    /// Hold the machine before its first instruction until gdb connects.
    pub wait: bool,
    /// The run's instruction budget.
    pub end: u64,
    /// Why reverse execution is refused, if it is.
    pub no_reverse: Option<String>,
    /// The hand-off checks so far, for `monitor checks`.
    pub checks: Option<Box<Checks<'a>>>,
    /// Symbols to hand gdb (as the executable: a generated ELF file).
    pub symbols: Option<bootemu_boot::symbols::SymbolTable>,
    /// The console every machine of the run writes to.
    pub console: Rc<SharedConsole>,
    /// Snapshots for reverse execution: the interval, the most kept and the most memory they
    /// hold in MiB (`None`: re-execution from the start only).
    pub snapshots: Option<(u64, usize, u64)>,
}

/// A temporary file removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Serve gdb over `machine` until the run ends (or gdb detaches and the run then ends); the
/// outcome and the machine as it ended.
pub fn serve<'a>(
    opts: Options<'a>,
    mut machine: Machine,
    rebuild: &'a mut Rebuild<'a>,
) -> anyhow::Result<(RunOutcome, Machine)> {
    let listener = Listener::bind(&opts.addr)?;
    let symbol_file = match opts.symbols.as_ref().filter(|t| !t.is_empty()) {
        Some(t) => {
            let path =
                std::env::temp_dir().join(format!("bootemu-{}-symbols.elf", std::process::id()));
            std::fs::write(&path, symfile::elf(t))
                .with_context(|| format!("{}", path.display()))?;
            say!(
                "bootemu: {} symbols for gdb in {} (gdb loads it as the executable)",
                t.len(),
                path.display()
            );
            Some(TempFile(path))
        }
        None => None,
    };
    say!("bootemu: gdb stub listening on {}", listener.describe());
    machine.attach_debugger();
    let stream = if opts.wait {
        listener.accept().context("--gdb: accept")?
    } else {
        // Run until gdb connects (checked between rounds).
        listener.set_nonblocking(true).context("--gdb")?;
        let pending: Rc<RefCell<Option<Stream>>> = Rc::default();
        let p = pending.clone();
        machine.set_debug_poll(Box::new(move || {
            if let Ok(s) = listener.accept() {
                *p.borrow_mut() = Some(s);
                return true;
            }
            false
        }));
        if let DebugRun::Ended(outcome) = machine.run_debug(Goal::Continue, opts.end) {
            say!("bootemu: the run ended before gdb connected");
            return Ok((*outcome, machine));
        }
        let s = pending.borrow_mut().take();
        s.context("--gdb: no connection")?
    };
    stream.blocking().context("--gdb")?;
    let peek = Rc::new(RefCell::new(stream.try_clone().context("--gdb")?));
    let poll = move || -> Box<dyn FnMut() -> bool> {
        let peek = peek.clone();
        Box::new(move || peek.borrow_mut().has_data())
    };
    machine.set_debug_poll(poll());
    let position = (0, machine.executed());
    let snapshots = match (&opts.no_reverse, opts.snapshots) {
        (None, Some((every, max, memory))) => {
            let s = snapshots::Snapshots::start(every, max, memory);
            if s.is_none() {
                say!(
                    "bootemu: no snapshots on this host: reverse execution re-runs from the start"
                );
            }
            s
        }
        _ => None,
    };
    let mut target = GdbTarget::new(machine, rebuild, opts.no_reverse, opts.end, exit_code);
    target.console = Some(opts.console);
    target.snapshots = snapshots;
    target.position = position;
    target.checks = opts.checks;
    target.poll = Some(Box::new(poll));
    target.exec_file = symbol_file
        .as_ref()
        .map(|f| f.0.as_os_str().as_encoded_bytes().to_vec());
    let gdb = GdbStub::new(stream.into_conn());
    let reason = match gdb.run_blocking::<EventLoop<'a>>(&mut target) {
        Ok(reason) => Some(reason),
        // gdb went away without detaching (killed, or the connection broke): as a detach.
        Err(e) if e.is_connection_error() => {
            say!("bootemu: gdb connection lost ({e})");
            None
        }
        Err(e) => bail!("gdb stub: {e}"),
    };
    let GdbTarget {
        mut machine,
        outcome,
        ..
    } = target;
    if let Some(o) = outcome {
        return Ok((o, machine));
    }
    match reason {
        Some(DisconnectReason::Kill) => {
            say!("bootemu: gdb killed the run");
            let o = machine.run(0);
            Ok((o, machine))
        }
        _ => {
            say!("bootemu: gdb detached; the run goes on");
            machine.set_breakpoints(&[]);
            machine.set_watchpoints(&[]);
            machine.set_debug_poll(Box::new(|| false));
            loop {
                if let DebugRun::Ended(o) = machine.run_debug(Goal::Continue, opts.end) {
                    return Ok((*o, machine));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(parse_gdb("tcp:1234"), Ok(GdbAddr::Tcp(1234)));
        assert_eq!(parse_gdb("unix:/tmp/s"), Ok(GdbAddr::Unix("/tmp/s".into())));
        assert!(parse_gdb("tcp:x").is_err());
        assert!(parse_gdb("1234").is_err());
        assert!(parse_gdb("unix:").is_err());
    }
}
