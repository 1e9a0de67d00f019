//! Exception and interrupt delivery through the IDT (SDM vol. 3 chapter 6), double and triple
//! faults, and the TSS stack pointers it uses.
//!
//! IA-32e mode (§6.14): 16-byte interrupt and trap gates to a 64-bit code segment; the stack
//! switches to the TSS's RSPn on a privilege change (SS becomes the null selector with RPL =
//! the new CPL) or to the gate's IST entry, is aligned down to 16 bytes, and receives SS, RSP,
//! RFLAGS, CS, RIP and the error code, 8 bytes each. Protected mode (§6.12): 8-byte 32-bit
//! interrupt and trap gates; a privilege change loads SS0:ESP0 (SSn:ESPn) from the 32-bit TSS
//! and pushes the old SS and ESP, then EFLAGS, CS, EIP and the error code, 4 bytes each. An
//! interrupt gate clears IF; both clear TF, NT, RF and VM. Task gates, 16-bit gates and
//! virtual-8086 mode are not modelled (such a gate raises #GP(vector·8 + 2 + EXT)).
//!
//! A fault while delivering an exception is handled per §6.15 table 6-5: a contributory
//! exception (#DE, #TS, #NP, #SS, #GP) during a contributory one, or a contributory or #PF
//! during a #PF, becomes a double fault (#DF, error 0); any fault while delivering #DF is a
//! triple fault ([`Exit::TripleFault`]); other combinations deliver the second exception.
//!
//! The sandbox rule ([`System::sandbox`](super::system::System::sandbox)): while set, nothing
//! is delivered and the exception ends the run ([`Exit::Exception`]) — the oracles' state.
//!
//! Each delivery uses one unit of the run's budget without retiring an instruction, so a guest
//! faulting in a loop still returns to the caller.

use super::block::Env;
use super::descriptor::{np, sel_error, ss, ts};
use super::mem::canonical;
use super::state::flag::{IF, NT, RF, TF, VM};
use super::state::{vector, Cpu, Exit, Fault, RSP};
use super::system::{attr, sreg, Segment};

/// What raised the event: it decides the EXT bit of error codes, the gate-DPL check and the
/// double-fault rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// An exception raised by an instruction (or during another delivery).
    Exception,
    /// An external interrupt from the platform.
    External,
    /// INT n, INT3, INTO: the gate's DPL must be ≥ CPL.
    Software,
}

/// Whether `v` is a contributory exception (§6.15 table 6-4).
fn contributory(v: u8) -> bool {
    matches!(
        v,
        vector::DE | vector::TS | vector::NP | vector::SS | vector::GP
    )
}

impl Cpu {
    /// Take exception `f` raised at RIP: deliver it through the IDT (with the double- and
    /// triple-fault rules), or end the run with [`Exit::Exception`] under the sandbox rule.
    pub(crate) fn take_exception(&mut self, env: &mut Env, f: Fault) -> Result<(), Exit> {
        if self.sys.sandbox {
            return Err(Exit::Exception(f));
        }
        self.take(env, f.vector, f.error, Source::Exception)
    }

    /// Deliver `vector` from `src`, following the escalation rules.
    pub(crate) fn take(
        &mut self,
        env: &mut Env,
        vector: u8,
        error: Option<u32>,
        src: Source,
    ) -> Result<(), Exit> {
        let (mut v, mut e, mut s) = (vector, error, src);
        // A benign first event lets the second deliver serially; three faults in a row
        // without a double fault cannot happen, so the bound is never reached by a rule.
        for _ in 0..4 {
            match self.deliver(env, v, e, s) {
                Ok(()) => {
                    self.halted = false;
                    return Ok(());
                }
                Err(g) => {
                    if s == Source::Exception && v == vector::DF {
                        return Err(Exit::TripleFault);
                    }
                    let double = s == Source::Exception
                        && ((contributory(v) && contributory(g.vector))
                            || (v == vector::PF
                                && (g.vector == vector::PF || contributory(g.vector))));
                    (v, e, s) = if double {
                        (vector::DF, Some(0), Source::Exception)
                    } else {
                        (g.vector, g.error, Source::Exception)
                    };
                }
            }
        }
        Err(Exit::TripleFault)
    }

