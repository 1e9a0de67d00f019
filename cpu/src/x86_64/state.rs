//! x86_64 architectural state of the application programmer's view: the sixteen
//! general-purpose registers with their partial-register views, RIP, RFLAGS (Intel SDM vol. 1
//! §3.4 "Basic program execution registers", §3.4.1.1 "General-purpose registers in 64-bit
//! mode"), the SSE state: XMM0–XMM15 and MXCSR (§10.2), and the x87 state; the exits of
//! [`Cpu::run`](super::block), exceptions and their vectors. The system state (control
//! registers, segments, descriptor tables, MSRs) is [`super::system`]'s, reached as
//! [`Cpu::sys`], with the mode-derived values the executor reads on every access cached here.
//!
//! Writes follow the 64-bit-mode rules: an 8- or 16-bit destination keeps the other bits of the
//! register, a 32-bit destination zero-extends into bits 63:32, and AH/CH/DH/BH name bits 15:8
//! of RAX/RCX/RDX/RBX (only encodable without a REX prefix, which the decoder resolves).

use std::collections::BTreeMap;

use iced_x86::Code;

use super::system::System;
use super::tlb::Tlb;

/// Index of RAX in [`Cpu::regs`] (the hardware register number).
pub const RAX: usize = 0;
/// Index of RCX.
pub const RCX: usize = 1;
/// Index of RDX.
pub const RDX: usize = 2;
/// Index of RBX.
pub const RBX: usize = 3;
/// Index of RSP.
pub const RSP: usize = 4;
/// Index of RBP.
pub const RBP: usize = 5;
/// Index of RSI.
pub const RSI: usize = 6;
/// Index of RDI.
pub const RDI: usize = 7;

/// MXCSR at reset: all exceptions masked, round to nearest (SDM vol. 1 §10.2.3.1).
pub const MXCSR_DEFAULT: u32 = 0x1f80;

/// x87 FPU state (SDM vol. 1 §8.1): the eight physical data registers, the control, status
/// and (abridged) tag words and the last-instruction pointers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X87 {
    /// R0–R7 by physical number: 64-bit significand and sign/exponent word.
    pub st: [(u64, u16); 8],
    /// Control word.
    pub fcw: u16,
    /// Status word, TOP in bits 13:11.
    pub fsw: u16,
    /// Abridged tag word: bit i set when physical register i is not empty (FXSAVE's form).
    pub tags: u8,
    /// Last x87 opcode (11 bits).
    pub fop: u16,
    /// Last x87 instruction pointer.
    pub fip: u64,
    /// Last x87 data pointer.
    pub fdp: u64,
}

/// The MMX registers (SDM vol. 1 §9.2.1, §9.5): MMi is the significand of physical x87
/// register Ri (not of ST(i)).
impl X87 {
    /// MMi.
    #[inline]
    pub fn mmx_read(&self, i: u8) -> u64 {
        self.st[i as usize & 7].0
    }

    /// MMi = `v`; the register's sign and exponent become all ones (SDM vol. 1 table 9-2).
    #[inline]
    pub fn mmx_write(&mut self, i: u8, v: u64) {
        self.st[i as usize & 7] = (v, 0xffff);
    }

    /// The transition an MMX instruction makes (SDM vol. 1 §9.5.1): TOP = 0 and every
    /// register valid.
    #[inline]
    pub fn mmx_enter(&mut self) {
        self.fsw &= !(7 << 11);
        self.tags = 0xff;
    }
}

/// The x87 control word FNINIT sets: all exceptions masked, 64-bit precision, round to
/// nearest.
pub const FCW_DEFAULT: u16 = 0x37f;

impl Default for X87 {
    /// The state after FNINIT with zeroed data registers (what a new Linux process sees).
    fn default() -> Self {
        X87 {
            st: [(0, 0); 8],
            fcw: FCW_DEFAULT,
            fsw: 0,
            tags: 0,
            fop: 0,
            fip: 0,
            fdp: 0,
        }
    }
}

