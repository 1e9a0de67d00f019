//! Data processing – immediate (DDI 0487 C4.1.86): add/sub, logical, move wide, bitfield,
//! extract, PC-relative addressing.

use super::add_with_carry;
use crate::aarch64::block::Env;
use crate::aarch64::state::{Cpu, Flow, Ops};

/// ADD (immediate).
pub fn add_i(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_add(o.imm);
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// SUB (immediate).
pub fn sub_i(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rn).wrapping_sub(o.imm);
    cpu.w_sf(o.rd, v, o.sf);
    Flow::Next
}

/// ADDS (immediate).
pub fn adds_i(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_carry(cpu.r(o.rn), o.imm, false, o.sf);
    cpu.nzcv = f;
    cpu.w(o.rd, v);
    Flow::Next
}

/// SUBS (immediate).
pub fn subs_i(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let (v, f) = add_with_carry(cpu.r(o.rn), !o.imm, true, o.sf);
    cpu.nzcv = f;
    cpu.w(o.rd, v);
    Flow::Next
}