    /// Deliver one event through the IDT. On `Err` the registers are as before (memory
    /// written on the new stack may have changed).
    pub(crate) fn deliver(
        &mut self,
        env: &mut Env,
        vector: u8,
        error: Option<u32>,
        src: Source,
    ) -> Result<(), Fault> {
        let ext = u16::from(src != Source::Software);
        let idt_err = vector as u16 * 8 + 2 + ext;
        let wide = self.long_mode();
        let (gate_size, off) = if wide {
            (16, vector as u64 * 16)
        } else {
            (8, vector as u64 * 8)
        };
        if off + gate_size - 1 > self.sys.idtr.limit as u64 {
            return Err(Fault::gp(idt_err));
        }
        let base = self.sys.idtr.base.wrapping_add(off);
        let lo = self.sys_read(env, base, 8)?;
        let hi = if wide {
            self.sys_read(env, base.wrapping_add(8), 8)?
        } else {
            0
        };
        let ty = ((lo >> 40) & 0x1f) as u16; // type with S (must be 0)
        let gate_dpl = ((lo >> 45) & 3) as u8;
        let trap = match ty {
            0xe => false,
            0xf => true,
            _ => return Err(Fault::gp(idt_err)),
        };
        let cpl = self.cpl();
        if src == Source::Software && gate_dpl < cpl {
            return Err(Fault::gp(idt_err));
        }
        if lo & (1 << 47) == 0 {
            return Err(np(idt_err));
        }
        let sel = (lo >> 16) as u16;
        let mut target = (lo & 0xffff) | ((lo >> 32) & 0xffff_0000);
        if wide {
            target |= hi << 32;
        }
        // The handler's code segment.
        if sel_error(sel) == 0 {
            return Err(Fault::gp(ext));
        }
        let d = self.read_descriptor(env, sel)?;
        let mut cs = super::descriptor::segment(sel, d);
        let err = sel_error(sel) + ext;
        let a = cs.attr;
        if a & attr::S == 0
            || a & attr::CODE == 0
            || cs.dpl() > cpl
            || (wide && (a & attr::L == 0 || a & attr::DB != 0))
        {
            return Err(Fault::gp(err));
        }
        if a & attr::P == 0 {
            return Err(np(err));
        }
        if wide && !canonical(target) {
            return Err(Fault::gp(ext));
        }
        let new_cpl = if a & attr::DC != 0 { cpl } else { cs.dpl() };
        cs.selector = sel_error(sel) | new_cpl as u16;
        let old = (
            self.sys.seg[sreg::CS],
            self.sys.seg[sreg::SS],
            self.regs[RSP],
        );
        let ist = (lo >> 32) & 7;
        let frame_ok = if wide {
            self.frame64(env, ist, cpl, new_cpl, cs, error, ext)
        } else {
            self.frame32(env, cpl, new_cpl, cs, error, ext)
        };
        if let Err(f) = frame_ok {
            (
                self.sys.seg[sreg::CS],
                self.sys.seg[sreg::SS],
                self.regs[RSP],
            ) = old;
            self.refresh_mode();
            return Err(f);
        }
        self.rflags &= !(TF | NT | RF | VM);
        if !trap {
            self.rflags &= !IF;
        }
        self.rip = target;
        Ok(())
    }

    /// A 64-bit entry of the 64-bit TSS at `off` (RSPn, ISTn): #TS(TR) beyond its limit.
    fn tss64(&mut self, env: &mut Env, off: u64) -> Result<u64, Fault> {
        let tr = self.sys.tr;
        if tr.attr & attr::P == 0 || off + 7 > tr.limit as u64 {
            return Err(ts(sel_error(tr.selector)));
        }
        self.sys_read(env, tr.base.wrapping_add(off), 8)
    }

