//! System registers computed from or acting on other state, and the access checks beyond
//! `min_el` (DDI 0487 D19: the "Accessibility" pseudocode of each register; D1.19 for the EL0
//! controls in SCTLR_EL1). The generic timer's registers and checks are in
//! [`crate::aarch64::timer`].
//!
//! Not modelled: the EL2 fine-grained traps of EL1 accesses (HCR_EL2.TVM/TRVM/TID*/TSW/TPC…,
//! MDCR_EL2): an EL1 access always goes ahead. `TODO(FEAT_EL2_TRAPS)`.

use super::{Deny, Dir, Reg};
use crate::aarch64::mem::{REGIME_EL10, REGIME_EL2};
use crate::aarch64::state::Cpu;

/// SCTLR_EL1.UMA: EL0 may access DAIF.
pub const SCTLR_UMA: u64 = 1 << 9;
/// SCTLR_EL1.DZE: EL0 may execute DC ZVA.
pub const SCTLR_DZE: u64 = 1 << 14;
/// SCTLR_EL1.UCT: EL0 may read CTR_EL0.
pub const SCTLR_UCT: u64 = 1 << 15;
/// SCTLR_EL1.nTWI: EL0 WFI is not trapped.
pub const SCTLR_NTWI: u64 = 1 << 16;
/// SCTLR_EL1.UCI: EL0 may execute DC CVAU/CVAC/CIVAC and IC IVAU.
pub const SCTLR_UCI: u64 = 1 << 26;
/// HCR_EL2.TWI: WFI below EL2 traps to EL2.
pub const HCR_TWI: u64 = 1 << 13;
/// HCR_EL2.TSC: SMC at EL1 traps to EL2.
pub const HCR_TSC: u64 = 1 << 19;
/// HCR_EL2.TDZ: DC ZVA below EL2 traps to EL2.
pub const HCR_TDZ: u64 = 1 << 28;
/// HCR_EL2.HCD: HVC is UNDEFINED (no EL3).
pub const HCR_HCD: u64 = 1 << 29;
/// PMUSERENR_EL0.EN: EL0 may access the PMU.
const PMUSERENR_EN: u64 = 1 << 0;
/// CPTR_EL2.TFP: FP/AdvSIMD accesses below and at EL2 trap to EL2.
const CPTR_TFP: u64 = 1 << 10;

/// At EL0, trap to EL1 unless `enabled`.
#[inline]
fn el0_unless(c: &Cpu, enabled: bool) -> Result<(), Deny> {
    if c.el == 0 && !enabled {
        Err(Deny::Trap(1))
    } else {
        Ok(())
    }
}

#[inline]
fn sctlr1(c: &Cpu, bit: u64) -> bool {
    c.sys.get(Reg::SctlrEl1) & bit != 0
}

/// DAIF at EL0: SCTLR_EL1.UMA.
pub fn check_uma(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_unless(c, sctlr1(c, SCTLR_UMA))
}

/// CTR_EL0 at EL0: SCTLR_EL1.UCT.
pub fn check_uct(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_unless(c, sctlr1(c, SCTLR_UCT))
}

/// DC CVAU/CVAC/CIVAC, IC IVAU at EL0: SCTLR_EL1.UCI.
pub fn check_uci(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_unless(c, sctlr1(c, SCTLR_UCI))
}

/// DC ZVA: SCTLR_EL1.DZE at EL0, HCR_EL2.TDZ below EL2.
pub fn check_dze(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_unless(c, sctlr1(c, SCTLR_DZE))?;
    if c.max_el >= 2 && c.el < 2 && c.sys.get(Reg::HcrEl2) & HCR_TDZ != 0 {
        return Err(Deny::Trap(2));
    }
    Ok(())
}

/// Registers that EL0 may read but not write (TPIDRRO_EL0, PMUSERENR_EL0): MSR at EL0 is
/// UNDEFINED.
pub fn check_el0_read_only(c: &Cpu, dir: Dir) -> Result<(), Deny> {
    if c.el == 0 && dir == Dir::Write {
        Err(Deny::Undefined)
    } else {
        Ok(())
    }
}

