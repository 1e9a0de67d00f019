//! Loads and stores (DDI 0487 C4.1.88): every addressing form of single registers and pairs,
//! literal loads, exclusives and acquire/release, prefetch.

use crate::aarch64::block::Env;
use crate::aarch64::state::{Cpu, Flow, Ops};

/// LDR (unsigned immediate), all sizes, zero-extending.
pub fn ldr_ui(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let addr = cpu.r(o.rn).wrapping_add(o.imm);
    match cpu.load_sized(env, addr, 1 << o.op) {
        Ok(v) => {
            cpu.w(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR (unsigned immediate), all sizes.
pub fn str_ui(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let addr = cpu.r(o.rn).wrapping_add(o.imm);
    let v = cpu.r(o.ra);
    match cpu.store_sized(env, addr, 1 << o.op, v) {
        Ok(()) => Flow::Next,
        Err(t) => cpu.raise(t),
    }
}
