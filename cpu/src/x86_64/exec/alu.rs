//! Integer arithmetic and logic: ADD, ADC, SUB, SBB, CMP, AND, OR, XOR, TEST, NEG, NOT, INC,
//! DEC (SDM vol. 2).
//!
//! Undefined flags: AND, OR, XOR and TEST leave AF undefined; this core clears it.

use super::super::block::Env;
use super::super::insn::Ops;
use super::super::state::flag::{CF, STATUS};
use super::super::state::{mask, Cpu, Fault};
use super::{add_flags, sub_flags, szp};

/// ADD.
pub const ADD: u8 = 0;
/// OR.
pub const OR: u8 = 1;
/// ADC.
pub const ADC: u8 = 2;
/// SBB.
pub const SBB: u8 = 3;
/// AND.
pub const AND: u8 = 4;
/// SUB.
pub const SUB: u8 = 5;
/// XOR.
pub const XOR: u8 = 6;
/// CMP.
pub const CMP: u8 = 7;
/// TEST.
pub const TEST: u8 = 8;

/// The two-operand ALU operations (`OP` one of the constants above): `dst = dst OP src`, all
/// six status flags written; CMP and TEST write only the flags.
pub fn bin<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let size = ops.size;
    let st = ops.mem.stack;
    let d = cpu.loc(ops, ops.dst);
    let s = cpu.loc(ops, ops.src);
    let a = cpu.get(env, d, size, st)?;
    let b = cpu.get(env, s, size, st)?;
    let (r, f) = op::<OP>(a, b, cpu.rflags & CF, size);
    if writes::<OP>() {
        cpu.put(env, d, size, r, st)?;
    }
    cpu.set_flags(STATUS, f);
    Ok(())
}

/// Whether `OP` writes its destination (all but CMP and TEST).
#[inline(always)]
pub const fn writes<const OP: u8>() -> bool {
    OP != CMP && OP != TEST
}

/// `a OP b` at `size` bytes (operands already masked; `c` the incoming CF, 0 or 1): the result
/// and the six status flags.
#[inline(always)]
pub fn op<const OP: u8>(a: u64, b: u64, c: u64, size: u8) -> (u64, u64) {
    let m = mask(size);
    match OP {
        ADD => {
            let r = a.wrapping_add(b) & m;
            (r, add_flags(a, b, 0, r, size))
        }
        ADC => {
            let r = a.wrapping_add(b).wrapping_add(c) & m;
            (r, add_flags(a, b, c, r, size))
        }
        SUB | CMP => {
            let r = a.wrapping_sub(b) & m;
            (r, sub_flags(a, b, 0, r, size))
        }
        SBB => {
            let r = a.wrapping_sub(b).wrapping_sub(c) & m;
            (r, sub_flags(a, b, c, r, size))
        }
        AND | TEST => (a & b, szp(a & b, size)),
        OR => (a | b, szp(a | b, size)),
        _ => (a ^ b, szp(a ^ b, size)),
    }
}

/// INC (`DEC` false) or DEC of `a` at `size` bytes: the result and the flags it writes (all
/// but CF, which [`INC_DEC_FLAGS`] leaves out).
#[inline(always)]
pub fn inc_dec_op<const DEC: bool>(a: u64, size: u8) -> (u64, u64) {
    if DEC {
        let r = a.wrapping_sub(1) & mask(size);
        (r, sub_flags(a, 1, 0, r, size))
    } else {
        let r = a.wrapping_add(1) & mask(size);
        (r, add_flags(a, 1, 0, r, size))
    }
}

/// The flags INC and DEC write: the status flags but CF.
pub const INC_DEC_FLAGS: u64 = STATUS & !CF;

/// NEG: `dst = 0 - dst`; CF is set unless the operand was zero.
pub fn neg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let d = cpu.loc(ops, ops.dst);
    let a = cpu.get(env, d, size, st)?;
    let r = a.wrapping_neg() & mask(size);
    cpu.put(env, d, size, r, st)?;
    cpu.set_flags(STATUS, sub_flags(0, a, 0, r, size));
    Ok(())
}

/// NOT: no flags.
pub fn not(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let d = cpu.loc(ops, ops.dst);
    let a = cpu.get(env, d, size, st)?;
    cpu.put(env, d, size, !a, st)
}

/// INC (`DEC` false) and DEC: CF is preserved.
pub fn inc_dec<const DEC: bool>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let d = cpu.loc(ops, ops.dst);
    let a = cpu.get(env, d, size, st)?;
    let (r, f) = inc_dec_op::<DEC>(a, size);
    cpu.put(env, d, size, r, st)?;
    cpu.set_flags(INC_DEC_FLAGS, f);
    Ok(())
}
