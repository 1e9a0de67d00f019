//! Privileged and system instructions that need no descriptor tables (SDM vol. 2): CPUID,
//! RDTSC/RDTSCP, RDMSR/WRMSR, MOV to/from CR0/CR2/CR3/CR4 and DR0–DR7, LMSW/SMSW/CLTS,
//! CLI/STI, PUSHF/POPF, HLT, SWAPGS, SYSCALL/SYSRET, WBINVD/INVD/CLFLUSH.
//!
//! Privileged instructions at CPL > 0 raise #GP(0). The handlers that change the mode, IF or
//! the interrupt shadow end their block (the decoder marks them), so the executor sees the new
//! state before the next instruction.

use super::super::block::Env;
use super::super::insn::{Opnd, Ops};
use super::super::mem::canonical;
use super::super::state::flag::{self, AC, ID, IF, IOPL, NT, RF, TF, VIF, VIP, VM};
use super::super::state::{mask, Cpu, Fault, RAX, RBX, RCX, RDX};
use super::super::system::{cr0, cr4, efer, sreg, Segment};
use super::stack::{pop_value, push_value};

/// #GP(0) unless at CPL 0.
#[inline]
pub fn privileged(cpu: &Cpu) -> Result<(), Fault> {
    if cpu.cpl() == 0 {
        Ok(())
    } else {
        Err(Fault::GP0)
    }
}

/// The IOPL field of RFLAGS.
#[inline]
pub fn iopl(cpu: &Cpu) -> u8 {
    ((cpu.rflags & IOPL) >> 12) as u8
}

/// CPUID.
pub fn cpuid(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    let r = cpu.cpuid(cpu.regs[RAX] as u32, cpu.regs[RCX] as u32);
    for (reg, v) in [RAX, RBX, RCX, RDX].into_iter().zip(r) {
        cpu.regs[reg] = v as u64;
    }
    Ok(())
}

/// RDTSC (`cc` 0) and RDTSCP (1): EDX:EAX = TSC (RDTSCP: ECX = IA32_TSC_AUX). #GP(0) at
/// CPL > 0 with CR4.TSD.
pub fn rdtsc(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if cpu.sys.cr4 & cr4::TSD != 0 {
        privileged(cpu)?;
    }
    let t = cpu.tsc();
    cpu.regs[RAX] = t & 0xffff_ffff;
    cpu.regs[RDX] = t >> 32;
    if ops.cc == 1 {
        cpu.regs[RCX] = cpu.sys.msr.tsc_aux & 0xffff_ffff;
    }
    Ok(())
}

/// RDMSR: the vCPU's own registers, then the platform's; else #GP(0), counted by number.
pub fn rdmsr(cpu: &mut Cpu, env: &mut Env, _: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let index = cpu.regs[RCX] as u32;
    let v = match cpu.msr_read_own(index) {
        Some(v) => v,
        None => match env.bus.msr_read(cpu.id, cpu.insns, index) {
            Some(v) => v,
            None => return Err(cpu.bad_msr(index)),
        },
    };
    cpu.regs[RAX] = v & 0xffff_ffff;
    cpu.regs[RDX] = v >> 32;
    Ok(())
}

/// WRMSR: as RDMSR; a refused value raises #GP(0).
pub fn wrmsr(cpu: &mut Cpu, env: &mut Env, _: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let index = cpu.regs[RCX] as u32;
    let v = (cpu.regs[RDX] << 32) | (cpu.regs[RAX] & 0xffff_ffff);
    let ok = match cpu.msr_write_own(index, v) {
        Some(ok) => {
            // The machine's APIC follows the vCPU's IA32_APIC_BASE and IA32_TSC.
            if ok && index == crate::x86_64::msr::APIC_BASE {
                env.bus
                    .apic_base_changed(cpu.id, cpu.insns, cpu.sys.msr.apic_base);
            } else if ok && index == crate::x86_64::msr::TSC {
                env.bus
                    .tsc_offset_changed(cpu.id, cpu.insns, cpu.sys.msr.tsc_offset);
            }
            ok
        }
        None => env.bus.msr_write(cpu.id, cpu.insns, index, v),
    };
    if ok {
        Ok(())
    } else {
        Err(cpu.bad_msr(index))
    }
}