/// SP_EL0 is UNDEFINED while PSTATE.SP selects SP_EL0 itself.
pub fn check_sp_el0(c: &Cpu, _: Dir) -> Result<(), Deny> {
    if c.sp_sel {
        Ok(())
    } else {
        Err(Deny::Undefined)
    }
}

/// FPCR/FPSR: CPACR_EL1.FPEN (EL0 needs 0b11, EL1 needs 0bx1), then CPTR_EL2.TFP.
pub fn check_fp(c: &Cpu, _: Dir) -> Result<(), Deny> {
    let fpen = (c.sys.get(Reg::CpacrEl1) >> 20) & 3;
    let cpacr_traps = match c.el {
        0 => fpen != 3,
        1 => fpen & 1 == 0,
        _ => false,
    };
    if cpacr_traps {
        return Err(Deny::TrapFp(1));
    }
    if c.max_el >= 2 && c.sys.get(Reg::CptrEl2) & CPTR_TFP != 0 {
        return Err(Deny::TrapFp(2));
    }
    Ok(())
}

/// PMU registers at EL0: PMUSERENR_EL0.EN.
pub fn check_pmu(c: &Cpu, _: Dir) -> Result<(), Deny> {
    el0_unless(c, c.sys.get(Reg::PmuserenrEl0) & PMUSERENR_EN != 0)
}

// ## Views: a field read or written through a function

/// Plain read of the field.
pub fn read_field(c: &Cpu, r: Reg) -> u64 {
    c.sys.get(r)
}

/// Write a register that translation depends on (SCTLR, TTBRn, TCR, MAIR, HCR, VTTBR, VTCR):
/// when the value changes, flush the TLB sets of the regime it controls (a TTBR write that
/// changes the ASID included: simplest, and correct).
pub fn write_flush_tlb(c: &mut Cpu, r: Reg, v: u64) {
    if c.sys.get(r) == v {
        return;
    }
    c.sys.set(r, v);
    let regimes = match r {
        Reg::SctlrEl2 | Reg::TcrEl2 | Reg::Ttbr0El2 | Reg::MairEl2 => REGIME_EL2,
        _ => REGIME_EL10,
    };
    c.tlb.flush_regimes(regimes);
}

/// Plain write of the field.
pub fn write_field(c: &mut Cpu, r: Reg, v: u64) {
    c.sys.set(r, v);
}

/// Write keeping only the bits of `M` (RES0 elsewhere).
pub fn write_masked<const M: u64>(c: &mut Cpu, r: Reg, v: u64) {
    c.sys.set(r, v & M);
}

/// The SET view of a set/clear pair: writing ones sets those bits.
pub fn write_set_bits(c: &mut Cpu, r: Reg, v: u64) {
    let old = c.sys.get(r);
    c.sys.set(r, old | v);
}

/// The CLR view of a set/clear pair: writing ones clears those bits.
pub fn write_clear_bits(c: &mut Cpu, r: Reg, v: u64) {
    let old = c.sys.get(r);
    c.sys.set(r, old & !v);
}

/// Registers that are read-only through MSR (the table marks them): never called.
pub fn write_none(_: &mut Cpu, _: Reg, _: u64) {}

// ## PSTATE and stack pointers

