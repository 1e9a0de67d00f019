//! Exceptions and exception return (DDI 0487 D1.10–D1.11; D1.3 and the HCR_EL2.{IMO, FMO, AMO,
//! TGE, VI, VF, VSE} descriptions in D19 for the routing of asynchronous exceptions).
//!
//! A handler that cannot complete returns a [`Trap`]; [`Cpu::raise`] turns it into the
//! architectural exception entry: ESR/FAR/ELR/SPSR of the target EL, PSTATE with DAIF masked and
//! SP_ELx selected, and the vector for the source (current EL with SP0/SPx, or lower EL AArch64).
//!
//! Asynchronous exceptions (IRQ, FIQ, SError) come from the machine's [`IrqLines`] and, with EL2,
//! from the virtual interrupt bits HCR_EL2.{VI, VF, VSE}. The executor samples them at every
//! block start ([`Cpu::take_interrupt`]). Routing with no EL3 (AArch64, HCR_EL2.E2H = 0):
//! - a physical interrupt whose HCR_EL2.{IMO, FMO, AMO} bit is set (or with HCR_EL2.TGE) goes
//!   to EL2: taken at EL0/EL1 whatever PSTATE.{I, F, A} say, and at EL2 unless masked there;
//! - otherwise it goes to EL1: taken at EL0/EL1 unless masked by PSTATE, never taken at EL2;
//! - a virtual interrupt is pending when its HCR_EL2 routing bit and its HCR_EL2.{VI, VF, VSE}
//!   bit are set (and TGE is clear): taken to EL1 from EL0/EL1 unless masked by PSTATE, never
//!   at EL2. Taking a virtual SError clears HCR_EL2.VSE (it is an edge, VI/VF are levels).
//!
//! Several takeable at once (the priority is IMPLEMENTATION DEFINED): physical before virtual,
//! and in each group SError, then FIQ, then IRQ. The preferred return address (ELR) is the
//! next instruction to execute; ESR is written only for SError (EC 0x2F, IDS = 0, ISS 0: an
//! uncategorized error, ARMv8.0 has no RAS syndrome).

use super::mem::Access;
use super::state::{Cpu, Flow, IrqLines};
use super::sysreg::Reg;
use super::trace::{Event, IrqLine};

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
    /// SError interrupt.
    pub const SERROR: u32 = 0x2f;
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
    /// A debugger's data watchpoint covers the access: not an exception of the guest; the
    /// instruction is undone and the core stops at it (see `block::debug`).
    Watch,
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

/// HCR_EL2.FMO: physical FIQs to EL2, virtual FIQs enabled.
pub const HCR_FMO: u64 = 1 << 3;
/// HCR_EL2.IMO: physical IRQs to EL2, virtual IRQs enabled.
pub const HCR_IMO: u64 = 1 << 4;
/// HCR_EL2.AMO: physical SErrors to EL2, virtual SErrors enabled.
pub const HCR_AMO: u64 = 1 << 5;
/// HCR_EL2.VF: a virtual FIQ is pending.
pub const HCR_VF: u64 = 1 << 6;
/// HCR_EL2.VI: a virtual IRQ is pending.
pub const HCR_VI: u64 = 1 << 7;
/// HCR_EL2.VSE: a virtual SError is pending.
pub const HCR_VSE: u64 = 1 << 8;
/// HCR_EL2.TGE: EL1 is not in use; every physical asynchronous exception goes to EL2.
pub const HCR_TGE: u64 = 1 << 27;
/// The HCR_EL2 bits that signal a virtual interrupt.
pub const HCR_VIRTUAL: u64 = HCR_VF | HCR_VI | HCR_VSE;

/// One kind of asynchronous exception, with what routes, signals and masks it.
struct AsyncKind {
    /// Its [`IrqLines`] bit.
    line: u32,
    /// HCR_EL2 routing bit (IMO, FMO, AMO).
    route: u64,
    /// HCR_EL2 virtual-pending bit (VI, VF, VSE).
    virt: u64,
    /// PSTATE mask bit in the DAIF layout (I, F, A).
    mask: u32,
    /// Vector offset within a group.
    vector: u64,
}