impl Cpu {
    /// Count a #GP(0) of RDMSR/WRMSR on MSR `index` and return it.
    #[cold]
    pub fn bad_msr(&mut self, index: u32) -> Fault {
        *self.bad_msrs.entry(index).or_insert(0) += 1;
        Fault::GP0
    }
}

/// MOV r, CRn (`cc` = n, the register in `dst`).
pub fn mov_from_cr(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let v = match ops.cc {
        0 => cpu.sys.cr0,
        2 => cpu.sys.cr2,
        3 => cpu.sys.cr3,
        4 => cpu.sys.cr4,
        _ => return Err(cpu.undefined(ops.code)),
    };
    if let Opnd::Reg(r) = ops.dst {
        cpu.set_reg(r, ops.size, v);
    }
    Ok(())
}

/// MOV CRn, r (`cc` = n, the register in `src`).
pub fn mov_to_cr(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let v = match ops.src {
        Opnd::Reg(r) => cpu.reg(r, ops.size),
        _ => 0,
    };
    match ops.cc {
        0 => cpu.write_cr0(v),
        2 => {
            cpu.sys.cr2 = v;
            Ok(())
        }
        3 => cpu.write_cr3(v),
        4 => cpu.write_cr4(v),
        _ => Err(cpu.undefined(ops.code)),
    }
}

/// DR6's bits that read as one.
const DR6_FIXED: u64 = 0xffff_0ff0;
/// DR7's bit that reads as one.
const DR7_FIXED: u64 = 0x400;

/// MOV r, DRn (`cc` = n): storage only (no breakpoints are raised). DR4/DR5 alias DR6/DR7
/// (CR4.DE is not advertised).
pub fn mov_from_dr(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let n = match ops.cc {
        4 | 5 => ops.cc + 2,
        n => n,
    } as usize;
    let v = cpu.sys.dr[n & 7];
    if let Opnd::Reg(r) = ops.dst {
        cpu.set_reg(r, ops.size, v);
    }
    Ok(())
}

/// MOV DRn, r: the upper halves of DR6/DR7 are reserved in 64-bit mode (#GP(0)).
pub fn mov_to_dr(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let v = match ops.src {
        Opnd::Reg(r) => cpu.reg(r, ops.size),
        _ => 0,
    };
    let n = match ops.cc {
        4 | 5 => ops.cc + 2,
        n => n,
    } as usize
        & 7;
    cpu.sys.dr[n] = match n {
        6 | 7 if v >> 32 != 0 => return Err(Fault::GP0),
        6 => v | DR6_FIXED,
        7 => v | DR7_FIXED,
        _ => v,
    };
    Ok(())
}

/// LMSW r/m16: loads CR0.PE/MP/EM/TS (PE can be set, not cleared).
pub fn lmsw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    let s = cpu.loc(ops, ops.dst);
    let v = cpu.get(env, s, 2, ops.mem.stack)?;
    let bits = cr0::PE | cr0::MP | cr0::EM | cr0::TS;
    let new = (cpu.sys.cr0 & !(cr0::MP | cr0::EM | cr0::TS)) | (v & bits) | (cpu.sys.cr0 & cr0::PE);
    cpu.write_cr0(new)
}

/// SMSW r/m: CR0's low bits (a register gets the operand size, memory 16 bits). Not
/// privileged (UMIP is not advertised).
pub fn smsw(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let d = cpu.loc(ops, ops.dst);
    cpu.put(
        env,
        d,
        ops.size,
        cpu.sys.cr0 & mask(ops.size),
        ops.mem.stack,
    )
}

/// CLTS: clears CR0.TS.
pub fn clts(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    cpu.sys.cr0 &= !cr0::TS;
    Ok(())
}

/// #GP(0) unless CPL ≤ IOPL (protected mode; SDM vol. 3 §18.2.1: CLI, STI, and IN/OUT before
/// the I/O bitmap).
#[inline]
pub fn iopl_ok(cpu: &Cpu) -> bool {
    cpu.cpl() <= iopl(cpu)
}

/// CLI (`cc` 0) and STI (1). STI that sets IF blocks interrupts for one instruction. CR4.PVI/
/// VME are not advertised, so CPL > IOPL is #GP(0).
pub fn cli_sti(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if !iopl_ok(cpu) {
        return Err(Fault::GP0);
    }
    if ops.cc == 0 {
        cpu.rflags &= !IF;
    } else {
        if cpu.rflags & IF == 0 {
            cpu.shadow = true;
        }
        cpu.rflags |= IF;
    }
    Ok(())
}

