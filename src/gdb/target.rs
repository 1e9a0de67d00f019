//! The gdbstub target: one machine, each vCPU a thread (tid = vCPU index + 1), and the
//! re-execution that gives reverse stepping and continuing (see the module documentation of
//! [`crate::gdb`]).

use std::rc::Rc;

use bootemu_cpu::aarch64::{DataWatch, DebugStop, WatchKind};
use bootemu_machine::machine::{DebugRun, Goal};
use bootemu_machine::{Machine, RunOutcome};
use gdbstub::common::{Signal, Tid};
use gdbstub::stub::MultiThreadStopReason;
use gdbstub::target::ext::base::multithread::{
    MultiThreadBase, MultiThreadResume, MultiThreadResumeOps, MultiThreadSchedulerLocking,
    MultiThreadSchedulerLockingOps, MultiThreadSingleStep, MultiThreadSingleStepOps,
};
use gdbstub::target::ext::base::reverse_exec::{
    ReplayLogPosition, ReverseCont, ReverseContOps, ReverseStep, ReverseStepOps,
};
use gdbstub::target::ext::base::single_register_access::{
    SingleRegisterAccess, SingleRegisterAccessOps,
};
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, HwBreakpoint, HwBreakpointOps, HwWatchpoint, HwWatchpointOps,
    SwBreakpoint, SwBreakpointOps,
};
use gdbstub::target::ext::exec_file::{ExecFile, ExecFileOps};
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::aarch64::reg::id::AArch64RegId;
use gdbstub_arch::aarch64::reg::AArch64CoreRegs;
use gdbstub_arch::aarch64::AArch64;

use super::console::SharedConsole;
use super::regs;
use super::snapshots::{finish as hand_exit_code, Arrive, Command, Goal as SnapGoal, Snapshots};

/// Builds the machine again from the run's inputs (its console shows only what was not shown).
pub type Rebuild<'a> = dyn FnMut() -> anyhow::Result<Machine> + 'a;

/// The stop reason gdb gets.
pub type Stop = MultiThreadStopReason<u64>;

/// What the next resume does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Continue,
    Step(usize),
    ReverseStep(usize),
    ReverseContinue,
}

/// The machine under gdb.
pub struct GdbTarget<'a> {
    /// The machine (replaced by a rebuilt one after reverse execution).
    pub machine: Machine,
    rebuild: &'a mut Rebuild<'a>,
    /// Why reverse execution is refused, if it is.
    no_reverse: Option<String>,
    /// The run's instruction budget (over all vCPUs).
    end: u64,
    breakpoints: Vec<u64>,
    watchpoints: Vec<DataWatch>,
    action: Action,
    /// Where the machine stands: the vCPU that stopped and the machine's count.
    pub position: (usize, u64),
    /// The outcome, once the run is over.
    pub outcome: Option<RunOutcome>,
    /// The gdb exit code of the outcome.
    exit_code: fn(&RunOutcome) -> u8,
    /// Re-executions so far and the instructions they ran (for `monitor`).
    pub replays: (u64, u64),
    /// The hand-off checks as of now, one line each (`monitor checks`).
    pub checks: Option<Box<Checks<'a>>>,
    /// Makes the poll for gdb's Ctrl-C of a machine.
    pub poll: Option<Box<PollMaker>>,
    /// The symbol file gdb is told is the executable ([`super::symfile`]).
    pub exec_file: Option<Vec<u8>>,
    /// The console every machine of the run writes to.
    pub console: Option<Rc<SharedConsole>>,
    /// Snapshots for reverse execution, when this host takes them.
    pub snapshots: Option<Snapshots>,
}

/// Makes a machine's poll for gdb's Ctrl-C ([`Machine::set_debug_poll`]).
pub type PollMaker = dyn Fn() -> Box<dyn FnMut() -> bool>;

/// Judges the hand-off so far: one line per check.
pub type Checks<'a> = dyn Fn(&Machine) -> Vec<String> + 'a;

fn tid(cpu: usize) -> Tid {
    Tid::new(cpu + 1).unwrap_or(Tid::MIN)
}

