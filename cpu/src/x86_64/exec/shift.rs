//! Shifts and rotates: SHL/SAL, SHR, SAR, ROL, ROR (SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/
//! ROR").
//!
//! The count (an immediate, CL, or the implicit 1) is masked to 5 bits, 6 for 64-bit operands.
//! A masked count of 0 changes no flag (the destination is still written, so a 32-bit register
//! destination is zero-extended). Otherwise:
//! - shifts set SF, ZF, PF from the result and CF to the last bit shifted out;
//! - rotates change only CF and OF; an 8- or 16-bit rotate turns by the count modulo the width.
//!
//! Undefined flags and what this core produces:
//! - OF for counts other than 1: the count-1 formula applied to the result (SHL and rotates:
//!   MSB(result) XOR CF for SHL/ROL, the two top bits XORed for ROR; SHR: MSB of the original
//!   operand; SAR: 0).
//! - AF for shifts with a non-zero count: cleared.
//! - CF of SHL/SHR when the count is at least the width (8- and 16-bit operands): the bit that
//!   would be shifted out of an operand extended with zeros, so 0 once the count exceeds it.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::state::flag::{CF, OF, STATUS};
use super::super::state::{mask, sext, Cpu, Fault, RCX};
use super::{msb, szp};

/// SHL/SAL.
pub const SHL: u8 = 0;
/// SHR.
pub const SHR: u8 = 1;
/// SAR.
pub const SAR: u8 = 2;
/// ROL.
pub const ROL: u8 = 3;
/// ROR.
pub const ROR: u8 = 4;

/// The shift or rotate `OP` of the destination by the source count.
pub fn shift<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let bits = 8 * size as u32;
    let raw = match ops.src {
        Opnd::Imm => ops.imm,
        _ => cpu.regs[RCX],
    };
    let count = (raw as u32) & if size == 8 { 63 } else { 31 };
    let d = cpu.loc(ops, ops.dst);
    let a = cpu.get(env, d, size, st)?;
    if count == 0 {
        return cpu.put(env, d, size, a, st);
    }
    let m = mask(size);
    let (r, f, which) = match OP {
        SHL => {
            let r = if count < bits { (a << count) & m } else { 0 };
            let cf = if count <= bits {
                (a >> (bits - count)) & 1
            } else {
                0
            };
            let of = msb(r, size) ^ cf;
            (r, szp(r, size) | (cf * CF) | (of * OF), STATUS)
        }
        SHR => {
            let r = if count < bits { a >> count } else { 0 };
            let cf = if count <= bits {
                (a >> (count - 1)) & 1
            } else {
                0
            };
            (r, szp(r, size) | (cf * CF) | (msb(a, size) * OF), STATUS)
        }
        SAR => {
            let s = sext(a, size) as i64;
            let r = (s >> count) as u64 & m;
            let cf = ((s >> (count - 1)) & 1) as u64;
            (r, szp(r, size) | (cf * CF), STATUS)
        }
        ROL => {
            let r = rotl(a, count % bits, bits) & m;
            let cf = r & 1;
            (r, (cf * CF) | ((msb(r, size) ^ cf) * OF), CF | OF)
        }
        _ => {
            let r = rotl(a, (bits - count % bits) % bits, bits) & m;
            let cf = msb(r, size);
            let of = cf ^ ((r >> (bits - 2)) & 1);
            (r, (cf * CF) | (of * OF), CF | OF)
        }
    };
    cpu.put(env, d, size, r, st)?;
    cpu.set_flags(which, f);
    Ok(())
}

/// `a` (of `bits` bits) rotated left by `n` < `bits`.
#[inline(always)]
fn rotl(a: u64, n: u32, bits: u32) -> u64 {
    if n == 0 {
        a
    } else {
        (a << n) | (a >> (bits - n))
    }
}
