//! Snapshots for reverse execution: forked copies of this process, each holding the whole
//! machine as it stood at one instruction count, its memory shared copy-on-write with the
//! running process by the host kernel.
//!
//! ## Processes
//! - The **supervisor** is the process the user started. When the stub can reverse, it forks
//!   once and from then on only waits: for the exit code of whichever process ends the run
//!   (it exits with it), or for that process to die without one (exit 1 after a line saying
//!   so). It holds the only write end of the *lifeline* pipe: when it exits, for whatever
//!   reason, every other process sees the pipe close and exits too.
//! - The **active** process serves gdb and runs the machine. Every [`Snapshots::every`]
//!   instructions (a pause between rounds, which does not change the run) it forks a
//!   **snapshot**, which sleeps until it is told to wake or the lifeline closes.
//! - To go back to a position, the active process sends a [`Command`] to the last snapshot at
//!   or before it and exits; the snapshot forks a new active process (so that it stays
//!   available), which runs from the snapshot's count to the position and answers gdb. The
//!   gdb connection, the console and the report file are the same open files in every process.
//!
//! ## What it costs
//! A snapshot costs one `fork` (the host copies the page tables of the process, not its
//! memory) and afterwards the pages the active process writes while the snapshot still holds
//! the old contents. [`Snapshots::max`] bounds the number kept and [`Snapshots::memory_kib`]
//! the memory they hold: when either is exceeded the interval doubles and every other
//! snapshot is dropped, so a step back never re-runs more than the current interval. `monitor snapshots` lists each one with its count and the memory it
//! holds on its own (`Private_Dirty` of `/proc/PID/smaps_rollup`).
//!
//! Linux only (fork, pipes, `/proc`); on other hosts the stub falls back to re-execution from
//! the start.

use std::fs::File;
use std::io::{Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, RawFd};
use std::time::{Duration, Instant};

use bootemu_cpu::aarch64::{DataHit, DataWatch, DebugStop, WatchKind};

/// Where a woken snapshot's new active process goes, and what it tells gdb there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Run to `(cpu, at)` (breakpoints disarmed) and report `arrive`.
    Goto {
        /// The vCPU.
        cpu: usize,
        /// The machine's instruction count.
        at: u64,
        /// The stop gdb is told of.
        arrive: Arrive,
    },
    /// `reverse-continue`: find the last breakpoint or watchpoint hit between the snapshot and
    /// `(cpu, at)` and go there; without one, search the interval before the snapshot.
    Search {
        /// The vCPU of the end of the interval searched.
        cpu: usize,
        /// The machine's count at the end of the interval searched.
        at: u64,
    },
}

/// The stop a [`Goal::Goto`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrive {
    /// A finished step (SIGTRAP).
    Trap,
    /// A breakpoint or watchpoint hit.
    Hit(DebugStop),
    /// The beginning of the recorded run.
    Begin,
}

/// What a woken snapshot is told: the goal and the debugger's state it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Where to go.
    pub goal: Goal,
    /// gdb's breakpoints now.
    pub breakpoints: Vec<u64>,
    /// gdb's watchpoints now.
    pub watchpoints: Vec<DataWatch>,
    /// Console bytes already shown (not to be shown again).
    pub shown: u64,
    /// Re-executions so far and their instructions (for `monitor`).
    pub replays: (u64, u64),
    /// Snapshot statistics so far: taken, total fork time in microseconds.
    pub taken: (u64, u64),
}

fn watch_kind_code(k: WatchKind) -> u64 {
    match k {
        WatchKind::Read => 0,
        WatchKind::Write => 1,
        WatchKind::Access => 2,
    }
}

fn watch_kind_of(c: u64) -> Option<WatchKind> {
    Some(match c {
        0 => WatchKind::Read,
        1 => WatchKind::Write,
        2 => WatchKind::Access,
        _ => return None,
    })
}