fn cpu_of(tid: Tid) -> usize {
    tid.get() - 1
}

impl<'a> GdbTarget<'a> {
    /// A target over `machine` (a debugger attached); `no_reverse` refuses reverse execution.
    pub fn new(
        mut machine: Machine,
        rebuild: &'a mut Rebuild<'a>,
        no_reverse: Option<String>,
        end: u64,
        exit_code: fn(&RunOutcome) -> u8,
    ) -> Self {
        machine.attach_debugger();
        GdbTarget {
            machine,
            rebuild,
            no_reverse,
            end,
            breakpoints: Vec::new(),
            watchpoints: Vec::new(),
            action: Action::Continue,
            position: (0, 0),
            outcome: None,
            exit_code,
            replays: (0, 0),
            checks: None,
            poll: None,
            exec_file: None,
            console: None,
            snapshots: None,
        }
    }

    fn vcpu_ok(&self, tid: Tid) -> Result<usize, TargetError<String>> {
        let c = cpu_of(tid);
        if c < self.machine.vcpus.len() {
            Ok(c)
        } else {
            Err(TargetError::NonFatal)
        }
    }

    /// Carry the pending resume out: `None` when the run paused for the debugger's poll
    /// (incoming data).
    pub fn go(&mut self) -> Result<Option<Stop>, String> {
        // The first snapshot: where gdb first lets the machine run.
        if self.snapshots.as_ref().is_some_and(|s| s.next_at() == 0) {
            if let Some(cmd) = self.snapshot() {
                return self.obey(cmd).map(Some);
            }
        }
        let action = std::mem::replace(&mut self.action, Action::Continue);
        match action {
            Action::Continue => self.run(Goal::Continue),
            Action::Step(cpu) => self.run(Goal::Step { cpu }),
            Action::ReverseStep(cpu) => self.reverse_step(cpu).map(Some),
            Action::ReverseContinue => self.reverse_continue().map(Some),
        }
    }

    fn arm(&mut self) {
        let (b, w) = (self.breakpoints.clone(), self.watchpoints.clone());
        self.machine.set_breakpoints(&b);
        self.machine.set_watchpoints(&w);
    }

    /// Take a snapshot where the machine stands: `Some` in a process woken from it later.
    fn snapshot(&mut self) -> Option<Command> {
        let at = self.machine.executed();
        let snaps = self.snapshots.as_mut()?;
        if snaps.orphaned() {
            // The process the user started is gone: so is the run.
            hand_exit_code(1);
        }
        if let Some(c) = &self.console {
            c.flush();
        }
        snaps.take(at)
    }

    /// Run towards `goal`, taking snapshots on the way; `Err` carries what a process woken
    /// from a snapshot reports instead.
    fn run_pausing(&mut self, goal: Goal) -> Result<DebugRun, Result<Stop, String>> {
        loop {
            let pause = self.snapshots.as_ref().map(Snapshots::next_at);
            self.machine.set_debug_pause(pause);
            match self.machine.run_debug(goal, self.end) {
                DebugRun::Paused { .. } => {
                    if let Some(cmd) = self.snapshot() {
                        return Err(self.obey(cmd));
                    }
                }
                other => return Ok(other),
            }
        }
    }

    fn run(&mut self, goal: Goal) -> Result<Option<Stop>, String> {
        self.arm();
        let run = match self.run_pausing(goal) {
            Ok(run) => run,
            Err(woken) => return woken.map(Some),
        };
        Ok(match run {
            DebugRun::Stopped { cpu, stop, at } => {
                self.position = (cpu, at);
                match stop {
                    DebugStop::Interrupt => None,
                    _ => Some(stop_reason(cpu, stop)),
                }
            }
            DebugRun::Paused { .. } => None,
            DebugRun::Ended(outcome) => {
                let code = (self.exit_code)(&outcome);
                self.outcome = Some(*outcome);
                Some(MultiThreadStopReason::Exited(code))
            }
        })
    }

