//! Exception generation and system instructions (DDI 0487 C4.1.87; C5.1–C5.3 for the system
//! instruction space; C6.2 for each instruction): SVC/HVC/SMC/BRK, hints, barriers, PSTATE
//! access, MSR/MRS and SYS through the table in `sysreg/`.
//!
//! Choices the architecture leaves to the implementation, or where the machine steps in:
//! - HVC with no EL2 and SMC with no EL3 would be UNDEFINED; the machine services them as
//!   PSCI calls (QEMU's `virt` does the same): [`Exit::Hvc`] when `max_el` is 1, [`Exit::Smc`]
//!   when `max_el` is 2 (SMC at EL1 is trapped to EL2 first when HCR_EL2.TSC is set). With no
//!   EL2, SMC is UNDEFINED. Both are UNDEFINED at EL0.
//! - WFI (DDI 0487 D1.6.2, "Wait For Interrupt") completes at once when an interrupt is
//!   pending, masked or not (`InterruptPending()`); otherwise, unless trapped (SCTLR_EL1.nTWI
//!   at EL0, HCR_EL2.TWI below EL2), it hands control to the machine with [`Exit::Wfi`] and PC
//!   past the WFI: the machine runs it again once an interrupt is pending (or earlier: a WFI
//!   may complete at any time).
//! - WFE (D1.6.1, "Wait For Event") clears the event register and completes when it is set,
//!   and completes when an interrupt would be taken; otherwise, unless trapped (SCTLR_EL1.nTWE,
//!   HCR_EL2.TWE), it hands control to the machine with [`Exit::Wfe`] and PC past the WFE.
//! - SEV signals an event to every PE, this one included: it sets the event register and
//!   `sent_event` and ends the run with [`Exit::Yield`] so that the machine sets the other
//!   vCPUs' event registers. SEVL sets the local event register. An exception return sets it
//!   too ([`Cpu::exception_return`]).
//! - Every barrier is a no-op (one vCPU runs at a time, in program order); ISB ends the block so
//!   that the next instruction is fetched under the new context.

use crate::aarch64::block::Env;
use crate::aarch64::exception::{ec, Trap};
use crate::aarch64::state::{Cpu, Exit, Flow, Ops};
use crate::aarch64::sysreg::hooks::{HCR_HCD, HCR_TSC, HCR_TWI, SCTLR_NTWI, SCTLR_UMA};

/// SCTLR_EL1.nTWE: EL0 WFE is not trapped.
const SCTLR_NTWE: u64 = 1 << 18;
/// HCR_EL2.TWE: WFE below EL2 traps to EL2.
const HCR_TWE: u64 = 1 << 14;
use crate::aarch64::sysreg::{desc, Deny, Dir, Reg, Storage, SysRegDesc};

/// ISS of a trapped WFI/WFE from AArch64: CV = 1, COND = 0b1110 (as QEMU reports it); TI
/// (bit 0) is 0 for WFI, 1 for WFE.
const WFX_ISS: u32 = 1 << 24 | 0xe << 20;
/// ISS of a trapped FP/AdvSIMD access from AArch64: CV = 1, COND = 0b1110.
const FP_ISS: u32 = 1 << 24 | 0xe << 20;

/// The ISS of EC 0x18 for the MSR/MRS/SYS word `w`: Op0, Op2, Op1, CRn, Rt, CRm, Direction
/// (1 = read).
pub fn sysreg_iss(w: u32) -> u32 {
    let f = |lo: u32, n: u32| (w >> lo) & ((1 << n) - 1);
    f(19, 2) << 20
        | f(5, 3) << 17
        | f(16, 3) << 14
        | f(12, 4) << 10
        | f(0, 5) << 5
        | f(8, 4) << 1
        | f(21, 1)
}

/// Take the exception a refused access of the word `w` asks for.
#[cold]
fn deny(cpu: &mut Cpu, d: Deny, w: u32) -> Flow {
    let t = match d {
        Deny::Undefined => Trap::Undefined(w),
        Deny::Trap(target) => Trap::SysReg {
            target,
            iss: sysreg_iss(w),
        },
        Deny::TrapFp(target) => Trap::Class {
            target,
            ec: ec::FP_ACCESS,
            iss: FP_ISS,
        },
    };
    cpu.raise(t)
}

/// SVC: supervisor call to EL1 (EL2 from EL2).
pub fn svc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.raise(Trap::Svc(o.imm as u16))
}

/// HVC: with no EL2, the machine services it (PSCI); UNDEFINED at EL0 and when HCR_EL2.HCD is
/// set.
pub fn hvc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let word = 0xd400_0002 | ((o.imm as u32) << 5);
    if cpu.el == 0 || (cpu.max_el >= 2 && cpu.sys.get(Reg::HcrEl2) & HCR_HCD != 0) {
        return cpu.raise(Trap::Undefined(word));
    }
    if cpu.max_el >= 2 {
        return cpu.raise(Trap::Hvc(o.imm as u16));
    }
    cpu.exit = Some(Exit::Hvc(o.imm as u16));
    cpu.pc = cpu.pc.wrapping_add(4);
    Flow::Exit
}

