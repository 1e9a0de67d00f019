//! A debugger's view of the machine: breakpoints and watchpoints on every vCPU, goals (a single
//! step, an instruction count), runs that stop and go on exactly where they stopped, and memory
//! access by physical or by virtual address (a read-only page walk: no TLB fill, no
//! access-flag update) for the gdb stub.
//!
//! Positions: a stop is "vCPU `cpu` about to run its next instruction when the machine has run
//! `at` instructions (over all vCPUs)". Runs are deterministic and stops do not change them
//! (see `bootemu_cpu::aarch64::block::debug`), so a machine built again from the same inputs
//! and run with [`Goal::At`] reaches the same position in the same state: that is how reverse
//! execution works.

use bootemu_cpu::aarch64::mem::{Access, PAGE_MASK, PAGE_SIZE};
use bootemu_cpu::aarch64::{Cpu, DataWatch, DebugState, DebugStop};

use super::{Machine, RunOutcome};

/// Where a debugger's run should stop besides breakpoints and watchpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Nowhere else.
    Continue,
    /// After vCPU `cpu` has run one instruction.
    Step {
        /// The vCPU.
        cpu: usize,
    },
    /// At the first instruction boundary of vCPU `cpu` at or after machine instruction count
    /// `at` (exact when the vCPU runs there).
    At {
        /// The vCPU.
        cpu: usize,
        /// The machine's instruction count.
        at: u64,
    },
}

/// How a debugger's run ended.
#[derive(Debug)]
pub enum DebugRun {
    /// A stop: `cpu` is about to run its next instruction, `at` instructions into the run.
    Stopped {
        /// The vCPU.
        cpu: usize,
        /// Why.
        stop: DebugStop,
        /// The machine's instruction count.
        at: u64,
    },
    /// The run reached the count set by [`Machine::set_debug_pause`], between two rounds (no
    /// vCPU is inside an instruction); the next call goes on towards the same goal.
    Paused {
        /// The machine's instruction count.
        at: u64,
    },
    /// The run is over (the machine cannot run on).
    Ended(Box<RunOutcome>),
}

/// The debugger's state in the machine.
pub(super) struct DebugCtl {
    /// The goal as a vCPU and its own count to stop at.
    goal: Option<(usize, GoalAt)>,
    /// The stop that ended the last piece of the run.
    pub(super) stopped: Option<(usize, DebugStop)>,
    /// Per vCPU: the machine count at which it ran its latest instruction.
    pub(super) last_insn_at: Vec<Option<u64>>,
    /// Asked between rounds whether the debugger wants the run to stop.
    poll: Option<Box<dyn FnMut() -> bool>>,
    /// Rounds since the last poll.
    since_poll: u32,
    /// Pause between rounds once the machine has run this many instructions.
    pause_at: Option<u64>,
    /// The last piece of the run ended at [`DebugCtl::pause_at`].
    paused: bool,
}

/// Rounds between two polls of the debugger (a round is at most [`super::QUANTUM`]
/// instructions per vCPU).
const POLL_ROUNDS: u32 = 32;

#[derive(Clone, Copy)]
enum GoalAt {
    /// The vCPU's own instruction count.
    Local(u64),
    /// The machine's instruction count.
    Machine(u64),
}

impl DebugCtl {
    /// Between rounds: whether the run must stop for the debugger (a stop already recorded,
    /// or the poll says so: then [`DebugStop::Interrupt`] on `cpu`).
    pub(super) fn stop_between_rounds(&mut self, cpu: usize, executed: u64) -> bool {
        if self.stopped.is_some() {
            return true;
        }
        if self.pause_at.is_some_and(|at| executed >= at) {
            self.pause_at = None;
            self.paused = true;
            return true;
        }
        self.since_poll += 1;
        if self.since_poll >= POLL_ROUNDS {
            self.since_poll = 0;
            if self.poll.as_mut().is_some_and(|p| p()) {
                self.stopped = Some((cpu, DebugStop::Interrupt));
                return true;
            }
        }
        false
    }

    /// Set vCPU `i`'s count stop before it runs; `executed` is the machine's count.
    pub(super) fn arm(&self, i: usize, cpu: &mut Cpu, executed: u64) {
        let Some(d) = cpu.debug.as_mut() else {
            return;
        };
        d.stop_at = match self.goal {
            Some((g, GoalAt::Local(n))) if g == i => n,
            Some((g, GoalAt::Machine(at))) if g == i => {
                cpu.insns.saturating_add(at.saturating_sub(executed))
            }
            _ => u64::MAX,
        };
    }
}

impl Machine {
    /// Give every vCPU a debugger's state: from now on the cores run the debugger's executor
    /// path and [`Machine::run_debug`] can stop anywhere.
    pub fn attach_debugger(&mut self) {
        for v in &mut self.vcpus {
            v.cpu.debug.get_or_insert_with(Box::default);
        }
        self.debug.get_or_insert_with(|| DebugCtl {
            goal: None,
            stopped: None,
            last_insn_at: vec![None; self.vcpus.len()],
            poll: None,
            since_poll: 0,
            pause_at: None,
            paused: false,
        });
    }