/// HLT: stop until an external interrupt ([`Exit::Halt`](super::super::Exit::Halt)).
pub fn hlt(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    privileged(cpu)?;
    cpu.halted = true;
    Ok(())
}

/// PUSHF/PUSHFD/PUSHFQ (size in [`Ops::size`]): RFLAGS with VM and RF clear.
pub fn pushf(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = cpu.rflags & !(VM | RF) & mask(ops.size);
    push_value(cpu, env, ops.size, v)
}

/// The RFLAGS bits POPF and IRET may change at privilege `cpl` with I/O privilege `iopl`
/// (SDM vol. 2 "POPF"): the status flags, TF, DF, NT, AC, ID always; IOPL only at CPL 0; IF
/// only when CPL ≤ IOPL. VM, VIF, VIP are never changed here (no virtual-8086 mode), RF is
/// cleared by POPF.
pub fn popf_mask(cpl: u8, iopl: u8) -> u64 {
    let mut m = flag::STATUS | TF | flag::DF | NT | AC | ID;
    if cpl == 0 {
        m |= IOPL;
    }
    if cpl <= iopl {
        m |= IF;
    }
    m
}

/// POPF/POPFD/POPFQ.
pub fn popf(cpu: &mut Cpu, env: &mut Env, ops: &Ops) -> Result<(), Fault> {
    let v = pop_value(cpu, env, ops.size)?;
    let m = popf_mask(cpu.cpl(), iopl(cpu)) & mask(ops.size);
    cpu.rflags = ((cpu.rflags & !m & !RF) | (v & m) | flag::FIXED1) & !(VIF | VIP)
        | (cpu.rflags & (VIF | VIP));
    Ok(())
}

/// SWAPGS: exchange GS.base and IA32_KERNEL_GS_BASE (64-bit mode, CPL 0).
pub fn swapgs(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if !cpu.mode64() {
        return Err(cpu.undefined(ops.code));
    }
    privileged(cpu)?;
    let gs = &mut cpu.sys.seg[sreg::GS].base;
    std::mem::swap(gs, &mut cpu.sys.msr.kernel_gs_base);
    cpu.refresh_mode();
    Ok(())
}

/// The flat code/stack segment SYSCALL and SYSRET load (SDM vol. 2 "SYSCALL": fixed
/// descriptor-cache values, nothing read from the GDT).
fn flat(selector: u16, dpl: u8, code: bool, long: bool) -> Segment {
    Segment::flat(selector, dpl, code, if long && code { 64 } else { 32 })
}

/// SYSCALL (64-bit mode with EFER.SCE, else #UD): RCX = RIP, R11 = RFLAGS, CS/SS from
/// STAR bits 47:32, RFLAGS &= ~FMASK, RIP = LSTAR.
pub fn syscall(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if !cpu.mode64() || cpu.sys.efer & efer::SCE == 0 {
        return Err(cpu.undefined(ops.code));
    }
    cpu.regs[RCX] = cpu.rip;
    cpu.regs[11] = cpu.rflags & !RF;
    let sel = ((cpu.sys.msr.star >> 32) & 0xfffc) as u16;
    cpu.sys.seg[sreg::CS] = flat(sel, 0, true, true);
    cpu.sys.seg[sreg::SS] = flat(sel.wrapping_add(8), 0, false, false);
    cpu.rflags = (cpu.rflags & !cpu.sys.msr.fmask & !RF) | flag::FIXED1;
    cpu.rip = cpu.sys.msr.lstar;
    cpu.refresh_mode();
    Ok(())
}

/// SYSRET (64-bit mode with EFER.SCE, else #UD; CPL 0 and a canonical RCX, else #GP(0)):
/// CS/SS from STAR bits 63:48 (+16 for a 64-bit return with REX.W, as given in `cc`), RPL 3,
/// RFLAGS = R11, RIP = RCX (ECX for a 32-bit return).
pub fn sysret(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if !cpu.mode64() || cpu.sys.efer & efer::SCE == 0 {
        return Err(cpu.undefined(ops.code));
    }
    privileged(cpu)?;
    let long = ops.cc == 8;
    let rip = if long {
        cpu.regs[RCX]
    } else {
        cpu.regs[RCX] & 0xffff_ffff
    };
    if !canonical(rip) {
        return Err(Fault::GP0);
    }
    let base = (cpu.sys.msr.star >> 48) as u16;
    let cs = if long { base.wrapping_add(16) } else { base };
    cpu.sys.seg[sreg::CS] = flat(cs | 3, 3, true, long);
    // SS keeps the stack attributes SYSCALL's loaded, with the user selector and DPL.
    cpu.sys.seg[sreg::SS] = flat(base.wrapping_add(8) | 3, 3, false, false);
    cpu.rflags = (cpu.regs[11] & 0x3c_7fd7) | flag::FIXED1;
    cpu.rip = rip;
    cpu.refresh_mode();
    Ok(())
}

