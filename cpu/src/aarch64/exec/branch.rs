//! Branches (DDI 0487 C4.1.87): unconditional and conditional immediate, compare and test and
//! branch, register branches.

use crate::aarch64::block::Env;
use crate::aarch64::state::{Cpu, Flow, Ops};

/// B.
pub fn b(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.pc = cpu.pc.wrapping_add(o.imm);
    Flow::Jump
}

/// BL.
pub fn bl(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.x[30] = cpu.pc.wrapping_add(4);
    cpu.pc = cpu.pc.wrapping_add(o.imm);
    Flow::Jump
}