impl Command {
    /// The command as words (the format only this program reads: a snapshot is always the
    /// same binary as the process that commands it).
    fn encode(&self) -> Vec<u64> {
        let mut w = Vec::new();
        match &self.goal {
            Goal::Goto { cpu, at, arrive } => {
                w.extend([0, *cpu as u64, *at]);
                match arrive {
                    Arrive::Trap => w.extend([0, 0, 0, 0, 0]),
                    Arrive::Begin => w.extend([1, 0, 0, 0, 0]),
                    Arrive::Hit(DebugStop::Data(h)) => w.extend([
                        2,
                        h.watch.addr,
                        h.watch.len,
                        watch_kind_code(h.watch.kind),
                        h.write as u64,
                    ]),
                    Arrive::Hit(_) => w.extend([3, 0, 0, 0, 0]),
                }
            }
            Goal::Search { cpu, at } => w.extend([1, *cpu as u64, *at, 0, 0, 0, 0, 0]),
        }
        w.extend([self.shown, self.replays.0, self.replays.1]);
        w.extend([self.taken.0, self.taken.1]);
        w.push(self.breakpoints.len() as u64);
        w.extend(&self.breakpoints);
        w.push(self.watchpoints.len() as u64);
        for d in &self.watchpoints {
            w.extend([d.addr, d.len, watch_kind_code(d.kind)]);
        }
        w
    }

