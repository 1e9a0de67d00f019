//! The kernel-entry watch of an x86 firmware boot: someone else's loader hands over to the
//! kernel, and the machine stops the vCPU before the kernel's first instruction to have the
//! handoff judged on the state it really holds and the memory it really sees.
//!
//! Mechanism (cheap by construction): the kernel's entry points are the kernel file's bytes
//! ([`bootemu_boot::x86::found::KernelSigs`]); the vCPU's watch ([`bootemu_cpu::x86_64::Cpu`]'s
//! `watch`, a physical-address mask and value) is compared when a block is *built* (a code
//! cache miss), never per instruction, and returns `Exit::Watch` before anything of the block
//! runs. The machine then compares the file's bytes at that address: the kernel, captured
//! ([`X86Handoff`]) and judged by the run's judge; not the kernel, let through (`watch.pass_at`, that address only)
//! with the watch still armed. Once captured, the watch is disarmed.
//!
//! Limitations:
//! - only the entries [`KernelSigs`] lists are watched: a bzImage's `startup_64` and
//!   `startup_32`, an ELF's PVH entry and `e_entry`; not the EFI handover entry
//!   (`handover_offset`), so a loader entering there is never seen entering the kernel;
//! - a watch that never matches stays armed for the whole run: a mask compare per code cache
//!   miss (never per instruction), and a stop and a byte comparison per block built at a
//!   candidate address (for a bzImage, page offsets 0x000 and 0x200);
//! - a loader that jumps into code already decoded at the entry's address (the kernel copied
//!   over code that ran, without a store the code cache sees) is not seen; stores drop
//!   decoded code, so a copied kernel is always decoded afresh.

use bootemu_boot::x86::found::{Found, KernelSigs};
use bootemu_boot::x86::X86EntryState;
use bootemu_cpu::x86_64::Watch;

use super::machine::{capture, X86Machine, X86Stop};

/// Guest memory as the judge reads it: `len` bytes at an address, `None` outside RAM.
pub type MemRead<'a> = &'a dyn Fn(u64, u64) -> Option<Vec<u8>>;

/// Judges the handoff when the kernel is entered; returns whether the run stops there.
pub type EntryJudge = Box<dyn FnMut(&X86Handoff, MemRead) -> bool>;

/// What was captured at the kernel's entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86Handoff {
    /// Which entry, where, and the kernel's load address.
    pub found: Found,
    /// The vCPU's state before the entry's first instruction.
    pub state: X86EntryState,
    /// Instructions executed before it.
    pub at_insn: u64,
}

/// The watch's state in the machine.
#[derive(Default)]
pub struct EntryWatchState {
    sigs: Option<KernelSigs>,
    judge: Option<EntryJudge>,
    handoff: Option<X86Handoff>,
}

impl EntryWatchState {
    /// The vCPU watch for now: the kernel's entries until it is captured, then none.
    pub(super) fn core_watch(&self) -> Watch {
        match (&self.sigs, &self.handoff) {
            (Some(k), None) => {
                let (mask, value) = k.watch();
                Watch {
                    mask,
                    value,
                    pass_at: None,
                }
            }
            _ => Watch::default(),
        }
    }
}

impl X86Machine {
    /// Watch for the kernel `sigs` describes; `judge` is called once, at its entry.
    pub fn watch_kernel_entry(&mut self, sigs: KernelSigs, judge: EntryJudge) {
        self.entry.sigs = Some(sigs);
        self.entry.judge = Some(judge);
        self.cpu.watch = self.entry.core_watch();
    }

    /// The handoff captured at the kernel's entry (`None`: not reached).
    pub fn handoff(&self) -> Option<&X86Handoff> {
        self.entry.handoff.as_ref()
    }

    /// The vCPU stopped before building a watched block at `pa`: capture and judge if it is
    /// the kernel's entry, else let it run on. `Some`: the run stops.
    pub(super) fn on_watch(&mut self, pa: u64) -> Option<X86Stop> {
        let mem = |a: u64, l: u64| self.read_mem(a, l);
        let found = match (&self.entry.sigs, &self.entry.handoff) {
            (Some(k), None) => k.matches(pa, &mem),
            _ => None,
        };
        let Some(found) = found else {
            self.cpu.watch.pass_at = Some(pa);
            return None;
        };
        let h = X86Handoff {
            found,
            state: capture(&self.cpu),
            at_insn: self.executed(),
        };
        self.cpu.watch = Watch::default();
        let stop = match self.entry.judge.as_mut() {
            Some(judge) => {
                let board = &self.board;
                let mem = |a: u64, l: u64| board.mem().read(a, l).ok().map(<[u8]>::to_vec);
                judge(&h, &mem)
            }
            None => false,
        };
        self.entry.handoff = Some(h);
        stop.then_some(X86Stop::StoppedAtEntry)
    }
}
