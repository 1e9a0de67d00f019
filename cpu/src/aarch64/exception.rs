//! Synchronous exceptions and exception return (DDI 0487 D1.10–D1.11).
//!
//! A handler that cannot complete returns a [`Trap`]; [`Cpu::raise`] turns it into the
//! architectural exception entry: ESR/FAR/ELR/SPSR of the target EL, PSTATE with DAIF masked and
//! SP_ELx selected, and the vector for the source (current EL with SP0/SPx, or lower EL AArch64).

use super::mem::Access;
use super::state::{Cpu, Flow};
use super::sysreg::Reg;

/// Exception classes (ESR_ELx.EC) this core raises.
pub mod ec {
    /// Unknown reason: UNDEFINED instructions.
    pub const UNKNOWN: u32 = 0x00;
    /// WFI/WFE trapped.
    pub const WFX: u32 = 0x01;
    /// Access to SIMD/FP trapped by CPACR/CPTR.
    pub const FP_ACCESS: u32 = 0x07;
    /// Illegal execution state.
    pub const ILLEGAL_STATE: u32 = 0x0e;
    /// SVC from AArch64.
    pub const SVC: u32 = 0x15;
    /// HVC from AArch64.
    pub const HVC: u32 = 0x16;
    /// SMC from AArch64.
    pub const SMC: u32 = 0x17;
    /// MSR/MRS/SYS trapped.
    pub const SYS: u32 = 0x18;
    /// Instruction abort from a lower EL (add 1 for the same EL).
    pub const IABT_LOWER: u32 = 0x20;
    /// PC alignment fault.
    pub const PC_ALIGN: u32 = 0x22;
    /// Data abort from a lower EL (add 1 for the same EL).
    pub const DABT_LOWER: u32 = 0x24;
    /// SP alignment fault.
    pub const SP_ALIGN: u32 = 0x26;
    /// BRK from AArch64.
    pub const BRK: u32 = 0x3c;
}

/// A synchronous exception a handler asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trap {
    /// UNDEFINED instruction (EC 0); `word` is counted in the report.
    Undefined(u32),
    /// Instruction or data abort with fault status code `fsc` at virtual address `far`.
    Abort {
        /// The kind of access that faulted.
        access: Access,
        /// Faulting virtual address.
        far: u64,
        /// Fault status code (DFSC/IFSC).
        fsc: u8,
    },
    /// PC alignment fault at the misaligned PC.
    PcAlign(u64),
    /// SP alignment fault.
    SpAlign,
    /// SVC #imm (preferred return: the next instruction).
    Svc(u16),
    /// HVC #imm taken as an exception (to EL2).
    Hvc(u16),
    /// SMC #imm taken as an exception.
    Smc(u16),
    /// BRK #imm.
    Brk(u16),
    /// Any other trap of the instruction to `target` with exception class `ec` and syndrome
    /// `iss` (trapped WFI/WFE, FP access); the preferred return is the instruction itself.
    Class {
        /// The EL the trap goes to.
        target: u8,
        /// ESR.EC.
        ec: u32,
        /// ESR.ISS.
        iss: u32,
    },
    /// MSR/MRS/SYS trapped to `target` EL with the ISS of EC 0x18.
    SysReg {
        /// The EL the trap goes to.
        target: u8,
        /// ESR.ISS for EC 0x18.
        iss: u32,
    },
}

impl Trap {
    /// An abort for `access` at `far` with fault status `fsc`.
    pub fn abort(access: Access, far: u64, fsc: u8) -> Trap {
        Trap::Abort { access, far, fsc }
    }
}

/// Vector offsets (DDI 0487 D1.10.2).
const VEC_CURRENT_SP0: u64 = 0x000;
const VEC_CURRENT_SPX: u64 = 0x200;
const VEC_LOWER_A64: u64 = 0x400;
/// Offset of the IRQ vector within a group.
pub const VEC_IRQ: u64 = 0x80;
/// Offset of the FIQ vector within a group.
pub const VEC_FIQ: u64 = 0x100;
/// Offset of the SError vector within a group.
pub const VEC_SERROR: u64 = 0x180;

