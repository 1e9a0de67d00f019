//! Architectural state of one A64 vCPU and the pre-decoded operand record.
//!
//! General-purpose registers live in one array with two extra slots so that handlers never branch
//! on register 31: operand fields are resolved at decode time to [`REG_SP`] (the current stack
//! pointer), [`REG_ZR_READ`] (always zero) or [`REG_ZR_WRITE`] (a sink for writes to XZR).

use std::collections::BTreeMap;

use super::block::JumpCache;
use super::flags::Flags;
use super::mem::Tlb;
use super::sysreg::SysRegs;
use super::trace::{FlightRecorder, TraceBuf};

/// Slot of the current stack pointer (SP_ELx selected by PSTATE.SP and EL).
pub const REG_SP: u8 = 31;
/// Slot read for XZR/WZR: never written, always zero.
pub const REG_ZR_READ: u8 = 32;
/// Slot written for XZR/WZR: a sink, never read as an operand.
pub const REG_ZR_WRITE: u8 = 33;
/// Number of register slots: 34 are used; the array has one per `u8` slot index, so that a
/// handler indexes it with an operand's slot as it is (no mask, no bounds check: one host
/// instruction less per register operand). The unused slots are never touched.
pub const REG_SLOTS: usize = 256;

/// What a handler tells the executor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Continue with the next instruction of the block (PC += 4 is done by the executor).
    Next,
    /// The handler set `cpu.pc` (branch, exception entry, ERET): end the block.
    Jump,
    /// The handler needs the machine: PC already points at the next instruction to run and
    /// `cpu.exit` says why.
    Exit,
    /// Only from the threaded form of a branch that closes a loop of one block
    /// ([`crate::aarch64::decode::loops`]): the branch went back to its block's first
    /// instruction where a block start would not act, and counted the block's next run; the
    /// executor runs the block again at once. Plain handlers never return it.
    Again,
}

/// Why the core stopped running and handed control back to the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The instruction budget given to [`super::Core::run`] is spent.
    Budget,
    /// HVC #imm executed at EL1 with no EL2 implemented: a hypervisor call for the machine
    /// (PSCI). PC points after the HVC.
    Hvc(u16),
    /// SMC #imm executed with no EL3 implemented: a secure monitor call for the machine.
    Smc(u16),
    /// WFI: nothing to run until an interrupt. PC points after the WFI.
    Wfi,
    /// WFE with the event register clear: nothing to run until an event or an interrupt.
    /// PC points after the WFE.
    Wfe,
    /// The trace buffer is full and must be drained before running on.
    TraceFull,
    /// State the machine schedules on changed (a timer was reprogrammed, WFE, SEV): look at it
    /// and run on. PC points at the next instruction.
    Yield,
    /// A block whose physical address matches [`Cpu::watch`] is about to run (nothing of it
    /// has run; PC points at it). The machine looks, then sets `watch.pass` to run on.
    Watch,
    /// A debugger's stop ([`Cpu::debug`]): PC points at the next instruction, nothing of it
    /// has run; `debug.stopped` says why.
    Debug,
}

pub use crate::watch::Watch;

/// Interrupt lines into one vCPU, driven by the machine's interrupt controller and sampled by
/// the core at block boundaries. Shared through an `Arc` so the controller can hold them.
#[derive(Debug, Default)]
pub struct IrqLines(std::sync::atomic::AtomicU32);

impl IrqLines {
    /// The IRQ line.
    pub const IRQ: u32 = 1;
    /// The FIQ line.
    pub const FIQ: u32 = 2;
    /// The SError line.
    pub const SERROR: u32 = 4;

    /// Current levels (a set of the constants above).
    #[inline]
    pub fn get(&self) -> u32 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Drive the lines to `levels`.
    pub fn set(&self, levels: u32) {
        self.0.store(levels, std::sync::atomic::Ordering::Relaxed)
    }
}

