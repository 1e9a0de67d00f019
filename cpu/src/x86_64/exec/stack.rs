//! PUSH and POP (SDM vol. 2): RSP moves by the operand size (64-bit mode: 8, or 2 with an
//! operand-size prefix; 32-bit code: 4 or 2); the stack pointer is RSP, ESP or SP by the
//! stack's address size (`Cpu::sp_size`: 64-bit mode, else SS.B) and the SS base is added
//! outside 64-bit mode. A non-canonical stack address raises #SS(0).

use super::super::block::Env;
use super::super::insn::{Ops, Seg};
use super::super::state::{mask, Cpu, Fault, RSP};

/// The stack pointer after moving it by `delta` bytes, at the stack's address size (the bits
/// above it kept).
#[inline(always)]
pub fn sp_moved(cpu: &Cpu, delta: u64) -> u64 {
    let m = mask(cpu.sp_size);
    let sp = cpu.regs[RSP];
    (sp & !m) | (sp.wrapping_add(delta) & m)
}

/// Linear address of stack offset `sp`.
#[inline(always)]
pub fn stack_la(cpu: &Cpu, sp: u64) -> u64 {
    cpu.linear(Seg::Ss, sp & mask(cpu.sp_size))
}

/// Push `v` of `size` bytes.
pub fn push_value(cpu: &mut Cpu, env: &mut Env, size: u8, v: u64) -> Result<(), Fault> {
    let sp = sp_moved(cpu, (size as u64).wrapping_neg());
    cpu.write(env, stack_la(cpu, sp), size, v, true)?;
    cpu.regs[RSP] = sp;
    Ok(())
}

/// Pop `size` bytes.
pub fn pop_value(cpu: &mut Cpu, env: &mut Env, size: u8) -> Result<u64, Fault> {
    let v = cpu.read(env, stack_la(cpu, cpu.regs[RSP]), size, true)?;
    cpu.regs[RSP] = sp_moved(cpu, size as u64);
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