/// NZCV.
pub fn read_nzcv(c: &Cpu) -> u64 {
    c.nzcv() as u64
}
/// NZCV.
pub fn write_nzcv(c: &mut Cpu, v: u64) {
    c.set_nzcv(v as u32);
}
/// DAIF.
pub fn read_daif(c: &Cpu) -> u64 {
    c.daif as u64
}
/// DAIF.
pub fn write_daif(c: &mut Cpu, v: u64) {
    c.daif = v as u32 & (0xf << 6);
}
/// CurrentEL.
pub fn read_current_el(c: &Cpu) -> u64 {
    (c.el as u64) << 2
}
/// For read-only hooks: never called (the table marks the register read-only).
pub fn write_ignored(_: &mut Cpu, _: u64) {}
/// SPSel.
pub fn read_spsel(c: &Cpu) -> u64 {
    c.sp_sel as u64
}
/// SPSel: switches the live stack pointer.
pub fn write_spsel(c: &mut Cpu, v: u64) {
    let el = c.el;
    c.set_el_sp(el, v & 1 == 1);
}
/// SP_EL0.
pub fn read_sp_el0(c: &Cpu) -> u64 {
    c.sp_of(0)
}
/// SP_EL0.
pub fn write_sp_el0(c: &mut Cpu, v: u64) {
    c.set_sp_of(0, v)
}
/// SP_EL1.
pub fn read_sp_el1(c: &Cpu) -> u64 {
    c.sp_of(1)
}
/// SP_EL1.
pub fn write_sp_el1(c: &mut Cpu, v: u64) {
    c.set_sp_of(1, v)
}
/// Registers that read as zero here (the read side of write-only registers).
pub fn read_zero(_: &Cpu) -> u64 {
    0
}

// ## Debug

/// OSLAR_EL1: bit 0 sets OSLSR_EL1.OSLK (bit 1).
pub fn write_oslar(c: &mut Cpu, v: u64) {
    let oslsr = c.sys.get(Reg::OslsrEl1) & !2;
    c.sys.set(Reg::OslsrEl1, oslsr | (v & 1) << 1);
}

// ## GICv3 CPU interface (IHI 0069 §12.2: ICC_*; §12.4: ICH_*)
//
// The registers themselves are served by the machine (`Storage::Machine`); the core keeps
// ICC_SRE_EL2 (and its view ICC_SRE_EL1), which says whether the interface exists at all.
// `TODO(GICV3_VIRT)`: HCR_EL2.IMO/FMO do not redirect EL1 accesses to the virtual interface.

/// ICC_SRE_ELx.SRE: the System register interface is in use.
pub const ICC_SRE_SRE: u64 = 1 << 0;
/// ICC_SRE_EL2.Enable: EL1 may access ICC_SRE_EL1.
pub const ICC_SRE_ENABLE: u64 = 1 << 3;
/// ICC_SRE_EL2 with a GICv3 and no legacy operation: SRE, DFB, DIB and Enable read as one.
pub const ICC_SRE_EL2_V3: u64 = 0xf;

/// ICC_* and ICH_* registers: UNDEFINED unless the board has a GICv3 CPU interface and
/// ICC_SRE_ELx.SRE is set.
pub fn check_icc(c: &Cpu, _: Dir) -> Result<(), Deny> {
    if c.sys.get(Reg::IccSreEl2) & ICC_SRE_SRE == 0 {
        Err(Deny::Undefined)
    } else {
        Ok(())
    }
}

/// ICC_SRE_EL1: UNDEFINED without a GICv3; from EL1, trapped to EL2 when ICC_SRE_EL2.Enable is
/// clear.
pub fn check_icc_sre_el1(c: &Cpu, _: Dir) -> Result<(), Deny> {
    let sre2 = c.sys.get(Reg::IccSreEl2);
    if sre2 == 0 {
        Err(Deny::Undefined)
    } else if c.el == 1 && c.max_el >= 2 && sre2 & ICC_SRE_ENABLE == 0 {
        Err(Deny::Trap(2))
    } else {
        Ok(())
    }
}

/// ICC_SRE_EL1: SRE, DFB and DIB of ICC_SRE_EL2 (read as one with a GICv3).
pub fn read_icc_sre_el1(c: &Cpu, r: Reg) -> u64 {
    c.sys.get(r) & 7
}

/// Writes ignored: the register's bits are fixed (ICC_SRE_ELx).
pub fn write_wi(_: &mut Cpu, _: Reg, _: u64) {}