/// RFLAGS bits (SDM vol. 1 §3.4.3).
pub mod flag {
    /// Carry.
    pub const CF: u64 = 1 << 0;
    /// Bit 1 reads as one.
    pub const FIXED1: u64 = 1 << 1;
    /// Parity of the low byte of the result.
    pub const PF: u64 = 1 << 2;
    /// Auxiliary carry (out of bit 3).
    pub const AF: u64 = 1 << 4;
    /// Zero.
    pub const ZF: u64 = 1 << 6;
    /// Sign.
    pub const SF: u64 = 1 << 7;
    /// Trap (single step): stored; the #DB after each instruction is not delivered.
    pub const TF: u64 = 1 << 8;
    /// Interrupt enable.
    pub const IF: u64 = 1 << 9;
    /// Direction (string instructions).
    pub const DF: u64 = 1 << 10;
    /// Overflow.
    pub const OF: u64 = 1 << 11;
    /// I/O privilege level, bits 13:12.
    pub const IOPL: u64 = 3 << 12;
    /// Nested task.
    pub const NT: u64 = 1 << 14;
    /// Resume.
    pub const RF: u64 = 1 << 16;
    /// Virtual-8086 mode.
    pub const VM: u64 = 1 << 17;
    /// Alignment check (stored; #AC is not raised).
    pub const AC: u64 = 1 << 18;
    /// Virtual interrupt flag.
    pub const VIF: u64 = 1 << 19;
    /// Virtual interrupt pending.
    pub const VIP: u64 = 1 << 20;
    /// CPUID available (writable).
    pub const ID: u64 = 1 << 21;
    /// The six arithmetic status flags.
    pub const STATUS: u64 = CF | PF | AF | ZF | SF | OF;
}

/// Why [`Cpu::run`](super::block) returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The instruction budget is spent.
    Budget,
    /// An instruction raised an exception. RIP is the faulting instruction's address (all the
    /// exceptions raised so far are faults). Delivery through the IDT comes with system mode;
    /// until then the caller sees the exception.
    Exception(Fault),
    /// The vCPU executed HLT (RIP is after it) and no interrupt woke it: the machine advances
    /// time (adding to [`Cpu::insns`] if it wants the TSC to tick) and runs it again; it stays
    /// halted until an external interrupt is delivered.
    Halt,
    /// An exception during the delivery of a double fault (SDM vol. 3 §6.15, vector 8): the
    /// processor shuts down; the machine resets or ends.
    TripleFault,
    /// Instruction fetch from a physical address that is not RAM (no paging yet: linear =
    /// physical). Not architectural: the machine decides what it means.
    FetchUnmapped(u64),
    /// A block is about to be built at this physical address, which matches [`Cpu::watch`]
    /// (the machine's kernel-entry watch): nothing of it ran. Set `watch.pass_at` to let it run.
    Watch(u64),
}

/// An exception an instruction raises: vector and error code (SDM vol. 3 §6.3.1, table 6-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Exception vector (see [`vector`]).
    pub vector: u8,
    /// Error code, for the vectors that push one.
    pub error: Option<u32>,
}

/// Exception vectors (SDM vol. 3 table 6-1).
pub mod vector {
    /// Divide error.
    pub const DE: u8 = 0;
    /// Debug.
    pub const DB: u8 = 1;
    /// Non-maskable interrupt.
    pub const NMI: u8 = 2;
    /// Breakpoint (INT3).
    pub const BP: u8 = 3;
    /// Overflow (INTO).
    pub const OF: u8 = 4;
    /// Invalid opcode.
    pub const UD: u8 = 6;
    /// Device not available.
    pub const NM: u8 = 7;
    /// Double fault.
    pub const DF: u8 = 8;
    /// Invalid TSS.
    pub const TS: u8 = 10;
    /// Segment not present.
    pub const NP: u8 = 11;
    /// Stack-segment fault.
    pub const SS: u8 = 12;
    /// General protection.
    pub const GP: u8 = 13;
    /// Page fault (error code per SDM vol. 3 §4.7; CR2 holds the linear address).
    pub const PF: u8 = 14;
    /// x87 floating-point error (an unmasked x87 exception pending).
    pub const MF: u8 = 16;
    /// Alignment check.
    pub const AC: u8 = 17;
    /// SIMD floating-point exception (an unmasked MXCSR exception with CR4.OSXMMEXCPT).
    pub const XM: u8 = 19;
}

impl Fault {
    /// #DE.
    pub const DE: Fault = Fault {
        vector: vector::DE,
        error: None,
    };
    /// #UD.
    pub const UD: Fault = Fault {
        vector: vector::UD,
        error: None,
    };
    /// #MF.
    pub const MF: Fault = Fault {
        vector: vector::MF,
        error: None,
    };
    /// #NM.
    pub const NM: Fault = Fault {
        vector: vector::NM,
        error: None,
    };
    /// #XM.
    pub const XM: Fault = Fault {
        vector: vector::XM,
        error: None,
    };
    /// #GP(0).
    pub const GP0: Fault = Fault {
        vector: vector::GP,
        error: Some(0),
    };
    /// #SS(0).
    pub const SS0: Fault = Fault {
        vector: vector::SS,
        error: Some(0),
    };

