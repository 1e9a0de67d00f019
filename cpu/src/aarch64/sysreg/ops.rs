//! The SYS operations (DDI 0487 C5.3: DC, IC, AT and TLBI; D4.4 for the cache maintenance model,
//! D7.2 / PAR_EL1 for address translation results).
//!
//! Caches are not modelled, so every DC and IC maintenance operation is a no-op once its access
//! checks pass: memory is always coherent, and the block cache drops decoded code when a store
//! reaches its page, which makes IC IVAU / IALLU / IALLUIS unnecessary. DC ZVA zeroes a
//! [`ZVA_BYTES`](super::id::ZVA_BYTES) block. Every TLBI flushes this vCPU's whole software TLB.
//! `TODO(FEAT_SMP)`: the broadcast (`IS`) forms should also flush the other vCPUs' TLBs.

use super::id::ZVA_BYTES;
use super::Reg;
use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::mem::{Access, PA_BITS};
use crate::aarch64::state::Cpu;

/// A SYS operation: acts on the value of Xt.
pub type OpFn = fn(&mut Cpu, &mut Env, u64) -> Result<(), Trap>;

/// Cache maintenance with nothing to maintain.
pub fn nothing(_: &mut Cpu, _: &mut Env, _: u64) -> Result<(), Trap> {
    Ok(())
}

/// DC ZVA: zero the naturally aligned block holding the address. A fault reports an address
/// within the block, as the architecture allows.
pub fn dc_zva(cpu: &mut Cpu, env: &mut Env, va: u64) -> Result<(), Trap> {
    let base = va & !(ZVA_BYTES - 1);
    for off in (0..ZVA_BYTES).step_by(8) {
        cpu.store::<8>(env, base.wrapping_add(off), 0)?;
    }
    Ok(())
}

/// TLBI (every form): forget every cached translation of this vCPU.
pub fn tlbi(cpu: &mut Cpu, _: &mut Env, _: u64) -> Result<(), Trap> {
    cpu.tlb.flush();
    Ok(())
}

/// PAR_EL1 bit 11, RES1 in both formats.
const PAR_RES1: u64 = 1 << 11;
/// PAR_EL1.NS: reported set, as for a Non-secure translation regime (QEMU does the same).
const PAR_NS: u64 = 1 << 9;
/// PAR_EL1.SH = 0b10 (Outer Shareable): the attribute of accesses with stage 1 disabled.
const PAR_SH_OUTER: u64 = 2 << 7;
/// PAR_EL1.PA: bits 47:12.
const PAR_PA: u64 = ((1 << PA_BITS) - 1) & !0xfff;

fn at(cpu: &mut Cpu, va: u64, access: Access) -> Result<(), Trap> {
    // TODO(FEAT_MMU): translate for the regime and EL the operation names (S1E0 at EL0
    // permissions, S1E2 for EL2) and report the memory attributes of the descriptor. With
    // stage 1 disabled, data accesses are Device-nGnRnE (ATTR = 0x00), Outer Shareable.
    let par = match cpu.translate(va, access) {
        Ok(pa) => (pa & PAR_PA) | PAR_RES1 | PAR_NS | PAR_SH_OUTER,
        Err(Trap::Abort { fsc, .. }) => PAR_RES1 | ((fsc as u64) & 0x3f) << 1 | 1,
        Err(t) => return Err(t),
    };
    cpu.sys.set(Reg::ParEl1, par);
    Ok(())
}

/// AT S1E*R, S12E*R: translate for a read, result in PAR_EL1.
pub fn at_read(cpu: &mut Cpu, _: &mut Env, va: u64) -> Result<(), Trap> {
    at(cpu, va, Access::Read)
}

/// AT S1E*W, S12E*W: translate for a write, result in PAR_EL1.
pub fn at_write(cpu: &mut Cpu, _: &mut Env, va: u64) -> Result<(), Trap> {
    at(cpu, va, Access::Write)
}
