//! Handlers specialised at decode time by operand shape and size, for the most frequent integer
//! forms: ADD … TEST, INC/DEC, MOV and CMOVcc with general-purpose register, immediate and
//! memory operands at 1, 2, 4 or 8 bytes, and Jcc by condition. Each computes exactly what the
//! generic handler of its mnemonic ([`super::alu`], [`super::data`], [`super::branch`])
//! computes, in the same order of accesses (so the same faults), without resolving operand
//! kinds, sizes and conditions on every execution.
//!
//! [`specialise`] picks one for a lowered record, or `None` to keep the generic handler.

use iced_x86::Mnemonic;

use super::super::block::Env;
use super::super::insn::{Handler, Opnd, Ops};
use super::super::state::flag::{CF, STATUS};
use super::super::state::{mask, Cpu, Fault};
use super::alu::{self, inc_dec_op, op, writes, INC_DEC_FLAGS};
use super::branch::near_target;

/// Operand shape: a general-purpose register (`Opnd::Reg`).
const R: u8 = 0;
/// Operand shape: the memory operand.
const M: u8 = 1;
/// Operand shape: the immediate.
const I: u8 = 2;

/// The register number of a slot known to be `Opnd::Reg`.
#[inline(always)]
fn reg_no(o: Opnd) -> u8 {
    match o {
        Opnd::Reg(r) => r,
        _ => 0, // never: `specialise` checked the shape
    }
}

/// Read the operand of shape `S` in slot `o` (memory at `ea`).
#[inline(always)]
fn get<const S: u8, const SIZE: u8>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
    o: Opnd,
    ea: u64,
) -> Result<u64, Fault> {
    match S {
        R => Ok(cpu.reg(reg_no(o), SIZE)),
        I => Ok(ops.imm & mask(SIZE)),
        _ => cpu.read(env, ea, SIZE, ops.mem.stack),
    }
}

/// Write the destination of shape `D` in slot `o` (memory at `ea`).
#[inline(always)]
fn put<const D: u8, const SIZE: u8>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
    o: Opnd,
    ea: u64,
    v: u64,
) -> Result<(), Fault> {
    if D == R {
        cpu.set_reg(reg_no(o), SIZE, v);
        Ok(())
    } else {
        cpu.write(env, ea, SIZE, v, ops.mem.stack)
    }
}

/// The effective address when a slot is the memory operand.
#[inline(always)]
fn ea<const D: u8, const S: u8>(cpu: &Cpu, ops: &Ops) -> u64 {
    if D == M || S == M {
        cpu.ea(&ops.mem)
    } else {
        0
    }
}

/// [`alu::bin`] with destination shape `D`, source shape `S`, `SIZE` bytes.
fn bin<const OP: u8, const SIZE: u8, const D: u8, const S: u8>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(), Fault> {
    let ea = ea::<D, S>(cpu, ops);
    let a = get::<D, SIZE>(cpu, env, ops, ops.dst, ea)?;
    let b = get::<S, SIZE>(cpu, env, ops, ops.src, ea)?;
    let (r, f) = op::<OP>(a, b, cpu.rflags & CF, SIZE);
    if writes::<OP>() {
        put::<D, SIZE>(cpu, env, ops, ops.dst, ea, r)?;
    }
    cpu.set_flags(STATUS, f);
    Ok(())
}

/// [`alu::inc_dec`] with destination shape `D`, `SIZE` bytes.
fn inc_dec<const DEC: bool, const SIZE: u8, const D: u8>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(), Fault> {
    let ea = ea::<D, R>(cpu, ops);
    let a = get::<D, SIZE>(cpu, env, ops, ops.dst, ea)?;
    let (r, f) = inc_dec_op::<DEC>(a, SIZE);
    put::<D, SIZE>(cpu, env, ops, ops.dst, ea, r)?;
    cpu.set_flags(INC_DEC_FLAGS, f);
    Ok(())
}

/// [`super::data::mov`] with destination shape `D`, source shape `S`, `SIZE` bytes.
fn mov<const SIZE: u8, const D: u8, const S: u8>(
    cpu: &mut Cpu,
    env: &mut Env,
    ops: &Ops,
) -> Result<(), Fault> {
    let ea = ea::<D, S>(cpu, ops);
    let v = get::<S, SIZE>(cpu, env, ops, ops.src, ea)?;
    put::<D, SIZE>(cpu, env, ops, ops.dst, ea, v)
}

/// [`super::data::cmov`] with a register destination, source shape `S`, `SIZE` bytes: the
/// source is read whatever the condition, the destination written (zero-extended at 4 bytes)
/// either way.
fn cmov<const SIZE: u8, const S: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let ea = ea::<R, S>(cpu, ops);
    let v = get::<S, SIZE>(cpu, env, ops, ops.src, ea)?;
    let d = reg_no(ops.dst);
    let v = if cpu.cond(ops.cc) {
        v
    } else {
        cpu.reg(d, SIZE)
    };
    cpu.set_reg(d, SIZE, v);
    Ok(())
}

/// [`super::branch::jcc`] for condition `CC`.
fn jcc<const CC: u8>(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.cond(CC) {
        cpu.rip = near_target(cpu, cpu.rip.wrapping_add(ops.imm), ops.size)?;
    }
    Ok(())
}

/// [`jcc`] for the condition `cc` (0–15).
fn pick_jcc(cc: u8) -> Option<Handler> {
    const BY_CC: [Handler; 16] = [
        jcc::<0>, jcc::<1>, jcc::<2>, jcc::<3>, jcc::<4>, jcc::<5>, jcc::<6>, jcc::<7>, jcc::<8>,
        jcc::<9>, jcc::<10>, jcc::<11>, jcc::<12>, jcc::<13>, jcc::<14>, jcc::<15>,
    ];
    BY_CC.get(cc as usize).copied()
}