    /// A machine built again and run to `(cpu, at)`, with `watch` (breakpoints and
    /// watchpoints armed) reporting every stop on the way.
    fn replay(
        &mut self,
        cpu: usize,
        at: u64,
        mut watch: Option<&mut dyn FnMut(usize, DebugStop, u64)>,
    ) -> Result<Machine, String> {
        if let Some(why) = &self.no_reverse {
            return Err(why.clone());
        }
        let mut m = (self.rebuild)().map_err(|e| format!("{e:#}"))?;
        m.attach_debugger();
        if watch.is_some() {
            m.set_breakpoints(&self.breakpoints);
            m.set_watchpoints(&self.watchpoints);
        }
        self.replays.0 += 1;
        loop {
            match m.run_debug(Goal::At { cpu, at }, self.end) {
                DebugRun::Stopped {
                    stop: DebugStop::Count,
                    ..
                } => break,
                DebugRun::Stopped {
                    cpu: c,
                    stop,
                    at: a,
                } => {
                    if let Some(w) = watch.as_mut() {
                        w(c, stop, a);
                    }
                }
                DebugRun::Paused { .. } => {}
                DebugRun::Ended(_) => {
                    return Err(
                        "the re-execution ended before the position (not deterministic?)".into(),
                    )
                }
            }
        }
        self.replays.1 += m.executed();
        Ok(m)
    }

    /// Take the replayed machine as the current one at `(cpu, at)`; snapshots after it go.
    fn adopt(&mut self, m: Machine, cpu: usize, at: u64) {
        self.machine = m;
        if let Some(p) = &self.poll {
            self.machine.set_debug_poll(p());
        }
        if let Some(s) = self.snapshots.as_mut() {
            s.drop_after(at);
        }
        self.position = (cpu, at);
    }

    /// The command that sends a snapshot to `goal` with gdb's state as it is now.
    fn command(&self, goal: SnapGoal) -> Command {
        Command {
            goal,
            breakpoints: self.breakpoints.clone(),
            watchpoints: self.watchpoints.clone(),
            shown: self.console.as_ref().map_or(0, |c| c.shown()),
            replays: self.replays,
            taken: self.snapshots.as_ref().map_or((0, 0), Snapshots::taken),
        }
    }

    /// Hand the run to the last snapshot at or before count `at` with `goal`; returns only
    /// when there is none (or it cannot be reached).
    fn hand_off(&mut self, at: u64, goal: SnapGoal) {
        let cmd = self.command(goal);
        let Some(snaps) = self.snapshots.as_mut() else {
            return;
        };
        if let Some(k) = snaps.before(at) {
            let e = snaps.hand_off(k, &cmd);
            say!("bootemu: snapshot unreachable ({e}): re-running from the start");
        }
    }

    /// Carry out what a snapshot was woken for (this process is the new active one).
    fn obey(&mut self, cmd: Command) -> Result<Stop, String> {
        self.breakpoints = cmd.breakpoints;
        self.watchpoints = cmd.watchpoints;
        self.replays = cmd.replays;
        self.replays.0 += 1;
        if let Some(c) = &self.console {
            c.set_shown(cmd.shown);
        }
        if let Some(s) = self.snapshots.as_mut() {
            s.set_taken(cmd.taken);
        }
        if let Some(p) = &self.poll {
            self.machine.set_debug_poll(p());
        }
        let from = self.machine.executed();
        match cmd.goal {
            SnapGoal::Goto { cpu, at, arrive } => {
                self.machine.set_breakpoints(&[]);
                self.machine.set_watchpoints(&[]);
                loop {
                    match self.run_pausing(Goal::At { cpu, at }) {
                        Err(woken) => return woken,
                        Ok(DebugRun::Stopped {
                            stop: DebugStop::Count,
                            ..
                        }) => break,
                        Ok(DebugRun::Stopped { .. } | DebugRun::Paused { .. }) => {}
                        Ok(DebugRun::Ended(_)) => {
                            return Err("the run from the snapshot ended before the position \
                                        (not deterministic?)"
                                .into())
                        }
                    }
                }
                self.replays.1 += self.machine.executed() - from;
                self.position = (cpu, at);
                Ok(match arrive {
                    Arrive::Trap => MultiThreadStopReason::SignalWithThread {
                        tid: tid(cpu),
                        signal: Signal::SIGTRAP,
                    },
                    Arrive::Hit(stop) => stop_reason(cpu, stop),
                    Arrive::Begin => MultiThreadStopReason::ReplayLog {
                        tid: Some(tid(cpu)),
                        pos: ReplayLogPosition::Begin,
                    },
                })
            }
            SnapGoal::Search { cpu, at } => {
                let last = self.search(cpu, at)?;
                self.replays.1 += self.machine.executed() - from;
                self.found(last, from)
            }
        }
    }

