//! Near control flow: Jcc, JMP, CALL, RET, LOOP/LOOPE/LOOPNE, JRCXZ (SDM vol. 2). Relative targets are stored as offsets
//! from the next instruction; a non-canonical target raises #GP(0) at the branch itself.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::mem::canonical;
use super::super::state::flag::ZF;
use super::super::state::{Cpu, Fault, RCX, RSP};
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

/// LOOP (`KIND` 0), LOOPE (1), LOOPNE (2): decrement RCX (flags unchanged), branch while it is
/// non-zero (and ZF is set / clear); JRCXZ (3): branch if RCX is zero. 64-bit address size
/// (RCX) only: the 0x67 forms (ECX) decode to #UD for now. A non-canonical target raises #GP(0)
/// with nothing written.
pub fn loop_<const KIND: u8>(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let target = cpu.rip.wrapping_add(ops.imm);
    let taken = if KIND == 3 {
        cpu.regs[RCX] == 0
    } else {
        let c = cpu.regs[RCX].wrapping_sub(1);
        let zf = cpu.rflags & ZF != 0;
        let t = c != 0 && (KIND == 0 || (KIND == 1) == zf);
        if t && !canonical(target) {
            return Err(Fault::GP0);
        }
        cpu.regs[RCX] = c;
        t
    };
    if taken {
        if !canonical(target) {
            return Err(Fault::GP0);
        }
        cpu.rip = target;
    }
    Ok(())
}