    /// The IA-32e frame: stack from IST or RSPn, aligned to 16, then SS, RSP, RFLAGS, CS,
    /// RIP, error code. Loads CS (and SS on a privilege change) before writing, so the writes
    /// are made at the new privilege.
    #[allow(clippy::too_many_arguments)]
    fn frame64(
        &mut self,
        env: &mut Env,
        ist: u64,
        cpl: u8,
        new_cpl: u8,
        cs: Segment,
        error: Option<u32>,
        ext: u16,
    ) -> Result<(), Fault> {
        let old_ss = self.sys.seg[sreg::SS];
        let old_cs = self.sys.seg[sreg::CS];
        let old_rsp = self.regs[RSP];
        let rsp = if ist != 0 {
            self.tss64(env, 0x24 + (ist - 1) * 8)?
        } else if new_cpl < cpl {
            self.tss64(env, 4 + new_cpl as u64 * 8)?
        } else {
            old_rsp
        };
        if !canonical(rsp) {
            return Err(ss(ext));
        }
        let rsp = rsp & !0xf;
        self.sys.seg[sreg::CS] = cs;
        if new_cpl < cpl {
            self.sys.seg[sreg::SS] = Segment {
                selector: new_cpl as u16,
                attr: (new_cpl as u16) << attr::DPL_SHIFT,
                ..Segment::default()
            };
        }
        self.refresh_mode();
        let frame = [
            old_ss.selector as u64,
            old_rsp,
            self.rflags,
            old_cs.selector as u64,
            self.rip,
            error.unwrap_or(0) as u64,
        ];
        let n = 5 + error.is_some() as usize;
        let mut sp = rsp;
        for &v in &frame[..n] {
            sp = sp.wrapping_sub(8);
            if !canonical(sp) {
                return Err(ss(ext));
            }
            self.write(env, sp, 8, v, true)?;
        }
        self.regs[RSP] = sp;
        Ok(())
    }