/// WBINVD, INVD: privileged; no caches to write back or drop.
pub fn wbinvd(cpu: &mut Cpu, _: &mut Env, _: &Ops) -> Result<(), Fault> {
    privileged(cpu)
}

/// CLFLUSH m8: no caches to flush; a non-canonical address faults (#GP(0), #SS(0) on the
/// stack). The line is not read (it may be a device's).
pub fn clflush(cpu: &mut Cpu, _: &mut Env, ops: &Ops) -> Result<(), Fault> {
    if canonical(cpu.ea(&ops.mem)) {
        Ok(())
    } else if ops.mem.stack {
        Err(Fault::SS0)
    } else {
        Err(Fault::GP0)
    }
}

#[cfg(test)]
mod tests {
    use crate::x86_64::state::flag;
    use crate::x86_64::system::sreg;
    use crate::x86_64::testworld::*;
    use crate::x86_64::{Exit, Fault};

    const LSTAR: u64 = 0x4400;
    const USER: u64 = 0x5000;
    const KERNEL: u64 = 0x6000;

    /// SYSCALL saves RIP in RCX and RFLAGS in R11, loads CS/SS from STAR[47:32] and clears
    /// the FMASK bits; SYSRETQ returns to CPL 3 with CS = STAR[63:48] + 16, SS = + 8.
    #[test]
    fn syscall_and_sysret_round_trip() {
        let mut w = World::long();
        w.cpu.sys.msr.lstar = LSTAR;
        w.cpu.sys.msr.fmask = flag::IF;
        w.gate(6, 0x4100, 0, 0xe, 0);
        w.put(0x4100, &[0xf4]);
        // kernel: mov eax, 5; sysretq
        w.put(LSTAR, &[0xb8, 5, 0, 0, 0, 0x48, 0x0f, 0x07]);
        // user: syscall; ud2
        w.put(USER, &[0x0f, 0x05, 0x0f, 0x0b]);
        w.user(USER, 0x7ff0);
        w.cpu.rflags |= flag::IF;
        assert_eq!(w.run(1), Exit::Budget);
        assert_eq!((w.cpu.cpl(), w.cpu.sys.seg[sreg::CS].selector), (0, 0x08));
        assert_eq!(w.cpu.sys.seg[sreg::SS].selector, 0x10);
        assert_eq!(
            (w.cpu.regs[1], w.cpu.regs[11]),
            (USER + 2, flag::FIXED1 | flag::IF)
        );
        assert_eq!(w.cpu.rflags & flag::IF, 0);
        assert_eq!(w.run(2), Exit::Budget);
        assert_eq!(w.cpu.sys.seg[sreg::CS].selector, USER_CS);
        assert_eq!(w.cpu.sys.seg[sreg::SS].selector, USER_DS);
        assert_eq!((w.cpu.rip, w.cpu.regs[0]), (USER + 2, 5));
        assert_ne!(w.cpu.rflags & flag::IF, 0);
    }

    /// WRMSR IA32_FS_BASE moves FS-relative accesses; an MSR nobody implements raises
    /// #GP(0) and is counted.
    #[test]
    fn msrs_through_the_instructions() {
        let mut w = World::long();
        w.cpu.sys.sandbox = true;
        // mov ecx, 0xc0000100; mov eax, 0x7000; xor edx, edx; wrmsr; mov rbx, fs:[8];
        // mov ecx, 0x3a; rdmsr
        w.put(
            KERNEL,
            &[
                0xb9, 0x00, 0x01, 0x00, 0xc0, 0xb8, 0x00, 0x70, 0, 0, 0x31, 0xd2, 0x0f, 0x30, 0x64,
                0x48, 0x8b, 0x1c, 0x25, 8, 0, 0, 0, 0xb9, 0x3a, 0, 0, 0, 0x0f, 0x32,
            ],
        );
        w.put64(0x7008, 0xfeed);
        w.cpu.rip = KERNEL;
        assert_eq!(w.run(10), Exit::Exception(Fault::GP0));
        assert_eq!(w.cpu.regs[3], 0xfeed);
        assert_eq!(w.cpu.bad_msrs.get(&0x3a), Some(&1));
        assert_eq!(w.cpu.rip, KERNEL + 28);
    }