/// The shape of slot `o`, when it is one the shaped handlers take.
fn shape(o: Opnd) -> Option<u8> {
    match o {
        Opnd::Reg(_) => Some(R),
        Opnd::Mem => Some(M),
        Opnd::Imm => Some(I),
        _ => None,
    }
}

/// `$f` (naming `SIZE`) instantiated at the operand size `$size`, or `None` for another size.
macro_rules! sized {
    ($size:expr, $f:expr) => {
        match $size {
            1 => {
                const SIZE: u8 = 1;
                Some($f as Handler)
            }
            2 => {
                const SIZE: u8 = 2;
                Some($f as Handler)
            }
            4 => {
                const SIZE: u8 = 4;
                Some($f as Handler)
            }
            8 => {
                const SIZE: u8 = 8;
                Some($f as Handler)
            }
            _ => None,
        }
    };
}

/// [`bin`] for `OP` and the shapes of `ops`.
fn pick_bin<const OP: u8>(ops: &Ops) -> Option<Handler> {
    let s = ops.size;
    match (shape(ops.dst)?, shape(ops.src)?) {
        (R, R) => sized!(s, bin::<OP, SIZE, R, R>),
        (R, I) => sized!(s, bin::<OP, SIZE, R, I>),
        (R, M) => sized!(s, bin::<OP, SIZE, R, M>),
        (M, R) => sized!(s, bin::<OP, SIZE, M, R>),
        (M, I) => sized!(s, bin::<OP, SIZE, M, I>),
        _ => None,
    }
}

/// [`inc_dec`] for the shape of `ops`.
fn pick_inc_dec<const DEC: bool>(ops: &Ops) -> Option<Handler> {
    let s = ops.size;
    match shape(ops.dst)? {
        R => sized!(s, inc_dec::<DEC, SIZE, R>),
        M => sized!(s, inc_dec::<DEC, SIZE, M>),
        _ => None,
    }
}

/// The shaped handler for a lowered general-purpose record of mnemonic `m`, or `None` to keep
/// the generic one. Only plain two-operand forms qualify: no third operand, a register or
/// memory source of the destination's size (an immediate is masked to it, as generically).
pub fn specialise(m: Mnemonic, ops: &Ops) -> Option<Handler> {
    if ops.src2 != Opnd::None || (ops.src != Opnd::Imm && ops.src_size != ops.size) {
        return None;
    }
    let s = ops.size;
    match m {
        Mnemonic::Add => pick_bin::<{ alu::ADD }>(ops),
        Mnemonic::Or => pick_bin::<{ alu::OR }>(ops),
        Mnemonic::Adc => pick_bin::<{ alu::ADC }>(ops),
        Mnemonic::Sbb => pick_bin::<{ alu::SBB }>(ops),
        Mnemonic::And => pick_bin::<{ alu::AND }>(ops),
        Mnemonic::Sub => pick_bin::<{ alu::SUB }>(ops),
        Mnemonic::Xor => pick_bin::<{ alu::XOR }>(ops),
        Mnemonic::Cmp => pick_bin::<{ alu::CMP }>(ops),
        Mnemonic::Test => pick_bin::<{ alu::TEST }>(ops),
        Mnemonic::Inc if ops.src == Opnd::None => pick_inc_dec::<false>(ops),
        Mnemonic::Dec if ops.src == Opnd::None => pick_inc_dec::<true>(ops),
        Mnemonic::Mov => match (shape(ops.dst)?, shape(ops.src)?) {
            (R, R) => sized!(s, mov::<SIZE, R, R>),
            (R, I) => sized!(s, mov::<SIZE, R, I>),
            (R, M) => sized!(s, mov::<SIZE, R, M>),
            (M, R) => sized!(s, mov::<SIZE, M, R>),
            (M, I) => sized!(s, mov::<SIZE, M, I>),
            _ => None,
        },
        Mnemonic::Cmovo
        | Mnemonic::Cmovno
        | Mnemonic::Cmovb
        | Mnemonic::Cmovae
        | Mnemonic::Cmove
        | Mnemonic::Cmovne
        | Mnemonic::Cmovbe
        | Mnemonic::Cmova
        | Mnemonic::Cmovs
        | Mnemonic::Cmovns
        | Mnemonic::Cmovp
        | Mnemonic::Cmovnp
        | Mnemonic::Cmovl
        | Mnemonic::Cmovge
        | Mnemonic::Cmovle
        | Mnemonic::Cmovg => match (shape(ops.dst)?, shape(ops.src)?) {
            (R, R) => sized!(s, cmov::<SIZE, R>),
            (R, M) => sized!(s, cmov::<SIZE, M>),
            _ => None,
        },
        Mnemonic::Jo
        | Mnemonic::Jno
        | Mnemonic::Jb
        | Mnemonic::Jae
        | Mnemonic::Je
        | Mnemonic::Jne
        | Mnemonic::Jbe
        | Mnemonic::Ja
        | Mnemonic::Js
        | Mnemonic::Jns
        | Mnemonic::Jp
        | Mnemonic::Jnp
        | Mnemonic::Jl
        | Mnemonic::Jge
        | Mnemonic::Jle
        | Mnemonic::Jg
            if ops.dst == Opnd::Imm =>
        {
            pick_jcc(ops.cc)
        }
        _ => None,
    }
}