    /// Run from here to `(cpu, at)` (`cpu` [`ANY_CPU`]: to the machine count `at`) with
    /// breakpoints and watchpoints armed; the last hit before it.
    fn search(&mut self, cpu: usize, at: u64) -> Result<Option<(usize, DebugStop, u64)>, String> {
        self.arm();
        let goal = if cpu == ANY_CPU {
            Goal::Continue
        } else {
            Goal::At { cpu, at }
        };
        let mut last = None;
        loop {
            let pause = (cpu == ANY_CPU).then_some(at);
            self.machine.set_debug_pause(pause);
            match self.machine.run_debug(goal, self.end) {
                DebugRun::Stopped {
                    stop: DebugStop::Count,
                    ..
                } => break,
                DebugRun::Stopped {
                    cpu: c,
                    stop: stop @ (DebugStop::Breakpoint | DebugStop::Data(_)),
                    at: a,
                } => {
                    if a < at || cpu != ANY_CPU {
                        last = Some((c, stop, a));
                    }
                }
                DebugRun::Stopped { .. } => {}
                DebugRun::Paused { .. } => break,
                DebugRun::Ended(_) => {
                    return Err(
                        "the run from the snapshot ended before the position (not deterministic?)"
                            .into(),
                    )
                }
            }
        }
        Ok(last)
    }

    /// After a search from the snapshot at count `from`: go to the hit found, or search the
    /// interval before the snapshot, or go to the beginning.
    fn found(&mut self, last: Option<(usize, DebugStop, u64)>, from: u64) -> Result<Stop, String> {
        match last {
            Some((cpu, stop, at)) => {
                let arrive = Arrive::Hit(stop);
                self.hand_off(at, SnapGoal::Goto { cpu, at, arrive });
                let m = self.replay(cpu, at, None)?;
                self.adopt(m, cpu, at);
                Ok(stop_reason(cpu, stop))
            }
            None if from == 0 => {
                let arrive = Arrive::Begin;
                self.hand_off(
                    0,
                    SnapGoal::Goto {
                        cpu: 0,
                        at: 0,
                        arrive,
                    },
                );
                let m = self.replay(0, 0, None)?;
                self.adopt(m, 0, 0);
                Ok(MultiThreadStopReason::ReplayLog {
                    tid: Some(tid(0)),
                    pos: ReplayLogPosition::Begin,
                })
            }
            None => {
                if from > 0 {
                    let goal = SnapGoal::Search {
                        cpu: ANY_CPU,
                        at: from,
                    };
                    self.hand_off(from - 1, goal);
                }
                // No snapshot before: re-execute from the start.
                self.reverse_continue_from_start(ANY_CPU, from)
            }
        }
    }

    fn reverse_step(&mut self, cpu: usize) -> Result<Stop, String> {
        let Some(at) = self.machine.last_insn_at(cpu) else {
            return Ok(MultiThreadStopReason::ReplayLog {
                tid: Some(tid(cpu)),
                pos: ReplayLogPosition::Begin,
            });
        };
        if self.no_reverse.is_none() {
            let arrive = Arrive::Trap;
            self.hand_off(at, SnapGoal::Goto { cpu, at, arrive });
        }
        let m = self.replay(cpu, at, None)?;
        self.adopt(m, cpu, at);
        Ok(MultiThreadStopReason::SignalWithThread {
            tid: tid(cpu),
            signal: Signal::SIGTRAP,
        })
    }