    /// An exception with an error code.
    pub const fn with(vector: u8, error: u32) -> Fault {
        Fault {
            vector,
            error: Some(error),
        }
    }

    /// #GP(error): a selector error code (index, TI; the EXT bit is added on delivery).
    pub const fn gp(error: u16) -> Fault {
        Fault::with(vector::GP, error as u32)
    }
}

/// One x86_64 vCPU.
#[derive(Clone, Debug)]
pub struct Cpu {
    /// RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8–R15, by hardware number.
    pub regs: [u64; 16],
    /// Address of the next instruction to execute.
    pub rip: u64,
    /// RFLAGS; bit 1 always reads as one.
    pub rflags: u64,
    /// The vCPU's number (its initial APIC ID), passed to the [`Platform`](super::Platform).
    pub id: u32,
    /// XMM0–XMM15 (SDM vol. 1 §10.2.2), element 0 in the low bits.
    pub xmm: [u128; 16],
    /// MXCSR (SDM vol. 1 §10.2.3); [`MXCSR_DEFAULT`] at reset.
    pub mxcsr: u32,
    /// The x87 FPU (SDM vol. 1 §8.1).
    pub x87: X87,
    /// Instructions retired (the clock).
    pub insns: u64,
    /// #UD raised per iced-x86 form (`Code::INVALID` for undecodable bytes; its `Debug` text is
    /// the form's name): the gaps a run reached, for the report.
    pub undefined: BTreeMap<Code, u64>,
    /// #GP(0) raised by RDMSR/WRMSR per MSR number (registers this vCPU and its platform do
    /// not implement), for the report.
    pub bad_msrs: BTreeMap<u32, u64>,
    /// Base added to a memory operand per [`Seg`](super::insn::Seg), derived from the segment
    /// registers by [`Cpu::refresh_mode`] (64-bit mode: zero but FS and GS).
    pub(crate) seg_base: [u64; 7],
    /// Linear-address mask: all ones in 64-bit mode, 32 bits in legacy and compatibility mode.
    pub(crate) la_mask: u64,
    /// Code bitness (16, 32 or 64) from CS and EFER.LMA: what blocks are decoded with.
    pub(crate) bits: u32,
    /// Stack-pointer size in bytes: 8 in 64-bit mode, else 4 or 2 by SS.B.
    pub(crate) sp_size: u8,
    /// System state: control registers, EFER, segments, descriptor tables
    /// ([`super::system`]).
    pub sys: System,
    /// Interrupts are blocked for one instruction (after STI set IF, after MOV SS/POP SS:
    /// SDM vol. 3 §6.8.3).
    pub shadow: bool,
    /// HLT executed; an external interrupt clears it.
    pub halted: bool,
    /// The access in progress is an implicit supervisor access to a system structure (GDT,
    /// LDT, IDT, TSS): page protection must check it as at CPL 0 (x86-paging reads it).
    pub(crate) implicit: bool,
    /// The software TLB.
    pub(crate) tlb: Tlb,
    /// Physical addresses to stop at when a block is built there ([`Exit::Watch`]); checked
    /// at block builds only (a cache miss), never per instruction. The default matches none.
    pub watch: Watch,
}

/// Physical addresses a block build stops at ([`Exit::Watch`]): `pa & mask == value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watch {
    /// Bits of the PA compared.
    pub mask: u64,
    /// Their expected value.
    pub value: u64,
    /// Let the block at this address be built once (set by the machine after an
    /// [`Exit::Watch`] there that was not what it looks for); a build elsewhere leaves it.
    pub pass_at: Option<u64>,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            mask: 0,
            value: 1,
            pass_at: None,
        }
    }
}

impl Default for Cpu {
    fn default() -> Self {
        Cpu {
            regs: [0; 16],
            rip: 0,
            rflags: flag::FIXED1,
            id: 0,
            xmm: [0; 16],
            mxcsr: MXCSR_DEFAULT,
            x87: X87::default(),
            insns: 0,
            undefined: BTreeMap::new(),
            bad_msrs: BTreeMap::new(),
            seg_base: [0; 7],
            la_mask: u64::MAX,
            bits: 64,
            sp_size: 8,
            sys: System::default(),
            shadow: false,
            halted: false,
            implicit: false,
            tlb: Tlb::default(),
            watch: Default::default(),
        }
    }
}