    /// Pause the debugger's run between rounds once the machine has run `at` instructions
    /// ([`DebugRun::Paused`]; `None`: no pause). Pausing does not change the run.
    pub fn set_debug_pause(&mut self, at: Option<u64>) {
        self.attach_debugger();
        if let Some(d) = self.debug.as_mut() {
            d.pause_at = at;
        }
    }

    /// Ask `poll` every few rounds whether to stop ([`DebugStop::Interrupt`]): a debugger's
    /// Ctrl-C. Stopping between rounds does not change the run.
    pub fn set_debug_poll(&mut self, poll: Box<dyn FnMut() -> bool>) {
        self.attach_debugger();
        if let Some(d) = self.debug.as_mut() {
            d.poll = Some(poll);
        }
    }

    /// Instructions run by all vCPUs so far.
    pub fn executed(&self) -> u64 {
        self.executed
    }

    /// The machine count at which vCPU `cpu` ran its latest instruction (while a debugger is
    /// attached).
    pub fn last_insn_at(&self, cpu: usize) -> Option<u64> {
        self.debug
            .as_ref()
            .and_then(|d| d.last_insn_at.get(cpu).copied().flatten())
    }

    /// Run towards `goal` until a stop or the instruction count `end`; the next call goes on
    /// exactly where this one stopped.
    pub fn run_debug(&mut self, goal: Goal, end: u64) -> DebugRun {
        self.attach_debugger();
        let goal = match goal {
            Goal::Continue => None,
            Goal::Step { cpu } => self
                .vcpus
                .get(cpu)
                .map(|v| (cpu, GoalAt::Local(v.cpu.insns + 1))),
            Goal::At { cpu, at } => Some((cpu, GoalAt::Machine(at))),
        };
        if let Some(d) = self.debug.as_mut() {
            d.goal = goal;
            d.stopped = None;
            d.paused = false;
        }
        match self.rounds(end) {
            Some(reason) => DebugRun::Ended(Box::new(self.finish(reason))),
            None if self.debug.as_ref().is_some_and(|d| d.paused) => {
                DebugRun::Paused { at: self.executed }
            }
            None => {
                let (cpu, stop) = self
                    .debug
                    .as_ref()
                    .and_then(|d| d.stopped)
                    .unwrap_or((0, DebugStop::Count));
                DebugRun::Stopped {
                    cpu,
                    stop,
                    at: self.executed,
                }
            }
        }
    }

    /// Set the PC breakpoints (virtual addresses) of every vCPU.
    pub fn set_breakpoints(&mut self, pcs: &[u64]) {
        for v in &mut self.vcpus {
            if let Some(d) = v.cpu.debug.as_mut() {
                d.breakpoints = pcs.to_vec();
            }
        }
    }

    /// Set the data watchpoints of every vCPU (their TLBs are flushed so that watched pages
    /// leave the fast path).
    pub fn set_watchpoints(&mut self, watches: &[DataWatch]) {
        for v in &mut self.vcpus {
            if let Some(d) = v.cpu.debug.as_mut() {
                d.watchpoints = watches.to_vec();
                d.pass = false;
                v.cpu.tlb.flush();
            }
        }
    }

    /// The debugger's state of vCPU `cpu`.
    pub fn debug_state(&mut self, cpu: usize) -> Option<&mut DebugState> {
        self.vcpus.get_mut(cpu)?.cpu.debug.as_deref_mut()
    }

    /// The physical address of virtual `va` as vCPU `cpu` translates a data read now (a
    /// read-only walk: no TLB fill, no access-flag update); `None` when it faults.
    pub fn debug_translate(&mut self, cpu: usize, va: u64) -> Option<u64> {
        let cpu = &self.vcpus.get(cpu)?.cpu;
        let idx = cpu.tlb.idx();
        cpu.translate(&mut self.board, va, Access::Read, idx, false)
            .ok()
            .map(|w| w.pa)
    }

    /// Read guest RAM or ROM at physical `pa` (no device is read); `None` when some byte is
    /// not memory.
    pub fn debug_read_phys(&self, pa: u64, len: usize) -> Option<Vec<u8>> {
        self.board
            .mem()
            .read(pa, len as u64)
            .ok()
            .map(<[u8]>::to_vec)
    }

    /// Read `len` bytes at virtual `va` as vCPU `cpu` sees them (translated page by page).
    pub fn debug_read_virt(&mut self, cpu: usize, va: u64, len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(len);
        let mut va = va;
        while out.len() < len {
            let n = ((PAGE_SIZE - (va & PAGE_MASK)) as usize).min(len - out.len());
            let pa = self.debug_translate(cpu, va)?;
            out.extend(self.debug_read_phys(pa, n)?);
            va = va.wrapping_add(n as u64);
        }
        Some(out)
    }