/// Operands of one pre-decoded instruction: the argument set shared by all encodings.
///
/// Each decode shape in [`super::decode`] fills the fields it names; the meaning of a field is the
/// one its name says (`rd` destination slot, `rn`/`rm`/`ra` source slots, `imm` the decoded
/// immediate, `sf` 64-bit operation, `op`/`op2`/`shift` small selectors documented per shape).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ops {
    /// Destination register slot (or transfer register Rt).
    pub rd: u8,
    /// First source register slot (base register for memory accesses).
    pub rn: u8,
    /// Second source register slot.
    pub rm: u8,
    /// Third register slot (Ra of multiply-accumulate, Rt2 of pairs, Rs of exclusives, the
    /// read view of Rd for MOVK/BFM).
    pub ra: u8,
    /// 64-bit operation (sf = 1).
    pub sf: bool,
    /// Small selector: shift type, extend type, condition, access size… per shape.
    pub op: u8,
    /// Second small selector per shape.
    pub op2: u8,
    /// Shift amount or bit position per shape.
    pub shift: u8,
    /// Decoded immediate (sign-extended where the instruction says so).
    pub imm: u64,
}

/// Counters kept for the run report.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// UNDEFINED instruction words hit, with how often each was executed.
    pub undefined: BTreeMap<u32, u64>,
    /// What the vCPU did besides executing instructions.
    pub activity: Activity,
}

/// What a vCPU did besides executing instructions, counted on cold paths (for the boot
/// timeline's spans).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    /// Exceptions taken (synchronous, interrupts, SErrors).
    pub exceptions: u64,
    /// Device (MMIO) accesses made by loads and stores.
    pub device_accesses: u64,
}

impl Activity {
    /// Both counts summed.
    pub fn plus(self, o: Activity) -> Activity {
        Activity {
            exceptions: self.exceptions + o.exceptions,
            device_accesses: self.device_accesses + o.device_accesses,
        }
    }

    /// What happened since `earlier` (0 where `earlier` is ahead).
    pub fn since(self, earlier: Activity) -> Activity {
        Activity {
            exceptions: self.exceptions.saturating_sub(earlier.exceptions),
            device_accesses: self.device_accesses.saturating_sub(earlier.device_accesses),
        }
    }
}

/// One A64 vCPU: registers, PSTATE, system registers, TLB and counters.
pub struct Cpu {
    /// X0–X30, current SP, zero slot, sink slot (see [`REG_SP`]).
    pub x: [u64; REG_SLOTS],
    /// V0–V31, the SIMD&FP registers (B/H/S/D/Q views are the low bits).
    pub v: [u128; 32],
    /// Program counter of the instruction being executed.
    pub pc: u64,
    /// PSTATE.NZCV, one word per flag ([`Cpu::nzcv`] packs them).
    pub flags: Flags,
    /// Instructions retired since reset.
    pub insns: u64,
    /// Where a threaded run stopped early: the address of the entry that stopped it
    /// ([`super::decode::step`]).
    pub(crate) stopped_at: usize,
    /// Current exception level (0..=2). Change it with [`Cpu::set_el_sp`], which also selects
    /// the TLB set of the new EL.
    pub el: u8,
    /// PSTATE.SP: use SP_ELx (true) or SP_EL0 (false) at EL1/EL2.
    pub sp_sel: bool,
    /// PSTATE.{D,A,I,F} in bits 9:6 (the DAIF register layout).
    pub daif: u32,
    /// Banked stack pointers SP_EL0..SP_EL2; the entry of the current one is stale while it is
    /// live in `x[REG_SP]`.
    pub sp_el: [u64; 3],
    /// Highest implemented exception level (1 or 2).
    pub max_el: u8,
    /// System registers with storage.
    pub sys: SysRegs,
    /// Exclusive monitor: the address and size of the last load-exclusive, if still open.
    pub exclusive: Option<(u64, u8)>,
    /// Why the last `Flow::Exit` happened.
    pub exit: Option<Exit>,
    /// Software TLB: guest virtual page to host pointer.
    pub tlb: Tlb,
    /// Counters for the report.
    pub stats: Stats,
    /// Set when a store hit a page holding decoded code.
    pub code_written: bool,
    /// Blocks recently run by this vCPU.
    pub jumps: JumpCache,
    /// Trace records, when tracing.
    pub trace: Option<TraceBuf>,
    /// The last blocks run, for failure reports.
    pub flight: FlightRecorder,
    /// Index of this vCPU in its machine (0 for the boot CPU).
    pub id: u32,
    /// Interrupt lines from the machine's interrupt controller.
    pub irq: std::sync::Arc<IrqLines>,
    /// The event register (set by SEV/SEVL, exception return, cleared by WFE).
    pub event: bool,
    /// SEV executed: the machine sets the event register of every other vCPU and clears this.
    pub sent_event: bool,
    /// Virtual time: the system counter (CNTPCT) reads `insns + time_offset`; the machine moves
    /// it forward when every vCPU idles (WFI) and aligns vCPUs' time slices.
    pub time_offset: u64,
    /// The physical block start the machine watches for (kernel entry).
    pub watch: Watch,
    /// A debugger's breakpoints, watchpoints and stops; while set, [`Cpu::run`] takes the
    /// debugger's executor path ([`super::block::debug`]).
    pub debug: Option<Box<super::block::debug::DebugState>>,
}