    fn reverse_continue(&mut self) -> Result<Stop, String> {
        let (cpu, at) = self.position;
        if self.no_reverse.is_none() {
            self.hand_off(at, SnapGoal::Search { cpu, at });
        }
        self.reverse_continue_from_start(cpu, at)
    }

    /// `reverse-continue` by re-execution from the start: every breakpoint and watchpoint
    /// hit before `(cpu, at)` (`cpu` [`ANY_CPU`]: before the count `at`), then to the last.
    fn reverse_continue_from_start(&mut self, cpu: usize, at: u64) -> Result<Stop, String> {
        let mut last: Option<(usize, DebugStop, u64)> = None;
        let mut record = |c: usize, s: DebugStop, a: u64| {
            if matches!(s, DebugStop::Breakpoint | DebugStop::Data(_)) && (cpu != ANY_CPU || a < at)
            {
                last = Some((c, s, a));
            }
        };
        // First pass: every hit before the position (with any vCPU, to the first one there).
        let until = if cpu == ANY_CPU { 0 } else { cpu };
        self.replay(until, at, Some(&mut record))?;
        let Some((cpu, stop, at)) = last else {
            let m = self.replay(0, 0, None)?;
            self.adopt(m, 0, 0);
            return Ok(MultiThreadStopReason::ReplayLog {
                tid: Some(tid(0)),
                pos: ReplayLogPosition::Begin,
            });
        };
        // Second pass: to the last of them.
        let m = self.replay(cpu, at, None)?;
        self.adopt(m, cpu, at);
        Ok(stop_reason(cpu, stop))
    }

    /// One line per snapshot, and the totals (`monitor snapshots`).
    pub fn describe_snapshots(&self) -> Vec<String> {
        let Some(s) = self.snapshots.as_ref() else {
            return vec![match &self.no_reverse {
                Some(why) => format!("no reverse execution: {why}"),
                None => "no snapshots: reverse execution re-runs from the start".to_string(),
            }];
        };
        let (n, micros) = s.taken();
        let mut lines = vec![format!(
            "snapshots every {} instructions (at most {} kept, {} MiB); {n} taken, forks took {} us \
             in all; {} KiB held",
            s.every,
            s.max,
            s.memory_kib / 1024,
            micros,
            s.own_memory_kib()
        )];
        lines.extend(s.describe());
        lines
    }
}

/// A search bound that is a machine count, whichever vCPU runs there.
const ANY_CPU: usize = usize::MAX;

fn stop_reason(cpu: usize, stop: DebugStop) -> Stop {
    let tid = tid(cpu);
    match stop {
        DebugStop::Breakpoint => MultiThreadStopReason::SwBreak(tid),
        DebugStop::Data(hit) => MultiThreadStopReason::Watch {
            tid,
            kind: match hit.watch.kind {
                WatchKind::Read => gdbstub::target::ext::breakpoints::WatchKind::Read,
                WatchKind::Write => gdbstub::target::ext::breakpoints::WatchKind::Write,
                WatchKind::Access => gdbstub::target::ext::breakpoints::WatchKind::ReadWrite,
            },
            addr: hit.watch.addr,
        },
        DebugStop::Count => MultiThreadStopReason::SignalWithThread {
            tid,
            signal: Signal::SIGTRAP,
        },
        DebugStop::Interrupt => MultiThreadStopReason::SignalWithThread {
            tid,
            signal: Signal::SIGINT,
        },
    }
}

impl Target for GdbTarget<'_> {
    type Arch = AArch64;
    type Error = String;

    fn base_ops(&mut self) -> gdbstub::target::ext::base::BaseOps<'_, Self::Arch, Self::Error> {
        gdbstub::target::ext::base::BaseOps::MultiThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_monitor_cmd(
        &mut self,
    ) -> Option<gdbstub::target::ext::monitor_cmd::MonitorCmdOps<'_, Self>> {
        Some(self)
    }

    fn guard_rail_implicit_sw_breakpoints(&self) -> bool {
        true
    }

    fn support_exec_file(&mut self) -> Option<ExecFileOps<'_, Self>> {
        self.exec_file.as_ref()?;
        Some(self)
    }
}