/// The kinds in the order they are taken when several are pending.
const ASYNC_KINDS: [AsyncKind; 3] = [
    AsyncKind {
        line: IrqLines::SERROR,
        route: HCR_AMO,
        virt: HCR_VSE,
        mask: 1 << 8,
        vector: VEC_SERROR,
    },
    AsyncKind {
        line: IrqLines::FIQ,
        route: HCR_FMO,
        virt: HCR_VF,
        mask: 1 << 6,
        vector: VEC_FIQ,
    },
    AsyncKind {
        line: IrqLines::IRQ,
        route: HCR_IMO,
        virt: HCR_VI,
        mask: 1 << 7,
        vector: VEC_IRQ,
    },
];

/// ESR_ELx of an SError: EC 0x2F, IL = 1, IDS = 0, ISS = 0.
const SERROR_ESR: u64 = (ec::SERROR as u64) << 26 | 1 << 25;

/// An asynchronous exception that would be taken now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Async {
    /// The EL it is taken to.
    pub target: u8,
    /// Vector offset within the group ([`VEC_IRQ`], [`VEC_FIQ`], [`VEC_SERROR`]).
    pub vector: u64,
    /// A virtual interrupt (from HCR_EL2.VI/VF/VSE).
    pub virtual_: bool,
}

/// ISR_EL1: the A (bit 8), I (bit 7) and F (bit 6) pending bits. Read at EL1 with the
/// HCR_EL2 routing bit of a kind set (and TGE clear), the bit shows the virtual interrupt;
/// otherwise the physical line.
pub fn read_isr(c: &Cpu) -> u64 {
    let lines = c.irq.get();
    let hcr = c.hcr_el2();
    let virtual_view = c.el < 2 && hcr & HCR_TGE == 0;
    let mut isr = 0;
    for k in &ASYNC_KINDS {
        let pending = if virtual_view && hcr & k.route != 0 {
            hcr & k.virt != 0
        } else {
            lines & k.line != 0
        };
        if pending {
            isr |= k.mask as u64;
        }
    }
    isr
}

impl Cpu {
    /// HCR_EL2, or 0 with no EL2.
    #[inline]
    fn hcr_el2(&self) -> u64 {
        if self.max_el >= 2 {
            self.sys.get(Reg::HcrEl2)
        } else {
            0
        }
    }

    /// Whether anything asynchronous may be pending: the lines from the machine or a virtual
    /// interrupt bit in HCR_EL2. The executor's per-block test.
    #[inline(always)]
    pub fn async_signalled(&self) -> bool {
        (self.irq.get() as u64 | self.sys.get(Reg::HcrEl2) & HCR_VIRTUAL) != 0
    }

    /// The virtual interrupt kinds pending from HCR_EL2 (whatever PSTATE and the EL), as a set
    /// of [`IrqLines`] bits.
    fn virtual_pending(&self) -> u32 {
        let hcr = self.hcr_el2();
        if hcr & HCR_TGE != 0 {
            return 0;
        }
        let mut set = 0;
        for k in &ASYNC_KINDS {
            if hcr & k.route != 0 && hcr & k.virt != 0 {
                set |= k.line;
            }
        }
        set
    }

    /// The asynchronous exception that would be taken now, if any (routing and masking as in
    /// the module header). This is also the WFE wake-up condition for interrupts.
    pub fn pending_async(&self) -> Option<Async> {
        let lines = self.irq.get();
        let hcr = self.hcr_el2();
        let below_el2 = self.el < 2;
        for k in &ASYNC_KINDS {
            if lines & k.line == 0 {
                continue;
            }
            let masked = self.daif & k.mask != 0;
            let to_el2 = hcr & (k.route | HCR_TGE) != 0;
            let taken = if to_el2 {
                below_el2 || !masked
            } else {
                below_el2 && !masked
            };
            if taken {
                return Some(Async {
                    target: if to_el2 { 2 } else { 1 },
                    vector: k.vector,
                    virtual_: false,
                });
            }
        }
        if below_el2 {
            let virt = self.virtual_pending();
            for k in &ASYNC_KINDS {
                if virt & k.line != 0 && self.daif & k.mask == 0 {
                    return Some(Async {
                        target: 1,
                        vector: k.vector,
                        virtual_: true,
                    });
                }
            }
        }
        None
    }

    /// Whether an interrupt is pending, masked or not (the pseudocode's `InterruptPending()`):
    /// a physical line, or at EL0/EL1 a virtual interrupt. WFI completes at once then.
    pub fn interrupt_pending(&self) -> bool {
        self.irq.get() != 0 || (self.el < 2 && self.virtual_pending() != 0)
    }

