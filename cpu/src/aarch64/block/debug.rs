//! The debugger's executor path: [`Cpu::run`] takes it instead of the fast one while
//! [`Cpu::debug`] is set (one check per `run` call; nothing changes for runs without a debugger).
//!
//! Before every instruction it checks the stops a debugger asked for ([`DebugState`]): a PC
//! breakpoint and an instruction count ([`DebugState::stop_at`]: single steps and re-execution
//! goals); a data watchpoint stops the instruction that makes the access. A stop returns
//! [`Exit::Debug`] with nothing of the instruction done and PC pointing at it.
//!
//! **Stops do not change the run.** Blocks decide where interrupts are sampled (at block starts)
//! and what the flight recorder sees, so a stop in the middle of a block must not split it:
//! the stopped block and its position are kept and the next `run` goes on inside it, with no
//! new interrupt sampling, as if it had never stopped. A machine run with stops is then the
//! same instruction for instruction as one without them (or with other stops), which is what
//! makes re-execution (reverse stepping) exact.
//!
//! Data watchpoints: the memory slow path ([`super::super::mem`]) checks accesses against the
//! watched ranges and never puts a page holding one into the data TLB, so every access to such
//! a page takes the slow path; the debugger flushes the TLB when it adds a watchpoint. An
//! access that hits ends the instruction as a data abort would, before the access
//! ([`Trap::Watch`]), and the core stops there: PC at the accessing instruction, as an AArch64
//! watchpoint exception leaves it and as gdb expects of AArch64 ("non-steppable" watchpoints:
//! gdb steps over the instruction itself, watchpoints removed, and then compares the value).
//! The instruction then runs once without watch checks ([`DebugState::pass`]).

use super::{Block, BlockCache, Env};
use crate::aarch64::exception::Trap;
use crate::aarch64::mem::{Bus, PAGE_MASK};
use crate::aarch64::state::{Cpu, Exit, Flow};
use crate::aarch64::trace::FlightRecorder;

/// What a data watchpoint watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchKind {
    /// Reads.
    Read,
    /// Writes.
    Write,
    /// Reads and writes.
    Access,
}

/// A watched range of virtual addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataWatch {
    /// First byte.
    pub addr: u64,
    /// Length in bytes (at least 1).
    pub len: u64,
    /// Which accesses hit.
    pub kind: WatchKind,
}

impl DataWatch {
    fn hit_by(&self, va: u64, size: u64, write: bool) -> bool {
        let kind_ok = match self.kind {
            WatchKind::Read => !write,
            WatchKind::Write => write,
            WatchKind::Access => true,
        };
        kind_ok && va < self.addr.wrapping_add(self.len) && self.addr < va.wrapping_add(size)
    }
}

/// A watched access: the watchpoint hit and whether the access was a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataHit {
    /// The watchpoint.
    pub watch: DataWatch,
    /// A write (else a read).
    pub write: bool,
}

/// Why the core stopped with [`Exit::Debug`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebugStop {
    /// PC is a breakpoint.
    Breakpoint,
    /// The previous instruction made a watched access.
    Data(DataHit),
    /// [`DebugState::stop_at`] was reached.
    Count,
    /// The debugger asked to stop (between the machine's rounds, not by the core).
    Interrupt,
}

/// The stopped block, to go on inside it.
struct Resume {
    block: Block,
    /// Index of the instruction to run next.
    next: usize,
    /// PC there (a debugger that moved PC forfeits the resume).
    pc: u64,
    /// Where the block started, for the flight recorder.
    pc0: u64,
    el0: u8,
    insn0: u64,
}

/// A debugger's stops on one vCPU.
pub struct DebugState {
    /// PC breakpoints (virtual addresses).
    pub breakpoints: Vec<u64>,
    /// Data watchpoints (virtual addresses).
    pub watchpoints: Vec<DataWatch>,
    /// Stop before an instruction when [`Cpu::insns`] is at least this (`u64::MAX`: never).
    pub stop_at: u64,
    /// The next instruction runs without watch checks (it stopped for a watchpoint).
    pub pass: bool,
    /// The watchpoint that stopped the current instruction, until the stop is taken.
    hit: Option<DataHit>,
    /// Why the last [`Exit::Debug`].
    pub stopped: Option<DebugStop>,
    resume: Option<Resume>,
}

impl Default for DebugState {
    fn default() -> Self {
        DebugState {
            breakpoints: Vec::new(),
            watchpoints: Vec::new(),
            stop_at: u64::MAX,
            pass: false,
            hit: None,
            stopped: None,
            resume: None,
        }
    }
}