impl ExecFile for GdbTarget<'_> {
    fn get_exec_file(
        &self,
        _: Option<gdbstub::common::Pid>,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let path = self.exec_file.as_deref().unwrap_or_default();
        let start = (offset as usize).min(path.len());
        let n = length.min(buf.len()).min(path.len() - start);
        buf[..n].copy_from_slice(&path[start..start + n]);
        Ok(n)
    }
}

impl MultiThreadBase for GdbTarget<'_> {
    fn read_registers(&mut self, r: &mut AArch64CoreRegs, tid: Tid) -> TargetResult<(), Self> {
        let c = self.vcpu_ok(tid)?;
        *r = regs::read_core(&self.machine.vcpus[c].cpu);
        Ok(())
    }

    fn write_registers(&mut self, r: &AArch64CoreRegs, tid: Tid) -> TargetResult<(), Self> {
        let c = self.vcpu_ok(tid)?;
        regs::write_core(&mut self.machine.vcpus[c].cpu, r);
        Ok(())
    }

    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, Tid, Self>> {
        Some(self)
    }

    fn read_addrs(&mut self, start: u64, data: &mut [u8], tid: Tid) -> TargetResult<usize, Self> {
        let c = self.vcpu_ok(tid)?;
        // Page by page: a partial read stops at the first page that does not translate.
        let mut done = 0;
        while done < data.len() {
            let va = start.wrapping_add(done as u64);
            let n = (0x1000 - (va & 0xfff) as usize).min(data.len() - done);
            match self.machine.debug_read_virt(c, va, n) {
                Some(bytes) => data[done..done + n].copy_from_slice(&bytes),
                None => break,
            }
            done += n;
        }
        if done == 0 {
            return Err(TargetError::NonFatal);
        }
        Ok(done)
    }

    fn write_addrs(&mut self, start: u64, data: &[u8], tid: Tid) -> TargetResult<(), Self> {
        let c = self.vcpu_ok(tid)?;
        if self.machine.debug_write_virt(c, start, data) {
            Ok(())
        } else {
            Err(TargetError::NonFatal)
        }
    }

    fn list_active_threads(&mut self, f: &mut dyn FnMut(Tid)) -> Result<(), Self::Error> {
        for c in 0..self.machine.vcpus.len() {
            f(tid(c));
        }
        Ok(())
    }

    fn support_resume(&mut self) -> Option<MultiThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleRegisterAccess<Tid> for GdbTarget<'_> {
    fn read_register(
        &mut self,
        tid: Tid,
        id: AArch64RegId,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let c = self.vcpu_ok(tid)?;
        let m = &mut self.machine;
        Ok(regs::read_one(&m.vcpus[c].cpu, &mut m.board, id, buf))
    }

    fn write_register(&mut self, tid: Tid, id: AArch64RegId, val: &[u8]) -> TargetResult<(), Self> {
        let c = self.vcpu_ok(tid)?;
        let m = &mut self.machine;
        if regs::write_one(&mut m.vcpus[c].cpu, &mut m.board, id, val) {
            Ok(())
        } else {
            Err(TargetError::NonFatal)
        }
    }
}

impl MultiThreadResume for GdbTarget<'_> {
    fn resume(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }

    fn clear_resume_actions(&mut self) -> Result<(), Self::Error> {
        self.action = Action::Continue;
        Ok(())
    }

    fn set_resume_action_continue(&mut self, _: Tid, _: Option<Signal>) -> Result<(), String> {
        Ok(())
    }

    fn support_single_step(&mut self) -> Option<MultiThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    fn support_scheduler_locking(&mut self) -> Option<MultiThreadSchedulerLockingOps<'_, Self>> {
        Some(self)
    }

    fn support_reverse_step(&mut self) -> Option<ReverseStepOps<'_, Tid, Self>> {
        match self.no_reverse {
            None => Some(self),
            Some(_) => None,
        }
    }

    fn support_reverse_cont(&mut self) -> Option<ReverseContOps<'_, Tid, Self>> {
        match self.no_reverse {
            None => Some(self),
            Some(_) => None,
        }
    }
}