/// Mask of an operand of `size` bytes (1, 2, 4 or 8).
#[inline(always)]
pub fn mask(size: u8) -> u64 {
    u64::MAX >> (64 - 8 * size as u32)
}

/// `v` of `size` bytes sign-extended to 64 bits.
#[inline(always)]
pub fn sext(v: u64, size: u8) -> u64 {
    let sh = 64 - 8 * size as u32;
    (((v << sh) as i64) >> sh) as u64
}

impl Cpu {
    /// A vCPU with every register zero, RFLAGS = 2, in the user-mode sandbox state
    /// ([`super::system`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Register `r` (hardware number) read as an operand of `size` bytes.
    #[inline(always)]
    pub fn reg(&self, r: u8, size: u8) -> u64 {
        self.regs[r as usize & 15] & mask(size)
    }

    /// Write `v` to register `r` as an operand of `size` bytes: 8/16-bit writes merge, 32-bit
    /// writes zero-extend, 64-bit writes replace.
    #[inline(always)]
    pub fn set_reg(&mut self, r: u8, size: u8, v: u64) {
        let slot = &mut self.regs[r as usize & 15];
        *slot = match size {
            1 => (*slot & !0xff) | (v & 0xff),
            2 => (*slot & !0xffff) | (v & 0xffff),
            4 => v & 0xffff_ffff,
            _ => v,
        };
    }

    /// AH/CH/DH/BH: bits 15:8 of register `r` (0–3).
    #[inline(always)]
    pub fn reg_hi(&self, r: u8) -> u64 {
        (self.regs[r as usize & 3] >> 8) & 0xff
    }

    /// Write bits 15:8 of register `r` (0–3).
    #[inline(always)]
    pub fn set_reg_hi(&mut self, r: u8, v: u64) {
        let slot = &mut self.regs[r as usize & 3];
        *slot = (*slot & !0xff00) | ((v & 0xff) << 8);
    }

    /// Set the status flags in `which` to the bits of `values` (other flags unchanged).
    #[inline(always)]
    pub fn set_flags(&mut self, which: u64, values: u64) {
        self.rflags = (self.rflags & !which) | (values & which);
    }

    /// Whether flag `f` is set.
    #[inline(always)]
    pub fn flag(&self, f: u64) -> bool {
        self.rflags & f != 0
    }

    /// Condition `cc` (the low nibble of the Jcc/SETcc/CMOVcc opcodes, SDM vol. 1 appendix B).
    #[inline]
    pub fn cond(&self, cc: u8) -> bool {
        use flag::*;
        let f = self.rflags;
        let r = match cc >> 1 {
            0 => f & OF != 0,
            1 => f & CF != 0,
            2 => f & ZF != 0,
            3 => f & (CF | ZF) != 0,
            4 => f & SF != 0,
            5 => f & PF != 0,
            6 => (f & SF != 0) != (f & OF != 0),
            _ => f & ZF != 0 || (f & SF != 0) != (f & OF != 0),
        };
        r != (cc & 1 != 0)
    }

    /// Count a #UD of `code` and return it.
    #[cold]
    pub fn undefined(&mut self, code: Code) -> Fault {
        *self.undefined.entry(code).or_insert(0) += 1;
        Fault::UD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_register_writes() {
        let mut c = Cpu::new();
        c.regs[RAX] = 0x1122_3344_5566_7788;
        c.set_reg(RAX as u8, 1, 0xaa);
        assert_eq!(c.regs[RAX], 0x1122_3344_5566_77aa);
        c.set_reg(RAX as u8, 2, 0xbbcc);
        assert_eq!(c.regs[RAX], 0x1122_3344_5566_bbcc);
        c.set_reg_hi(RAX as u8, 0x99);
        assert_eq!(c.regs[RAX], 0x1122_3344_5566_99cc);
        assert_eq!(c.reg_hi(RAX as u8), 0x99);
        c.set_reg(RAX as u8, 4, 0xdead_beef_0000_0001);
        assert_eq!(c.regs[RAX], 0x0000_0001);
    }

    #[test]
    fn conditions() {
        let mut c = Cpu::new();
        c.rflags = flag::FIXED1 | flag::ZF;
        assert!(c.cond(0x4)); // E
        assert!(!c.cond(0x5)); // NE
        assert!(c.cond(0xe)); // LE
        c.rflags = flag::FIXED1 | flag::SF;
        assert!(c.cond(0xc)); // L: SF != OF
        assert!(!c.cond(0xd));
    }
}
