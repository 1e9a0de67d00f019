//! The system register table, sorted by encoding. Add a register: one line here (and a [`Reg`]
//! variant when it has storage).
//!
//! The ID register space (op0 = 3, op1 = 0, CRn = 0, CRm = 1..=7) is complete: encodings without a
//! line are the reserved ID registers, which read as zero at EL1 ([`RESERVED_ID`]).

use super::hooks::*;
use super::id::{self, aarch32};
use super::ops::{self, OpFn};
use super::{enc, Deny, Dir, Reg};
use crate::aarch64::exception::read_isr;
use crate::aarch64::mem::{REGIME_EL10, REGIME_EL2};
use crate::aarch64::mmu::{IDX_EL0, IDX_EL1, IDX_EL2};
use crate::aarch64::state::Cpu;
use crate::aarch64::timer::{
    check_cntfrq, check_cntp, check_cntpct, check_cntv, check_cntvct, read_cntpct, read_cntvct,
    read_timer_ctl, read_timer_tval, write_cnthctl, write_cntvoff, write_timer_ctl,
    write_timer_cval, write_timer_tval, CNTKCTL_MASK,
};

/// Where a register's value lives.
#[derive(Clone, Copy)]
pub enum Storage {
    /// A plain field of [`super::SysRegs`].
    Field(Reg),
    /// A field of [`super::SysRegs`] read or written through functions (side effects, masks,
    /// set/clear views, timer views); several lines may share a field.
    View {
        /// The field.
        reg: Reg,
        /// MRS.
        read: fn(&Cpu, Reg) -> u64,
        /// MSR.
        write: fn(&mut Cpu, Reg, u64),
    },
    /// A constant: reads return it, writes are ignored (or UNDEFINED when read-only).
    Const(u64),
    /// Computed from or acting on other state.
    Hooks {
        /// MRS.
        read: fn(&Cpu) -> u64,
        /// MSR.
        write: fn(&mut Cpu, u64),
    },
    /// A SYS operation (DC, IC, AT, TLBI) on the value of Xt.
    Op(OpFn),
    /// Served by the machine through [`crate::aarch64::Bus::sysreg_read`] /
    /// [`crate::aarch64::Bus::sysreg_write`] (the GICv3 CPU interface, ICC_*).
    Machine,
}

impl Storage {
    /// The field this storage keeps its value in, if any.
    pub fn field(&self) -> Option<Reg> {
        match *self {
            Storage::Field(r) | Storage::View { reg: r, .. } => Some(r),
            _ => None,
        }
    }
}

/// An access check beyond `min_el`.
pub type CheckFn = fn(&Cpu, Dir) -> Result<(), Deny>;

/// One system register or SYS operation.
#[derive(Clone, Copy)]
pub struct SysRegDesc {
    /// Architectural name (SYS operations: "DC ZVA", "TLBI VMALLE1IS"…).
    pub name: &'static str,
    /// `enc(op0, op1, CRn, CRm, op2)`.
    pub enc: u32,
    /// Lowest EL that may access it (0, 1 or 2); lower ELs get UNDEFINED.
    pub min_el: u8,
    /// Read-only: MSR is UNDEFINED.
    pub read_only: bool,
    /// Write-only: MRS is UNDEFINED.
    pub write_only: bool,
    /// Where the value lives.
    pub storage: Storage,
    /// Value at reset of its field, for [`Storage::Field`] and [`Storage::View`].
    pub reset: u64,
    /// Extra access check beyond `min_el`, if any.
    pub check: Option<CheckFn>,
}

const fn desc_of(name: &'static str, enc: u32, min_el: u8, storage: Storage) -> SysRegDesc {
    SysRegDesc {
        name,
        enc,
        min_el,
        read_only: false,
        write_only: false,
        storage,
        reset: 0,
        check: None,
    }
}

/// Read/write register in a field.
const fn rw(name: &'static str, enc: u32, min_el: u8, reg: Reg, reset: u64) -> SysRegDesc {
    let mut d = desc_of(name, enc, min_el, Storage::Field(reg));
    d.reset = reset;
    d
}

/// Read-only register in a field (set by the core or the machine).
const fn ro_field(name: &'static str, enc: u32, min_el: u8, reg: Reg, reset: u64) -> SysRegDesc {
    let mut d = rw(name, enc, min_el, reg, reset);
    d.read_only = true;
    d
}

/// Register in a field, read and written through functions.
const fn view(
    name: &'static str,
    enc: u32,
    min_el: u8,
    reg: Reg,
    reset: u64,
    read: fn(&Cpu, Reg) -> u64,
    write: fn(&mut Cpu, Reg, u64),
) -> SysRegDesc {
    let mut d = desc_of(name, enc, min_el, Storage::View { reg, read, write });
    d.reset = reset;
    d
}

/// Read/write register in a field whose writes flush the TLB.
const fn rw_tlb(name: &'static str, enc: u32, min_el: u8, reg: Reg, reset: u64) -> SysRegDesc {
    view(name, enc, min_el, reg, reset, read_field, write_flush_tlb)
}

/// Read-only constant.
const fn ro(name: &'static str, enc: u32, min_el: u8, value: u64) -> SysRegDesc {
    let mut d = desc_of(name, enc, min_el, Storage::Const(value));
    d.read_only = true;
    d
}

/// Read-only computed register.
const fn ro_hook(name: &'static str, enc: u32, min_el: u8, read: fn(&Cpu) -> u64) -> SysRegDesc {
    let mut d = hooks(name, enc, min_el, read, write_ignored);
    d.read_only = true;
    d
}