    /// POPF at CPL 3 with IOPL 0 changes neither IF nor IOPL (SDM vol. 2 "POPF" table 4-16),
    /// but does change the status flags, DF and AC.
    #[test]
    fn popf_at_cpl3_keeps_if_and_iopl() {
        let mut w = World::long();
        // push 0x3ed5 (IOPL 3, DF, status flags, IF clear) ... popfq; pushfq; hlt
        w.put(USER, &[0x68, 0xd5, 0x3c, 0x04, 0x00, 0x9d, 0x9c, 0xf4]);
        w.user(USER, 0x7ff0);
        w.cpu.sys.sandbox = true;
        w.cpu.rflags = flag::FIXED1 | flag::IF;
        assert_eq!(w.run(10), Exit::Exception(Fault::GP0)); // hlt at CPL 3
        let f = w.cpu.rflags;
        assert_eq!(f & (flag::IF | flag::IOPL), flag::IF);
        assert_eq!(f & flag::STATUS, 0x3cd5 & flag::STATUS);
        assert_ne!(f & flag::DF, 0);
        assert_ne!(f & flag::AC, 0);
        assert_eq!(w.get64(0x7ff0 - 8), f);
    }

    /// Privileged instructions at CPL 3 raise #GP(0).
    #[test]
    fn privileged_instructions_fault_at_cpl3() {
        // mov rax, cr0; wrmsr; hlt; lgdt [rax]; swapgs; wbinvd
        for code in [
            &[0x0f, 0x20, 0xc0][..],
            &[0x0f, 0x30],
            &[0xf4],
            &[0x0f, 0x01, 0x10],
            &[0x0f, 0x01, 0xf8],
            &[0x0f, 0x09],
        ] {
            let mut w = World::long();
            w.cpu.sys.sandbox = true;
            w.put(USER, code);
            w.user(USER, 0x7ff0);
            assert_eq!(w.run(1), Exit::Exception(Fault::GP0), "{code:x?}");
            assert_eq!(w.cpu.rip, USER);
        }
    }

    /// RDTSC counts retired instructions (TSC_HZ = one tick per instruction) plus the offset
    /// IA32_TSC's write set; RDTSCP adds IA32_TSC_AUX in ECX; CPUID works at CPL 3 (no
    /// faulting) and gives leaf 0's vendor.
    #[test]
    fn rdtsc_rdtscp_and_cpuid() {
        let mut w = World::long();
        w.cpu.sys.sandbox = true;
        w.cpu.sys.msr.tsc_aux = 7;
        // nop; nop; rdtsc; mov ebx, eax; rdtscp; ud2
        w.put(
            USER,
            &[
                0x90, 0x90, 0x0f, 0x31, 0x89, 0xc3, 0x0f, 0x01, 0xf9, 0x0f, 0x0b,
            ],
        );
        w.user(USER, 0x7ff0);
        w.cpu.insns = 1000;
        w.cpu.sys.msr.tsc_offset = 5;
        assert_eq!(w.run(10), Exit::Exception(Fault::UD));
        assert_eq!(w.cpu.regs[3], 1007); // after two instructions
        assert_eq!((w.cpu.regs[0], w.cpu.regs[2], w.cpu.regs[1]), (1009, 0, 7));
        // xor eax, eax; cpuid; ud2
        let mut w = World::long();
        w.cpu.sys.sandbox = true;
        w.put(USER, &[0x31, 0xc0, 0x0f, 0xa2, 0x0f, 0x0b]);
        w.user(USER, 0x7ff0);
        assert_eq!(w.run(10), Exit::Exception(Fault::UD));
        let r = &w.cpu.regs;
        let vendor: Vec<u8> = [r[3], r[2], r[1]]
            .iter()
            .flat_map(|v| (*v as u32).to_le_bytes())
            .collect();
        assert_eq!((&vendor[..], r[0]), (&b"GenuineIntel"[..], 0x16));
    }
}