/// SMC: no EL3. UNDEFINED at EL0 or with no EL2; trapped to EL2 from EL1 when HCR_EL2.TSC is
/// set; otherwise a secure monitor call for the machine (PSCI).
pub fn smc(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    let word = 0xd400_0003 | ((o.imm as u32) << 5);
    if cpu.el == 0 || cpu.max_el < 2 {
        return cpu.raise(Trap::Undefined(word));
    }
    if cpu.el == 1 && cpu.sys.get(Reg::HcrEl2) & HCR_TSC != 0 {
        return cpu.raise(Trap::Smc(o.imm as u16));
    }
    cpu.exit = Some(Exit::Smc(o.imm as u16));
    cpu.pc = cpu.pc.wrapping_add(4);
    Flow::Exit
}

/// BRK: breakpoint exception with the immediate in the syndrome.
pub fn brk(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    cpu.raise(Trap::Brk(o.imm as u16))
}

/// NOP, YIELD, every other hint, DSB, DMB and ISB: nothing to do here.
pub fn nop(_: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    Flow::Next
}

/// A WFI (`wfe` false) or WFE that would wait: trapped at EL0 unless SCTLR_EL1.nTWI/nTWE,
/// below EL2 when HCR_EL2.TWI/TWE (`AArch64.CheckForWFxTrap`); otherwise hand the vCPU to the
/// machine with `exit`, PC past the instruction.
fn wait(cpu: &mut Cpu, wfe: bool, exit: Exit) -> Flow {
    let (ntwx, twx) = if wfe {
        (SCTLR_NTWE, HCR_TWE)
    } else {
        (SCTLR_NTWI, HCR_TWI)
    };
    let target = if cpu.el == 0 && cpu.sys.get(Reg::SctlrEl1) & ntwx == 0 {
        Some(1)
    } else if cpu.el < 2 && cpu.max_el >= 2 && cpu.sys.get(Reg::HcrEl2) & twx != 0 {
        Some(2)
    } else {
        None
    };
    if let Some(target) = target {
        return cpu.raise(Trap::Class {
            target,
            ec: ec::WFX,
            iss: WFX_ISS | wfe as u32,
        });
    }
    cpu.exit = Some(exit);
    cpu.pc = cpu.pc.wrapping_add(4);
    Flow::Exit
}

/// WFI: completes when an interrupt is pending (even masked); otherwise traps or waits for
/// the machine ([`Exit::Wfi`]).
pub fn wfi(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    if cpu.interrupt_pending() {
        return Flow::Next;
    }
    wait(cpu, false, Exit::Wfi)
}

/// WFE: consumes a set event register, completes when an interrupt would be taken; otherwise
/// traps or waits for the machine ([`Exit::Wfe`]).
pub fn wfe(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    if cpu.event {
        cpu.event = false;
        return Flow::Next;
    }
    if cpu.pending_async().is_some() {
        return Flow::Next;
    }
    wait(cpu, true, Exit::Wfe)
}

/// SEV: an event for every PE, this one included; the machine delivers it to the others
/// ([`Exit::Yield`] with `sent_event` set).
pub fn sev(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    cpu.event = true;
    cpu.sent_event = true;
    cpu.exit = Some(Exit::Yield);
    cpu.pc = cpu.pc.wrapping_add(4);
    Flow::Exit
}

/// SEVL: an event for this PE only.
pub fn sevl(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    cpu.event = true;
    Flow::Next
}

/// CLREX: clear the local exclusive monitor.
pub fn clrex(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    cpu.exclusive = None;
    Flow::Next
}

/// MSR SPSel, #imm: UNDEFINED at EL0; PSTATE.SP = CRm<0>.
pub fn msr_spsel(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if cpu.el == 0 {
        return cpu.raise(Trap::Undefined(o.imm as u32));
    }
    let el = cpu.el;
    cpu.set_el_sp(el, o.op & 1 == 1);
    Flow::Next
}

/// MSR DAIFSet/DAIFClr, #imm (`op2` = 6 set, 7 clear; `op` = the D, A, I, F mask): trapped to
/// EL1 at EL0 unless SCTLR_EL1.UMA.
pub fn msr_daif_imm(cpu: &mut Cpu, _: &mut Env, o: &Ops) -> Flow {
    if cpu.el == 0 && cpu.sys.get(Reg::SctlrEl1) & SCTLR_UMA == 0 {
        return deny(cpu, Deny::Trap(1), o.imm as u32);
    }
    let bits = (o.op as u32) << 6;
    if o.op2 == 6 {
        cpu.daif |= bits;
    } else {
        cpu.daif &= !bits;
    }
    Flow::Next
}

/// The descriptor and the word the shape packed into `imm`.
#[inline(always)]
fn sysreg_of(o: &Ops) -> (&'static SysRegDesc, u32) {
    (desc(o.imm as u32), (o.imm >> 32) as u32)
}

/// MRS: read a system register into Xt.
pub fn mrs(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let (d, word) = sysreg_of(o);
    if let Err(e) = d.allowed(cpu, Dir::Read) {
        return deny(cpu, e, word);
    }
    let v = d.read(cpu, env.bus);
    if cpu.trace.is_some() && matches!(d.storage, Storage::Machine) {
        d.trace(cpu, v, false);
    }
    cpu.w(o.rd, v);
    Flow::Next
}

/// MSR (register): write Xt to a system register.
pub fn msr_r(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let (d, word) = sysreg_of(o);
    if let Err(e) = d.allowed(cpu, Dir::Write) {
        return deny(cpu, e, word);
    }
    let v = cpu.r(o.rn);
    d.write(cpu, env.bus, v);
    if cpu.exit.is_some() {
        // The write asked the machine to look (e.g. a timer was reprogrammed).
        cpu.pc = cpu.pc.wrapping_add(4);
        return Flow::Exit;
    }
    Flow::Next
}

