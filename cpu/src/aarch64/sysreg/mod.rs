//! System registers as one sorted table of descriptors (DDI 0487 D19, "AArch64 System Register
//! Descriptions"; encodings from C5.3, "A64 System instructions for cache maintenance, address
//! translation and TLB maintenance", and C5.1.2 for the ID register space).
//!
//! [`table::SYSREGS`] maps an encoding (op0, op1, CRn, CRm, op2) to a name, the lowest EL allowed
//! to access it, its storage and reset value. The same table serves MRS/MSR, the SYS operations
//! (DC, IC, TLBI, AT: op0 = 1, storage [`Storage::Op`]), reset and reports; unit tests check it is
//! sorted, unique and that every register with storage has one reset value.
//!
//! Topics: [`id`] (identification registers of the modelled Cortex-A57), [`hooks`] (registers
//! computed from or acting on other state, and the extra access checks), [`ops`] (the SYS
//! operations).

pub mod hooks;
pub mod id;
pub mod ops;
pub mod table;

pub use table::{by_name, desc, find, lookup, Storage, SysRegDesc, SYSREGS};

use super::mem::Bus;
use super::state::Cpu;
use super::trace::Event;

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
    /// ICC_SRE_EL2 (ICC_SRE_EL1 is a view of it): 0 when the board's GIC has no System
    /// register CPU interface (GICv2), SRE | DFB | DIB | Enable (0xf) with a GICv3; set by the
    /// machine, writes ignored (no legacy operation).
    IccSreEl2,
    MdscrEl1,
    OslsrEl1,
    /// MPIDR_EL1: the machine sets the affinity of each vCPU here.
    MpidrEl1,
    OsdlrEl1,
    MdccintEl1,
    DbgprcrEl1,
    DbgBvr0El1,
    DbgBvr1El1,
    DbgBvr2El1,
    DbgBvr3El1,
    DbgBvr4El1,
    DbgBvr5El1,
    DbgBcr0El1,
    DbgBcr1El1,
    DbgBcr2El1,
    DbgBcr3El1,
    DbgBcr4El1,
    DbgBcr5El1,
    DbgWvr0El1,
    DbgWvr1El1,
    DbgWvr2El1,
    DbgWvr3El1,
    DbgWcr0El1,
    DbgWcr1El1,
    DbgWcr2El1,
    DbgWcr3El1,
    CntfrqEl0,
    CntpCtlEl0,
    CntpCvalEl0,
    CntvCtlEl0,
    CntvCvalEl0,
    PmcrEl0,
    /// PMCNTENSET_EL0 / PMCNTENCLR_EL0.
    PmcntenEl0,
    /// PMINTENSET_EL1 / PMINTENCLR_EL1.
    PmintenEl1,
    /// PMOVSSET_EL0 / PMOVSCLR_EL0.
    PmovsEl0,
    PmuserenrEl0,
    PmselrEl0,
    PmccntrEl0,
    PmccfiltrEl0,
    PmxevtyperEl0,
    PmxevcntrEl0,
    ActlrEl2,
    MdcrEl2,
    HstrEl2,
    HacrEl2,
    VttbrEl2,
    VtcrEl2,
    Afsr0El2,
    Afsr1El2,
    HpfarEl2,
    AmairEl2,
    CntvoffEl2,
    CnthctlEl2,
    CnthpCtlEl2,
    CnthpCvalEl2,
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

    /// Set `reg` (no side effects: writes with side effects go through [`Storage::View`] or
    /// [`Storage::Hooks`]).
    #[inline]
    pub fn set(&mut self, reg: Reg, v: u64) {
        self.r[reg as usize] = v;
    }

    /// Apply every table reset value.
    pub fn reset(&mut self) {
        for d in SYSREGS {
            if let Some(reg) = d.storage.field() {
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
    /// MSR, or a SYS operation.
    Write,
}

/// Why an access that the table knows is refused at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deny {
    /// UNDEFINED at this EL (EC 0x00).
    Undefined,
    /// Trapped to the given EL with EC 0x18 (MSR/MRS/SYS).
    Trap(u8),
    /// Trapped to the given EL with EC 0x07 (FP/AdvSIMD access: FPCR, FPSR).
    TrapFp(u8),
}

/// Packed (op0, op1, CRn, CRm, op2) as it appears in MRS/MSR/SYS bits 20:5.
pub const fn enc(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32) -> u32 {
    (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
}

impl SysRegDesc {
    /// Whether the current EL may make this access: `min_el` first (an EL1 register at EL0 is
    /// UNDEFINED), then the register's own check.
    #[inline]
    pub fn allowed(&self, cpu: &Cpu, dir: Dir) -> Result<(), Deny> {
        if cpu.el < self.min_el {
            return Err(Deny::Undefined);
        }
        match self.check {
            Some(f) => f(cpu, dir),
            None => Ok(()),
        }
    }

    /// Record an access to this register in `cpu`'s trace (MSR; MRS of a machine register).
    #[cold]
    pub fn trace(&self, cpu: &mut Cpu, value: u64, write: bool) {
        if let Some(t) = cpu.trace.as_mut() {
            t.event(Event::SysReg {
                enc: self.enc,
                name: self.name,
                value,
                write,
            });
        }
    }

    /// MRS: the register's value (0 for a SYS operation). A read of a machine register (the
    /// GICv3 CPU interface) is a device access: traced by the caller, which holds the vCPU
    /// mutably ([`SysRegDesc::trace`]).
    #[inline]
    pub fn read(&self, cpu: &Cpu, bus: &mut dyn Bus) -> u64 {
        match self.storage {
            Storage::Machine => bus.sysreg_read(cpu.id, self.enc),
            Storage::Field(r) => cpu.sys.get(r),
            Storage::View { reg, read, .. } => read(cpu, reg),
            Storage::Const(v) => v,
            Storage::Hooks { read, .. } => read(cpu),
            Storage::Op(_) => 0,
        }
    }

    /// MSR: write `v` (ignored for constants; SYS operations go through [`Storage::Op`]).
    #[inline]
    pub fn write(&self, cpu: &mut Cpu, bus: &mut dyn Bus, v: u64) {
        if cpu.trace.is_some() {
            self.trace(cpu, v, true);
        }
        match self.storage {
            Storage::Machine => bus.sysreg_write(cpu.id, self.enc, v),
            Storage::Field(r) => cpu.sys.set(r, v),
            Storage::View { reg, write, .. } => write(cpu, reg, v),
            Storage::Const(_) | Storage::Op(_) => {}
            Storage::Hooks { write, .. } => write(cpu, v),
        }
    }
}
