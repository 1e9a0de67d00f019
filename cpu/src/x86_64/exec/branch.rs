//! Near control flow: Jcc, JMP, CALL, RET (SDM vol. 2). Relative targets are stored as offsets
//! from the next instruction; a non-canonical target raises #GP(0) at the branch itself.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::mem::canonical;
use super::super::state::{Cpu, Fault, RSP};
use super::stack::{pop_value, push_value};

/// Target of a JMP/CALL: relative or from a 64-bit register or memory operand.
fn target(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<u64, Fault> {
    let t = match ops.dst {
        Opnd::Imm => cpu.rip.wrapping_add(ops.imm),
        o => {
            let s = cpu.loc(ops, o);
            cpu.get(env, s, 8, ops.mem.stack)?
        }
    };
    if canonical(t) {
        Ok(t)
    } else {
        Err(Fault::GP0)
    }
}

/// Jcc rel.
pub fn jcc(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.cond(ops.cc) {
        let t = cpu.rip.wrapping_add(ops.imm);
        if !canonical(t) {
            return Err(Fault::GP0);
        }
        cpu.rip = t;
    }
    Ok(())
}

/// JMP rel / r/m64.
pub fn jmp(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    cpu.rip = target(cpu, env, ops)?;
    Ok(())
}

/// CALL rel / r/m64: pushes the address of the next instruction.
pub fn call(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let t = target(cpu, env, ops)?;
    push_value(cpu, env, 8, cpu.rip)?;
    cpu.rip = t;
    Ok(())
}

/// RET, RET imm16: pops the target, then releases imm16 more bytes.
pub fn ret(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let old = cpu.regs[RSP];
    let t = pop_value(cpu, env, 8)?;
    if !canonical(t) {
        cpu.regs[RSP] = old;
        return Err(Fault::GP0);
    }
    if ops.dst == Opnd::Imm {
        cpu.regs[RSP] = cpu.regs[RSP].wrapping_add(ops.imm & 0xffff);
    }
    cpu.rip = t;
    Ok(())
}