/// SYS: a DC, IC, AT or TLBI operation on Xt.
pub fn sys(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let (d, word) = sysreg_of(o);
    if let Err(e) = d.allowed(cpu, Dir::Write) {
        return deny(cpu, e, word);
    }
    if let Storage::Op(f) = d.storage {
        let v = cpu.r(o.rn);
        if let Err(t) = f(cpu, env, v) {
            return cpu.raise(t);
        }
    }
    Flow::Next
}

#[cfg(test)]
pub(crate) mod tests {
    use super::wfe;
    use crate::aarch64::block::CodePages;
    use crate::aarch64::decode::decode;
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::sysreg::{by_name, enc, Reg};
    use crate::aarch64::{BlockCache, Cpu, Env, Exit, Flow, IrqLines, Ops, REG_SP};

    /// Guest-physical base of the test RAM; code starts here.
    pub(crate) const BASE: u64 = 0x4000_0000;
    /// VBAR_EL1 / VBAR_EL2 of the tests.
    const VBAR: u64 = BASE + 0x800;
    /// Synchronous vector, current EL with SP0.
    const VEC_SP0: u64 = VBAR;
    /// Synchronous vector, current EL with SPx.
    const VEC_SPX: u64 = VBAR + 0x200;
    /// Synchronous vector, lower EL in AArch64.
    const VEC_LOWER: u64 = VBAR + 0x400;
    const HVC_0: u32 = 0xd400_0002; // hvc #0
    const SVC_0: u32 = 0xd400_0001; // svc #0
    /// ESR.IL: every A64 instruction is 32 bits.
    const IL: u64 = 1 << 25;

    /// A vCPU at EL1 (EL1 and EL0 implemented) with `words` at [`BASE`] in 128 KB of RAM.
    pub(crate) fn machine(words: &[u32]) -> (Cpu, FlatBus) {
        let mut bus = FlatBus::new(BASE, 0x20000);
        bus.load_words(BASE, words);
        let mut cpu = Cpu::new(1);
        cpu.pc = BASE;
        (cpu, bus)
    }

    /// Run with a fresh block cache.
    pub(crate) fn run(cpu: &mut Cpu, bus: &mut FlatBus, budget: u64) -> Exit {
        cpu.run(&mut BlockCache::new(), bus, budget)
    }

    /// `words` at BASE run at `el` with VBAR_EL1 = [`VBAR`] and an HVC at the three synchronous
    /// vectors; returns the vCPU once the HVC exits.
    fn run_el(words: &[u32], el: u8, setup: impl Fn(&mut Cpu)) -> Cpu {
        let (mut cpu, mut bus) = machine(words);
        for v in [VEC_SP0, VEC_SPX, VEC_LOWER] {
            bus.load_words(v, &[HVC_0]);
        }
        cpu.sys.set(Reg::VbarEl1, VBAR);
        cpu.set_el_sp(el, el > 0);
        setup(&mut cpu);
        assert_eq!(run(&mut cpu, &mut bus, 100), Exit::Hvc(0));
        cpu
    }

    fn esr(cpu: &Cpu) -> u64 {
        cpu.sys.get(Reg::EsrEl1)
    }