    /// The protected-mode frame: on a privilege change SS:ESP from the 32-bit TSS (checked as
    /// a stack segment for the new CPL, #TS otherwise) and the old SS and ESP pushed first.
    fn frame32(
        &mut self,
        env: &mut Env,
        cpl: u8,
        new_cpl: u8,
        cs: Segment,
        error: Option<u32>,
        ext: u16,
    ) -> Result<(), Fault> {
        let old_ss = self.sys.seg[sreg::SS];
        let old_cs = self.sys.seg[sreg::CS];
        let old_esp = self.regs[RSP];
        let mut frame = [0u64; 6];
        let mut n = 0;
        let mut push = |v: u64| {
            frame[n] = v;
            n += 1;
        };
        let (new_ss, esp) = if new_cpl < cpl {
            let tr = self.sys.tr;
            let off = 4 + new_cpl as u64 * 8;
            if tr.attr & attr::P == 0 || off + 5 > tr.limit as u64 {
                return Err(ts(sel_error(tr.selector)));
            }
            let esp = self.sys_read(env, tr.base.wrapping_add(off), 4)?;
            let ss_sel = self.sys_read(env, tr.base.wrapping_add(off + 4), 2)? as u16;
            let seg = match self.check_data_segment(env, sreg::SS, ss_sel, new_cpl) {
                Ok(s) if sel_error(ss_sel) != 0 => s,
                Ok(_) => return Err(ts(ext)),
                Err(f) if f.vector == vector::SS => return Err(f),
                Err(_) => return Err(ts(sel_error(ss_sel) + ext)),
            };
            push(old_ss.selector as u64);
            push(old_esp & 0xffff_ffff);
            (seg, esp)
        } else {
            (old_ss, old_esp)
        };
        push(self.rflags & 0xffff_ffff);
        push(old_cs.selector as u64);
        push(self.rip & 0xffff_ffff);
        if let Some(e) = error {
            push(e as u64);
        }
        self.sys.seg[sreg::CS] = cs;
        self.sys.seg[sreg::SS] = new_ss;
        self.refresh_mode();
        let m = super::state::mask(self.sp_size);
        let mut sp = esp;
        for &v in &frame[..n] {
            sp = (sp & !m) | (sp.wrapping_sub(4) & m);
            let la = self.linear(super::insn::Seg::Ss, sp & m);
            self.write(env, la, 4, v, true)?;
        }
        self.regs[RSP] = sp;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x86_64::state::flag;
    use crate::x86_64::testworld::*;

    const GP_HANDLER: u64 = 0x4000;
    const UD_HANDLER: u64 = 0x4100;
    const DF_HANDLER: u64 = 0x4200;
    const IRQ_HANDLER: u64 = 0x4300;
    const USER: u64 = 0x5000;
    const KERNEL: u64 = 0x6000;

    /// cli at CPL 3 (IOPL 0) raises #GP(0): delivered through a 64-bit interrupt gate to CPL 0
    /// on the TSS's RSP0 with the five-word frame and the error code (SDM vol. 3 §6.14.2,
    /// figure 6-9); SS becomes the null selector with RPL 0; IF is cleared.
    #[test]
    fn a_user_fault_switches_to_rsp0_with_the_64_bit_frame() {
        let mut w = World::long();
        w.gate(13, GP_HANDLER, 0, 0xe, 0);
        w.put(GP_HANDLER, &[0xf4]); // hlt
        w.put(USER, &[0x90, 0xfa]); // nop; cli
        w.user(USER, 0x7ff8);
        w.cpu.rflags |= flag::IF;
        assert_eq!(w.run(10), Exit::Halt);
        let top = RSP0;
        assert_eq!(w.get64(top - 8), USER_DS as u64);
        assert_eq!(w.get64(top - 16), 0x7ff8);
        assert_eq!(w.get64(top - 24), flag::FIXED1 | flag::IF);
        assert_eq!(w.get64(top - 32), USER_CS as u64);
        assert_eq!(w.get64(top - 40), USER + 1);
        assert_eq!(w.get64(top - 48), 0);
        let c = &w.cpu;
        assert_eq!((c.regs[RSP], c.rip, c.cpl()), (top - 48, GP_HANDLER + 1, 0));
        assert_eq!(c.sys.seg[sreg::SS].selector, 0);
        assert_eq!(c.rflags & flag::IF, 0);
    }

    /// The handler skips the faulting instruction and returns with IRETQ to CPL 3, which
    /// restores RSP, SS and RFLAGS; the next fault (#UD, a trap gate) keeps IF.
    #[test]
    fn iretq_returns_to_user_mode() {
        let mut w = World::long();
        w.gate(13, GP_HANDLER, 0, 0xe, 0);
        w.gate(6, UD_HANDLER, 0, 0xf, 0);
        // add rsp, 8; add qword [rsp], 1; iretq
        w.put(
            GP_HANDLER,
            &[
                0x48, 0x83, 0xc4, 0x08, 0x48, 0x83, 0x04, 0x24, 0x01, 0x48, 0xcf,
            ],
        );
        w.put(UD_HANDLER, &[0xf4]);
        // cli; mov eax, 42; ud2
        w.put(USER, &[0xfa, 0xb8, 42, 0, 0, 0, 0x0f, 0x0b]);
        w.user(USER, 0x7ff0);
        w.cpu.rflags |= flag::IF;
        assert_eq!(w.run(20), Exit::Halt);
        assert_eq!(w.cpu.regs[0], 42);
        // The #UD frame: from CPL 3 at the ud2, the user stack as it was.
        assert_eq!(w.get64(RSP0 - 16), 0x7ff0);
        assert_eq!(w.get64(RSP0 - 32), USER_CS as u64);
        assert_eq!(w.get64(RSP0 - 40), USER + 6);
        assert_eq!(w.cpu.regs[RSP], RSP0 - 40); // no error code for #UD
        assert_ne!(w.cpu.rflags & flag::IF, 0); // trap gate
    }

    /// #GP whose gate is not present raises #NP (contributory on contributory): a double
    /// fault, delivered on the IST1 stack with error code 0.
    #[test]
    fn a_fault_delivering_a_fault_is_a_double_fault_on_its_ist_stack() {
        let mut w = World::long();
        let (lo, hi) = gate64(GP_HANDLER, 0, 0xe, 0, false);
        w.put64(IDT + 16 * 13, lo);
        w.put64(IDT + 16 * 13 + 8, hi);
        w.gate(8, DF_HANDLER, 1, 0xe, 0);
        w.put(DF_HANDLER, &[0xf4]);
        w.put(USER, &[0xfa]);
        w.user(USER, 0x7ff0);
        assert_eq!(w.run(10), Exit::Halt);
        assert_eq!(w.cpu.rip, DF_HANDLER + 1);
        assert_eq!(w.cpu.regs[RSP], IST1 - 48);
        assert_eq!(w.get64(IST1 - 48), 0);
        assert_eq!(w.get64(IST1 - 40), USER);
    }

    /// Without a usable double-fault gate the processor shuts down.
    #[test]
    fn a_fault_delivering_the_double_fault_is_a_triple_fault() {
        let mut w = World::long();
        w.put(KERNEL, &[0x0f, 0x0b]); // ud2, no gates at all
        w.cpu.rip = KERNEL;
        assert_eq!(w.run(10), Exit::TripleFault);
        // An IDT with limit 0 (Linux's reboot through a triple fault: lidt of {0, 0}; int3).
        let mut w = World::long();
        w.cpu.sys.idtr.limit = 0;
        w.put(KERNEL, &[0xcc]);
        w.cpu.rip = KERNEL;
        assert_eq!(w.run(10), Exit::TripleFault);
    }

    /// In the sandbox state the exception ends the run instead (the oracles' rule).
    #[test]
    fn the_sandbox_returns_exceptions() {
        let mut w = World::long();
        w.cpu.sys.sandbox = true;
        w.put(KERNEL, &[0x0f, 0x0b]);
        w.cpu.rip = KERNEL;
        assert_eq!(w.run(10), Exit::Exception(Fault::UD));
        assert_eq!(w.cpu.rip, KERNEL);
    }

    /// STI; HLT halts with nothing pending; an interrupt then wakes it and is delivered with
    /// the address after HLT; IRETQ resumes there.
    #[test]
    fn hlt_halts_until_an_interrupt_and_resumes_after_it() {
        let mut w = World::long();
        w.gate(0x30, IRQ_HANDLER, 0, 0xe, 0);
        w.gate(6, UD_HANDLER, 0, 0xe, 0);
        // IRQ: mov ebx, 1; iretq
        w.put(IRQ_HANDLER, &[0xbb, 1, 0, 0, 0, 0x48, 0xcf]);
        w.put(UD_HANDLER, &[0xf4]);
        // sti; hlt; mov eax, 7; ud2
        w.put(KERNEL, &[0xfb, 0xf4, 0xb8, 7, 0, 0, 0, 0x0f, 0x0b]);
        w.cpu.rip = KERNEL;
        assert_eq!(w.run(100), Exit::Halt);
        assert_eq!((w.cpu.rip, w.cpu.insns), (KERNEL + 2, 2));
        assert_eq!(w.run(100), Exit::Halt); // still nothing
        w.bus.pending.push(0x30);
        assert_eq!(w.run(100), Exit::Halt); // now in the #UD handler
        assert_eq!((w.cpu.regs[0], w.cpu.regs[3]), (7, 1));
        assert_eq!(w.bus.acked, 1);
        assert_eq!(w.get64(0x8000 - 40), KERNEL + 7); // #UD at the ud2
    }

    /// STI blocks interrupts for one instruction: a pending interrupt is taken after the
    /// instruction that follows it, not before.
    #[test]
    fn sti_shadows_the_next_instruction() {
        let mut w = World::long();
        w.gate(0x30, IRQ_HANDLER, 0, 0xe, 0);
        w.put(IRQ_HANDLER, &[0xf4]);
        // sti; mov eax, 1; mov eax, 2; hlt
        w.put(KERNEL, &[0xfb, 0xb8, 1, 0, 0, 0, 0xb8, 2, 0, 0, 0, 0xf4]);
        w.cpu.rip = KERNEL;
        w.bus.pending.push(0x30);
        assert_eq!(w.run(100), Exit::Halt);
        assert_eq!(w.cpu.regs[0], 1);
        assert_eq!(w.get64(0x8000 - 40), KERNEL + 6);
        assert_eq!(w.cpu.rip, IRQ_HANDLER + 1);
    }

    /// INT n checks the gate's DPL against CPL: from CPL 3 a DPL-0 gate raises
    /// #GP(vector·8 + 2) (IDT bit, no EXT), a DPL-3 gate delivers.
    #[test]
    fn software_interrupts_check_the_gate_dpl() {
        let mut w = World::long();
        w.gate(13, GP_HANDLER, 0, 0xe, 0);
        w.gate(0x80, IRQ_HANDLER, 0, 0xf, 0);
        w.put(GP_HANDLER, &[0xf4]);
        w.put(USER, &[0xcd, 0x80]); // int 0x80
        w.user(USER, 0x7ff0);
        assert_eq!(w.run(10), Exit::Halt);
        assert_eq!(w.get64(RSP0 - 48), 0x80 * 8 + 2);
        assert_eq!(w.get64(RSP0 - 40), USER);
        let mut w = World::long();
        w.gate(0x80, IRQ_HANDLER, 0, 0xf, 3);
        w.put(IRQ_HANDLER, &[0xf4]);
        w.put(USER, &[0xcd, 0x80]);
        w.user(USER, 0x7ff0);
        assert_eq!(w.run(10), Exit::Halt);
        assert_eq!(w.get64(RSP0 - 40), USER + 2); // a trap: the next instruction
        assert_eq!(w.cpu.regs[RSP], RSP0 - 40);
    }

    /// 32-bit protected mode: a GDT (CS/DS at DPL 0 and 3, a 32-bit TSS), an IDT of 8-byte
    /// gates, the TSS's SS0:ESP0; the vCPU at CPL 3 at `USER` with DS = the user data segment.
    fn protected_world() -> World {
        let mut w = World::long();
        let gdt = [
            0u64,
            0x00cf_9b00_0000_ffff,                             // 0x08 CS32 DPL0
            0x00cf_9300_0000_ffff,                             // 0x10 DS DPL0
            0x00cf_f300_0000_ffff,                             // 0x18 DS DPL3
            0x00cf_fb00_0000_ffff,                             // 0x20 CS32 DPL3
            0x0000_8900_0000_0067 | ((TSS & 0xff_ffff) << 16), // 0x28 32-bit TSS
        ];
        for (k, e) in gdt.iter().enumerate() {
            w.put64(GDT + 8 * k as u64, *e);
        }
        w.put(TSS + 4, &0x9000u32.to_le_bytes());
        w.put(TSS + 8, &0x10u16.to_le_bytes());
        let c = &mut w.cpu;
        c.sys.efer = 0;
        c.sys.cr4 = 0;
        c.sys.gdtr.limit = (gdt.len() * 8 - 1) as u16;
        c.sys.idtr.limit = 256 * 8 - 1;
        let seg = crate::x86_64::descriptor::segment;
        c.sys.seg[sreg::CS] = seg(0x23, gdt[4]);
        c.sys.seg[sreg::SS] = seg(0x1b, gdt[3]);
        c.sys.seg[sreg::DS] = seg(0x1b, gdt[3]);
        c.sys.seg[sreg::ES] = seg(0x1b, gdt[3]);
        c.sys.tr = seg(0x28, gdt[5]);
        c.refresh_mode();
        c.rip = USER;
        c.regs[RSP] = 0x7ff0;
        assert_eq!((c.bits, c.cpl()), (32, 3));
        w
    }

    /// A 32-bit interrupt gate for `vector` to `handler` in CS 0x08.
    fn gate32(w: &mut World, vector: u8, handler: u32, trap: bool) {
        let ty = if trap { 0x8f } else { 0x8e };
        let lo = (handler as u64 & 0xffff)
            | (0x08 << 16)
            | ((ty as u64) << 40)
            | ((handler as u64 >> 16) << 48);
        w.put64(IDT + 8 * vector as u64, lo);
    }

    /// #GP at CPL 3 in protected mode: SS0:ESP0 from the TSS, the old SS and ESP pushed, then
    /// EFLAGS, CS, EIP and the error code, 4 bytes each (SDM vol. 3 §6.12.1, figure 6-4).
    /// IRETD back to CPL 3 restores SS:ESP and nulls DS, which the handler loaded with a DPL-0
    /// segment.
    #[test]
    fn protected_mode_delivery_switches_to_ss0_esp0_and_iret_returns() {
        let mut w = protected_world();
        gate32(&mut w, 13, GP_HANDLER as u32, false);
        gate32(&mut w, 6, UD_HANDLER as u32, false);
        // mov ax, 0x10; mov ds, eax; add esp, 4; add dword [esp], 1; iretd
        w.put(
            GP_HANDLER,
            &[
                0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x83, 0xc4, 0x04, 0x83, 0x04, 0x24, 0x01, 0xcf,
            ],
        );
        w.put(UD_HANDLER, &[0xf4]);
        // cli; mov eax, 9; ud2
        w.put(USER, &[0xfa, 0xb8, 9, 0, 0, 0, 0x0f, 0x0b]);
        assert_eq!(w.run(1), Exit::Budget); // the #GP, delivered: in the handler
        let c = &w.cpu;
        assert_eq!((c.cpl(), c.sys.seg[sreg::SS].selector), (0, 0x10));
        assert_eq!((c.regs[RSP], c.rip), (0x9000 - 24, GP_HANDLER));
        let word = |w: &World, a: u64| w.get64(a) & 0xffff_ffff;
        assert_eq!(word(&w, 0x9000 - 4), 0x1b);
        assert_eq!(word(&w, 0x9000 - 8), 0x7ff0);
        assert_eq!(word(&w, 0x9000 - 12), flag::FIXED1);
        assert_eq!(word(&w, 0x9000 - 16), 0x23);
        assert_eq!(word(&w, 0x9000 - 20), USER);
        assert_eq!(word(&w, 0x9000 - 24), 0);
        assert_eq!(w.run(20), Exit::Halt);
        assert_eq!(w.cpu.regs[0], 9);
        assert_eq!(word(&w, 0x9000 - 8), 0x7ff0); // the #UD frame: ESP as IRET restored it
        assert_eq!(word(&w, 0x9000 - 20), USER + 6);
        assert_eq!(w.cpu.sys.seg[sreg::DS].selector, 0); // nulled on the return to CPL 3
        assert_eq!(w.cpu.sys.seg[sreg::ES].selector, 0x1b);
    }

    /// MOV SS blocks interrupts for the next instruction, like STI.
    #[test]
    fn mov_ss_shadows_the_next_instruction() {
        let mut w = World::long();
        w.gate(0x30, IRQ_HANDLER, 0, 0xe, 0);
        w.put(IRQ_HANDLER, &[0xf4]);
        // mov eax, 0x10; mov ss, eax; mov esp, 0x8800; nop; hlt
        w.put(
            KERNEL,
            &[
                0xb8, 0x10, 0, 0, 0, 0x8e, 0xd0, 0xbc, 0x00, 0x88, 0, 0, 0x90, 0xf4,
            ],
        );
        w.cpu.rip = KERNEL;
        w.cpu.rflags |= flag::IF;
        // Up to MOV SS with nothing pending; the interrupt arrives right after it.
        assert_eq!(w.run(2), Exit::Budget);
        assert!(w.cpu.shadow);
        w.bus.pending.push(0x30);
        assert_eq!(w.run(100), Exit::Halt);
        // Taken after `mov esp` (the shadowed one), not between MOV SS and it.
        assert_eq!(w.get64(0x8800 - 40), KERNEL + 12);
    }

    /// An external interrupt whose gate is not present raises #NP with the IDT bit and EXT
    /// set in its error code (vector·8 + 2 + 1; SDM vol. 3 §6.13), delivered like any fault —
    /// here from CPL 3 onto RSP0, with RIP the interrupted instruction's. (An all-zero gate
    /// would be #GP first: its type is checked before P.)
    #[test]
    fn an_external_interrupt_through_a_missing_gate_is_np_with_ext() {
        let mut w = World::long();
        w.gate(11, GP_HANDLER, 0, 0xe, 0);
        let (lo, hi) = gate64(IRQ_HANDLER, 0, 0xe, 0, false);
        w.put64(IDT + 16 * 0x31, lo);
        w.put64(IDT + 16 * 0x31 + 8, hi);
        w.put(GP_HANDLER, &[0xf4]);
        w.put(USER, &[0x90, 0x90, 0xeb, 0xfe]); // nop; nop; jmp $
        w.user(USER, 0x7ff0);
        w.cpu.rflags |= flag::IF;
        w.bus.pending.push(0x31);
        assert_eq!(w.run(10), Exit::Halt);
        assert_eq!(w.get64(RSP0 - 48), 0x31 * 8 + 2 + 1);
        assert_eq!(w.get64(RSP0 - 40), USER);
        assert_eq!(w.get64(RSP0 - 32), USER_CS as u64);
    }
}