impl Cpu {
    /// Take the synchronous exception `t` for the instruction at `self.pc`; returns `Flow::Jump`.
    #[cold]
    pub fn raise(&mut self, t: Trap) -> Flow {
        let here = self.pc;
        let default_target = self.el.max(1);
        let (target, class, iss, far, ret) = match t {
            Trap::Undefined(word) => {
                *self.stats.undefined.entry(word).or_insert(0) += 1;
                (default_target, ec::UNKNOWN, 0, None, here)
            }
            Trap::Abort { access, far, fsc } => {
                let lower = if default_target > self.el { 0 } else { 1 };
                let (class, wnr) = match access {
                    Access::Exec => (ec::IABT_LOWER + lower, 0),
                    Access::Read => (ec::DABT_LOWER + lower, 0),
                    Access::Write => (ec::DABT_LOWER + lower, 1 << 6),
                };
                (default_target, class, wnr | fsc as u32, Some(far), here)
            }
            Trap::PcAlign(pc) => (default_target, ec::PC_ALIGN, 0, Some(pc), here),
            Trap::SpAlign => (default_target, ec::SP_ALIGN, 0, None, here),
            Trap::Svc(imm) => (
                default_target,
                ec::SVC,
                imm as u32,
                None,
                here.wrapping_add(4),
            ),
            Trap::Hvc(imm) => (2, ec::HVC, imm as u32, None, here.wrapping_add(4)),
            Trap::Smc(imm) => (
                self.el.max(2).min(self.max_el),
                ec::SMC,
                imm as u32,
                None,
                here,
            ),
            Trap::Brk(imm) => (default_target, ec::BRK, imm as u32, None, here),
            Trap::SysReg { target, iss } => (target, ec::SYS, iss, None, here),
            Trap::Class { target, ec, iss } => (target, ec, iss, None, here),
        };
        let esr = (class << 26) | (1 << 25) | iss;
        self.enter_exception(target, 0, esr as u64, far, ret);
        Flow::Jump
    }

    /// Exception entry to `target` at vector group offset `kind` (0 for synchronous,
    /// [`VEC_IRQ`], [`VEC_FIQ`], [`VEC_SERROR`]), preferred return address `ret`.
    pub fn enter_exception(&mut self, target: u8, kind: u64, esr: u64, far: Option<u64>, ret: u64) {
        let base = if target > self.el {
            VEC_LOWER_A64
        } else if self.sp_sel {
            VEC_CURRENT_SPX
        } else {
            VEC_CURRENT_SP0
        };
        let spsr = self.pstate();
        let (r_esr, r_far, r_elr, r_spsr, r_vbar) = if target == 2 {
            (
                Reg::EsrEl2,
                Reg::FarEl2,
                Reg::ElrEl2,
                Reg::SpsrEl2,
                Reg::VbarEl2,
            )
        } else {
            (
                Reg::EsrEl1,
                Reg::FarEl1,
                Reg::ElrEl1,
                Reg::SpsrEl1,
                Reg::VbarEl1,
            )
        };
        if kind == 0 {
            self.sys.set(r_esr, esr);
            if let Some(far) = far {
                self.sys.set(r_far, far);
            }
        }
        self.sys.set(r_elr, ret);
        self.sys.set(r_spsr, spsr);
        self.daif = 0xf << 6;
        self.set_el_sp(target, true);
        self.pc = self.sys.get(r_vbar).wrapping_add(base + kind);
    }

    /// ERET: restore PSTATE from SPSR_ELx and branch to ELR_ELx (DDI 0487 D1.11).
    pub fn exception_return(&mut self) -> Flow {
        let (spsr, elr) = if self.el == 2 {
            (self.sys.get(Reg::SpsrEl2), self.sys.get(Reg::ElrEl2))
        } else {
            (self.sys.get(Reg::SpsrEl1), self.sys.get(Reg::ElrEl1))
        };
        self.exclusive = None;
        let m = spsr & 0x1f;
        let target_el = ((m >> 2) & 3) as u8;
        let legal = m & 0x10 == 0 // AArch64 only
            && m & 0b10 == 0
            && target_el <= self.el
            && !(target_el == 0 && m & 1 == 1);
        self.nzcv = (spsr as u32) & 0xf000_0000;
        self.daif = (spsr as u32) & (0xf << 6);
        if legal {
            self.set_el_sp(target_el, m & 1 == 1);
            self.pc = elr;
        } else {
            // Illegal return: PSTATE.IL is set and the next instruction raises an Illegal
            // Execution state exception; modelled by taking it right away at the current EL.
            self.pc = elr;
            let esr = (ec::ILLEGAL_STATE << 26) | (1 << 25);
            let target = self.el;
            self.enter_exception(target, 0, esr as u64, None, elr);
        }
        Flow::Jump
    }
}