/// gdb locks the scheduler to step one thread (over a breakpoint, say). The machine keeps its
/// own schedule (freezing vCPUs would change the run, and re-execution could not reach it):
/// the other vCPUs run on until the stepped one has run its instruction, usually none at all
/// since a stopped vCPU is in the middle of its slice.
impl MultiThreadSchedulerLocking for GdbTarget<'_> {
    fn set_resume_action_scheduler_lock(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl MultiThreadSingleStep for GdbTarget<'_> {
    fn set_resume_action_step(&mut self, tid: Tid, _: Option<Signal>) -> Result<(), String> {
        self.action = Action::Step(cpu_of(tid));
        Ok(())
    }
}

/// gdb does not name the thread of a reverse step unless the scheduler is locked (it sends
/// `Hc0`, "any thread", which gdbstub hands over as the first thread): then the vCPU that
/// stopped last is the one stepped back, as gdb shows it as the current thread.
impl ReverseStep<Tid> for GdbTarget<'_> {
    fn reverse_step(&mut self, tid: Tid) -> Result<(), Self::Error> {
        let cpu = match cpu_of(tid) {
            0 => self.position.0,
            c => c,
        };
        self.action = Action::ReverseStep(cpu);
        Ok(())
    }
}

impl ReverseCont<Tid> for GdbTarget<'_> {
    fn reverse_cont(&mut self) -> Result<(), Self::Error> {
        self.action = Action::ReverseContinue;
        Ok(())
    }
}

impl Breakpoints for GdbTarget<'_> {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_breakpoint(&mut self) -> Option<HwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

impl GdbTarget<'_> {
    fn add_pc(&mut self, addr: u64) -> bool {
        if !self.breakpoints.contains(&addr) {
            self.breakpoints.push(addr);
        }
        true
    }

    fn remove_pc(&mut self, addr: u64) -> bool {
        let before = self.breakpoints.len();
        self.breakpoints.retain(|&a| a != addr);
        self.breakpoints.len() != before
    }
}

impl SwBreakpoint for GdbTarget<'_> {
    fn add_sw_breakpoint(&mut self, addr: u64, _: usize) -> TargetResult<bool, Self> {
        Ok(self.add_pc(addr))
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _: usize) -> TargetResult<bool, Self> {
        Ok(self.remove_pc(addr))
    }
}

impl HwBreakpoint for GdbTarget<'_> {
    fn add_hw_breakpoint(&mut self, addr: u64, _: usize) -> TargetResult<bool, Self> {
        Ok(self.add_pc(addr))
    }

    fn remove_hw_breakpoint(&mut self, addr: u64, _: usize) -> TargetResult<bool, Self> {
        Ok(self.remove_pc(addr))
    }
}

fn watch_of(addr: u64, len: u64, kind: gdbstub::target::ext::breakpoints::WatchKind) -> DataWatch {
    use gdbstub::target::ext::breakpoints::WatchKind as K;
    DataWatch {
        addr,
        len: len.max(1),
        kind: match kind {
            K::Read => WatchKind::Read,
            K::Write => WatchKind::Write,
            K::ReadWrite => WatchKind::Access,
        },
    }
}

impl HwWatchpoint for GdbTarget<'_> {
    fn add_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: gdbstub::target::ext::breakpoints::WatchKind,
    ) -> TargetResult<bool, Self> {
        let w = watch_of(addr, len, kind);
        if !self.watchpoints.contains(&w) {
            self.watchpoints.push(w);
        }
        Ok(true)
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: gdbstub::target::ext::breakpoints::WatchKind,
    ) -> TargetResult<bool, Self> {
        let w = watch_of(addr, len, kind);
        let before = self.watchpoints.len();
        self.watchpoints.retain(|x| *x != w);
        Ok(self.watchpoints.len() != before)
    }
}