    /// Take the asynchronous exception that is due, if any; returns whether one was taken.
    /// ELR is the current PC: the next instruction to execute.
    #[cold]
    pub fn take_interrupt(&mut self) -> bool {
        let Some(a) = self.pending_async() else {
            return false;
        };
        let esr = if a.vector == VEC_SERROR {
            if a.virtual_ {
                let hcr = self.sys.get(Reg::HcrEl2);
                self.sys.set(Reg::HcrEl2, hcr & !HCR_VSE);
            }
            SERROR_ESR
        } else {
            0
        };
        let ret = self.pc;
        let from = self.el;
        self.enter_exception(a.target, a.vector, esr, None, ret);
        if let Some(t) = self.trace.as_mut() {
            let line = match a.vector {
                VEC_SERROR => IrqLine::SError,
                VEC_FIQ => IrqLine::Fiq,
                _ => IrqLine::Irq,
            };
            let ev = Event::Interrupt {
                line,
                virtual_: a.virtual_,
                elr: ret,
                to_el: a.target,
                vector: self.pc,
            };
            t.event_at(self.insns, ret, from, ev);
        }
        true
    }

    /// Note the instruction at `self.pc` and count `self.insns` as the one trace events
    /// belong to (exceptions raised outside the executor's `TRACE` path: instruction fetch).
    #[inline]
    pub(crate) fn trace_here(&mut self) {
        if let Some(t) = self.trace.as_mut() {
            t.at = (self.insns, self.pc, self.el);
        }
    }

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
            Trap::Watch => return self.watch_stop(),
            Trap::SysReg { target, iss } => (target, ec::SYS, iss, None, here),
            Trap::Class { target, ec, iss } => (target, ec, iss, None, here),
        };
        let esr = (class << 26) | (1 << 25) | iss;
        self.enter_exception(target, 0, esr as u64, far, ret);
        self.trace_exception(esr as u64, far, ret, target);
        Flow::Jump
    }

    /// Record a synchronous exception just taken (the vector is the PC now).
    #[inline]
    fn trace_exception(&mut self, esr: u64, far: Option<u64>, elr: u64, to_el: u8) {
        if let Some(t) = self.trace.as_mut() {
            let vector = self.pc;
            t.event(Event::Exception {
                esr,
                far,
                elr,
                to_el,
                vector,
            });
        }
    }

    /// Exception entry to `target` at vector group offset `kind` (0 for synchronous,
    /// [`VEC_IRQ`], [`VEC_FIQ`], [`VEC_SERROR`]), preferred return address `ret`. ESR is
    /// written for synchronous exceptions and SErrors, FAR when `far` is given.
    pub fn enter_exception(&mut self, target: u8, kind: u64, esr: u64, far: Option<u64>, ret: u64) {
        let base = if target > self.el {
            VEC_LOWER_A64
        } else if self.sp_sel {
            VEC_CURRENT_SPX
        } else {
            VEC_CURRENT_SP0
        };
        self.stats.activity.exceptions += 1;
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
        if kind == 0 || kind == VEC_SERROR {
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

    /// ERET: restore PSTATE from SPSR_ELx and branch to ELR_ELx (DDI 0487 D1.11). An exception
    /// return clears the local exclusive monitor and sets the event register (a WFE wake-up
    /// event, `SendEventLocal()` in `AArch64.ExceptionReturn`).
    pub fn exception_return(&mut self) -> Flow {
        let (spsr, elr) = if self.el == 2 {
            (self.sys.get(Reg::SpsrEl2), self.sys.get(Reg::ElrEl2))
        } else {
            (self.sys.get(Reg::SpsrEl1), self.sys.get(Reg::ElrEl1))
        };
        self.exclusive = None;
        self.event = true;
        let m = spsr & 0x1f;
        let target_el = ((m >> 2) & 3) as u8;
        let legal = m & 0x10 == 0 // AArch64 only
            && m & 0b10 == 0
            && target_el <= self.el
            && !(target_el == 0 && m & 1 == 1);
        self.set_nzcv(spsr as u32);
        self.daif = (spsr as u32) & (0xf << 6);
        if let Some(t) = self.trace.as_mut() {
            let to_el = if legal { target_el } else { self.el };
            t.event(Event::Eret {
                to_el,
                target: elr,
                spsr,
            });
        }
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
            self.trace_exception(esr as u64, None, elr, target);
        }
        Flow::Jump
    }
}