impl Cpu {
    /// A vCPU in its reset state at `el` (1 or 2), with `max_el` implemented, PC = 0.
    pub fn new(max_el: u8) -> Self {
        let mut cpu = Cpu {
            x: [0; REG_SLOTS],
            pc: 0,
            flags: Flags::default(),
            stopped_at: 0,
            insns: 0,
            el: max_el,
            sp_sel: true,
            daif: 0xf << 6,
            sp_el: [0; 3],
            max_el,
            sys: SysRegs::default(),
            exclusive: None,
            exit: None,
            tlb: Tlb::default(),
            stats: Stats::default(),
            code_written: false,
            jumps: JumpCache::default(),
            trace: None,
            flight: FlightRecorder::default(),
            v: [0; 32],
            id: 0,
            irq: Default::default(),
            time_offset: 0,
            event: false,
            sent_event: false,
            watch: Watch::default(),
            debug: None,
        };
        cpu.sys.reset();
        cpu.tlb.switch(cpu.el as usize);
        cpu
    }

    /// Index into `sp_el` of the stack pointer selected by the current EL and PSTATE.SP.
    #[inline]
    pub fn sp_index(&self) -> usize {
        if self.sp_sel {
            self.el as usize
        } else {
            0
        }
    }

    /// Change EL and/or PSTATE.SP, banking the live stack pointer.
    pub fn set_el_sp(&mut self, el: u8, sp_sel: bool) {
        let old = self.sp_index();
        self.sp_el[old] = self.x[REG_SP as usize];
        self.el = el;
        self.sp_sel = sp_sel;
        self.x[REG_SP as usize] = self.sp_el[self.sp_index()];
        // Each EL translates in its own regime/privilege: make its TLB set live.
        self.tlb.switch(el as usize);
    }

    /// Read a stack pointer by EL, whether it is live or banked.
    pub fn sp_of(&self, el: usize) -> u64 {
        if el == self.sp_index() {
            self.x[REG_SP as usize]
        } else {
            self.sp_el[el]
        }
    }

    /// Write a stack pointer by EL, whether it is live or banked.
    pub fn set_sp_of(&mut self, el: usize, v: u64) {
        if el == self.sp_index() {
            self.x[REG_SP as usize] = v;
        } else {
            self.sp_el[el] = v;
        }
    }

    /// PSTATE.NZCV in the NZCV register layout (bits 31:28).
    pub fn nzcv(&self) -> u32 {
        self.flags.pack()
    }

    /// Set PSTATE.NZCV from `nzcv` in the NZCV register layout (bits 31:28; others ignored).
    pub fn set_nzcv(&mut self, nzcv: u32) {
        self.flags = Flags::unpack(nzcv);
    }

    /// PSTATE as SPSR_ELx would save it (AArch64: NZCV, DAIF, EL, SP).
    pub fn pstate(&self) -> u64 {
        (self.nzcv() as u64) | (self.daif as u64) | ((self.el as u64) << 2) | self.sp_sel as u64
    }

    /// General-purpose register `n` (0..=30) or 31 as XZR, for reports and debuggers.
    pub fn xreg(&self, n: usize) -> u64 {
        if n < 31 {
            self.x[n]
        } else {
            0
        }
    }
}