    fn decode(w: &[u64]) -> Option<Command> {
        let mut it = w.iter().copied();
        let mut next = || it.next();
        let (kind, cpu, at) = (next()?, next()? as usize, next()?);
        let (a, b, c, d, e) = (next()?, next()?, next()?, next()?, next()?);
        let goal = match kind {
            0 => Goal::Goto {
                cpu,
                at,
                arrive: match a {
                    0 => Arrive::Trap,
                    1 => Arrive::Begin,
                    2 => Arrive::Hit(DebugStop::Data(DataHit {
                        watch: DataWatch {
                            addr: b,
                            len: c,
                            kind: watch_kind_of(d)?,
                        },
                        write: e != 0,
                    })),
                    _ => Arrive::Hit(DebugStop::Breakpoint),
                },
            },
            _ => Goal::Search { cpu, at },
        };
        let shown = next()?;
        let replays = (next()?, next()?);
        let taken = (next()?, next()?);
        let n = next()? as usize;
        let breakpoints = (0..n).map(|_| next()).collect::<Option<Vec<_>>>()?;
        let n = next()? as usize;
        let watchpoints = (0..n)
            .map(|_| {
                Some(DataWatch {
                    addr: next()?,
                    len: next()?,
                    kind: watch_kind_of(next()?)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Command {
            goal,
            breakpoints,
            watchpoints,
            shown,
            replays,
            taken,
        })
    }
}

/// One snapshot process.
#[derive(Clone, Copy, Debug)]
struct Snap {
    /// The machine's instruction count it holds.
    at: u64,
    pid: libc::pid_t,
    /// Write end of its command pipe.
    ctl: RawFd,
}

/// The snapshots of this run, as the active process sees them.
pub struct Snapshots {
    /// Instructions between two snapshots (doubles when [`Snapshots::max`] is exceeded).
    pub every: u64,
    /// The most snapshots kept.
    pub max: usize,
    /// The most memory the snapshots may hold of their own, in KiB.
    pub memory_kib: u64,
    list: Vec<Snap>,
    /// Write end of the supervisor's message pipe.
    msg: RawFd,
    /// Read end of the lifeline.
    lifeline: RawFd,
    /// Snapshots taken so far, and the time the forks took.
    taken: (u64, Duration),
}

/// Supervisor messages: a tag and a value.
const MSG_ACTIVE: u8 = b'A';
const MSG_HANDOFF: u8 = b'H';
const MSG_RESULT: u8 = b'R';

fn pipe() -> std::io::Result<(RawFd, RawFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe(2) to fill.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((fds[0], fds[1]))
}

fn close(fd: RawFd) {
    // SAFETY: closing a descriptor this module created and no longer uses.
    unsafe { libc::close(fd) };
}

/// A `File` over `fd` that does not close it.
fn file(fd: RawFd) -> ManuallyDrop<File> {
    // SAFETY: `fd` is an open pipe end owned by this module; ManuallyDrop keeps it open.
    ManuallyDrop::new(unsafe { File::from_raw_fd(fd) })
}

fn send(fd: RawFd, tag: u8, value: u64) {
    let mut m = [0u8; 9];
    m[0] = tag;
    m[1..].copy_from_slice(&value.to_le_bytes());
    // One write below PIPE_BUF bytes: atomic among the writers.
    let _ = file(fd).write_all(&m);
}

/// Flush what this process buffered for its standard output and error (a fork would carry
/// the buffered bytes into two processes).
fn flush_std() {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
}

/// Whether process `pid` is gone.
fn gone(pid: libc::pid_t) -> Option<i32> {
    let mut status = 0;
    // SAFETY: plain syscalls on a pid; `status` is a valid int.
    unsafe {
        if libc::waitpid(pid, &mut status, libc::WNOHANG) == pid {
            return Some(if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                1
            });
        }
        if libc::kill(pid, 0) != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
        {
            return Some(1);
        }
    }
    None
}

/// The supervisor's life: wait for the result of the run and exit with it.
fn supervise(msg: RawFd, mut active: libc::pid_t) -> ! {
    let mut handing_off = false;
    let mut buf = Vec::new();
    loop {
        let mut pfd = libc::pollfd {
            fd: msg,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut pfd, 1, 100) };
        if ready > 0 {
            let mut chunk = [0u8; 512];
            match file(msg).read(&mut chunk) {
                Ok(0) => {
                    eprintln!("bootemu: every process of the run under gdb is gone");
                    std::process::exit(1);
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
        }
        while buf.len() >= 9 {
            let value = u64::from_le_bytes(buf[1..9].try_into().unwrap_or_default());
            match buf[0] {
                MSG_ACTIVE => {
                    active = value as libc::pid_t;
                    handing_off = false;
                }
                MSG_HANDOFF => handing_off = true,
                MSG_RESULT => {
                    flush_std();
                    std::process::exit(value as i32);
                }
                _ => {}
            }
            buf.drain(..9);
        }
        if !handing_off {
            if let Some(code) = gone(active) {
                // Messages may still wait: the result is written before the exit.
                // SAFETY: one valid pollfd, no wait.
                if unsafe { libc::poll(&mut pfd, 1, 0) } > 0 {
                    continue;
                }
                eprintln!(
                    "bootemu: the process running the machine under gdb ended without a result"
                );
                std::process::exit(if code == 0 { 1 } else { code });
            }
        }
    }
}

/// The exit code of a process that ended the run: handed to the supervisor when this process
/// is not it (then this process exits at once).
pub fn finish(code: u8) {
    if let Some(msg) = ACTIVE_MSG.get() {
        flush_std();
        send(*msg, MSG_RESULT, code as u64);
        // SAFETY: ends this process without running anything more.
        unsafe { libc::_exit(0) };
    }
}

/// Set in every process but the supervisor: its message pipe.
static ACTIVE_MSG: std::sync::OnceLock<RawFd> = std::sync::OnceLock::new();

impl Snapshots {
    /// Become the active process under a supervisor (see the module documentation); `None`
    /// when the host cannot (the caller re-executes from the start instead).
    pub fn start(every: u64, max: usize, memory_mib: u64) -> Option<Snapshots> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let (msg_r, msg_w) = pipe().ok()?;
        let (life_r, life_w) = pipe().ok()?;
        flush_std();
        // SAFETY: the process is single-threaded here (the stub runs on the main thread and
        // no other thread is started under gdb); the child goes on with a copy of it.
        match unsafe { libc::fork() } {
            -1 => {
                for fd in [msg_r, msg_w, life_r, life_w] {
                    close(fd);
                }
                None
            }
            0 => {
                close(msg_r);
                close(life_w);
                ignore_children();
                let _ = ACTIVE_MSG.set(msg_w);
                // SAFETY: getpid has no preconditions.
                send(msg_w, MSG_ACTIVE, unsafe { libc::getpid() } as u64);
                Some(Snapshots {
                    every: every.max(1),
                    max: max.max(2),
                    memory_kib: memory_mib.saturating_mul(1024),
                    list: Vec::new(),
                    msg: msg_w,
                    lifeline: life_r,
                    taken: (0, Duration::ZERO),
                })
            }
            child => {
                close(msg_w);
                close(life_r);
                supervise(msg_r, child)
            }
        }
    }

    /// The count at which the next snapshot is due.
    pub fn next_at(&self) -> u64 {
        self.list
            .last()
            .map_or(0, |s| s.at.saturating_add(self.every))
    }

    /// Take a snapshot of this process at machine count `at` (the caller flushed its console).
    /// `None` in the active process, which goes on; `Some` in a process woken from this
    /// snapshot later, with what it must do.
    pub fn take(&mut self, at: u64) -> Option<Command> {
        let (ctl_r, ctl_w) = pipe().ok()?;
        flush_std();
        let t0 = Instant::now();
        // SAFETY: single-threaded, as in `start`.
        match unsafe { libc::fork() } {
            -1 => {
                close(ctl_r);
                close(ctl_w);
                None
            }
            0 => {
                // SAFETY: getpid has no preconditions.
                let me = unsafe { libc::getpid() };
                let cmd = self.sleep(ctl_r);
                self.list.push(Snap {
                    at,
                    pid: me,
                    ctl: ctl_w,
                });
                Some(cmd)
            }
            pid => {
                self.taken.0 += 1;
                self.taken.1 += t0.elapsed();
                close(ctl_r);
                self.list.push(Snap {
                    at,
                    pid,
                    ctl: ctl_w,
                });
                self.thin();
                None
            }
        }
    }

    /// A snapshot's sleep: until a command comes (then fork the process that carries it out,
    /// and return the command in it) or the lifeline closes (exit).
    fn sleep(&mut self, ctl: RawFd) -> Command {
        loop {
            let mut fds = [
                libc::pollfd {
                    fd: ctl,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.lifeline,
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: two valid pollfds.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
            if n < 0 {
                continue; // a signal
            }
            if fds[1].revents != 0 {
                // SAFETY: the run is over; nothing of this process is needed.
                unsafe { libc::_exit(0) };
            }
            if fds[0].revents == 0 {
                continue;
            }
            let Some(cmd) = read_command(ctl) else {
                // SAFETY: as above: a broken command pipe leaves nothing to do.
                unsafe { libc::_exit(0) };
            };
            // SAFETY: single-threaded, as in `start`.
            match unsafe { libc::fork() } {
                0 => {
                    close(ctl);
                    // SAFETY: getpid has no preconditions.
                    send(self.msg, MSG_ACTIVE, unsafe { libc::getpid() } as u64);
                    return cmd;
                }
                -1 => {
                    eprintln!(
                        "bootemu: a snapshot cannot fork: {}",
                        std::io::Error::last_os_error()
                    );
                    // SAFETY: as above.
                    unsafe { libc::_exit(1) };
                }
                _ => {}
            }
        }
    }

    /// Drop snapshots beyond [`Snapshots::max`]: double the interval, keep those that many
    /// instructions apart (the first and the last always).
    /// Drop snapshots beyond [`Snapshots::max`] or beyond [`Snapshots::memory_kib`] of memory
    /// held: double the interval, keep those that many instructions apart (the first and the
    /// last always), until both limits hold or two snapshots are left.
    fn thin(&mut self) {
        while self.list.len() > 2
            && (self.list.len() > self.max || self.own_memory_kib() > self.memory_kib)
        {
            self.thin_once();
        }
    }

    fn thin_once(&mut self) {
        self.every = self.every.saturating_mul(2);
        let last = self.list.len() - 1;
        let mut kept_at = None::<u64>;
        let mut keep = Vec::new();
        for (i, s) in self.list.iter().enumerate() {
            let far = kept_at.is_none_or(|k| s.at - k >= self.every);
            if i == 0 || i == last || far {
                kept_at = Some(s.at);
                keep.push(*s);
            } else {
                kill(s);
            }
        }
        self.list = keep;
    }

    /// The snapshot to go back to for position count `at`: the last one at or before it.
    pub fn before(&self, at: u64) -> Option<usize> {
        self.list.iter().rposition(|s| s.at <= at)
    }

    /// Hand the run to snapshot `k` with `cmd` and exit; returns only when the snapshot cannot
    /// be reached (then the snapshots from `k` on are gone and the caller carries on itself).
    pub fn hand_off(&mut self, k: usize, cmd: &Command) -> std::io::Error {
        for s in self.list.drain(k + 1..) {
            kill(&s);
        }
        let words = cmd.encode();
        let mut bytes = (words.len() as u64).to_le_bytes().to_vec();
        for w in &words {
            bytes.extend(w.to_le_bytes());
        }
        flush_std();
        send(self.msg, MSG_HANDOFF, 0);
        match file(self.list[k].ctl).write_all(&bytes) {
            // SAFETY: the snapshot carries on; nothing of this process is needed.
            Ok(()) => unsafe { libc::_exit(0) },
            Err(e) => {
                // SAFETY: getpid has no preconditions.
                send(self.msg, MSG_ACTIVE, unsafe { libc::getpid() } as u64);
                for s in self.list.drain(k..) {
                    kill(&s);
                }
                e
            }
        }
    }

    /// Drop every snapshot after count `at` (the run went back before them and may not come
    /// the same way: gdb can change registers and memory).
    pub fn drop_after(&mut self, at: u64) {
        while self.list.last().is_some_and(|s| s.at > at) {
            if let Some(s) = self.list.pop() {
                kill(&s);
            }
        }
    }

    /// Snapshots taken so far and the host time their forks took, in microseconds.
    pub fn taken(&self) -> (u64, u64) {
        (self.taken.0, self.taken.1.as_micros() as u64)
    }

    /// Restore the statistics a command carried.
    pub fn set_taken(&mut self, (n, micros): (u64, u64)) {
        self.taken = (n, Duration::from_micros(micros));
    }

    /// The memory the snapshots hold of their own, in KiB.
    pub fn own_memory_kib(&self) -> u64 {
        self.list
            .iter()
            .filter_map(|s| private_dirty_kib(s.pid))
            .sum()
    }

    /// One line per snapshot: its count, pid and the memory it holds on its own.
    pub fn describe(&self) -> Vec<String> {
        self.list
            .iter()
            .map(|s| {
                let own = private_dirty_kib(s.pid)
                    .map_or_else(|| "?".to_string(), |k| format!("{k} KiB"));
                format!("at {:>12}  pid {:>7}  own memory {own}", s.at, s.pid)
            })
            .collect()
    }

    /// Whether the supervisor is gone (then this process should end).
    pub fn orphaned(&self) -> bool {
        let mut pfd = libc::pollfd {
            fd: self.lifeline,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait.
        unsafe { libc::poll(&mut pfd, 1, 0) > 0 }
    }
}

/// Children (snapshots) are reaped by the host kernel (no zombies, and `kill(pid, 0)` tells
/// the supervisor when one is gone).
fn ignore_children() {
    // SAFETY: setting a signal disposition to SIG_IGN.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
}

fn kill(s: &Snap) {
    // SAFETY: a snapshot this module forked; its command pipe is ours to close.
    unsafe { libc::kill(s.pid, libc::SIGKILL) };
    close(s.ctl);
}

fn read_command(fd: RawFd) -> Option<Command> {
    let mut f = file(fd);
    let mut len = [0u8; 8];
    f.read_exact(&mut len).ok()?;
    let n = u64::from_le_bytes(len) as usize;
    if n > 1 << 20 {
        return None;
    }
    let mut bytes = vec![0u8; n * 8];
    f.read_exact(&mut bytes).ok()?;
    let words: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect();
    Command::decode(&words)
}

/// `Private_Dirty` of process `pid`, in KiB.
fn private_dirty_kib(pid: libc::pid_t) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Private_Dirty:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip() {
        let hit = DataHit {
            watch: DataWatch {
                addr: 0xffff_8000_1234,
                len: 8,
                kind: WatchKind::Write,
            },
            write: true,
        };
        for goal in [
            Goal::Goto {
                cpu: 1,
                at: 12345,
                arrive: Arrive::Trap,
            },
            Goal::Goto {
                cpu: 0,
                at: 7,
                arrive: Arrive::Hit(DebugStop::Data(hit)),
            },
            Goal::Goto {
                cpu: 0,
                at: 0,
                arrive: Arrive::Begin,
            },
            Goal::Goto {
                cpu: 0,
                at: 9,
                arrive: Arrive::Hit(DebugStop::Breakpoint),
            },
            Goal::Search { cpu: 1, at: 99 },
        ] {
            let c = Command {
                goal,
                breakpoints: vec![0x4008_0000, 0xffff_8000_0800_0000],
                watchpoints: vec![hit.watch],
                shown: 1234,
                replays: (3, 400),
                taken: (5, 600),
            };
            assert_eq!(Command::decode(&c.encode()), Some(c.clone()));
        }
        assert_eq!(Command::decode(&[0, 1]), None);
    }
}
