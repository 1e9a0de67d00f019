//! The SYS operations (DDI 0487 C5.3: DC, IC, AT and TLBI; D4.4 for the cache maintenance model,
//! D7.2 / PAR_EL1 for address translation results).
//!
//! Caches are not modelled, so every DC and IC maintenance operation is a no-op once its access
//! checks pass: memory is always coherent, and the block cache drops decoded code when a store
//! reaches its page, which makes IC IVAU / IALLU / IALLUIS unnecessary. DC ZVA zeroes a
//! [`ZVA_BYTES`](super::id::ZVA_BYTES) block. TLBI (D8.13, C5.5): the ALL/ASID forms flush the
//! regime's TLB sets, the by-VA forms drop the entries of that address for every ASID, the IPA
//! forms are no-ops (no stage 2). `TODO(FEAT_SMP)`: the broadcast (`IS`) forms should also
//! reach the other vCPUs' TLBs. AT walks the page tables ([`crate::aarch64::mmu`]).

use super::id::ZVA_BYTES;
use super::Reg;
use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::mem::{Access, PA_BITS};
use crate::aarch64::mmu::{fsc, PERM_R, PERM_W};
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

/// TLBI VMALLE1(IS), ASIDE1(IS), ALLE1(IS), VMALLS12E1(IS) (`M` = [`REGIME_EL10`](crate::aarch64::mem::REGIME_EL10)) and
/// ALLE2(IS) (`M` = [`REGIME_EL2`](crate::aarch64::mem::REGIME_EL2)): forget every translation of the regime. The by-ASID form
/// over-invalidates, which the architecture allows; so does ALLE1 (stage 2 is not modelled).
pub fn tlbi_all<const M: u8>(cpu: &mut Cpu, _: &mut Env, _: u64) -> Result<(), Trap> {
    cpu.tlb.flush_regimes(M);
    Ok(())
}

/// TLBI VAE1, VALE1, VAAE1, VAALE1 (and IS; `M` = [`REGIME_EL10`](crate::aarch64::mem::REGIME_EL10)), VAE2, VALE2 (and IS;
/// `M` = [`REGIME_EL2`](crate::aarch64::mem::REGIME_EL2)): forget the translations of the address in Xt<43:0> (VA<55:12>) for
/// every ASID. The last-level-only forms drop the same entries (over-invalidation is allowed).
pub fn tlbi_va<const M: u8>(cpu: &mut Cpu, _: &mut Env, xt: u64) -> Result<(), Trap> {
    let va = (xt & ((1 << 44) - 1)) << 12;
    cpu.tlb.flush_va(M, va);
    Ok(())
}

/// PAR_EL1 bit 11, RES1 in both formats.
const PAR_RES1: u64 = 1 << 11;
/// PAR_EL1.NS: set, as for a Non-secure translation regime (QEMU does the same).
const PAR_NS: u64 = 1 << 9;
/// PAR_EL1.PA: bits 47:12.
const PAR_PA: u64 = ((1 << PA_BITS) - 1) & !0xfff;

/// AT S1E1R/W (`IDX` = [`IDX_EL1`](crate::aarch64::mmu::IDX_EL1)), S1E0R/W ([`IDX_EL0`](crate::aarch64::mmu::IDX_EL0)), S1E2R/W ([`IDX_EL2`](crate::aarch64::mmu::IDX_EL2)) and, with
/// stage 2 not modelled, S12E1R/W and S12E0R/W: a stage-1 walk of Xt for a read (`W` false) or a
/// write, result in PAR_EL1 (DDI 0487 D19 PAR_EL1; QEMU's do_ats_write for the choices).
///
/// Success: PA, ATTR (the MAIR attribute), SH (0b10 for Device and Normal Non-cacheable memory,
/// PAREncodeShareability), NS. A fault: F = 1 and FST, PTW = S = 0 (no stage 2). A synchronous
/// external abort on the walk is not reported in PAR_EL1 but taken as a Data Abort (WnR = 1).
/// `TODO(FEAT_S2)`: ISS.CM is not set for it.
pub fn at<const IDX: usize, const W: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    va: u64,
) -> Result<(), Trap> {
    let r = cpu.walk(env.bus, va, IDX, false, true).and_then(|w| {
        let need = if W { PERM_W } else { PERM_R };
        if w.perms & need == 0 {
            Err(fsc::PERMISSION + w.level)
        } else {
            Ok(w)
        }
    });
    let par = match r {
        Ok(w) => {
            let sh = if w.device() || w.attr == 0x44 || w.attr == 0x40 {
                2
            } else {
                w.sh as u64
            };
            (w.pa & PAR_PA) | (w.attr as u64) << 56 | sh << 7 | PAR_NS | PAR_RES1
        }
        Err(f) if f & !3 == fsc::EXTERNAL_WALK => {
            return Err(Trap::abort(Access::Write, va, f));
        }
        Err(f) => PAR_RES1 | (f as u64 & 0x3f) << 1 | 1,
    };
    cpu.sys.set(Reg::ParEl1, par);
    Ok(())
}