/// Write-only register acting on other state.
const fn wo(name: &'static str, enc: u32, min_el: u8, write: fn(&mut Cpu, u64)) -> SysRegDesc {
    let mut d = hooks(name, enc, min_el, read_zero, write);
    d.write_only = true;
    d
}

/// Computed register.
const fn hooks(
    name: &'static str,
    enc: u32,
    min_el: u8,
    read: fn(&Cpu) -> u64,
    write: fn(&mut Cpu, u64),
) -> SysRegDesc {
    desc_of(name, enc, min_el, Storage::Hooks { read, write })
}

/// A SYS operation (op0 = 1).
const fn op(
    name: &'static str,
    op1: u32,
    crn: u32,
    crm: u32,
    op2: u32,
    min_el: u8,
    f: OpFn,
) -> SysRegDesc {
    let mut d = desc_of(name, enc(1, op1, crn, crm, op2), min_el, Storage::Op(f));
    d.write_only = true;
    d
}

/// `d` made read-only (MSR UNDEFINED).
const fn read_only(mut d: SysRegDesc) -> SysRegDesc {
    d.read_only = true;
    d
}

/// `d` made write-only (MRS UNDEFINED).
const fn write_only(mut d: SysRegDesc) -> SysRegDesc {
    d.write_only = true;
    d
}

/// A GICv3 CPU interface register served by the machine ([`Storage::Machine`]); UNDEFINED
/// when the board has no GICv3 ([`check_icc`]).
const fn gic(name: &'static str, enc: u32, min_el: u8) -> SysRegDesc {
    checked(desc_of(name, enc, min_el, Storage::Machine), check_icc)
}

/// ICH_VTR_EL2: PRIbits 4 and PREbits 4 (5 bits), IDbits 0 (16), A3V, ListRegs 3 (4 LRs).
const ICH_VTR: u64 = 4 << 29 | 4 << 26 | 1 << 21 | 3;

/// `d` with an access check.
const fn checked(mut d: SysRegDesc, check: CheckFn) -> SysRegDesc {
    d.check = Some(check);
    d
}

/// An ID register (op0 = 3, op1 = 0, CRn = 0): read-only constant at EL1.
const fn idreg(name: &'static str, crm: u32, op2: u32, value: u64) -> SysRegDesc {
    ro(name, enc(3, 0, 0, crm, op2), 1, value)
}

/// A debug breakpoint/watchpoint register (op0 = 2, op1 = 0, CRn = 0, CRm = n).
const fn dbg(name: &'static str, n: u32, op2: u32, reg: Reg) -> SysRegDesc {
    rw(name, enc(2, 0, 0, n, op2), 1, reg, 0)
}

/// A timer register (op0 = 3, CRn = 14): EL0 registers for op1 = 3, EL2 ones for op1 = 4.
const fn timer(
    name: &'static str,
    op1: u32,
    crm: u32,
    op2: u32,
    reg: Reg,
    read: fn(&Cpu, Reg) -> u64,
    write: fn(&mut Cpu, Reg, u64),
) -> SysRegDesc {
    let min_el = if op1 == 4 { 2 } else { 0 };
    view(name, enc(3, op1, 14, crm, op2), min_el, reg, 0, read, write)
}

/// The reserved registers of the ID space: RAZ at EL1.
pub static RESERVED_ID: SysRegDesc = ro("ID space (reserved, RAZ)", 0, 1, 0);

/// VBAR_ELx: bits 10:0 are RES0.
const VBAR_MASK: u64 = !0x7ff;

