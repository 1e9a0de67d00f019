//! Bit operations: BT, BTS, BTR, BTC, BSF, BSR (SDM vol. 2).
//!
//! BT* with a register bit offset and a memory operand address a bit string: the offset is
//! signed and may select a word far from the operand's address.
//!
//! Undefined flags and values, and what this core produces:
//! - BT*: OF, SF, AF, PF undefined; left unchanged (ZF is architecturally unchanged).
//! - BSF/BSR: CF, OF, SF, AF, PF undefined; left unchanged. A zero source leaves the destination
//!   undefined; this core leaves it unchanged, as AMD documents (no zero-extension either).

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::mem::Loc;
use super::super::state::flag::{CF, ZF};
use super::super::state::{sext, Cpu, Fault};

/// BT.
pub const BT: u8 = 0;
/// BTS.
pub const BTS: u8 = 1;
/// BTR.
pub const BTR: u8 = 2;
/// BTC.
pub const BTC: u8 = 3;

/// BT/BTS/BTR/BTC: CF = the selected bit, which is then kept, set, cleared or complemented.
pub fn bt<const OP: u8>(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let bits = 8 * size as u64;
    let mut d = cpu.loc(ops, ops.dst);
    let off = match ops.src {
        Opnd::Imm => ops.imm,
        _ => {
            let s = cpu.loc(ops, ops.src);
            cpu.get(env, s, size, st)?
        }
    };
    if let (Loc::Mem(a), Opnd::Reg(_)) = (d, ops.src) {
        let words = (sext(off, size) as i64) >> bits.trailing_zeros();
        d = Loc::Mem(a.wrapping_add((words as u64).wrapping_mul(size as u64)));
    }
    let bit = off & (bits - 1);
    let v = cpu.get(env, d, size, st)?;
    let cf = (v >> bit) & 1;
    let r = match OP {
        BTS => v | 1 << bit,
        BTR => v & !(1 << bit),
        BTC => v ^ 1 << bit,
        _ => v,
    };
    if OP != BT {
        cpu.put(env, d, size, r, st)?;
    }
    cpu.set_flags(CF, cf * CF);
    Ok(())
}

/// BSF: index of the lowest set bit of the source; ZF = the source is zero.
pub fn bsf(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    scan(cpu, env, ops, |v| v.trailing_zeros() as u64)
}

/// BSR: index of the highest set bit of the source; ZF = the source is zero.
pub fn bsr(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    scan(cpu, env, ops, |v| 63 - v.leading_zeros() as u64)
}

fn scan(cpu: &mut Cpu, env: &mut Env, ops: &Ops, f: fn(u64) -> u64) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let s = cpu.loc(ops, ops.src);
    let v = cpu.get(env, s, size, st)?;
    if v == 0 {
        cpu.set_flags(ZF, ZF);
        return Ok(());
    }
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, size, f(v), st)?;
    cpu.set_flags(ZF, 0);
    Ok(())
}
