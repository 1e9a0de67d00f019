//! Data movement: MOV, MOVZX, MOVSX, MOVSXD, LEA, XCHG, CMOVcc, SETcc, NOP, and the accumulator
//! widenings CBW/CWDE/CDQE and CWD/CDQ/CQO (SDM vol. 2). No flags change.

use super::super::block::Env;
use super::super::insn::Ops;
use super::super::mem::Loc;
use super::super::state::{mask, sext, Cpu, Fault, RAX, RDX};

/// MOV.
pub fn mov(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let s = cpu.loc(ops, ops.src);
    let v = cpu.get(env, s, size, st)?;
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, size, v, st)
}

/// MOVZX: the source, of `src_size` bytes, zero-extended.
pub fn movzx(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let st = ops.mem.stack;
    let s = cpu.loc(ops, ops.src);
    let v = cpu.get(env, s, ops.src_size, st)?;
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, ops.size, v, st)
}

/// MOVSX, MOVSXD: the source, of `src_size` bytes, sign-extended.
pub fn movsx(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let st = ops.mem.stack;
    let s = cpu.loc(ops, ops.src);
    let v = sext(cpu.get(env, s, ops.src_size, st)?, ops.src_size);
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, ops.size, v, st)
}

/// LEA: the effective address (no segment base), truncated to the operand size.
pub fn lea(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let a = cpu.ea(&ops.mem);
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, ops.size, a, false)
}

/// XCHG: the memory operand (if any) is written first, so a fault changes nothing.
pub fn xchg(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let (mut d, mut s) = (cpu.loc(ops, ops.dst), cpu.loc(ops, ops.src));
    if matches!(s, Loc::Mem(_)) {
        std::mem::swap(&mut d, &mut s);
    }
    let a = cpu.get(env, d, size, st)?;
    let b = cpu.get(env, s, size, st)?;
    cpu.put(env, d, size, b, st)?;
    cpu.put(env, s, size, a, st)
}

/// CMOVcc: the source is read (and may fault) whatever the condition; a 32-bit destination is
/// zero-extended even when the condition is false.
pub fn cmov(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let (size, st) = (ops.size, ops.mem.stack);
    let s = cpu.loc(ops, ops.src);
    let v = cpu.get(env, s, size, st)?;
    let d = cpu.loc(ops, ops.dst);
    let v = if cpu.cond(ops.cc) {
        v
    } else {
        cpu.get(env, d, size, st)?
    };
    cpu.put(env, d, size, v, st)
}

/// SETcc: the byte destination becomes 1 or 0.
pub fn setcc(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = cpu.cond(ops.cc) as u64;
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, 1, v, ops.mem.stack)
}

/// NOP (including the multi-byte forms with a memory operand, which is not accessed).
pub fn nop(_: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    Ok(())
}

/// CBW, CWDE, CDQE: the lower half of the accumulator (at the operand size) sign-extended.
pub fn widen_acc(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let half = ops.size / 2;
    let v = sext(cpu.reg(RAX as u8, half), half);
    cpu.set_reg(RAX as u8, ops.size, v);
    Ok(())
}

/// CWD, CDQ, CQO: DX/EDX/RDX filled with the accumulator's sign.
pub fn sign_to_dx(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let size = ops.size;
    let neg = sext(cpu.reg(RAX as u8, size), size) as i64 >> 63;
    cpu.set_reg(RDX as u8, size, neg as u64 & mask(size));
    Ok(())
}