impl DebugState {
    /// Whether the page of `va` holds a watched byte (kept out of the data TLB).
    pub fn watches_page(&self, va: u64) -> bool {
        let page = va & !PAGE_MASK;
        self.watchpoints.iter().any(|w| {
            let last = w.addr.wrapping_add(w.len.max(1) - 1);
            w.addr & !PAGE_MASK <= page && page <= last & !PAGE_MASK
        })
    }

    /// An access of `size` bytes at `va`: [`Trap::Watch`] when a watchpoint covers it (the
    /// access must not be made).
    pub fn check_access(&mut self, va: u64, size: u64, write: bool) -> Result<(), Trap> {
        if self.pass {
            return Ok(());
        }
        match self.watchpoints.iter().find(|w| w.hit_by(va, size, write)) {
            Some(w) => {
                self.hit = Some(DataHit { watch: *w, write });
                Err(Trap::Watch)
            }
            None => Ok(()),
        }
    }

    /// Forget where the core stopped (the debugger changed the vCPU's state).
    pub fn forget_resume(&mut self) {
        self.resume = None;
        self.pass = false;
    }
}

impl Cpu {
    /// [`Trap::Watch`]: the instruction is undone (nothing of it is architecturally visible:
    /// the trap comes before its access, as a data abort's) and the core stops at it.
    pub(crate) fn watch_stop(&mut self) -> Flow {
        self.insns -= 1;
        if let Some(d) = self.debug.as_mut() {
            if let Some(hit) = d.hit.take() {
                d.stopped = Some(DebugStop::Data(hit));
                d.pass = true;
            }
        }
        self.exit = Some(Exit::Debug);
        Flow::Exit
    }

    /// The stop due before the instruction at PC, if any.
    fn debug_check(&mut self) -> Option<DebugStop> {
        let pc = self.pc;
        let insns = self.insns;
        let d = self.debug.as_mut()?;
        let why = if insns >= d.stop_at {
            DebugStop::Count
        } else if d.breakpoints.contains(&pc) {
            DebugStop::Breakpoint
        } else {
            return None;
        };
        d.stopped = Some(why);
        Some(why)
    }

