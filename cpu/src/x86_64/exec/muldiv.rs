//! Multiply and divide: MUL, IMUL (one, two and three operands), DIV, IDIV (SDM vol. 2).
//!
//! The one-operand forms use AL/AX/EAX/RAX and write AX, DX:AX, EDX:EAX or RDX:RAX; 32-bit
//! halves are zero-extended like any 32-bit write. A zero divisor or a quotient that does not
//! fit raises #DE with nothing written.
//!
//! Undefined flags and what this core produces:
//! - MUL/IMUL: SF, ZF, PF from the low half of the product (the destination), AF cleared.
//! - DIV/IDIV: all six status flags are undefined; this core leaves them unchanged.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::flag::{CF, OF, STATUS};
use super::super::state::{mask, sext, Cpu, Fault, RAX, RDX};
use super::szp;

/// Store a double-width product or quotient/remainder pair: AH:AL for bytes, else
/// (R|E)DX:(R|E)AX.
fn put_pair(cpu: &mut Cpu, size: u8, lo: u64, hi: u64) {
    if size == 1 {
        cpu.set_reg(RAX as u8, 2, (lo & 0xff) | (hi & 0xff) << 8);
    } else {
        cpu.set_reg(RAX as u8, size, lo);
        cpu.set_reg(RDX as u8, size, hi);
    }
}

/// The dividend of a one-operand divide: AX, or (R|E)DX:(R|E)AX, as an unsigned 128-bit value.
fn dividend(cpu: &Cpu, size: u8) -> u128 {
    if size == 1 {
        cpu.reg(RAX as u8, 2) as u128
    } else {
        (cpu.reg(RDX as u8, size) as u128) << (8 * size as u32) | cpu.reg(RAX as u8, size) as u128
    }
}

fn mul_flags(cpu: &mut Cpu, size: u8, lo: u64, overflow: bool) {
    let of = if overflow { CF | OF } else { 0 };
    cpu.set_flags(STATUS, szp(lo, size) | of);
}

/// MUL: unsigned accumulator × r/m; CF = OF = the high half is non-zero.
pub fn mul(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let size = ops.size;
    let s = cpu.loc(ops, ops.dst);
    let b = cpu.get(env, s, size, ops.mem.stack)? as u128;
    let p = cpu.reg(RAX as u8, size) as u128 * b;
    let bits = 8 * size as u32;
    let (lo, hi) = (p as u64 & mask(size), (p >> bits) as u64 & mask(size));
    put_pair(cpu, size, lo, hi);
    mul_flags(cpu, size, lo, hi != 0);
    Ok(())
}

/// IMUL: signed; one operand like MUL, two (`dst *= src`) or three (`dst = src * imm`) operands
/// truncated to the operand size. CF = OF = the product does not fit the destination's size
/// (one-operand: the high half is not the sign extension of the low half).
pub fn imul(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let bits = 8 * size as u32;
    let sx = |v: u64| sext(v, size) as i64 as i128;
    if ops.src == Opnd::None {
        let s = cpu.loc(ops, ops.dst);
        let b = sx(cpu.get(env, s, size, st)?);
        let p = sx(cpu.reg(RAX as u8, size)) * b;
        let lo = p as u64 & mask(size);
        let hi = (p >> bits) as u64 & mask(size);
        put_pair(cpu, size, lo, hi);
        mul_flags(cpu, size, lo, sx(lo) != p);
        return Ok(());
    }
    let d = cpu.loc(ops, ops.dst);
    let (x, y) = if ops.src2 == Opnd::None {
        let s = cpu.loc(ops, ops.src);
        (cpu.get(env, d, size, st)?, cpu.get(env, s, size, st)?)
    } else {
        let s = cpu.loc(ops, ops.src);
        (cpu.get(env, s, size, st)?, ops.imm & mask(size))
    };
    let p = sx(x) * sx(y);
    let lo = p as u64 & mask(size);
    cpu.put(env, d, size, lo, st)?;
    mul_flags(cpu, size, lo, sx(lo) != p);
    Ok(())
}

/// DIV: unsigned; quotient to AL/AX/EAX/RAX, remainder to AH/DX/EDX/RDX.
pub fn div(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let size = ops.size;
    let s = cpu.loc(ops, ops.dst);
    let d = cpu.get(env, s, size, ops.mem.stack)? as u128;
    if d == 0 {
        return Err(Fault::DE);
    }
    let n = dividend(cpu, size);
    let (q, r) = (n / d, n % d);
    if q > mask(size) as u128 {
        return Err(Fault::DE);
    }
    put_pair(cpu, size, q as u64, r as u64);
    Ok(())
}

/// IDIV: signed, quotient truncated towards zero, remainder with the dividend's sign.
pub fn idiv(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let size = ops.size;
    let bits = 8 * size as u32;
    let s = cpu.loc(ops, ops.dst);
    let d = sext(cpu.get(env, s, size, ops.mem.stack)?, size) as i64 as i128;
    if d == 0 {
        return Err(Fault::DE);
    }
    // The dividend is 2 * bits wide: sign-extend it from there to 128 bits.
    let raw = dividend(cpu, size);
    let n = if bits == 64 {
        raw as i128
    } else {
        ((raw << (128 - 2 * bits)) as i128) >> (128 - 2 * bits)
    };
    let (q, r) = match (n.checked_div(d), n.checked_rem(d)) {
        (Some(q), Some(r)) => (q, r),
        _ => return Err(Fault::DE),
    };
    let lim = 1i128 << (bits - 1);
    if q < -lim || q >= lim {
        return Err(Fault::DE);
    }
    put_pair(cpu, size, q as u64 & mask(size), r as u64 & mask(size));
    Ok(())
}
