//! System registers as one sorted table of descriptors (DDI 0487 D19, "AArch64 System Register
//! Descriptions").
//!
//! [`table::SYSREGS`] maps an encoding (op0, op1, CRn, CRm, op2) to a name, the lowest EL allowed
//! to access it, its storage and reset value. The same table serves MRS/MSR, reset and reports;
//! a unit test checks it is sorted, unique and that everything with storage has a reset value.

pub mod table;

pub use table::{lookup, Storage, SysRegDesc, SYSREGS};

/// Registers with storage in [`SysRegs`]. Add a variant here and a line in the table.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(usize)]
pub enum Reg {
    SctlrEl1,
    ActlrEl1,
    CpacrEl1,
    Ttbr0El1,
    Ttbr1El1,
    TcrEl1,
    Afsr0El1,
    Afsr1El1,
    EsrEl1,
    FarEl1,
    ParEl1,
    MairEl1,
    AmairEl1,
    VbarEl1,
    ContextidrEl1,
    TpidrEl1,
    CsselrEl1,
    SpsrEl1,
    ElrEl1,
    TpidrEl0,
    TpidrroEl0,
    Fpcr,
    Fpsr,
    CntkctlEl1,
    SctlrEl2,
    HcrEl2,
    CptrEl2,
    TcrEl2,
    Ttbr0El2,
    EsrEl2,
    FarEl2,
    MairEl2,
    VbarEl2,
    SpsrEl2,
    ElrEl2,
    TpidrEl2,
    VpidrEl2,
    VmpidrEl2,
    MdscrEl1,
    OslsrEl1,
    /// Number of registers with storage (not a register).
    Count,
}

/// Storage of the registers listed in [`Reg`].
#[derive(Clone, Debug)]
pub struct SysRegs {
    r: [u64; Reg::Count as usize],
}

impl Default for SysRegs {
    fn default() -> Self {
        SysRegs {
            r: [0; Reg::Count as usize],
        }
    }
}

impl SysRegs {
    /// Value of `reg`.
    #[inline]
    pub fn get(&self, reg: Reg) -> u64 {
        self.r[reg as usize]
    }

    /// Set `reg` (no side effects: writes with side effects go through [`Storage::Hooks`]).
    #[inline]
    pub fn set(&mut self, reg: Reg, v: u64) {
        self.r[reg as usize] = v;
    }

    /// Apply every table reset value.
    pub fn reset(&mut self) {
        for d in SYSREGS {
            if let Storage::Field(reg) = d.storage {
                self.r[reg as usize] = d.reset;
            }
        }
    }
}

/// Direction of an access to a system register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// MRS.
    Read,
    /// MSR.
    Write,
}

/// Packed (op0, op1, CRn, CRm, op2) as it appears in MRS/MSR bits 20:5.
pub const fn enc(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32) -> u32 {
    (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
}