    /// [`Cpu::run`]'s loop while a debugger is attached (after the bindings), up to `end`.
    pub(super) fn run_debug(
        &mut self,
        cache: &mut BlockCache,
        bus: &mut dyn Bus,
        end: u64,
    ) -> Exit {
        loop {
            if self.insns >= end {
                return Exit::Budget;
            }
            let pc = self.pc;
            let resume = self
                .debug
                .as_mut()
                .and_then(|d| d.resume.take())
                .filter(|r| r.pc == pc);
            let (block, first, resumed, pc0, el0, insn0) = match resume {
                Some(r) => (r.block, r.next, true, r.pc0, r.el0, r.insn0),
                None => {
                    if self.async_signalled() {
                        self.take_interrupt();
                    }
                    self.follow_code_epoch(cache);
                    let Some(block) = self.fetch_block(cache, bus) else {
                        continue;
                    };
                    if block.pa & self.watch.mask == self.watch.value
                        && !std::mem::take(&mut self.watch.pass)
                    {
                        return Exit::Watch;
                    }
                    (block, 0, false, self.pc, self.el, self.insns)
                }
            };
            let room = (end - self.insns) as usize;
            let mut env = Env {
                bus: &mut *bus,
                code: &mut cache.code,
                end: 0,
            };
            let n = block.insns().len().min(first.saturating_add(room));
            let mut flow = Flow::Next;
            let mut i = first;
            while i < n {
                if !(resumed && i == first) && self.debug_check().is_some() {
                    if let Some(d) = self.debug.as_mut() {
                        d.resume = Some(Resume {
                            block,
                            next: i,
                            pc: self.pc,
                            pc0,
                            el0,
                            insn0,
                        });
                    }
                    return Exit::Debug;
                }
                self.insns += 1;
                let d = &block.insns()[i];
                let f = (d.exec)(self, &mut env, &d.ops);
                debug_assert!(f != Flow::Again, "a plain handler ran its block again");
                if let Some(dbg) = self.debug.as_mut() {
                    if f == Flow::Exit && self.exit == Some(Exit::Debug) {
                        // A watchpoint stopped the instruction: go on inside this block.
                        dbg.resume = Some(Resume {
                            block,
                            next: i,
                            pc: self.pc,
                            pc0,
                            el0,
                            insn0,
                        });
                        self.exit = None;
                        return Exit::Debug;
                    }
                    dbg.pass = false;
                }
                match f {
                    Flow::Next => self.pc = self.pc.wrapping_add(4),
                    f => {
                        flow = f;
                        break;
                    }
                }
                i += 1;
            }
            let pc_el = FlightRecorder::pc_el(pc0, el0);
            self.flight.record(block.pa, pc_el, insn0, self.insns);
            if flow == Flow::Exit {
                return self.exit.take().unwrap_or(Exit::Budget);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aarch64::exec::system::tests::{machine, BASE};

    const ADD_X1_1: u32 = 0x9100_0421; // add x1, x1, #1
    const HVC_1: u32 = 0xd400_0022; // hvc #1

    /// Stops at a breakpoint and at a count, mid-block, and goes on inside the same block: the
    /// flight recorder sees one block of 6, as without stops.
    #[test]
    fn stops_mid_block_and_resumes_inside_it() {
        let code = [ADD_X1_1, ADD_X1_1, ADD_X1_1, ADD_X1_1, ADD_X1_1, HVC_1];
        let (mut cpu, mut bus) = machine(&code);
        let mut cache = BlockCache::new();
        cpu.debug = Some(Box::default());
        cpu.debug.as_mut().unwrap().breakpoints.push(BASE + 8);
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Debug);
        assert_eq!((cpu.pc, cpu.insns, cpu.x[1]), (BASE + 8, 2, 2));
        assert_eq!(
            cpu.debug.as_ref().unwrap().stopped,
            Some(DebugStop::Breakpoint)
        );
        cpu.debug.as_mut().unwrap().stop_at = 4;
        assert_eq!(
            cpu.run(&mut cache, &mut bus, 100),
            Exit::Debug,
            "not the breakpoint again"
        );
        assert_eq!((cpu.pc, cpu.insns, cpu.x[1]), (BASE + 16, 4, 4));
        assert_eq!(cpu.debug.as_ref().unwrap().stopped, Some(DebugStop::Count));
        cpu.debug.as_mut().unwrap().stop_at = u64::MAX;
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(1));
        assert_eq!((cpu.insns, cpu.x[1]), (6, 5));
        let flight = cpu.flight.last(100, &|pa: u64, i: usize| cache.word(pa, i));
        assert_eq!(flight.len(), 6);
        assert!(flight.iter().enumerate().all(|(i, r)| r.insn == i as u64));
    }

    /// A write watchpoint stops the store itself, before it is made (PC at it, not counted);
    /// the store then runs once without the check, and the block goes on as without the stop.
    #[test]
    fn watchpoint_stops_before_the_access() {
        const STR_X1_X2: u32 = 0xf900_0041; // str x1, [x2]
        let code = [ADD_X1_1, STR_X1_X2, ADD_X1_1, HVC_1];
        let (mut cpu, mut bus) = machine(&code);
        let slot = BASE + 0x800;
        cpu.x[2] = slot;
        let watch = DataWatch {
            addr: slot,
            len: 8,
            kind: WatchKind::Write,
        };
        cpu.debug = Some(Box::new(DebugState {
            watchpoints: vec![watch],
            ..Default::default()
        }));
        let mut cache = BlockCache::new();
        let at = |bus: &crate::aarch64::flat::FlatBus| {
            let off = (slot - BASE) as usize;
            u64::from_le_bytes(bus.ram()[off..off + 8].try_into().unwrap())
        };
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Debug);
        assert_eq!((cpu.pc, cpu.insns, cpu.x[1], at(&bus)), (BASE + 4, 1, 1, 0));
        assert_eq!(
            cpu.debug.as_ref().unwrap().stopped,
            Some(DebugStop::Data(DataHit { watch, write: true }))
        );
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(1));
        assert_eq!((cpu.insns, cpu.x[1], at(&bus)), (4, 2, 1));
        let flight = cpu.flight.last(100, &|pa: u64, i: usize| cache.word(pa, i));
        assert_eq!(flight.len(), 4, "one block, as without the stop");
    }

    #[test]
    fn watch_ranges() {
        let w = DataWatch {
            addr: 0x1004,
            len: 4,
            kind: WatchKind::Write,
        };
        assert!(w.hit_by(0x1000, 8, true));
        assert!(!w.hit_by(0x1000, 4, true));
        assert!(!w.hit_by(0x1004, 4, false));
        let mut d = DebugState {
            watchpoints: vec![w],
            ..Default::default()
        };
        assert!(d.watches_page(0x1ff8) && !d.watches_page(0x2000) && !d.watches_page(0x0fff));
        assert_eq!(d.check_access(0x1000, 4, true), Ok(()));
        assert_eq!(d.check_access(0x1007, 1, true), Err(Trap::Watch));
        assert_eq!(
            d.hit,
            Some(DataHit {
                watch: w,
                write: true
            })
        );
        d.pass = true;
        assert_eq!(
            d.check_access(0x1007, 1, true),
            Ok(()),
            "the stopped instruction passes"
        );
    }
}
