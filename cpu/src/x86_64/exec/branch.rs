//! Near control flow: Jcc, JMP, CALL, RET, LOOP/LOOPE/LOOPNE, JRCXZ/JECXZ/JCXZ (SDM vol. 2).
//! Relative targets are stored as offsets from the next instruction. In 64-bit mode a
//! non-canonical target raises #GP(0) at the branch itself; in 32- and 16-bit code the target
//! is truncated to the operand size (EIP/IP; CS limits are not checked, see
//! [`super::super::system`]). CALL and RET move the stack by the operand size ([`Ops::size`]).

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::mem::canonical;
use super::super::state::flag::ZF;
use super::super::state::{mask, Cpu, Fault, RCX};
use super::stack::{pop_value, push_value, sp_moved};

/// A near branch target: checked for canonical form in 64-bit mode, else truncated to the
/// operand size.
#[inline]
pub fn near_target(cpu: &Cpu, t: u64, size: u8) -> Result<u64, Fault> {
    if cpu.mode64() {
        if canonical(t) {
            Ok(t)
        } else {
            Err(Fault::GP0)
        }
    } else {
        Ok(t & mask(size.min(4)))
    }
}

/// Target of a JMP/CALL: relative or from a register or memory operand.
fn target(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<u64, Fault> {
    let t = match ops.dst {
        Opnd::Imm => cpu.rip.wrapping_add(ops.imm),
        o => {
            let s = cpu.loc(ops, o);
            cpu.get(env, s, ops.size, ops.mem.stack)?
        }
    };
    near_target(cpu, t, ops.size)
}

/// Jcc rel.
pub fn jcc(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.cond(ops.cc) {
        cpu.rip = near_target(cpu, cpu.rip.wrapping_add(ops.imm), ops.size)?;
    }
    Ok(())
}

/// JMP rel / r/m.
pub fn jmp(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    cpu.rip = target(cpu, env, ops)?;
    Ok(())
}

/// CALL rel / r/m: pushes the address of the next instruction.
pub fn call(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let t = target(cpu, env, ops)?;
    push_value(cpu, env, ops.size, cpu.rip)?;
    cpu.rip = t;
    Ok(())
}

/// RET, RET imm16: pops the target (operand size [`Ops::size`]), then releases imm16 more
/// bytes.
pub fn ret(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let old = cpu.regs[super::super::state::RSP];
    let t = pop_value(cpu, env, ops.size)?;
    let t = match near_target(cpu, t, ops.size) {
        Ok(t) => t,
        Err(f) => {
            cpu.regs[super::super::state::RSP] = old;
            return Err(f);
        }
    };
    if ops.dst == Opnd::Imm {
        cpu.regs[super::super::state::RSP] = sp_moved(cpu, ops.imm & 0xffff);
    }
    cpu.rip = t;
    Ok(())
}

/// LOOP (`KIND` 0), LOOPE (1), LOOPNE (2): decrement the counter (RCX, ECX or CX by the
/// address size [`Mem::asz`](super::super::insn::Mem::asz); flags unchanged), branch while it
/// is non-zero (and ZF is set / clear); JRCXZ/JECXZ/JCXZ (3): branch if the counter is zero.
/// A non-canonical target raises #GP(0) with nothing written.
pub fn loop_<const KIND: u8>(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let asz = ops.mem.asz;
    let target = cpu.rip.wrapping_add(ops.imm);
    let taken = if KIND == 3 {
        cpu.reg(RCX as u8, asz) == 0
    } else {
        let c = cpu.reg(RCX as u8, asz).wrapping_sub(1) & mask(asz);
        let zf = cpu.rflags & ZF != 0;
        let t = c != 0 && (KIND == 0 || (KIND == 1) == zf);
        if t {
            near_target(cpu, target, ops.size)?;
        }
        cpu.set_reg(RCX as u8, asz, c);
        t
    };
    if taken {
        cpu.rip = near_target(cpu, target, ops.size)?;
    }
    Ok(())
}
