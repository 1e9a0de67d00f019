//! PUSH and POP (SDM vol. 2) with the 64-bit-mode stack: RSP moves by the operand size (8, or 2
//! with an operand-size prefix), and a non-canonical stack address raises #SS(0).

use super::super::block::Env;
use super::super::insn::Ops;
use super::super::state::{Cpu, Fault, RSP};

/// Push `v` of `size` bytes.
pub fn push_value(cpu: &mut Cpu, env: &mut Env, size: u8, v: u64) -> Result<(), Fault> {
    let sp = cpu.regs[RSP].wrapping_sub(size as u64);
    cpu.write(env, sp, size, v, true)?;
    cpu.regs[RSP] = sp;
    Ok(())
}

/// Pop `size` bytes.
pub fn pop_value(cpu: &mut Cpu, env: &mut Env, size: u8) -> Result<u64, Fault> {
    let sp = cpu.regs[RSP];
    let v = cpu.read(env, sp, size, true)?;
    cpu.regs[RSP] = sp.wrapping_add(size as u64);
    Ok(v)
}

/// PUSH r/m, PUSH imm (sign-extended to the operand size). PUSH RSP pushes the value before
/// the decrement.
pub fn push(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let s = cpu.loc(ops, ops.dst);
    let v = cpu.get(env, s, ops.size, ops.mem.stack)?;
    push_value(cpu, env, ops.size, v)
}

/// POP r/m: a memory destination based on RSP is addressed after the increment; POP RSP
/// loads the popped value.
pub fn pop(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let old = cpu.regs[RSP];
    let v = pop_value(cpu, env, ops.size)?;
    let d = cpu.loc(ops, ops.dst);
    cpu.put(env, d, ops.size, v, ops.mem.stack)
        .inspect_err(|_| {
            cpu.regs[RSP] = old;
        })
}
