//! The system register table, sorted by encoding. Add a register: one line here (and a [`Reg`]
//! variant when it has storage).

use super::{enc, Dir, Reg};
use crate::aarch64::state::Cpu;

/// Where a register's value lives.
#[derive(Clone, Copy)]
pub enum Storage {
    /// A plain field of [`super::SysRegs`].
    Field(Reg),
    /// A constant: reads return it, writes are ignored (or UNDEFINED when read-only).
    Const(u64),
    /// Computed from or acting on other state.
    Hooks {
        /// MRS.
        read: fn(&Cpu) -> u64,
        /// MSR.
        write: fn(&mut Cpu, u64),
    },
}

/// One system register.
#[derive(Clone, Copy)]
pub struct SysRegDesc {
    /// Architectural name.
    pub name: &'static str,
    /// `enc(op0, op1, CRn, CRm, op2)`.
    pub enc: u32,
    /// Lowest EL that may access it (0, 1 or 2).
    pub min_el: u8,
    /// Read-only: MSR is UNDEFINED.
    pub read_only: bool,
    /// Where the value lives.
    pub storage: Storage,
    /// Value at reset for [`Storage::Field`].
    pub reset: u64,
    /// Extra access check beyond `min_el` (traps to a higher EL), if any.
    pub check: Option<fn(&Cpu, Dir) -> Option<u8>>,
}

const fn rw(name: &'static str, enc: u32, min_el: u8, reg: Reg, reset: u64) -> SysRegDesc {
    SysRegDesc {
        name,
        enc,
        min_el,
        read_only: false,
        storage: Storage::Field(reg),
        reset,
        check: None,
    }
}

const fn ro(name: &'static str, enc: u32, min_el: u8, value: u64) -> SysRegDesc {
    SysRegDesc {
        name,
        enc,
        min_el,
        read_only: true,
        storage: Storage::Const(value),
        reset: 0,
        check: None,
    }
}

const fn hooks(
    name: &'static str,
    enc: u32,
    min_el: u8,
    read: fn(&Cpu) -> u64,
    write: fn(&mut Cpu, u64),
) -> SysRegDesc {
    SysRegDesc {
        name,
        enc,
        min_el,
        read_only: false,
        storage: Storage::Hooks { read, write },
        reset: 0,
        check: None,
    }
}

fn read_nzcv(c: &Cpu) -> u64 {
    c.nzcv as u64
}
fn write_nzcv(c: &mut Cpu, v: u64) {
    c.nzcv = v as u32 & 0xf000_0000;
}
fn read_daif(c: &Cpu) -> u64 {
    c.daif as u64
}
fn write_daif(c: &mut Cpu, v: u64) {
    c.daif = v as u32 & (0xf << 6);
}
fn read_current_el(c: &Cpu) -> u64 {
    (c.el as u64) << 2
}
fn write_ignored(_: &mut Cpu, _: u64) {}
fn read_spsel(c: &Cpu) -> u64 {
    c.sp_sel as u64
}
fn write_spsel(c: &mut Cpu, v: u64) {
    let el = c.el;
    c.set_el_sp(el, v & 1 == 1);
}
fn read_sp_el0(c: &Cpu) -> u64 {
    c.sp_of(0)
}
fn write_sp_el0(c: &mut Cpu, v: u64) {
    c.set_sp_of(0, v)
}
fn read_sp_el1(c: &Cpu) -> u64 {
    c.sp_of(1)
}
fn write_sp_el1(c: &mut Cpu, v: u64) {
    c.set_sp_of(1, v)
}
fn read_mpidr(_: &Cpu) -> u64 {
    // TODO(FEAT_SMP): affinity per vCPU. Bit 31 RES1.
    1 << 31
}

/// Cortex-A57 r1p3, as QEMU's `cortex-a57` reports it.
pub const MIDR_CORTEX_A57: u64 = 0x411f_d073;

