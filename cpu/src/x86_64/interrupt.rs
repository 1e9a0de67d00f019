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
        let ist = ((lo >> 32) & 7) as u64;
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
        let mut frame = vec![
            old_ss.selector as u64,
            old_rsp,
            self.rflags,
            old_cs.selector as u64,
            self.rip,
        ];
        frame.extend(error.map(u64::from));
        let mut sp = rsp;
        for v in frame {
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
        let mut frame = Vec::with_capacity(6);
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
            frame.push(old_ss.selector as u64);
            frame.push(old_esp & 0xffff_ffff);
            (seg, esp)
        } else {
            (old_ss, old_esp)
        };
        frame.push(self.rflags & 0xffff_ffff);
        frame.push(old_cs.selector as u64);
        frame.push(self.rip & 0xffff_ffff);
        frame.extend(error.map(u64::from));
        self.sys.seg[sreg::CS] = cs;
        self.sys.seg[sreg::SS] = new_ss;
        self.refresh_mode();
        let m = super::state::mask(self.sp_size);
        let mut sp = esp;
        for v in frame {
            sp = (sp & !m) | (sp.wrapping_sub(4) & m);
            let la = self.linear(super::insn::Seg::Ss, sp & m);
            self.write(env, la, 4, v, true)?;
        }
        self.regs[RSP] = sp;
        Ok(())
    }
}