/// Every system register and SYS operation, sorted by encoding.
pub static SYSREGS: &[SysRegDesc] = &[
    // ## SYS operations (op0 = 1)
    op("IC IALLUIS", 0, 7, 1, 0, 1, ops::nothing),
    op("IC IALLU", 0, 7, 5, 0, 1, ops::nothing),
    op("DC IVAC", 0, 7, 6, 1, 1, ops::nothing),
    op("DC ISW", 0, 7, 6, 2, 1, ops::nothing),
    op("AT S1E1R", 0, 7, 8, 0, 1, ops::at::<IDX_EL1, false>),
    op("AT S1E1W", 0, 7, 8, 1, 1, ops::at::<IDX_EL1, true>),
    op("AT S1E0R", 0, 7, 8, 2, 1, ops::at::<IDX_EL0, false>),
    op("AT S1E0W", 0, 7, 8, 3, 1, ops::at::<IDX_EL0, true>),
    op("DC CSW", 0, 7, 10, 2, 1, ops::nothing),
    op("DC CISW", 0, 7, 14, 2, 1, ops::nothing),
    op(
        "TLBI VMALLE1IS",
        0,
        8,
        3,
        0,
        1,
        ops::tlbi_all::<REGIME_EL10>,
    ),
    op("TLBI VAE1IS", 0, 8, 3, 1, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI ASIDE1IS", 0, 8, 3, 2, 1, ops::tlbi_all::<REGIME_EL10>),
    op("TLBI VAAE1IS", 0, 8, 3, 3, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI VALE1IS", 0, 8, 3, 5, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI VAALE1IS", 0, 8, 3, 7, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI VMALLE1", 0, 8, 7, 0, 1, ops::tlbi_all::<REGIME_EL10>),
    op("TLBI VAE1", 0, 8, 7, 1, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI ASIDE1", 0, 8, 7, 2, 1, ops::tlbi_all::<REGIME_EL10>),
    op("TLBI VAAE1", 0, 8, 7, 3, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI VALE1", 0, 8, 7, 5, 1, ops::tlbi_va::<REGIME_EL10>),
    op("TLBI VAALE1", 0, 8, 7, 7, 1, ops::tlbi_va::<REGIME_EL10>),
    checked(op("DC ZVA", 3, 7, 4, 1, 0, ops::dc_zva), check_dze),
    checked(op("IC IVAU", 3, 7, 5, 1, 0, ops::nothing), check_uci),
    checked(op("DC CVAC", 3, 7, 10, 1, 0, ops::nothing), check_uci),
    checked(op("DC CVAU", 3, 7, 11, 1, 0, ops::nothing), check_uci),
    checked(op("DC CIVAC", 3, 7, 14, 1, 0, ops::nothing), check_uci),
    op("AT S1E2R", 4, 7, 8, 0, 2, ops::at::<IDX_EL2, false>),
    op("AT S1E2W", 4, 7, 8, 1, 2, ops::at::<IDX_EL2, true>),
    op("AT S12E1R", 4, 7, 8, 4, 2, ops::at::<IDX_EL1, false>),
    op("AT S12E1W", 4, 7, 8, 5, 2, ops::at::<IDX_EL1, true>),
    op("AT S12E0R", 4, 7, 8, 6, 2, ops::at::<IDX_EL0, false>),
    op("AT S12E0W", 4, 7, 8, 7, 2, ops::at::<IDX_EL0, true>),
    op("TLBI IPAS2E1IS", 4, 8, 0, 1, 2, ops::nothing),
    op("TLBI IPAS2LE1IS", 4, 8, 0, 5, 2, ops::nothing),
    op("TLBI ALLE2IS", 4, 8, 3, 0, 2, ops::tlbi_all::<REGIME_EL2>),
    op("TLBI VAE2IS", 4, 8, 3, 1, 2, ops::tlbi_va::<REGIME_EL2>),
    op("TLBI ALLE1IS", 4, 8, 3, 4, 2, ops::tlbi_all::<REGIME_EL10>),
    op("TLBI VALE2IS", 4, 8, 3, 5, 2, ops::tlbi_va::<REGIME_EL2>),
    op(
        "TLBI VMALLS12E1IS",
        4,
        8,
        3,
        6,
        2,
        ops::tlbi_all::<REGIME_EL10>,
    ),
    op("TLBI IPAS2E1", 4, 8, 4, 1, 2, ops::nothing),
    op("TLBI IPAS2LE1", 4, 8, 4, 5, 2, ops::nothing),
    op("TLBI ALLE2", 4, 8, 7, 0, 2, ops::tlbi_all::<REGIME_EL2>),
    op("TLBI VAE2", 4, 8, 7, 1, 2, ops::tlbi_va::<REGIME_EL2>),
    op("TLBI ALLE1", 4, 8, 7, 4, 2, ops::tlbi_all::<REGIME_EL10>),
    op("TLBI VALE2", 4, 8, 7, 5, 2, ops::tlbi_va::<REGIME_EL2>),
    op(
        "TLBI VMALLS12E1",
        4,
        8,
        7,
        6,
        2,
        ops::tlbi_all::<REGIME_EL10>,
    ),
    // ## Debug (op0 = 2)
    dbg("DBGBVR0_EL1", 0, 4, Reg::DbgBvr0El1),
    dbg("DBGBCR0_EL1", 0, 5, Reg::DbgBcr0El1),
    dbg("DBGWVR0_EL1", 0, 6, Reg::DbgWvr0El1),
    dbg("DBGWCR0_EL1", 0, 7, Reg::DbgWcr0El1),
    dbg("DBGBVR1_EL1", 1, 4, Reg::DbgBvr1El1),
    dbg("DBGBCR1_EL1", 1, 5, Reg::DbgBcr1El1),
    dbg("DBGWVR1_EL1", 1, 6, Reg::DbgWvr1El1),
    dbg("DBGWCR1_EL1", 1, 7, Reg::DbgWcr1El1),
    rw("MDCCINT_EL1", enc(2, 0, 0, 2, 0), 1, Reg::MdccintEl1, 0),
    rw("MDSCR_EL1", enc(2, 0, 0, 2, 2), 1, Reg::MdscrEl1, 0),
    dbg("DBGBVR2_EL1", 2, 4, Reg::DbgBvr2El1),
    dbg("DBGBCR2_EL1", 2, 5, Reg::DbgBcr2El1),
    dbg("DBGWVR2_EL1", 2, 6, Reg::DbgWvr2El1),
    dbg("DBGWCR2_EL1", 2, 7, Reg::DbgWcr2El1),
    dbg("DBGBVR3_EL1", 3, 4, Reg::DbgBvr3El1),
    dbg("DBGBCR3_EL1", 3, 5, Reg::DbgBcr3El1),
    dbg("DBGWVR3_EL1", 3, 6, Reg::DbgWvr3El1),
    dbg("DBGWCR3_EL1", 3, 7, Reg::DbgWcr3El1),
    dbg("DBGBVR4_EL1", 4, 4, Reg::DbgBvr4El1),
    dbg("DBGBCR4_EL1", 4, 5, Reg::DbgBcr4El1),
    dbg("DBGBVR5_EL1", 5, 4, Reg::DbgBvr5El1),
    dbg("DBGBCR5_EL1", 5, 5, Reg::DbgBcr5El1),
    ro("MDRAR_EL1", enc(2, 0, 1, 0, 0), 1, 0),
    wo("OSLAR_EL1", enc(2, 0, 1, 0, 4), 1, write_oslar),
    // OSLM = 0b10 (OS Lock implemented), OSLK = 1: the OS Lock is locked at cold reset.
    ro_field("OSLSR_EL1", enc(2, 0, 1, 1, 4), 1, Reg::OslsrEl1, 0xa),
    rw("OSDLR_EL1", enc(2, 0, 1, 3, 4), 1, Reg::OsdlrEl1, 0),
    rw("DBGPRCR_EL1", enc(2, 0, 1, 4, 4), 1, Reg::DbgprcrEl1, 0),
    // ## Identification (op0 = 3, op1 = 0, CRn = 0)
    ro_hook("MIDR_EL1", enc(3, 0, 0, 0, 0), 1, id::read_midr),
    read_only(view(
        "MPIDR_EL1",
        enc(3, 0, 0, 0, 5),
        1,
        Reg::MpidrEl1,
        id::MPIDR_RESET,
        id::read_mpidr,
        write_none,
    )),
    ro("REVIDR_EL1", enc(3, 0, 0, 0, 6), 1, 0),
    idreg("ID_PFR0_EL1", 1, 0, aarch32::PFR0),
    idreg("ID_PFR1_EL1", 1, 1, aarch32::PFR1),
    idreg("ID_DFR0_EL1", 1, 2, aarch32::DFR0),
    idreg("ID_AFR0_EL1", 1, 3, 0),
    idreg("ID_MMFR0_EL1", 1, 4, aarch32::MMFR0),
    idreg("ID_MMFR1_EL1", 1, 5, aarch32::MMFR1),
    idreg("ID_MMFR2_EL1", 1, 6, aarch32::MMFR2),
    idreg("ID_MMFR3_EL1", 1, 7, aarch32::MMFR3),
    idreg("ID_ISAR0_EL1", 2, 0, aarch32::ISAR0),
    idreg("ID_ISAR1_EL1", 2, 1, aarch32::ISAR1),
    idreg("ID_ISAR2_EL1", 2, 2, aarch32::ISAR2),
    idreg("ID_ISAR3_EL1", 2, 3, aarch32::ISAR3),
    idreg("ID_ISAR4_EL1", 2, 4, aarch32::ISAR4),
    idreg("ID_ISAR5_EL1", 2, 5, aarch32::ISAR5),
    idreg("ID_MMFR4_EL1", 2, 6, 0),
    idreg("ID_ISAR6_EL1", 2, 7, 0),
    idreg("MVFR0_EL1", 3, 0, aarch32::MVFR0),
    idreg("MVFR1_EL1", 3, 1, aarch32::MVFR1),
    idreg("MVFR2_EL1", 3, 2, aarch32::MVFR2),
    idreg("ID_PFR2_EL1", 3, 4, 0),
    idreg("ID_DFR1_EL1", 3, 5, 0),
    idreg("ID_MMFR5_EL1", 3, 6, 0),
    ro_hook("ID_AA64PFR0_EL1", enc(3, 0, 0, 4, 0), 1, id::read_aa64pfr0),
    idreg("ID_AA64PFR1_EL1", 4, 1, 0),
    idreg("ID_AA64ZFR0_EL1", 4, 4, 0),
    idreg("ID_AA64SMFR0_EL1", 4, 5, 0),
    idreg("ID_AA64DFR0_EL1", 5, 0, id::AA64DFR0),
    idreg("ID_AA64DFR1_EL1", 5, 1, 0),
    idreg("ID_AA64AFR0_EL1", 5, 4, 0),
    idreg("ID_AA64AFR1_EL1", 5, 5, 0),
    idreg("ID_AA64ISAR0_EL1", 6, 0, id::AA64ISAR0),
    idreg("ID_AA64ISAR1_EL1", 6, 1, 0),
    idreg("ID_AA64ISAR2_EL1", 6, 2, 0),
    idreg("ID_AA64MMFR0_EL1", 7, 0, id::AA64MMFR0),
    idreg("ID_AA64MMFR1_EL1", 7, 1, 0),
    idreg("ID_AA64MMFR2_EL1", 7, 2, 0),
    // ## EL1 system control
    rw_tlb(
        "SCTLR_EL1",
        enc(3, 0, 1, 0, 0),
        1,
        Reg::SctlrEl1,
        0x30d0_0800,
    ),
    rw("ACTLR_EL1", enc(3, 0, 1, 0, 1), 1, Reg::ActlrEl1, 0),
    rw("CPACR_EL1", enc(3, 0, 1, 0, 2), 1, Reg::CpacrEl1, 0),
    rw_tlb("TTBR0_EL1", enc(3, 0, 2, 0, 0), 1, Reg::Ttbr0El1, 0),
    rw_tlb("TTBR1_EL1", enc(3, 0, 2, 0, 1), 1, Reg::Ttbr1El1, 0),
    rw_tlb("TCR_EL1", enc(3, 0, 2, 0, 2), 1, Reg::TcrEl1, 0),
    rw("SPSR_EL1", enc(3, 0, 4, 0, 0), 1, Reg::SpsrEl1, 0),
    rw("ELR_EL1", enc(3, 0, 4, 0, 1), 1, Reg::ElrEl1, 0),
    checked(
        hooks("SP_EL0", enc(3, 0, 4, 1, 0), 1, read_sp_el0, write_sp_el0),
        check_sp_el0,
    ),
    hooks("SPSel", enc(3, 0, 4, 2, 0), 1, read_spsel, write_spsel),
    ro_hook("CurrentEL", enc(3, 0, 4, 2, 2), 1, read_current_el),
    gic("ICC_PMR_EL1", enc(3, 0, 4, 6, 0), 1),
    rw("AFSR0_EL1", enc(3, 0, 5, 1, 0), 1, Reg::Afsr0El1, 0),
    rw("AFSR1_EL1", enc(3, 0, 5, 1, 1), 1, Reg::Afsr1El1, 0),
    rw("ESR_EL1", enc(3, 0, 5, 2, 0), 1, Reg::EsrEl1, 0),
    rw("FAR_EL1", enc(3, 0, 6, 0, 0), 1, Reg::FarEl1, 0),
    rw("PAR_EL1", enc(3, 0, 7, 4, 0), 1, Reg::ParEl1, 0),
    view(
        "PMINTENSET_EL1",
        enc(3, 0, 9, 14, 1),
        1,
        Reg::PmintenEl1,
        0,
        read_field,
        write_set_bits,
    ),
    view(
        "PMINTENCLR_EL1",
        enc(3, 0, 9, 14, 2),
        1,
        Reg::PmintenEl1,
        0,
        read_field,
        write_clear_bits,
    ),
    rw_tlb("MAIR_EL1", enc(3, 0, 10, 2, 0), 1, Reg::MairEl1, 0),
    rw("AMAIR_EL1", enc(3, 0, 10, 3, 0), 1, Reg::AmairEl1, 0),
    view(
        "VBAR_EL1",
        enc(3, 0, 12, 0, 0),
        1,
        Reg::VbarEl1,
        0,
        read_field,
        write_masked::<VBAR_MASK>,
    ),
    ro_hook("ISR_EL1", enc(3, 0, 12, 1, 0), 1, read_isr),
    read_only(gic("ICC_IAR0_EL1", enc(3, 0, 12, 8, 0), 1)),
    write_only(gic("ICC_EOIR0_EL1", enc(3, 0, 12, 8, 1), 1)),
    read_only(gic("ICC_HPPIR0_EL1", enc(3, 0, 12, 8, 2), 1)),
    gic("ICC_BPR0_EL1", enc(3, 0, 12, 8, 3), 1),
    gic("ICC_AP0R0_EL1", enc(3, 0, 12, 8, 4), 1),
    gic("ICC_AP1R0_EL1", enc(3, 0, 12, 9, 0), 1),
    write_only(gic("ICC_DIR_EL1", enc(3, 0, 12, 11, 1), 1)),
    read_only(gic("ICC_RPR_EL1", enc(3, 0, 12, 11, 3), 1)),
    write_only(gic("ICC_SGI1R_EL1", enc(3, 0, 12, 11, 5), 1)),
    write_only(gic("ICC_ASGI1R_EL1", enc(3, 0, 12, 11, 6), 1)),
    write_only(gic("ICC_SGI0R_EL1", enc(3, 0, 12, 11, 7), 1)),
    read_only(gic("ICC_IAR1_EL1", enc(3, 0, 12, 12, 0), 1)),
    write_only(gic("ICC_EOIR1_EL1", enc(3, 0, 12, 12, 1), 1)),
    read_only(gic("ICC_HPPIR1_EL1", enc(3, 0, 12, 12, 2), 1)),
    gic("ICC_BPR1_EL1", enc(3, 0, 12, 12, 3), 1),
    gic("ICC_CTLR_EL1", enc(3, 0, 12, 12, 4), 1),
    checked(
        view(
            "ICC_SRE_EL1",
            enc(3, 0, 12, 12, 5),
            1,
            Reg::IccSreEl2,
            0,
            read_icc_sre_el1,
            write_wi,
        ),
        check_icc_sre_el1,
    ),
    gic("ICC_IGRPEN0_EL1", enc(3, 0, 12, 12, 6), 1),
    gic("ICC_IGRPEN1_EL1", enc(3, 0, 12, 12, 7), 1),
    rw(
        "CONTEXTIDR_EL1",
        enc(3, 0, 13, 0, 1),
        1,
        Reg::ContextidrEl1,
        0,
    ),
    rw("TPIDR_EL1", enc(3, 0, 13, 0, 4), 1, Reg::TpidrEl1, 0),
    view(
        "CNTKCTL_EL1",
        enc(3, 0, 14, 1, 0),
        1,
        Reg::CntkctlEl1,
        0,
        read_field,
        write_masked::<CNTKCTL_MASK>,
    ),
    ro_hook("CCSIDR_EL1", enc(3, 1, 0, 0, 0), 1, id::read_ccsidr),
    ro("CLIDR_EL1", enc(3, 1, 0, 0, 1), 1, id::CLIDR),
    ro("AIDR_EL1", enc(3, 1, 0, 0, 7), 1, 0),
    rw("CSSELR_EL1", enc(3, 2, 0, 0, 0), 1, Reg::CsselrEl1, 0),
    // ## EL0-accessible registers (op1 = 3)
    checked(ro("CTR_EL0", enc(3, 3, 0, 0, 1), 0, id::CTR), check_uct),
    ro_hook("DCZID_EL0", enc(3, 3, 0, 0, 7), 0, id::read_dczid),
    hooks("NZCV", enc(3, 3, 4, 2, 0), 0, read_nzcv, write_nzcv),
    checked(
        hooks("DAIF", enc(3, 3, 4, 2, 1), 0, read_daif, write_daif),
        check_uma,
    ),
    // AArch64 only, no FP16, no FP trapping: FPCR keeps AHP/DN/FZ/RMode, FPSR QC and the
    // cumulative flags; every other bit reads as zero.
    checked(
        view(
            "FPCR",
            enc(3, 3, 4, 4, 0),
            0,
            Reg::Fpcr,
            0,
            read_field,
            write_masked::<0x07c0_0000>,
        ),
        check_fp,
    ),
    checked(
        view(
            "FPSR",
            enc(3, 3, 4, 4, 1),
            0,
            Reg::Fpsr,
            0,
            read_field,
            write_masked::<0x0800_009f>,
        ),
        check_fp,
    ),
    // Performance monitors: plain storage, no counting (ID_AA64DFR0_EL1.PMUVer = 0).
    // TODO(FEAT_PMU): counters and events.
    checked(
        rw(
            "PMCR_EL0",
            enc(3, 3, 9, 12, 0),
            0,
            Reg::PmcrEl0,
            id::PMCR_RESET,
        ),
        check_pmu,
    ),
    checked(
        view(
            "PMCNTENSET_EL0",
            enc(3, 3, 9, 12, 1),
            0,
            Reg::PmcntenEl0,
            0,
            read_field,
            write_set_bits,
        ),
        check_pmu,
    ),
    checked(
        view(
            "PMCNTENCLR_EL0",
            enc(3, 3, 9, 12, 2),
            0,
            Reg::PmcntenEl0,
            0,
            read_field,
            write_clear_bits,
        ),
        check_pmu,
    ),
    checked(
        view(
            "PMOVSCLR_EL0",
            enc(3, 3, 9, 12, 3),
            0,
            Reg::PmovsEl0,
            0,
            read_field,
            write_clear_bits,
        ),
        check_pmu,
    ),
    checked(
        wo("PMSWINC_EL0", enc(3, 3, 9, 12, 4), 0, write_ignored),
        check_pmu,
    ),
    checked(
        rw("PMSELR_EL0", enc(3, 3, 9, 12, 5), 0, Reg::PmselrEl0, 0),
        check_pmu,
    ),
    checked(ro("PMCEID0_EL0", enc(3, 3, 9, 12, 6), 0, 0), check_pmu),
    checked(ro("PMCEID1_EL0", enc(3, 3, 9, 12, 7), 0, 0), check_pmu),
    checked(
        rw("PMCCNTR_EL0", enc(3, 3, 9, 13, 0), 0, Reg::PmccntrEl0, 0),
        check_pmu,
    ),
    checked(
        rw(
            "PMXEVTYPER_EL0",
            enc(3, 3, 9, 13, 1),
            0,
            Reg::PmxevtyperEl0,
            0,
        ),
        check_pmu,
    ),
    checked(
        rw(
            "PMXEVCNTR_EL0",
            enc(3, 3, 9, 13, 2),
            0,
            Reg::PmxevcntrEl0,
            0,
        ),
        check_pmu,
    ),
    checked(
        rw(
            "PMUSERENR_EL0",
            enc(3, 3, 9, 14, 0),
            0,
            Reg::PmuserenrEl0,
            0,
        ),
        check_el0_read_only,
    ),
    checked(
        view(
            "PMOVSSET_EL0",
            enc(3, 3, 9, 14, 3),
            0,
            Reg::PmovsEl0,
            0,
            read_field,
            write_set_bits,
        ),
        check_pmu,
    ),
    rw("TPIDR_EL0", enc(3, 3, 13, 0, 2), 0, Reg::TpidrEl0, 0),
    checked(
        rw("TPIDRRO_EL0", enc(3, 3, 13, 0, 3), 0, Reg::TpidrroEl0, 0),
        check_el0_read_only,
    ),
    // Generic timer (timer.rs): the instruction count as system counter; writes that change a
    // timer end the run for the machine.
    checked(
        rw(
            "CNTFRQ_EL0",
            enc(3, 3, 14, 0, 0),
            0,
            Reg::CntfrqEl0,
            id::CNTFRQ,
        ),
        check_cntfrq,
    ),
    checked(
        ro_hook("CNTPCT_EL0", enc(3, 3, 14, 0, 1), 0, read_cntpct),
        check_cntpct,
    ),
    checked(
        ro_hook("CNTVCT_EL0", enc(3, 3, 14, 0, 2), 0, read_cntvct),
        check_cntvct,
    ),
    checked(
        timer(
            "CNTP_TVAL_EL0",
            3,
            2,
            0,
            Reg::CntpCvalEl0,
            read_timer_tval,
            write_timer_tval,
        ),
        check_cntp,
    ),
    checked(
        timer(
            "CNTP_CTL_EL0",
            3,
            2,
            1,
            Reg::CntpCtlEl0,
            read_timer_ctl,
            write_timer_ctl,
        ),
        check_cntp,
    ),
    checked(
        timer(
            "CNTP_CVAL_EL0",
            3,
            2,
            2,
            Reg::CntpCvalEl0,
            read_field,
            write_timer_cval,
        ),
        check_cntp,
    ),
    checked(
        timer(
            "CNTV_TVAL_EL0",
            3,
            3,
            0,
            Reg::CntvCvalEl0,
            read_timer_tval,
            write_timer_tval,
        ),
        check_cntv,
    ),
    checked(
        timer(
            "CNTV_CTL_EL0",
            3,
            3,
            1,
            Reg::CntvCtlEl0,
            read_timer_ctl,
            write_timer_ctl,
        ),
        check_cntv,
    ),
    checked(
        timer(
            "CNTV_CVAL_EL0",
            3,
            3,
            2,
            Reg::CntvCvalEl0,
            read_field,
            write_timer_cval,
        ),
        check_cntv,
    ),
    checked(
        rw(
            "PMCCFILTR_EL0",
            enc(3, 3, 14, 15, 7),
            0,
            Reg::PmccfiltrEl0,
            0,
        ),
        check_pmu,
    ),
    // ## EL2 (op1 = 4)
    rw(
        "VPIDR_EL2",
        enc(3, 4, 0, 0, 0),
        2,
        Reg::VpidrEl2,
        id::MIDR_CORTEX_A57,
    ),
    rw(
        "VMPIDR_EL2",
        enc(3, 4, 0, 0, 5),
        2,
        Reg::VmpidrEl2,
        id::MPIDR_RESET,
    ),
    rw_tlb(
        "SCTLR_EL2",
        enc(3, 4, 1, 0, 0),
        2,
        Reg::SctlrEl2,
        0x30c5_0830,
    ),
    rw("ACTLR_EL2", enc(3, 4, 1, 0, 1), 2, Reg::ActlrEl2, 0),
    rw_tlb("HCR_EL2", enc(3, 4, 1, 1, 0), 2, Reg::HcrEl2, 0),
    rw("MDCR_EL2", enc(3, 4, 1, 1, 1), 2, Reg::MdcrEl2, 0),
    rw("CPTR_EL2", enc(3, 4, 1, 1, 2), 2, Reg::CptrEl2, 0x33ff),
    rw("HSTR_EL2", enc(3, 4, 1, 1, 3), 2, Reg::HstrEl2, 0),
    rw("HACR_EL2", enc(3, 4, 1, 1, 7), 2, Reg::HacrEl2, 0),
    rw_tlb("TTBR0_EL2", enc(3, 4, 2, 0, 0), 2, Reg::Ttbr0El2, 0),
    rw_tlb("TCR_EL2", enc(3, 4, 2, 0, 2), 2, Reg::TcrEl2, 0),
    rw_tlb("VTTBR_EL2", enc(3, 4, 2, 1, 0), 2, Reg::VttbrEl2, 0),
    rw_tlb("VTCR_EL2", enc(3, 4, 2, 1, 2), 2, Reg::VtcrEl2, 0),
    rw("SPSR_EL2", enc(3, 4, 4, 0, 0), 2, Reg::SpsrEl2, 0),
    rw("ELR_EL2", enc(3, 4, 4, 0, 1), 2, Reg::ElrEl2, 0),
    hooks("SP_EL1", enc(3, 4, 4, 1, 0), 2, read_sp_el1, write_sp_el1),
    rw("AFSR0_EL2", enc(3, 4, 5, 1, 0), 2, Reg::Afsr0El2, 0),
    rw("AFSR1_EL2", enc(3, 4, 5, 1, 1), 2, Reg::Afsr1El2, 0),
    rw("ESR_EL2", enc(3, 4, 5, 2, 0), 2, Reg::EsrEl2, 0),
    rw("FAR_EL2", enc(3, 4, 6, 0, 0), 2, Reg::FarEl2, 0),
    rw("HPFAR_EL2", enc(3, 4, 6, 0, 4), 2, Reg::HpfarEl2, 0),
    rw_tlb("MAIR_EL2", enc(3, 4, 10, 2, 0), 2, Reg::MairEl2, 0),
    rw("AMAIR_EL2", enc(3, 4, 10, 3, 0), 2, Reg::AmairEl2, 0),
    view(
        "VBAR_EL2",
        enc(3, 4, 12, 0, 0),
        2,
        Reg::VbarEl2,
        0,
        read_field,
        write_masked::<VBAR_MASK>,
    ),
    gic("ICH_AP0R0_EL2", enc(3, 4, 12, 8, 0), 2),
    gic("ICH_AP1R0_EL2", enc(3, 4, 12, 9, 0), 2),
    checked(
        view(
            "ICC_SRE_EL2",
            enc(3, 4, 12, 9, 5),
            2,
            Reg::IccSreEl2,
            0,
            read_field,
            write_wi,
        ),
        check_icc,
    ),
    gic("ICH_HCR_EL2", enc(3, 4, 12, 11, 0), 2),
    checked(
        ro("ICH_VTR_EL2", enc(3, 4, 12, 11, 1), 2, ICH_VTR),
        check_icc,
    ),
    checked(ro("ICH_MISR_EL2", enc(3, 4, 12, 11, 2), 2, 0), check_icc),
    checked(ro("ICH_EISR_EL2", enc(3, 4, 12, 11, 3), 2, 0), check_icc),
    read_only(gic("ICH_ELRSR_EL2", enc(3, 4, 12, 11, 5), 2)),
    gic("ICH_VMCR_EL2", enc(3, 4, 12, 11, 7), 2),
    gic("ICH_LR0_EL2", enc(3, 4, 12, 12, 0), 2),
    gic("ICH_LR1_EL2", enc(3, 4, 12, 12, 1), 2),
    gic("ICH_LR2_EL2", enc(3, 4, 12, 12, 2), 2),
    gic("ICH_LR3_EL2", enc(3, 4, 12, 12, 3), 2),
    rw("TPIDR_EL2", enc(3, 4, 13, 0, 2), 2, Reg::TpidrEl2, 0),
    view(
        "CNTVOFF_EL2",
        enc(3, 4, 14, 0, 3),
        2,
        Reg::CntvoffEl2,
        0,
        read_field,
        write_cntvoff,
    ),
    // EL1PCTEN | EL1PCEN: an allowed value of this UNKNOWN reset (EL1 may use the physical
    // counter and timer until EL2 says otherwise).
    view(
        "CNTHCTL_EL2",
        enc(3, 4, 14, 1, 0),
        2,
        Reg::CnthctlEl2,
        3,
        read_field,
        write_cnthctl,
    ),
    timer(
        "CNTHP_TVAL_EL2",
        4,
        2,
        0,
        Reg::CnthpCvalEl2,
        read_timer_tval,
        write_timer_tval,
    ),
    timer(
        "CNTHP_CTL_EL2",
        4,
        2,
        1,
        Reg::CnthpCtlEl2,
        read_timer_ctl,
        write_timer_ctl,
    ),
    timer(
        "CNTHP_CVAL_EL2",
        4,
        2,
        2,
        Reg::CnthpCvalEl2,
        read_field,
        write_timer_cval,
    ),
];

/// Whether `enc` lies in the ID register space (op0 = 3, op1 = 0, CRn = 0, CRm = 1..=7).
const fn in_id_space(e: u32) -> bool {
    e >> 7 == enc(3, 0, 0, 0, 0) >> 7 && (e >> 3) & 0xf != 0 && (e >> 3) & 0xf <= 7
}

/// The index of `enc` for [`desc`]: a table line, or `SYSREGS.len()` for a reserved ID register.
pub fn find(enc: u32) -> Option<u32> {
    match SYSREGS.binary_search_by_key(&enc, |d| d.enc) {
        Ok(i) => Some(i as u32),
        Err(_) if in_id_space(enc) => Some(SYSREGS.len() as u32),
        Err(_) => None,
    }
}

/// The descriptor at index `i` from [`find`].
#[inline]
pub fn desc(i: u32) -> &'static SysRegDesc {
    SYSREGS.get(i as usize).unwrap_or(&RESERVED_ID)
}

/// The descriptor for `enc`, if the register exists.
pub fn lookup(enc: u32) -> Option<&'static SysRegDesc> {
    find(enc).map(desc)
}

/// The descriptor named `name` (case-insensitive; SYS operations as "DC ZVA"), for tools and
/// tests; a linear search.
pub fn by_name(name: &str) -> Option<&'static SysRegDesc> {
    SYSREGS.iter().find(|d| d.name.eq_ignore_ascii_case(name))
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

    /// Every field has a line, and lines sharing a field (set/clear pairs, timer views) agree on
    /// its reset value.
    #[test]
    fn every_storage_field_has_one_reset_value() {
        let mut reset: Vec<Option<u64>> = vec![None; Reg::Count as usize];
        for d in SYSREGS {
            if let Some(r) = d.storage.field() {
                let slot = &mut reset[r as usize];
                assert!(
                    slot.is_none_or(|v| v == d.reset),
                    "{}: reset value differs from another line of {r:?}",
                    d.name
                );
                *slot = Some(d.reset);
            }
        }
        for (i, v) in reset.iter().enumerate() {
            assert!(v.is_some(), "Reg #{i} has no table line");
        }
    }

    #[test]
    fn access_kinds_are_consistent() {
        for d in SYSREGS {
            assert!(!(d.read_only && d.write_only), "{}", d.name);
            let is_op = matches!(d.storage, Storage::Op(_));
            assert_eq!(
                is_op,
                d.enc >> 14 == 1,
                "{}: SYS operations are op0 = 1",
                d.name
            );
            if is_op {
                assert!(d.write_only, "{}", d.name);
            }
            if in_id_space(d.enc) {
                assert!(d.read_only && d.min_el == 1, "{}", d.name);
            }
            assert!(d.min_el <= 2, "{}", d.name);
        }
    }

    /// Encodings as the Arm ARM lists them (D19), spot-checked by name.
    #[test]
    fn encodings_by_name() {
        let e = |n: &str| by_name(n).map(|d| d.enc);
        assert_eq!(e("sctlr_el1"), Some(enc(3, 0, 1, 0, 0)));
        assert_eq!(e("CNTVCT_EL0"), Some(enc(3, 3, 14, 0, 2)));
        assert_eq!(e("DC ZVA"), Some(enc(1, 3, 7, 4, 1)));
        assert_eq!(e("TLBI VMALLE1IS"), Some(enc(1, 0, 8, 3, 0)));
        assert_eq!(e("OSLAR_EL1"), Some(enc(2, 0, 1, 0, 4)));
        assert_eq!(e("DBGWCR3_EL1"), Some(enc(2, 0, 0, 3, 7)));
    }

    #[test]
    fn reserved_id_registers_read_as_zero() {
        let d = lookup(enc(3, 0, 0, 3, 7)).expect("reserved ID register");
        assert!(d.read_only);
        assert!(matches!(d.storage, Storage::Const(0)));
        assert!(lookup(enc(3, 0, 0, 8, 0)).is_none());
        assert!(lookup(enc(3, 0, 0, 0, 1)).is_none());
    }
}