/// Every system register, sorted by encoding.
pub static SYSREGS: &[SysRegDesc] = &[
    rw("MDSCR_EL1", enc(2, 0, 0, 2, 2), 1, Reg::MdscrEl1, 0),
    rw("OSLSR_EL1", enc(2, 0, 1, 1, 4), 1, Reg::OslsrEl1, 0x8),
    ro("MIDR_EL1", enc(3, 0, 0, 0, 0), 1, MIDR_CORTEX_A57),
    hooks(
        "MPIDR_EL1",
        enc(3, 0, 0, 0, 5),
        1,
        read_mpidr,
        write_ignored,
    ),
    rw(
        "SCTLR_EL1",
        enc(3, 0, 1, 0, 0),
        1,
        Reg::SctlrEl1,
        0x30d0_0800,
    ),
    rw("ACTLR_EL1", enc(3, 0, 1, 0, 1), 1, Reg::ActlrEl1, 0),
    rw("CPACR_EL1", enc(3, 0, 1, 0, 2), 1, Reg::CpacrEl1, 0),
    rw("TTBR0_EL1", enc(3, 0, 2, 0, 0), 1, Reg::Ttbr0El1, 0),
    rw("TTBR1_EL1", enc(3, 0, 2, 0, 1), 1, Reg::Ttbr1El1, 0),
    rw("TCR_EL1", enc(3, 0, 2, 0, 2), 1, Reg::TcrEl1, 0),
    rw("SPSR_EL1", enc(3, 0, 4, 0, 0), 1, Reg::SpsrEl1, 0),
    rw("ELR_EL1", enc(3, 0, 4, 0, 1), 1, Reg::ElrEl1, 0),
    hooks("SP_EL0", enc(3, 0, 4, 1, 0), 1, read_sp_el0, write_sp_el0),
    hooks("SPSel", enc(3, 0, 4, 2, 0), 1, read_spsel, write_spsel),
    hooks(
        "CurrentEL",
        enc(3, 0, 4, 2, 2),
        1,
        read_current_el,
        write_ignored,
    ),
    rw("AFSR0_EL1", enc(3, 0, 5, 1, 0), 1, Reg::Afsr0El1, 0),
    rw("AFSR1_EL1", enc(3, 0, 5, 1, 1), 1, Reg::Afsr1El1, 0),
    rw("ESR_EL1", enc(3, 0, 5, 2, 0), 1, Reg::EsrEl1, 0),
    rw("FAR_EL1", enc(3, 0, 6, 0, 0), 1, Reg::FarEl1, 0),
    rw("PAR_EL1", enc(3, 0, 7, 4, 0), 1, Reg::ParEl1, 0),
    rw("MAIR_EL1", enc(3, 0, 10, 2, 0), 1, Reg::MairEl1, 0),
    rw("AMAIR_EL1", enc(3, 0, 10, 3, 0), 1, Reg::AmairEl1, 0),
    rw("VBAR_EL1", enc(3, 0, 12, 0, 0), 1, Reg::VbarEl1, 0),
    rw(
        "CONTEXTIDR_EL1",
        enc(3, 0, 13, 0, 1),
        1,
        Reg::ContextidrEl1,
        0,
    ),
    rw("TPIDR_EL1", enc(3, 0, 13, 0, 4), 1, Reg::TpidrEl1, 0),
    rw("CNTKCTL_EL1", enc(3, 0, 14, 1, 0), 1, Reg::CntkctlEl1, 0),
    rw("CSSELR_EL1", enc(3, 2, 0, 0, 0), 1, Reg::CsselrEl1, 0),
    hooks("NZCV", enc(3, 3, 4, 2, 0), 0, read_nzcv, write_nzcv),
    hooks("DAIF", enc(3, 3, 4, 2, 1), 0, read_daif, write_daif),
    rw("FPCR", enc(3, 3, 4, 4, 0), 0, Reg::Fpcr, 0),
    rw("FPSR", enc(3, 3, 4, 4, 1), 0, Reg::Fpsr, 0),
    rw("TPIDR_EL0", enc(3, 3, 13, 0, 2), 0, Reg::TpidrEl0, 0),
    rw("TPIDRRO_EL0", enc(3, 3, 13, 0, 3), 0, Reg::TpidrroEl0, 0),
    rw(
        "VPIDR_EL2",
        enc(3, 4, 0, 0, 0),
        2,
        Reg::VpidrEl2,
        MIDR_CORTEX_A57,
    ),
    rw("VMPIDR_EL2", enc(3, 4, 0, 0, 5), 2, Reg::VmpidrEl2, 1 << 31),
    rw(
        "SCTLR_EL2",
        enc(3, 4, 1, 0, 0),
        2,
        Reg::SctlrEl2,
        0x30c5_0830,
    ),
    rw("HCR_EL2", enc(3, 4, 1, 1, 0), 2, Reg::HcrEl2, 0),
    rw("CPTR_EL2", enc(3, 4, 1, 1, 2), 2, Reg::CptrEl2, 0x33ff),
    rw("TTBR0_EL2", enc(3, 4, 2, 0, 0), 2, Reg::Ttbr0El2, 0),
    rw("TCR_EL2", enc(3, 4, 2, 0, 2), 2, Reg::TcrEl2, 0),
    rw("SPSR_EL2", enc(3, 4, 4, 0, 0), 2, Reg::SpsrEl2, 0),
    rw("ELR_EL2", enc(3, 4, 4, 0, 1), 2, Reg::ElrEl2, 0),
    hooks("SP_EL1", enc(3, 4, 4, 1, 0), 2, read_sp_el1, write_sp_el1),
    rw("ESR_EL2", enc(3, 4, 5, 2, 0), 2, Reg::EsrEl2, 0),
    rw("FAR_EL2", enc(3, 4, 6, 0, 0), 2, Reg::FarEl2, 0),
    rw("MAIR_EL2", enc(3, 4, 10, 2, 0), 2, Reg::MairEl2, 0),
    rw("VBAR_EL2", enc(3, 4, 12, 0, 0), 2, Reg::VbarEl2, 0),
    rw("TPIDR_EL2", enc(3, 4, 13, 0, 2), 2, Reg::TpidrEl2, 0),
];

/// The descriptor for `enc`, if the register exists.
pub fn lookup(enc: u32) -> Option<&'static SysRegDesc> {
    SYSREGS
        .binary_search_by_key(&enc, |d| d.enc)
        .ok()
        .map(|i| &SYSREGS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in SYSREGS.windows(2) {
            assert!(
                w[0].enc < w[1].enc,
                "{} must come before {}",
                w[0].name,
                w[1].name
            );
        }
    }

    #[test]
    fn every_storage_field_appears_once() {
        let mut seen = vec![0; Reg::Count as usize];
        for d in SYSREGS {
            if let Storage::Field(r) = d.storage {
                seen[r as usize] += 1;
            }
        }
        for (i, n) in seen.iter().enumerate() {
            assert_eq!(*n, 1, "Reg #{i} must have exactly one table line");
        }
    }
}
