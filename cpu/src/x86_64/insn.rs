//! The pre-decoded instruction record: what the executor runs, built once per instruction by
//! [`super::decode`] from iced-x86's `Instruction` and never decoded again.
//!
//! A record is a handler (chosen at decode time from the mnemonic table) and its operands in a
//! fixed, compact form: up to three operand slots ([`Opnd`]), one memory operand ([`Mem`]), one
//! immediate or relative branch offset, the operand size and the instruction length. Handlers
//! read only the fields their table line says they use.

use iced_x86::Code;

use super::block::Env;
use super::state::{Cpu, Fault};

/// An instruction handler. RIP already points at the next instruction when it runs; a fault
/// leaves the architectural state as before the instruction (the executor restores RIP).
pub type Handler = fn(&mut Cpu, &mut Env, &Ops) -> Result<(), Fault>;

/// One operand slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Opnd {
    /// Not present.
    #[default]
    None,
    /// General-purpose register (hardware number 0–15) at the operand size of the slot.
    Reg(u8),
    /// AH, CH, DH or BH: bits 15:8 of register 0–3.
    RegHi(u8),
    /// XMM register 0–15 (the slot's size is that of the element the form uses; handlers
    /// read the table line for it).
    Xmm(u8),
    /// MMX register 0–7 (64 bits; reached only through the vector handlers, which make the
    /// x87-to-MMX transition: [`super::exec::mmx`]).
    Mm(u8),
    /// The memory operand [`Ops::mem`].
    Mem,
    /// The immediate [`Ops::imm`] (already sign- or zero-extended as the encoding says).
    Imm,
}

/// Base register value meaning "none".
pub const NO_REG: u8 = 0xff;
/// Base register value meaning RIP (the address of the next instruction).
pub const RIP_REL: u8 = 16;

/// The segment of a memory operand (the override, or the default: SS for RSP/RBP-based
/// operands, DS otherwise), numbered as [`super::system::sreg`]. Its base comes from
/// `Cpu::seg_base`: in 64-bit mode zero except FS and GS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Seg {
    /// ES.
    Es = 0,
    /// CS.
    Cs = 1,
    /// SS.
    Ss = 2,
    /// DS.
    #[default]
    Ds = 3,
    /// FS.
    Fs = 4,
    /// GS.
    Gs = 5,
    /// No segment (LEA's offset): base zero.
    None = 6,
}

/// A memory operand: `seg:[base + index * scale + disp]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mem {
    /// Base register, [`NO_REG`] or [`RIP_REL`].
    pub base: u8,
    /// Index register or [`NO_REG`].
    pub index: u8,
    /// log2 of the scale (0–3).
    pub scale: u8,
    /// Segment whose base is added.
    pub seg: Seg,
    /// Address size in bytes (2, 4, 8): the effective address is truncated to it before the
    /// segment base is added.
    pub asz: u8,
    /// The access is stack-relative (base RSP or RBP): a non-canonical address raises #SS,
    /// not #GP.
    pub stack: bool,
    /// Displacement (relative to the next instruction for [`RIP_REL`]).
    pub disp: i64,
}

impl Default for Mem {
    fn default() -> Self {
        Mem {
            base: NO_REG,
            index: NO_REG,
            scale: 0,
            seg: Seg::Ds,
            asz: 8,
            stack: false,
            disp: 0,
        }
    }
}

/// Operands of one instruction.
#[derive(Clone, Copy, Debug)]
pub struct Ops {
    /// Destination (or only) operand.
    pub dst: Opnd,
    /// Source operand.
    pub src: Opnd,
    /// Third operand (IMUL r, r/m, imm: the immediate; shifts: the count).
    pub src2: Opnd,
    /// Operand size in bytes (1, 2, 4, 8) of `dst`.
    pub size: u8,
    /// Size in bytes of `src` when it differs from `size` (MOVZX/MOVSX/MOVSXD), else `size`.
    pub src_size: u8,
    /// Instruction length in bytes.
    pub len: u8,
    /// Condition code (Jcc/SETcc/CMOVcc: the opcode's low nibble) or handler-specific selector.
    pub cc: u8,
    /// The memory operand, when a slot is [`Opnd::Mem`].
    pub mem: Mem,
    /// Immediate; for relative branches the offset from the next instruction.
    pub imm: u64,
    /// The iced-x86 form, for #UD counting and traces.
    pub code: Code,
}

impl Default for Ops {
    fn default() -> Self {
        Ops {
            dst: Opnd::None,
            src: Opnd::None,
            src2: Opnd::None,
            size: 0,
            src_size: 0,
            len: 0,
            cc: 0,
            mem: Mem::default(),
            imm: 0,
            code: Code::INVALID,
        }
    }
}

/// One pre-decoded instruction.
#[derive(Clone, Copy)]
pub struct Insn {
    /// Execution.
    pub exec: Handler,
    /// Operands.
    pub ops: Ops,
    /// The block ends after this instruction (control flow).
    pub ends_block: bool,
}

impl std::fmt::Debug for Insn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Insn")
            .field("ops", &self.ops)
            .field("ends_block", &self.ends_block)
            .finish()
    }
}