    /// Write guest RAM at physical `pa` from the debugger (decoded code there is dropped).
    pub fn debug_write_phys(&mut self, pa: u64, bytes: &[u8]) -> bool {
        if self.board.mem().read(pa, bytes.len() as u64).is_err()
            || self.board.write_mem(pa, bytes).is_err()
        {
            return false;
        }
        let mut page = pa & !PAGE_MASK;
        while page < pa + bytes.len() as u64 {
            self.cache.code.invalidate(page);
            page += PAGE_SIZE;
        }
        true
    }

    /// Write at virtual `va` as vCPU `cpu` translates it.
    pub fn debug_write_virt(&mut self, cpu: usize, va: u64, bytes: &[u8]) -> bool {
        let mut done = 0;
        let mut va = va;
        while done < bytes.len() {
            let n = ((PAGE_SIZE - (va & PAGE_MASK)) as usize).min(bytes.len() - done);
            let Some(pa) = self.debug_translate(cpu, va) else {
                return false;
            };
            if !self.debug_write_phys(pa, &bytes[done..done + n]) {
                return false;
            }
            done += n;
            va = va.wrapping_add(n as u64);
        }
        true
    }

    /// The kernel entry, once captured.
    pub fn handoff(&self) -> Option<&crate::entry::Handoff> {
        self.handoff.as_ref()
    }

    /// The virtual clock (system counter).
    pub fn virtual_time(&self) -> u64 {
        self.clock
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::gic::GicVersion;

    fn smp() -> Machine {
        machine_with(config(2, GicVersion::V2), SMP_V2, [0; 4])
    }

    fn regs(m: &Machine) -> Vec<(u64, [u64; 31])> {
        m.vcpus
            .iter()
            .map(|v| {
                let mut x = [0; 31];
                x.copy_from_slice(&v.cpu.x[..31]);
                (v.cpu.pc, x)
            })
            .collect()
    }

    /// Steps, breakpoints and a stop between rounds leave the run as it is without them: same
    /// outcome, same registers; and a machine built again reaches a stop's position in the same
    /// state.
    #[test]
    fn stops_do_not_change_the_run_and_positions_replay() {
        let mut plain = smp();
        let want = plain.run(1_000_000);
        let mut m = smp();
        m.attach_debugger();
        let mut stops = Vec::new();
        for _ in 0..20 {
            match m.run_debug(Goal::Step { cpu: 0 }, 1_000_000) {
                DebugRun::Stopped { cpu, at, stop } => {
                    assert_eq!((cpu, stop), (0, DebugStop::Count));
                    stops.push((at, regs(&m)));
                }
                other => panic!("{other:?}"),
            }
        }
        // The WFI of CPU 0 and CPU 1's first instructions.
        m.set_breakpoints(&[ENTRY + 23 * 4, ENTRY + 45 * 4]);
        let mut hits = 0;
        let got = loop {
            match m.run_debug(Goal::Continue, 1_000_000) {
                DebugRun::Stopped { stop, .. } => {
                    assert_eq!(stop, DebugStop::Breakpoint);
                    hits += 1;
                }
                DebugRun::Paused { at } => panic!("paused at {at}"),
                DebugRun::Ended(o) => break o,
            }
        };
        assert!(hits >= 2, "{hits}");
        assert_eq!(got.insns, want.insns);
        assert_eq!(got.clock, want.clock);
        assert_eq!(got.reason, want.reason);
        assert_eq!(regs(&m), regs(&plain));
        // Replay to the 12th step's position.
        let (at, want_regs) = &stops[11];
        let mut again = smp();
        match again.run_debug(Goal::At { cpu: 0, at: *at }, 1_000_000) {
            DebugRun::Stopped { at: a, .. } => assert_eq!(a, *at),
            other => panic!("{other:?}"),
        }
        assert_eq!(&regs(&again), want_regs);
        assert_eq!(again.last_insn_at(0), Some(at - 1));
    }

    /// Pauses every tenth of the run (where the gdb stub takes its snapshots) leave the run as
    /// it is without them, and each pause is at or after its count.
    #[test]
    fn pauses_do_not_change_the_run() {
        let spin2 = || machine_with(config(2, GicVersion::V2), SPIN2, [0; 4]);
        let mut plain = spin2();
        let want = plain.run(1_000_000);
        let every = (want.insns / 10).max(1);
        let mut m = spin2();
        let mut pauses = 0;
        let mut next = every;
        m.set_debug_pause(Some(next));
        let got = loop {
            match m.run_debug(Goal::Continue, 1_000_000) {
                DebugRun::Paused { at } => {
                    assert!(at >= next, "{at} < {next}");
                    pauses += 1;
                    next = at + every;
                    m.set_debug_pause(Some(next));
                }
                DebugRun::Stopped { stop, .. } => panic!("stopped: {stop:?}"),
                DebugRun::Ended(o) => break o,
            }
        };
        assert!(
            pauses >= 9,
            "{pauses} pauses in {} instructions",
            want.insns
        );
        assert_eq!(got.insns, want.insns);
        assert_eq!(got.clock, want.clock);
        assert_eq!(got.reason, want.reason);
        assert_eq!(regs(&m), regs(&plain));
    }
}