    #[test]
    fn svc_round_trip_through_the_vector_table() {
        let (mut cpu, mut bus) = machine(&[
            0xd518_c001, // msr vbar_el1, x1
            0xd518_4022, // msr elr_el1, x2
            0xd518_401f, // msr spsr_el1, xzr (EL0t, DAIF clear)
            0xd69f_03e0, // eret
        ]);
        bus.load_words(
            BASE + 0x100,
            &[
                0xd402_4681, // svc #0x1234
                0x9100_0463, // add x3, x3, #1
                0xd400_0021, // svc #1
            ],
        );
        bus.load_words(
            VEC_LOWER,
            &[
                0xd538_520a, // mrs x10, esr_el1
                0xd538_402b, // mrs x11, elr_el1
                0xd538_400c, // mrs x12, spsr_el1
                HVC_0,
                0xd69f_03e0, // eret
            ],
        );
        cpu.x[1] = VBAR;
        cpu.x[2] = BASE + 0x100;
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(0));
        // ESR_EL1: EC 0x15 (SVC from AArch64), IL, ISS = imm16.
        assert_eq!(cpu.x[10], 0x15 << 26 | IL | 0x1234);
        assert_eq!(cpu.x[11], BASE + 0x104); // preferred return: the next instruction
        assert_eq!(cpu.x[12], 0); // SPSR: EL0t, NZCV and DAIF clear
        assert_eq!((cpu.el, cpu.sp_sel, cpu.daif), (1, true, 0x3c0));
        assert_eq!(cpu.x[3], 0);
        // ERET back to EL0, which runs on and calls again.
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(0));
        assert_eq!(cpu.x[3], 1);
        assert_eq!(cpu.x[10], 0x15 << 26 | IL | 1);
        assert_eq!(cpu.x[11], BASE + 0x10c);
    }

    #[test]
    fn eret_to_el1_restores_pstate() {
        let (mut cpu, mut bus) = machine(&[
            0xd518_4022, // msr elr_el1, x2
            0xd518_4001, // msr spsr_el1, x1
            0xd69f_03e0, // eret
        ]);
        bus.load_words(BASE + 0x20, &[HVC_0]);
        cpu.daif = 0;
        cpu.x[1] = 0x6000_03c5; // Z and C, DAIF masked, EL1h
        cpu.x[2] = BASE + 0x20;
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        assert_eq!(cpu.pc, BASE + 0x24);
        assert_eq!((cpu.el, cpu.sp_sel), (1, true));
        assert_eq!((cpu.nzcv(), cpu.daif), (0x6000_0000, 0x3c0));
    }

    #[test]
    fn eret_at_el0_is_undefined() {
        let cpu = run_el(&[0xd69f_03e0], 0, |_| {});
        assert_eq!(esr(&cpu), IL);
        assert_eq!(cpu.stats.undefined.get(&0xd69f_03e0), Some(&1));
    }

    #[test]
    fn brk_syndrome() {
        let cpu = run_el(&[0xd420_0840], 1, |_| {}); // brk #0x42
        assert_eq!(esr(&cpu), 0x3c << 26 | IL | 0x42);
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE); // preferred return: the BRK itself
        assert_eq!(cpu.pc, VEC_SPX + 4);
    }

    #[test]
    fn undefined_words_are_counted() {
        for word in [
            0x0000_0000, // udf #0
            0xd518_0000, // msr midr_el1, x0: read-only
            0xd518_00a0, // msr mpidr_el1, x0: read-only
            0xd538_f000, // mrs x0, s3_0_c15_c0_0: no such register
            0xd530_1080, // mrs x0, oslar_el1: write-only
            0xd400_0003, // smc #0 with no EL2
            0xd440_0000, // hlt #0
            0xd4a0_0001, // dcps1
            0xd503_3fff, // sb
            0xd500_407f, // msr uao, #0
        ] {
            let cpu = run_el(&[word], 1, |_| {});
            assert_eq!(esr(&cpu), IL, "{word:#010x}: EC 0 (unknown reason)");
            assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE);
            assert_eq!(cpu.stats.undefined.get(&word), Some(&1), "{word:#010x}");
        }
    }

    #[test]
    fn el1_registers_are_undefined_at_el0() {
        for word in [
            0xd538_1000, // mrs x0, sctlr_el1
            0xd518_c001, // msr vbar_el1, x1
            0xd508_7800, // at s1e1r, x0
            0xd508_871f, // tlbi vmalle1
            0xd500_41bf, // msr spsel, #1
        ] {
            let cpu = run_el(&[word], 0, |_| {});
            assert_eq!(esr(&cpu), IL, "{word:#010x}");
            assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE);
            assert_eq!(cpu.pc, VEC_LOWER + 4);
            assert_eq!(cpu.stats.undefined.get(&word), Some(&1));
        }
    }

    #[test]
    fn msr_mrs_of_several_registers() {
        let cpu = run_el(
            &[
                0xd51b_d041, // msr tpidr_el0, x1
                0xd53b_d042, // mrs x2, tpidr_el0
                0xd518_d081, // msr tpidr_el1, x1
                0xd538_d083, // mrs x3, tpidr_el1
                0xd518_a201, // msr mair_el1, x1
                0xd538_a204, // mrs x4, mair_el1
                0xd538_4245, // mrs x5, currentel
                0xd538_0006, // mrs x6, midr_el1
                0xd538_0407, // mrs x7, id_aa64pfr0_el1
                0xd53b_0028, // mrs x8, ctr_el0
                0xd53b_00e9, // mrs x9, dczid_el0
                0xd51b_4201, // msr nzcv, x1
                0xd53b_420a, // mrs x10, nzcv
                0xd53b_e00b, // mrs x11, cntfrq_el0
                HVC_0,
            ],
            1,
            |c| c.x[1] = 0xdead_beef_f00d_cafe,
        );
        assert_eq!(cpu.x[2], 0xdead_beef_f00d_cafe);
        assert_eq!(cpu.x[3], 0xdead_beef_f00d_cafe);
        assert_eq!(cpu.x[4], 0xdead_beef_f00d_cafe);
        assert_eq!(cpu.x[5], 1 << 2); // CurrentEL.EL in bits 3:2
        assert_eq!(cpu.x[6], 0x411f_d070); // Cortex-A57 r1p0
        assert_eq!(cpu.x[7], 0x11); // EL0 and EL1 AArch64 only, no EL2/EL3, FP and AdvSIMD
        assert_eq!(cpu.x[8], 0x8444_c004);
        assert_eq!(cpu.x[9], 4); // 64-byte blocks, DC ZVA permitted
        assert_eq!(cpu.x[10], 0xf000_0000); // only NZCV is kept
        assert_eq!(cpu.x[11], 62_500_000);
    }

    #[test]
    fn identification_registers() {
        let cpu = run_el(
            &[
                0xd538_0601, // mrs x1, id_aa64isar0_el1
                0xd538_0702, // mrs x2, id_aa64mmfr0_el1
                0xd539_0023, // mrs x3, clidr_el1
                0xd51a_001f, // msr csselr_el1, xzr (L1 data)
                0xd539_0004, // mrs x4, ccsidr_el1
                0xd538_0586, // mrs x6, id_aa64afr0_el1
                0xd538_0367, // mrs x7, s3_0_c0_c3_3 (reserved: RAZ)
                HVC_0,
            ],
            1,
            |c| c.x[7] = 1,
        );
        assert_eq!(cpu.x[1], 1 << 16); // CRC32 only
        assert_eq!(cpu.x[2] & 0xf, 4); // PARange: 44 bits
        assert_eq!((cpu.x[2] >> 20) & 0xf, 1); // TGran16 supported
        assert_eq!((cpu.x[2] >> 24) & 0xff, 0); // TGran64, TGran4 supported
        assert_eq!(cpu.x[3], 0x0a20_0023);
        assert_eq!(cpu.x[4], 0x701f_e00a);
        assert_eq!((cpu.x[6], cpu.x[7]), (0, 0));
        let mut el2 = Cpu::new(2);
        el2.set_el_sp(1, true);
        let mut bus = FlatBus::new(BASE, 0x1000);
        assert_eq!(
            by_name("ID_AA64PFR0_EL1").unwrap().read(&el2, &mut bus),
            0x111
        );
    }

    #[test]
    fn daifset_and_daifclr() {
        let cpu = run_el(
            &[
                0xd503_4fff, // msr daifclr, #0xf
                0xd53b_4221, // mrs x1, daif
                0xd503_42df, // msr daifset, #2
                0xd53b_4220, // mrs x0, daif
                HVC_0,
            ],
            1,
            |_| {},
        );
        assert_eq!(cpu.x[1], 0);
        assert_eq!(cpu.x[0], 1 << 7); // PSTATE.I
    }

    #[test]
    fn daif_at_el0_needs_sctlr_uma() {
        let cpu = run_el(&[0xd503_43df], 0, |_| {}); // msr daifset, #3
                                                     // EC 0x18; ISS: Op0 0, Op2 6, Op1 3, CRn 4, Rt 31, CRm 3, Direction 0 (write).
        let iss = 6 << 17 | 3 << 14 | 4 << 10 | 31 << 5 | 3 << 1;
        assert_eq!(esr(&cpu), 0x18 << 26 | IL | iss);
        assert!(cpu.stats.undefined.is_empty());
        // mrs x0, daif: Op0 3, Op2 1, Op1 3, CRn 4, Rt 0, CRm 2, Direction 1 (read).
        let cpu = run_el(&[0xd53b_4220], 0, |_| {});
        let iss = 3 << 20 | 1 << 17 | 3 << 14 | 4 << 10 | 2 << 1 | 1;
        assert_eq!(esr(&cpu), 0x18 << 26 | IL | iss);
        // With UMA the same write goes ahead.
        let cpu = run_el(&[0xd503_43df, SVC_0], 0, |c| {
            c.daif = 0;
            c.sys.set(Reg::SctlrEl1, 0x30d0_0800 | 1 << 9);
        });
        assert_eq!(cpu.sys.get(Reg::SpsrEl1) & 0x3c0, 0xc0); // I and F were set at EL0
    }

    #[test]
    fn spsel_switches_the_stack_pointer() {
        let cpu = run_el(
            &[
                0xd518_4105, // msr sp_el0, x5
                0x9100_003f, // mov sp, x1
                0xd500_40bf, // msr spsel, #0
                0x9100_03e2, // mov x2, sp
                0xd500_41bf, // msr spsel, #1
                0x9100_03e3, // mov x3, sp
                0xd538_4104, // mrs x4, sp_el0
                0xd538_4206, // mrs x6, spsel
                HVC_0,
            ],
            1,
            |c| {
                c.x[1] = 0x1000;
                c.x[5] = 0x2000;
            },
        );
        assert_eq!(
            (cpu.x[2], cpu.x[3], cpu.x[4], cpu.x[6]),
            (0x2000, 0x1000, 0x2000, 1)
        );
        assert_eq!(cpu.x[REG_SP as usize], 0x1000);
        // SP_EL0 is UNDEFINED while it is the current stack pointer (taken at the SP0 vector).
        let cpu = run_el(&[0xd500_40bf, 0xd538_4104], 1, |_| {});
        assert_eq!(esr(&cpu), IL);
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE + 4);
        assert_eq!(cpu.pc, VEC_SP0 + 4);
    }

    #[test]
    fn dc_zva_zeroes_one_block() {
        let (mut cpu, mut bus) = machine(&[0xd50b_7420, HVC_0]); // dc zva, x0
        let buf = 0x1000usize;
        bus.ram_mut()[buf..buf + 0x100].fill(0xff);
        cpu.x[0] = BASE + buf as u64 + 0x47; // inside the second 64-byte block
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        let ram = bus.ram();
        assert!(ram[buf..buf + 0x40].iter().all(|&b| b == 0xff));
        assert!(ram[buf + 0x40..buf + 0x80].iter().all(|&b| b == 0));
        assert!(ram[buf + 0x80..buf + 0x100].iter().all(|&b| b == 0xff));
        // At EL0 it needs SCTLR_EL1.DZE (and DCZID_EL0.DZP says so).
        let cpu = run_el(&[0xd53b_00e9, 0xd50b_7420], 0, |c| c.x[0] = BASE + 0x1000);
        assert_eq!(cpu.x[9], 4 | 1 << 4);
        assert_eq!(esr(&cpu) >> 26, 0x18);
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE + 4);
    }

    #[test]
    fn cache_maintenance_checks_uci_at_el0() {
        const DC_CIVAC: u32 = 0xd50b_7e20; // dc civac, x0
        let cpu = run_el(&[DC_CIVAC], 0, |_| {});
        assert_eq!(esr(&cpu) >> 26, 0x18);
        let cpu = run_el(&[DC_CIVAC, SVC_0], 0, |c| {
            c.sys.set(Reg::SctlrEl1, 0x30d0_0800 | 1 << 26)
        });
        assert_eq!(esr(&cpu) >> 26, 0x15);
    }

    #[test]
    fn wfi_exits_to_the_machine_or_traps_at_el0() {
        let (mut cpu, mut bus) = machine(&[0xd503_207f]); // wfi
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Wfi);
        assert_eq!(cpu.pc, BASE + 4);
        // EL0 with SCTLR_EL1.nTWI = 0: EC 0x01, CV = 1, COND = 0b1110, TI = 0 (WFI).
        let cpu = run_el(&[0xd503_207f], 0, |_| {});
        assert_eq!(esr(&cpu), 0x01 << 26 | IL | 1 << 24 | 0xe << 20);
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE);
        let (mut cpu, mut bus) = machine(&[0xd503_207f]);
        cpu.set_el_sp(0, false);
        cpu.sys.set(Reg::SctlrEl1, 0x30d0_0800 | 1 << 16);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Wfi);
    }

    #[test]
    fn hints_and_barriers_run_on() {
        let cpu = run_el(
            &[
                0xd503_233f, // paciasp (hint #25)
                0xd503_241f, // bti
                0xd503_2fff, // hint #0x7f
                0xd503_20bf, // sevl
                0xd503_205f, // wfe: consumes the event
                0xd503_3b9f, // dsb ish
                0xd503_39bf, // dmb ishld
                0xd503_3fdf, // isb
                0xd503_3f5f, // clrex
                HVC_0,
            ],
            1,
            |c| c.exclusive = Some((0x1000, 8)),
        );
        assert_eq!(cpu.pc, BASE + 40);
        assert_eq!(cpu.exclusive, None);
        assert!(!cpu.event);
        assert!(cpu.stats.undefined.is_empty());
    }

    #[test]
    fn smc_and_hvc_with_el2() {
        // max_el = 2, at EL2: SMC is a call for the machine.
        let (mut cpu, mut bus) = machine(&[0xd400_00e3]); // smc #7
        cpu.max_el = 2;
        cpu.set_el_sp(2, true);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Smc(7));
        assert_eq!(cpu.pc, BASE + 4);
        // At EL1, HVC is an exception to EL2: EC 0x16, ELR_EL2 the next instruction.
        let (mut cpu, mut bus) = machine(&[0xd400_0022]); // hvc #1
        bus.load_words(VEC_LOWER, &[0xd400_00e3]); // smc #7 at EL2
        let mut el2 = Cpu::new(2);
        std::mem::swap(&mut cpu, &mut el2);
        cpu.pc = BASE;
        cpu.sys.set(Reg::VbarEl2, VBAR);
        cpu.set_el_sp(1, true);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Smc(7));
        assert_eq!(cpu.sys.get(Reg::EsrEl2), 0x16 << 26 | IL | 1);
        assert_eq!(cpu.sys.get(Reg::ElrEl2), BASE + 4);
        assert_eq!(cpu.sys.get(Reg::SpsrEl2), 0x3c5); // EL1h, DAIF masked
        assert_eq!(cpu.el, 2);
    }

    #[test]
    fn at_s1e1r_with_the_mmu_off() {
        let cpu = run_el(&[0xd508_7800, 0xd538_7401, HVC_0], 1, |c| {
            c.x[0] = BASE + 0x1234
        });
        // PA[47:12], bit 11 RES1, NS, SH = Outer Shareable, ATTR = Device-nGnRnE, F = 0.
        assert_eq!(cpu.x[1], (BASE + 0x1000) | 1 << 11 | 1 << 9 | 2 << 7);
        // Beyond the 44-bit PA range: F = 1, FST = address size fault, level 0.
        let cpu = run_el(&[0xd508_7800, 0xd538_7401, HVC_0], 1, |c| c.x[0] = 1 << 50);
        assert_eq!(cpu.x[1], 1 << 11 | 1);
    }

    #[test]
    fn timer_registers() {
        let (mut cpu, mut bus) = machine(&[
            0xd51b_e301, // msr cntv_tval_el0, x1
            0xd53b_e342, // mrs x2, cntv_cval_el0
            0xd53b_e043, // mrs x3, cntvct_el0
            HVC_0,
        ]);
        cpu.x[1] = 0xffff_ffff_ffff_fff0; // TVAL = -16
        cpu.time_offset = 1000;
        let mut cache = BlockCache::new();
        // A timer write ends the run for the machine, PC past the MSR.
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Yield);
        assert_eq!((cpu.pc, cpu.insns), (BASE + 4, 1));
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(0));
        // The counter read by instruction k is 1000 + k + 1 (timer.rs): the MSR (k = 0) set
        // CVAL = 1001 - 16, the second MRS (k = 2) read 1003.
        assert_eq!(cpu.x[2], 1001 - 16);
        assert_eq!(cpu.x[3], 1003);
        // EL0 needs CNTKCTL_EL1.EL0VCTEN.
        let cpu = run_el(&[0xd53b_e043], 0, |_| {});
        assert_eq!(esr(&cpu) >> 26, 0x18);
    }

    const WFE: u32 = 0xd503_205f;
    const WFI: u32 = 0xd503_207f;
    const SEV: u32 = 0xd503_209f;
    const SEVL: u32 = 0xd503_20bf;

    /// WFE: an event register that is set is consumed; a clear one waits for the machine.
    #[test]
    fn wfe_and_the_event_register() {
        let (mut cpu, mut bus) = machine(&[WFE, HVC_0]);
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Wfe);
        assert_eq!((cpu.pc, cpu.insns), (BASE + 4, 1));
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Hvc(0));
        // Set: cleared, and the WFE completes.
        let (mut cpu, mut bus) = machine(&[WFE, HVC_0]);
        cpu.event = true;
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        assert!(!cpu.event);
        // SEVL primes one WFE only.
        let (mut cpu, mut bus) = machine(&[SEVL, WFE, WFE, HVC_0]);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Wfe);
        assert_eq!(cpu.pc, BASE + 12);
        // SEV: every PE gets the event, this one included; the machine delivers it to the
        // others.
        let (mut cpu, mut bus) = machine(&[SEV, WFE, HVC_0]);
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Yield);
        assert_eq!(cpu.pc, BASE + 4);
        assert!(cpu.event && cpu.sent_event);
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Hvc(0));
        assert!(!cpu.event);
        // An exception return sets the event register.
        let (mut cpu, mut bus) = machine(&[
            0xd518_4022, // msr elr_el1, x2
            0xd518_4001, // msr spsr_el1, x1
            0xd69f_03e0, // eret
        ]);
        bus.load_words(BASE + 0x20, &[WFE, HVC_0]);
        cpu.x[1] = 0x3c5; // EL1h
        cpu.x[2] = BASE + 0x20;
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Hvc(0));
        assert!(!cpu.event);
    }

    /// WFE traps only when it would wait: EL0 with SCTLR_EL1.nTWE = 0 to EL1, HCR_EL2.TWE to
    /// EL2; ESR EC 0x01 with TI = 1.
    #[test]
    fn wfe_traps() {
        const WFE_ESR: u64 = 0x01 << 26 | IL | 1 << 24 | 0xe << 20 | 1;
        let cpu = run_el(&[WFE], 0, |_| {});
        assert_eq!(esr(&cpu), WFE_ESR);
        assert_eq!(cpu.sys.get(Reg::ElrEl1), BASE);
        let cpu = run_el(&[WFE, SVC_0], 0, |c| c.event = true);
        assert_eq!(esr(&cpu) >> 26, 0x15);
        let (mut cpu, mut bus) = machine(&[WFE]);
        cpu.set_el_sp(0, false);
        cpu.sys.set(Reg::SctlrEl1, 0x30d0_0800 | 1 << 18);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Wfe);
        let (mut cpu, mut bus) = machine(&[WFE]);
        bus.load_words(VEC_LOWER, &[0xd400_00e3]); // smc #7 at EL2
        let mut el2 = Cpu::new(2);
        std::mem::swap(&mut cpu, &mut el2);
        cpu.pc = BASE;
        cpu.sys.set(Reg::VbarEl2, VBAR);
        cpu.sys.set(Reg::HcrEl2, 1 << 14);
        cpu.set_el_sp(1, true);
        assert_eq!(run(&mut cpu, &mut bus, 10), Exit::Smc(7));
        assert_eq!(cpu.sys.get(Reg::EsrEl2), WFE_ESR);
        assert_eq!(cpu.sys.get(Reg::ElrEl2), BASE);
    }

    /// WFI completes at once when an interrupt is pending, even masked by PSTATE (and then does
    /// not trap); WFE only when the interrupt would be taken.
    #[test]
    fn wfi_and_wfe_with_a_pending_interrupt() {
        // EL1 with PSTATE.I set and the IRQ line up: WFI runs on, WFE waits.
        let (mut cpu, mut bus) = machine(&[WFI, WFE, HVC_0]);
        cpu.irq.set(IrqLines::IRQ);
        let mut cache = BlockCache::new();
        assert_eq!(cpu.run(&mut cache, &mut bus, 10), Exit::Wfe);
        assert_eq!(cpu.pc, BASE + 8);
        // EL0 with SCTLR_EL1.nTWI = 0: no trap while an interrupt is pending.
        let cpu = run_el(&[WFI, SVC_0], 0, |c| c.irq.set(IrqLines::FIQ));
        assert_eq!(esr(&cpu) >> 26, 0x15);
        // A virtual IRQ counts at EL1 (not at EL2).
        let mut cpu = Cpu::new(2);
        cpu.sys.set(Reg::HcrEl2, 1 << 4 | 1 << 7); // IMO, VI
        assert!(!cpu.interrupt_pending());
        cpu.set_el_sp(1, true);
        assert!(cpu.interrupt_pending());
        // WFE with an interrupt that would be taken (unmasked at EL1) completes.
        let (mut cpu, mut bus) = machine(&[]);
        cpu.daif = 0;
        cpu.irq.set(IrqLines::IRQ);
        let mut code = CodePages::default();
        let mut env = Env::bound(&mut cpu, &mut bus, &mut code);
        assert_eq!(wfe(&mut cpu, &mut env, &Ops::default()), Flow::Next);
        cpu.daif = 1 << 7;
        assert_eq!(wfe(&mut cpu, &mut env, &Ops::default()), Flow::Exit);
        assert_eq!(cpu.exit, Some(Exit::Wfe));
    }

    #[test]
    fn os_lock_and_el0_read_only_registers() {
        let cpu = run_el(
            &[
                0xd530_1185, // mrs x5, oslsr_el1
                0xd510_109f, // msr oslar_el1, xzr
                0xd530_1186, // mrs x6, oslsr_el1
                HVC_0,
            ],
            1,
            |_| {},
        );
        assert_eq!((cpu.x[5], cpu.x[6]), (0xa, 0x8)); // OSLK set at reset, then cleared
        let cpu = run_el(&[0xd53b_d060, SVC_0], 0, |c| c.sys.set(Reg::TpidrroEl0, 77)); // mrs x0, tpidrro_el0
        assert_eq!(cpu.x[0], 77);
        let cpu = run_el(&[0xd51b_d060], 0, |_| {}); // msr tpidrro_el0, x0
        assert_eq!(esr(&cpu), IL);
    }

    /// The instruction word of one line of a reference `*.sysregs.txt` file, or `None` for a
    /// line whose form this test does not know.
    fn reference_word(insn: &[&str]) -> Option<u32> {
        let imm = |s: &str| {
            let s = s.trim_start_matches('#');
            match s.strip_prefix("0x") {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => s.parse().ok(),
            }
        };
        let sysreg = |name: &str| -> Option<u32> {
            if let Some(d) = by_name(name) {
                return Some(d.enc);
            }
            // s<op0>_<op1>_c<n>_c<m>_<op2>
            let f: Vec<u32> = name
                .strip_prefix('s')?
                .split('_')
                .map(|p| p.trim_start_matches('c').parse().ok())
                .collect::<Option<_>>()?;
            (f.len() == 5).then(|| enc(f[0], f[1], f[2], f[3], f[4]))
        };
        let barrier = |s: &str| {
            let opts = [
                "", "oshld", "oshst", "osh", "", "nshld", "nshst", "nsh", "", "ishld", "ishst",
                "ish", "", "ld", "st", "sy",
            ];
            opts.iter().position(|o| *o == s).map(|p| p as u32)
        };
        let rt = |i: usize| if insn.get(i) == Some(&"Xn") { 0 } else { 31 };
        Some(match insn {
            ["mrs", "Xn", name] => 0xd520_0000 | sysreg(name)? << 5,
            ["msr", "daifset", i] => 0xd503_40df | imm(i)? << 8,
            ["msr", "daifclr", i] => 0xd503_40ff | imm(i)? << 8,
            ["msr", "spsel", i] => 0xd500_40bf | imm(i)? << 8,
            ["msr", name, "Xn"] => 0xd500_0000 | sysreg(name)? << 5,
            [kind @ ("dc" | "ic" | "tlbi" | "at"), op, ..] => {
                let name = format!("{kind} {op}");
                0xd500_0000 | by_name(&name)?.enc << 5 | rt(2)
            }
            ["hint", i] => 0xd503_201f | imm(i)? << 5,
            ["yield"] => 0xd503_203f,
            ["wfe"] => 0xd503_205f,
            ["wfi"] => 0xd503_207f,
            ["sev"] => 0xd503_209f,
            ["sevl"] => 0xd503_20bf,
            ["isb"] => 0xd503_3fdf,
            ["dsb", o] => 0xd503_309f | barrier(o)? << 8,
            ["dmb", o] => 0xd503_30bf | barrier(o)? << 8,
            ["eret"] => 0xd69f_03e0,
            ["svc", i] => 0xd400_0001 | imm(i)? << 5,
            ["hvc", i] => 0xd400_0002 | imm(i)? << 5,
            _ => return None,
        })
    }

    /// Every MRS/MSR/SYS, barrier and hint that Linux, U-Boot and EDK2 executed under QEMU
    /// (cortex-a57) decodes, and the accesses are allowed at EL1 once FP is enabled.
    #[test]
    fn every_reference_system_instruction_is_defined() {
        // `shared/` sits beside the repository (developer machines and CI).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
        let dir = dir.as_path();
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        };
        let mut cpu = Cpu::new(1);
        cpu.sys.set(Reg::CpacrEl1, 3 << 20);
        let mut checked = 0;
        let mut unknown_forms = Vec::new();
        for e in entries.flatten() {
            let path = e.path();
            if !path.to_string_lossy().ends_with(".sysregs.txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let insn: Vec<&str> = line
                    .split_whitespace()
                    .take_while(|t| t.parse::<f64>().is_err())
                    .collect();
                if insn.is_empty() {
                    continue;
                }
                let Some(word) = reference_word(&insn) else {
                    unknown_forms.push(insn.join(" "));
                    continue;
                };
                let d = decode(word);
                assert!(
                    d.pattern.is_some(),
                    "{}: `{}` ({word:#010x}) is UNDEFINED",
                    path.display(),
                    insn.join(" ")
                );
                if word >> 22 == 0xd500_0000 >> 22 && (word >> 19) & 3 != 0 {
                    let desc = crate::aarch64::sysreg::lookup(word >> 5 & 0xffff).unwrap();
                    let dir = if word & 1 << 21 != 0 {
                        crate::aarch64::sysreg::Dir::Read
                    } else {
                        crate::aarch64::sysreg::Dir::Write
                    };
                    assert_eq!(desc.allowed(&cpu, dir), Ok(()), "{}", desc.name);
                }
                checked += 1;
            }
        }
        assert!(
            unknown_forms.is_empty(),
            "forms not understood: {unknown_forms:?}"
        );
        assert!(checked > 100, "only {checked} lines checked");
    }
}
