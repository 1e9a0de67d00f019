//! Exception generation and system instructions (DDI 0487 C4.1.87): SVC/HVC/SMC/BRK/HLT, hints,
//! barriers, PSTATE access, MSR/MRS and SYS, ERET.

use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::state::{Cpu, Exit, Flow, Ops};

/// SVC: supervisor call to EL1.
pub fn svc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.raise(Trap::Svc(o.imm as u16))
}

/// HVC: with no EL2, the machine services it (PSCI); UNDEFINED at EL0.
pub fn hvc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if cpu.el == 0 {
        return cpu.raise(Trap::Undefined(0xd400_0002 | ((o.imm as u32) << 5)));
    }
    if cpu.max_el >= 2 {
        return cpu.raise(Trap::Hvc(o.imm as u16));
    }
    cpu.exit = Some(Exit::Hvc(o.imm as u16));
    cpu.pc = cpu.pc.wrapping_add(4);
    Flow::Exit
}

/// NOP and the hints that do nothing here.
pub fn nop(_: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    Flow::Next
}
